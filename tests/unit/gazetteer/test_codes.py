"""Standard address codes: fixed-width strings, each level a prefix of the next."""

from __future__ import annotations

import pytest

from shibei.gazetteer.codes import (
    HouseCodeParts,
    building_code,
    compound_code,
    door_code,
    grid_code,
    house_code,
    parse_house_code,
    road_code,
)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (grid_code("370203005001", 3), "370203005001003"),
        (road_code("370203005", 12), "370203005R012"),
        (door_code("370203005R012", 123), "370203005R0120123"),
        (compound_code("370203005001", 4), "370203005001Q004"),
        (building_code("370203005001003", 12), "3702030050010030012"),
        (house_code("3702030050010030012", 2, 4, 1), "3702030050010030012020401"),
    ],
)
def test_codes_are_zero_padded_strings_under_their_parent(code: str, expected: str) -> None:
    assert code == expected


def test_parse_house_code_gives_every_level_and_the_door_room_number() -> None:
    parts = parse_house_code("3702030050010030012021203")
    assert parts == HouseCodeParts(
        street_code="370203005",
        community_code="370203005001",
        grid_code="370203005001003",
        building_code="3702030050010030012",
        unit=2,
        floor=12,
        room_on_floor=3,
    )
    assert parts.room == 1203


@pytest.mark.parametrize(
    "code", ["370203005001003001202120", "3702030050010030012021203x", "3702020050010030012021203"]
)
def test_parse_house_code_rejects_what_is_not_a_house_code(code: str) -> None:
    with pytest.raises(ValueError, match="不是房屋编码"):
        parse_house_code(code)


@pytest.mark.parametrize("number", [0, 1000])
def test_a_number_that_does_not_fit_its_width_is_refused(number: int) -> None:
    with pytest.raises(ValueError, match="does not fit in 3 digits"):
        grid_code("370203005001", number)
