"""The app factory: `create_app(ctx)` wires routes, errors and static files around a
`WebContext` built by the caller (the CLI from settings, tests from fakes)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from shibei.web.context import WebContext, caller_of
from shibei.web.errors import LoginRequired, WebError
from shibei.web.routes import accounts, api, auth, open311, pages
from shibei.web.routes import household as household_routes
from shibei.web.routes import mass_cases as mass_case_routes
from shibei.web.routes import risk as risk_routes

STATIC = Path(__file__).parent / "static"
HTTP_MESSAGES = {
    404: "页面或接口不存在",
    405: "不支持该请求方法",
    413: "请求内容过大",
    415: "不支持的内容类型",
}
FIELD_NAMES = {
    "name": "姓名",
    "id_number": "身份证号",
    "phone": "电话",
    "address": "地址",
    "limit": "条数",
    "offset": "偏移",
    "level": "层级",
    "within": "区划代码",
    "reason": "事由",
    "username": "用户名",
    "password": "密码",
    "body": "请求体",
    "page": "页码",
    "action": "操作",
    "account": "账号",
    "uscc": "统一社会信用代码",
    "role": "角色",
    "unit_code": "单位代码",
    "display_name": "显示名称",
    "person_id": "人员编号",
    "account_id": "账号编号",
    "token_id": "令牌编号",
    "file": "文件",
    "only_valid": "只导入正确的行",
    "code": "区划代码",
}
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; "
    "form-action 'self'"
)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith(("/api", "/open311"))


def _validation_message(exc: RequestValidationError) -> str:
    fields = []
    for error in exc.errors():
        loc = [str(x) for x in error.get("loc", ()) if x not in ("query", "path", "body")]
        field = loc[-1] if loc else "body"
        fields.append(FIELD_NAMES.get(field, field))
    return "请求参数不合法：" + "、".join(dict.fromkeys(fields))


def create_app(ctx: WebContext) -> FastAPI:
    app = FastAPI(
        title="市北区数据底座 API",
        description="人房单位查询、驾驶舱统计和审计。个人信息按角色脱敏，每次查看记入审计。",
        version="1.0",
        openapi_url="/api/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
    )
    app.state.ctx = ctx

    def _error(request: Request, status: int, message: str) -> Response:
        if _is_api(request):
            headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
            return JSONResponse({"detail": message}, status_code=status, headers=headers)
        return pages.render(
            request,
            "error.html",
            caller_of(request),
            status=status,
            message=message,
            status_code=status,
        )

    @app.exception_handler(WebError)
    async def web_error(request: Request, exc: WebError) -> Response:
        if isinstance(exc, LoginRequired) and not _is_api(request):
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
        return _error(request, exc.status, exc.message)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        return _error(request, 422 if _is_api(request) else 400, _validation_message(exc))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        message = HTTP_MESSAGES.get(exc.status_code, "请求无法处理")
        return _error(request, exc.status_code, message)

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        if not request.url.path.startswith("/static"):
            response.headers["Cache-Control"] = "no-store"
        return response

    app.include_router(api.router)
    app.include_router(accounts.api)
    app.include_router(accounts.pages)
    app.include_router(auth.router)
    app.include_router(pages.router)
    app.include_router(household_routes.router)
    app.include_router(mass_case_routes.api)
    app.include_router(mass_case_routes.pages)
    app.include_router(open311.router)
    app.include_router(risk_routes.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
