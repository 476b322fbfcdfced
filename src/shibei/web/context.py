"""What the routes need, wired once by the app factory, and who is asking."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from fastapi import Request

from shibei.access import Actor, PlaceIndex
from shibei.access.accounts import Account
from shibei.access.audit import AuditEntry
from shibei.foundation.reader import FoundationReader
from shibei.gazetteer import Gazetteer
from shibei.web.auth import AccountStore, Auth
from shibei.web.errors import CsrfFailed, NotAuthenticated
from shibei.web.explorer import Explorer, Viewer

MapLevel = Literal["street", "community", "grid"]
SESSION_COOKIE = "sb_session"
LOGIN_CSRF_COOKIE = "sb_login_csrf"


class AuditLog(Protocol):
    def audit_entries(
        self,
        *,
        limit: int = 50,
        offset: int = 0,
        action: str | None = None,
        account: str | None = None,
    ) -> tuple[list[AuditEntry], int]: ...


class OperationalStore(AccountStore, AuditLog, Protocol):
    """Accounts, sessions and the audit log in one store (SqlStore)."""


@dataclass
class WebContext:
    auth: Auth
    explorer: Explorer
    audit_log: AuditLog
    places: PlaceIndex
    geojson: Callable[[MapLevel], dict[str, Any]]
    quality_dir: Path | None = None
    cookie_secure: bool = False
    """Set the Secure flag on cookies even over plain http (behind a TLS proxy)."""
    _geo_cache: dict[str, dict[str, Any]] = field(default_factory=dict)

    def features(self, level: MapLevel) -> list[dict[str, Any]]:
        if level not in self._geo_cache:
            self._geo_cache[level] = self.geojson(level)
        features: list[dict[str, Any]] = self._geo_cache[level]["features"]
        return features


@dataclass(frozen=True, slots=True)
class Caller:
    """An authenticated request: the account, its CSRF token (cookie sessions only) and
    the viewer handed to handlers."""

    account: Account
    csrf: str | None
    viewer: Viewer

    @property
    def actor(self) -> Actor:
        return self.viewer.actor


def context_of(request: Request) -> WebContext:
    ctx: WebContext = request.app.state.ctx
    return ctx


def client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


def caller_of(request: Request) -> Caller | None:
    """The caller by API token (Authorization: Bearer) or session cookie, or None."""
    ctx = context_of(request)
    ip = client_ip(request)
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        account = ctx.auth.account_for_token(header[7:].strip())
        return Caller(account, None, Viewer(account.actor(), ip)) if account else None
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    found = ctx.auth.session(token)
    if found is None:
        return None
    account, csrf = found
    return Caller(account, csrf, Viewer(account.actor(), ip))


def require_caller(request: Request) -> Caller:
    caller = caller_of(request)
    if caller is None:
        raise NotAuthenticated("请先登录")
    return caller


def check_csrf(caller: Caller, submitted: str | None) -> None:
    """Cookie sessions must echo their CSRF token on every state-changing request."""
    if caller.csrf is None:
        return  # API token: no ambient credential to forge
    if not submitted or submitted != caller.csrf:
        raise CsrfFailed("表单已失效，请刷新页面后重试（CSRF 校验失败）")


def build_context(
    reader: FoundationReader,
    gazetteer: Gazetteer,
    store: OperationalStore,
    *,
    quality_dir: Path | None = None,
    cookie_secure: bool = False,
) -> WebContext:
    """Wire the handlers around a foundation reader, a gazetteer and an operational store
    (the CLI passes the real ones, tests the fakes)."""
    places = PlaceIndex.from_gazetteer(gazetteer)
    return WebContext(
        auth=Auth(store),
        explorer=Explorer(reader, places, store),
        audit_log=store,
        places=places,
        geojson=gazetteer.geojson,
        quality_dir=quality_dir,
        cookie_secure=cookie_secure,
    )
