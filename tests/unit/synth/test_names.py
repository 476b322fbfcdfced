from __future__ import annotations

import random
from collections import Counter

import pytest
from pypinyin import Style, lazy_pinyin

from shibei.synth.names import (
    HOMOPHONES,
    RARE_CHARS,
    SIMILAR_CHARS,
    SURNAME_WEIGHTS,
    SURNAMES,
    NameGenerator,
    era_of,
    split_name,
)

DRAWS = 20_000


def _names(seed: int, sex: str = "男", n: int = DRAWS, birth_year: int | None = None) -> list[str]:
    gen = NameGenerator(random.Random(seed))
    return [gen.person_name(sex, birth_year) for _ in range(n)]


def _pinyin(char: str) -> str:
    return str(lazy_pinyin(char, style=Style.NORMAL)[0])


def test_same_seed_gives_same_names() -> None:
    assert _names(11, n=500) == _names(11, n=500)


def test_different_seeds_give_different_names() -> None:
    assert _names(11, n=500) != _names(12, n=500)


def test_surname_table_has_unique_surnames_with_positive_weights() -> None:
    assert len(SURNAMES) >= 100
    assert len(set(SURNAMES)) == len(SURNAMES)
    assert all(w > 0 for w in SURNAME_WEIGHTS)
    assert {"欧阳", "司马", "诸葛", "上官"} <= set(SURNAMES)


@pytest.mark.parametrize(
    ("surname", "low", "high"),
    [("王", 0.08, 0.13), ("张", 0.065, 0.10), ("李", 0.06, 0.095), ("刘", 0.05, 0.08)],
)
def test_surname_share_over_20k_draws_is_within_band(surname: str, low: float, high: float) -> None:
    gen = NameGenerator(random.Random(5))
    counts = Counter(gen.surname() for _ in range(DRAWS))
    assert low <= counts[surname] / DRAWS <= high


def test_compound_surnames_are_rare_but_drawn() -> None:
    gen = NameGenerator(random.Random(3))
    counts = Counter(gen.surname() for _ in range(200_000))
    compound = sum(counts[s] for s in ("欧阳", "司马", "诸葛", "上官"))
    assert 0 < compound < 0.002 * 200_000


def test_about_thirty_percent_of_given_names_have_one_character() -> None:
    names = _names(2, sex="女")
    single = sum(len(split_name(n)[1]) == 1 for n in names)
    assert 0.22 <= single / DRAWS <= 0.38
    assert all(1 <= len(split_name(n)[1]) <= 2 for n in names)


def test_about_half_a_percent_of_names_carry_a_rare_character() -> None:
    rare = set("".join(RARE_CHARS.values()))
    names = _names(4, sex="男") + _names(4, sex="女")
    share = sum(any(c in rare for c in n) for n in names) / len(names)
    assert 0.002 <= share <= 0.009


def test_rare_characters_include_some_outside_gb2312_and_gbk() -> None:
    def encodable(char: str, codec: str) -> bool:
        try:
            char.encode(codec)
        except UnicodeEncodeError:
            return False
        return True

    rare = "".join(RARE_CHARS.values())
    assert any(not encodable(c, "gb2312") for c in rare)
    assert any(not encodable(c, "gbk") for c in rare)
    assert {"䶮", "堃", "喆", "淼", "昇", "赟", "玥", "犇"} <= set(rare)


@pytest.mark.parametrize(
    ("year", "era"),
    [(1940, "old"), (1964, "old"), (1965, "mid"), (1989, "mid"), (1990, "young"), (2015, "young")],
)
def test_era_of_birth_year(year: int, era: str) -> None:
    assert era_of(year) == era


def test_names_follow_the_era_of_birth() -> None:
    old_names = {"秀英", "桂英", "秀兰", "玉兰", "桂兰", "淑珍"}
    born_1950 = [split_name(n)[1] for n in _names(8, sex="女", n=5000, birth_year=1950)]
    born_2010 = [split_name(n)[1] for n in _names(8, sex="女", n=5000, birth_year=2010)]
    assert sum(g in old_names for g in born_1950) > 100
    assert not any(g in old_names for g in born_2010)


def test_names_are_typed_by_sex() -> None:
    female_only = set("娟燕霞婷娜莉怡琪萱")
    male = _names(9, sex="男", n=5000)
    assert not any(c in female_only for n in male for c in split_name(n)[1])


def test_person_name_rejects_unknown_sex() -> None:
    with pytest.raises(ValueError):
        NameGenerator(random.Random(0)).person_name("M")


@pytest.mark.parametrize(
    ("name", "parts"),
    [("王伟", ("王", "伟")), ("欧阳娜娜", ("欧阳", "娜娜")), ("诸葛亮", ("诸葛", "亮"))],
)
def test_split_name_knows_compound_surnames(name: str, parts: tuple[str, str]) -> None:
    assert split_name(name) == parts


def test_homophone_table_covers_at_least_150_characters() -> None:
    assert len(HOMOPHONES) >= 150


@pytest.mark.parametrize(("char", "alternatives"), sorted(HOMOPHONES.items()))
def test_every_homophone_has_the_same_pinyin_and_is_a_different_char(
    char: str, alternatives: tuple[str, ...]
) -> None:
    assert alternatives
    for alt in alternatives:
        assert alt != char
        assert _pinyin(alt) == _pinyin(char)
        assert char in HOMOPHONES[alt]


@pytest.mark.parametrize(
    ("char", "alt"),
    [("伟", "玮"), ("伟", "炜"), ("静", "晶"), ("静", "婧"), ("丽", "莉"), ("丽", "俐"),
     ("明", "铭"), ("军", "君"), ("华", "桦"), ("芳", "方"), ("峰", "锋"), ("杰", "洁"),
     ("磊", "垒")],
)  # fmt: skip
def test_homophones_include_the_common_name_typos(char: str, alt: str) -> None:
    assert alt in HOMOPHONES[char]


def test_similar_char_table_covers_at_least_60_characters() -> None:
    assert len(SIMILAR_CHARS) >= 60


@pytest.mark.parametrize(("char", "alternatives"), sorted(SIMILAR_CHARS.items()))
def test_every_similar_char_is_a_different_char_both_ways(
    char: str, alternatives: tuple[str, ...]
) -> None:
    assert alternatives
    for alt in alternatives:
        assert alt != char
        assert char in SIMILAR_CHARS[alt]


@pytest.mark.parametrize(
    ("char", "alt"),
    [("王", "玉"), ("未", "末"), ("己", "已"), ("日", "曰"), ("戊", "戌"), ("侯", "候"),
     ("斌", "赟")],
)  # fmt: skip
def test_similar_chars_include_the_classic_pairs(char: str, alt: str) -> None:
    assert alt in SIMILAR_CHARS[char]
