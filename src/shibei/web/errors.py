"""Errors a handler raises on purpose; the app turns them into 4xx with Chinese messages."""

from __future__ import annotations

from shibei.errors import ShibeiError


class WebError(ShibeiError):
    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadRequest(WebError):
    status = 400


class NotAuthenticated(WebError):
    status = 401


class Forbidden(WebError):
    status = 403


class NotFound(WebError):
    status = 404


class Throttled(WebError):
    status = 429


class CsrfFailed(WebError):
    status = 403


class LoginRequired(NotAuthenticated):
    """An HTML page asked for without a session: answered with a redirect to /login."""
