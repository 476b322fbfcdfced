"""The letter sets the parser tests before running a pattern (`address_words`) must hold
every letter a match can start, end or contain: a missing one would silently skip a rule.
Checked over every character of the Basic Multilingual Plane up to the CJK block's end."""

from __future__ import annotations

import re

from shibei.standardize.address_words import (
    COMMUNITY,
    COMMUNITY_LETTERS,
    DEVZONE,
    DEVZONE_LETTER,
    HOUSE_WORD,
    HOUSE_WORD_FIRST,
    ROAD,
    ROAD_AFTER,
    ROAD_AFTER_FIRST,
    ROAD_LETTERS,
    SUBPOI_TAIL,
    SUBPOI_TAIL_LAST,
    VILLAGE,
)

CHARACTERS = [chr(c) for c in range(0x21, 0xA000) if not chr(c).isspace()]
SUFFIXES = ("路", "支路", "大道", "大街", "街", "道", "巷", "胡同", "公路", "环路")


def test_a_road_after_a_name_starts_with_one_of_its_first_letters() -> None:
    tails = ["", *SUFFIXES, *(s[1:] for s in SUFFIXES), "一路", "1路", "十二路"]
    starts = {c for c in CHARACTERS for t in tails if ROAD_AFTER.match(c + t)}
    assert starts <= ROAD_AFTER_FIRST


def test_a_sub_poi_ends_with_one_of_its_last_letters() -> None:
    heads = ["", "校", "分", "院", "门诊", "住院", "分公", "东", "1", "A", "一", "大",
             "教学", "综合", "办公", "宿舍", "食", "体育", "图书", "后", "超", "银", "公",
             "中"]  # fmt: skip
    ends = {c for c in CHARACTERS for h in heads if SUBPOI_TAIL.search(h + c)}
    assert ends <= SUBPOI_TAIL_LAST


def test_roads_communities_and_devzones_hold_their_letters() -> None:
    words = {
        ROAD: ["人民路", "东风3路", "18号大街", "南锣鼓巷", "史家胡同", "人民南路",
               "王家一组", "滨海大道", "三队", "后郢村民组", "104国道", "新街大道"],
        COMMUNITY: ["顺兴路社区", "某某居委会", "某某村民委员会", "某某居民区", "某某村委"],
        VILLAGE: ["王家村", "李家自然村"],
        DEVZONE: ["高新区", "经济技术开发区", "出口加工区"],
    }  # fmt: skip
    letters: dict[re.Pattern[str], frozenset[str]] = {
        ROAD: ROAD_LETTERS, COMMUNITY: COMMUNITY_LETTERS, VILLAGE: COMMUNITY_LETTERS,
        DEVZONE: frozenset(DEVZONE_LETTER),
    }  # fmt: skip
    for pattern, examples in words.items():
        for word in examples:
            match = pattern.fullmatch(word)
            assert match, word
            assert not letters[pattern].isdisjoint(match.group(0)), word
    # a name ending in any other letter never matches
    for pattern, needed in letters.items():
        assert {c for c in CHARACTERS if pattern.search("某某某" + c)} <= needed


def test_a_house_word_starts_with_one_of_its_first_letters() -> None:
    tails = ["单元", "梯", "户", "套", "间户", "边套", "楼", "层", "十梯"]
    starts = {c for c in CHARACTERS for t in tails if HOUSE_WORD.match(c + t)}
    assert starts <= HOUSE_WORD_FIRST
