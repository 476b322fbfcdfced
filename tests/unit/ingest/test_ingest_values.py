from __future__ import annotations

from datetime import date, datetime

import pytest

from shibei.ingest.values import (
    parse_date,
    parse_datetime,
    parse_decimal,
    parse_integer,
    parse_sex,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("20240305", date(2024, 3, 5)),
        ("2024-03-05", date(2024, 3, 5)),
        ("2024/3/5", date(2024, 3, 5)),
        ("2024.3.5", date(2024, 3, 5)),
        ("2024年3月5日", date(2024, 3, 5)),
        ("2024-01-01 14:52:00", date(2024, 1, 1)),
        ("2025-07-06T00:00:00", date(2025, 7, 6)),
        (" 2024/12/31 8:05 ", date(2024, 12, 31)),
        ("2024-02-30", None),
        ("2024/13/1", None),
        ("1024-01-01", None),
        ("昨天", None),
        ("2024-03", None),
    ],
)
def test_parses_dates_in_each_departments_style(text: str, expected: date | None) -> None:
    assert parse_date(text) == expected


def test_keeps_the_time_of_a_datetime() -> None:
    assert parse_datetime("2024-01-01 14:52:07") == datetime(2024, 1, 1, 14, 52, 7)


def test_tries_a_specs_own_formats_first() -> None:
    assert parse_date("05.03.2024", ["%d.%m.%Y"]) == date(2024, 3, 5)


@pytest.mark.parametrize(
    ("text", "expected"), [("2023", 2023), ("1,234", 1234), ("12.0", 12), ("12.5", None)]
)
def test_parses_integers(text: str, expected: int | None) -> None:
    assert parse_integer(text) == expected


def test_parses_decimals_and_rejects_words() -> None:
    assert parse_decimal("327.55") == 327.55
    assert parse_decimal("三百") is None
    assert parse_decimal("nan") is None


@pytest.mark.parametrize(("text", "expected"), [("男", "M"), ("女", "F"), ("未知", None)])
def test_maps_sex_to_m_and_f(text: str, expected: str | None) -> None:
    assert parse_sex(text) == expected
