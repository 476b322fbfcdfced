from __future__ import annotations

import random
import re

import pytest

from shibei.gazetteer.model import StandardAddress
from shibei.synth.address_forms import (
    ADDRESS_NOISE_KINDS,
    OLD_SIFANG_STREETS,
    address_kind_applies,
    chinese_count,
    chinese_digits,
    render_address,
)
from shibei.synth.noise import NOISE_KINDS


def _address(street: str, community: str, road: str, compound: str | None) -> StandardAddress:
    elements: dict[str, str | int] = {
        "district": "市北区", "street": street, "community": community, "road": road,
        "roadno": 123, "building": 3, "unit": 2, "floor": 4, "room": 401,
    }  # fmt: skip
    if compound is not None:
        elements["compound"] = compound
    text = f"山东省青岛市市北区{street}{community}{road}123号{compound or ''}3号楼2单元401室"
    return StandardAddress("370203005001003000102040", text, elements, 36.08, 120.36)


ADDRESS = _address("辽宁路街道", "科技街社区", "辽宁路", "华阳小区")
SIFANG = _address("洛阳路街道", "洛阳路社区", "洛阳路", "华阳小区")
NO_COMPOUND = _address("辽宁路街道", "科技街社区", "辽宁路", None)
HOUSE = "华阳小区3号楼2单元401室"
LEVELS = "山东省青岛市市北区辽宁路街道科技街社区"  # the administrative levels of ADDRESS
SIFANG_LEVELS = "洛阳路街道洛阳路社区"
SEEDS = range(300)


def _forms(address: StandardAddress, kinds: list[str]) -> set[str]:
    return {render_address(address, kinds, random.Random(seed)) for seed in SEEDS}


def test_address_noise_kinds_are_the_documented_ones() -> None:
    documented = {
        "addr_missing_levels", "addr_chinese_numerals", "addr_dash_notation",
        "addr_old_district", "addr_city_district_joined", "addr_compound_only",
        "addr_unit_variants", "addr_fullwidth", "addr_traditional", "addr_space",
    }  # fmt: skip
    assert documented == ADDRESS_NOISE_KINDS
    assert ADDRESS_NOISE_KINDS <= NOISE_KINDS


@pytest.mark.parametrize("address", [ADDRESS, SIFANG, NO_COMPOUND])
def test_no_kinds_gives_the_canonical_text(address: StandardAddress) -> None:
    assert render_address(address, (), random.Random(0)) == address.text


@pytest.mark.parametrize(
    ("address", "kinds", "expected"),
    [
        (ADDRESS, ["addr_city_district_joined"],
         "青岛市北区辽宁路街道科技街社区辽宁路123号" + HOUSE),
        (ADDRESS, ["addr_compound_only"], "山东省青岛市市北区辽宁路街道科技街社区" + HOUSE),
        (ADDRESS, ["addr_fullwidth"],
         "山东省青岛市市北区辽宁路街道科技街社区辽宁路１２３号华阳小区３号楼２单元４０１室"),
        (ADDRESS, ["addr_traditional"],
         "山東省青島市市北區遼寧路街道科技街社區遼寧路123號華陽小區3號樓2單元401室"),
        (SIFANG, ["addr_old_district"],
         "山东省青岛市四方区" + SIFANG_LEVELS + "洛阳路123号" + HOUSE),
        (SIFANG, ["addr_old_district", "addr_city_district_joined"],
         "青岛四方区洛阳路街道洛阳路社区洛阳路123号" + HOUSE),
        (ADDRESS, ["addr_old_district"], ADDRESS.text),
        (NO_COMPOUND, ["addr_compound_only"], NO_COMPOUND.text),
        (ADDRESS, ["addr_compound_only", "addr_dash_notation"],
         "山东省青岛市市北区辽宁路街道科技街社区华阳小区3-2-401"),
        (NO_COMPOUND, ["addr_dash_notation"], LEVELS + "辽宁路123号3-2-401"),
        (ADDRESS, ["addr_city_district_joined", "addr_missing_levels"],
         "青岛市北区辽宁路123号" + HOUSE),
        (ADDRESS, ["addr_compound_only", "addr_dash_notation", "addr_fullwidth"],
         "山东省青岛市市北区辽宁路街道科技街社区华阳小区３－２－４０１"),
    ],
)  # fmt: skip
def test_deterministic_kinds_give_the_documented_text(
    address: StandardAddress, kinds: list[str], expected: str
) -> None:
    assert _forms(address, kinds) == {expected}


@pytest.mark.parametrize(
    ("address", "kinds", "expected"),
    [
        (ADDRESS, ["addr_missing_levels"], {
            "青岛市市北区辽宁路街道科技街社区辽宁路123号" + HOUSE,
            "市北区辽宁路街道科技街社区辽宁路123号" + HOUSE,
            "市北区辽宁路123号" + HOUSE,
            "辽宁路123号" + HOUSE,
            "青岛市市北区辽宁路123号" + HOUSE,
            "山东省青岛市市北区辽宁路123号" + HOUSE,
            "辽宁路街道科技街社区辽宁路123号" + HOUSE,
        }),
        (ADDRESS, ["addr_missing_levels", "addr_compound_only"], {
            "青岛市市北区辽宁路街道科技街社区" + HOUSE,
            "市北区辽宁路街道科技街社区" + HOUSE,
            "市北区" + HOUSE,
            HOUSE,
            "青岛市市北区" + HOUSE,
            "山东省青岛市市北区" + HOUSE,
            "辽宁路街道科技街社区" + HOUSE,
        }),
        (SIFANG, ["addr_missing_levels", "addr_old_district"], {
            "青岛市四方区洛阳路街道洛阳路社区洛阳路123号" + HOUSE,
            "四方区洛阳路街道洛阳路社区洛阳路123号" + HOUSE,
            "四方区洛阳路123号" + HOUSE,
            "青岛市四方区洛阳路123号" + HOUSE,
            "山东省青岛市四方区洛阳路123号" + HOUSE,
        }),
        (ADDRESS, ["addr_chinese_numerals"], {
            "山东省青岛市市北区辽宁路街道科技街社区辽宁路一百二十三号华阳小区三号楼二单元四零一室",
            "山东省青岛市市北区辽宁路街道科技街社区辽宁路一百二十三号华阳小区三号楼二单元四〇一室",
        }),
        (ADDRESS, ["addr_chinese_numerals", "addr_dash_notation"], {
            "山东省青岛市市北区辽宁路街道科技街社区辽宁路一百二十三号华阳小区3-2-401",
            "山东省青岛市市北区辽宁路街道科技街社区辽宁路一百二十三号3-2-401",
        }),
        (ADDRESS, ["addr_dash_notation"], {
            "山东省青岛市市北区辽宁路街道科技街社区辽宁路123号华阳小区3-2-401",
            "山东省青岛市市北区辽宁路街道科技街社区辽宁路123号3-2-401",
        }),
        (ADDRESS, ["addr_missing_levels", "addr_dash_notation", "addr_compound_only"], {
            "青岛市市北区辽宁路街道科技街社区华阳小区3-2-401",
            "市北区辽宁路街道科技街社区华阳小区3-2-401",
            "市北区华阳小区3-2-401",
            "华阳小区3-2-401",
            "青岛市市北区华阳小区3-2-401",
            "山东省青岛市市北区华阳小区3-2-401",
            "辽宁路街道科技街社区华阳小区3-2-401",
        }),
    ],
)  # fmt: skip
def test_random_kinds_give_every_documented_form_and_nothing_else(
    address: StandardAddress, kinds: list[str], expected: set[str]
) -> None:
    assert _forms(address, kinds) == expected


_UNIT_VARIANT = re.compile(
    r"山东省青岛市市北区辽宁路街道科技街社区辽宁路123号华阳小区"
    r"3(?P<b>号楼|楼|栋|幢)2(?P<u>单元|门|-)(?P<r>401(室|户|号|)|4楼1户)"
)


def test_unit_variants_give_the_documented_suffixes_and_never_the_canonical_text() -> None:
    forms = _forms(ADDRESS, ["addr_unit_variants"])
    assert ADDRESS.text not in forms
    parts = set()
    for form in forms:
        match = _UNIT_VARIANT.fullmatch(form)
        assert match is not None, form
        parts |= {match["b"], match["u"], match["r"]}
        if match["r"] == "4楼1户":
            assert match["b"] != "楼" and match["u"] != "-"
    assert parts == {"号楼", "楼", "栋", "幢", "单元", "门", "-",
                     "401室", "401户", "401号", "401", "4楼1户"}  # fmt: skip


def test_unit_variants_with_chinese_numerals_write_the_floor_form_in_chinese() -> None:
    forms = _forms(ADDRESS, ["addr_unit_variants", "addr_chinese_numerals"])
    assert any(f.endswith("四楼一户") for f in forms)
    assert all("401" not in f for f in forms)


@pytest.mark.parametrize("address", [ADDRESS, SIFANG, NO_COMPOUND])
def test_addr_space_puts_spaces_between_parts_only(address: StandardAddress) -> None:
    forms = _forms(address, ["addr_space"])
    assert {f.replace(" ", "").replace("\u3000", "") for f in forms} == {address.text}
    assert all(" " in f or "\u3000" in f for f in forms)
    assert not any("路 123号" in f for f in forms)  # road and number stay together
    assert any(f.startswith("山东省 青岛市 ") for f in forms)


@pytest.mark.parametrize("kind", sorted(ADDRESS_NOISE_KINDS))
def test_every_kind_changes_an_address_it_applies_to(kind: str) -> None:
    assert address_kind_applies(SIFANG, kind)
    assert SIFANG.text not in _forms(SIFANG, [kind])


@pytest.mark.parametrize(
    ("address", "kind", "applies"),
    [
        (ADDRESS, "addr_old_district", False),
        (SIFANG, "addr_old_district", True),
        (NO_COMPOUND, "addr_compound_only", False),
        (ADDRESS, "addr_compound_only", True),
        (NO_COMPOUND, "addr_missing_levels", True),
    ],
)
def test_address_kind_applies(address: StandardAddress, kind: str, applies: bool) -> None:
    assert address_kind_applies(address, kind) is applies


def test_old_sifang_streets_are_the_eight_former_streets() -> None:
    former = {"四方街道", "兴隆路街道", "水清沟街道", "洛阳路街道",
              "河西街道", "湖岛街道", "开平路街道", "双山街道"}  # fmt: skip
    assert former == OLD_SIFANG_STREETS


@pytest.mark.parametrize("kind", ["name_space", "typo"])
def test_render_address_rejects_non_address_kinds(kind: str) -> None:
    with pytest.raises(ValueError):
        render_address(ADDRESS, [kind], random.Random(0))
    with pytest.raises(ValueError):
        address_kind_applies(ADDRESS, kind)


def test_render_address_is_deterministic_per_seed() -> None:
    kinds = sorted(ADDRESS_NOISE_KINDS)
    for seed in range(20):
        a = render_address(SIFANG, kinds, random.Random(seed))
        assert a == render_address(SIFANG, kinds, random.Random(seed))


@pytest.mark.parametrize(
    ("n", "text"),
    [(0, "零"), (1, "一"), (3, "三"), (10, "十"), (11, "十一"), (20, "二十"), (21, "二十一"),
     (100, "一百"), (101, "一百零一"), (110, "一百一十"), (123, "一百二十三"), (1000, "一千"),
     (1005, "一千零五"), (1050, "一千零五十"), (1203, "一千二百零三"), (12345, "一二三四五")],
)  # fmt: skip
def test_chinese_count(n: int, text: str) -> None:
    assert chinese_count(n) == text


@pytest.mark.parametrize(
    ("n", "zero", "text"), [(401, "零", "四零一"), (401, "〇", "四〇一"), (1203, "〇", "一二〇三")]
)
def test_chinese_digits(n: int, zero: str, text: str) -> None:
    assert chinese_digits(n, zero) == text
