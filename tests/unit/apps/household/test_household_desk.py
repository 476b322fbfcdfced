"""`HouseholdDesk` over fakes: in-memory work orders, in-memory foundation, a list as
the audit sink."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pytest

from shibei.access import Actor, PlaceIndex, Role
from shibei.access.audit import AuditEntry, AuditRecord
from shibei.apps.household.routing import Router
from shibei.apps.household.service import HouseholdDesk
from shibei.foundation.memory import InMemoryFoundationReader
from shibei.foundation.reader import HouseView, PersonView
from shibei.gazetteer import Gazetteer, build_gazetteer
from shibei.workflow import (
    FixedHolidays,
    InMemoryWorkOrderRepository,
    InvalidAction,
    OrderState,
    WorkCalendar,
    WorkflowService,
)

NOW = datetime(2025, 6, 3, 10)


@dataclass(frozen=True)
class Who:
    actor: Actor
    ip: str = "10.0.0.9"


class ListAudit:
    def __init__(self) -> None:
        self.records: list[AuditRecord] = []

    def append_audit(self, record: AuditRecord) -> AuditEntry:
        self.records.append(record)
        return AuditEntry(len(self.records), record, "", "")


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return build_gazetteer(0.001, 1)


def _desk(g: Gazetteer, person: PersonView | None) -> tuple[HouseholdDesk, ListAudit]:
    houses = []
    if person is not None and person.house_code:
        houses.append(
            HouseView(person.house_code, "某路1号", "住宅", 60.0, "自住", person.person_id,
                      None, (person.person_id,), person.house_code[:15], 36.0, 120.3)
        )  # fmt: skip
    reader = InMemoryFoundationReader([person] if person else [], houses)
    places = PlaceIndex.from_gazetteer(g)
    calendar = WorkCalendar(FixedHolidays(holidays=(), workdays=(), years=(2025,)))
    engine = WorkflowService(InMemoryWorkOrderRepository(), calendar, lambda: NOW, places=places)
    audit = ListAudit()
    return HouseholdDesk(engine, reader, Router.from_gazetteer(g), places, audit), audit


def _resident(g: Gazetteer) -> tuple[PersonView, Who]:
    house = g.houses[0].code
    person = PersonView(
        "P1", "王芳", "11010519491231002X", date(1990, 1, 1), "女", ("13512345672",), house,
        house, False, "某路1号", house[:15],
    )  # fmt: skip
    return person, Who(Actor(1, "r", Role.RESIDENT, "", "P1"))


FORM = {"phone": "13512345672", "purpose": "travel"}


def test_applies_routes_and_audits(gazetteer: Gazetteer) -> None:
    person, resident = _resident(gazetteer)
    desk, audit = _desk(gazetteer, person)
    order = desk.apply(resident, "HZ0407", FORM, {}, "k1")
    station = gazetteer.station_of(person.house_code[:12])  # type: ignore[index]
    assert order.lead_unit == station.code
    assert order.state is OrderState.SUBMITTED
    assert order.payload["form"]["id_number"] == "11010519491231002X"  # from the 人口库
    assert order.payload["proven"] == ["居民身份证号码核验"]
    assert desk.apply(resident, "HZ0407", FORM, {}, "k1").id == order.id  # idempotent
    assert [r.action for r in audit.records].count("workorder.apply") == 2


def test_hand_over_after_signing_returns_then_reassigns(gazetteer: Gazetteer) -> None:
    person, resident = _resident(gazetteer)
    desk, _ = _desk(gazetteer, person)
    order = desk.apply(resident, "HZ0407", FORM, {})
    officer = Who(Actor(2, "p", Role.STATION_POLICE, order.lead_unit or ""))
    for action in ("accept", "dispatch", "sign"):
        desk.act(officer, order.id, action)
    target = next(u.code for u in desk.router.stations if u.code != order.lead_unit)
    moved = desk.hand_over(officer, order.id, target, "不属本所辖区")
    assert moved.state is OrderState.DISPATCHED and moved.lead_unit == target
    actions = [e.action.value for e in desk.engine.events(order.id)]
    assert actions[-2:] == ["return", "reassign"]
    with pytest.raises(InvalidAction, match="转交原因"):
        desk.hand_over(officer, order.id, order.lead_unit or "", " ")


def test_unknown_applicant_goes_to_the_brigade(gazetteer: Gazetteer) -> None:
    desk, _ = _desk(gazetteer, None)
    stranger = Who(Actor(3, "x", Role.RESIDENT, "", "P404"))
    form = {"applicant_name": "李四", "id_number": "11010519491231002X", **FORM}
    order = desk.apply(stranger, "HZ0407", form, {})
    assert order.lead_unit == "370203P90"
    assert order.payload["checks"][0]["passed"] is False


def test_window_only_matters_cannot_be_applied_online(gazetteer: Gazetteer) -> None:
    person, resident = _resident(gazetteer)
    desk, _ = _desk(gazetteer, person)
    with pytest.raises(InvalidAction, match="暂不支持网上办理"):
        desk.apply(resident, "HZ0308", {}, {})
