"""Lists as Excel (a division's residents, organizations, data quality, audit log, the
grid-worker roster), the grid-worker roster import, and the dashboard's trends: every
route scoped (no cross-street or cross-grid read), masked like its page, audited."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook, load_workbook

from shibei.standardize.id_number import id_number_check_char
from shibei.web.imports import GRID_WORKER_HEADERS
from shibei.web.trends import build_trends

from .conftest import PASSWORD, Site, World, make_site

SELF, HOUSEMATE, OTHER_GRID, OTHER_STREET, MIGRANT = (
    "P0000000001",
    "P0000000002",
    "P0000000003",
    "P0000000004",
    "P0000000005",
)


class FakeTrends:
    """Counts per grid, summed by prefix like the DuckDB reader."""

    def __init__(self, rows: dict[str, list[tuple[str, str, int]]]) -> None:
        self.rows = rows

    def trends(self, within: str) -> list[tuple[str, str, int]]:
        totals: dict[tuple[str, str], int] = {}
        for grid, rows in self.rows.items():
            if grid.startswith(within):
                for series, month, n in rows:
                    totals[(series, month)] = totals.get((series, month), 0) + n
        return [(s, m, n) for (s, m), n in sorted(totals.items())]


@pytest.fixture(scope="module")
def xsite(world: World, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    root: Path = tmp_path_factory.mktemp("exports")
    s = make_site(world, f"sqlite:///{root / 'app.db'}")
    quality = root / "quality"
    quality.mkdir()
    (quality / "company_registry.json").write_text(
        json.dumps(
            {
                "source": "company_registry",
                "title": "市场主体登记信息",
                "department": "青岛市市场监督管理局",
                "level": "city",
                "rows": {"in": 200, "clean": 190, "quarantined": 10, "duplicate": 3},
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    s.ctx.quality_dir = quality
    s.ctx.trends = FakeTrends(
        {
            world.grid: [
                ("incidents", "2025-11", 3),
                ("migrant_registrations", "2025-10", 2),
                ("hukou_registrations", "2020-05", 4),
                ("org_registrations", "2024-02", 1),
            ],
            world.other_street + "001001": [("incidents", "2025-12", 7)],
        }
    )
    yield s
    s.store.engine.dispose()


def _sheet(body: bytes) -> tuple[list[str], list[list[str]]]:
    sheet = load_workbook(io.BytesIO(body)).active
    rows = [[str(c.value or "") for c in row] for row in sheet.iter_rows()]
    return rows[0], rows[1:]


def _last_audit(site: Site, **filters: str) -> dict[str, str]:
    entries = site.client("admin").get("/api/audit", params=filters).json()["entries"]
    assert entries, filters
    return entries[0]  # type: ignore[no-any-return]


def _xlsx(headers: tuple[str, ...], rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# A division's residents -------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["/api/exports", "/export"])
@pytest.mark.parametrize(
    ("account", "level", "expected"),
    [
        ("admin", "other_street", {OTHER_STREET}),
        ("street", "street", {SELF, HOUSEMATE, OTHER_GRID, MIGRANT}),
        ("street", "other_street", None),
        ("street2", "street", None),
        ("community", "grid", {SELF, HOUSEMATE, MIGRANT}),
        ("community", "other_street", None),
        ("police", "community", {SELF, HOUSEMATE, OTHER_GRID, MIGRANT}),
        ("brigade", "other_street", {OTHER_STREET}),
    ],
)
def test_division_residents_export_stays_in_scope_and_is_masked(
    xsite: Site,
    world: World,
    prefix: str,
    account: str,
    level: str,
    expected: set[str] | None,
) -> None:
    code = {
        "street": world.street,
        "other_street": world.other_street,
        "community": world.community,
        "grid": world.grid,
    }[level]
    answer = xsite.client(account).get(f"{prefix}/divisions/{code}/persons.xlsx")
    if expected is None:
        assert answer.status_code == 404
        assert _last_audit(xsite, account=account, action="export")["result"] == "denied"
        return
    assert answer.status_code == 200
    headers, rows = _sheet(answer.content)
    assert headers[:4] == ["人员编号", "姓名", "公民身份号码", "联系电话"]
    assert {r[0] for r in rows} == expected
    assert all("********" in r[2] and "****" in r[3] for r in rows)
    entry = _last_audit(xsite, account=account, action="export")
    assert entry["result"] == f"ok:{len(expected)}" and code in entry["target"]


@pytest.mark.parametrize("account", ["grid", "mediator", "chamber", "resident"])
def test_roles_without_export_or_search_get_no_resident_list(
    xsite: Site, world: World, account: str
) -> None:
    code = world.grid
    answer = xsite.client(account).get(f"/api/exports/divisions/{code}/persons.xlsx")
    assert answer.status_code in (403, 404)
    assert "detail" in answer.json()


def test_chamber_liaisons_organization_export_carries_no_persons(xsite: Site) -> None:
    # the chamber liaison exports organizations only; none of its lists carries persons
    orgs = xsite.client("chamber").get("/api/exports/organizations.xlsx", params={"name": "示例"})
    headers, rows = _sheet(orgs.content)
    assert "姓名" not in headers and [r[0] for r in rows] == ["O0000000001"]


def test_division_page_links_its_export(xsite: Site, world: World) -> None:
    page = xsite.client("street").get(f"/divisions/{world.community}")
    assert f"/export/divisions/{world.community}/persons.xlsx" in page.text
    grid_page = xsite.client("grid").get(f"/divisions/{world.grid}")
    assert "/persons.xlsx" not in grid_page.text  # grid workers may not export


# Organizations, quality, audit ------------------------------------------------------


@pytest.mark.parametrize(
    ("account", "expected"),
    [("admin", ["O0000000001", "O0000000002"]), ("chamber", ["O0000000001"]),
     ("street2", ["O0000000002"])],
)  # fmt: skip
def test_organization_export_is_scoped(xsite: Site, account: str, expected: list[str]) -> None:
    for path in ("/api/exports/organizations.xlsx", "/export/organizations.xlsx"):
        answer = xsite.client(account).get(path, params={"name": "示例"})
        headers, rows = _sheet(answer.content)
        assert headers[:3] == ["单位编号", "单位名称", "统一社会信用代码"]
        assert sorted(r[0] for r in rows) == expected
    entry = _last_audit(xsite, account=account, action="export")
    assert entry["target"].startswith("单位查询结果 名称=示例")


def test_grid_workers_may_not_export_organizations(xsite: Site) -> None:
    answer = xsite.client("grid").get("/api/exports/organizations.xlsx", params={"name": "示例"})
    assert answer.status_code == 403 and answer.json() == {"detail": "您的角色无权导出"}


@pytest.mark.parametrize(("account", "status"), [("admin", 200), ("brigade", 200),
                                                 ("street", 403), ("police", 403)])  # fmt: skip
def test_quality_report_exports_for_those_who_see_it(
    xsite: Site, account: str, status: int
) -> None:
    for path in ("/api/exports/quality.xlsx", "/export/quality.xlsx"):
        answer = xsite.client(account).get(path)
        assert answer.status_code == status
    if status == 200:
        headers, rows = _sheet(answer.content)
        assert headers == ["数据", "部门", "层级", "行数", "合格", "隔离", "重复", "合格率"]
        assert rows == [
            ["市场主体登记信息", "青岛市市场监督管理局", "city", "200", "190", "10", "3", "95.0%"]
        ]
        assert "/export/quality.xlsx" in xsite.client(account).get("/quality").text
    assert _last_audit(xsite, account=account, action="export")["target"] == "数据质量报告"


def test_audit_log_exports_for_the_admin_only(xsite: Site) -> None:
    xsite.client("street").get(f"/api/persons/{SELF}")
    answer = xsite.client("admin").get(
        "/api/exports/audit.xlsx", params={"account": "street", "action": "person.view"}
    )
    headers, rows = _sheet(answer.content)
    assert headers[:3] == ["序号", "时间（UTC）", "账号"] and headers[-1] == "哈希"
    assert rows and all(r[2] == "street" and r[5] == "person.view" for r in rows)
    assert rows[0][6] == SELF
    for account in ("street", "brigade", "police"):
        assert xsite.client(account).get("/api/exports/audit.xlsx").status_code == 403
        assert xsite.client(account).get("/export/audit.xlsx").status_code == 403
    assert _last_audit(xsite, account="admin", action="export")["target"].startswith("审计日志")


# The grid-worker roster -----------------------------------------------------------------


def _id(first17: str) -> str:
    return first17 + id_number_check_char(first17)


MAN, WOMAN = _id("37020319880101123"), _id("37020319900202122")


def _other_grid(world: World) -> str:
    return next(g.code for g in world.gazetteer.grids if g.code.startswith(world.other_street))


def _roster(world: World) -> list[list[object]]:
    address = world.gazetteer.address(world.houses["h1"]).text
    return [
        [world.grid, "王网格", "男", MAN, "13900001111", address, "2024-03-01"],
        [_other_grid(world), "外街员", "女", WOMAN, "13900002222", "", "2023-05-06"],
    ]


def test_grid_worker_import_checks_every_row_and_imports_nothing_on_error(
    xsite: Site, world: World
) -> None:
    rows = _roster(world)
    grid_other = _other_grid(world)
    bad_checksum = MAN[:-1] + ("0" if MAN[-1] != "0" else "1")
    bad = [
        ["999999999999999", "张三", "男", _id("37020319700101101"), "13900003333", "", ""],
        [world.grid, "李四", "男", bad_checksum, "12345", "", "2024-13-40"],
        [world.grid, "赵五", "女", _id("37020319750505102"), "13900004444", "火星某地", ""],
    ]
    files = {"file": ("roster.xlsx", _xlsx(GRID_WORKER_HEADERS, rows + bad), "x/y")}
    admin = xsite.client("admin")
    first = admin.post("/api/imports/grid-workers", files=files)
    assert first.status_code == 200, first.text
    result = first.json()
    assert result["imported"] == 0 and result["valid_rows"] == 2
    errors = {e["row"]: e["error"] for e in result["errors"]}
    assert sorted(errors) == [4, 5, 6]
    assert "网格编码“999999999999999”不存在" in errors[4]
    assert "公民身份号码无效（校验位错误）" in errors[5]
    assert "联系电话应为 11 位手机号" in errors[5] and "上岗日期" in errors[5]
    assert "居住地址无法匹配到标准地址" in errors[6]
    assert admin.get("/api/grid-workers").json() == []
    assert _last_audit(xsite, action="import.grid_workers")["result"] == "rejected"
    second = admin.post("/api/imports/grid-workers", files=files, data={"only_valid": "true"})
    assert second.json()["imported"] == 2
    listed = admin.get("/api/grid-workers").json()
    assert sorted(w["grid_code"] for w in listed) == sorted([world.grid, grid_other])
    mine = next(w for w in listed if w["grid_code"] == world.grid)
    assert (mine["id_number"], mine["phone"], mine["sex"]) == (
        "370203********" + MAN[-4:],
        "139****1111",
        "男",
    )
    assert _last_audit(xsite, action="import.grid_workers")["result"] == "ok:2"


@pytest.mark.parametrize("account", ["street", "community", "police", "brigade", "chamber"])
def test_only_the_admin_imports_the_roster(xsite: Site, world: World, account: str) -> None:
    files = {"file": ("r.xlsx", _xlsx(GRID_WORKER_HEADERS, _roster(world)), "x/y")}
    answer = xsite.client(account).post("/api/imports/grid-workers", files=files)
    assert answer.status_code == 403


def test_the_roster_is_scoped_masked_and_exported(xsite: Site, world: World) -> None:
    files = {"file": ("r.xlsx", _xlsx(GRID_WORKER_HEADERS, _roster(world)), "x/y")}
    assert xsite.client("admin").post("/api/imports/grid-workers", files=files).status_code == 200
    street = xsite.client("street")
    assert [w["name"] for w in street.get("/api/grid-workers").json()] == ["王网格"]
    assert [w["name"] for w in xsite.client("street2").get("/api/grid-workers").json()] == [
        "外街员"
    ]
    assert xsite.client("grid").get("/api/grid-workers").json()[0]["grid_code"] == world.grid
    assert street.get("/api/grid-workers", params={"within": world.other_street}).json() == []
    for path in ("/api/exports/grid-workers.xlsx", "/export/grid-workers.xlsx"):
        headers, rows = _sheet(street.get(path).content)
        assert headers[:3] == ["网格编码", "网格", "姓名"]
        assert [(r[2], r[4], r[5]) for r in rows] == [
            ("王网格", "370203********" + MAN[-4:], "139****1111")
        ]
    page = street.get("/grid-workers")
    assert "王网格" in page.text and "外街员" not in page.text and "13900001111" not in page.text
    assert xsite.client("grid").get("/api/exports/grid-workers.xlsx").status_code == 403
    assert xsite.client("chamber").get("/api/grid-workers").status_code == 403
    assert _last_audit(xsite, account="street", action="export")["target"] == "网格员花名册"


def test_roster_import_page_with_csrf(xsite: Site, world: World) -> None:
    client = TestClient(xsite.app, follow_redirects=False)
    form = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token is not None
    client.post(
        "/login", data={"username": "admin", "password": PASSWORD, "csrf_token": token.group(1)}
    )
    files = {"file": ("r.xlsx", _xlsx(GRID_WORKER_HEADERS, _roster(world)), "x/y")}
    refused = client.post("/accounts/import", data={"kind": "grid_workers"}, files=files)
    assert refused.status_code == 403
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/accounts").text)
    assert csrf is not None
    ok = client.post(
        "/accounts/import",
        data={"kind": "grid_workers", "csrf_token": csrf.group(1)},
        files=files,
    )
    assert ok.status_code == 200 and "已导入 2 个网格员" in ok.text


# Trends -----------------------------------------------------------------------------


def test_trends_sum_the_divisions_within(xsite: Site, world: World) -> None:
    admin = xsite.client("admin").get("/api/divisions/370203/trends").json()
    incidents = next(s for s in admin["monthly"] if s["key"] == "incidents")
    assert admin["months"][-1] == "2025-12" and len(admin["months"]) == 24
    assert incidents["values"][-2:] == [3, 7]
    street = xsite.client("street").get(f"/api/divisions/{world.street}/trends").json()
    incidents = next(s for s in street["monthly"] if s["key"] == "incidents")
    assert incidents["values"][-2:] == [3, 0]


@pytest.mark.parametrize(
    ("account", "level", "status"),
    [
        ("street", "street", 200),
        ("street", "other_street", 404),
        ("grid", "grid", 200),
        ("grid", "other_grid", 404),
        ("community", "other_street", 404),
        ("mediator", "street", 200),
        ("resident", "street", 404),
    ],
)
def test_trends_are_scoped_like_the_figures(
    xsite: Site, world: World, account: str, level: str, status: int
) -> None:
    code = {
        "street": world.street,
        "other_street": world.other_street,
        "grid": world.grid,
        "other_grid": world.other_grid,
    }[level]
    answer = xsite.client(account).get(f"/api/divisions/{code}/trends")
    assert answer.status_code == status
    if status == 404:
        assert answer.json() == {"detail": "未找到该记录，或您无权查看"}


def test_dashboard_and_division_pages_carry_the_trend_charts(xsite: Site, world: World) -> None:
    dashboard = xsite.client("admin").get("/dashboard")
    assert 'id="trends"' in dashboard.text and "/static/trends.js" in dashboard.text
    division = xsite.client("street").get(f"/divisions/{world.community}")
    assert f'data-code="{world.community}"' in division.text


def test_yearly_trends_accumulate_population_and_organizations() -> None:
    trends = build_trends(
        "370203",
        "市北区",
        [
            ("hukou_registrations", "2010-01", 5),
            ("hukou_registrations", "2020-03", 2),
            ("org_registrations", "2024-05", 3),
            ("org_deregistrations", "2025-02", 1),
            ("incidents", "2025-12", 1),
        ],
    )
    assert trends.years == [str(y) for y in range(2016, 2026)]
    yearly = {s.key: s.values for s in trends.yearly}
    assert yearly["hukou_population"] == [5, 5, 5, 5, 7, 7, 7, 7, 7, 7]
    assert yearly["organizations"][-2:] == [3, 2]
    assert yearly["org_deregistrations"][-1] == 1
