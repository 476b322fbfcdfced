"""Household-registration services in process (real SQLite store, in-memory foundation):
a resident applies for a residence permit with uploads and follows it, the station
handles and closes it, the KPIs follow; scoping, masking, audit and bad input."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from .conftest import Site, World

PERMIT = "HZ0504"


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def _permit_form(world: World) -> dict[str, str]:
    me = world.persons["self"]
    return {
        "applicant_name": me.name,
        "id_number": me.id_number or "",
        "phone": me.phones[0],
        "residence_address": me.address or "",
        "residence_since": "2024-03-01",
        "residence_type": "own",
        "employer": "青岛市北示例商贸有限公司",
        "delivery": "mail",
        "mail_address": "市北区示例路1号",
    }


def _files() -> dict[str, tuple[str, bytes, str]]:
    return {
        "file_0": ("contract.png", _png(), "image/png"),  # 住所证明
        "file_1": ("photo.png", _png(), "image/png"),  # 近期免冠照片
    }


def apply_permit(site: Site, world: World) -> str:
    response = site.client("resident").post(
        f"/household/matters/{PERMIT}", data=_permit_form(world), files=_files()
    )
    assert response.status_code == 303, response.text
    match = re.fullmatch(r"/household/orders/(HJ\d{14})", response.headers["location"])
    assert match
    return match.group(1)


def test_resident_sees_catalogue_checks_and_routing(site: Site, world: World) -> None:
    resident = site.client("resident")
    home = resident.get("/household")
    assert home.status_code == 200
    assert "居住证申领" in home.text and "临时身份证明" in home.text
    page = resident.get(f"/household/matters/{PERMIT}")
    assert page.status_code == 200
    station = world.gazetteer.station_of(world.community).name
    assert station in page.text  # routed by the residence house
    assert "✓ 身份核验（人口库）" in page.text
    assert "一网核验，免提交" in page.text
    assert 'name="file_1"' in page.text


def test_apply_follow_handle_close_rate(site: Site, world: World) -> None:
    number = apply_permit(site, world)
    resident = site.client("resident")
    page = resident.get(f"/household/orders/{number}")
    assert page.status_code == 200
    assert 'data-state="submitted"' in page.text
    assert world.persons["self"].id_number in page.text  # the applicant sees their own
    file_ids = re.findall(rf"/household/orders/{number}/files/([0-9a-f]{{32}})", page.text)
    assert len(file_ids) == 2
    image = resident.get(f"/household/orders/{number}/files/{file_ids[0]}")
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"
    assert resident.get(f"/household/track?no={number.lower()}").status_code == 303

    police = site.client("police")
    queue = police.get("/household/queue")
    assert number in queue.text
    staff_page = police.get(f"/household/orders/{number}")
    assert "370203********1234" in staff_page.text  # masked for the officer
    assert world.persons["self"].id_number not in staff_page.text
    for action, extra in [
        ("accept", {}),
        ("dispatch", {}),
        ("sign", {}),
        ("reply", {"reply": "居住证已制证，免费邮寄到家"}),
        ("close", {}),
    ]:
        done = police.post(f"/household/orders/{number}/act", data={"action": action, **extra})
        assert done.status_code == 303, (action, done.text)
    assert 'id="hand-over-form"' not in police.get(f"/household/orders/{number}").text
    closed = resident.get(f"/household/orders/{number}")
    assert 'data-state="closed"' in closed.text
    assert "居住证已制证，免费邮寄到家" in closed.text
    assert 'id="rate-form"' in closed.text
    assert (
        resident.post(f"/household/orders/{number}/rate", data={"rating": "5"}).status_code == 303
    )
    rated = resident.get(f"/household/orders/{number}")
    assert 'data-state="rated"' in rated.text and "★★★★★" in rated.text

    entries, _ = site.store.audit_entries(limit=200, action="workorder.view")
    assert any(e.record.target == number and e.record.account == "police" for e in entries)


def test_only_scoped_staff_see_the_order(site: Site, world: World) -> None:
    number = apply_permit(site, world)
    assert site.client("street2").get(f"/household/orders/{number}").status_code == 404
    assert site.client("chamber").get(f"/household/orders/{number}").status_code == 404
    assert site.client("brigade").get(f"/household/orders/{number}").status_code == 200
    assert site.client("street").get(f"/household/orders/{number}").status_code == 200
    # another resident's order is not found for the resident (no hint it exists)
    assert site.client("street").get("/household/kpi").status_code == 200
    assert site.client("resident").get("/household/kpi").status_code == 403
    assert site.client("resident").get("/household/queue").status_code == 403


def test_station_hands_over_to_another_station(site: Site, world: World) -> None:
    number = apply_permit(site, world)
    police = site.client("police")
    assert 'id="hand-over-form"' in police.get(f"/household/orders/{number}").text
    other = next(s.code for s in world.gazetteer.police_stations if s.code != world.station)
    response = police.post(
        f"/household/orders/{number}/hand-over",
        data={"to_unit": other, "note": "申请人居住地属兄弟所辖区"},
    )
    assert response.status_code == 303
    brigade_view = site.client("brigade").get(f"/household/orders/{number}")
    assert 'data-state="dispatched"' in brigade_view.text
    assert world.gazetteer.police_stations[int(other[-2:]) - 1].name in brigade_view.text
    # the first station can no longer sign it
    refused = police.post(f"/household/orders/{number}/act", data={"action": "sign"})
    assert refused.status_code in (403, 404)
    bad = police.post(
        f"/household/orders/{number}/hand-over", data={"to_unit": "370203P77", "note": "x"}
    )
    assert bad.status_code in (400, 404)


def test_illegal_step_is_a_409(site: Site, world: World) -> None:
    number = apply_permit(site, world)
    response = site.client("police").post(
        f"/household/orders/{number}/act", data={"action": "close"}
    )
    assert response.status_code == 409
    assert "不能执行「办结」" in response.text


@pytest.mark.parametrize(
    ("change", "files", "status", "message"),
    [
        ({"residence_type": "castle"}, None, 400, "选项不在可选范围内"),
        ({}, {"file_0": ("a.png", b"<html>hi</html>", "image/png")}, 415, "文件类型不支持"),
        ({}, {}, 400, "请上传"),
    ],
)
def test_bad_applications_get_chinese_4xx(
    site: Site,
    world: World,
    change: dict[str, str],
    files: dict[str, tuple[str, bytes, str]] | None,
    status: int,
    message: str,
) -> None:
    data = {**_permit_form(world), **change}
    chosen = _files() if files is None else {**_files(), **files} if files else {}
    response = site.client("resident").post(
        f"/household/matters/{PERMIT}", data=data, files=chosen or None
    )
    assert response.status_code == status
    assert message in response.text


def test_typed_id_numbers_are_checked(site: Site, world: World) -> None:
    me = world.persons["self"]
    data = {
        "applicant_name": me.name,
        "id_number": "whatever: the 人口库 value is used",
        "phone": me.phones[0],
        "deceased_id_number": "370203199001011235",
        "death_date": "2025-01-02",
    }
    response = site.client("resident").post("/household/matters/HZ0105", data=data)
    assert response.status_code == 400
    assert "被注销人身份号码：号码格式或校验位不正确" in response.text


def test_unknown_matter_and_order_are_404(site: Site) -> None:
    resident = site.client("resident")
    assert resident.get("/household/matters/HZ9999").status_code == 404
    assert resident.get("/household/orders/HJ20990101000001").status_code == 404
    assert resident.get("/household/track?no=HJ20990101000001").status_code == 404


def test_cookie_session_needs_csrf(site: Site, world: World) -> None:
    from fastapi.testclient import TestClient

    from .conftest import PASSWORD

    client = TestClient(site.app, follow_redirects=False)
    login = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', login.text)
    assert token
    done = client.post(
        "/login",
        data={"username": "resident", "password": PASSWORD, "csrf_token": token.group(1)},
    )
    assert done.status_code == 303
    response = client.post(f"/household/matters/{PERMIT}", data=_permit_form(world), files=_files())
    assert response.status_code == 403
    assert "CSRF" in response.text


def test_mailed_id_cards_appear_in_a_mailout_batch(site: Site, world: World) -> None:
    me = world.persons["self"]
    data = {
        "phone": me.phones[0],
        "delivery": "mail",
        "mail_address": "市北区示例路8号邮寄专用",
    }
    files = {"file_0": ("photo.png", _png(), "image/png")}  # 数字相片回执
    applied = site.client("resident").post("/household/matters/HZ0402", data=data, files=files)
    assert applied.status_code == 303, applied.text
    number = applied.headers["location"].rsplit("/", 1)[1]
    police = site.client("police")
    for action, extra in [
        ("accept", {}),
        ("dispatch", {}),
        ("sign", {}),
        ("reply", {"reply": "已制证"}),
        ("close", {}),
    ]:
        assert (
            police.post(
                f"/household/orders/{number}/act", data={"action": action, **extra}
            ).status_code
            == 303
        )
    page = police.get("/household/mailout")
    assert page.status_code == 200
    assert number in page.text and "市北区示例路8号邮寄专用" in page.text
    assert "张小伟" in page.text  # station officers see names in full (NAMES_IN_FULL)
    assert site.client("resident").get("/household/mailout").status_code == 403
    assert number not in site.client("street2").get("/household/mailout").text


@pytest.mark.parametrize(
    ("role", "queue", "kpi", "home"),
    [
        ("admin", 200, 200, 303),
        ("street", 200, 200, 303),
        ("community", 200, 200, 303),
        ("grid", 200, 200, 303),
        ("police", 200, 200, 303),
        ("brigade", 200, 200, 303),
        ("mediator", 200, 200, 303),
        ("chamber", 403, 403, 200),
        ("resident", 403, 403, 200),
    ],
)
def test_household_pages_per_role(site: Site, role: str, queue: int, kpi: int, home: int) -> None:
    client = site.client(role)
    assert client.get("/household/queue").status_code == queue
    assert client.get("/household/kpi").status_code == kpi
    assert client.get("/household").status_code == home  # staff go to their queue


def test_anonymous_is_sent_to_login(site: Site) -> None:
    response = site.client().get("/household/kpi")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")
