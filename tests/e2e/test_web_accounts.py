"""Account management by the district admin: list, create (unit checked against the
gazetteer for the role), deactivate, reset password, change role and unit, API tokens;
bulk account import with a per-row report. Every change is audited and CSRF-checked."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook

from shibei.web.imports import ACCOUNT_HEADERS

from .conftest import PASSWORD, Site, World, make_site

OTHERS = ["street", "community", "grid", "police", "brigade", "mediator", "chamber", "resident"]


@pytest.fixture(scope="module")
def admin_site(world: World, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    path: Path = tmp_path_factory.mktemp("accounts") / "app.db"
    s = make_site(world, f"sqlite:///{path}")
    yield s
    s.store.engine.dispose()


def _id_of(site: Site, username: str) -> int:
    account = site.store.account_by_username(username)
    assert account is not None
    return account.id


def _last_audit(site: Site, **filters: str) -> dict[str, str]:
    entries = site.client("admin").get("/api/audit", params=filters).json()["entries"]
    assert entries, filters
    return entries[0]  # type: ignore[no-any-return]


def _login(site: Site, username: str, password: str) -> TestClient:
    client = TestClient(site.app, follow_redirects=False)
    form = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token is not None
    client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token.group(1)},
    )
    return client


def _csrf(client: TestClient, path: str = "/accounts") -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert found is not None
    return found.group(1)


def _xlsx(headers: tuple[str, ...], rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_admin_lists_accounts_on_the_api_and_the_page(admin_site: Site) -> None:
    client = admin_site.client("admin")
    accounts = client.get("/api/accounts").json()
    assert {"admin", "street", "resident"} <= {a["username"] for a in accounts}
    street = next(a for a in accounts if a["username"] == "street")
    assert (street["role_label"], street["active"]) == ("街道干部", True)
    page = client.get("/accounts")
    assert (
        page.status_code == 200
        and "账号管理" in page.text
        and 'data-username="street"' in page.text
    )


@pytest.mark.parametrize("account", OTHERS)
def test_only_the_district_admin_manages_accounts(admin_site: Site, account: str) -> None:
    client = admin_site.client(account)
    assert client.get("/api/accounts").status_code == 403
    assert client.get("/accounts").status_code == 403
    created = client.post(
        "/api/accounts",
        json={"username": f"x-{account}", "role": "district_admin", "password": "p" * 10},
    )
    assert created.status_code == 403
    assert created.json() == {"detail": "只有区级管理员可以管理账号"}
    assert admin_site.store.account_by_username(f"x-{account}") is None
    assert _last_audit(admin_site, account=account, action="account.create")["result"] == "denied"


@pytest.mark.parametrize(
    ("role", "unit", "ok"),
    [
        ("street_staff", "street", True),
        ("street_staff", "community", False),
        ("community_worker", "community", True),
        ("community_worker", "grid", False),
        ("grid_worker", "grid", True),
        ("grid_worker", "999999999999999", False),
        ("station_police", "station", True),
        ("station_police", "street", False),
        ("mediator", "street", True),
    ],
)
def test_a_new_accounts_unit_must_fit_its_role(
    admin_site: Site, world: World, role: str, unit: str, ok: bool
) -> None:
    code = {
        "street": world.street,
        "community": world.community,
        "grid": world.grid,
        "station": world.station,
    }.get(unit, unit)
    username = f"new-{role}-{unit}"[:60]
    answer = admin_site.client("admin").post(
        "/api/accounts",
        json={"username": username, "role": role, "unit_code": code, "password": "s3cret-pass"},
    )
    if ok:
        assert answer.status_code == 201
        assert answer.json()["unit_code"] == code
        entry = _last_audit(admin_site, action="account.create")
        assert (entry["target"], entry["result"]) == (username, "ok")
    else:
        assert answer.status_code == 400
        wrong = "不存在" if unit.startswith("9") else "不是"
        assert answer.json()["detail"].startswith(f"单位代码“{code}”{wrong}")
        assert admin_site.store.account_by_username(username) is None


def test_a_resident_account_needs_a_person_of_the_foundation(admin_site: Site) -> None:
    client = admin_site.client("admin")
    bad = client.post(
        "/api/accounts",
        json={"username": "r-bad", "role": "resident", "person_id": "P9", "password": "p" * 9},
    )
    assert bad.status_code == 400 and "人员编号" in bad.json()["detail"]
    good = client.post(
        "/api/accounts",
        json={
            "username": "r-good",
            "role": "resident",
            "person_id": "P0000000002",
            "password": "p" * 9,
        },
    )
    assert good.status_code == 201 and good.json()["unit_code"] == ""


def test_deactivating_an_account_ends_its_sessions_and_tokens(admin_site: Site) -> None:
    admin = admin_site.client("admin")
    admin.post(
        "/api/accounts",
        json={
            "username": "leaver",
            "role": "district_admin",
            "unit_code": "370203",
            "password": "leaver-pass",
        },
    )
    leaver = _login(admin_site, "leaver", "leaver-pass")
    assert leaver.get("/api/me").status_code == 200
    token = admin.post(f"/api/accounts/{_id_of(admin_site, 'leaver')}/tokens", json={}).json()
    assert (
        TestClient(admin_site.app)
        .get("/api/me", headers={"Authorization": f"Bearer {token['secret']}"})
        .status_code
        == 200
    )
    off = admin.post(f"/api/accounts/{_id_of(admin_site, 'leaver')}/deactivate")
    assert off.status_code == 200 and off.json()["active"] is False
    assert leaver.get("/api/me").status_code == 401
    assert (
        TestClient(admin_site.app)
        .get("/api/me", headers={"Authorization": f"Bearer {token['secret']}"})
        .status_code
        == 401
    )
    assert _login(admin_site, "leaver", "leaver-pass").get("/api/me").status_code == 401
    assert _last_audit(admin_site, action="account.deactivate")["target"] == "leaver"
    on = admin.post(f"/api/accounts/{_id_of(admin_site, 'leaver')}/activate")
    assert on.json()["active"] is True


def test_the_admin_cannot_deactivate_or_demote_themself(admin_site: Site) -> None:
    admin = admin_site.client("admin")
    me = _id_of(admin_site, "admin")
    answer = admin.post(f"/api/accounts/{me}/deactivate")
    assert answer.status_code == 400 and answer.json() == {"detail": "不能停用自己的账号"}
    demote = admin.post(
        f"/api/accounts/{me}/role", json={"role": "street_staff", "unit_code": "370203005"}
    )
    assert demote.status_code == 400


def test_reset_password_gives_a_new_password_once_and_ends_sessions(admin_site: Site) -> None:
    admin = admin_site.client("admin")
    admin.post(
        "/api/accounts",
        json={
            "username": "forgetful",
            "role": "district_admin",
            "unit_code": "370203",
            "password": "first-pass",
        },
    )
    session = _login(admin_site, "forgetful", "first-pass")
    assert session.get("/api/me").status_code == 200
    answer = admin.post(f"/api/accounts/{_id_of(admin_site, 'forgetful')}/password", json={})
    assert answer.status_code == 200
    secret = answer.json()["secret"]
    assert len(secret) >= 8
    assert session.get("/api/me").status_code == 401
    assert _login(admin_site, "forgetful", "first-pass").get("/api/me").status_code == 401
    assert _login(admin_site, "forgetful", secret).get("/api/me").status_code == 200
    entry = _last_audit(admin_site, action="account.password_reset")
    assert entry["target"] == "forgetful" and secret not in str(entry)


def test_changing_role_and_unit_changes_what_the_account_sees(
    admin_site: Site, world: World
) -> None:
    admin = admin_site.client("admin")
    admin.post(
        "/api/accounts",
        json={
            "username": "mover",
            "role": "street_staff",
            "unit_code": world.street,
            "password": "mover-pass",
        },
    )
    token = admin.post(f"/api/accounts/{_id_of(admin_site, 'mover')}/tokens", json={})
    mover = TestClient(
        admin_site.app, headers={"Authorization": f"Bearer {token.json()['secret']}"}
    )
    assert mover.get("/api/persons/P0000000001").status_code == 200
    assert mover.get("/api/persons/P0000000004").status_code == 404
    bad = admin.post(
        f"/api/accounts/{_id_of(admin_site, 'mover')}/role",
        json={"role": "street_staff", "unit_code": world.grid},
    )
    assert bad.status_code == 400
    moved = admin.post(
        f"/api/accounts/{_id_of(admin_site, 'mover')}/role",
        json={"role": "street_staff", "unit_code": world.other_street},
    )
    assert moved.status_code == 200 and moved.json()["unit_code"] == world.other_street
    assert mover.get("/api/persons/P0000000001").status_code == 404
    assert mover.get("/api/persons/P0000000004").status_code == 200
    entry = _last_audit(admin_site, action="account.update")
    assert entry["reason"] == (f"street_staff {world.street} → street_staff {world.other_street}")


def test_api_tokens_are_listed_and_revoked(admin_site: Site) -> None:
    admin = admin_site.client("admin")
    street = _id_of(admin_site, "street")
    issued = admin.post(f"/api/accounts/{street}/tokens", json={"name": "对接系统"})
    assert issued.status_code == 201
    secret = issued.json()["secret"]
    listed = admin.get(f"/api/accounts/{street}/tokens").json()
    mine = next(t for t in listed if t["name"] == "对接系统")
    assert mine["revoked"] is False and "secret" not in mine
    client = TestClient(admin_site.app, headers={"Authorization": f"Bearer {secret}"})
    assert client.get("/api/me").json()["username"] == "street"
    assert admin.delete(f"/api/accounts/{street}/tokens/{mine['id']}").status_code == 204
    assert client.get("/api/me").status_code == 401
    again = admin.delete(f"/api/accounts/{street}/tokens/{mine['id']}")
    assert again.status_code == 404 and again.json() == {"detail": "令牌不存在或已吊销"}
    assert _last_audit(admin_site, action="token.revoke")["reason"] == str(mine["id"])


def test_account_forms_need_the_csrf_token(admin_site: Site) -> None:
    client = _login(admin_site, "admin", PASSWORD)
    form = {"username": "via-form", "role": "mediator", "unit_code": "370203005"}
    refused = client.post("/accounts", data={**form, "password": "form-pass-1"})
    assert refused.status_code == 403 and admin_site.store.account_by_username("via-form") is None
    api_refused = client.post(
        "/api/accounts",
        json={"username": "via-api", "role": "district_admin", "password": "api-pass-1"},
    )
    assert api_refused.status_code == 403
    csrf = _csrf(client)
    made = client.post("/accounts", data={**form, "password": "form-pass-1", "csrf_token": csrf})
    assert made.status_code == 200 and "已创建账号 via-form" in made.text
    bad_unit = client.post(
        "/accounts",
        data={**form, "username": "via-form-2", "unit_code": "1", "csrf_token": csrf,
              "password": "form-pass-1"},
    )  # fmt: skip
    assert bad_unit.status_code == 400 and "单位代码“1”不存在" in bad_unit.text
    target = _id_of(admin_site, "via-form")
    reset = client.post(f"/accounts/{target}/password", data={"csrf_token": csrf})
    shown = re.search(r'<code id="secret" class="mono">([^<]+)</code>', reset.text)
    assert shown is not None
    assert _login(admin_site, "via-form", shown.group(1)).get("/api/me").status_code == 200
    off = client.post(f"/accounts/{target}/active", data={"active": "0", "csrf_token": csrf})
    assert off.status_code == 200 and "已停用" in off.text


def test_account_import_is_all_or_nothing_unless_valid_rows_are_asked(
    admin_site: Site, world: World
) -> None:
    rows: list[list[object]] = [
        ["imp-a", "甲", "街道干部", world.street, "", "import-pass-1"],
        ["imp-b", "乙", "网格员", world.community, "", "import-pass-2"],  # not a grid
        ["imp-c", "丙", "巡逻员", world.street, "", "import-pass-3"],  # no such role
        ["imp-d", "丁", "社区工作者", world.community, "", "short"],
    ]
    body = _xlsx(ACCOUNT_HEADERS, rows)
    admin = admin_site.client("admin")
    files = {"file": ("accounts.xlsx", body, "application/octet-stream")}
    first = admin.post("/api/imports/accounts", files=files)
    assert first.status_code == 200
    assert first.json()["imported"] == 0 and first.json()["valid_rows"] == 1
    assert [e["row"] for e in first.json()["errors"]] == [3, 4, 5]
    assert "不是网格" in first.json()["errors"][0]["error"]
    assert "角色“巡逻员”不存在" in first.json()["errors"][1]["error"]
    assert "初始密码至少 8 位" in first.json()["errors"][2]["error"]
    assert admin_site.store.account_by_username("imp-a") is None
    assert _last_audit(admin_site, action="import.accounts")["result"] == "rejected"
    second = admin.post("/api/imports/accounts", files=files, data={"only_valid": "true"})
    assert second.json()["imported"] == 1
    assert admin_site.store.account_by_username("imp-a") is not None
    assert admin_site.store.account_by_username("imp-b") is None
    assert _last_audit(admin_site, action="import.accounts")["result"] == "ok:1"


def test_account_import_page_shows_the_row_report(admin_site: Site, world: World) -> None:
    client = _login(admin_site, "admin", PASSWORD)
    body = _xlsx(
        ACCOUNT_HEADERS,
        [
            ["page-a", "甲", "街道干部", world.street, "", "import-pass-1"],
            ["page-b", "乙", "街道干部", "", "", "import-pass-2"],
        ],
    )
    answer = client.post(
        "/accounts/import",
        data={"kind": "accounts", "csrf_token": _csrf(client)},
        files={"file": ("a.xlsx", body, "application/octet-stream")},
    )
    assert answer.status_code == 400
    assert 'id="import-errors"' in answer.text and "未导入任何账号" in answer.text
    assert admin_site.store.account_by_username("page-a") is None


@pytest.mark.parametrize(
    "body",
    [b"not a workbook", _xlsx(("姓名", "角色"), [["甲", "街道干部"]])],
)
def test_a_file_that_is_not_the_template_is_refused_in_chinese(
    admin_site: Site, body: bytes
) -> None:
    answer = admin_site.client("admin").post(
        "/api/imports/accounts", files={"file": ("x.xlsx", body, "application/octet-stream")}
    )
    assert answer.status_code == 400
    assert answer.json()["detail"] in (
        "无法读取 Excel 文件（请上传 .xlsx 格式）",
        "表头应为：" + "、".join(ACCOUNT_HEADERS),
    )
