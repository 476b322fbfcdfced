"""Bad requests get a 4xx with a Chinese message, never a 500."""

from __future__ import annotations

import pytest

from .conftest import Site


@pytest.mark.parametrize(
    ("path", "status", "detail"),
    [
        ("/api/persons", 400, "请至少输入一个查询条件（姓名、身份证号、电话或地址）"),
        ("/api/persons?limit=0&name=张", 422, "请求参数不合法：条数"),
        ("/api/persons?name=%00", 400, "查询条件含有非法字符或过长"),
        ("/api/stats/rollups?level=planet", 422, "请求参数不合法：层级"),
        ("/api/geo/planet", 422, "请求参数不合法：层级"),
        ("/api/divisions/abc", 404, "未找到该记录，或您无权查看"),
        ("/api/nowhere", 404, "页面或接口不存在"),
        ("/api/organizations", 400, "请输入单位名称或统一社会信用代码"),
    ],
)
def test_bad_api_requests_get_chinese_4xx(site: Site, path: str, status: int, detail: str) -> None:
    answer = site.client("admin").get(path)
    assert answer.status_code == status
    assert answer.json() == {"detail": detail}


def test_malformed_json_body_is_a_chinese_422(site: Site) -> None:
    answer = site.client("police").post(
        "/api/persons/P0000000001/unmask",
        content=b"{not json",
        headers={"Content-Type": "application/json"},
    )
    assert answer.status_code == 422
    assert answer.json()["detail"].startswith("请求参数不合法")


def test_bad_page_requests_render_a_chinese_error_page(site: Site) -> None:
    answer = site.client("admin").get("/persons/NOPE")
    assert answer.status_code == 404
    assert "未找到该记录，或您无权查看" in answer.text


def test_openapi_document_is_served(site: Site) -> None:
    doc = site.client().get("/api/openapi.json").json()
    assert doc["info"]["title"] == "市北区数据底座 API"
    assert "/api/persons/{person_id}" in doc["paths"]
