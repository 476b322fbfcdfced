"""Mass-case intake through the app in process: the mini-program's JSON API (draft,
uploads, submit), upload safety, work orders, clusters and merges, scoped access, masked
and audited exports."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from shibei.workflow import OrderState

from .conftest import Site, World
from .mass_world import PDF_OK, PDF_SCRIPT, jpeg_bytes, make_mass_site, png_bytes, victims

ORG = "青岛市北示例商贸有限公司"  # O0000000001, registered in the officials' street
OTHER_ORG = "青岛外街示例科技有限公司"  # O0000000002, registered in the other street
ACCOUNT = "6222021600001234567"


@pytest.fixture(scope="module")
def mass_site(world: World, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    root = tmp_path_factory.mktemp("mass")
    s = make_mass_site(world, f"sqlite:///{root / 'app.db'}", root / "uploads")
    yield s
    s.store.engine.dispose()


def _draft(world: World, key: str, **suspect: Any) -> dict[str, Any]:
    p = victims(world)[key]
    return {
        "name": p.name,
        "id_number": p.id_number,
        "phone": p.phones[0],
        "community_code": (p.house_code or "")[:12],
        "story": "朋友介绍参加养老项目投资，承诺年息 12%",
        "transfers": [
            {
                "paid_on": "2025-09-01",
                "amount": "3万",
                "method": "bank",
                "payee_name": "王经理",
                "payee_account": suspect.pop("account", "6217000000000" + p.person_id[-3:]),
                "payee_bank": "中国银行",
            },
            {"paid_on": "2025-10-01", "amount": "20000", "method": "cash", "payee_name": "王经理"},
        ],
        **suspect,
    }


def _report(site: Site, world: World, key: str, files: int = 0, **suspect: Any) -> dict[str, Any]:
    username = {"self": "victim1", "housemate": "victim2", "other_street": "victim3"}[key]
    c = site.client(username)
    assert c.put("/api/mass-cases/draft", json=_draft(world, key, **suspect)).status_code == 200
    for i in range(files):
        data = jpeg_bytes() if i % 2 == 0 else PDF_OK
        name = "receipt.jpg" if i % 2 == 0 else "contract.pdf"
        r = c.post(
            "/api/mass-cases/draft/files", files={"file": (name, data)}, data={"label": "合同"}
        )
        assert r.status_code == 201, r.text
    r = c.post("/api/mass-cases/draft/submit")
    assert r.status_code == 201, r.text
    result: dict[str, Any] = r.json()
    return result


def test_victim_reports_through_the_api_and_gets_a_work_order(
    mass_site: Site, world: World
) -> None:
    result = _report(mass_site, world, "self", files=2, organization=ORG)
    report = result["report"]
    assert report["report_id"].startswith("BA")
    assert report["identity"] == "verified"
    assert report["org_id"] == "O0000000001"
    assert report["total"] == "50,000.00"
    assert [a["kind"] for a in report["attachments"]] == ["jpeg", "pdf"]
    assert report["reporter_id_number"] == victims(world)["self"].id_number  # own: in full
    order = mass_site.ctx.mass_cases.orders.service.get(report["order_id"])  # type: ignore[union-attr]
    assert (order.kind, order.state) == ("mass_case", OrderState.SUBMITTED)
    assert order.payload["report_id"] == report["report_id"]
    # the draft is gone: a new one starts empty of transfers
    fresh = mass_site.client("victim1").get("/api/mass-cases/draft").json()
    assert fresh["form"]["transfers"] == [] and fresh["attachments"] == []
    mine = mass_site.client("victim1").get("/api/mass-cases/reports/mine").json()
    assert report["report_id"] in [r["report_id"] for r in mine]


def test_submission_with_gaps_answers_400_in_chinese(mass_site: Site, world: World) -> None:
    c = mass_site.client("victim2")
    body = _draft(world, "housemate", organization=ORG)
    body["id_number"] = "370203199001011234"  # bad checksum
    body["transfers"] = []
    assert c.put("/api/mass-cases/draft", json=body).json()["problems"]["transfers"]
    r = c.post("/api/mass-cases/draft/submit")
    assert r.status_code == 400
    assert "公民身份号码不正确" in r.json()["detail"]


# -- upload safety ------------------------------------------------------------------------


def _upload(site: Site, name: str, data: bytes) -> Any:
    return site.client("victim2").post(
        "/api/mass-cases/draft/files", files={"file": (name, data)}, data={"label": "转账凭证"}
    )


def test_oversized_upload_is_refused_with_413(mass_site: Site) -> None:
    r = _upload(mass_site, "big.jpg", jpeg_bytes() + b"\0" * (10 * 1024 * 1024))
    assert r.status_code == 413
    assert "文件过大" in r.json()["detail"]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("receipt.jpg", b"<html><script>alert(document.cookie)</script></html>"),
        ("receipt.png", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"),
        ("receipt.pdf", b"MZ\x90\x00\x03\x00\x00\x00 this is an exe"),
        ("photo.jpg", b"GIF89a\x01\x00\x01\x00"),
    ],
)
def test_wrong_type_disguised_by_extension_is_refused_with_415(
    mass_site: Site, name: str, data: bytes
) -> None:
    r = _upload(mass_site, name, data)
    assert r.status_code == 415
    assert "文件类型不支持" in r.json()["detail"]


def test_pdf_with_javascript_is_refused(mass_site: Site) -> None:
    r = _upload(mass_site, "contract.pdf", PDF_SCRIPT)
    assert r.status_code == 400
    assert "脚本" in r.json()["detail"]


def test_image_with_script_payload_is_reencoded_and_served_safely(
    mass_site: Site, tmp_path: Path
) -> None:
    payload = b"<script>alert(1)</script><?php system($_GET['c']); ?>"
    r = _upload(mass_site, "收据.html", jpeg_bytes(tail=payload))
    assert r.status_code == 201
    attachment = r.json()["attachments"][-1]
    assert attachment["name"] == "收据.jpg"  # the extension of the content, not the name
    served = mass_site.client("victim2").get(attachment["url"])
    assert served.status_code == 200
    assert served.headers["content-type"] == "image/jpeg"
    assert served.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in served.headers["content-security-policy"]
    assert served.headers["content-disposition"].startswith("inline;")
    assert served.content.startswith(b"\xff\xd8\xff")
    assert b"<script" not in served.content and b"<?php" not in served.content
    assert b"SecretCam" not in served.content  # EXIF dropped
    # stored outside the static root, under the configured uploads directory
    root = mass_site.ctx.uploads.root
    assert (root / attachment["file_id"][:2] / f"{attachment['file_id']}.bin").exists()
    static = Path(__file__).resolve().parents[2] / "src" / "shibei" / "web" / "static"
    assert static not in root.parents
    # and another resident cannot fetch it
    assert mass_site.client("victim3").get(attachment["url"]).status_code == 404


def test_pdf_is_served_as_an_attachment_only(mass_site: Site) -> None:
    r = _upload(mass_site, "合同.pdf", PDF_OK)
    url = r.json()["attachments"][-1]["url"]
    served = mass_site.client("victim2").get(url)
    assert served.headers["content-type"] == "application/pdf"
    assert served.headers["content-disposition"].startswith("attachment;")


# -- clusters, merges, scope -------------------------------------------------------------


@pytest.fixture(scope="module")
def clusters(mass_site: Site, world: World) -> dict[str, Any]:
    """Three reports: two name the same company (one by a name variant, one from the
    other street), a third in the other street names another company."""
    a = _report(mass_site, world, "housemate", organization=ORG, account=ACCOUNT, files=1)
    b = _report(mass_site, world, "other_street", organization="市北示例商贸", account=ACCOUNT)
    c = _report(mass_site, world, "other_street", organization=OTHER_ORG)
    return {"a": a, "b": b, "c": c}


def test_name_variant_and_shared_account_propose_one_merge(clusters: dict[str, Any]) -> None:
    a, b = clusters["a"]["report"], clusters["b"]
    [proposal] = [p for p in b["proposals"] if p["target_cluster_id"] == a["cluster_id"]] or [
        p for p in b["proposals"]
    ]
    kinds = {r["kind"] for r in proposal["reasons"]}
    assert {"account", "org_name", "org_id"} <= kinds
    assert clusters["c"]["proposals"] == []  # another company: no merge proposed


def test_officer_confirms_merge_and_cluster_counts_both(
    mass_site: Site, clusters: dict[str, Any]
) -> None:
    b = clusters["b"]
    pid = b["proposals"][0]["proposal_id"]
    street = mass_site.client("street")
    r = street.post(f"/api/mass-cases/proposals/{pid}", json={"confirm": True})
    assert r.status_code == 403  # street staff view, police review
    police = mass_site.client("police")
    r = police.post(f"/api/mass-cases/proposals/{pid}", json={"confirm": True, "note": "同一账号"})
    assert r.status_code == 200 and r.json()["status"] == "confirmed"
    again = police.post(f"/api/mass-cases/proposals/{pid}", json={"confirm": False})
    assert again.status_code == 409
    target = b["proposals"][0]["target_cluster_id"]
    detail = mass_site.client("admin").get(f"/api/mass-cases/clusters/{target}").json()
    ids = {r["report_id"] for r in detail["reports"]}
    assert b["report"]["report_id"] in ids
    assert detail["organizations"][0]["org_id"] == "O0000000001"


def test_street_official_sees_only_that_streets_clusters(
    mass_site: Site, clusters: dict[str, Any]
) -> None:
    c = clusters["c"]["report"]  # other street's company and victim
    mine = {
        x["cluster_id"] for x in mass_site.client("street").get("/api/mass-cases/clusters").json()
    }
    theirs = {
        x["cluster_id"] for x in mass_site.client("street2").get("/api/mass-cases/clusters").json()
    }
    assert c["cluster_id"] not in mine
    assert c["cluster_id"] in theirs
    assert (
        mass_site.client("street").get(f"/api/mass-cases/clusters/{c['cluster_id']}").status_code
        == 404
    )
    r = mass_site.client("street").get(f"/api/mass-cases/reports/{c['report_id']}")
    assert r.status_code == 404 and r.json()["detail"] == "未找到该案件或报案，或您无权查看"


@pytest.mark.parametrize("username", ["community", "grid", "mediator", "chamber"])
def test_roles_without_mass_case_view_are_refused(mass_site: Site, username: str) -> None:
    assert mass_site.client(username).get("/api/mass-cases/clusters").status_code == 403


def test_anonymous_gets_401_and_pages_redirect(mass_site: Site) -> None:
    assert mass_site.client().get("/api/mass-cases/clusters").status_code == 401
    r = mass_site.client().get("/mass-cases/report")
    assert r.status_code == 303 and r.headers["location"].startswith("/login")


def test_export_csv_is_masked_and_audited(
    mass_site: Site, clusters: dict[str, Any], world: World
) -> None:
    cluster = clusters["a"]["report"]["cluster_id"]
    r = mass_site.client("street").get(f"/api/mass-cases/clusters/{cluster}/export.csv")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    assert header[1] == "报案编号" and len(body) >= 2  # one row per transfer
    ids = {row[header.index("公民身份号码")] for row in body}
    for p in victims(world).values():
        assert p.id_number not in ids  # masked for street staff
    assert all("********" in x for x in ids)
    accounts = {row[header.index("收款账号")] for row in body}
    assert ACCOUNT not in accounts  # street staff are no investigators
    entries, _ = mass_site.store.audit_entries(limit=5, action="export")
    assert entries[0].record.result.startswith("ok:")
    assert entries[0].record.account == "street"
    summary = mass_site.client("street").get(f"/mass-cases/clusters/{cluster}/summary")
    assert summary.status_code == 200 and "涉众案件案情摘要" in summary.text


def test_export_refused_for_roles_without_export(mass_site: Site, clusters: dict[str, Any]) -> None:
    cluster = clusters["a"]["report"]["cluster_id"]
    assert (
        mass_site.client("grid").get(f"/api/mass-cases/clusters/{cluster}/export.csv").status_code
        == 403
    )


def test_registration_accepts_the_work_order_and_times_intake(
    mass_site: Site, clusters: dict[str, Any]
) -> None:
    report = clusters["a"]["report"]
    r = mass_site.client("police").post(f"/api/mass-cases/reports/{report['report_id']}/register")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["registered_by"] == "police" and body["intake_minutes"] >= 0
    order = mass_site.ctx.mass_cases.orders.service.get(report["order_id"])  # type: ignore[union-attr]
    assert order.state is OrderState.ACCEPTED
    again = mass_site.client("police").post(
        f"/api/mass-cases/reports/{report['report_id']}/register"
    )
    assert again.status_code == 409


def test_resident_form_page_saves_and_submits(mass_site: Site, world: World) -> None:
    c = TestClient(mass_site.app, follow_redirects=False)
    page = c.get("/login")
    csrf = page.cookies.get("sb_login_csrf") or c.cookies.get("sb_login_csrf")
    r = c.post(
        "/login",
        data={"username": "victim1", "password": "demo-pass-123", "csrf_token": csrf or ""},
    )
    assert r.status_code == 303
    form = c.get("/mass-cases/report")
    assert form.status_code == 200 and "涉众案件报案" in form.text
    token = form.text.split('name="csrf_token" value="')[1].split('"')[0]
    version = form.text.split('name="version" value="')[1].split('"')[0]
    p = victims(world)["self"]
    fields = {
        "csrf_token": token,
        "version": version,
        "name": p.name,
        "id_number": p.id_number or "",
        "phone": p.phones[0],
        "community_code": (p.house_code or "")[:12],
        "organization": ORG,
        "t_paid_on": "2025-11-02",
        "t_amount": "8000",
        "t_method": "bank",
        "t_payee_name": "王经理",
        "t_payee_account": ACCOUNT,
        "t_payee_bank": "中国银行",
        "file_label": "转账凭证",
        "action": "submit",
    }
    files = [
        ("files", ("a.jpg", jpeg_bytes(), "image/jpeg")),
        ("files", ("b.png", png_bytes(), "image/png")),
    ]
    r = c.post("/mass-cases/report", data=fields, files=files)
    assert r.status_code == 303, r.text[:500]
    page = c.get(r.headers["location"])
    assert "报案已提交" in page.text and "8,000.00" in page.text
