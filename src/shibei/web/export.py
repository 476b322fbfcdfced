"""Excel files with Chinese headers (openpyxl): lists leave the platform the way the page
shows them — already masked by the handler."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.styles import Font

from shibei.web.schemas import PersonSummary

PERSON_HEADERS = ("人员编号", "姓名", "公民身份号码", "联系电话", "居住地址", "网格", "流动人口")


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
        sheet.append([str(v) if v is not None else "" for v in row])
    sheet.freeze_panes = "A2"
    for column, header in zip(sheet.columns, headers, strict=False):
        width = max([len(str(header)) * 2, *(len(str(c.value or "")) for c in column)])
        sheet.column_dimensions[column[0].column_letter].width = min(width + 2, 60)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
