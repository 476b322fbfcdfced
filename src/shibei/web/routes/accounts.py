"""Account management and bulk imports (district admin): the /accounts pages and the
/api/accounts, /api/imports routes. Thin: parse, call `AccountAdmin` / `Rosters`,
answer. Every state-changing request is CSRF-checked (cookie sessions) and audited by
the handler."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Header, Request, Response, UploadFile
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from shibei.access import ROLE_LABELS, Role
from shibei.access.accounts import Account
from shibei.web.account_admin import AccountAdmin, Issued
from shibei.web.context import Caller, check_csrf, context_of, require_caller
from shibei.web.errors import BadRequest, Forbidden, NotFound
from shibei.web.imports import (
    ACCOUNT_HEADERS,
    GRID_WORKER_HEADERS,
    MAX_UPLOAD,
    AccountRow,
    ImportReport,
    check_account_rows,
    read_rows,
    template_workbook,
)
from shibei.web.rosters import ImportOutcome
from shibei.web.routes.pages import PageCaller, render
from shibei.web.schemas import ErrorPublic
from shibei.web.xlsx_exports import rosters_of

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorPublic} for code in (400, 401, 403, 404, 422)
}
api = APIRouter(prefix="/api", responses=ERRORS, tags=["账号与导入"])
pages = APIRouter(include_in_schema=False)
CallerDep = Annotated[Caller, Depends(require_caller)]
CsrfHeader = Annotated[str | None, Header(max_length=100)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Id = Annotated[int, PathParam(ge=1, le=2_147_483_647)]
Outcome = tuple[str, str | None]  # a page action's message, and a secret shown once
OnlyValid = Annotated[bool, Form()]


# Schemas ---------------------------------------------------------------------------------


class AccountPublic(BaseModel):
    id: int
    username: str
    display_name: str
    role: str
    role_label: str
    unit_code: str
    unit_name: str
    person_id: str | None
    active: bool
    created_at: datetime


class AccountCreate(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    display_name: str = Field(default="", max_length=64)
    role: Role
    unit_code: str = Field(default="", max_length=32)
    person_id: str | None = Field(default=None, max_length=32)
    password: str = Field(min_length=8, max_length=256)


class AccountRoleChange(BaseModel):
    role: Role
    unit_code: str = Field(default="", max_length=32)
    person_id: str | None = Field(default=None, max_length=32)


class PasswordReset(BaseModel):
    password: str | None = Field(default=None, min_length=8, max_length=256)


class SecretPublic(BaseModel):
    """Shown once: a new password or API token."""

    username: str
    secret: str


class TokenCreate(BaseModel):
    name: str = Field(default="api", min_length=1, max_length=64)


class TokenInfoPublic(BaseModel):
    id: int
    name: str
    created_at: datetime
    revoked: bool


class RowErrorPublic(BaseModel):
    row: int
    error: str


class ImportResultPublic(BaseModel):
    valid_rows: int
    errors: list[RowErrorPublic]
    imported: int


# Helpers ---------------------------------------------------------------------------------


def _admin(request: Request) -> AccountAdmin:
    admin = context_of(request).accounts
    if admin is None:
        raise NotFound("账号管理未启用")
    return admin


def _public(request: Request, a: Account) -> AccountPublic:
    return AccountPublic(
        id=a.id,
        username=a.username,
        display_name=a.display_name,
        role=a.role.value,
        role_label=ROLE_LABELS[a.role],
        unit_code=a.unit_code,
        unit_name=context_of(request).places.name(a.unit_code) if a.unit_code else "",
        person_id=a.person_id,
        active=a.active,
        created_at=a.created_at,
    )


def _secret(issued: Issued) -> SecretPublic:
    return SecretPublic(username=issued.account.username, secret=issued.secret)


async def _upload(caller: Caller, csrf: str | None, file: UploadFile) -> tuple[bytes, str]:
    """A CSRF-checked upload: its bytes (at most MAX_UPLOAD) and its (shortened) name."""
    check_csrf(caller, csrf)
    body = await file.read(MAX_UPLOAD + 1)
    if len(body) > MAX_UPLOAD:
        raise BadRequest("文件过大（上限 5 MB）")
    return body, (file.filename or "")[:100]


def _parse_role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError as exc:
        raise BadRequest("请选择角色") from exc


def _import_grid_workers(
    request: Request, caller: Caller, body: bytes, only_valid: bool, filename: str
) -> ImportOutcome:
    rows = read_rows(body, GRID_WORKER_HEADERS)
    return rosters_of(request).import_grid_workers(
        caller.viewer, rows, context_of(request).grids, only_valid, filename
    )


def _import_accounts(
    request: Request, caller: Caller, body: bytes, only_valid: bool, filename: str
) -> tuple[ImportReport[AccountRow], int]:
    """Check every row; create all accounts, or (with errors) none unless only_valid."""
    admin = _admin(request)
    explorer = context_of(request).explorer
    target = f"账号导入 {filename}".strip()
    if not explorer.may(caller.actor, "account.manage"):
        explorer.audit(caller.viewer, "import.accounts", target, "denied")
        raise Forbidden("只有区级管理员可以管理账号")
    rows = read_rows(body, ACCOUNT_HEADERS)
    existing = {a.username for a in admin.store.list_accounts()}
    report = check_account_rows(
        rows,
        admin.units.problem,
        existing,
        lambda pid: admin.reader.person(pid) is not None,
    )
    imported = 0
    if report.valid and (not report.errors or only_valid):
        for _, row in report.valid:
            admin.auth.create_account(row.account, row.password)
            imported += 1
    explorer.audit(
        caller.viewer,
        "import.accounts",
        target,
        f"ok:{imported}" if imported or not report.errors else "rejected",
        f"正确 {len(report.valid)} 行，错误 {len(report.errors)} 行",
    )
    return report, imported


def _result(report: ImportReport[Any], imported: int) -> ImportResultPublic:
    return ImportResultPublic(
        valid_rows=len(report.valid),
        errors=[RowErrorPublic(row=r, error=e) for r, e in report.errors],
        imported=imported,
    )


def _xlsx(body: bytes, filename: str) -> Response:
    return Response(
        body,
        media_type=XLSX,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{filename}"},
    )


# API -------------------------------------------------------------------------------------


@api.get("/accounts", response_model=list[AccountPublic], summary="账号列表（区级管理员）")
def list_accounts(caller: CallerDep, request: Request) -> list[AccountPublic]:
    return [_public(request, a) for a in _admin(request).accounts(caller.viewer)]


@api.post("/accounts", response_model=AccountPublic, status_code=201, summary="新建账号")
def create_account(
    body: AccountCreate, caller: CallerDep, request: Request, x_csrf_token: CsrfHeader = None
) -> AccountPublic:
    check_csrf(caller, x_csrf_token)
    account = _admin(request).create(
        caller.viewer,
        body.username,
        body.display_name,
        body.role,
        body.unit_code,
        body.person_id,
        body.password,
    )
    return _public(request, account)


@api.post("/accounts/{account_id}/deactivate", response_model=AccountPublic, summary="停用账号")
def deactivate_account(
    account_id: Id, caller: CallerDep, request: Request, x_csrf_token: CsrfHeader = None
) -> AccountPublic:
    check_csrf(caller, x_csrf_token)
    return _public(request, _admin(request).set_active(caller.viewer, account_id, False))


@api.post("/accounts/{account_id}/activate", response_model=AccountPublic, summary="启用账号")
def activate_account(
    account_id: Id, caller: CallerDep, request: Request, x_csrf_token: CsrfHeader = None
) -> AccountPublic:
    check_csrf(caller, x_csrf_token)
    return _public(request, _admin(request).set_active(caller.viewer, account_id, True))


@api.post("/accounts/{account_id}/role", response_model=AccountPublic, summary="修改角色和单位")
def change_role(
    account_id: Id,
    body: AccountRoleChange,
    caller: CallerDep,
    request: Request,
    x_csrf_token: CsrfHeader = None,
) -> AccountPublic:
    check_csrf(caller, x_csrf_token)
    account = _admin(request).change_role(
        caller.viewer, account_id, body.role, body.unit_code, body.person_id
    )
    return _public(request, account)


@api.post(
    "/accounts/{account_id}/password",
    response_model=SecretPublic,
    summary="重置密码（不填则随机生成，只显示一次）",
)
def reset_password(
    account_id: Id,
    body: PasswordReset,
    caller: CallerDep,
    request: Request,
    x_csrf_token: CsrfHeader = None,
) -> SecretPublic:
    check_csrf(caller, x_csrf_token)
    return _secret(_admin(request).reset_password(caller.viewer, account_id, body.password))


@api.get("/accounts/{account_id}/tokens", response_model=list[TokenInfoPublic], summary="API 令牌")
def list_tokens(account_id: Id, caller: CallerDep, request: Request) -> list[TokenInfoPublic]:
    return [
        TokenInfoPublic(id=t.id, name=t.name, created_at=t.created_at, revoked=t.revoked)
        for t in _admin(request).tokens(caller.viewer, account_id)
    ]


@api.post(
    "/accounts/{account_id}/tokens",
    response_model=SecretPublic,
    status_code=201,
    summary="为账号签发 API 令牌（只显示一次）",
)
def issue_token(
    account_id: Id,
    body: TokenCreate,
    caller: CallerDep,
    request: Request,
    x_csrf_token: CsrfHeader = None,
) -> SecretPublic:
    check_csrf(caller, x_csrf_token)
    return _secret(_admin(request).issue_token(caller.viewer, account_id, body.name))


@api.delete("/accounts/{account_id}/tokens/{token_id}", status_code=204, summary="吊销 API 令牌")
def revoke_token(
    account_id: Id,
    token_id: Id,
    caller: CallerDep,
    request: Request,
    x_csrf_token: CsrfHeader = None,
) -> Response:
    check_csrf(caller, x_csrf_token)
    _admin(request).revoke_token(caller.viewer, account_id, token_id)
    return Response(status_code=204)


@api.post(
    "/imports/accounts",
    response_model=ImportResultPublic,
    summary="从 Excel 批量导入账号（有错误时不导入，除非 only_valid）",
)
async def import_accounts(
    caller: CallerDep,
    request: Request,
    file: Annotated[UploadFile, File(description="xlsx：" + "、".join(ACCOUNT_HEADERS))],
    only_valid: OnlyValid = False,
    x_csrf_token: CsrfHeader = None,
) -> ImportResultPublic:
    body, name = await _upload(caller, x_csrf_token, file)
    return _result(*_import_accounts(request, caller, body, only_valid, name))


@api.post(
    "/imports/grid-workers",
    response_model=ImportResultPublic,
    summary="从 Excel 导入网格员花名册（有错误时不导入，除非 only_valid）",
)
async def import_grid_workers(
    caller: CallerDep,
    request: Request,
    file: Annotated[UploadFile, File(description="xlsx：" + "、".join(GRID_WORKER_HEADERS))],
    only_valid: OnlyValid = False,
    x_csrf_token: CsrfHeader = None,
) -> ImportResultPublic:
    body, name = await _upload(caller, x_csrf_token, file)
    outcome = _import_grid_workers(request, caller, body, only_valid, name)
    return _result(outcome.report, outcome.imported)


# Pages -----------------------------------------------------------------------------------


def _accounts_page(
    request: Request, caller: Caller, status: int = 200, **values: Any
) -> HTMLResponse:
    admin = _admin(request)
    accounts = admin.accounts(caller.viewer)
    tokens = {a.id: admin.store.api_tokens_of(a.id) for a in accounts}
    return render(
        request,
        "accounts.html",
        caller,
        status=status,
        accounts=[_public(request, a) for a in accounts],
        tokens=tokens,
        roles=[(r.value, ROLE_LABELS[r]) for r in Role],
        account_headers=ACCOUNT_HEADERS,
        grid_worker_headers=GRID_WORKER_HEADERS,
        **values,
    )


@pages.get("/accounts", response_class=HTMLResponse)
def accounts_page(caller: PageCaller, request: Request) -> HTMLResponse:
    return _accounts_page(request, caller)


def _page_action(
    request: Request, caller: Caller, csrf: str, act: Callable[[], Outcome]
) -> HTMLResponse:
    """Run a form's action; its outcome (or its Chinese error) is shown on the page."""
    check_csrf(caller, csrf)
    try:
        message, secret = act()
    except (BadRequest, NotFound) as exc:
        return _accounts_page(request, caller, status=exc.status, error=exc.message)
    return _accounts_page(request, caller, message=message, secret=secret)


Csrf = Annotated[str, Form(max_length=100)]
Short = Annotated[str, Form(max_length=32)]  # role, unit code, person id


@pages.post("/accounts", response_class=HTMLResponse)
def create_account_form(
    caller: PageCaller,
    request: Request,
    username: Annotated[str, Form(max_length=64)] = "",
    display_name: Annotated[str, Form(max_length=64)] = "",
    role: Short = "",
    unit_code: Short = "",
    person_id: Short = "",
    password: Annotated[str, Form(max_length=256)] = "",
    csrf_token: Csrf = "",
) -> HTMLResponse:
    def act() -> Outcome:
        parsed = _parse_role(role)
        a = _admin(request).create(
            caller.viewer, username, display_name, parsed, unit_code, person_id or None, password
        )
        return f"已创建账号 {a.username}", None

    return _page_action(request, caller, csrf_token, act)


@pages.post("/accounts/{account_id}/active", response_class=HTMLResponse)
def set_active_form(
    account_id: Id,
    caller: PageCaller,
    request: Request,
    active: Annotated[str, Form(max_length=5)] = "0",
    csrf_token: Csrf = "",
) -> HTMLResponse:
    def act() -> Outcome:
        a = _admin(request).set_active(caller.viewer, account_id, active == "1")
        return f"账号 {a.username} 已{'启用' if a.active else '停用'}", None

    return _page_action(request, caller, csrf_token, act)


@pages.post("/accounts/{account_id}/role", response_class=HTMLResponse)
def change_role_form(
    account_id: Id,
    caller: PageCaller,
    request: Request,
    role: Short = "",
    unit_code: Short = "",
    person_id: Short = "",
    csrf_token: Csrf = "",
) -> HTMLResponse:
    def act() -> Outcome:
        a = _admin(request).change_role(
            caller.viewer, account_id, _parse_role(role), unit_code, person_id or None
        )
        return f"账号 {a.username} 已改为 {ROLE_LABELS[a.role]}", None

    return _page_action(request, caller, csrf_token, act)


@pages.post("/accounts/{account_id}/password", response_class=HTMLResponse)
def reset_password_form(
    account_id: Id, caller: PageCaller, request: Request, csrf_token: Csrf = ""
) -> HTMLResponse:
    def act() -> Outcome:
        issued = _admin(request).reset_password(caller.viewer, account_id)
        return f"账号 {issued.account.username} 的新密码（只显示一次）", issued.secret

    return _page_action(request, caller, csrf_token, act)


@pages.post("/accounts/{account_id}/tokens", response_class=HTMLResponse)
def issue_token_form(
    account_id: Id,
    caller: PageCaller,
    request: Request,
    name: Annotated[str, Form(max_length=64)] = "api",
    csrf_token: Csrf = "",
) -> HTMLResponse:
    def act() -> Outcome:
        issued = _admin(request).issue_token(caller.viewer, account_id, name)
        return f"账号 {issued.account.username} 的 API 令牌（只显示一次）", issued.secret

    return _page_action(request, caller, csrf_token, act)


@pages.post("/accounts/{account_id}/tokens/{token_id}/revoke", response_class=HTMLResponse)
def revoke_token_form(
    account_id: Id, token_id: Id, caller: PageCaller, request: Request, csrf_token: Csrf = ""
) -> HTMLResponse:
    def act() -> Outcome:
        _admin(request).revoke_token(caller.viewer, account_id, token_id)
        return "令牌已吊销", None

    return _page_action(request, caller, csrf_token, act)


@pages.post("/accounts/import", response_class=HTMLResponse)
async def import_form(
    caller: PageCaller,
    request: Request,
    file: Annotated[UploadFile, File()],
    kind: Annotated[str, Form(max_length=20)] = "accounts",
    only_valid: Annotated[str, Form(max_length=5)] = "",
    csrf_token: Csrf = "",
) -> Response:
    """The import form: the page shows the per-row report; nothing is imported from a
    file with errors unless "只导入正确的行" is ticked."""
    body, name = await _upload(caller, csrf_token, file)
    try:
        if kind == "grid_workers":
            outcome = _import_grid_workers(request, caller, body, only_valid == "1", name)
            errors, imported = outcome.report.errors, outcome.imported
            label = "网格员"
        else:
            report, imported = _import_accounts(request, caller, body, only_valid == "1", name)
            errors = report.errors
            label = "账号"
    except BadRequest as exc:
        return _accounts_page(request, caller, status=400, error=exc.message)
    if errors and not imported:
        message = f"文件有 {len(errors)} 行错误，未导入任何{label}（可勾选“只导入正确的行”）"
    else:
        message = f"已导入 {imported} 个{label}，跳过 {len(errors)} 行错误"
    status = 400 if errors and not imported else 200
    return _accounts_page(request, caller, status=status, message=message, import_errors=errors)


@pages.get("/accounts/templates/{kind}.xlsx")
def import_template(kind: str, caller: PageCaller, request: Request) -> Response:
    _admin(request).accounts(caller.viewer)  # admin only
    if kind == "accounts":
        example: list[object] = ["zhangsan", "张三", "街道干部", "370203005", "", "请改为初始密码"]
        return _xlsx(template_workbook("账号", ACCOUNT_HEADERS, example), "accounts.xlsx")
    if kind == "grid_workers":
        example = ["370203005001001", "张三", "男", "", "13800000000", "", "2024-01-01"]
        return _xlsx(
            template_workbook("网格员花名册", GRID_WORKER_HEADERS, example), "grid_workers.xlsx"
        )
    raise NotFound("模板不存在")
