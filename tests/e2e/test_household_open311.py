"""Open311 GeoReport v2 over the household desk: public discovery and service
definitions, token-protected requests, Chinese 4xx for bad input."""

from __future__ import annotations

from .conftest import Site, World

BASE = "/open311/v2"


def test_discovery_services_and_definitions_are_public(site: Site) -> None:
    anonymous = site.client()
    discovery = anonymous.get(f"{BASE}/discovery.json").json()
    assert discovery["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    services = anonymous.get(f"{BASE}/services.json").json()
    assert len(services) >= 85
    permit = next(s for s in services if s["service_code"] == "HZ0504")
    assert permit["service_name"] == "居住证申领" and permit["metadata"] is True
    definition = anonymous.get(f"{BASE}/services/HZ0504.json").json()
    attributes = {a["code"]: a for a in definition["attributes"]}
    assert attributes["residence_type"]["datatype"] == "singlevaluelist"
    assert {"key": "rent", "name": "租赁住房"} in attributes["residence_type"]["values"]
    assert attributes["residence_since"]["datatype"] == "datetime"
    assert [a["order"] for a in definition["attributes"]] == list(
        range(1, len(definition["attributes"]) + 1)
    )
    missing = anonymous.get(f"{BASE}/services/HZ9999.json")
    assert missing.status_code == 404
    assert missing.json() == [{"code": 404, "description": "事项编码不存在：HZ9999"}]


def test_requests_need_a_token(site: Site) -> None:
    response = site.client().get(f"{BASE}/requests.json")
    assert response.status_code == 401
    assert response.json()[0]["description"] == "请提供有效的 API 令牌"
    assert site.client().post(f"{BASE}/requests.json", data={}).status_code == 401


def test_resident_creates_a_request_and_staff_list_it(site: Site, world: World) -> None:
    resident = site.client("resident")
    created = resident.post(
        f"{BASE}/requests.json",
        data={
            "service_code": "HZ0407",  # 临时身份证明: identity is held, nothing to upload
            "attribute[phone]": world.persons["self"].phones[0],
            "attribute[purpose]": "travel",
        },
    )
    assert created.status_code == 200, created.text
    number = created.json()[0]["service_request_id"]
    station = world.gazetteer.station_of(world.community).name
    assert station in created.json()[0]["service_notice"]

    mine = resident.get(f"{BASE}/requests.json").json()
    assert number in [r["service_request_id"] for r in mine]
    one = site.client("police").get(f"{BASE}/requests/{number}.json").json()[0]
    assert one["status"] == "open" and one["service_code"] == "HZ0407"
    assert one["agency_responsible"] == station
    assert world.persons["self"].name not in str(one)  # no personal data in GeoReport
    listed = (
        site.client("police")
        .get(f"{BASE}/requests.json", params={"service_code": "HZ0407", "status": "open"})
        .json()
    )
    assert number in [r["service_request_id"] for r in listed]
    other = site.client("street2").get(f"{BASE}/requests/{number}.json")
    assert other.status_code == 404
    by_key = site.client().get(
        f"{BASE}/requests/{number}.json", params={"api_key": site.tokens["brigade"]}
    )
    assert by_key.status_code == 200


def test_bad_requests_get_chinese_messages(site: Site) -> None:
    resident = site.client("resident")
    cases = [
        ({"service_code": "HZ9999"}, 400, "事项编码不存在"),
        ({}, 400, "缺少 service_code"),
        ({"service_code": "HZ0407", "attribute[purpose]": "moon"}, 400, "选项不在可选范围内"),
        ({"service_code": "HZ0504"}, 400, "属性不合法"),
        ({"service_code": "HZ0308"}, 400, "暂不支持网上办理"),
    ]
    for data, status, message in cases:
        response = resident.post(f"{BASE}/requests.json", data=data)
        assert response.status_code == status, data
        assert message in response.json()[0]["description"], data
    police = site.client("police")
    assert police.post(f"{BASE}/requests.json", data={"service_code": "HZ0407"}).status_code == 403
    bad_date = police.get(f"{BASE}/requests.json", params={"start_date": "yesterday"})
    assert bad_date.status_code == 400
    assert "ISO 8601" in bad_date.json()[0]["description"]
    assert police.get(f"{BASE}/requests.json", params={"status": "x"}).status_code == 400
