"""The Excel exports served both by the JSON API (/api/exports/...) and by the pages
(/export/...): one function per export, so the two route modules stay thin and alike.
Each call is scoped, masked and audited by the handler it calls (`Explorer`, `Rosters`)."""

from __future__ import annotations

from fastapi import Request, Response

from shibei.web.context import context_of
from shibei.web.errors import NotFound
from shibei.web.explorer import PersonQuery, Viewer
from shibei.web.export import (
    AUDIT_HEADERS,
    GRID_WORKER_EXPORT_HEADERS,
    ORGANIZATION_HEADERS,
    PERSON_HEADERS,
    QUALITY_HEADERS,
    audit_rows,
    grid_worker_rows,
    organization_rows,
    person_rows,
    quality_rows,
    xlsx_response,
)
from shibei.web.quality import read_quality
from shibei.web.rosters import Rosters


def rosters_of(request: Request) -> Rosters:
    """The app's `Rosters`; 404 when the app runs without them."""
    rosters = context_of(request).rosters
    if rosters is None:
        raise NotFound("花名册未启用")
    return rosters


def persons_xlsx(request: Request, viewer: Viewer, query: PersonQuery) -> Response:
    persons = context_of(request).explorer.export_persons(viewer, query)
    return xlsx_response("人员查询结果", PERSON_HEADERS, person_rows(persons), "persons.xlsx")


def division_persons_xlsx(request: Request, viewer: Viewer, code: str) -> Response:
    persons = rosters_of(request).division_residents(viewer, code, export=True)
    return xlsx_response("实有人口名单", PERSON_HEADERS, person_rows(persons), f"{code}.xlsx")


def organizations_xlsx(
    request: Request, viewer: Viewer, name: str | None, uscc: str | None
) -> Response:
    orgs = rosters_of(request).export_organizations(viewer, name, uscc)
    return xlsx_response(
        "单位查询结果", ORGANIZATION_HEADERS, organization_rows(orgs), "organizations.xlsx"
    )


def quality_xlsx(request: Request, viewer: Viewer) -> Response:
    reports = read_quality(context_of(request).quality_dir)
    reports = rosters_of(request).export_quality(viewer, reports)
    return xlsx_response("数据质量", QUALITY_HEADERS, quality_rows(reports), "quality.xlsx")


def audit_xlsx(
    request: Request, viewer: Viewer, action: str | None, account: str | None
) -> Response:
    entries = rosters_of(request).export_audit(viewer, action or None, account or None)
    return xlsx_response("审计日志", AUDIT_HEADERS, audit_rows(entries), "audit.xlsx")


def grid_workers_xlsx(request: Request, viewer: Viewer, within: str | None) -> Response:
    workers = rosters_of(request).grid_workers(viewer, within, export=True)
    return xlsx_response(
        "网格员花名册", GRID_WORKER_EXPORT_HEADERS, grid_worker_rows(workers), "grid_workers.xlsx"
    )
