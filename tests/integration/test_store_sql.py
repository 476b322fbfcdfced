"""The operational store on every engine: SQLite file and PostgreSQL (one test, every
engine). PostgreSQL comes from SHIBEI_TEST_DATABASE_URL (see tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from shibei.access import Role
from shibei.access.accounts import NewAccount
from shibei.access.audit import AuditRecord, verify_chain
from shibei.store.sql_schema import metadata
from shibei.store.sql_store import DuplicateAccount, GridWorkerEntry, SqlStore, sql_engine

T0 = datetime(2025, 3, 1, 9, 0, 0, 123456)


def _fresh(url: str) -> SqlStore:
    """An empty store: every table the migrations create (sql_schema mirrors them, other
    packages append theirs) and Alembic's version table dropped, then migrated."""
    store = SqlStore(sql_engine(url))
    with store.engine.begin() as c:
        metadata.drop_all(c)
        c.execute(text("DROP TABLE IF EXISTS alembic_version"))
    store.migrate()
    return store


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SqlStore]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/app.db"
    else:
        url = request.getfixturevalue("postgres_url")
    s = _fresh(url)
    yield s
    s.engine.dispose()


def _record(n: int, action: str = "person.view") -> AuditRecord:
    return AuditRecord(
        T0 + timedelta(seconds=n),
        "admin",
        "district_admin",
        "10.0.0.1",
        action,
        f"P{n:010d}",
        "ok",
        "办理业务",
    )


def test_migrations_are_idempotent(store: SqlStore) -> None:
    store.migrate()
    assert store.audit_head() == (0, "0" * 64)


def test_accounts_round_trip_and_usernames_are_unique(store: SqlStore) -> None:
    new = NewAccount("grid1", "网格员甲", Role.GRID_WORKER, "370203005001001")
    account = store.create_account(new, "hash", T0)
    assert store.account_by_username("grid1") == account
    assert store.account(account.id) == account
    assert account.actor().unit_code == "370203005001001"
    with pytest.raises(DuplicateAccount, match="已存在"):
        store.create_account(new, "hash", T0)


def test_sessions_expire(store: SqlStore) -> None:
    account = store.create_account(NewAccount("u", "u", Role.STREET_STAFF, "370203005"), "h", T0)
    store.create_session("tok", account.id, "csrf", T0, T0 + timedelta(hours=1), "1.2.3.4")
    assert store.session("tok", T0 + timedelta(minutes=5)) == (account, "csrf")
    assert store.session("tok", T0 + timedelta(hours=2)) is None
    store.delete_session("tok")
    assert store.session("tok", T0) is None


def test_api_tokens_find_their_account(store: SqlStore) -> None:
    account = store.create_account(NewAccount("u", "u", Role.DISTRICT_ADMIN, "370203"), "h", T0)
    store.create_api_token(account.id, "ci", "digest", T0)
    assert store.account_for_token("digest") == account
    assert store.account_for_token("other") is None


def test_login_failures_count_within_the_window(store: SqlStore) -> None:
    for minutes in (0, 10, 20):
        store.record_login_failure("user:u", T0 + timedelta(minutes=minutes))
    assert store.login_failures("user:u", T0 + timedelta(minutes=5)) == 2
    store.clear_login_failures("user:u")
    assert store.login_failures("user:u", T0) == 0


def test_audit_entries_chain_and_verify(store: SqlStore) -> None:
    for n in range(1, 6):
        store.append_audit(_record(n))
    entries = list(store.iter_audit())
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0].record == _record(1)
    assert verify_chain(entries, store.audit_head()) == []
    page, total = store.audit_entries(limit=2)
    assert ([e.seq for e in page], total) == ([5, 4], 5)


def test_an_edited_audit_row_is_detected(store: SqlStore) -> None:
    for n in range(1, 4):
        store.append_audit(_record(n))
    with store.engine.begin() as c:
        c.execute(text("UPDATE audit_log SET target = 'P0000000099' WHERE seq = 2"))
    assert verify_chain(store.iter_audit(), store.audit_head()) == [
        "第 2 条审计记录的内容与哈希不符（被修改）"
    ]


def test_a_deleted_audit_row_is_detected(store: SqlStore) -> None:
    for n in range(1, 5):
        store.append_audit(_record(n))
    with store.engine.begin() as c:
        c.execute(text("DELETE FROM audit_log WHERE seq IN (2, 4)"))
    problems = verify_chain(store.iter_audit(), store.audit_head())
    assert problems == [
        "第 2 条至第 2 条审计记录缺失（被删除）",
        "第 3 条审计记录的前序哈希不符（前一条被修改或删除）",
        "审计日志应有 4 条，实际最后一条为第 3 条（末尾记录被删除或修改）",
    ]


def _account(store: SqlStore, username: str = "u1") -> int:
    new = NewAccount(username, "用户", Role.STREET_STAFF, "370203005")
    return store.create_account(new, "hash", T0).id


def test_update_account_changes_role_unit_and_ends_sessions(store: SqlStore) -> None:
    account_id = _account(store)
    store.create_session("s1", account_id, "c", T0, T0 + timedelta(hours=1), "ip")
    store.update_account(account_id, role=Role.GRID_WORKER, unit_code="370203005001001")
    account = store.account(account_id)
    assert account is not None
    assert (account.role, account.unit_code, account.active) == (
        Role.GRID_WORKER,
        "370203005001001",
        True,
    )
    assert store.session("s1", T0) is None
    store.update_account(account_id, active=False)
    account = store.account(account_id)
    assert account is not None and account.active is False


def test_password_reset_and_session_removal(store: SqlStore) -> None:
    account_id = _account(store)
    store.create_session("s2", account_id, "c", T0, T0 + timedelta(hours=1), "ip")
    store.set_password_hash(account_id, "new-hash")
    store.delete_sessions_of(account_id)
    account = store.account(account_id)
    assert account is not None and account.password_hash == "new-hash"
    assert store.session("s2", T0) is None


def test_api_tokens_are_listed_and_revoked_once(store: SqlStore) -> None:
    account_id = _account(store)
    other_id = _account(store, "u2")
    store.create_api_token(account_id, "对接", "h1", T0)
    store.create_api_token(account_id, "备用", "h2", T0)
    tokens = store.api_tokens_of(account_id)
    assert [(t.name, t.revoked) for t in tokens] == [("对接", False), ("备用", False)]
    assert store.revoke_api_token(other_id, tokens[0].id) is False  # not that account's
    assert store.revoke_api_token(account_id, tokens[0].id) is True
    assert store.revoke_api_token(account_id, tokens[0].id) is False  # already revoked
    assert store.account_for_token("h1") is None
    found = store.account_for_token("h2")
    assert found is not None and found.id == account_id


def _worker(id_number: str, grid: str, name: str) -> GridWorkerEntry:
    return GridWorkerEntry(
        id_number, grid, name, "M", "13900001111", "某路1号", None, date(2024, 3, 1)
    )


def test_grid_worker_roster_upserts_by_id_number_and_filters_by_division(
    store: SqlStore,
) -> None:
    first = [
        _worker("370203198801011230", "370203005001001", "甲"),
        _worker("370203198801011231", "370203005002001", "乙"),
        _worker("370203198801011232", "370203010001001", "丙"),
    ]
    assert store.upsert_grid_workers(first, T0, "admin") == 3
    moved = _worker("370203198801011231", "370203005001001", "乙")
    assert store.upsert_grid_workers([moved], T0, "admin") == 1
    assert [(w.name, w.grid_code) for w in store.grid_workers("370203005")] == [
        ("乙", "370203005001001"),
        ("甲", "370203005001001"),
    ]
    assert [w.name for w in store.grid_workers()] == ["乙", "甲", "丙"]
    assert store.grid_workers("370203005002") == []
    assert store.grid_workers("370203005001001")[0].since == date(2024, 3, 1)
