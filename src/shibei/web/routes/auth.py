"""Login and logout pages. The login form carries a double-submit CSRF token (cookie +
hidden field) since there is no session yet; the session cookie is HttpOnly,
SameSite=Lax, and Secure over https (or when the settings say so)."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from shibei.access.accounts import SESSION_LIFETIME
from shibei.web.context import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    caller_of,
    check_csrf,
    client_ip,
    context_of,
)
from shibei.web.errors import CsrfFailed, NotAuthenticated, Throttled
from shibei.web.routes.pages import render

router = APIRouter(include_in_schema=False)


def _secure(request: Request) -> bool:
    return request.url.scheme == "https" or context_of(request).cookie_secure


def _safe_next(target: str) -> str:
    """Only same-site paths: '/persons/P1' yes, '//evil.example' or 'http://…' no."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def _login_page(
    request: Request, message: str = "", status: int = 200, next_: str = "/"
) -> HTMLResponse:
    token = secrets.token_urlsafe(24)
    response = render(
        request,
        "login.html",
        None,
        status=status,
        csrf=token,
        message=message,
        next=_safe_next(next_),
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=_secure(request),
        max_age=3600,
    )
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> HTMLResponse:
    return _login_page(request, next_=next[:200])


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    username: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=256)] = "",
    csrf_token: Annotated[str, Form(max_length=100)] = "",
    next: Annotated[str, Form(max_length=200)] = "/",
) -> Response:
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE)
    if not cookie or not secrets.compare_digest(cookie, csrf_token):
        raise CsrfFailed("表单已失效，请刷新页面后重试（CSRF 校验失败）")
    if not username or not password:
        return _login_page(request, "请输入用户名和密码", 400, next)
    try:
        ticket = context_of(request).auth.login(username, password, client_ip(request))
    except Throttled as exc:
        return _login_page(request, exc.message, 429, next)
    except NotAuthenticated as exc:
        return _login_page(request, exc.message, 401, next)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        ticket.token,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        max_age=int(SESSION_LIFETIME.total_seconds()),
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE)
    return response


@router.post("/logout")
def logout(request: Request, csrf_token: Annotated[str, Form(max_length=100)] = "") -> Response:
    caller = caller_of(request)
    if caller is not None:
        check_csrf(caller, csrf_token)
        token = request.cookies.get(SESSION_COOKIE)
        if token:
            context_of(request).auth.logout(token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response
