"""Server-rendered pages in Chinese (Jinja2 + htmx)."""

from __future__ import annotations

import json
from pathlib import Path as FilePath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from shibei.access import ROLE_LABELS
from shibei.web import xlsx_exports
from shibei.web.context import Caller, caller_of, check_csrf, context_of
from shibei.web.errors import Forbidden, LoginRequired, NotFound
from shibei.web.explorer import PersonQuery
from shibei.web.quality import read_quality

TEMPLATES = Jinja2Templates(directory=str(FilePath(__file__).parent.parent / "templates"))
router = APIRouter(include_in_schema=False)


def page_caller(request: Request) -> Caller:
    caller = caller_of(request)
    if caller is None:
        raise LoginRequired("请先登录")
    return caller


PageCaller = Annotated[Caller, Depends(page_caller)]
Text = Annotated[str | None, Query(max_length=100)]


def render(
    request: Request, template: str, caller: Caller | None, status: int = 200, **values: Any
) -> HTMLResponse:
    ctx = context_of(request)
    nav: dict[str, bool] = {}
    if caller is not None:
        actor = caller.actor
        nav = {
            "dashboard": ctx.explorer.can(actor, "stats.view"),
            "search": ctx.explorer.can(actor, "person.search"),
            "organizations": ctx.explorer.can(actor, "organization.search"),
            "export": ctx.explorer.can(actor, "export"),
            "quality": ctx.explorer.may(actor, "quality.view"),
            "audit": ctx.explorer.may(actor, "audit.view"),
            "risk": ctx.risk is not None and ctx.risk.can(actor, "risk.view"),
            "accounts": ctx.explorer.may(actor, "account.manage"),
            "grid_workers": ctx.explorer.can(actor, "person.search"),
        }
    return TEMPLATES.TemplateResponse(
        request,
        template,
        {
            "caller": caller,
            "role_label": ROLE_LABELS[caller.account.role] if caller else "",
            "unit_name": ctx.places.name(caller.account.unit_code) if caller else "",
            "nav": nav,
            **values,
        },
        status_code=status,
    )


@router.get("/")
def home(caller: PageCaller, request: Request) -> Response:
    explorer = context_of(request).explorer
    actor = caller.actor
    if explorer.can(actor, "stats.view"):
        return RedirectResponse("/dashboard", status_code=303)
    if actor.person_id:
        return RedirectResponse(f"/persons/{actor.person_id}", status_code=303)
    return RedirectResponse("/search", status_code=303)


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard(caller: PageCaller, request: Request) -> Response:
    explorer = context_of(request).explorer
    if not explorer.can(caller.actor, "stats.view"):
        raise Forbidden("您的角色无权查看驾驶舱")
    code = explorer.home_code(caller.actor)
    if len(code) == 15:
        return RedirectResponse(f"/divisions/{code}", status_code=303)
    try:
        division = explorer.division(caller.viewer, code)
    except NotFound:
        division = None  # a police unit: figures per street on the map, no district total
    trends_on = context_of(request).trends is not None and division is not None
    return render(
        request, "dashboard.html", caller, home=code, division=division, trends_on=trends_on
    )


@router.get("/search", response_class=HTMLResponse)
def search(
    caller: PageCaller,
    request: Request,
    name: Text = None,
    id_number: Text = None,
    phone: Text = None,
    address: Text = None,
) -> HTMLResponse:
    query = PersonQuery(name or None, id_number or None, phone or None, address or None)
    results = None
    if not query.empty():
        results = context_of(request).explorer.search_persons(caller.viewer, query, 50)
    fragment = request.headers.get("hx-request") == "true"
    return render(
        request,
        "_results.html" if fragment else "search.html",
        caller,
        query=query,
        results=results,
    )


@router.get("/export/persons.xlsx")
def export_persons(
    caller: PageCaller,
    request: Request,
    name: Text = None,
    id_number: Text = None,
    phone: Text = None,
    address: Text = None,
) -> Response:
    query = PersonQuery(name or None, id_number or None, phone or None, address or None)
    return xlsx_exports.persons_xlsx(request, caller.viewer, query)


@router.get("/persons/{person_id}", response_class=HTMLResponse)
def person(person_id: str, caller: PageCaller, request: Request) -> HTMLResponse:
    view = context_of(request).explorer.person(caller.viewer, person_id)
    return render(request, "person.html", caller, person=view)


@router.post("/persons/{person_id}/unmask", response_class=HTMLResponse)
def unmask(
    person_id: str,
    caller: PageCaller,
    request: Request,
    reason: Annotated[str, Form(max_length=200)] = "",
    csrf_token: Annotated[str, Form(max_length=100)] = "",
) -> HTMLResponse:
    check_csrf(caller, csrf_token)
    view = context_of(request).explorer.person(caller.viewer, person_id, reason)
    return render(request, "person.html", caller, person=view)


@router.get("/houses/{house_code}", response_class=HTMLResponse)
def house(house_code: str, caller: PageCaller, request: Request) -> HTMLResponse:
    view = context_of(request).explorer.house(caller.viewer, house_code)
    return render(request, "house.html", caller, house=view)


@router.get("/organizations", response_class=HTMLResponse)
def organizations(
    caller: PageCaller, request: Request, name: Text = None, uscc: Text = None
) -> HTMLResponse:
    results = None
    if name or uscc:
        results = context_of(request).explorer.search_organizations(
            caller.viewer, name or None, uscc or None, 50
        )
    return render(
        request, "organizations.html", caller, name=name or "", uscc=uscc or "", results=results
    )


@router.get("/organizations/{org_id}", response_class=HTMLResponse)
def organization(org_id: str, caller: PageCaller, request: Request) -> HTMLResponse:
    view = context_of(request).explorer.organization(caller.viewer, org_id)
    return render(request, "organization.html", caller, org=view)


@router.get("/divisions/{code}", response_class=HTMLResponse)
def division(code: str, caller: PageCaller, request: Request) -> HTMLResponse:
    explorer = context_of(request).explorer
    view = explorer.division(caller.viewer, code)
    residents = explorer.grid_residents(caller.viewer, code) if view.level == "grid" else []
    trends_on = context_of(request).trends is not None
    return render(
        request, "division.html", caller, division=view, residents=residents, trends_on=trends_on
    )


@router.get("/audit", response_class=HTMLResponse)
def audit(
    caller: PageCaller,
    request: Request,
    action: Annotated[str | None, Query(max_length=64)] = None,
    account: Annotated[str | None, Query(max_length=64)] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    ctx = context_of(request)
    if not ctx.explorer.may(caller.actor, "audit.view"):
        raise Forbidden("只有区级管理员可以查看审计日志")
    entries, total = ctx.audit_log.audit_entries(
        limit=50, offset=(page - 1) * 50, action=action or None, account=account or None
    )
    return render(
        request,
        "audit.html",
        caller,
        entries=entries,
        total=total,
        page=page,
        action=action or "",
        account=account or "",
    )


@router.get("/quality", response_class=HTMLResponse)
def quality(caller: PageCaller, request: Request) -> HTMLResponse:
    ctx = context_of(request)
    if not ctx.explorer.may(caller.actor, "quality.view"):
        raise Forbidden("您的角色无权查看数据质量")
    reports = read_quality(ctx.quality_dir)
    return render(
        request, "quality.html", caller, reports=reports, reports_json=json.dumps(len(reports))
    )


# Lists as Excel and the grid-worker roster -----------------------------------------------

Code = Annotated[str, Path(max_length=15, pattern=r"^\d{6,15}$")]
Within = Annotated[str | None, Query(max_length=15, pattern=r"^\d{6,15}$")]


@router.get("/export/divisions/{code}/persons.xlsx")
def export_division_persons(code: Code, caller: PageCaller, request: Request) -> Response:
    return xlsx_exports.division_persons_xlsx(request, caller.viewer, code)


@router.get("/export/organizations.xlsx")
def export_organizations(
    caller: PageCaller, request: Request, name: Text = None, uscc: Text = None
) -> Response:
    return xlsx_exports.organizations_xlsx(request, caller.viewer, name or None, uscc or None)


@router.get("/export/quality.xlsx")
def export_quality(caller: PageCaller, request: Request) -> Response:
    return xlsx_exports.quality_xlsx(request, caller.viewer)


@router.get("/export/audit.xlsx")
def export_audit(
    caller: PageCaller,
    request: Request,
    action: Annotated[str | None, Query(max_length=64)] = None,
    account: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    return xlsx_exports.audit_xlsx(request, caller.viewer, action, account)


@router.get("/export/grid-workers.xlsx")
def export_grid_workers(caller: PageCaller, request: Request, within: Within = None) -> Response:
    return xlsx_exports.grid_workers_xlsx(request, caller.viewer, within or None)


@router.get("/grid-workers", response_class=HTMLResponse)
def grid_workers(caller: PageCaller, request: Request, within: Within = None) -> HTMLResponse:
    workers = xlsx_exports.rosters_of(request).grid_workers(caller.viewer, within or None)
    return render(request, "grid_workers.html", caller, workers=workers, within=within or "")
