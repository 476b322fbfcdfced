"""Address forms seen across China: door numbers of villages and plain places, floors below
ground and before a room, place words and distances, parts inside a compound, short
district names before their towns, roads named with numbers, door-number ranges, 中国 as
a country or a brand, branches named after roads."""

from __future__ import annotations

import pytest

from shibei.standardize.address import parse_address


def spans(text: str) -> list[tuple[str, str]]:
    """(label, text) per element; dashes and other `redundant` text are left out (their
    rules are tested in test_standardize_address_scheme.py)."""
    return [(e.label, e.text) for e in parse_address(text).elements if e.label != "redundant"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a village's N号 is its door number; a bare number stays a building
        ("城南镇下宅村12号", [("town", "城南镇"), ("community", "下宅村"), ("roadno", "12号")]),
        ("路桥村12号", [("community", "路桥村"), ("roadno", "12号")]),
        ("龙泉村958", [("community", "龙泉村"), ("houseno", "958")]),
        # N号 after a place that is no compound is a door number; after a compound, a building
        ("西湾头12号", [("poi", "西湾头"), ("roadno", "12号")]),
        ("五金市场8号", [("poi", "五金市场"), ("roadno", "8号")]),
        ("华阳小区3号", [("poi", "华阳小区"), ("houseno", "3号")]),
        ("金桂苑3号", [("poi", "金桂苑"), ("houseno", "3号")]),
        # a village name is short: at most four characters before 村
        ("青石板桥头村", [("poi", "青石板桥头村")]),
        ("桥头村", [("community", "桥头村")]),
    ],
)  # fmt: skip
def test_door_numbers_of_villages_and_plain_places(
    text: str, expected: list[tuple[str, str]]
) -> None:
    assert spans(text) == expected


@pytest.mark.parametrize(
    ("text", "expected", "floor"),
    [
        ("华阳大厦负一楼", [("poi", "华阳大厦"), ("floorno", "负1楼")], -1),
        ("华阳大厦地下二层", [("poi", "华阳大厦"), ("floorno", "地下2层")], -2),
        ("华阳大厦-1层", [("poi", "华阳大厦"), ("floorno", "-1层")], -1),
        ("负一楼", [("floorno", "负1楼")], -1),
        # after a building or a letter the dash is the dash notation's
        ("3号楼-1层", [("houseno", "3号楼"), ("floorno", "1层")], 1),
        # a room numbered on the floor before it: 3楼301
        ("金都大厦3楼301", [("poi", "金都大厦"), ("floorno", "3楼"), ("roomno", "301")], 3),
        ("金都大厦12楼1203室",
         [("poi", "金都大厦"), ("floorno", "12楼"), ("roomno", "1203室")], 12),
        # N楼 then a short M号: a floor and a shop; then the dash notation: a building
        ("金都商城2楼8号", [("poi", "金都商城"), ("floorno", "2楼"), ("roomno", "8号")], 2),
        ("华阳小区1楼1-401号",
         [("poi", "华阳小区"), ("houseno", "1楼"), ("cellno", "1"), ("roomno", "401号")], None),
        ("华阳小区3楼401", [("poi", "华阳小区"), ("houseno", "3楼"), ("roomno", "401")], None),
        # a bare number of three or more digits after a building is a room, not a unit
        ("华阳小区3幢401 快递", [("poi", "华阳小区"), ("houseno", "3幢"), ("roomno", "401"),
                                 ("person", "快递")], None),  # a name after a room: a tenant
        ("华阳小区3幢2 快递", [("poi", "华阳小区"), ("houseno", "3幢"), ("cellno", "2"),
                               ("subpoi", "快递")], None),
    ],
)  # fmt: skip
def test_floors_below_ground_and_before_a_room(
    text: str, expected: list[tuple[str, str]], floor: int | None
) -> None:
    p = parse_address(text)
    assert spans(text) == expected
    assert p.value("floorno") == floor


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a place word inside a word parts two places
        ("新华书店对面工商银行", [("poi", "新华书店"), ("assist", "对面"), ("subpoi", "工商银行")]),
        ("解放路东边", [("road", "解放路"), ("assist", "东边")]),
        # a distance goes with the direction before it
        ("解放路12号往东50米",
         [("road", "解放路"), ("roadno", "12号"), ("assist", "往东50米")]),
        ("解放路12号北侧100米建设银行",
         [("road", "解放路"), ("roadno", "12号"), ("assist", "北侧100米"), ("poi", "建设银行")]),
        ("解放路12号东50米", [("road", "解放路"), ("roadno", "12号"), ("assist", "东50米")]),
        ("解放路12号往西约100米处",
         [("road", "解放路"), ("roadno", "12号"), ("assist", "往西约100米处")]),
        ("华阳小区东门往北100米左右",
         [("poi", "华阳小区"), ("subpoi", "东门"), ("assist", "往北100米左右")]),
    ],
)  # fmt: skip
def test_place_words_and_distances_are_assist(text: str, expected: list[tuple[str, str]]) -> None:
    assert spans(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("华阳小区东门", [("poi", "华阳小区"), ("subpoi", "东门")]),
        ("西溪花园凤凰苑", [("poi", "西溪花园"), ("subpoi", "凤凰苑")]),
        ("华星广场青禾网络科技有限公司",
         [("poi", "华星广场"), ("subpoi", "青禾网络科技有限公司")]),
        # a two-character tail is part of one name
        ("阳光花园酒店", [("poi", "阳光花园酒店")]),
        ("万达广场店", [("poi", "万达广场店")]),
    ],
)  # fmt: skip
def test_named_parts_inside_a_compound_are_subpoi(
    text: str, expected: list[tuple[str, str]]
) -> None:
    assert spans(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("萧山新塘街道湘湖路12号",
         [("district", "萧山"), ("town", "新塘街道"), ("road", "湘湖路"), ("roadno", "12号")]),
        ("义乌稠城街道", [("district", "义乌"), ("town", "稠城街道")]),
        # or a town-shaped word, though the table files that town elsewhere now
        ("余杭塘栖镇", [("district", "余杭"), ("town", "塘栖镇")]),
        ("市中心镇", [("town", "市中心镇")]),
        # without a town of its own after it, a short name is still not believed
        ("西湖文三路", [("road", "西湖文三路")]),
        ("萧山新塘路", [("district", "萧山"), ("road", "新塘路")]),
    ],
)  # fmt: skip
def test_short_district_name_before_one_of_its_towns(
    text: str, expected: list[tuple[str, str]]
) -> None:
    assert spans(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("东风3路12号", [("road", "东风3路"), ("roadno", "12号")]),
        ("杭州市东风3路12号", [("city", "杭州市"), ("road", "东风3路"), ("roadno", "12号")]),
        ("经济开发区18号大街5号",
         [("devzone", "经济开发区"), ("road", "18号大街"), ("roadno", "5号")]),
        ("中山路1支路5号", [("road", "中山路"), ("subroad", "1支路"), ("subroadno", "5号")]),
        ("辽宁路12号路口", [("road", "辽宁路"), ("roadno", "12号"), ("assist", "路口")]),
        # consecutive door numbers on one side are one door number
        ("延安路12-14号", [("road", "延安路"), ("roadno", "12-14号")]),
        ("延安路101-105号5楼", [("road", "延安路"), ("roadno", "101-105号"), ("floorno", "5楼")]),
        ("延安路12-3", [("road", "延安路"), ("roadno", "12"), ("houseno", "3")]),
        ("延安路12-13", [("road", "延安路"), ("roadno", "12"), ("houseno", "13")]),
    ],
)  # fmt: skip
def test_roads_named_with_numbers_and_door_ranges(
    text: str, expected: list[tuple[str, str]]
) -> None:
    assert spans(text) == expected


def test_door_range_value_is_its_first_number() -> None:
    assert parse_address("延安路12-14号").value("roadno") == 12


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 中国 is the country only before a division, a separator or the end
        ("中国浙江省杭州市", [("country", "中国"), ("prov", "浙江省"), ("city", "杭州市")]),
        ("中国 杭州", [("country", "中国"), ("city", "杭州")]),
        ("中国银行城东支行", [("poi", "中国银行城东支行")]),
        ("中国移动营业厅", [("poi", "中国移动营业厅")]),
        # a branch named after its road is a place, not the road
        ("肯德基(文三路店)", [("poi", "肯德基"), ("subpoi", "文三路店")]),
        ("延安路支行", [("poi", "延安路支行")]),
    ],
)  # fmt: skip
def test_national_brands_and_branches_named_after_roads(
    text: str, expected: list[tuple[str, str]]
) -> None:
    assert spans(text) == expected


@pytest.mark.parametrize(
    "texts", [["东风3路12号", "东风3路15号"], ["华阳大厦负1楼", "华阳大厦负2楼"]]
)
def test_new_forms_parse_the_same_warm_or_cold(texts: list[str]) -> None:
    from shibei.standardize import address_parse

    warm = [parse_address(t) for t in texts]
    for text, parsed in zip(texts, warm, strict=True):
        address_parse._HEAD_CACHE.clear()
        assert parse_address(text) == parsed
    assert warm[1].value("road") == "东风3路" or warm[1].value("floorno") == -2
