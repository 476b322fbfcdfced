"""Anonymous access, login with CSRF, sessions, throttling and API tokens."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from .conftest import PASSWORD, Site, World, make_site

API_ROUTES = [
    "/api/persons?name=张小伟",
    "/api/persons/P0000000001",
    "/api/houses/370203005001001",
    "/api/organizations/O0000000001",
    "/api/exports/persons.xlsx?name=张小伟",
    "/api/divisions/370203",
    "/api/stats/rollups",
    "/api/geo/street",
    "/api/audit",
    "/api/me",
    "/api/accounts",
    "/api/accounts/1/tokens",
    "/api/grid-workers",
    "/api/divisions/370203/trends",
    "/api/exports/divisions/370203005/persons.xlsx",
    "/api/exports/organizations.xlsx?name=示例",
    "/api/exports/quality.xlsx",
    "/api/exports/audit.xlsx",
    "/api/exports/grid-workers.xlsx",
]
PAGES = [
    "/",
    "/dashboard",
    "/search?name=张小伟",
    "/persons/P0000000001",
    "/audit",
    "/export/persons.xlsx?name=张小伟",
    "/divisions/370203",
    "/accounts",
    "/grid-workers",
    "/export/divisions/370203005/persons.xlsx",
    "/export/organizations.xlsx?name=示例",
    "/export/quality.xlsx",
    "/export/audit.xlsx",
    "/export/grid-workers.xlsx",
]


@pytest.mark.parametrize("path", API_ROUTES)
def test_anonymous_api_requests_get_401_and_no_data(site: Site, path: str) -> None:
    answer = site.client().get(path)
    assert answer.status_code == 401
    assert answer.json() == {"detail": "请先登录"}


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_pages_redirect_to_login(site: Site, path: str) -> None:
    answer = site.client().get(path)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/login?next=")


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/accounts", {"username": "x", "role": "district_admin", "password": "p" * 9}),
        ("/api/accounts/1/deactivate", None),
        ("/api/accounts/1/password", {}),
        ("/api/accounts/1/tokens", {}),
    ],
)
def test_anonymous_account_changes_get_401(site: Site, path: str, body: object) -> None:
    answer = site.client().post(path, json=body)
    assert answer.status_code == 401 and answer.json() == {"detail": "请先登录"}


def test_a_bad_token_is_anonymous(site: Site) -> None:
    answer = TestClient(site.app, headers={"Authorization": "Bearer nope"}).get("/api/me")
    assert answer.status_code == 401


def _login(client: TestClient, username: str, password: str, next_: str = "/") -> object:
    form = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token is not None
    return client.post(
        "/login",
        data={
            "username": username,
            "password": password,
            "csrf_token": token.group(1),
            "next": next_,
        },
    )


def test_login_sets_an_httponly_session_cookie_and_opens_the_page(site: Site) -> None:
    client = TestClient(site.app, follow_redirects=False)
    answer = _login(client, "street", PASSWORD, "/search")
    assert answer.status_code == 303 and answer.headers["location"] == "/search"  # type: ignore[attr-defined]
    cookie = answer.headers["set-cookie"]  # type: ignore[attr-defined]
    assert "sb_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert client.get("/search").status_code == 200
    assert client.get("/api/me").json()["role_label"] == "街道干部"


def test_login_refuses_an_offsite_next(site: Site) -> None:
    client = TestClient(site.app, follow_redirects=False)
    answer = _login(client, "street", PASSWORD, "//evil.example/")
    assert answer.headers["location"] == "/"  # type: ignore[attr-defined]


def test_login_form_without_csrf_is_refused(site: Site) -> None:
    client = TestClient(site.app, follow_redirects=False)
    answer = client.post("/login", data={"username": "street", "password": PASSWORD})
    assert answer.status_code == 403
    assert "CSRF" in answer.text


def test_cookie_session_post_needs_the_csrf_token(site: Site) -> None:
    client = TestClient(site.app, follow_redirects=False)
    _login(client, "police", PASSWORD)
    refused = client.post("/api/persons/P0000000001/unmask", json={"reason": "核对身份信息"})
    assert refused.status_code == 403
    page = client.get("/persons/P0000000001")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf is not None
    ok = client.post(
        "/persons/P0000000001/unmask", data={"reason": "核对身份信息", "csrf_token": csrf.group(1)}
    )
    assert ok.status_code == 200 and "370203199001011234" in ok.text


def test_logout_ends_the_session(site: Site) -> None:
    client = TestClient(site.app, follow_redirects=False)
    _login(client, "grid", PASSWORD)
    page = client.get("/divisions/" + "370203005001001")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf is not None
    client.post("/logout", data={"csrf_token": csrf.group(1)})
    assert client.get("/api/me").status_code == 401


def test_wrong_password_answers_401_in_chinese(site: Site) -> None:
    client = TestClient(site.app, follow_redirects=False)
    answer = _login(client, "mediator", "wrong-password")
    assert answer.status_code == 401  # type: ignore[attr-defined]
    assert "用户名或密码错误" in answer.text  # type: ignore[attr-defined]


def test_api_token_by_password(site: Site) -> None:
    client = TestClient(site.app)
    answer = client.post("/api/tokens", json={"username": "brigade", "password": PASSWORD})
    assert answer.status_code == 200
    token = answer.json()["token"]
    me = client.get("/api/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["role"] == "population_brigade"


def test_login_is_throttled_after_repeated_failures(world: World, tmp_path: object) -> None:
    fresh = make_site(world, f"sqlite:///{tmp_path}/throttle.db")
    client = TestClient(fresh.app)
    for _ in range(5):
        bad = client.post("/api/tokens", json={"username": "admin", "password": "x" * 9})
        assert bad.status_code == 401
    blocked = client.post("/api/tokens", json={"username": "admin", "password": PASSWORD})
    assert blocked.status_code == 429
    assert blocked.json() == {"detail": "登录失败次数过多，请 15 分钟后再试"}
    other = client.post("/api/tokens", json={"username": "street", "password": PASSWORD})
    assert other.status_code == 200
    fresh.store.engine.dispose()


def test_security_headers_are_set(site: Site) -> None:
    answer = site.client().get("/login")
    assert answer.headers["x-frame-options"] == "DENY"
    assert "default-src 'self'" in answer.headers["content-security-policy"]
