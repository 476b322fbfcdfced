"""An address written the many ways people really write it.

`render_address(address, kinds, rng)` starts from a house's standard address and applies
each noise kind in `kinds` (they combine). With no kinds it returns `address.text`.
Forms each kind produces, for the standard address

    山东省青岛市市北区辽宁路街道科技街社区辽宁路123号华阳小区3号楼2单元401室

(floor 4; the parts are province, city, district, street, community, road + number,
compound, building, unit, room):

addr_missing_levels
    drops administrative levels, never the road + number, compound, building, unit or
    room; one of (the rest as canonical):
    青岛市市北区辽宁路街道科技街社区辽宁路123号…      (no province)
    市北区辽宁路街道科技街社区辽宁路123号…            (no province, city)
    市北区辽宁路123号…                               (district only)
    辽宁路123号华阳小区3号楼2单元401室               (no level at all: the commonest)
    青岛市市北区辽宁路123号…                         (no province, street, community)
    山东省青岛市市北区辽宁路123号…                   (no street, community)
    辽宁路街道科技街社区辽宁路123号…                 (no province, city, district)
addr_chinese_numerals
    counting numerals for the door, building and unit numbers, digit by digit for the
    room, with 零 or 〇 (one per address): …辽宁路一百二十三号华阳小区三号楼二单元四零一室
    or …四〇一室 (21 → 二十一, 10 → 十, 105 → 一百零五, 1203 → 一二〇三). A dash
    notation part stays in Arabic digits.
addr_dash_notation
    building-unit-room: …辽宁路123号华阳小区3-2-401, or (half the time when the
    address has both a door number and a compound) …辽宁路123号3-2-401
addr_old_district
    四方区 instead of 市北区 — only for the streets of the former 四方区 (merged into 市北区
    in 2012; `OLD_SIFANG_STREETS`): 山东省青岛市四方区洛阳路街道…; other addresses are
    unchanged (`address_kind_applies` says False).
addr_city_district_joined
    青岛 + district, one 市 written for both, and no province:
    青岛市北区辽宁路街道科技街社区辽宁路123号… (with addr_old_district: 青岛四方区…)
addr_compound_only
    the compound instead of road + number: 山东省青岛市市北区辽宁路街道科技街社区华阳小区
    3号楼2单元401室; unchanged when the address has no compound.
addr_unit_variants
    building 3号楼 | 3楼 | 3栋 | 3幢; unit 2单元 | 2门 | 2- (room follows: 2-401室);
    room 401室 | 401户 | 401号 | 401 | 4楼1户 (floor + room on the floor; then the
    building is never bare 楼 and the unit never "-"). At least one differs from the
    canonical 号楼/单元/室.
addr_fullwidth
    ASCII digits and "-" full-width: …辽宁路１２３号华阳小区３号楼２单元４０１室
addr_traditional
    OpenCC s2t: 山東省青島市市北區遼寧路街道科技街社區遼寧路123號華陽小區3號樓2單元401室
addr_space
    a space (ASCII, or full-width "\u3000" for the whole address one time in seven) at
    one or more boundaries between the parts above (road and number stay together):
    青岛市 市北区 辽宁路123号 华阳小区 3号楼 2单元 401室

Structural kinds are applied first (levels, compound, notation, numerals, variants), then
spaces, then traditional characters, then full-width.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Collection
from functools import cache
from itertools import accumulate

from shibei.gazetteer.model import CITY_NAME, PROVINCE_NAME, StandardAddress
from shibei.synth.noise import (
    ADDRESS_NOISE_KINDS,
    FULLWIDTH_SPACE,
    to_fullwidth,
    to_traditional,
)

__all__ = [
    "ADDRESS_NOISE_KINDS",
    "OLD_DISTRICT_NAME",
    "OLD_SIFANG_STREETS",
    "address_kind_applies",
    "chinese_count",
    "chinese_digits",
    "render_address",
]

OLD_DISTRICT_NAME = "四方区"
OLD_SIFANG_STREETS = frozenset(
    (
        "四方街道",
        "兴隆路街道",
        "水清沟街道",
        "洛阳路街道",
        "河西街道",
        "湖岛街道",
        "开平路街道",
        "双山街道",
    )
)
"""Streets of the former 四方区 (370205), part of 市北区 since 2012."""
_SITUATIONAL = frozenset({"addr_old_district", "addr_compound_only"})  # may not apply

_ADMIN = ("province", "city", "district", "street", "community")
# addr_missing_levels: administrative levels dropped, with how often people write so.
_MISSING_PATTERNS: tuple[tuple[frozenset[str], float], ...] = (
    (frozenset({"province"}), 0.10),
    (frozenset({"province", "city"}), 0.08),
    (frozenset({"province", "city", "street", "community"}), 0.20),
    (frozenset(_ADMIN), 0.35),
    (frozenset({"province", "street", "community"}), 0.12),
    (frozenset({"street", "community"}), 0.05),
    (frozenset({"province", "city", "district"}), 0.10),
)
_BUILDING_SUFFIXES = ("号楼", "楼", "栋", "幢")
_BUILDING_WEIGHTS = (0.4, 0.25, 0.25, 0.1)
_UNIT_SUFFIXES = ("单元", "门", "-")
_UNIT_WEIGHTS = (0.5, 0.25, 0.25)
_ROOM_FORMS = ("室", "户", "号", "", "floor")
_ROOM_WEIGHTS = (0.3, 0.2, 0.15, 0.2, 0.15)


def _variant_table(floor_form: bool) -> tuple[tuple[tuple[str, str, str], ...], tuple[float, ...]]:
    """All non-canonical (building suffix, unit suffix, room form) with joint weights."""
    combos: list[tuple[str, str, str]] = []
    weights: list[float] = []
    for b, wb in zip(_BUILDING_SUFFIXES, _BUILDING_WEIGHTS, strict=True):
        for u, wu in zip(_UNIT_SUFFIXES, _UNIT_WEIGHTS, strict=True):
            for r, wr in zip(_ROOM_FORMS, _ROOM_WEIGHTS, strict=True):
                if r == "floor" and (not floor_form or b == "楼" or u == "-"):
                    continue
                if (b, u, r) != ("号楼", "单元", "室"):
                    combos.append((b, u, r))
                    weights.append(wb * wu * wr)
    return tuple(combos), tuple(accumulate(weights))


_VARIANTS = {floor_form: _variant_table(floor_form) for floor_form in (False, True)}


def _missing_table(
    required: frozenset[str], keep: frozenset[str]
) -> tuple[tuple[frozenset[str], ...], tuple[float, ...]]:
    """Patterns that drop at least one level still shown, and nothing required."""
    chosen = [(p, w) for p, w in _MISSING_PATTERNS if p & keep and not p & required]
    return tuple(p for p, _ in chosen), tuple(accumulate(w for _, w in chosen))


_ALL_ADMIN = frozenset(_ADMIN)
_NO_PROVINCE = _ALL_ADMIN - {"province"}
# (joined, old district) → the patterns addr_missing_levels draws from.
_MISSING = {
    (False, False): _missing_table(frozenset(), _ALL_ADMIN),
    (False, True): _missing_table(frozenset({"district"}), _ALL_ADMIN),
    (True, False): _missing_table(frozenset({"city", "district"}), _NO_PROVINCE),
    (True, True): _missing_table(frozenset({"city", "district"}), _NO_PROVINCE),
}
_CN_DIGITS = "零一二三四五六七八九"
_CN_POWERS = ("", "十", "百", "千")


@cache
def chinese_count(n: int) -> str:
    """A non-negative integer in Chinese counting numerals (up to 9999, digit by digit above).

    >>> chinese_count(123), chinese_count(10), chinese_count(1050)
    ('一百二十三', '十', '一千零五十')
    """
    if n < 0:
        raise ValueError("需要非负整数")
    if n == 0:
        return "零"
    if n >= 10_000:
        return chinese_digits(n)
    text = str(n)
    out: list[str] = []
    pending_zero = False
    for i, d in enumerate(text):
        if d == "0":
            pending_zero = True
            continue
        if pending_zero:
            out.append("零")
            pending_zero = False
        out.append(_CN_DIGITS[int(d)] + _CN_POWERS[len(text) - 1 - i])
    result = "".join(out)
    return result[1:] if 10 <= n < 20 else result


def chinese_digits(n: int, zero: str = "零") -> str:
    """An integer digit by digit in Chinese: 401 → 四零一 (or 四〇一 with zero="〇")."""
    return "".join(zero if d == "0" else _CN_DIGITS[int(d)] for d in str(n))


def _compound(address: StandardAddress) -> str | None:
    value = address.elements.get("compound")
    return str(value) if value else None


def address_kind_applies(address: StandardAddress, kind: str) -> bool:
    """Whether `kind` changes this address (old district: former 四方区 streets only;
    compound only: addresses with a compound). Raises ValueError for a non-address kind."""
    if kind not in ADDRESS_NOISE_KINDS:
        raise ValueError(f"不是地址噪声类型：{kind}")
    if kind == "addr_compound_only":
        return _compound(address) is not None
    if kind == "addr_old_district":
        return address.elements.get("street") in OLD_SIFANG_STREETS
    return True


def render_address(address: StandardAddress, kinds: Collection[str], rng: random.Random) -> str:
    """The address as written with the noise `kinds` (see the module docstring); its
    canonical text when no kind applies. Raises ValueError for a non-address kind."""
    unknown = [k for k in kinds if k not in ADDRESS_NOISE_KINDS]
    if unknown:
        raise ValueError(f"不是地址噪声类型：{', '.join(sorted(unknown))}")
    if _SITUATIONAL.issuperset(kinds) and not any(address_kind_applies(address, k) for k in kinds):
        return address.text
    e = address.elements
    street = str(e["street"])
    road, roadno = str(e["road"]), int(e["roadno"])
    compound = _compound(address)
    building, unit, floor, room = (
        int(e["building"]),
        int(e["unit"]),
        int(e["floor"]),
        int(e["room"]),
    )

    district = str(e["district"])
    old = "addr_old_district" in kinds and street in OLD_SIFANG_STREETS
    if old:
        district = OLD_DISTRICT_NAME
    joined = "addr_city_district_joined" in kinds

    # Administrative levels.
    keep = _NO_PROVINCE if joined else _ALL_ADMIN
    if "addr_missing_levels" in kinds:
        patterns, cum = _MISSING[(joined, old)]
        keep = keep - patterns[bisect(cum, rng.random() * cum[-1])]
    parts: list[str] = []
    if "province" in keep:
        parts.append(PROVINCE_NAME)
    if joined:
        parts.append(CITY_NAME.removesuffix("市") + district)
    else:
        if "city" in keep:
            parts.append(CITY_NAME)
        if "district" in keep:
            parts.append(district)
    if "street" in keep:
        parts.append(street)
    if "community" in keep:
        parts.append(str(e["community"]))

    numerals = "addr_chinese_numerals" in kinds
    zero = ("零", "〇")[int(rng.random() * 2)] if numerals else "零"

    # Road + door number, compound.
    show_road = compound is None or "addr_compound_only" not in kinds
    show_compound = compound is not None
    dash = "addr_dash_notation" in kinds
    if dash and show_road and show_compound and rng.random() < 0.5:
        show_compound = False
    if show_road:
        parts.append(road + (chinese_count(roadno) if numerals else str(roadno)) + "号")
    if show_compound and compound is not None:
        parts.append(compound)

    # Building, unit, room.
    if dash:
        parts.append(f"{building}-{unit}-{room}")
    else:
        b_suffix, u_suffix, r_form = "号楼", "单元", "室"
        if "addr_unit_variants" in kinds:
            b_suffix, u_suffix, r_form = _unit_variant(rng, room - floor * 100)
        if numerals:
            parts.append(chinese_count(building) + b_suffix)
            parts.append(chinese_count(unit) + u_suffix)
        else:
            parts.append(f"{building}{b_suffix}")
            parts.append(f"{unit}{u_suffix}")
        if r_form == "floor":
            on_floor = room - floor * 100
            if numerals:
                parts.append(f"{chinese_count(floor)}楼{chinese_count(on_floor)}户")
            else:
                parts.append(f"{floor}楼{on_floor}户")
        else:
            parts.append((chinese_digits(room, zero) if numerals else str(room)) + r_form)

    if "addr_space" in kinds and len(parts) > 1:
        text = _join_with_spaces(parts, rng)
    else:
        text = "".join(parts)
    if "addr_traditional" in kinds:
        text = to_traditional(text)
    if "addr_fullwidth" in kinds:
        text = to_fullwidth(text)
    return text


def _unit_variant(rng: random.Random, room_on_floor: int) -> tuple[str, str, str]:
    combos, cum = _VARIANTS[0 < room_on_floor < 100]
    return combos[bisect(cum, rng.random() * cum[-1])]


def _join_with_spaces(parts: list[str], rng: random.Random) -> str:
    space = FULLWIDTH_SPACE if rng.random() < 1 / 7 else " "
    gaps = [rng.random() < 0.5 for _ in range(len(parts) - 1)]
    if not any(gaps):
        gaps[int(rng.random() * len(gaps))] = True
    out = [parts[0]]
    for part, gap in zip(parts[1:], gaps, strict=True):
        if gap:
            out.append(space)
        out.append(part)
    return "".join(out)
