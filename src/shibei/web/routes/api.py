"""The JSON API under /api (OpenAPI at /api/openapi.json)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Path, Query, Request, Response

from shibei.access import ROLE_LABELS
from shibei.web import xlsx_exports
from shibei.web.context import Caller, check_csrf, client_ip, context_of, require_caller
from shibei.web.errors import Forbidden
from shibei.web.explorer import PersonQuery
from shibei.web.rosters import GridWorkerPublic
from shibei.web.schemas import (
    AuditEntryPublic,
    AuditPage,
    DivisionPublic,
    ErrorPublic,
    HousePublic,
    LoginRequest,
    MePublic,
    OrganizationPublic,
    OrganizationSummary,
    PersonPublic,
    PersonSummary,
    RollupPublic,
    TokenPublic,
    UnmaskRequest,
)
from shibei.web.trends import TrendsPublic, division_trends

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorPublic} for code in (400, 401, 403, 404, 422, 429)
}
router = APIRouter(prefix="/api", responses=ERRORS)
CallerDep = Annotated[Caller, Depends(require_caller)]
Text = Annotated[str | None, Query(max_length=100)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.post("/tokens", response_model=TokenPublic, summary="用户名和密码换取 API 令牌")
def issue_token(body: LoginRequest, request: Request) -> TokenPublic:
    auth = context_of(request).auth
    ticket = auth.login(body.username, body.password, client_ip(request))
    auth.logout(ticket.token)  # the API client keeps a token, not a cookie session
    return TokenPublic(token=auth.issue_api_token(ticket.account, "api"), name="api")


@router.get("/me", response_model=MePublic, summary="当前账号")
def me(caller: CallerDep, request: Request) -> MePublic:
    a = caller.account
    places = context_of(request).places
    return MePublic(
        username=a.username,
        display_name=a.display_name,
        role=a.role.value,
        role_label=ROLE_LABELS[a.role],
        unit_code=a.unit_code,
        unit_name=places.name(a.unit_code),
    )


@router.get("/persons", response_model=list[PersonSummary], summary="查询人员（脱敏）")
def search_persons(
    caller: CallerDep,
    request: Request,
    name: Text = None,
    id_number: Text = None,
    phone: Text = None,
    address: Text = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> list[PersonSummary]:
    query = PersonQuery(name, id_number, phone, address)
    return context_of(request).explorer.search_persons(caller.viewer, query, limit)


@router.get(
    "/exports/persons.xlsx",
    summary="导出人员查询结果（Excel，脱敏）",
    response_class=Response,
    responses={200: {"content": {XLSX: {}}}},
)
def export_persons(
    caller: CallerDep,
    request: Request,
    name: Text = None,
    id_number: Text = None,
    phone: Text = None,
    address: Text = None,
) -> Response:
    query = PersonQuery(name, id_number, phone, address)
    return xlsx_exports.persons_xlsx(request, caller.viewer, query)


@router.get("/persons/{person_id}", response_model=PersonPublic, summary="人员档案（脱敏）")
def person(person_id: str, caller: CallerDep, request: Request) -> PersonPublic:
    return context_of(request).explorer.person(caller.viewer, person_id)


@router.post(
    "/persons/{person_id}/unmask",
    response_model=PersonPublic,
    summary="说明事由后查看完整身份证号和电话（记入审计）",
)
def unmask_person(
    person_id: str,
    body: UnmaskRequest,
    caller: CallerDep,
    request: Request,
    x_csrf_token: Annotated[str | None, Header()] = None,
) -> PersonPublic:
    check_csrf(caller, x_csrf_token)
    return context_of(request).explorer.person(caller.viewer, person_id, body.reason)


@router.get("/houses/{house_code}", response_model=HousePublic, summary="房屋")
def house(house_code: str, caller: CallerDep, request: Request) -> HousePublic:
    return context_of(request).explorer.house(caller.viewer, house_code)


@router.get("/organizations", response_model=list[OrganizationSummary], summary="查询单位")
def search_organizations(
    caller: CallerDep,
    request: Request,
    name: Text = None,
    uscc: Text = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> list[OrganizationSummary]:
    return context_of(request).explorer.search_organizations(caller.viewer, name, uscc, limit)


@router.get("/organizations/{org_id}", response_model=OrganizationPublic, summary="单位")
def organization(org_id: str, caller: CallerDep, request: Request) -> OrganizationPublic:
    return context_of(request).explorer.organization(caller.viewer, org_id)


@router.get("/divisions/{code}", response_model=DivisionPublic, summary="街道、社区或网格")
def division(code: str, caller: CallerDep, request: Request) -> DivisionPublic:
    return context_of(request).explorer.division(caller.viewer, code)


Levels = Literal["street", "community", "grid"]


@router.get("/stats/rollups", response_model=list[RollupPublic], summary="各级人房单位统计")
def rollups(
    caller: CallerDep,
    request: Request,
    level: Levels = "street",
    within: Annotated[str | None, Query(max_length=15, pattern=r"^\d{6,15}$")] = None,
) -> list[RollupPublic]:
    return context_of(request).explorer.rollups(caller.viewer, level, within)


@router.get("/geo/{level}", summary="区划边界（GeoJSON）")
def geo(
    level: Levels,
    caller: CallerDep,
    request: Request,
    within: Annotated[str | None, Query(max_length=15, pattern=r"^\d{6,15}$")] = None,
) -> dict[str, Any]:
    ctx = context_of(request)
    return ctx.explorer.geojson(caller.viewer, ctx.features(level), within)


@router.get("/audit", response_model=AuditPage, summary="审计日志（区级管理员）")
def audit(
    caller: CallerDep,
    request: Request,
    action: Annotated[str | None, Query(max_length=64)] = None,
    account: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> AuditPage:
    ctx = context_of(request)
    if not ctx.explorer.may(caller.actor, "audit.view"):
        raise Forbidden("只有区级管理员可以查看审计日志")
    entries, total = ctx.audit_log.audit_entries(
        limit=limit, offset=offset, action=action, account=account
    )
    return AuditPage(
        entries=[
            AuditEntryPublic(
                seq=e.seq,
                **{
                    k: getattr(e.record, k)
                    for k in ("at", "account", "role", "ip", "action", "target", "result", "reason")
                },
            )
            for e in entries
        ],
        total=total,
    )


# Lists as Excel (scoped, masked like their pages, audited) -----------------------------

Code = Annotated[str, Path(max_length=15, pattern=r"^\d{6,15}$")]


@router.get(
    "/exports/divisions/{code}/persons.xlsx",
    summary="导出街道、社区或网格的实有人口名单（Excel，脱敏）",
    response_class=Response,
    responses={200: {"content": {XLSX: {}}}},
)
def export_division_persons(code: Code, caller: CallerDep, request: Request) -> Response:
    return xlsx_exports.division_persons_xlsx(request, caller.viewer, code)


@router.get(
    "/exports/organizations.xlsx",
    summary="导出单位查询结果（Excel）",
    response_class=Response,
    responses={200: {"content": {XLSX: {}}}},
)
def export_organizations(
    caller: CallerDep, request: Request, name: Text = None, uscc: Text = None
) -> Response:
    return xlsx_exports.organizations_xlsx(request, caller.viewer, name, uscc)


@router.get(
    "/exports/quality.xlsx",
    summary="导出各部门数据质量报告（Excel）",
    response_class=Response,
    responses={200: {"content": {XLSX: {}}}},
)
def export_quality(caller: CallerDep, request: Request) -> Response:
    return xlsx_exports.quality_xlsx(request, caller.viewer)


@router.get(
    "/exports/audit.xlsx",
    summary="导出审计日志（Excel，区级管理员）",
    response_class=Response,
    responses={200: {"content": {XLSX: {}}}},
)
def export_audit(
    caller: CallerDep,
    request: Request,
    action: Annotated[str | None, Query(max_length=64)] = None,
    account: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    return xlsx_exports.audit_xlsx(request, caller.viewer, action, account)


@router.get("/grid-workers", response_model=list[GridWorkerPublic], summary="网格员花名册（脱敏）")
def grid_workers(
    caller: CallerDep,
    request: Request,
    within: Annotated[str | None, Query(max_length=15, pattern=r"^\d{6,15}$")] = None,
) -> list[GridWorkerPublic]:
    return xlsx_exports.rosters_of(request).grid_workers(caller.viewer, within)


@router.get(
    "/exports/grid-workers.xlsx",
    summary="导出网格员花名册（Excel，脱敏）",
    response_class=Response,
    responses={200: {"content": {XLSX: {}}}},
)
def export_grid_workers(
    caller: CallerDep,
    request: Request,
    within: Annotated[str | None, Query(max_length=15, pattern=r"^\d{6,15}$")] = None,
) -> Response:
    return xlsx_exports.grid_workers_xlsx(request, caller.viewer, within)


@router.get(
    "/divisions/{code}/trends",
    response_model=TrendsPublic,
    summary="人口、单位和事件的月度与年度趋势",
)
def trends(code: Code, caller: CallerDep, request: Request) -> TrendsPublic:
    ctx = context_of(request)
    return division_trends(ctx.explorer, ctx.trends, caller.viewer, code)
