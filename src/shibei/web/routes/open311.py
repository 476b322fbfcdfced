"""Open311 GeoReport v2 over the household desk and the work-order engine (JSON only),
for partners and analytics: discovery, services (the matter catalogue), service
definitions (the dynamic forms), requests (list, one, create).

Discovery, services and definitions are public (the catalogue is public information).
Requests need an API token (`Authorization: Bearer …`, or GeoReport's `api_key`
parameter): staff tokens list what their role may see; a resident's token creates
requests for matters that need no upload and lists the resident's own. Responses carry
no personal data (no names, phones or house addresses: the place is given as street and
community). Bad input gets a 4xx with a Chinese message, GeoReport-style
(`[{"code": 400, "description": "…"}]`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from shibei.apps.household.catalogue import FormInvalid, Matter, UnknownMatter
from shibei.apps.household.service import HouseholdDesk
from shibei.web.context import Caller, caller_of, context_of
from shibei.web.routes.household import desk_of
from shibei.workflow import Forbidden as WorkflowForbidden
from shibei.workflow import InvalidAction, OrderNotFound, OrderState, WorkOrder

router = APIRouter(prefix="/open311/v2", tags=["Open311 GeoReport v2"])
MAX_REQUESTS = 1000
DEFAULT_REQUESTS = 90  # days, as GeoReport suggests for a list without dates
CLOSED = frozenset(s for s in OrderState if not s.open)


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse([{"code": status, "description": message}], status_code=status)


def _caller(request: Request, api_key: str | None) -> Caller | None:
    caller = caller_of(request)
    if caller is None and api_key:
        account = context_of(request).auth.account_for_token(api_key.strip())
        if account is not None:
            from shibei.web.explorer import Viewer

            ip = request.client.host if request.client else ""
            caller = Caller(account, None, Viewer(account.actor(), ip))
    return caller


def _service(m: Matter) -> dict[str, Any]:
    keywords = ["网上办"] if m.online else []
    keywords += (["就近办"] if m.nearby else []) + (["即时办结"] if m.immediate else [])
    return {
        "service_code": m.code,
        "service_name": m.name,
        "description": f"{m.category}；法定时限"
        + ("即时办结" if m.immediate else f"{m.time_limit_days}个工作日")
        + f"；依据{m.basis}",
        "metadata": True,
        "type": "realtime",
        "keywords": ",".join(keywords),
        "group": m.category,
    }


def _request(desk: HouseholdDesk, order: WorkOrder) -> dict[str, Any]:
    places = desk.places
    division = order.division_code or ""
    address = "".join(places.name(division[:n]) for n in (9, 12) if len(division) >= n)
    house = desk.reader.house(order.house_code) if order.house_code else None
    return {
        "service_request_id": order.id,
        "status": "closed" if order.state in CLOSED else "open",
        "status_notes": order.state.label,
        "service_name": order.title,
        "service_code": order.matter_code,
        "description": order.title,
        "agency_responsible": desk.unit_name(order.lead_unit),
        "service_notice": order.reply or "",
        "requested_datetime": order.created_at.isoformat(timespec="seconds"),
        "updated_datetime": order.updated_at.isoformat(timespec="seconds"),
        "expected_datetime": order.due_at.isoformat(timespec="seconds") if order.due_at else None,
        "address": address,
        "address_id": division[:12] or None,
        "zipcode": None,
        "lat": round(house.lat, 3) if house else None,  # about 100 m: no single house
        "long": round(house.lon, 3) if house else None,
        "media_url": None,
    }


@router.get("/discovery.json")
def discovery(request: Request) -> dict[str, Any]:
    base = str(request.base_url).rstrip("/") + "/open311/v2/"
    return {
        "changeset": "2026-01-01T00:00:00",
        "contact": "市北分局人口大队（户政业务）",
        "key_service": "以平台账号申请 API 令牌（账号管理）",
        "endpoints": [
            {
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": base,
                "changeset": "2026-01-01T00:00:00",
                "type": "production",
                "formats": ["application/json"],
            }
        ],
    }


@router.get("/services.json")
def services(request: Request) -> list[dict[str, Any]]:
    return [_service(m) for m in desk_of(request).catalogue.matters]


@router.get("/services/{code}.json", response_model=None)
def service_definition(code: str, request: Request) -> dict[str, Any] | JSONResponse:
    try:
        matter = desk_of(request).catalogue.matter(code[:10])
    except UnknownMatter as exc:
        return _error(404, str(exc))
    return {
        "service_code": matter.code,
        "attributes": [f.open311(i) for i, f in enumerate(matter.fields, start=1)],
    }


def _parse_time(value: str | None, name: str) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{name} 须为 ISO 8601 时间，如 2025-01-31T00:00:00") from None
    return parsed.replace(tzinfo=None)


@router.get("/requests.json", response_model=None)
def requests_list(
    request: Request,
    service_request_id: Annotated[str | None, Query(max_length=2000)] = None,
    service_code: Annotated[str | None, Query(max_length=20)] = None,
    start_date: Annotated[str | None, Query(max_length=40)] = None,
    end_date: Annotated[str | None, Query(max_length=40)] = None,
    status: Annotated[str | None, Query(max_length=20)] = None,
    api_key: Annotated[str | None, Query(max_length=200)] = None,
) -> list[dict[str, Any]] | JSONResponse:
    caller = _caller(request, api_key)
    if caller is None:
        return _error(401, "请提供有效的 API 令牌")
    desk = desk_of(request)
    try:
        start = _parse_time(start_date, "start_date")
        end = _parse_time(end_date, "end_date")
    except ValueError as exc:
        return _error(400, str(exc))
    if status not in (None, "", "open", "closed"):
        return _error(400, "status 只能是 open 或 closed")
    if service_code and service_code not in desk.catalogue:
        return _error(400, f"事项编码不存在：{service_code}")
    if service_request_id:
        ids = [i.strip() for i in service_request_id.split(",") if i.strip()][:MAX_REQUESTS]
        found = []
        for number in ids:
            try:
                found.append(desk.view(caller.viewer, number))
            except OrderNotFound:
                continue
        orders = [o for o in (desk.engine.repo.get(v.id) for v in found) if o is not None]
    elif caller.actor.person_id is not None:
        orders = desk.my_orders(caller.viewer, limit=MAX_REQUESTS)
    else:
        states = tuple(s for s in OrderState if (s in CLOSED) == (status == "closed"))
        try:
            orders, _ = desk.queue(
                caller.viewer,
                states=states if status else (),
                matter_code=service_code or None,
                created_from=start,
                created_to=end,
                limit=MAX_REQUESTS,
            )
        except WorkflowForbidden as exc:
            return _error(403, str(exc))
    rows = [_request(desk, o) for o in orders]
    if status:
        rows = [r for r in rows if r["status"] == status]
    if service_code:
        rows = [r for r in rows if r["service_code"] == service_code]
    return rows


@router.get("/requests/{number}.json", response_model=None)
def request_one(
    number: str,
    request: Request,
    api_key: Annotated[str | None, Query(max_length=200)] = None,
) -> list[dict[str, Any]] | JSONResponse:
    caller = _caller(request, api_key)
    if caller is None:
        return _error(401, "请提供有效的 API 令牌")
    desk = desk_of(request)
    try:
        view = desk.view(caller.viewer, number[:40])
    except OrderNotFound:
        return _error(404, "未找到该办件，或您无权查看")
    order = desk.engine.repo.get(view.id)
    assert order is not None
    return [_request(desk, order)]


@router.post("/requests.json", response_model=None)
async def request_create(request: Request) -> list[dict[str, Any]] | JSONResponse:
    form = await request.form(max_fields=80, max_files=0)
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    caller = _caller(request, values.get("api_key"))
    if caller is None:
        return _error(401, "请提供有效的 API 令牌")
    if caller.actor.person_id is None:
        return _error(403, "只有群众账号可以通过接口提交申请")
    desk = desk_of(request)
    code = values.get("service_code", "")
    if not code:
        return _error(400, "缺少 service_code（事项编码）")
    try:
        matter = desk.catalogue.matter(code[:10])
    except UnknownMatter as exc:
        return _error(400, str(exc))
    attributes = {
        key[len("attribute[") : -1]: value
        for key, value in values.items()
        if key.startswith("attribute[") and key.endswith("]")
    }
    if values.get("first_name") and "applicant_name" not in attributes:
        attributes["applicant_name"] = values.get("last_name", "") + values["first_name"]
    if values.get("phone") and "phone" not in attributes:
        attributes["phone"] = values["phone"]
    key = values.get("idempotency_key") or request.headers.get("idempotency-key")
    try:
        order = desk.apply(
            caller.viewer,
            matter.code,
            attributes,
            {},
            f"{caller.account.username}:{key[:40]}" if key else None,
        )
    except FormInvalid as exc:
        return _error(400, "属性不合法：" + str(exc))
    except InvalidAction as exc:
        message = str(exc)
        if message.startswith("请上传"):
            message = "该事项需要上传材料，请通过微警务页面申请（" + message + "）"
        return _error(400, message)
    except WorkflowForbidden as exc:
        return _error(403, str(exc))
    return [
        {
            "service_request_id": order.id,
            "service_notice": f"已提交，由{desk.unit_name(order.lead_unit)}办理",
            "account_id": None,
        }
    ]
