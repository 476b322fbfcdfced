"""Account management for the district admin: list, create, deactivate, reset password,
change role and unit (checked against the gazetteer's units), API tokens. Every change is
allowed only with `account.manage` and written to the audit log."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from shibei.access import ROLE_LABELS, Role
from shibei.access.accounts import Account, NewAccount
from shibei.access.audit import AuditEntry, AuditRecord
from shibei.access.roles import ROLE_UNIT
from shibei.foundation.reader import FoundationReader
from shibei.gazetteer import Gazetteer
from shibei.web.auth import MIN_PASSWORD, Auth, hash_password
from shibei.web.errors import BadRequest, Forbidden, NotFound
from shibei.web.explorer import Explorer, Viewer

LEVEL_LABELS = {
    "district": "区",
    "street": "街道",
    "community": "社区",
    "grid": "网格",
    "station": "派出所",
    "bureau": "分局或人口大队",
    "house": "（群众不属于单位）",
}
MAX_NAME = 64


class TokenInfo(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def revoked(self) -> bool: ...


class AccountAdminStore(Protocol):
    def list_accounts(self) -> list[Account]: ...
    def account(self, account_id: int) -> Account | None: ...
    def account_by_username(self, username: str) -> Account | None: ...
    def set_password_hash(self, account_id: int, password_hash: str) -> None: ...
    def delete_sessions_of(self, account_id: int) -> None: ...
    def update_account(
        self,
        account_id: int,
        *,
        display_name: str | None = None,
        role: Role | None = None,
        unit_code: str | None = None,
        person_id: str | None = None,
        active: bool | None = None,
    ) -> None: ...
    def api_tokens_of(self, account_id: int) -> Sequence[TokenInfo]: ...
    def revoke_api_token(self, account_id: int, token_id: int) -> bool: ...
    def append_audit(self, record: AuditRecord) -> AuditEntry: ...


@dataclass(frozen=True, slots=True)
class UnitDirectory:
    """Units an account may be attached to, by level (district, street, community, grid
    from the gazetteer's divisions; station and bureau from its police units)."""

    by_level: dict[str, dict[str, str]]

    @classmethod
    def from_gazetteer(cls, gazetteer: Gazetteer) -> UnitDirectory:
        brigade = gazetteer.population_brigade
        return cls(
            {
                "district": {"370203": "市北区"},
                "street": {s.code: s.name for s in gazetteer.streets},
                "community": {c.code: c.name for c in gazetteer.communities},
                "grid": {g.code: g.name for g in gazetteer.grids},
                "station": {s.code: s.name for s in gazetteer.police_stations},
                "bureau": {"370203P": "市北分局", brigade.code: brigade.name},
            }
        )

    def all_codes(self) -> set[str]:
        return {code for units in self.by_level.values() for code in units}

    def problem(self, role: Role, unit_code: str) -> str | None:
        """None when `unit_code` is a unit of the level the role belongs to; otherwise
        why not, in Chinese."""
        level = ROLE_UNIT[role][1]
        if role is Role.RESIDENT:
            return None
        if unit_code in self.by_level.get(level, {}):
            return None
        if unit_code not in self.all_codes():
            return f"单位代码“{unit_code}”不存在"
        where = LEVEL_LABELS[level]
        return f"单位代码“{unit_code}”不是{where}（{ROLE_LABELS[role]}应属于{where}）"


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True, slots=True)
class Issued:
    """A secret shown once (a reset password or a new API token)."""

    account: Account
    secret: str


class AccountAdmin:
    def __init__(
        self,
        store: AccountAdminStore,
        auth: Auth,
        explorer: Explorer,
        units: UnitDirectory,
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        self.store = store
        self.auth = auth
        self.explorer = explorer
        self.units = units
        self.clock = clock

    @property
    def reader(self) -> FoundationReader:
        return self.explorer.reader

    def _require(self, viewer: Viewer, action: str, target: str) -> None:
        if not self.explorer.may(viewer.actor, "account.manage"):
            self.explorer.audit(viewer, action, target, "denied")
            raise Forbidden("只有区级管理员可以管理账号")

    def _account(self, account_id: int) -> Account:
        account = self.store.account(account_id)
        if account is None:
            raise NotFound("账号不存在")
        return account

    def check(self, role: Role, unit_code: str, person_id: str | None) -> str:
        """The unit code to store for the role, or BadRequest in Chinese."""
        if role is Role.RESIDENT:
            if not person_id or self.reader.person(person_id) is None:
                raise BadRequest("群众账号必须填写数据底座中存在的人员编号")
            return ""
        problem = self.units.problem(role, unit_code)
        if problem:
            raise BadRequest(problem)
        return unit_code

    def accounts(self, viewer: Viewer) -> list[Account]:
        self._require(viewer, "account.list", "")
        return self.store.list_accounts()

    def tokens(self, viewer: Viewer, account_id: int) -> Sequence[TokenInfo]:
        self._require(viewer, "account.list", str(account_id))
        self._account(account_id)
        return self.store.api_tokens_of(account_id)

    def create(
        self,
        viewer: Viewer,
        username: str,
        display_name: str,
        role: Role,
        unit_code: str,
        person_id: str | None,
        password: str,
    ) -> Account:
        self._require(viewer, "account.create", username)
        username = username.strip()
        if not username or len(username) > MAX_NAME or not username.isprintable():
            raise BadRequest("用户名不能为空，且不超过 64 个字符")
        if self.store.account_by_username(username) is not None:
            raise BadRequest(f"用户名 {username} 已存在")
        if len(password) < MIN_PASSWORD:
            raise BadRequest(f"初始密码至少 {MIN_PASSWORD} 位")
        unit = self.check(role, unit_code.strip(), person_id)
        new = NewAccount(username, display_name.strip() or username, role, unit, person_id)
        account = self.auth.create_account(new, password)
        self.explorer.audit(viewer, "account.create", username, "ok", f"{role.value} {unit}")
        return account

    def set_active(self, viewer: Viewer, account_id: int, active: bool) -> Account:
        action = "account.activate" if active else "account.deactivate"
        self._require(viewer, action, str(account_id))
        account = self._account(account_id)
        if account.id == viewer.actor.account_id and not active:
            raise BadRequest("不能停用自己的账号")
        self.store.update_account(account_id, active=active)
        self.explorer.audit(viewer, action, account.username, "ok")
        return self._account(account_id)

    def change_role(
        self,
        viewer: Viewer,
        account_id: int,
        role: Role,
        unit_code: str,
        person_id: str | None,
    ) -> Account:
        self._require(viewer, "account.update", str(account_id))
        account = self._account(account_id)
        if account.id == viewer.actor.account_id:
            raise BadRequest("不能修改自己的角色和单位")
        unit = self.check(role, unit_code.strip(), person_id)
        self.store.update_account(
            account_id,
            role=role,
            unit_code=unit,
            person_id=person_id if role is Role.RESIDENT else None,
        )
        self.explorer.audit(
            viewer,
            "account.update",
            account.username,
            "ok",
            f"{account.role.value} {account.unit_code} → {role.value} {unit}",
        )
        return self._account(account_id)

    def reset_password(
        self, viewer: Viewer, account_id: int, password: str | None = None
    ) -> Issued:
        """A new password (given, or random and shown once); the account's sessions end."""
        self._require(viewer, "account.password_reset", str(account_id))
        account = self._account(account_id)
        secret = password or secrets.token_urlsafe(9)
        self.store.set_password_hash(account_id, hash_password(secret))
        self.store.delete_sessions_of(account_id)
        self.explorer.audit(viewer, "account.password_reset", account.username, "ok")
        return Issued(account, secret)

    def issue_token(self, viewer: Viewer, account_id: int, name: str) -> Issued:
        self._require(viewer, "token.issue", str(account_id))
        account = self._account(account_id)
        name = name.strip() or "api"
        if len(name) > MAX_NAME:
            raise BadRequest("令牌名称不超过 64 个字符")
        token = self.auth.issue_api_token(account, name)
        self.explorer.audit(viewer, "token.issue", account.username, "ok", name)
        return Issued(account, token)

    def revoke_token(self, viewer: Viewer, account_id: int, token_id: int) -> None:
        self._require(viewer, "token.revoke", str(account_id))
        account = self._account(account_id)
        if not self.store.revoke_api_token(account_id, token_id):
            raise NotFound("令牌不存在或已吊销")
        self.explorer.audit(viewer, "token.revoke", account.username, "ok", str(token_id))
