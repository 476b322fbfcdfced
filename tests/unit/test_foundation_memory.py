"""InMemoryFoundationReader: the fake read port behaves like the real one."""

from __future__ import annotations

from datetime import date

import pytest

from shibei.foundation.memory import InMemoryFoundationReader
from shibei.foundation.reader import PersonView, Rollup, level_of


def _person(pid: str, name: str, phone: str, house: str) -> PersonView:
    return PersonView(
        pid, name, None, date(1990, 1, 1), "女", (phone,), house, house, False, None, house[:15]
    )


READER = InMemoryFoundationReader(
    persons=[
        _person("P1", "张伟", "13800000001", "3702030050010010001010101"),
        _person("P2", "张玮", "13800000002", "3702030080020010001010101"),
        _person("P3", "李娜", "13800000003", "3702030050010010001010102"),
    ],
    rollups=[
        Rollup("street", "370203005", "辽宁路街道", 2, 2, 0, 2, 2, 0, 0, 0),
        Rollup("street", "370203008", "延安路街道", 1, 1, 0, 1, 1, 0, 0, 0),
        Rollup("district", "370203", "市北区", 3, 3, 0, 3, 3, 0, 0, 0),
    ],
)


def test_name_search_puts_exact_before_same_pinyin() -> None:
    assert [p.person_id for p in READER.search_persons(name="张玮")] == ["P2", "P1"]


def test_search_within_a_street_sees_only_that_street() -> None:
    assert [p.person_id for p in READER.search_persons(name="张伟", within="370203005")] == ["P1"]


def test_phone_search_normalizes_the_query() -> None:
    assert [p.person_id for p in READER.search_persons(phone="138-0000-0003")] == ["P3"]
    assert READER.search_persons(phone="12") == []


def test_rollups_by_level_and_parent() -> None:
    assert [r.code for r in READER.rollups("street")] == ["370203005", "370203008"]
    assert [r.code for r in READER.rollups("street", within="370203008")] == ["370203008"]
    assert READER.rollup("370203") is not None


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("370203", "district"),
        ("370203005", "street"),
        ("370203005001", "community"),
        ("370203005001001", "grid"),
    ],
)
def test_level_of_division_codes(code: str, level: str) -> None:
    assert level_of(code) == level


def test_level_of_rejects_other_codes() -> None:
    with pytest.raises(ValueError, match="不是区划代码"):
        level_of("3702030050010010001")
