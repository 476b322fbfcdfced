"""涉众型风险预警 in the app: scoped watchlist pages and API (a street official sees only
that street's watchlist; other streets 403), explained scores, verification orders to
the grid through the work-order engine with the outcome fed back, and the risk map in
real headless Chromium."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser

from shibei.apps.risk import Change, InMemoryRiskInputs, Mention, OrgHistory, RiskService
from shibei.store.sql_store import SqlStore, sql_engine
from shibei.web.app import create_app
from shibei.web.context import build_context

from .conftest import PASSWORD, Site, World, role_accounts, serving

DAY = date(2025, 7, 31)


def _scheme(org_id: str, name: str, house: str, rep: str) -> OrgHistory:
    return OrgHistory(
        org_id=org_id,
        name=name,
        uscc=f"91370203MA3C0000{org_id[-2:]}",
        kind="有限责任公司",
        industry="金融业",
        scope="财富管理咨询、投资咨询",
        capital_10k=10000.0,
        established_on=date(2018, 5, 1),
        house_code=house,
        legal_rep_id=rep,
        changes=(
            Change(date(2024, 9, 1), "名称", "青岛某商贸有限公司", name),
            Change(date(2024, 12, 1), "住所", "旧址", "新址"),
            Change(date(2025, 4, 1), "法定代表人", "甲", "乙"),
        ),
        insured=(date(2019, 1, 1),) * 2 + (date(2025, 6, 1),) * 8,
        arrears=(date(2025, 6, 15),) * 6,
        reports=((2023, date(2024, 4, 1)),),
        complaints=(Mention(date(2025, 7, 1), "disputes", "T0000001", "合同纠纷"),),
        police_reports=(Mention(date(2025, 7, 10), "incidents_110", "J00000001", "经济纠纷"),),
    )


def _plain(org_id: str, house: str) -> OrgHistory:
    return OrgHistory(
        org_id, "青岛平常商贸有限公司", kind="有限责任公司", industry="批发和零售业",
        capital_10k=50.0, established_on=date(2010, 1, 1), house_code=house,
    )  # fmt: skip


@pytest.fixture(scope="module")
def risk_site(world: World, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    path: Path = tmp_path_factory.mktemp("risk") / "app.db"
    store = SqlStore(sql_engine(f"sqlite:///{path}"))
    store.migrate()
    inputs = InMemoryRiskInputs(
        [
            _scheme("O0000000091", "青岛鑫华财富管理有限公司", world.houses["h1b"], "P0000000002"),
            _scheme("O0000000092", "青岛外街投资管理有限公司", world.houses["h2"], "P0000000004"),
            _plain("O0000000093", world.houses["h1"]),
        ]
    )
    ctx = build_context(world.reader, world.gazetteer, store, risk_inputs=inputs)
    assert ctx.risk is not None and ctx.risk.verifications is not None
    ctx.risk = RiskService(inputs, ctx.places, ctx.risk.verifications, default_day=lambda _: DAY)
    tokens = {}
    for username, new in role_accounts(world).items():
        account = ctx.auth.create_account(new, PASSWORD)
        tokens[username] = ctx.auth.issue_api_token(account, "test")
    site = Site(create_app(ctx), ctx, store, tokens)
    yield site
    store.engine.dispose()


def test_street_official_sees_only_that_streets_watchlist(risk_site: Site) -> None:
    answer = risk_site.client("street").get("/api/risk/watchlist")
    assert answer.status_code == 200
    assert [r["org_id"] for r in answer.json()] == ["O0000000091"]
    everything = risk_site.client("admin").get("/api/risk/watchlist").json()
    assert {r["org_id"] for r in everything} == {"O0000000091", "O0000000092"}


def test_other_streets_are_forbidden_to_a_street_official(risk_site: Site, world: World) -> None:
    client = risk_site.client("street")
    answer = client.get("/api/risk/watchlist", params={"street": world.other_street})
    assert answer.status_code == 403
    assert "无权查看" in answer.json()["detail"]
    assert client.get("/api/risk/organizations/O0000000092").status_code == 403
    assert client.get("/risk/organizations/O0000000092").status_code == 403
    own = client.get("/api/risk/watchlist", params={"street": world.street})
    assert [r["org_id"] for r in own.json()] == ["O0000000091"]


@pytest.mark.parametrize("role", ["grid", "community", "mediator", "resident"])
def test_roles_without_risk_view_get_403(risk_site: Site, role: str) -> None:
    client = risk_site.client(role)
    assert client.get("/api/risk/watchlist").status_code == 403
    assert client.get("/risk").status_code == 403
    assert client.get("/api/risk/organizations/O0000000091").status_code == 403


def test_anonymous_gets_401_from_the_api_and_login_from_pages(risk_site: Site) -> None:
    client = risk_site.client()
    assert client.get("/api/risk/watchlist").status_code == 401
    page = client.get("/risk")
    assert page.status_code == 303 and page.headers["location"].startswith("/login")


def test_bad_filters_get_a_chinese_4xx(risk_site: Site) -> None:
    client = risk_site.client("admin")
    answer = client.get("/api/risk/watchlist", params={"street": "abc"})
    assert answer.status_code == 422
    assert "请求参数不合法" in answer.json()["detail"]
    assert client.get("/risk", params={"day": "昨天"}).status_code == 400
    assert client.get("/api/risk/organizations/O404").status_code == 404


def test_organization_score_is_the_sum_of_its_explained_contributions(risk_site: Site) -> None:
    detail = risk_site.client("street").get("/api/risk/organizations/O0000000091").json()
    points = [c["points"] for c in detail["contributions"]]
    assert detail["score"] == pytest.approx(round(sum(points), 1))
    assert detail["score"] >= 40 and detail["level"] in ("medium", "high")
    keyword = next(c for c in detail["contributions"] if c["key"] == "keyword")
    assert keyword["points"] == 12 and "财富" in keyword["facts"][0]


def test_watchlist_page_filters_and_shows_only_the_street(risk_site: Site, world: World) -> None:
    page = risk_site.client("street").get("/risk")
    assert page.status_code == 200
    assert "青岛鑫华财富管理有限公司" in page.text
    assert "青岛外街投资管理有限公司" not in page.text
    assert f'value="{world.other_street}"' not in page.text  # not even as a filter option
    assert "风险预警" in page.text  # nav entry
    filtered = risk_site.client("admin").get("/risk", params={"industry": "制造业"})
    assert 'id="risk-empty"' in filtered.text


def test_verification_order_to_the_grid_and_outcome_fed_back(risk_site: Site, world: World) -> None:
    street = risk_site.client("street")
    before = street.get("/api/risk/organizations/O0000000091").json()["score"]
    page = street.get("/risk/organizations/O0000000091")
    assert "发起核查" in page.text
    opened = street.post("/api/risk/organizations/O0000000091/verifications")
    assert opened.status_code == 201
    order_id = opened.json()["order_id"]
    assert order_id.startswith("FX")
    order = risk_site.ctx.risk.verifications.workflow.get(order_id)  # type: ignore[union-attr]
    assert order.lead_unit == world.houses["h1b"][:15]  # the grid of the address
    assert order.state.value == "dispatched"
    answer = street.post(
        "/risk/organizations/O0000000091/outcome",
        data={"order_id": order_id, "outcome": "confirmed", "note": "现场推销理财"},
    )
    assert answer.status_code == 303
    after = street.get("/api/risk/organizations/O0000000091").json()
    assert after["score"] == pytest.approx(before + 30)
    assert after["contributions"][-1]["key"] == "verification"
    shown = street.get("/risk/organizations/O0000000091").text
    assert order_id in shown and "核查属实" in shown


def test_chamber_liaison_sees_no_verify_button_and_may_not_open_one(risk_site: Site) -> None:
    chamber = risk_site.client("chamber")
    page = chamber.get("/risk/organizations/O0000000091")
    assert page.status_code == 200 and 'id="open-verification"' not in page.text
    assert chamber.post("/api/risk/organizations/O0000000091/verifications").status_code == 403


def test_cookie_session_verify_needs_csrf(risk_site: Site) -> None:
    client = TestClient(risk_site.app, follow_redirects=False)
    form = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token is not None
    client.post(
        "/login",
        data={"username": "street", "password": PASSWORD, "csrf_token": token.group(1)},
    )
    assert client.post("/risk/organizations/O0000000091/verify").status_code == 403


def test_community_map_data_is_scoped(risk_site: Site, world: World) -> None:
    rows = risk_site.client("street").get("/api/risk/communities").json()
    assert rows and all(r["code"].startswith(world.street) for r in rows)
    assert risk_site.client("street").get("/risk/map").status_code == 200


@pytest.fixture(scope="module")
def risk_server(risk_site: Site) -> Iterator[str]:
    with serving(risk_site.app) as url:
        yield url


def test_risk_map_and_watchlist_in_chromium(
    chromium_path: Path, risk_server: str, world: World
) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser: Browser = p.chromium.launch(
            executable_path=str(chromium_path), headless=True, args=["--no-sandbox"]
        )
        page = browser.new_page(locale="zh-CN", viewport={"width": 390, "height": 844})
        page.goto(risk_server + "/login")
        page.fill("input[name=username]", "street")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        page.goto(risk_server + "/risk/map")
        page.wait_for_selector("#risk-map[data-ready='1']")
        assert page.locator("#risk-map canvas").count() >= 1
        links = page.eval_on_selector_all(
            "#risk-communities a", "els => els.map(e => e.getAttribute('href'))"
        )
        assert links and all(f"community={world.street}" in h for h in links)
        page.click("#risk-communities a")
        page.wait_for_selector("#watchlist")
        assert "青岛鑫华财富管理有限公司" in page.content()
        browser.close()
