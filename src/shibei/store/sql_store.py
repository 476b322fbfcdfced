"""`SqlStore`: the operational store on SQLAlchemy 2 (SQLite file by default, PostgreSQL
when `SHIBEI_DATABASE_URL` says so): accounts, sessions, API tokens, login failures and
the hash-chained audit log. Schema changes go through Alembic (`migrate`)."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, delete, event, func, insert, select, update
from sqlalchemy.engine import Connection, Row
from sqlalchemy.exc import IntegrityError

from shibei.access.accounts import Account, NewAccount
from shibei.access.audit import AuditEntry, AuditRecord, chain
from shibei.access.roles import Role
from shibei.errors import ShibeiError
from shibei.store.sql_schema import (
    accounts,
    api_tokens,
    audit_head,
    audit_log,
    grid_worker_roster,
    login_failures,
    sessions,
)

MIGRATIONS = Path(__file__).parent / "migrations"


class DuplicateAccount(ShibeiError):
    """An account with this username exists."""


@dataclass(frozen=True, slots=True)
class ApiTokenInfo:
    """An API token as the account page lists it (the token itself is never stored)."""

    id: int
    account_id: int
    name: str
    created_at: datetime
    revoked: bool


@dataclass(frozen=True, slots=True)
class GridWorkerEntry:
    """One row of the grid-worker roster (专职网格员花名册), standardized."""

    id_number: str
    grid_code: str
    name: str
    sex: str  # M | F
    phone: str
    address: str
    address_code: str | None
    since: date | None


def sql_engine(url: str) -> Engine:
    """An engine for `url`; SQLite gets WAL and a busy timeout, PostgreSQL psycopg 3."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=10000")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)


def _account(row: Row[Any]) -> Account:
    m = row._mapping
    return Account(
        m["id"],
        m["username"],
        m["display_name"],
        Role(m["role"]),
        m["unit_code"],
        m["person_id"],
        m["password_hash"],
        bool(m["active"]),
        m["created_at"],
    )


def _entry(row: Row[Any]) -> AuditEntry:
    m = row._mapping
    record = AuditRecord(
        m["at"],
        m["account"],
        m["role"],
        m["ip"],
        m["action"],
        m["target"],
        m["result"],
        m["reason"],
    )
    return AuditEntry(m["seq"], record, m["prev_hash"], m["hash"])


class SqlStore:
    """Operational store over one engine. Methods open their own short transactions."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._audit_lock = threading.Lock()

    def migrate(self) -> None:
        """Bring the schema to the newest Alembic revision."""
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            # "heads": helpers add tables in parallel branches off the first revision
            command.upgrade(config, "heads")

    # Accounts ---------------------------------------------------------------------------

    def create_account(self, new: NewAccount, password_hash: str, now: datetime) -> Account:
        values = {
            "username": new.username,
            "display_name": new.display_name,
            "role": new.role.value,
            "unit_code": new.unit_code,
            "person_id": new.person_id,
            "password_hash": password_hash,
            "active": True,
            "created_at": now,
        }
        try:
            with self.engine.begin() as c:
                c.execute(insert(accounts).values(**values))
        except IntegrityError as exc:
            raise DuplicateAccount(f"账号 {new.username} 已存在") from exc
        found = self.account_by_username(new.username)
        assert found is not None
        return found

    def account_by_username(self, username: str) -> Account | None:
        with self.engine.connect() as c:
            row = c.execute(select(accounts).where(accounts.c.username == username)).first()
        return _account(row) if row else None

    def account(self, account_id: int) -> Account | None:
        with self.engine.connect() as c:
            row = c.execute(select(accounts).where(accounts.c.id == account_id)).first()
        return _account(row) if row else None

    def list_accounts(self) -> list[Account]:
        with self.engine.connect() as c:
            rows = c.execute(select(accounts).order_by(accounts.c.id)).all()
        return [_account(r) for r in rows]

    def set_password_hash(self, account_id: int, password_hash: str) -> None:
        with self.engine.begin() as c:
            c.execute(
                update(accounts)
                .where(accounts.c.id == account_id)
                .values(password_hash=password_hash)
            )

    def update_account(
        self,
        account_id: int,
        *,
        display_name: str | None = None,
        role: Role | None = None,
        unit_code: str | None = None,
        person_id: str | None = None,
        active: bool | None = None,
    ) -> None:
        """Change the given fields; a role, unit or activity change ends the sessions."""
        values: dict[str, Any] = {}
        if display_name is not None:
            values["display_name"] = display_name
        if role is not None:
            values["role"] = role.value
            values["person_id"] = person_id
        if unit_code is not None:
            values["unit_code"] = unit_code
        if active is not None:
            values["active"] = active
        if not values:
            return
        with self.engine.begin() as c:
            c.execute(update(accounts).where(accounts.c.id == account_id).values(**values))
            if set(values) - {"display_name"}:
                c.execute(delete(sessions).where(sessions.c.account_id == account_id))

    def delete_sessions_of(self, account_id: int) -> None:
        with self.engine.begin() as c:
            c.execute(delete(sessions).where(sessions.c.account_id == account_id))

    # Sessions and tokens ----------------------------------------------------------------

    def create_session(
        self,
        token_hash: str,
        account_id: int,
        csrf: str,
        now: datetime,
        expires: datetime,
        ip: str,
    ) -> None:
        with self.engine.begin() as c:
            c.execute(
                insert(sessions).values(
                    token_hash=token_hash,
                    account_id=account_id,
                    csrf_token=csrf,
                    created_at=now,
                    expires_at=expires,
                    ip=ip,
                )
            )

    def session(self, token_hash: str, now: datetime) -> tuple[Account, str] | None:
        """The account and CSRF token of a live session."""
        query = (
            select(accounts, sessions.c.csrf_token)
            .join(sessions, sessions.c.account_id == accounts.c.id)
            .where(sessions.c.token_hash == token_hash, sessions.c.expires_at > now)
            .where(accounts.c.active.is_(True))
        )
        with self.engine.connect() as c:
            row = c.execute(query).first()
        return (_account(row), row._mapping["csrf_token"]) if row else None

    def delete_session(self, token_hash: str) -> None:
        with self.engine.begin() as c:
            c.execute(delete(sessions).where(sessions.c.token_hash == token_hash))

    def create_api_token(self, account_id: int, name: str, token_hash: str, now: datetime) -> None:
        with self.engine.begin() as c:
            c.execute(
                insert(api_tokens).values(
                    token_hash=token_hash,
                    account_id=account_id,
                    name=name,
                    created_at=now,
                    revoked=False,
                )
            )

    def api_tokens_of(self, account_id: int) -> list[ApiTokenInfo]:
        query = (
            select(api_tokens)
            .where(api_tokens.c.account_id == account_id)
            .order_by(api_tokens.c.id)
        )
        with self.engine.connect() as c:
            rows = c.execute(query).all()
        return [
            ApiTokenInfo(r.id, r.account_id, r.name, r.created_at, bool(r.revoked)) for r in rows
        ]

    def revoke_api_token(self, account_id: int, token_id: int) -> bool:
        """Revoke one token of the account; False when it has no such live token."""
        with self.engine.begin() as c:
            result = c.execute(
                update(api_tokens)
                .where(
                    api_tokens.c.id == token_id,
                    api_tokens.c.account_id == account_id,
                    api_tokens.c.revoked.is_(False),
                )
                .values(revoked=True)
            )
        return bool(result.rowcount)

    def account_for_token(self, token_hash: str) -> Account | None:
        query = (
            select(accounts)
            .join(api_tokens, api_tokens.c.account_id == accounts.c.id)
            .where(api_tokens.c.token_hash == token_hash, api_tokens.c.revoked.is_(False))
            .where(accounts.c.active.is_(True))
        )
        with self.engine.connect() as c:
            row = c.execute(query).first()
        return _account(row) if row else None

    # Login throttling -------------------------------------------------------------------

    def record_login_failure(self, key: str, now: datetime) -> None:
        with self.engine.begin() as c:
            c.execute(insert(login_failures).values(key=key, at=now))

    def login_failures(self, key: str, since: datetime) -> int:
        query = (
            select(func.count())
            .select_from(login_failures)
            .where(login_failures.c.key == key, login_failures.c.at >= since)
        )
        with self.engine.connect() as c:
            return int(c.execute(query).scalar_one())

    def clear_login_failures(self, key: str) -> None:
        with self.engine.begin() as c:
            c.execute(delete(login_failures).where(login_failures.c.key == key))

    # Audit log --------------------------------------------------------------------------

    def append_audit(self, record: AuditRecord) -> AuditEntry:
        """Chain and append one entry; the head moves in the same transaction."""
        with self._audit_lock, self.engine.begin() as c:
            head = c.execute(
                select(audit_head.c.seq, audit_head.c.hash)
                .where(audit_head.c.id == 1)
                .with_for_update()
            ).one()
            entry = chain(head.seq + 1, record, head.hash)
            c.execute(insert(audit_log).values(**_audit_values(entry)))
            c.execute(
                update(audit_head)
                .where(audit_head.c.id == 1)
                .values(seq=entry.seq, hash=entry.hash)
            )
        return entry

    def audit_entries(
        self,
        *,
        limit: int = 50,
        offset: int = 0,
        action: str | None = None,
        account: str | None = None,
    ) -> tuple[list[AuditEntry], int]:
        """Newest first, with the total count matching the filters."""
        query = select(audit_log)
        count = select(func.count()).select_from(audit_log)
        if action:
            query = query.where(audit_log.c.action == action)
            count = count.where(audit_log.c.action == action)
        if account:
            query = query.where(audit_log.c.account == account)
            count = count.where(audit_log.c.account == account)
        with self.engine.connect() as c:
            rows = c.execute(query.order_by(audit_log.c.seq.desc()).limit(limit).offset(offset))
            entries = [_entry(r) for r in rows]
            total = int(c.execute(count).scalar_one())
        return entries, total

    def iter_audit(self) -> Iterator[AuditEntry]:
        """Every entry in sequence order (for verification)."""
        with self.engine.connect() as c:
            for row in c.execute(select(audit_log).order_by(audit_log.c.seq)).yield_per(1000):
                yield _entry(row)

    def audit_head(self) -> tuple[int, str]:
        with self.engine.connect() as c:
            row = c.execute(select(audit_head.c.seq, audit_head.c.hash)).one()
        return int(row.seq), str(row.hash)

    # Grid-worker roster -----------------------------------------------------------------

    def upsert_grid_workers(
        self, entries: Iterable[GridWorkerEntry], now: datetime, by: str
    ) -> int:
        """Insert or replace roster rows by ID number, all in one transaction."""
        rows = [
            {
                "id_number": e.id_number,
                "grid_code": e.grid_code,
                "name": e.name,
                "sex": e.sex,
                "phone": e.phone,
                "address": e.address,
                "address_code": e.address_code,
                "since": e.since,
                "imported_at": now,
                "imported_by": by,
            }
            for e in entries
        ]
        if not rows:
            return 0
        with self.engine.begin() as c:
            c.execute(
                delete(grid_worker_roster).where(
                    grid_worker_roster.c.id_number.in_([r["id_number"] for r in rows])
                )
            )
            c.execute(insert(grid_worker_roster), rows)
        return len(rows)

    def grid_workers(self, within: str | None = None) -> list[GridWorkerEntry]:
        """Roster rows whose grid code starts with `within`, by grid and name."""
        t = grid_worker_roster
        query = select(t).order_by(t.c.grid_code, t.c.name, t.c.id_number)
        if within:
            query = query.where(t.c.grid_code.startswith(within, autoescape=True))
        with self.engine.connect() as c:
            rows = c.execute(query).all()
        return [
            GridWorkerEntry(
                r.id_number, r.grid_code, r.name, r.sex, r.phone, r.address, r.address_code, r.since
            )
            for r in rows
        ]

    def connection(self) -> Connection:
        """A raw connection, for tests that tamper with the log on purpose."""
        return self.engine.connect()


def _audit_values(entry: AuditEntry) -> dict[str, Any]:
    r = entry.record
    return {
        "seq": entry.seq,
        "at": r.at,
        "account": r.account,
        "role": r.role,
        "ip": r.ip,
        "action": r.action,
        "target": r.target,
        "result": r.result,
        "reason": r.reason,
        "prev_hash": entry.prev_hash,
        "hash": entry.hash,
    }
