"""涉众型风险预警: the watchlist, an organization's explained score, the risk map by
community, and verification orders (pages under /risk, JSON under /api/risk). Thin:
parse, call `RiskService` (shibei.apps.risk), render; access is decided there."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel

from shibei.access import allowed
from shibei.apps.risk import (
    SIGNALS,
    WATCH_THRESHOLD,
    Outcome,
    RiskError,
    RiskForbidden,
    RiskNotFound,
    RiskScore,
    RiskService,
)
from shibei.web.context import Caller, check_csrf, context_of, require_caller
from shibei.web.errors import BadRequest, Forbidden, NotFound
from shibei.web.routes.pages import PageCaller, render
from shibei.workflow import Forbidden as WorkflowForbidden
from shibei.workflow import IllegalTransition, InvalidAction, OrderNotFound, StaleOrder

router = APIRouter()
CallerDep = Annotated[Caller, Depends(require_caller)]
Code = Annotated[str | None, Query(max_length=12, pattern=r"^(\d{9}|\d{12})?$")]
Industry = Annotated[str | None, Query(max_length=40)]
Day = Annotated[date | None, Query()]
_NONE: frozenset[str] = frozenset()


class ContributionPublic(BaseModel):
    key: str
    label: str
    weight: float
    strength: float
    points: float
    facts: list[str]


class RiskSummary(BaseModel):
    org_id: str
    name: str
    industry: str | None
    street_code: str | None
    street_name: str
    community_code: str | None
    community_name: str
    grid_code: str | None
    score: float
    level: str
    level_label: str
    signals: list[str]


class RiskDetail(RiskSummary):
    day: date
    uscc: str | None
    contributions: list[ContributionPublic]
    """Every signal's contribution; `score` is their sum."""


class CommunityRiskPublic(BaseModel):
    code: str
    name: str
    organizations: int
    watched: int
    high: int
    top_score: float


class VerificationPublic(BaseModel):
    order_id: str
    state: str


def _service(request: Request) -> RiskService:
    risk: RiskService | None = getattr(context_of(request), "risk", None)
    if risk is None:
        raise NotFound("风险预警模块未启用（数据底座尚未建立）")
    return risk


@contextmanager
def _errors() -> Iterator[None]:
    """Domain and work-order errors as 4xx with their Chinese message."""
    try:
        yield
    except RiskForbidden as exc:
        raise Forbidden(exc.message) from exc
    except RiskNotFound as exc:
        raise NotFound(exc.message) from exc
    except RiskError as exc:
        raise BadRequest(exc.message) from exc
    except WorkflowForbidden as exc:
        raise Forbidden(str(exc)) from exc
    except OrderNotFound as exc:
        raise NotFound("未找到该工单") from exc
    except (IllegalTransition, InvalidAction, StaleOrder) as exc:
        raise BadRequest(str(exc) or "工单操作失败") from exc


def _summary(service: RiskService, s: RiskScore) -> dict[str, Any]:
    org = s.org
    places = service.places
    return {
        "org_id": org.org_id,
        "name": org.name,
        "industry": org.industry,
        "street_code": org.street_code,
        "street_name": places.name(org.street_code) if org.street_code else "",
        "community_code": org.community_code,
        "community_name": places.name(org.community_code) if org.community_code else "",
        "grid_code": org.grid_code,
        "score": s.score,
        "level": s.level,
        "level_label": s.level_label,
        "signals": [c.label for c in s.active() if c.points > 0][:4],
    }


def _watchlist(
    service: RiskService,
    caller: Caller,
    day: date | None,
    street: str | None,
    community: str | None,
    industry: str | None,
) -> list[dict[str, Any]]:
    """The watch list rows the caller may see (empty filters mean "all")."""
    with _errors():
        scores = service.watchlist(
            caller.actor,
            day=day,
            street=street or None,
            community=community or None,
            industry=industry or None,
        )
        return [_summary(service, s) for s in scores]


def _detail(service: RiskService, s: RiskScore) -> RiskDetail:
    return RiskDetail(
        **_summary(service, s),
        day=s.day,
        uscc=s.org.uscc,
        contributions=[
            ContributionPublic(
                key=c.key,
                label=c.label,
                weight=c.weight,
                strength=round(c.strength, 3),
                points=c.points,
                facts=list(c.facts),
            )
            for c in s.contributions
        ],
    )


def _streets(service: RiskService, caller: Caller) -> list[tuple[str, str]]:
    """Streets the caller may filter by (for the select box)."""
    codes = sorted({o.street_code for o in service.orgs() if o.street_code})
    return [
        (c, service.places.name(c))
        for c in codes
        if allowed(caller.actor, "risk.view", service.places.resource("division", c, (c,), _NONE))
    ]


# pages ------------------------------------------------------------------------------------


@router.get("/risk", response_class=HTMLResponse, include_in_schema=False)
def watchlist_page(
    caller: PageCaller,
    request: Request,
    street: Code = None,
    community: Code = None,
    industry: Industry = None,
    day: Day = None,
) -> HTMLResponse:
    service = _service(request)
    rows = _watchlist(service, caller, day, street, community, industry)
    return render(
        request,
        "risk_watchlist.html",
        caller,
        rows=rows,
        day=service.day(day),
        street=street or "",
        community=community or "",
        industry=industry or "",
        streets=_streets(service, caller),
        industries=service.industries(),
        threshold=WATCH_THRESHOLD,
        signals=SIGNALS,
    )


@router.get("/risk/map", response_class=HTMLResponse, include_in_schema=False)
def map_page(caller: PageCaller, request: Request, day: Day = None) -> HTMLResponse:
    service = _service(request)
    if not service.can(caller.actor, "risk.view"):
        raise Forbidden("您的角色无权查看涉众型风险预警")
    home = context_of(request).explorer.home_code(caller.actor)
    return render(request, "risk_map.html", caller, home=home, day=service.day(day))


@router.get("/risk/organizations/{org_id}", response_class=HTMLResponse, include_in_schema=False)
def organization_page(
    org_id: str, caller: PageCaller, request: Request, day: Day = None
) -> HTMLResponse:
    service = _service(request)
    with _errors():
        score = service.organization(caller.actor, org_id, day)
        orders = service.orders(caller.actor, org_id)
    return render(
        request,
        "risk_org.html",
        caller,
        risk=_detail(service, score),
        orders=orders,
        can_verify=service.verifications is not None and service.can(caller.actor, "risk.verify"),
        total=round(sum(c.points for c in score.contributions), 1),
    )


@router.post("/risk/organizations/{org_id}/verify", include_in_schema=False)
def verify_page(
    org_id: str,
    caller: PageCaller,
    request: Request,
    csrf_token: Annotated[str, Form(max_length=100)] = "",
    day: Annotated[date | None, Form()] = None,
) -> Response:
    check_csrf(caller, csrf_token)
    service = _service(request)
    with _errors():
        order = service.open_verification(caller.actor, org_id, day)
    context_of(request).explorer.audit(caller.viewer, "risk.verify", org_id, order.id)
    return RedirectResponse(f"/risk/organizations/{org_id}?opened={order.id}", status_code=303)


@router.post("/risk/organizations/{org_id}/outcome", include_in_schema=False)
def outcome_page(
    org_id: str,
    caller: PageCaller,
    request: Request,
    order_id: Annotated[str, Form(max_length=40)],
    outcome: Annotated[Outcome, Form()],
    note: Annotated[str, Form(max_length=500)] = "",
    csrf_token: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    check_csrf(caller, csrf_token)
    service = _service(request)
    with _errors():
        service.record_outcome(caller.actor, org_id, order_id, outcome, note)
    context_of(request).explorer.audit(
        caller.viewer, "risk.verify", org_id, f"{order_id}:{outcome.value}"
    )
    return RedirectResponse(f"/risk/organizations/{org_id}", status_code=303)


# API --------------------------------------------------------------------------------------


@router.get("/api/risk/watchlist", summary="涉众型风险预警名单", tags=["风险预警"])
def watchlist_api(
    caller: CallerDep,
    request: Request,
    street: Code = None,
    community: Code = None,
    industry: Industry = None,
    day: Day = None,
) -> list[RiskSummary]:
    service = _service(request)
    rows = _watchlist(service, caller, day, street, community, industry)
    return [RiskSummary(**row) for row in rows]


@router.get("/api/risk/organizations/{org_id}", summary="单位风险评分及证据", tags=["风险预警"])
def organization_api(
    org_id: str, caller: CallerDep, request: Request, day: Day = None
) -> RiskDetail:
    service = _service(request)
    with _errors():
        return _detail(service, service.organization(caller.actor, org_id, day))


@router.get("/api/risk/communities", summary="各社区风险（地图）", tags=["风险预警"])
def communities_api(
    caller: CallerDep, request: Request, day: Day = None
) -> list[CommunityRiskPublic]:
    service = _service(request)
    with _errors():
        found = service.communities(caller.actor, day)
    return [CommunityRiskPublic(**asdict(c)) for c in found]


@router.post(
    "/api/risk/organizations/{org_id}/verifications",
    summary="发起风险核查工单",
    tags=["风险预警"],
    status_code=201,
)
def verify_api(
    org_id: str, caller: CallerDep, request: Request, day: Day = None
) -> VerificationPublic:
    check_csrf(caller, request.headers.get("x-csrf-token"))
    service = _service(request)
    with _errors():
        order = service.open_verification(caller.actor, org_id, day)
    context_of(request).explorer.audit(caller.viewer, "risk.verify", org_id, order.id)
    return VerificationPublic(order_id=order.id, state=order.state.label)
