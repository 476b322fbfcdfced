"""The mass-case repository on every engine (SQLite file, PostgreSQL in a schema of its
own): drafts with optimistic versions, insert-only reports the database refuses to
change, link keys, proposals decided once, registrations once."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from shibei.apps.mass_cases import (
    Draft,
    IdentityCheck,
    KeyKind,
    LinkKey,
    PaymentMethod,
    ProposalStatus,
    Registration,
    Report,
    ReportTampered,
    StaleDraft,
    Transfer,
)
from shibei.apps.mass_cases.clustering import SharedKey
from shibei.apps.mass_cases.model import Attachment, Reporter, Suspect
from shibei.store.mass_cases import SqlMassCaseRepository
from shibei.store.sql_store import SqlStore, sql_engine

T0 = datetime(2025, 12, 1, 9, 0, 0, 123456)


@pytest.fixture(params=["sqlite", "postgresql"])
def repo(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SqlMassCaseRepository]:
    schema = None
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/app.db"
    else:
        base = request.getfixturevalue("postgres_url")
        schema = f"mc_{secrets.token_hex(4)}"
        admin = sql_engine(base)
        with admin.begin() as c:
            c.execute(text(f"CREATE SCHEMA {schema}"))
        admin.dispose()
        url = f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    store = SqlStore(sql_engine(url))
    store.migrate()
    yield SqlMassCaseRepository(store.engine)
    store.engine.dispose()
    if schema:
        admin = sql_engine(base)
        with admin.begin() as c:
            c.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def _report(rid: str) -> Report:
    return Report(
        report_id=rid,
        owner="v1",
        started_at=T0,
        submitted_at=T0,
        reporter=Reporter(
            "刘桂芳", "370203198001010118", "13800000011", "370203001001", "家", "P1"
        ),
        suspect=Suspect("鑫盛投资", "", "王经理", ("13999999999",), "鑫盛财富", "写字楼"),
        transfers=(
            Transfer(
                date(2025, 10, 8),
                5_000_000,
                PaymentMethod.BANK,
                "王大成",
                "6222021600001234567",
                "中国银行",
            ),
            Transfer(None, 100, PaymentMethod.CASH),
        ),
        attachments=(Attachment("a" * 32, "合同.pdf", "pdf", 10, "f" * 64, "合同"),),
        story="推介会",
        channel="online",
        identity=IdentityCheck.VERIFIED,
        identity_note="一致",
        org_id="O1",
        org_link="名称一致",
    ).sealed()


def test_drafts_save_with_versions(repo: SqlMassCaseRepository) -> None:
    draft = Draft("d1", "v1", T0, T0, Reporter(name="刘桂芳"))
    first = repo.save_draft(draft, None)
    assert first.version == 1
    second = repo.save_draft(replace(first, story="补充"), 1)
    assert second.version == 2
    assert repo.draft_of("v1") == second
    with pytest.raises(StaleDraft):
        repo.save_draft(replace(first, story="旧页面"), 1)
    with pytest.raises(StaleDraft):
        repo.save_draft(Draft("d2", "v1", T0, T0), None)  # one open draft per account
    repo.delete_draft("d1")
    assert repo.draft_of("v1") is None


def test_reports_round_trip_with_their_hash_and_keys(repo: SqlMassCaseRepository) -> None:
    n = repo.next_report_sequence()
    assert repo.next_report_sequence() == n + 1
    report = _report("BA2025120100001")
    keys = {
        LinkKey(KeyKind.ACCOUNT, "6222021600001234567"),
        LinkKey(KeyKind.RELATED_ORG, "O3", "同一地址"),
    }
    repo.add_report(report, keys, "SZ20251201000001")
    assert repo.report(report.report_id) == report
    assert repo.reports(owner="v1") == [report]
    assert repo.order_of(report.report_id) == "SZ20251201000001"
    assert sorted(repo.link_keys()) == sorted((report.report_id, k) for k in keys)
    assert [k.note for _, k in repo.link_keys() if k.kind is KeyKind.RELATED_ORG] == ["同一地址"]


def test_database_refuses_to_change_or_delete_a_report(repo: SqlMassCaseRepository) -> None:
    repo.add_report(_report("BA2025120100002"), set(), None)
    for statement in (
        "UPDATE mass_reports SET community_code = '370203002001'",
        "DELETE FROM mass_reports",
    ):
        with pytest.raises(DBAPIError), repo.engine.begin() as c:
            c.execute(text(statement))
    assert repo.report("BA2025120100002") is not None


def test_a_body_edited_behind_the_triggers_is_detected(repo: SqlMassCaseRepository) -> None:
    repo.add_report(_report("BA2025120100003"), set(), None)
    with repo.engine.begin() as c:
        if repo.engine.dialect.name == "postgresql":
            c.execute(text("DROP TRIGGER mass_reports_immutable ON mass_reports"))
        else:
            c.execute(text("DROP TRIGGER mass_reports_no_update"))
        c.execute(text("UPDATE mass_reports SET content_hash = 'x'"))
    with pytest.raises(ReportTampered):
        repo.report("BA2025120100003")


def test_proposals_are_decided_once_and_registrations_counted_once(
    repo: SqlMassCaseRepository,
) -> None:
    repo.add_report(_report("BA1"), set(), None)
    repo.add_report(_report("BA2"), set(), None)
    reasons = (SharedKey(KeyKind.ACCOUNT, "6222021600001234567", ("BA1",), ""),)
    p = repo.add_proposal("BA2", "BA1", reasons, T0)
    assert repo.proposals(ProposalStatus.PENDING) == [p]
    decided = repo.decide(p.proposal_id, ProposalStatus.CONFIRMED, "police", T0, "账号一致")
    assert decided is not None and decided.reasons == reasons
    assert decided.status is ProposalStatus.CONFIRMED
    assert repo.decide(p.proposal_id, ProposalStatus.REJECTED, "police", T0, "") is None
    assert repo.add_registration(Registration("BA1", T0, "police", None))
    assert not repo.add_registration(Registration("BA1", T0, "police", None))
    assert repo.registrations()["BA1"].officer == "police"
