"""Accounts, sessions, API tokens and login throttling over the operational store.

Passwords are hashed with argon2; session and API tokens are random and only their
sha256 is stored, so a copy of the database opens no session."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from shibei.access.accounts import (
    SESSION_LIFETIME,
    THROTTLE_WINDOW,
    Account,
    NewAccount,
    throttled,
)
from shibei.access.audit import AuditEntry, AuditRecord
from shibei.web.errors import BadRequest, NotAuthenticated, Throttled

# Light argon2 parameters keep tests and demo logins quick; still memory-hard.
HASHER = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
MIN_PASSWORD = 8
LOGIN_FAILED = "用户名或密码错误"


class AccountStore(Protocol):
    def create_account(self, new: NewAccount, password_hash: str, now: datetime) -> Account: ...
    def account_by_username(self, username: str) -> Account | None: ...
    def create_session(
        self,
        token_hash: str,
        account_id: int,
        csrf: str,
        now: datetime,
        expires: datetime,
        ip: str,
    ) -> None: ...
    def session(self, token_hash: str, now: datetime) -> tuple[Account, str] | None: ...
    def delete_session(self, token_hash: str) -> None: ...
    def create_api_token(
        self, account_id: int, name: str, token_hash: str, now: datetime
    ) -> None: ...
    def account_for_token(self, token_hash: str) -> Account | None: ...
    def record_login_failure(self, key: str, now: datetime) -> None: ...
    def login_failures(self, key: str, since: datetime) -> int: ...
    def clear_login_failures(self, key: str) -> None: ...
    def append_audit(self, record: AuditRecord) -> AuditEntry: ...


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise BadRequest(f"密码至少 {MIN_PASSWORD} 位")
    return HASHER.hash(password)


@dataclass(frozen=True, slots=True)
class SessionTicket:
    token: str  # goes into the cookie; never stored
    csrf: str
    account: Account


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


# A real hash to verify against when the user does not exist, so timing does not tell.
_DUMMY_HASH = HASHER.hash("shibei-no-such-account")


class Auth:
    def __init__(self, store: AccountStore, clock: Callable[[], datetime] = _utcnow) -> None:
        self.store = store
        self.clock = clock

    def create_account(self, new: NewAccount, password: str) -> Account:
        return self.store.create_account(new, hash_password(password), self.clock())

    def login(self, username: str, password: str, ip: str) -> SessionTicket:
        """A new session, or NotAuthenticated / Throttled (both audited)."""
        now = self.clock()
        since = now - THROTTLE_WINDOW
        user_key, ip_key = f"user:{username}", f"ip:{ip}"
        if throttled(
            self.store.login_failures(user_key, since), self.store.login_failures(ip_key, since)
        ):
            self._audit(username, "", ip, "login", "throttled")
            raise Throttled("登录失败次数过多，请 15 分钟后再试")
        account = self.store.account_by_username(username)
        ok = False
        try:
            ok = HASHER.verify(account.password_hash if account else _DUMMY_HASH, password)
        except (VerificationError, InvalidHashError):
            ok = False
        if account is None or not ok or not account.active:
            self.store.record_login_failure(user_key, now)
            self.store.record_login_failure(ip_key, now)
            self._audit(username, "", ip, "login", "failed")
            raise NotAuthenticated(LOGIN_FAILED)
        self.store.clear_login_failures(user_key)
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        self.store.create_session(
            token_digest(token), account.id, csrf, now, now + SESSION_LIFETIME, ip
        )
        self._audit(username, account.role.value, ip, "login", "ok")
        return SessionTicket(token, csrf, account)

    def session(self, token: str) -> tuple[Account, str] | None:
        return self.store.session(token_digest(token), self.clock())

    def logout(self, token: str) -> None:
        self.store.delete_session(token_digest(token))

    def issue_api_token(self, account: Account, name: str) -> str:
        token = "sb_" + secrets.token_urlsafe(32)
        self.store.create_api_token(account.id, name, token_digest(token), self.clock())
        self._audit(account.username, account.role.value, "", "token.issue", "ok", name)
        return token

    def account_for_token(self, token: str) -> Account | None:
        return self.store.account_for_token(token_digest(token))

    def _audit(
        self, username: str, role: str, ip: str, action: str, result: str, reason: str = ""
    ) -> None:
        self.store.append_audit(
            AuditRecord(self.clock(), username, role, ip, action, username, result, reason)
        )
