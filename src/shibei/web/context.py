"""What the routes need, wired once by the app factory, and who is asking."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from fastapi import Request

from shibei.access import Actor, PlaceIndex
from shibei.access.accounts import Account
from shibei.access.audit import AuditEntry
from shibei.apps.household.service import HouseholdDesk
from shibei.apps.mass_cases import MassCaseService
from shibei.apps.risk import RiskInputs, RiskService
from shibei.foundation.reader import FoundationReader
from shibei.gazetteer import Gazetteer
from shibei.web.account_admin import AccountAdmin, AccountAdminStore, UnitDirectory
from shibei.web.auth import AccountStore, Auth
from shibei.web.errors import CsrfFailed, NotAuthenticated
from shibei.web.explorer import Explorer, Viewer
from shibei.web.mass_cases import mass_case_service
from shibei.web.rosters import Rosters, RosterStore, address_matcher
from shibei.web.trends import TrendReader
from shibei.web.uploads import UploadStore

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


class OperationalStore(AccountStore, AuditLog, AccountAdminStore, RosterStore, Protocol):
    """Accounts, sessions, the audit log and rosters in one store (SqlStore)."""


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
    uploads: UploadStore = field(default_factory=lambda: UploadStore(_temporary_uploads()))
    """Uploaded files (receipts, contracts): data/uploads/, outside the static root."""
    accounts: AccountAdmin | None = None
    rosters: Rosters | None = None
    trends: TrendReader | None = None
    grids: dict[str, str] = field(default_factory=dict)
    """Grid code → name (roster imports check grid codes against it)."""
    household: HouseholdDesk | None = None
    """Household-registration services on the work-order engine (routes/household.py)."""
    mass_cases: MassCaseService | None = None
    risk: RiskService | None = None
    """The fund-raising risk watchlist (routes/risk.py); None until a lake exists."""
    """Mass-case intake (routes/mass_cases.py; docs/mass-cases.md)."""
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


def _temporary_uploads() -> Path:
    """Where uploads go when the caller names no directory (tests, demos)."""
    return Path(tempfile.mkdtemp(prefix="shibei-uploads-"))


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
    uploads_dir: Path | None = None,
    cookie_secure: bool = False,
    trends: TrendReader | None = None,
    risk_inputs: RiskInputs | None = None,
) -> WebContext:
    """Wire the handlers around a foundation reader, a gazetteer and an operational store
    (the CLI passes the real ones, tests the fakes)."""
    places = PlaceIndex.from_gazetteer(gazetteer)
    ctx = WebContext(
        auth=Auth(store),
        explorer=Explorer(reader, places, store),
        audit_log=store,
        places=places,
        geojson=gazetteer.geojson,
        quality_dir=quality_dir,
        uploads=UploadStore(uploads_dir or _temporary_uploads()),
        cookie_secure=cookie_secure,
    )
    _attach_admin(ctx, reader, gazetteer, store, trends)
    ctx.household = _household_desk(ctx, reader, gazetteer, store)
    ctx.mass_cases = mass_case_service(reader, places, store)
    ctx.risk = _risk_service(ctx, store, risk_inputs)
    return ctx


def _risk_service(
    ctx: WebContext, store: OperationalStore, inputs: RiskInputs | None
) -> RiskService | None:
    """The risk module over the lake's histories, verifying through work orders on the
    store's database (None without inputs)."""
    from shibei.apps.risk import RiskService, WorkflowVerifications, mass_case_mentions
    from shibei.store.workorders import SqlWorkOrderRepository
    from shibei.workflow import WorkflowService

    if inputs is None:
        return None
    engine = getattr(store, "engine", None)
    verifications = None
    if engine is not None:
        workflow = WorkflowService(SqlWorkOrderRepository(engine), places=ctx.places)
        verifications = WorkflowVerifications(workflow)
    mass = mass_case_mentions(ctx.mass_cases.repo) if ctx.mass_cases is not None else None
    return RiskService(inputs, ctx.places, verifications, mass_cases=mass)


def _household_desk(
    ctx: WebContext, reader: FoundationReader, gazetteer: Gazetteer, store: OperationalStore
) -> HouseholdDesk | None:
    """The household desk on the work-order tables of the store's database (None for a
    store without one)."""
    from shibei.apps.household.routing import Router
    from shibei.store.workorders import SqlWorkOrderRepository
    from shibei.workflow import WorkflowService

    engine = getattr(store, "engine", None)
    if engine is None:
        return None
    service = WorkflowService(SqlWorkOrderRepository(engine), places=ctx.places)
    return HouseholdDesk(service, reader, Router.from_gazetteer(gazetteer), ctx.places, store)


def _attach_admin(
    ctx: WebContext,
    reader: FoundationReader,
    gazetteer: Gazetteer,
    store: OperationalStore,
    trends: TrendReader | None,
) -> None:
    """Account management, rosters and trends; the trends come from `trends`, or from
    the reader when it can count them."""
    units = UnitDirectory.from_gazetteer(gazetteer)
    ctx.accounts = AccountAdmin(store, ctx.auth, ctx.explorer, units)
    ctx.rosters = Rosters(ctx.explorer, store, address_matcher(gazetteer))
    ctx.trends = (
        trends if trends is not None else (reader if isinstance(reader, TrendReader) else None)
    )
    ctx.grids = {g.code: g.name for g in gazetteer.grids}
