"""In real headless Chromium: a resident on a phone applies online for a residence
permit with uploads and follows it by its number; the station officer handles and
closes it; the KPI page reflects it; the resident rates it. Screenshots go to
build/test-artifacts/screenshots/."""

from __future__ import annotations

import io
import re
from pathlib import Path

from PIL import Image
from playwright.sync_api import Browser

from .conftest import ARTIFACTS
from .test_browser import _login, server  # noqa: F401 (the app served over HTTP)


def _scan(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    image = Image.new("RGB", (600, 400), (240, 240, 235))
    out = io.BytesIO()
    image.save(out, format="JPEG")
    path.write_bytes(out.getvalue())
    return path


def _kpi_orders(page_of: Browser, base: str) -> int:
    page = _login(page_of, base, "police")
    page.goto(base + "/household/kpi")
    value = int(page.inner_text("#kpi-orders"))
    page.close()
    return value


def test_residence_permit_end_to_end(
    browser: Browser,
    server: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    before = _kpi_orders(browser, server)

    phone = _login(browser, server, "resident", phone=True)
    phone.goto(server + "/household")
    phone.click("a[data-code='HZ0504']")
    phone.wait_for_selector("#apply-form")
    assert "身份核验（人口库）" in phone.inner_text("#checks")
    phone.fill("input[name=residence_since]", "2024-03-01")
    phone.select_option("select[name=residence_type]", "own")
    phone.fill("input[name=employer]", "青岛市北示例商贸有限公司")
    phone.select_option("select[name=delivery]", "mail")
    phone.fill("textarea[name=mail_address]", "市北区示例路1号")
    phone.set_input_files("input[name=file_0]", str(_scan(tmp_path, "租赁合同.jpg")))
    phone.set_input_files("input[name=file_1]", str(_scan(tmp_path, "照片.jpg")))
    phone.screenshot(path=str(ARTIFACTS / "household-apply-phone.png"), full_page=True)
    phone.click("#apply-submit")
    phone.wait_for_selector("#order-no")
    number = phone.inner_text("#order-no")
    assert re.fullmatch(r"HJ\d{14}", number)
    assert phone.get_attribute("#order-state", "data-state") == "submitted"
    assert phone.locator("#attachments li").count() == 2
    phone.screenshot(path=str(ARTIFACTS / "household-order-phone.png"), full_page=True)

    # follow it by number from the home page
    phone.goto(server + "/household")
    phone.fill("#track-form input[name=no]", number)
    phone.click("#track-form button")
    phone.wait_for_selector("#order-no")
    assert phone.inner_text("#order-no") == number

    officer = _login(browser, server, "police")
    officer.goto(server + "/household/queue")
    officer.click(f"a[href='/household/orders/{number}']")
    officer.wait_for_selector("#order-no")
    assert "370203********1234" in officer.inner_text("#order-form")
    for action in ("accept", "dispatch", "sign", "reply", "close"):
        form = officer.locator(f"form[data-action='{action}']")
        if action == "reply":
            form.locator("input[name=reply]").fill("居住证已制证，将免费邮寄到家")
        form.locator("button").click()
        officer.wait_for_load_state("networkidle")
    assert officer.get_attribute("#order-state", "data-state") == "closed"
    officer.screenshot(path=str(ARTIFACTS / "household-order-officer.png"), full_page=True)

    officer.goto(server + "/household/kpi")
    assert int(officer.inner_text("#kpi-orders")) == before + 1
    assert officer.locator("#unit-kpi tr[data-unit] td.orders").count() >= 1
    officer.screenshot(path=str(ARTIFACTS / "household-kpi.png"), full_page=True)
    officer.close()

    phone.reload()
    assert phone.get_attribute("#order-state", "data-state") == "closed"
    assert "居住证已制证" in phone.inner_text("#reply")
    phone.select_option("#rate-form select[name=rating]", "5")
    phone.click("#rate-form button")
    phone.wait_for_selector("#rating")
    assert phone.get_attribute("#order-state", "data-state") == "rated"
    phone.screenshot(path=str(ARTIFACTS / "household-rated-phone.png"), full_page=True)
    phone.close()
