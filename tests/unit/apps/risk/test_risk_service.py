"""The risk use cases: scoped watchlists, explained scores, verification orders through the
work-order engine (in-memory repository) and their outcomes fed back."""

from __future__ import annotations

from dataclasses import replace

import pytest

from shibei.access import Actor, PlaceIndex, Role
from shibei.apps.risk import (
    InMemoryRiskInputs,
    Outcome,
    RiskForbidden,
    RiskNotFound,
    RiskService,
    WorkflowVerifications,
)
from shibei.gazetteer import build_gazetteer
from shibei.workflow import InMemoryWorkOrderRepository, OrderState, WorkflowService

from .factories import DAY, plain, scheme

GAZ = build_gazetteer(0.001, 1)
S1, S2 = GAZ.streets[0].code, GAZ.streets[1].code
H1 = next(h.code for h in GAZ.houses if h.code.startswith(S1))
H2 = next(h.code for h in GAZ.houses if h.code.startswith(S2))


def actor(role: Role, unit: str, name: str = "u") -> Actor:
    return Actor(1, name, role, unit)


ADMIN = actor(Role.DISTRICT_ADMIN, "370203", "admin")
STREET1 = actor(Role.STREET_STAFF, S1, "street1")
GRID = actor(Role.GRID_WORKER, H1[:15], "grid")
CHAMBER = actor(Role.CHAMBER_LIAISON, S1, "chamber")


@pytest.fixture
def service() -> RiskService:
    orgs = [
        replace(scheme("O9"), house_code=H1),
        replace(scheme("O8"), house_code=H2, legal_rep_id="P8"),
        replace(plain("O1"), house_code=H1),
    ]
    places = PlaceIndex.from_gazetteer(GAZ)
    workflow = WorkflowService(InMemoryWorkOrderRepository(), places=places)
    return RiskService(
        InMemoryRiskInputs(orgs), places, WorkflowVerifications(workflow), default_day=lambda _: DAY
    )


def test_district_admin_sees_every_street(service: RiskService) -> None:
    assert {s.org_id for s in service.watchlist(ADMIN)} == {"O9", "O8"}


def test_street_official_sees_only_that_street(service: RiskService) -> None:
    assert [s.org_id for s in service.watchlist(STREET1)] == ["O9"]
    assert [c.code[:9] for c in service.communities(STREET1)] == [H1[:9]]


def test_street_official_asking_for_another_street_is_refused(service: RiskService) -> None:
    with pytest.raises(RiskForbidden):
        service.watchlist(STREET1, street=S2)
    with pytest.raises(RiskForbidden):
        service.organization(STREET1, "O8")


def test_roles_without_risk_view_are_refused(service: RiskService) -> None:
    with pytest.raises(RiskForbidden):
        service.watchlist(GRID)
    with pytest.raises(RiskForbidden):
        service.organization(GRID, "O9")


def test_chamber_liaison_views_but_may_not_verify(service: RiskService) -> None:
    assert [s.org_id for s in service.watchlist(CHAMBER)] == ["O9"]
    with pytest.raises(RiskForbidden):
        service.open_verification(CHAMBER, "O9")


def test_filters_by_industry(service: RiskService) -> None:
    assert service.watchlist(ADMIN, industry="制造业") == []
    assert len(service.watchlist(ADMIN, industry="批发和零售业")) == 2


def test_unknown_organization_is_not_found(service: RiskService) -> None:
    with pytest.raises(RiskNotFound):
        service.organization(ADMIN, "O404")


def test_verification_goes_to_the_grid_of_the_address_once(service: RiskService) -> None:
    order = service.open_verification(STREET1, "O9")
    assert order.kind == "risk_verification"
    assert order.state is OrderState.DISPATCHED
    assert order.lead_unit == H1[:15]
    assert order.payload["org_id"] == "O9"
    again = service.open_verification(STREET1, "O9")
    assert again.id == order.id  # same organization, same scoring day: one order


def test_confirmed_outcome_feeds_back_into_the_score(service: RiskService) -> None:
    before = service.organization(STREET1, "O9").score
    order = service.open_verification(STREET1, "O9")
    service.record_outcome(STREET1, "O9", order.id, Outcome.CONFIRMED, "现场推销理财产品")
    after = service.organization(STREET1, "O9")
    assert after.score == pytest.approx(before + 30.0)
    assert after.contributions[-1].key == "verification"
    assert [o.outcome.outcome for o in service.orders(STREET1, "O9") if o.outcome] == [
        Outcome.CONFIRMED
    ]


def test_cleared_outcome_takes_the_organization_off_the_watchlist(service: RiskService) -> None:
    order = service.open_verification(STREET1, "O9")
    service.record_outcome(STREET1, "O9", order.id, Outcome.CLEARED, "正常经营")
    assert service.organization(STREET1, "O9").score == 0.0
    assert service.watchlist(STREET1) == []


def test_outcome_on_another_organizations_order_is_refused(service: RiskService) -> None:
    from shibei.workflow import InvalidAction

    order = service.open_verification(ADMIN, "O8")
    with pytest.raises(InvalidAction):
        service.record_outcome(ADMIN, "O9", order.id, Outcome.CONFIRMED)


def test_mass_case_reports_naming_an_organization_count_on_the_latest_data_day() -> None:
    from datetime import date, datetime

    from shibei.apps.mass_cases import IdentityCheck, InMemoryMassCaseRepository, Report
    from shibei.apps.mass_cases.model import PaymentMethod, Reporter, Suspect, Transfer
    from shibei.apps.risk import mass_case_mentions

    repo = InMemoryMassCaseRepository()
    for n in range(2):
        report = Report(
            report_id=f"SZ{n}",
            owner="resident",
            started_at=datetime(2026, 1, 5, 9),
            submitted_at=datetime(2026, 1, 5, 10),
            reporter=Reporter(),
            suspect=Suspect(organization="青岛某某有限公司"),
            transfers=(Transfer(date(2025, 5, 1), 1_000_000, PaymentMethod.BANK),),
            attachments=(),
            story="",
            channel="online",
            identity=IdentityCheck.UNCHECKED,
            org_id="O1",
        )
        repo.add_report(report, set(), None)
    places = PlaceIndex.from_gazetteer(GAZ)
    risk = RiskService(
        InMemoryRiskInputs([replace(plain("O1"), house_code=H1)]),
        places,
        default_day=lambda _: DAY,
        mass_cases=mass_case_mentions(repo),
    )
    score = risk.organization(ADMIN, "O1")
    part = next(c for c in score.contributions if c.key == "mass_case_reports")
    assert part.points == 15.0  # two reports: full strength
    assert any("报案日 2026-01-05" in f and "10,000.00 元" in f for f in part.facts)
    assert risk.day() == DAY
