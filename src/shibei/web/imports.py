"""Bulk imports from Excel: accounts and the grid-worker roster (专职网格员花名册).

Every row is checked first and the answer is a per-row error report; a file with errors
imports nothing unless the caller asks for the valid rows only."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Generic, TypeVar

from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from shibei.access import ROLE_LABELS, Role
from shibei.access.accounts import NewAccount
from shibei.standardize.address_match import AddressMatcher
from shibei.standardize.id_number import check_id_number
from shibei.standardize.name import normalize_person_name
from shibei.standardize.phone import normalize_phone
from shibei.web.auth import MIN_PASSWORD
from shibei.web.errors import BadRequest

ACCOUNT_HEADERS = ("用户名", "姓名", "角色", "单位代码", "人员编号", "初始密码")
GRID_WORKER_HEADERS = (
    "网格编码",
    "姓名",
    "性别",
    "公民身份号码",
    "联系电话",
    "居住地址",
    "上岗日期",
)
ROLE_BY_LABEL = {label: role for role, label in ROLE_LABELS.items()}
MAX_UPLOAD = 5 * 1024 * 1024
MAX_ROWS = 10_000
ID_PROBLEMS = {
    "length": "位数不对",
    "characters": "含非法字符",
    "checksum": "校验位错误",
    "birth_date": "出生日期不存在",
    "region": "地区码不存在",
}
ADDRESS_LEVELS = ("house", "building", "door", "compound")
"""An address must match at least a compound (小区/院落) to be accepted."""

T = TypeVar("T")


@dataclass
class ImportReport(Generic[T]):
    """Rows as Excel numbers them (header = row 1)."""

    valid: list[tuple[int, T]] = field(default_factory=list)
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


@dataclass(frozen=True, slots=True)
class AccountRow:
    account: NewAccount
    password: str


def _cells(raw: Sequence[object], width: int) -> list[str]:
    values = ["" if v is None else str(v).strip() for v in raw[:width]]
    return values + [""] * (width - len(values))


def check_account_rows(
    rows: Iterable[Sequence[object]],
    unit_problem: Callable[[Role, str], str | None],
    existing: set[str],
    person_exists: Callable[[str], bool] = lambda _: True,
) -> ImportReport[AccountRow]:
    """Rows after the header; `unit_problem(role, unit)` says why a unit does not fit a
    role (None when it does)."""
    report: ImportReport[AccountRow] = ImportReport()
    seen: set[str] = set()
    for number, raw in enumerate(rows, start=2):
        cells = _cells(raw, 6)
        username, name, role_label, unit, person, password = cells
        if not any(cells):
            continue
        problems = []
        if not username:
            problems.append("用户名为空")
        elif len(username) > 64 or not username.isprintable():
            problems.append("用户名过长或含非法字符")
        elif username in existing or username in seen:
            problems.append(f"用户名 {username} 已存在")
        role = ROLE_BY_LABEL.get(role_label)
        if role is None:
            problems.append(f"角色“{role_label}”不存在")
        elif role is Role.RESIDENT:
            if not person:
                problems.append("群众账号必须填写人员编号")
            elif not person_exists(person):
                problems.append(f"人员编号 {person} 不存在")
        elif (problem := unit_problem(role, unit)) is not None:
            problems.append(problem)
        if len(password) < MIN_PASSWORD:
            problems.append(f"初始密码至少 {MIN_PASSWORD} 位")
        if problems:
            report.errors.append((number, "；".join(problems)))
            continue
        seen.add(username)
        assert role is not None
        unit_code = "" if role is Role.RESIDENT else unit
        account = NewAccount(username, name or username, role, unit_code, person or None)
        report.valid.append((number, AccountRow(account, password)))
    return report


@dataclass(frozen=True, slots=True)
class GridWorkerRow:
    """A roster row after standardization."""

    grid_code: str
    name: str
    sex: str  # M | F
    id_number: str
    phone: str
    address: str
    address_code: str | None
    since: date | None


def _date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip().replace("/", "-").replace(".", "-")
    if not text:
        return None
    return date.fromisoformat(text)


def check_grid_worker_rows(
    rows: Iterable[Sequence[object]],
    grids: dict[str, str],
    matcher: AddressMatcher,
    grid_allowed: Callable[[str], bool] = lambda _: True,
) -> ImportReport[GridWorkerRow]:
    """Each row through the standardize functions: the grid code must be a grid of the
    gazetteer (and within the importer's scope), the name a person name, the ID number
    valid (checksum, birth date, region), the phone a mobile number, the address matched
    to a standard address at compound level or deeper, the start date a date."""
    report: ImportReport[GridWorkerRow] = ImportReport()
    seen: set[str] = set()
    for number, raw in enumerate(rows, start=2):
        cells = _cells(raw, 7)
        if not any(cells):
            continue
        grid, raw_name, sex_label, raw_id, raw_phone, address, _ = cells
        problems: list[str] = []
        if grid not in grids:
            problems.append(f"网格编码“{grid}”不存在")
        elif not grid_allowed(grid):
            problems.append(f"网格 {grid} 不在您的管辖范围内")
        name = normalize_person_name(raw_name) if raw_name else ""
        if not name or len(name) > 20 or any(ch.isdigit() for ch in name):
            problems.append("姓名为空或不是人名")
        sex = {"男": "M", "女": "F"}.get(sex_label)
        if sex is None:
            problems.append("性别应为“男”或“女”")
        id_check = check_id_number(raw_id) if raw_id else None
        if id_check is None:
            problems.append("公民身份号码为空")
        elif not id_check.valid:
            why = "、".join(ID_PROBLEMS.get(p, p) for p in id_check.problems)
            problems.append(f"公民身份号码无效（{why}）")
        elif id_check.value in seen:
            problems.append("公民身份号码在文件中重复")
        elif sex is not None and id_check.sex != sex:
            problems.append("性别与公民身份号码不符")
        phone = normalize_phone(raw_phone) if raw_phone else None
        if phone is None or phone.kind != "mobile":
            problems.append("联系电话应为 11 位手机号")
        address_code = None
        if address:
            match = matcher.match(address)
            if match.code is None or match.level not in ADDRESS_LEVELS:
                problems.append("居住地址无法匹配到标准地址（至少到小区或门牌）")
            else:
                address_code = match.code
        try:
            since = _date(raw[6] if len(raw) > 6 else None)
        except ValueError:
            since = None
            problems.append("上岗日期格式应为 2024-01-31")
        if problems:
            report.errors.append((number, "；".join(problems)))
            continue
        assert id_check is not None and phone is not None and sex is not None
        seen.add(id_check.value)
        report.valid.append(
            (
                number,
                GridWorkerRow(
                    grid, name, sex, id_check.value, phone.value, address, address_code, since
                ),
            )
        )
    return report


def read_rows(source: Path | bytes, headers: Sequence[str]) -> list[tuple[object, ...]]:
    """The data rows of the first sheet, after checking the header row; BadRequest in
    Chinese for anything that is not such a workbook."""
    if isinstance(source, bytes) and len(source) > MAX_UPLOAD:
        raise BadRequest("文件过大（上限 5 MB）")
    try:
        stream = io.BytesIO(source) if isinstance(source, bytes) else source
        sheet = load_workbook(stream, read_only=True, data_only=True).active
        rows = [tuple(r) for r in sheet.iter_rows(values_only=True)] if sheet else []
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as exc:
        raise BadRequest("无法读取 Excel 文件（请上传 .xlsx 格式）") from exc
    if not rows or tuple(str(c or "").strip() for c in rows[0][: len(headers)]) != tuple(headers):
        raise BadRequest("表头应为：" + "、".join(headers))
    if len(rows) - 1 > MAX_ROWS:
        raise BadRequest(f"一次最多导入 {MAX_ROWS} 行")
    return rows[1:]


def read_account_rows(path: Path) -> list[tuple[object, ...]]:
    return read_rows(path, ACCOUNT_HEADERS)


def template_workbook(title: str, headers: Sequence[str], example: Sequence[object]) -> bytes:
    """An empty import template with one example row."""
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(list(headers))
    sheet.append(list(example))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
