"""Rosters and lists that leave the platform as Excel: a division's residents, the
grid-worker roster (imported from Excel), organization search results, data-quality
reports and the audit log. Each list is scoped with `allowed`, masked like its page and
audited as an `export` before it leaves the handler."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from shibei.access import MaskRules, allowed, within_codes
from shibei.access.audit import AuditEntry
from shibei.foundation.reader import level_of
from shibei.gazetteer import Gazetteer
from shibei.standardize.address_match import AddressMatcher
from shibei.web.errors import BadRequest, Forbidden, NotFound
from shibei.web.explorer import NOT_FOUND, Explorer, Viewer
from shibei.web.imports import GridWorkerRow, ImportReport, check_grid_worker_rows
from shibei.web.schemas import OrganizationSummary, PersonSummary

SEX_LABELS = {"M": "男", "F": "女"}


class RosterStore(Protocol):
    def upsert_grid_workers(self, entries: Iterable[Any], now: datetime, by: str) -> int: ...
    def grid_workers(self, within: str | None = None) -> list[Any]: ...
    def audit_entries(
        self,
        *,
        limit: int = 50,
        offset: int = 0,
        action: str | None = None,
        account: str | None = None,
    ) -> tuple[list[AuditEntry], int]: ...


@dataclass(frozen=True, slots=True)
class GridWorkerPublic:
    """A roster row as the viewer may see it (masked)."""

    grid_code: str
    grid_name: str
    name: str
    sex: str
    id_number: str
    phone: str
    address: str


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    report: ImportReport[GridWorkerRow]
    imported: int  # 0 when the file had errors and only_valid was not asked


def address_matcher(gazetteer: Gazetteer) -> Callable[[], AddressMatcher]:
    """The gazetteer's address matcher, built on first use (it takes a moment) and kept."""
    built: list[AddressMatcher] = []
    lock = threading.Lock()

    def get() -> AddressMatcher:
        with lock:
            if not built:
                built.append(AddressMatcher(gazetteer))
            return built[0]

    return get


class Rosters:
    def __init__(
        self,
        explorer: Explorer,
        store: RosterStore,
        matcher: Callable[[], AddressMatcher],
    ) -> None:
        self.explorer = explorer
        self.store = store
        self._matcher = matcher

    # Residents of a division ---------------------------------------------------------

    def division_residents(
        self, viewer: Viewer, code: str, limit: int = 5000, *, export: bool = False
    ) -> list[PersonSummary]:
        """Persons living in a street, community or grid, scoped and masked; audited as
        a search, or as an export when `export` (which needs the export action too)."""
        ex = self.explorer
        actor = viewer.actor
        try:
            level_of(code)
        except ValueError as exc:
            raise NotFound(NOT_FOUND) from exc
        target = f"{ex.places.name(code)}（{code}）实有人口名单"
        resource = ex.division_resource(code)
        if not allowed(actor, "person.search", resource):
            ex.audit(viewer, "export" if export else "person.search", target, "denied")
            raise NotFound(NOT_FOUND)
        if export and not allowed(actor, "export", resource):
            ex.audit(viewer, "export", target, "denied")
            raise Forbidden("您的角色无权导出")
        persons = [
            p
            for p in ex.reader.search_persons(within=code, limit=limit)
            if allowed(actor, "person.search", ex.person_resource(p))
            and (not export or allowed(actor, "export", ex.person_resource(p)))
        ]
        ex.audit(viewer, "export" if export else "person.search", target, f"ok:{len(persons)}")
        return [ex._summary(viewer, p, MaskRules.for_viewer(actor, p.person_id)) for p in persons]

    # Organizations --------------------------------------------------------------------

    def export_organizations(
        self, viewer: Viewer, name: str | None, uscc: str | None
    ) -> list[OrganizationSummary]:
        ex = self.explorer
        for value in (name, uscc):
            if value and any(ch < " " or ch == "\x7f" for ch in value):
                raise BadRequest("查询条件含有非法字符或过长")
        target = f"单位查询结果 名称={name or ''} 信用代码={uscc or ''}".strip()
        if not within_codes(viewer.actor, "export", ex.places.streets_of_station):
            ex.audit(viewer, "export", target, "denied")
            raise Forbidden("您的角色无权导出")
        found = ex.search_organizations(viewer, name, uscc, limit=5000)
        kept = [o for o in found if self._may_export_org(viewer, o.org_id)]
        ex.audit(viewer, "export", target, f"ok:{len(kept)}")
        return kept

    def _may_export_org(self, viewer: Viewer, org_id: str) -> bool:
        o = self.explorer.reader.organization(org_id)
        return o is not None and allowed(viewer.actor, "export", self.explorer.org_resource(o))

    # Data quality and audit log ------------------------------------------------------

    def export_quality(self, viewer: Viewer, reports: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if not self.explorer.may(viewer.actor, "quality.view"):
            self.explorer.audit(viewer, "export", "数据质量报告", "denied")
            raise Forbidden("您的角色无权查看数据质量")
        self.explorer.audit(viewer, "export", "数据质量报告", f"ok:{len(reports)}")
        return reports

    def export_audit(
        self, viewer: Viewer, action: str | None, account: str | None, limit: int = 10_000
    ) -> list[AuditEntry]:
        target = f"审计日志 操作={action or ''} 账号={account or ''}"
        if not self.explorer.may(viewer.actor, "audit.view"):
            self.explorer.audit(viewer, "export", target, "denied")
            raise Forbidden("只有区级管理员可以查看审计日志")
        entries, _ = self.store.audit_entries(limit=limit, action=action, account=account)
        self.explorer.audit(viewer, "export", target, f"ok:{len(entries)}")
        return entries

    # Grid-worker roster --------------------------------------------------------------

    def grid_workers(
        self, viewer: Viewer, within: str | None = None, *, export: bool = False
    ) -> list[GridWorkerPublic]:
        """The roster rows in the viewer's scope (by grid), masked; audited."""
        ex = self.explorer
        actor = viewer.actor
        action = "export" if export else "person.search"
        target = f"网格员花名册 {within or ''}".strip()
        if not within_codes(actor, action, ex.places.streets_of_station):
            ex.audit(viewer, action, target, "denied")
            raise Forbidden("您的角色无权导出" if export else "您的角色无权查看网格员花名册")
        rules = MaskRules.for_viewer(actor, None)
        kept = [
            w
            for w in self.store.grid_workers(within)
            if allowed(actor, "person.search", ex.division_resource(w.grid_code))
            and allowed(actor, action, ex.division_resource(w.grid_code))
        ]
        ex.audit(viewer, action, target, f"ok:{len(kept)}")
        return [
            GridWorkerPublic(
                w.grid_code,
                ex.places.name(w.grid_code),
                rules.name_of(w.name) or "",
                SEX_LABELS.get(w.sex, w.sex),
                rules.id_number_of(w.id_number) or "",
                rules.phone_of(w.phone) or "",
                w.address,
            )
            for w in kept
        ]

    def import_grid_workers(
        self,
        viewer: Viewer,
        rows: list[tuple[object, ...]],
        grids: dict[str, str],
        only_valid: bool,
        filename: str = "",
    ) -> ImportOutcome:
        """Check every row; import all of them, or (with errors) nothing unless
        `only_valid`. Needs `account.manage` for each row's grid."""
        ex = self.explorer
        actor = viewer.actor
        target = f"网格员花名册导入 {filename}".strip()
        if not ex.can(actor, "account.manage"):
            ex.audit(viewer, "import.grid_workers", target, "denied")
            raise Forbidden("只有区级管理员可以导入网格员花名册")
        report = check_grid_worker_rows(
            rows,
            grids,
            self._matcher(),
            lambda grid: allowed(actor, "account.manage", ex.division_resource(grid)),
        )
        imported = 0
        if report.valid and (not report.errors or only_valid):
            imported = self.store.upsert_grid_workers(
                [row for _, row in report.valid], ex.clock(), actor.username
            )
        ex.audit(
            viewer,
            "import.grid_workers",
            target,
            f"ok:{imported}" if imported or not report.errors else "rejected",
            f"正确 {len(report.valid)} 行，错误 {len(report.errors)} 行",
        )
        return ImportOutcome(report, imported)
