"""Bulk import of accounts from Excel: every row checked first; a file with errors
imports nothing unless the caller asks for the valid rows only."""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook, load_workbook

from shibei.access import ROLE_LABELS, Role
from shibei.access.accounts import NewAccount
from shibei.web.auth import MIN_PASSWORD

ACCOUNT_HEADERS = ("用户名", "姓名", "角色", "单位代码", "人员编号", "初始密码")
ROLE_BY_LABEL = {label: role for role, label in ROLE_LABELS.items()}


@dataclass
class ImportReport:
    valid: list[tuple[int, NewAccount, str]] = field(default_factory=list)  # row, account, pwd
    errors: list[tuple[int, str]] = field(default_factory=list)  # row, Chinese reason

    def workbook(self) -> bytes:
        book = Workbook()
        sheet = book.active
        sheet.title = "导入错误"
        sheet.append(["行号", "错误"])
        for row, reason in self.errors:
            sheet.append([row, reason])
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()


def check_account_rows(
    rows: Iterable[tuple[object, ...]], units: set[str], existing: set[str]
) -> ImportReport:
    """Rows after the header (row numbers as Excel shows them, header = 1)."""
    report = ImportReport()
    seen: set[str] = set()
    for number, raw in enumerate(rows, start=2):
        cells = [("" if v is None else str(v).strip()) for v in raw] + [""] * 6
        username, name, role_label, unit, person, password = cells[:6]
        if not any(cells[:6]):
            continue
        problems = []
        if not username:
            problems.append("用户名为空")
        elif username in existing or username in seen:
            problems.append(f"用户名 {username} 已存在")
        role = ROLE_BY_LABEL.get(role_label)
        if role is None:
            problems.append(f"角色“{role_label}”不存在")
        elif role is Role.RESIDENT:
            if not person:
                problems.append("群众账号必须填写人员编号")
        elif unit not in units:
            problems.append(f"单位代码“{unit}”不存在")
        if len(password) < MIN_PASSWORD:
            problems.append(f"初始密码至少 {MIN_PASSWORD} 位")
        if problems:
            report.errors.append((number, "；".join(problems)))
            continue
        seen.add(username)
        assert role is not None
        unit_code = "" if role is Role.RESIDENT else unit
        report.valid.append(
            (
                number,
                NewAccount(username, name or username, role, unit_code, person or None),
                password,
            )
        )
    return report


def read_account_rows(path: Path) -> list[tuple[object, ...]]:
    sheet = load_workbook(path, read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    if not rows or tuple(str(c or "").strip() for c in rows[0][:6]) != ACCOUNT_HEADERS:
        from shibei.web.errors import BadRequest

        raise BadRequest("表头应为：" + "、".join(ACCOUNT_HEADERS))
    return rows[1:]
