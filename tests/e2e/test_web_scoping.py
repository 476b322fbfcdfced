"""No cross-street or cross-grid read succeeds through any page or API route, search
results and exports included; what is in scope is shown, masked."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from .conftest import Site, World

SELF, HOUSEMATE, OTHER_GRID, OTHER_STREET, MIGRANT = (
    "P0000000001",
    "P0000000002",
    "P0000000003",
    "P0000000004",
    "P0000000005",
)

PERSON_ACCESS = [
    # (account, person, visible)
    ("admin", OTHER_STREET, True),
    ("street", SELF, True),
    ("street", OTHER_GRID, True),
    ("street", OTHER_STREET, False),
    ("street2", OTHER_STREET, True),
    ("street2", SELF, False),
    ("community", OTHER_GRID, True),
    ("community", OTHER_STREET, False),
    ("grid", SELF, True),
    ("grid", OTHER_GRID, False),
    ("grid", OTHER_STREET, False),
    ("police", SELF, True),
    ("police", OTHER_STREET, False),
    ("brigade", OTHER_STREET, True),
    ("mediator", SELF, True),
    ("mediator", OTHER_STREET, False),
    ("chamber", SELF, False),
    ("resident", SELF, True),
    ("resident", HOUSEMATE, False),
]


@pytest.mark.parametrize(("account", "person", "visible"), PERSON_ACCESS)
def test_person_api_and_page_follow_scope(
    site: Site, account: str, person: str, visible: bool
) -> None:
    client = site.client(account)
    api = client.get(f"/api/persons/{person}")
    page = client.get(f"/persons/{person}")
    if visible:
        assert api.status_code == 200 and api.json()["person_id"] == person
        assert page.status_code == 200
    else:
        assert api.status_code == 404
        assert api.json() == {"detail": "未找到该记录，或您无权查看"}
        assert page.status_code == 404
        assert person not in page.text


@pytest.mark.parametrize(
    ("account", "expected"),
    [
        ("admin", {SELF, HOUSEMATE, OTHER_STREET}),
        ("street", {SELF, HOUSEMATE}),
        ("street2", {OTHER_STREET}),
        ("grid", {SELF, HOUSEMATE}),
        ("police", {SELF, HOUSEMATE}),
        ("brigade", {SELF, HOUSEMATE, OTHER_STREET}),
    ],
)
def test_search_results_stay_in_scope(site: Site, account: str, expected: set[str]) -> None:
    found = site.client(account).get("/api/persons", params={"name": "张小伟"})
    assert found.status_code == 200
    assert {p["person_id"] for p in found.json()} == expected


@pytest.mark.parametrize("account", ["mediator", "chamber", "resident"])
def test_roles_without_search_are_refused(site: Site, account: str) -> None:
    answer = site.client(account).get("/api/persons", params={"name": "张小伟"})
    assert answer.status_code == 403
    assert answer.json() == {"detail": "您的角色无权查询人员"}


def test_grid_worker_search_by_address_does_not_reach_the_neighbouring_grid(site: Site) -> None:
    found = site.client("grid").get("/api/persons", params={"name": "李娜"})
    assert found.json() == []
    assert [
        p["person_id"]
        for p in site.client("community").get("/api/persons", params={"name": "李娜"}).json()
    ] == [OTHER_GRID]


def test_search_page_shows_only_scoped_rows(site: Site) -> None:
    page = site.client("street").get("/search", params={"name": "张小伟"})
    assert page.status_code == 200
    assert f"/persons/{SELF}" in page.text and f"/persons/{OTHER_STREET}" not in page.text


def test_htmx_search_returns_the_results_fragment(site: Site) -> None:
    page = site.client("street").get(
        "/search", params={"name": "张小伟"}, headers={"HX-Request": "true"}
    )
    assert page.text.lstrip().startswith('<div id="results">')


def _export_ids(body: bytes) -> tuple[list[str], list[list[str]]]:
    sheet = load_workbook(io.BytesIO(body)).active
    rows = [[str(c.value or "") for c in row] for row in sheet.iter_rows()]
    return rows[0], rows[1:]


@pytest.mark.parametrize("path", ["/api/exports/persons.xlsx", "/export/persons.xlsx"])
def test_export_is_scoped_and_masked_like_the_page(site: Site, path: str) -> None:
    answer = site.client("street").get(path, params={"name": "张小伟"})
    assert answer.status_code == 200
    headers, rows = _export_ids(answer.content)
    assert headers == [
        "人员编号",
        "姓名",
        "公民身份号码",
        "联系电话",
        "居住地址",
        "网格",
        "流动人口",
    ]
    assert sorted(r[0] for r in rows) == [SELF, HOUSEMATE]
    assert {r[2] for r in rows} == {"370203********1234", "370203********1235"}
    assert {r[3] for r in rows} == {"138****5678", "139****5679"}


def test_grid_workers_may_not_export(site: Site) -> None:
    answer = site.client("grid").get("/api/exports/persons.xlsx", params={"name": "张小伟"})
    assert answer.status_code == 403


def test_house_of_another_street_is_not_shown(site: Site, world: World) -> None:
    client = site.client("street")
    assert client.get(f"/api/houses/{world.houses['h1']}").status_code == 200
    assert client.get(f"/api/houses/{world.houses['h2']}").status_code == 404
    assert client.get(f"/houses/{world.houses['h2']}").status_code == 404


def test_resident_sees_own_house_but_housemates_masked(site: Site, world: World) -> None:
    house = site.client("resident").get(f"/api/houses/{world.houses['h1']}").json()
    labels = {r["other_label"] for r in house["relations"]}
    assert "张晓伟" not in labels and "张*伟" not in labels  # the housemate stays hidden
    assert "（无权查看）" in labels and "张小伟" in labels
    assert site.client("resident").get(f"/api/houses/{world.houses['h1b']}").status_code == 404


def test_organizations_are_scoped(site: Site) -> None:
    chamber = site.client("chamber")
    assert chamber.get("/api/organizations/O0000000001").status_code == 200
    assert chamber.get("/api/organizations/O0000000002").status_code == 404
    found = chamber.get("/api/organizations", params={"name": "示例"}).json()
    assert [o["org_id"] for o in found] == ["O0000000001"]


def test_divisions_and_rollups_are_scoped(site: Site, world: World) -> None:
    street = site.client("street")
    assert street.get(f"/api/divisions/{world.street}").status_code == 200
    assert street.get(f"/api/divisions/{world.other_street}").status_code == 404
    assert street.get(f"/divisions/{world.other_street}").status_code == 404
    rollups = street.get("/api/stats/rollups", params={"level": "street"}).json()
    assert [r["code"] for r in rollups] == [world.street]
    communities = street.get(
        "/api/stats/rollups", params={"level": "community", "within": world.other_street}
    ).json()
    assert communities == []
    geo = street.get("/api/geo/community").json()
    assert {f["properties"]["code"][:9] for f in geo["features"]} == {world.street}


def test_grid_page_lists_only_that_grids_residents(site: Site, world: World) -> None:
    page = site.client("grid").get(f"/divisions/{world.grid}")
    assert page.status_code == 200
    assert f"/persons/{SELF}" in page.text and f"/persons/{OTHER_GRID}" not in page.text
    assert site.client("grid").get(f"/divisions/{world.other_grid}").status_code == 404
