from __future__ import annotations

import random

import pytest

from shibei.standardize.id_number import id_number_check_char, is_valid_id_number_checksum
from shibei.synth.names import HOMOPHONES, SIMILAR_CHARS
from shibei.synth.noise import (
    ADDRESS_NOISE_KINDS,
    FIELD_NOISE_KINDS,
    NOISE_KINDS,
    apply_noise,
    id_bad_checksum,
    id_legacy15,
    id_transposed,
    name_homophone,
    name_similar_char,
    phone_format,
    stray_space,
)

SEEDS = range(200)


def _id(first17: str) -> str:
    return first17 + id_number_check_char(first17)


ID_1949_X = "11010519491231002X"
ID_1985 = _id("37020319850309123")
ID_1999 = _id("37020519991231004")
ID_2005 = _id("37020320050601122")
IDS = (ID_1949_X, ID_1985, ID_1999, ID_2005)


def test_noise_kinds_are_exactly_the_documented_names() -> None:
    documented = {
        "name_homophone", "name_similar_char", "name_traditional", "name_space",
        "id_bad_checksum", "id_legacy15", "id_transposed", "id_lowercase_x",
        "phone_format", "fullwidth", "traditional", "stray_space",
        "addr_missing_levels", "addr_chinese_numerals", "addr_dash_notation",
        "addr_old_district", "addr_city_district_joined", "addr_compound_only",
        "addr_unit_variants", "addr_fullwidth", "addr_traditional", "addr_space",
    }  # fmt: skip
    assert documented == NOISE_KINDS
    assert NOISE_KINDS == FIELD_NOISE_KINDS | ADDRESS_NOISE_KINDS
    assert not FIELD_NOISE_KINDS & ADDRESS_NOISE_KINDS


def test_apply_noise_rejects_an_unknown_kind() -> None:
    with pytest.raises(ValueError, match="未知"):
        apply_noise("typo", "王伟", random.Random(0))


def test_apply_noise_sends_address_kinds_to_render_address() -> None:
    with pytest.raises(ValueError, match="render_address"):
        apply_noise("addr_space", "辽宁路123号", random.Random(0))


@pytest.mark.parametrize("kind", sorted(FIELD_NOISE_KINDS))
@pytest.mark.parametrize("value", ["王伟", "欧阳娜娜", ID_1949_X, ID_1985, "13812345678",
                                   "053281234567"])  # fmt: skip
def test_apply_noise_is_deterministic_and_never_returns_the_value_unchanged(
    kind: str, value: str
) -> None:
    for seed in range(20):
        noisy = apply_noise(kind, value, random.Random(seed))
        assert noisy == apply_noise(kind, value, random.Random(seed))
        assert noisy != value


# -- names ---------------------------------------------------------------------------


def _diff_positions(a: str, b: str) -> list[int]:
    assert len(a) == len(b)
    return [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]


@pytest.mark.parametrize("name", ["王伟", "李静", "张丽华", "刘明", "欧阳娜娜"])
def test_name_homophone_replaces_one_character_by_a_homophone(name: str) -> None:
    for seed in SEEDS:
        noisy = name_homophone(name, random.Random(seed))
        assert noisy is not None
        (i,) = _diff_positions(name, noisy)
        assert noisy[i] in HOMOPHONES[name[i]]


def test_name_homophone_prefers_the_given_name() -> None:
    outputs = {name_homophone("王伟", random.Random(seed)) for seed in SEEDS}
    assert outputs == {"王" + c for c in HOMOPHONES["伟"]}


def test_name_homophone_is_not_applicable_without_a_table_character() -> None:
    assert name_homophone("卞犇", random.Random(0)) is None


@pytest.mark.parametrize("name", ["王伟", "侯未", "斌"])
def test_name_similar_char_replaces_one_character_by_a_similar_one(name: str) -> None:
    for seed in SEEDS:
        noisy = name_similar_char(name, random.Random(seed))
        assert noisy is not None
        (i,) = _diff_positions(name, noisy)
        assert noisy[i] in SIMILAR_CHARS[name[i]]


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        ("name_traditional", "刘丽华", "劉麗華"),
        ("name_traditional", "王明", None),
        ("traditional", "刘丽华", "劉麗華"),
        ("traditional", "辽宁路", "遼寧路"),
        ("fullwidth", "37020319850309123X", "３７０２０３１９８５０３０９１２３Ｘ"),
        ("fullwidth", "王伟", None),
        ("id_lowercase_x", ID_1949_X, "11010519491231002x"),
        ("id_lowercase_x", "370203198503091236", None),
        ("id_legacy15", ID_1949_X, "110105491231002"),
        ("id_legacy15", ID_1999, ID_1999[:6] + "991231004"),
        ("id_legacy15", ID_2005, None),
        ("id_legacy15", "110105491231002", None),
        ("id_bad_checksum", "110105491231002", None),
        ("phone_format", "12345", None),
    ],
)
def test_deterministic_noise_gives_the_documented_value(
    kind: str, value: str, expected: str | None
) -> None:
    assert apply_noise(kind, value, random.Random(0)) == expected


@pytest.mark.parametrize(
    ("name", "forms"),
    [
        ("王伟", {"王 伟", "王\u3000伟", "王伟 "}),
        ("欧阳娜娜", {"欧阳 娜娜", "欧阳\u3000娜娜", "欧阳娜娜 "}),
    ],
)
def test_name_space_gives_one_of_the_documented_forms(name: str, forms: set[str]) -> None:
    assert {apply_noise("name_space", name, random.Random(seed)) for seed in SEEDS} == forms


# -- ID numbers ----------------------------------------------------------------------


@pytest.mark.parametrize("id_number", IDS)
def test_id_bad_checksum_fails_the_checksum_and_keeps_17_digits(id_number: str) -> None:
    for seed in SEEDS:
        noisy = id_bad_checksum(id_number, random.Random(seed))
        assert noisy is not None
        assert noisy[:17] == id_number[:17]
        assert not is_valid_id_number_checksum(noisy)


@pytest.mark.parametrize("id_number", [ID_1949_X, ID_1985, ID_1999])
def test_id_legacy15_is_the_15_digit_slice_for_births_before_2000(id_number: str) -> None:
    noisy = id_legacy15(id_number, random.Random(0))
    assert noisy == id_number[:6] + id_number[8:17]
    assert noisy is not None and len(noisy) == 15 and noisy.isdigit()


@pytest.mark.parametrize("id_number", IDS)
def test_id_transposed_swaps_two_adjacent_different_digits(id_number: str) -> None:
    for seed in SEEDS:
        noisy = id_transposed(id_number, random.Random(seed))
        assert noisy is not None
        i, j = _diff_positions(id_number, noisy)
        assert j == i + 1
        assert (noisy[i], noisy[j]) == (id_number[j], id_number[i])
        assert noisy[i].isdigit() and noisy[j].isdigit()


def test_id_transposed_is_not_applicable_to_a_constant_number() -> None:
    assert id_transposed("111111111111111111", random.Random(0)) is None


# -- phones and text -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("phone", "forms"),
    [
        ("13812345678", {"138 1234 5678", "138-1234-5678", "+86 13812345678", "8613812345678"}),
        ("053281234567", {"(0532)81234567", "0532 81234567", "0532-81234567", "81234567"}),
        ("0532-81234567", {"(0532)81234567", "0532 81234567", "81234567"}),
    ],
)
def test_phone_format_gives_every_documented_form(phone: str, forms: set[str]) -> None:
    assert {phone_format(phone, random.Random(seed)) for seed in SEEDS} == forms


@pytest.mark.parametrize("value", ["13812345678", "王伟", "370203198503091236", "伟"])
def test_stray_space_adds_exactly_one_space(value: str) -> None:
    for seed in SEEDS:
        noisy = stray_space(value, random.Random(seed))
        assert noisy is not None
        assert len(noisy) == len(value) + 1
        assert noisy.replace(" ", "", 1) == value or noisy.replace("\u3000", "", 1) == value
