"""Standard address codes: build and take apart (docs/address-codes.md).

Codes are strings, hierarchical, fixed width per level, so that a prefix selects a
division: every house code starts with its grid code, which starts with its community
code, which starts with its street code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

STREET_RE = re.compile(r"370203\d{3}")
COMMUNITY_RE = re.compile(r"370203\d{6}")
GRID_RE = re.compile(r"370203\d{9}")
ROAD_RE = re.compile(r"370203\d{3}R\d{3}")
COMPOUND_RE = re.compile(r"370203\d{6}Q\d{3}")
BUILDING_RE = re.compile(r"370203\d{13}")
HOUSE_RE = re.compile(r"(370203\d{13})(\d{2})(\d{2})(\d{2})")


def grid_code(community_code: str, number: int) -> str:
    """`grid_code("370203005001", 3) == "370203005001003"`."""
    return f"{community_code}{_digits(number, 3)}"


def road_code(street_code: str, number: int) -> str:
    """`road_code("370203005", 12) == "370203005R012"`."""
    return f"{street_code}R{_digits(number, 3)}"


def door_code(road: str, door_number: int) -> str:
    """A door number on a road segment: `door_code("370203005R012", 123)` → `...R0120123`."""
    return f"{road}{_digits(door_number, 4)}"


def compound_code(community_code: str, number: int) -> str:
    """`compound_code("370203005001", 4) == "370203005001Q004"`."""
    return f"{community_code}Q{_digits(number, 3)}"


def building_code(grid: str, number: int) -> str:
    """`building_code("370203005001003", 12) == "3702030050010030012"`."""
    return f"{grid}{_digits(number, 4)}"


def house_code(building: str, unit: int, floor: int, room_on_floor: int) -> str:
    """Unit, floor and room-on-floor, two digits each, after the building code."""
    return f"{building}{_digits(unit, 2)}{_digits(floor, 2)}{_digits(room_on_floor, 2)}"


@dataclass(frozen=True, slots=True)
class HouseCodeParts:
    """A house code taken apart."""

    street_code: str
    community_code: str
    grid_code: str
    building_code: str
    unit: int
    floor: int
    room_on_floor: int

    @property
    def room(self) -> int:
        """The room number as written on the door: floor * 100 + room-on-floor."""
        return self.floor * 100 + self.room_on_floor


def parse_house_code(code: str) -> HouseCodeParts:
    """Split a 25-digit house code; ValueError if it is not one.

    >>> parse_house_code("3702030050010030012020401").room
    401
    """
    match = HOUSE_RE.fullmatch(code)
    if match is None:
        raise ValueError(f"不是房屋编码: {code!r}")
    building, unit, floor, room = match.groups()
    return HouseCodeParts(
        street_code=code[:9],
        community_code=code[:12],
        grid_code=code[:15],
        building_code=building,
        unit=int(unit),
        floor=int(floor),
        room_on_floor=int(room),
    )


def _digits(number: int, width: int) -> str:
    if not 0 < number < 10**width:
        raise ValueError(f"{number} does not fit in {width} digits")
    return f"{number:0{width}d}"
