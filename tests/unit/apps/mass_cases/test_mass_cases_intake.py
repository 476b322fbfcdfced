"""Drafts, submission, the real-name check, immutable reports, registration timing and
scoped access (a street official sees only that street's victims)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from shibei.apps.mass_cases import (
    Attachment,
    IdentityCheck,
    IntakeConflict,
    IntakeDenied,
    IntakeNotFound,
    ReportInvalid,
    ReportTampered,
    StaleDraft,
    TransferInput,
    parse_amount,
)

from .world import ACCOUNT, C1, VICTIMS, Intake, form, intake, official, report, resident


@pytest.mark.parametrize(
    ("text", "fen"),
    [("50000", 5_000_000), ("12,345.67", 1_234_567), ("1.5万", 1_500_000), ("¥800 元", 80_000)],
)
def test_parses_amounts_as_victims_write_them(text: str, fen: int) -> None:
    assert parse_amount(text) == fen


@pytest.mark.parametrize("text", ["", "abc", "1.234", "-5", "五万"])
def test_rejects_amounts_that_are_not_money(text: str) -> None:
    with pytest.raises(ValueError):
        parse_amount(text)


def test_draft_is_prefilled_from_the_population_library_and_keeps_bad_rows() -> None:
    case = intake()
    who = resident("v1")
    draft = case.service.draft(who)
    assert (draft.reporter.name, draft.reporter.community_code) == ("刘桂芳", C1)
    assert draft.reporter.id_number == ""  # typed by the victim, then checked
    data = replace(form("v1"), transfers=[TransferInput("2025-13-01", "五万", "bank")])
    saved, problems = case.service.save_draft(who, data)
    assert saved.version == 2 and len(saved.transfers) == 1
    assert problems["transfers.1"] == "第 1 笔日期格式应为 年-月-日"
    with pytest.raises(ReportInvalid) as info:
        case.service.submit(who)
    assert "transfers.1" in info.value.problems


def test_stale_draft_save_is_refused() -> None:
    case = intake()
    who = resident("v1")
    case.service.draft(who)
    case.service.save_draft(who, form("v1"))
    with pytest.raises(StaleDraft):
        case.service.save_draft(who, form("v1"), expected_version=1)


def test_submission_lists_every_missing_field_at_once() -> None:
    case = intake()
    who = resident("v2")
    case.service.draft(who)
    case.service.save_draft(who, replace(form("v2"), id_number="370203198001011234", transfers=[]))
    with pytest.raises(ReportInvalid) as info:
        case.service.submit(who)
    assert set(info.value.problems) == {"reporter.id_number", "suspect", "transfers"}


def test_identity_is_verified_against_the_population_library() -> None:
    case = intake()
    ok = report(case, "v1", form("v1", organization="鑫盛投资"))
    assert (ok.report.identity, ok.report.identity_label) == ("verified", "已核验")
    wrong = report(case, "v2", replace(form("v2", organization="鑫盛投资"), name="陈建华"))
    assert wrong.report.identity == IdentityCheck.MISMATCH.value
    assert wrong.report.identity_note == "姓名与人口库不一致，需现场核验"


def test_only_a_resident_with_a_person_may_report() -> None:
    case = intake()
    with pytest.raises(IntakeDenied):
        case.service.draft(official("street1"))


def test_submitted_report_is_sealed_and_tampering_is_detected() -> None:
    case = intake()
    done = report(case, "v1", form("v1", organization="鑫盛投资"))
    stored = case.repo.report(done.report.report_id)
    assert stored is not None and stored.intact
    forged = replace(stored, transfers=())
    case.repo._reports[stored.report_id] = forged  # what an edit behind our back looks like
    with pytest.raises(ReportTampered):
        case.repo.report(stored.report_id)


def test_attachments_travel_from_draft_to_report() -> None:
    case = intake()
    who = resident("v1")
    case.service.draft(who)
    a = Attachment("a" * 32, "合同.pdf", "pdf", 1000, "f" * 64, "合同")
    case.service.attach(who, a)
    case.service.save_draft(who, form("v1", organization="鑫盛投资"))
    result = case.service.submit(who)
    assert [x.name for x in result.report.attachments] == ["合同.pdf"]
    assert case.service.attachment(who, result.report.report_id, "a" * 32) == a
    with pytest.raises(IntakeNotFound):
        case.service.attachment(resident("v2"), result.report.report_id, "a" * 32)


def test_registration_measures_intake_from_arrival_once() -> None:
    case = intake()
    done = report(case, "v1", form("v1", organization="鑫盛投资"), minutes=12)
    case.clock.tick(20)
    view = case.service.register(official("police1"), done.report.report_id)
    assert view.intake_minutes == 33.0  # 12 typing + 1 + 20 waiting for an officer
    assert case.service.intake_minutes() == [33.0]
    with pytest.raises(IntakeConflict):
        case.service.register(official("police1"), done.report.report_id)


def _two_street_cluster() -> tuple[Intake, str]:
    case = intake()
    first = report(case, "v1", form("v1", account=ACCOUNT))  # street 1
    second = report(case, "v4", form("v4", account=ACCOUNT))  # street 2
    case.service.decide(official("admin"), second.proposals[0].proposal_id, True)
    return case, first.report.report_id


def test_street_official_sees_only_that_streets_victims() -> None:
    case, cluster_id = _two_street_cluster()
    s1 = case.service.cluster(official("street1"), cluster_id)
    s2 = case.service.cluster(official("street2"), cluster_id)
    admin = case.service.cluster(official("admin"), cluster_id)
    assert [r.reporter_name for r in s1.reports] == ["刘桂芳"]
    assert [r.reporter_name for r in s2.reports] == ["孙立华"]
    assert (s1.summary.victims, s2.summary.victims, admin.summary.victims) == (1, 1, 2)
    full = VICTIMS["v1"].id_number or ""
    assert s1.reports[0].reporter_id_number == full[:6] + "*" * 8 + full[-4:]  # masked


def test_suspect_address_places_the_case_in_the_companys_street() -> None:
    case = intake()
    # a victim of street 2 names the company registered in street 1
    done = report(case, "v4", form("v4", organization="青岛鑫盛投资管理有限公司"))
    street1 = case.service.clusters(official("street1"))
    assert [c.cluster_id for c in street1] == [done.report.report_id]
    assert case.service.clusters(official("police2"))[0].victims == 1


@pytest.mark.parametrize("role", ["community", "grid", "mediator"])
def test_roles_without_masscase_view_see_no_clusters(role: str) -> None:
    case, cluster_id = _two_street_cluster()
    with pytest.raises(IntakeDenied):
        case.service.clusters(official(role))
    with pytest.raises(IntakeNotFound):
        case.service.cluster(official(role), cluster_id)


def test_other_street_cannot_open_an_out_of_scope_cluster_or_report() -> None:
    case = intake()
    done = report(case, "v1", form("v1", account=ACCOUNT))
    with pytest.raises(IntakeNotFound):
        case.service.cluster(official("street2"), done.report.report_id)
    with pytest.raises(IntakeNotFound):
        case.service.report(official("street2"), done.report.report_id)
    assert case.service.report(official("street1"), done.report.report_id).reporter_name


def test_investigators_see_payee_accounts_in_full_street_staff_masked() -> None:
    case = intake()
    done = report(case, "v1", form("v1", account=ACCOUNT))
    rid = done.report.report_id
    police = case.service.report(official("police1"), rid)
    street = case.service.report(official("street1"), rid)
    assert police.transfers[0].payee_account == ACCOUNT
    assert street.transfers[0].payee_account == "6222***********4567"


def test_export_is_audited_and_refused_without_export_right() -> None:
    case, cluster_id = _two_street_cluster()
    detail = case.service.export(official("street1"), cluster_id)
    assert [r.reporter_name for r in detail.reports] == ["刘桂芳"]
    last = case.audit.records[-1]
    assert (last.action, last.result) == ("export", "ok:1")
    assert VICTIMS["v1"].id_number not in last.target


@pytest.mark.parametrize(
    ("role", "may_register"),
    [("police1", True), ("street1", True), ("brigade", True), ("community", False),
     ("grid", False), ("police2", False), ("street2", False)],
)  # fmt: skip
def test_registration_needs_dispatch_rights_in_scope(role: str, may_register: bool) -> None:
    case = intake()
    done = report(case, "v1", form("v1", account=ACCOUNT))  # a victim of street 1
    if may_register:
        assert case.service.register(official(role), done.report.report_id).registered_by == role
    else:
        with pytest.raises(IntakeNotFound):
            case.service.register(official(role), done.report.report_id)
        assert case.service.intake_minutes() == []
