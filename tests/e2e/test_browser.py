"""In real headless Chromium (Debian's /usr/bin/chromium driven by Playwright): login per
role, search and person page with masking, the dashboard's drill-down map, the audit
page. Screenshots go to build/test-artifacts/screenshots/."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from .conftest import ARTIFACTS, PASSWORD, Site, serving

ROLES = [
    "admin",
    "street",
    "community",
    "grid",
    "police",
    "brigade",
    "mediator",
    "chamber",
    "resident",
]
HOME = {
    "admin": "/dashboard",
    "street": "/dashboard",
    "community": "/dashboard",
    "grid": "/divisions/",
    "police": "/dashboard",
    "brigade": "/dashboard",
    "mediator": "/dashboard",
    "chamber": "/dashboard",
    "resident": "/persons/P0000000001",
}


@pytest.fixture(scope="module")
def server(site: Site) -> Iterator[str]:
    with serving(site.app) as url:
        yield url


def _login(browser: Browser, server: str, username: str, phone: bool = False) -> Page:
    options: dict[str, object] = {"locale": "zh-CN"}
    if phone:
        options.update(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = browser.new_page(**options)  # type: ignore[arg-type]
    page.goto(server + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    return page


@pytest.mark.parametrize("role", ROLES)
def test_login_per_role_lands_on_its_home(browser: Browser, server: str, role: str) -> None:
    page = _login(browser, server, role, phone=role in ("grid", "resident"))
    assert HOME[role] in page.url
    assert page.locator(".user").get_attribute("data-role")
    page.screenshot(path=str(ARTIFACTS / f"login-{role}.png"))
    page.close()


def test_search_and_person_page_are_masked(browser: Browser, server: str) -> None:
    page = _login(browser, server, "street")
    page.goto(server + "/search")
    page.fill("input[name=name]", "张小伟")
    page.click("form.grid-form button")
    page.wait_for_selector("#results table")
    rows = page.locator("#results tbody tr")
    assert rows.count() == 2  # the namesake in another street is not there
    text = page.inner_text("#results")
    assert "370203********1234" in text and "370203199001011234" not in text
    page.screenshot(path=str(ARTIFACTS / "search-street.png"), full_page=True)
    page.click("a[href='/persons/P0000000001']")
    page.wait_for_selector("#id-number")
    assert page.inner_text("#id-number") == "370203********1234"
    assert page.inner_text("#phones") == "138****5678"
    assert page.locator("#unmask-form").count() == 0
    page.screenshot(path=str(ARTIFACTS / "person-street.png"), full_page=True)
    page.close()


def test_police_unmask_with_reason(browser: Browser, server: str) -> None:
    page = _login(browser, server, "police")
    page.goto(server + "/persons/P0000000001")
    page.fill("#unmask-form input[name=reason]", "办理户籍业务核对身份")
    page.click("#unmask-form button")
    page.wait_for_selector("#unmasked-notice")
    assert page.inner_text("#id-number") == "370203199001011234"
    page.screenshot(path=str(ARTIFACTS / "person-police-unmasked.png"), full_page=True)
    page.close()


def test_dashboard_map_drills_down_from_district_to_grid(browser: Browser, server: str) -> None:
    page = _login(browser, server, "admin")
    page.wait_for_selector("#map[data-ready='1']")
    assert page.get_attribute("#map", "data-level") == "street"
    assert page.locator("#map canvas").count() >= 1
    assert page.locator("#children tbody tr").count() == 22
    page.screenshot(path=str(ARTIFACTS / "dashboard-district.png"), full_page=True)
    page.click("#children button.drill[data-code='370203005']")
    page.wait_for_selector("#map[data-level='community'][data-ready='1']")
    page.click("#children button.drill[data-code='370203005001']")
    page.wait_for_selector("#map[data-level='grid'][data-ready='1']")
    page.select_option("#metric", "houses")
    page.screenshot(path=str(ARTIFACTS / "dashboard-community-grids.png"), full_page=True)
    page.click("#children button.drill[data-code='370203005001001']")
    page.wait_for_url("**/divisions/370203005001001")
    assert "本网格实有人口" in page.content()
    page.close()


def test_street_dashboard_shows_only_its_street(browser: Browser, server: str) -> None:
    page = _login(browser, server, "street")
    page.wait_for_selector("#map[data-ready='1']")
    assert page.get_attribute("#map", "data-level") == "community"
    codes = page.eval_on_selector_all(
        "#children button.drill", "els => els.map(e => e.dataset.code)"
    )
    assert codes and all(c.startswith("370203005") for c in codes)
    page.close()


def test_audit_page_for_the_district_admin(browser: Browser, server: str) -> None:
    page = _login(browser, server, "admin")
    page.goto(server + "/audit?action=login")
    page.wait_for_selector("#audit tbody tr")
    assert "login" in page.inner_text("#audit")
    page.screenshot(path=str(ARTIFACTS / "audit.png"), full_page=True)
    page.close()


def test_screenshots_render_chinese_glyphs(browser: Browser, server: str) -> None:
    """With no CJK font every Chinese character is the same empty box: draw two different
    characters on a canvas and require different pixels (fonts-wqy-zenhei, .ci/run)."""
    fonts = subprocess.run(
        ["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False
    )
    assert fonts.stdout.strip(), "没有中文字体：apt-get install fonts-wqy-zenhei"
    page = browser.new_page(locale="zh-CN")
    page.goto(server + "/login")
    same = page.evaluate(
        """() => {
          const draw = (ch) => {
            const c = document.createElement("canvas"); c.width = 40; c.height = 40;
            const g = c.getContext("2d"); g.font = "32px sans-serif"; g.fillText(ch, 2, 34);
            return Array.from(g.getImageData(0, 0, 40, 40).data).join(",");
          };
          return draw("市") === draw("北");
        }"""
    )
    assert same is False
    page.screenshot(path=str(ARTIFACTS / "login-chinese-font.png"))
    page.close()


class _Trends:
    def trends(self, within: str) -> list[tuple[str, str, int]]:
        months = [f"{y}-{m:02d}" for y in (2024, 2025) for m in range(1, 13)]
        rows = [("incidents", month, 10 + i % 5) for i, month in enumerate(months)]
        rows += [("migrant_registrations", month, 3 + i % 3) for i, month in enumerate(months)]
        rows += [("hukou_registrations", f"{y}-01", 50) for y in range(2000, 2026)]
        return rows


def test_dashboard_draws_trend_lines(browser: Browser, server: str, site: Site) -> None:
    site.ctx.trends = _Trends()
    try:
        page = _login(browser, server, "admin")
        page.wait_for_selector("#trends[data-ready='1']")
        assert page.locator("#trend-monthly canvas").count() >= 1
        assert page.locator("#trend-yearly canvas").count() >= 1
        page.screenshot(path=str(ARTIFACTS / "dashboard-trends.png"), full_page=True)
        page.click("#children button.drill[data-code='370203005']")
        page.wait_for_selector("#trends[data-code='370203005'][data-ready='1']")
        page.close()
    finally:
        site.ctx.trends = None


def test_account_page_creates_an_account(browser: Browser, server: str) -> None:
    page = _login(browser, server, "admin")
    page.goto(server + "/accounts")
    page.fill("#create-account input[name=username]", "browser-made")
    page.fill("#create-account input[name=display_name]", "浏览器新建")
    page.select_option("#create-account select[name=role]", "street_staff")
    page.fill("#create-account input[name=unit_code]", "370203005")
    page.fill("#create-account input[name=password]", "browser-pass-1")
    page.click("#create-account button")
    page.wait_for_selector("#account-message")
    assert "已创建账号 browser-made" in page.inner_text("#account-message")
    assert page.locator("tr[data-username='browser-made']").count() == 1
    page.screenshot(path=str(ARTIFACTS / "accounts.png"), full_page=True)
    page.close()
