"""Household-registration pages (户政服务): the resident's mobile pages (catalogue, apply
with uploads, follow by order number, rate) and the staff pages (queue per station,
order handling, hand-over, KPIs). Thin: parse, call `HouseholdDesk`, render. Forms are
CSRF-checked; the desk scopes, masks and audits."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Annotated, Any, TypeVar, cast

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.datastructures import UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.datastructures import FormData
from starlette.datastructures import UploadFile as FormFile

from shibei.access import Actor, scope_of
from shibei.apps.household.catalogue import FormInvalid, UnknownMatter
from shibei.apps.household.kpi import ONE_VISIT_GOAL, ONLINE_NEARBY_GOAL
from shibei.apps.household.routing import HandOverRefused
from shibei.apps.household.service import HouseholdDesk
from shibei.web.context import Caller, check_csrf, context_of
from shibei.web.errors import BadRequest, Forbidden, NotFound, WebError
from shibei.web.routes.pages import TEMPLATES, PageCaller, render
from shibei.web.uploads import UploadRejected, clean_upload, file_response, read_upload
from shibei.workflow import (
    Forbidden as WorkflowForbidden,
)
from shibei.workflow import (
    IllegalTransition,
    InvalidAction,
    OrderNotFound,
    OrderState,
    StaleOrder,
)

router = APIRouter(include_in_schema=False)
NOT_FOUND = "未找到该办件，或您无权查看"
MAX_FORM_FIELDS = 60
T = TypeVar("T")
Note = Annotated[str, Form(max_length=500)]
Csrf = Annotated[str, Form(max_length=100)]


class Conflict(WebError):
    status = 409


def household_links(caller: Caller | None) -> list[tuple[str, str]]:
    """Menu entries of the household pages for the caller's role (base.html)."""
    if caller is None:
        return []
    actor = caller.actor
    if actor.person_id is not None and scope_of(actor, "workorder.apply") is not None:
        return [("/household", "户政办事")]
    if scope_of(actor, "workorder.view") is not None:
        return [
            ("/household/queue", "户政工单"),
            ("/household/kpi", "户政指标"),
            ("/household/mailout", "证件邮寄"),
        ]
    return []


TEMPLATES.env.globals["household_links"] = household_links


def desk_of(request: Request) -> HouseholdDesk:
    desk = context_of(request).household
    if desk is None:
        raise NotFound("户政服务未启用")
    return desk


def call(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a desk call, turning its errors into 4xx with their Chinese messages."""
    try:
        return fn(*args, **kwargs)
    except OrderNotFound:
        raise NotFound(NOT_FOUND) from None
    except UnknownMatter as exc:
        raise NotFound(str(exc)) from None
    except WorkflowForbidden as exc:
        raise Forbidden(str(exc)) from None
    except (IllegalTransition, StaleOrder) as exc:
        raise Conflict(str(exc)) from None
    except (InvalidAction, FormInvalid, HandOverRefused) as exc:
        raise BadRequest(str(exc)) from None


def _staff(actor: Actor) -> bool:
    return actor.person_id is None and scope_of(actor, "workorder.view") is not None


# Resident side ------------------------------------------------------------------------


@router.get("/household", response_class=HTMLResponse)
def home(caller: PageCaller, request: Request) -> Response:
    desk = desk_of(request)
    if _staff(caller.actor):
        return RedirectResponse("/household/queue", status_code=303)
    orders = call(desk.my_orders, caller.viewer)
    return render(
        request,
        "household_home.html",
        caller,
        categories=desk.catalogue.categories(),
        orders=orders,
        unit_name=desk.unit_name,
    )


@router.get("/household/track")
def track(
    caller: PageCaller, request: Request, no: Annotated[str, Query(max_length=40)] = ""
) -> Response:
    number = no.strip().upper()
    if not number:
        raise BadRequest("请输入办件编号")
    call(desk_of(request).view, caller.viewer, number)  # 404 unless the caller may see it
    return RedirectResponse(f"/household/orders/{number}", status_code=303)


@router.get("/household/matters/{code}", response_class=HTMLResponse)
def matter(code: str, caller: PageCaller, request: Request) -> HTMLResponse:
    desk = desk_of(request)
    form = call(desk.form, caller.viewer, code[:10])
    return _matter_page(request, caller, desk, form)


def _matter_page(
    request: Request,
    caller: Caller,
    desk: HouseholdDesk,
    form: Any,
    *,
    errors: dict[str, str] | None = None,
    message: str = "",
    values: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "household_matter.html",
        caller,
        status=status,
        form=form,
        can_apply=form.matter.online and caller.actor.person_id is not None,
        errors=errors or {},
        message=message,
        values=values if values is not None else form.prefill,
        form_token=secrets.token_urlsafe(16),
    )


@router.post("/household/matters/{code}", response_class=HTMLResponse)
async def apply(code: str, caller: PageCaller, request: Request) -> Response:
    desk = desk_of(request)
    form_data = await request.form(max_fields=MAX_FORM_FIELDS, max_files=10)
    try:
        return await _apply(code, caller, request, desk, form_data)
    finally:
        await form_data.close()


async def _apply(
    code: str, caller: Caller, request: Request, desk: HouseholdDesk, form_data: FormData
) -> Response:
    check_csrf(caller, _text(form_data.get("csrf_token")))
    form = call(desk.form, caller.viewer, code[:10])
    values = {k: _text(v) for k, v in form_data.items() if isinstance(v, str) and len(k) < 40}
    uploads: dict[str, str] = {}
    ctx = context_of(request)
    try:
        wanted = [m for m in form.verification.to_submit if m.upload]
        for index, material in enumerate(wanted):
            part = form_data.get(f"file_{index}")
            if not isinstance(part, FormFile) or not part.filename:
                continue
            clean = clean_upload(await read_upload(cast(UploadFile, part)), part.filename)
            uploads[material.name] = ctx.uploads.save(clean).id
        token = _text(form_data.get("form_token"))[:40] or None
        key = f"{caller.account.username}:{token}" if token else None
        order = call(desk.apply, caller.viewer, form.matter.code, values, uploads, key)
    except UploadRejected as exc:
        return _matter_page(
            request, caller, desk, form, message=exc.message, values=values, status=exc.status
        )
    except BadRequest as exc:
        cause = exc.__cause__ or exc.__context__
        errors = cause.errors if isinstance(cause, FormInvalid) else {}
        return _matter_page(
            request, caller, desk, form, errors=errors, message=exc.message, values=values,
            status=400,
        )  # fmt: skip
    return RedirectResponse(f"/household/orders/{order.id}", status_code=303)


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


@router.post("/household/orders/{number}/rate")
def rate(
    number: str,
    caller: PageCaller,
    request: Request,
    rating: Annotated[int, Form(ge=1, le=5)],
    note: Note = "",
    csrf_token: Csrf = "",
) -> Response:
    check_csrf(caller, csrf_token)
    call(desk_of(request).rate, caller.viewer, number[:40], rating, note)
    return RedirectResponse(f"/household/orders/{number[:40]}", status_code=303)


# Both sides ----------------------------------------------------------------------------


@router.get("/household/orders/{number}", response_class=HTMLResponse)
def order_page(number: str, caller: PageCaller, request: Request) -> HTMLResponse:
    desk = desk_of(request)
    view = call(desk.view, caller.viewer, number[:40])
    units = [u for u in desk.router.stations if u.code != view.unit_code]
    return render(request, "household_order.html", caller, order=view, units=units)


@router.get("/household/orders/{number}/files/{file_id}")
def attachment(number: str, file_id: str, caller: PageCaller, request: Request) -> Response:
    desk = desk_of(request)
    if not call(desk.attachment, caller.viewer, number[:40], file_id[:40]):
        raise NotFound("附件不存在")
    found = context_of(request).uploads.open(file_id)
    if found is None:
        raise NotFound("附件不存在")
    return file_response(*found)


# Staff side ----------------------------------------------------------------------------


@router.get("/household/queue", response_class=HTMLResponse)
def queue(
    caller: PageCaller,
    request: Request,
    state: Annotated[str, Query(max_length=30)] = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    desk = desk_of(request)
    try:
        states = (OrderState(state),) if state else ()
    except ValueError:
        raise BadRequest("办件状态不正确") from None
    orders, total = call(desk.queue, caller.viewer, states=states, limit=50, offset=(page - 1) * 50)
    return render(
        request,
        "household_queue.html",
        caller,
        orders=orders,
        total=total,
        page=page,
        state=state,
        states=list(OrderState),
        unit_name=desk.unit_name,
        catalogue=desk.catalogue,
    )


@router.post("/household/orders/{number}/act")
def act(
    number: str,
    caller: PageCaller,
    request: Request,
    action: Annotated[str, Form(max_length=30)],
    note: Note = "",
    reply: Note = "",
    lead_unit: Annotated[str, Form(max_length=20)] = "",
    version: Annotated[int | None, Form(ge=1)] = None,
    csrf_token: Csrf = "",
) -> Response:
    check_csrf(caller, csrf_token)
    desk = desk_of(request)
    call(
        desk.act, caller.viewer, number[:40], action, note=note, reply=reply,
        version=version, lead_unit=lead_unit,
    )  # fmt: skip
    return RedirectResponse(f"/household/orders/{number[:40]}", status_code=303)


@router.post("/household/orders/{number}/hand-over")
def hand_over(
    number: str,
    caller: PageCaller,
    request: Request,
    to_unit: Annotated[str, Form(max_length=20)],
    note: Note = "",
    version: Annotated[int | None, Form(ge=1)] = None,
    csrf_token: Csrf = "",
) -> Response:
    check_csrf(caller, csrf_token)
    call(desk_of(request).hand_over, caller.viewer, number[:40], to_unit, note, version)
    return RedirectResponse(f"/household/orders/{number[:40]}", status_code=303)


@router.get("/household/kpi", response_class=HTMLResponse)
def kpi(caller: PageCaller, request: Request) -> HTMLResponse:
    report = call(desk_of(request).kpis, caller.viewer)
    return render(
        request,
        "household_kpi.html",
        caller,
        report=report,
        one_visit_goal=ONE_VISIT_GOAL,
        online_goal=ONLINE_NEARBY_GOAL,
    )


@router.get("/household/mailout", response_class=HTMLResponse)
def mailout(
    caller: PageCaller,
    request: Request,
    days: Annotated[int, Query(ge=1, le=366)] = 30,
) -> HTMLResponse:
    desk = desk_of(request)
    since = desk.clock() - timedelta(days=days)
    batches = call(desk.mailout, caller.viewer, since)
    return render(
        request, "household_mailout.html", caller, batches=batches, days=days,
        unit_name=desk.unit_name,
    )  # fmt: skip
