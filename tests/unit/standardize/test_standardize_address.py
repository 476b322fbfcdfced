from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shibei.standardize.address import parse_address
from shibei.standardize.divisions import division_table, short_name

FULL = "山东省青岛市市北区辽宁路街道科技街社区辽宁路123号华阳小区3号楼2单元401室"
TAIL = {
    "road": "辽宁路",
    "roadno": 123,
    "poi": "华阳小区",
    "houseno": 3,
    "cellno": 2,
    "roomno": 401,
}


def elements(text: str) -> dict[str, str | int]:
    return parse_address(text).elements_dict()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("辽宁路", {"road": "辽宁路"}),
        ("南京路12号", {"road": "南京路", "roadno": 12}),
        ("哈尔滨路5号", {"road": "哈尔滨路", "roadno": 5}),
        ("内蒙古路88号", {"road": "内蒙古路", "roadno": 88}),
        ("福州北路88号", {"road": "福州北路", "roadno": 88}),
        ("黑龙江南路3号", {"road": "黑龙江南路", "roadno": 3}),
        ("台东一路12号", {"road": "台东一路", "roadno": 12}),
        ("山东路14号青岭名邸", {"road": "山东路", "roadno": 14, "poi": "青岭名邸"}),
        ("市北区辽宁路123号", {"district": "市北区", "road": "辽宁路", "roadno": 123}),
        ("青岛市北区辽宁路123号", {"city": "青岛", "district": "市北区", "road": "辽宁路",
                                   "roadno": 123}),
        ("青岛市北区", {"city": "青岛", "district": "市北区"}),  # nothing after the shared 市
        ("山东省青岛市北区", {"prov": "山东省", "city": "青岛", "district": "市北区"}),
        ("台东街道顺兴路社区保定支路33号", {"town": "台东街道", "community": "顺兴路社区",
                                            "road": "保定支路", "roadno": 33}),
        ("浙江大学", {"poi": "浙江大学"}),
    ],
)  # fmt: skip
def test_division_names_inside_roads_are_not_divisions(
    text: str, expected: dict[str, str | int]
) -> None:
    assert elements(text) == expected


def test_never_invents_a_level_the_text_lacks() -> None:
    p = parse_address("南京路12号")
    assert p.canonical == {}
    assert p.inferred == {}
    assert p.division_code is None


def test_city_and_district_sharing_one_shi() -> None:
    p = parse_address("青岛市北区辽宁路123号")
    assert p.canonical == {"city": "青岛市", "district": "市北区"}
    assert p.division_code == "370203"


def test_former_district_keeps_what_was_written() -> None:
    p = parse_address("山东省青岛市四方区嘉兴路10号")
    assert p.value("district") == "四方区"
    assert p.canonical["district"] == "市北区"
    assert p.division_code == "370203"


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        # a former prefecture-level city is the city it became or merged into, and its
        # districts go on under it (莱芜市 → 济南市: 莱城区 is 莱芜区 now, 钢城区 stays)
        ("山东省莱芜市莱城区", {"prov": "山东省", "city": "济南市", "district": "莱芜区"}),
        ("山东省莱芜市钢城区", {"prov": "山东省", "city": "济南市", "district": "钢城区"}),
        ("江苏省淮阴市清河区", {"prov": "江苏省", "city": "淮安市", "district": "清江浦区"}),
        ("湖南省大庸市", {"prov": "湖南省", "city": "张家界市"}),
        ("贵州省铜仁地区江口县", {"prov": "贵州省", "city": "铜仁市", "district": "江口县"}),
        # a renamed district, and one whose stem changed (陵县 → 陵城区)
        ("山东省德州市陵县", {"prov": "山东省", "city": "德州市", "district": "陵城区"}),
        # a former name that is another division's current one is resolved by its chain
        ("辽宁省铁岭市清河区", {"prov": "辽宁省", "city": "铁岭市", "district": "清河区"}),
    ],
)  # fmt: skip
def test_former_names_resolve_to_todays_divisions(text: str, canonical: dict[str, str]) -> None:
    assert parse_address(text).canonical == canonical


def test_inference_is_separate_and_flagged() -> None:
    assert parse_address("市北区辽宁路123号").inferred == {}
    p = parse_address("市北区辽宁路123号", infer=True)
    assert p.inferred == {"prov": "山东省", "city": "青岛市"}
    assert "prov" not in p.elements_dict()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (FULL, {"prov": "山东省", "city": "青岛市", "district": "市北区", "town": "辽宁路街道",
                "community": "科技街社区"} | TAIL),
        # addr_missing_levels
        ("青岛市市北区辽宁路街道科技街社区辽宁路123号华阳小区3号楼2单元401室",
         {"city": "青岛市", "district": "市北区", "town": "辽宁路街道",
          "community": "科技街社区"} | TAIL),
        ("市北区辽宁路123号华阳小区3号楼2单元401室", {"district": "市北区"} | TAIL),
        ("辽宁路123号华阳小区3号楼2单元401室", TAIL),
        ("辽宁路街道科技街社区辽宁路123号华阳小区3号楼2单元401室",
         {"town": "辽宁路街道", "community": "科技街社区"} | TAIL),
        # addr_chinese_numerals
        ("辽宁路一百二十三号华阳小区三号楼二单元四零一室", TAIL),
        ("辽宁路一百二十三号华阳小区三号楼二单元四〇一室", TAIL),
        # addr_dash_notation
        ("辽宁路123号华阳小区3-2-401", TAIL),
        ("辽宁路123号3-2-401", {k: v for k, v in TAIL.items() if k != "poi"}),
        ("辽宁路123号华阳小区一号楼一-二〇二室",
         TAIL | {"houseno": 1, "cellno": 1, "roomno": 202}),
        # … after a space or another dash too (a feed's 一栋 二-一零一: unit 2, room 101)
        ("辽宁路123号华阳小区一栋 二-一零一", TAIL | {"houseno": 1, "cellno": 2, "roomno": 101}),
        ("辽宁路123号华阳小区3-二-四零一", TAIL),
        # addr_old_district
        ("山东省青岛市四方区洛阳路街道郑州路社区周口路24号院1号楼1单元102室",
         {"prov": "山东省", "city": "青岛市", "district": "四方区", "town": "洛阳路街道",
          "community": "郑州路社区", "road": "周口路", "roadno": 24, "houseno": 1,
          "cellno": 1, "roomno": 102}),
        # addr_city_district_joined
        ("青岛市北区辽宁路123号华阳小区3号楼2单元401室",
         {"city": "青岛", "district": "市北区"} | TAIL),
        ("青岛四方区辽宁路123号华阳小区3号楼2单元401室",
         {"city": "青岛", "district": "四方区"} | TAIL),
        # addr_compound_only
        ("山东省青岛市市北区辽宁路街道科技街社区华阳小区3号楼2单元401室",
         {"prov": "山东省", "city": "青岛市", "district": "市北区", "town": "辽宁路街道",
          "community": "科技街社区", "poi": "华阳小区", "houseno": 3, "cellno": 2,
          "roomno": 401}),
        # addr_unit_variants
        ("辽宁路123号华阳小区3楼2单元401室", TAIL),
        ("辽宁路123号华阳小区3栋2门401户", TAIL),
        ("辽宁路123号华阳小区3幢2-401号", TAIL),
        ("辽宁路123号华阳小区3号楼2单元401", TAIL),
        ("辽宁路123号华阳小区3号楼2单元4楼1户", TAIL | {"floorno": 4, "roomno": 1}),
        # addr_fullwidth, addr_traditional, addr_space
        ("辽宁路１２３号华阳小区３号楼２单元４０１室", TAIL),
        ("遼寧路123號華陽小區3號樓2單元401室", TAIL),
        ("青岛市 市北区 辽宁路123号 华阳小区 3号楼 2单元 401室",
         {"city": "青岛市", "district": "市北区"} | TAIL),
        ("青岛市\u3000市北区\u3000辽宁路123号\u3000华阳小区\u30003号楼\u30002单元\u3000401室",
         {"city": "青岛市", "district": "市北区"} | TAIL),
    ],
)  # fmt: skip
def test_parses_every_feed_address_form(text: str, expected: dict[str, str | int]) -> None:
    assert elements(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("浙江杭州西湖区益乐路116号蓝海时代国际大厦10号楼15层",
         {"prov": "浙江", "city": "杭州", "district": "西湖区", "road": "益乐路", "roadno": 116,
          "poi": "蓝海时代国际大厦", "houseno": 10, "floorno": 15}),
        ("慈溪市坎墩二灶市村958",
         {"district": "慈溪市", "town": "坎墩", "community": "二灶市村", "houseno": 958}),
        ("金华永康市方岩镇下宅村万里公路832弄125号",
         {"city": "金华", "district": "永康市", "town": "方岩镇", "community": "下宅村",
          "road": "万里公路", "roadno": 832, "houseno": 125}),
        ("北干街道华耀建设咨询有限公司山阴路2512号",
         {"town": "北干街道", "poi": "华耀建设咨询有限公司", "road": "山阴路", "roadno": 2512}),
        ("鹿城区丰源路松源小区9-1336",
         {"district": "鹿城区", "road": "丰源路", "poi": "松源小区", "houseno": 9,
          "roomno": 1336}),
        ("解放东街1233号对面手机店",
         {"road": "解放东街", "roadno": 1233, "assist": "对面", "poi": "手机店"}),
        ("台东县台东市", {"city": "台东县", "district": "台东市"}),
    ],
)  # fmt: skip
def test_parses_addresses_across_china(text: str, expected: dict[str, str | int]) -> None:
    assert elements(text) == expected


def test_canonical_names_for_short_forms() -> None:
    p = parse_address("浙江杭州西湖区益乐路116号")
    assert p.canonical == {"prov": "浙江省", "city": "杭州市", "district": "西湖区"}
    assert p.division_code == "330106"


def test_spans_point_into_the_original_text() -> None:
    text = "遼寧路一百二十三號"
    spans = {label: text[s:e] for label, s, e in parse_address(text).original_spans()}
    assert spans == {"road": "遼寧路", "roadno": "一百二十三號"}


def test_json_has_integers_for_numbers_and_lower_case_labels() -> None:
    out = parse_address("辽宁路123号华阳小区3-2-401").to_json()
    assert out["elements"] == TAIL
    assert all(label == label.lower() for label in out["elements"])


@pytest.mark.parametrize("text", ["", " ", "-", "号", "123", "？？", "路路路", "市市市北区区"])
def test_odd_inputs_give_few_or_no_elements(text: str) -> None:
    p = parse_address(text)
    assert 0.0 <= p.confidence <= 1.0
    assert all(e.label for e in p.elements)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_no_string_makes_the_parser_raise(text: str) -> None:
    p = parse_address(text)
    p.to_json()


_ADDRESS_CHARS = st.sampled_from(
    list(
        "省市区县镇乡街道路号楼单元室层栋幢社区村小区青岛北京南辽宁一二三十零〇0123456789-# 　（）"
    )
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_ADDRESS_CHARS, max_size=40).map("".join))
def test_no_address_like_string_makes_the_parser_raise(text: str) -> None:
    p = parse_address(text)
    p.to_json()


_ADDRESS_WORDS = st.sampled_from([
    "山东省", "山东", "青岛市", "青岛", "市北区", "北区", "市", "区", "四方区", "崂山区", "即墨",
    "台东街道", "街道", "镇", "顺兴路社区", "社区", "村", "辽宁路", "南京路", "台东一路", "路",
    "12号", "号", "3号楼", "2单元", "401室", "五楼", "华阳小区", "小区", "附近", "张先生", "-",
])  # fmt: skip


@settings(deadline=None, max_examples=500)  # the first call loads the division table
@given(st.lists(_ADDRESS_WORDS, max_size=8).map("".join))
def test_no_string_of_address_words_makes_the_parser_raise(text: str) -> None:
    """Whole words combine into the forms the parser's rules look at (青岛 + 市北区 …)."""
    p = parse_address(text)
    p.to_json()


def test_division_table_names_and_former_names() -> None:
    table = division_table()
    assert [e.division.code for e in table.names["四方区"]] == ["370203"]
    assert table.by_code["370203"].name == "市北区"
    assert len([d for d in table.children["370203"] if d.level == "town"]) == 22
    assert short_name("广西壮族自治区", "prov") == "广西"
    assert short_name("辽宁路街道", "town") is None


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_offsets_always_cover_the_normalized_text(text: str) -> None:
    from shibei.standardize.address import prepare_address_text
    from shibei.standardize.text import normalize_with_offsets

    norm, offsets = normalize_with_offsets(text)
    assert len(norm) == len(prepare_address_text(text))
    assert len(offsets) == len(norm) + 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # devzone: a town-level division named like a development zone, or a zone word
        ("上海市浦东新区张江高科技园区碧波路690号3号楼",
         {"city": "上海市", "district": "浦东新区", "devzone": "张江高科技园区", "road": "碧波路",
          "roadno": 690, "houseno": 3}),
        ("嘉兴市南湖区经济技术开发区中环南路1688号",
         {"city": "嘉兴市", "district": "南湖区", "devzone": "经济技术开发区", "road": "中环南路",
          "roadno": 1688}),
        # after a town a zone word is a place in it (see test_standardize_address_scheme)
        ("慈溪市观海卫镇工业园区东区",
         {"district": "慈溪市", "town": "观海卫镇", "poi": "工业园区", "subpoi": "东区"}),
        # a part named by a direction, a phase or a gate ends a place's name; a numbered 区 is
        # the place's own name
        ("杭州市萧山区金城东区12幢",
         {"city": "杭州市", "district": "萧山区", "poi": "金城", "subpoi": "东区",
          "houseno": 12}),
        ("杭州市滨江区万达南门",
         {"city": "杭州市", "district": "滨江区", "poi": "万达", "subpoi": "南门"}),
        ("杭州市下城区朝晖七区5幢",
         {"city": "杭州市", "district": "下城区", "poi": "朝晖七区", "houseno": 5}),
        # … and so does such a part written between the place and a road; a district
        # named so after its city stays the district
        ("深圳市南山区科技园南区深南大道10000号",
         {"city": "深圳市", "district": "南山区", "poi": "科技园", "subpoi": "南区",
          "road": "深南大道", "roadno": 10000}),
        ("华阳小区东门文三路5号",
         {"poi": "华阳小区", "subpoi": "东门", "road": "文三路", "roadno": 5}),
        ("攀枝花市东区炳草岗大街1号",
         {"city": "攀枝花市", "district": "东区", "road": "炳草岗大街", "roadno": 1}),
        # a numbered phase is a part, and a part's value is its text (numbers are integers
        # only for door, building, unit, floor and room numbers)
        ("合肥路666号万科城三期12号楼2单元1802",
         {"road": "合肥路", "roadno": 666, "poi": "万科城", "subpoi": "3期", "houseno": 12,
          "cellno": 2, "roomno": 1802}),
        # a road's section is a subroad
        ("成都市武侯区人民南路四段11号附近",
         {"city": "成都市", "district": "武侯区", "road": "人民南路", "subroad": "四段",
          "subroadno": 11,
          "assist": "附近"}),
        # two roads joined by 与: the joining word places the crossing (assist, the first)
        ("杭州市西湖区文三路与古翠路交叉口",
         {"city": "杭州市", "district": "西湖区", "road": "文三路", "subroad": "古翠路",
          "assist": "与"}),
        # letters in building and floor numbers
        ("深圳市南山区高新南七道18号A座12楼1201室",
         {"city": "深圳市", "district": "南山区", "road": "高新南七道", "roadno": 18,
          "houseno": "A", "floorno": 12, "roomno": 1201}),
        ("广州市天河区天河路385号太古汇商场B1层",
         {"city": "广州市", "district": "天河区", "road": "天河路", "roadno": 385,
          "poi": "太古汇商场", "floorno": 1}),
        ("光谷大道77号金融港B1栋", {"road": "光谷大道", "roadno": 77, "poi": "金融港",
                                    "houseno": 1}),
        ("国际商贸城F2-3号", {"poi": "国际商贸城", "floorno": 2, "roomno": 3}),
        # after a floor only a room follows; a long number after a building is a room
        ("江南大道3850号创新大厦15层1501号",
         {"road": "江南大道", "roadno": 3850, "poi": "创新大厦", "floorno": 15, "roomno": 1501}),
        ("创新大厦15层1501", {"poi": "创新大厦", "floorno": 15, "roomno": 1501}),
        ("荷花小区3幢201号", {"poi": "荷花小区", "houseno": 3, "roomno": 201}),
        ("荷花小区3幢2号", {"poi": "荷花小区", "houseno": 3, "cellno": 2}),
        # assist and person at the end of a name
        ("八一北街588号新华书店旁边",
         {"road": "八一北街", "roadno": 588, "poi": "新华书店", "assist": "旁边"}),
        ("八一北街588号超市旁", {"road": "八一北街", "roadno": 588, "poi": "超市", "assist": "旁"}),
        ("解放路21号张先生", {"road": "解放路", "roadno": 21, "person": "张先生"}),
        ("解放路21号便利店王女士",
         {"road": "解放路", "roadno": 21, "poi": "便利店", "person": "王女士"}),
        # a sub-poi inside a poi word
        ("浙江大学玉泉校区", {"poi": "浙江大学", "subpoi": "玉泉校区"}),
        ("宾王路168号国际商贸城一区",
         {"road": "宾王路", "roadno": 168, "poi": "国际商贸城", "subpoi": "一区"}),
        ("阳光花园小区", {"poi": "阳光花园小区"}),
        ("文一西路969号阿里巴巴西溪园区",
         {"road": "文一西路", "roadno": 969, "poi": "阿里巴巴西溪园区"}),
    ],
)  # fmt: skip
def test_parses_zones_sections_letters_and_tails(text: str, expected: dict[str, str | int]) -> None:
    assert elements(text) == expected


@pytest.mark.parametrize(
    "texts",
    [
        ["山东省青岛市市北区辽宁路123号华阳小区3-2-401", "山东省青岛市市北区辽宁路12路"],
        ["山东省青岛市市北区辽宁路12路", "山东省青岛市市北区辽宁路123号华阳小区3-2-401"],
        ["浙江杭州西湖区益乐路116号", "浙江杭州西湖区益乐路116号蓝海时代国际大厦10号楼15层"],
    ],
)
def test_a_shared_head_parses_the_same_warm_or_cold(texts: list[str]) -> None:
    from shibei.standardize import address_parse

    warm = [parse_address(t, infer=True) for t in texts]
    for text, parsed in zip(texts, warm, strict=True):
        address_parse._HEAD_CACHE.clear()
        assert parse_address(text, infer=True) == parsed


def test_confidence_counts_letters_without_separators() -> None:
    from shibei.standardize.address_parse import _ANY_SEPARATOR, _SEPARATORS

    assert {chr(c) for c in range(0x10000) if _ANY_SEPARATOR.fullmatch(chr(c))} == _SEPARATORS
    assert parse_address("辽宁路 123号").confidence == parse_address("辽宁路123号").confidence
