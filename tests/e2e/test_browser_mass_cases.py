"""Mass-case intake in real headless Chromium (Debian's /usr/bin/chromium via
Playwright): a victim reports on a phone-sized screen with two uploads; a police
officer finds the report proposed into the right cluster, confirms the merge, sees the
map and timeline, and exports the case file. Screenshots go to
build/test-artifacts/screenshots/."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from .conftest import ARTIFACTS, PASSWORD, Site, World, serving
from .mass_world import PDF_OK, jpeg_bytes, make_mass_site, victims

ORG = "青岛市北示例商贸有限公司"
ACCOUNT = "6222021600001234567"


@pytest.fixture(scope="module")
def mass_site(world: World, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    root = tmp_path_factory.mktemp("mass-browser")
    s = make_mass_site(world, f"sqlite:///{root / 'app.db'}", root / "uploads")
    yield s
    s.store.engine.dispose()


@pytest.fixture(scope="module")
def server(mass_site: Site) -> Iterator[str]:
    with serving(mass_site.app) as url:
        yield url


def _login(browser: Browser, server: str, username: str, phone: bool = False) -> Page:
    options: dict[str, object] = {"locale": "zh-CN", "accept_downloads": True}
    if phone:
        options.update(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = browser.new_page(**options)  # type: ignore[arg-type]
    page.goto(server + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    return page


def test_victim_reports_on_a_phone_and_officer_exports_the_case_file(
    browser: Browser, server: str, mass_site: Site, world: World, tmp_path: Path
) -> None:
    # an earlier victim of the same company, reported through the mini-program's API
    first = mass_site.client("victim2")
    p2 = victims(world)["housemate"]
    body = {
        "name": p2.name,
        "id_number": p2.id_number,
        "phone": p2.phones[0],
        "community_code": (p2.house_code or "")[:12],
        "organization": ORG,
        "transfers": [
            {"paid_on": "2025-09-01", "amount": "30000", "method": "bank",
             "payee_account": ACCOUNT, "payee_bank": "中国银行"},
        ],
    }  # fmt: skip
    assert first.put("/api/mass-cases/draft", json=body).status_code == 200
    earlier = first.post("/api/mass-cases/draft/submit").json()["report"]

    # the victim, on a phone
    receipt = tmp_path / "转账凭证.jpg"
    receipt.write_bytes(jpeg_bytes())
    contract = tmp_path / "合同.pdf"
    contract.write_bytes(PDF_OK)
    me = victims(world)["self"]
    page = _login(browser, server, "victim1", phone=True)
    page.goto(server + "/mass-cases/report")
    page.wait_for_selector("#report-form")
    assert page.input_value("input[name=name]") == me.name  # prefilled from the 人口库
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    page.fill("input[name=id_number]", me.id_number or "")
    page.fill("input[name=organization]", "市北示例商贸")  # a name variant
    page.fill("input[name=suspect_person]", "王经理")
    row = page.locator("fieldset.mc-row").first
    row.locator("input[name=t_paid_on]").fill("2025-10-15")
    row.locator("input[name=t_amount]").fill("5万")
    row.locator("select[name=t_method]").select_option("bank")
    row.locator("input[name=t_payee_name]").fill("王大成")
    row.locator("input[name=t_payee_account]").fill(ACCOUNT)
    row.locator("input[name=t_payee_bank]").fill("中国银行")
    page.click("#add-row")
    assert page.locator("fieldset.mc-row").count() == 4
    page.set_input_files("#files", [str(receipt), str(contract)])
    page.fill("textarea[name=story]", "社区推介会认识，承诺年息百分之十二，十一月起联系不上。")
    page.screenshot(path=str(ARTIFACTS / "mass-report-phone-form.png"), full_page=True)
    page.click("#submit")
    page.wait_for_selector("#submitted")
    text = page.inner_text("main")
    assert "50,000.00" in text
    assert page.locator(".mc-files li").count() == 2
    report_id = page.inner_text("#submitted b")
    page.screenshot(path=str(ARTIFACTS / "mass-report-phone-submitted.png"), full_page=True)
    page.close()

    # the officer: the report is proposed into the earlier victim's cluster
    officer = _login(browser, server, "police")
    officer.goto(server + "/mass-cases")
    officer.wait_for_selector("#clusters")
    officer.click(f"#clusters a[href='/mass-cases/clusters/{earlier['cluster_id']}']")
    officer.wait_for_selector("#proposals")
    proposal = officer.locator("#proposals tr", has_text=report_id)
    reasons = proposal.inner_text()
    assert "同一收款账号 " + ACCOUNT in reasons  # police investigate: the account in full
    assert "单位名称相同" in reasons
    proposal.locator("input[name=note]").fill("同一账号、同一单位")
    proposal.locator("button[value=confirm]").click()
    officer.wait_for_selector(f"#reports tr[data-report='{report_id}']")
    assert officer.inner_text("#victims") == "2"
    officer.wait_for_selector("#victim-map[data-ready='1']")
    assert officer.locator("#timeline canvas").count() >= 1
    officer.screenshot(path=str(ARTIFACTS / "mass-cluster-police.png"), full_page=True)

    with officer.expect_download() as info:
        officer.click("#export-csv")
    rows = list(csv.reader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8-sig"))))
    assert {r[1] for r in rows[1:]} == {earlier["report_id"], report_id}
    officer.goto(server + f"/mass-cases/clusters/{earlier['cluster_id']}/summary")
    assert "涉众案件案情摘要" in officer.inner_text("h1")
    officer.screenshot(path=str(ARTIFACTS / "mass-cluster-summary.png"), full_page=True)
    entries, _ = mass_site.store.audit_entries(limit=5, action="export", account="police")
    assert len(entries) >= 2  # the CSV and the printable summary, both audited
    officer.close()
