"""Typed values from feed text: dates in each department's style, numbers, sex. Pure.

>>> parse_date("2024年3月5日"), parse_date("20240305"), parse_date("2024/3/5 08:00")
(datetime.date(2024, 3, 5), datetime.date(2024, 3, 5), datetime.date(2024, 3, 5))
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime

_DATE = re.compile(
    r"^(\d{4})(?:[-/.年](\d{1,2})[-/.月](\d{1,2})日?|(\d{2})(\d{2}))"
    r"(?:[ T]+(\d{1,2})[:：时](\d{1,2})(?:[:：分](\d{1,2})(?:\.\d+)?秒?)?)?$"
)
EARLIEST_YEAR, LATEST_YEAR = 1880, 2100


def parse_datetime(text: str, formats: Sequence[str] = ()) -> datetime | None:
    """A date or date-time in any of the feeds' styles — 20240305, 2024-03-05, 2024/3/5,
    2024.3.5, 2024年3月5日, each optionally followed by a time — or one of `formats`
    (strptime). None when it is not a real calendar date in 1880–2100."""
    text = text.strip().replace("\u3000", " ")
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            pass
    m = _DATE.match(text)
    if m is None:
        return None
    y, mo, d, mo8, d8, hh, mi, ss = m.groups()
    try:
        out = datetime(
            int(y), int(mo or mo8), int(d or d8), int(hh or 0), int(mi or 0), int(ss or 0)
        )
    except ValueError:
        return None
    return out if EARLIEST_YEAR <= out.year <= LATEST_YEAR else None


def parse_date(text: str, formats: Sequence[str] = ()) -> date | None:
    moment = parse_datetime(text, formats)
    return None if moment is None else moment.date()


def parse_integer(text: str) -> int | None:
    """'2023', '1,234', '12.0' → int; anything else None."""
    t = text.replace(",", "").replace("，", "").strip()
    try:
        return int(t)
    except ValueError:
        try:
            f = float(t)
        except ValueError:
            return None
        return int(f) if f.is_integer() else None


def parse_decimal(text: str) -> float | None:
    t = text.replace(",", "").replace("，", "").strip()
    try:
        f = float(t)
    except ValueError:
        return None
    return f if f == f and f not in (float("inf"), float("-inf")) else None


_SEX = {"男": "M", "男性": "M", "m": "M", "male": "M", "1": "M",
        "女": "F", "女性": "F", "f": "F", "female": "F", "2": "F"}  # fmt: skip


def parse_sex(text: str) -> str | None:
    """男/女 (and M/F, 1/2) → 'M'/'F'; anything else (未知, 未说明) None."""
    return _SEX.get(text.strip().lower())
