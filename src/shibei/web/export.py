"""Excel files with Chinese headers (openpyxl): lists leave the platform the way the page
shows them — already masked by the handler."""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from fastapi import Response
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from shibei.access.audit import AuditEntry
from shibei.web.schemas import OrganizationSummary, PersonSummary

PERSON_HEADERS = ("人员编号", "姓名", "公民身份号码", "联系电话", "居住地址", "网格", "流动人口")
ORGANIZATION_HEADERS = (
    "单位编号",
    "单位名称",
    "统一社会信用代码",
    "状态",
    "行业",
    "注册地房屋编码",
)
QUALITY_HEADERS = ("数据", "部门", "层级", "行数", "合格", "隔离", "重复", "合格率")
AUDIT_HEADERS = (
    "序号",
    "时间（UTC）",
    "账号",
    "角色",
    "IP",
    "操作",
    "对象",
    "结果",
    "事由",
    "哈希",
)
GRID_WORKER_EXPORT_HEADERS = (
    "网格编码",
    "网格",
    "姓名",
    "性别",
    "公民身份号码",
    "联系电话",
    "居住地址",
)


def person_rows(persons: Iterable[PersonSummary]) -> list[tuple[str, ...]]:
    return [
        (
            p.person_id,
            p.name or "",
            p.id_number or "",
            "、".join(p.phones),
            p.address or "",
            p.grid_name or "",
            "是" if p.is_migrant else "否",
        )
        for p in persons
    ]


def organization_rows(orgs: Iterable[OrganizationSummary]) -> list[tuple[str, ...]]:
    return [
        (o.org_id, o.name, o.uscc or "", o.status, o.industry or "", o.registered_house or "")
        for o in orgs
    ]


def quality_rows(reports: Iterable[Mapping[str, Any]]) -> list[tuple[str, ...]]:
    """One row per source feed, as the quality page shows it."""
    out: list[tuple[str, ...]] = []
    for r in reports:
        rows = r.get("rows") or {}
        total, clean = int(rows.get("in", 0)), int(rows.get("clean", 0))
        out.append(
            (
                str(r.get("title") or r.get("source") or ""),
                str(r.get("department") or ""),
                str(r.get("level") or ""),
                str(total),
                str(clean),
                str(rows.get("quarantined", 0)),
                str(rows.get("duplicate", 0)),
                f"{100 * clean / total:.1f}%" if total else "—",
            )
        )
    return out


def audit_rows(entries: Iterable[AuditEntry]) -> list[tuple[str, ...]]:
    return [
        (
            str(e.seq),
            e.record.at.strftime("%Y-%m-%d %H:%M:%S"),
            e.record.account,
            e.record.role,
            e.record.ip,
            e.record.action,
            e.record.target,
            e.record.result,
            e.record.reason,
            e.hash,
        )
        for e in entries
    ]


def grid_worker_rows(workers: Iterable[Any]) -> list[tuple[str, ...]]:
    """Rows of `GridWorkerPublic` (already masked by the handler)."""
    return [
        (w.grid_code, w.grid_name, w.name, w.sex, w.id_number, w.phone, w.address) for w in workers
    ]


def workbook_bytes(title: str, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """One sheet, bold header row, frozen under the header; cells written as text so a
    number such as an ID is not turned into 3.70203E+17."""
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        # control characters (from what a user typed, e.g. an audited query) are not
        # allowed in a worksheet: drop them rather than fail the whole export
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", str(v)) if v is not None else "" for v in row])
    sheet.freeze_panes = "A2"
    for column, header in zip(sheet.columns, headers, strict=False):
        width = max([len(str(header)) * 2, *(len(str(c.value or "")) for c in column)])
        sheet.column_dimensions[column[0].column_letter].width = min(width + 2, 60)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(
    title: str, headers: Sequence[str], rows: Iterable[Sequence[object]], filename: str
) -> Response:
    """An attachment response holding one sheet."""
    return Response(
        workbook_bytes(title, headers, rows),
        media_type=XLSX,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{filename}"},
    )
