"""Masking by role on the server, unmasking with a reason, and the audit trail."""

from __future__ import annotations

import pytest

from .conftest import Site

SELF = "P0000000001"


@pytest.mark.parametrize(
    ("account", "name"),
    [
        ("admin", "张小伟"),
        ("street", "张小伟"),
        ("grid", "张小伟"),
        ("police", "张小伟"),
        ("mediator", "张*伟"),
    ],
)
def test_person_record_is_masked_for_officials(site: Site, account: str, name: str) -> None:
    person = site.client(account).get(f"/api/persons/{SELF}").json()
    assert person["name"] == name
    assert person["id_number"] == "370203********1234"
    assert person["phones"] == ["138****5678"]
    assert person["birth_date"] is None


def test_a_resident_sees_their_own_record_in_full(site: Site) -> None:
    person = site.client("resident").get(f"/api/persons/{SELF}").json()
    assert (person["name"], person["id_number"], person["phones"]) == (
        "张小伟",
        "370203199001011234",
        ["13812345678"],
    )


def test_person_page_never_carries_the_full_id_number(site: Site) -> None:
    page = site.client("street").get(f"/persons/{SELF}")
    assert "370203199001011234" not in page.text and "13812345678" not in page.text
    assert "370203********1234" in page.text


def test_unmask_with_reason_shows_full_values_and_is_audited(site: Site) -> None:
    answer = site.client("police").post(
        f"/api/persons/{SELF}/unmask", json={"reason": "办理户籍业务核对身份"}
    )
    assert answer.status_code == 200
    assert answer.json()["id_number"] == "370203199001011234"
    entries = (
        site.client("admin")
        .get("/api/audit", params={"action": "person.unmask", "account": "police"})
        .json()
    )
    assert entries["entries"][0]["target"] == SELF
    assert entries["entries"][0]["reason"] == "办理户籍业务核对身份"
    assert entries["entries"][0]["result"] == "ok"


def test_unmask_without_a_reason_is_refused_in_chinese(site: Site) -> None:
    answer = site.client("police").post(f"/api/persons/{SELF}/unmask", json={"reason": ""})
    assert answer.status_code == 422
    assert answer.json() == {"detail": "请求参数不合法：事由"}


@pytest.mark.parametrize("account", ["street", "grid", "mediator"])
def test_roles_that_may_not_unmask_are_refused_and_audited(site: Site, account: str) -> None:
    answer = site.client(account).post(f"/api/persons/{SELF}/unmask", json={"reason": "好奇看看"})
    assert answer.status_code == 403
    entries = (
        site.client("admin")
        .get("/api/audit", params={"action": "person.unmask", "account": account})
        .json()
    )
    assert entries["entries"][0]["result"] == "denied"


def test_views_searches_and_exports_are_audited_with_masked_targets(site: Site) -> None:
    client = site.client("community")
    client.get(f"/api/persons/{SELF}")
    client.get("/api/persons", params={"phone": "13812345678"})
    client.get("/api/exports/persons.xlsx", params={"name": "张小伟"})
    entries = site.client("admin").get("/api/audit", params={"account": "community"}).json()
    got = [(e["action"], e["target"], e["result"]) for e in entries["entries"][:3]]
    assert got == [
        ("export", "人员查询结果 姓名=张小伟", "ok:2"),
        ("person.search", "电话=138****5678", "ok:1"),
        ("person.view", SELF, "ok"),
    ]
    assert all(
        e["ip"] == "testclient" and e["role"] == "community_worker" for e in entries["entries"][:3]
    )


def test_denied_person_views_are_audited(site: Site) -> None:
    site.client("grid").get("/api/persons/P0000000004")
    entry = (
        site.client("admin")
        .get("/api/audit", params={"account": "grid", "action": "person.view"})
        .json()["entries"][0]
    )
    assert (entry["target"], entry["result"]) == ("P0000000004", "denied")


@pytest.mark.parametrize("account", ["street", "police", "brigade", "resident"])
def test_only_the_district_admin_reads_the_audit_log(site: Site, account: str) -> None:
    assert site.client(account).get("/api/audit").status_code == 403
    assert site.client(account).get("/audit").status_code == 403


def test_audit_page_lists_entries_for_the_admin(site: Site) -> None:
    site.client("street").get(f"/api/persons/{SELF}")
    page = site.client("admin").get("/audit", params={"account": "street"})
    assert page.status_code == 200 and "person.view" in page.text and "审计日志" in page.text


def test_person_page_shows_relations_sources_and_link_evidence(site: Site) -> None:
    person = site.client("admin").get(f"/api/persons/{SELF}").json()
    kinds = sorted((r["kind"], r["other_kind"]) for r in person["relations"])
    assert kinds == [("lives", "house"), ("owns", "house")]
    assert person["relations"][0]["sources"][0]["source"] in (
        "police_household_registry",
        "property_registry",
    )
    assert person["evidence"][0]["method"] == "id_number"
    page = site.client("admin").get(f"/persons/{SELF}")
    assert "为什么认定为同一人" in page.text and "身份证号相同" in page.text
