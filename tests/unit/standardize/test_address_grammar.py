"""Chinese address grammar (issue 3): villages and communities, village groups, roads with
sections, directions and highway numbers, places named after a road or a town, and the
words and units that name a unit, door or floor inside a building. Every address here is
invented; the labels are the data set's (docs/standardization.md)."""

from __future__ import annotations

import json

import pyarrow as pa
import pytest
from typer.testing import CliRunner

from shibei.cli.address import address_app
from shibei.standardize.address import ADDRESS_LABELS, OUTPUT_LABELS, parse_address
from shibei.standardize.batch import parse_addresses
from shibei.standardize.divisions import village_names


def spans(text: str) -> list[tuple[str, str]]:
    return [(e.label, e.text) for e in parse_address(text).elements]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a province or city written in full after a place, a lead-in with punctuation or
        # a phone number: the divisions are read from there
        ("华阳小区 浙江省杭州市西湖区文三路8号",
         [("poi", "华阳小区"), ("prov", "浙江省"), ("city", "杭州市"), ("district", "西湖区"),
          ("road", "文三路"), ("roadno", "8号")]),
        # (a short word naming no place before it is a lead-in, as without the colon)
        ("收货地址:浙江省杭州市西湖区文三路8号",
         [("redundant", "收货地址"), ("redundant", ":"), ("prov", "浙江省"), ("city", "杭州市"),
          ("district", "西湖区"), ("road", "文三路"), ("roadno", "8号")]),
        # … not a road or place named after it, nor a market
        ("解放路杭州市第一人民医院", [("road", "解放路"), ("poi", "杭州市第一人民医院")]),
        ("杭州市场", [("poi", "杭州市场")]),
    ],
)  # fmt: skip
def test_reads_divisions_written_after_other_text(
    text: str, expected: list[tuple[str, str]]
) -> None:
    assert spans(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 村 before 大街/大道 is part of a road's name; before 东路 a village and its road
        ("北京市海淀区中关村大街27号",
         [("city", "北京市"), ("district", "海淀区"), ("road", "中关村大街"), ("roadno", "27号")]),
        ("中关村南大街5号", [("road", "中关村南大街"), ("roadno", "5号")]),
        ("张家村东路12号", [("community", "张家村"), ("road", "东路"), ("roadno", "12号")]),
        # a village after its town; a 村委/居委 and a 居民区 are communities
        ("浙江省金华市义乌市佛堂镇下宅村",
         [("prov", "浙江省"), ("city", "金华市"), ("district", "义乌市"), ("town", "佛堂镇"),
          ("community", "下宅村")]),
        ("温州市瑞安市塘下镇韩田村委",
         [("city", "温州市"), ("district", "瑞安市"), ("town", "塘下镇"),
          ("community", "韩田村委")]),
        ("杭州市西湖区北山街道宝石居委",
         [("city", "杭州市"), ("district", "西湖区"), ("town", "北山街道"),
          ("community", "宝石居委")]),
        ("丽水市莲都区紫金街道大洋路居民区",
         [("city", "丽水市"), ("district", "莲都区"), ("town", "紫金街道"),
          ("community", "大洋路居民区")]),
        ("宁波市鄞州区首南街道泰安社区居委会",
         [("city", "宁波市"), ("district", "鄞州区"), ("town", "首南街道"),
          ("community", "泰安社区居委会")]),
        # a natural village inside an administrative one is a community too
        ("金华市浦江县黄宅镇张家村李家自然村",
         [("city", "金华市"), ("district", "浦江县"), ("town", "黄宅镇"),
          ("community", "张家村"), ("community", "李家自然村")]),
        ("金华市浦江县黄宅镇前王村自然村",
         [("city", "金华市"), ("district", "浦江县"), ("town", "黄宅镇"),
          ("community", "前王村自然村")]),
        # 新村 right after a 镇 or 乡 is a village; after a 街道 it stays a compound
        ("湖南省长沙县黄兴镇蓝田新村",
         [("prov", "湖南省"), ("district", "长沙县"), ("town", "黄兴镇"),
          ("community", "蓝田新村")]),
        ("杭州市拱墅区和睦街道和睦新村12幢3单元401室",
         [("city", "杭州市"), ("district", "拱墅区"), ("town", "和睦街道"),
          ("poi", "和睦新村"), ("houseno", "12幢"), ("cellno", "3单元"),
          ("roomno", "401室")]),
        # a town's short name with 村 or 社区 after it names a village or community
        ("义乌市佛堂村", [("district", "义乌市"), ("community", "佛堂村")]),
        ("杭州市下城区朝晖社区",
         [("city", "杭州市"), ("district", "下城区"), ("community", "朝晖社区")]),
        # … and with a compound word or a numbered zone after it, a place
        ("杭州市西湖区蒋村花园新达苑18幢2单元101",
         [("city", "杭州市"), ("district", "西湖区"), ("poi", "蒋村花园"),
          ("subpoi", "新达苑"), ("houseno", "18幢"), ("cellno", "2单元"),
          ("roomno", "101")]),
        ("杭州市下城区朝晖六区12幢",
         [("city", "杭州市"), ("district", "下城区"), ("poi", "朝晖六区"),
          ("houseno", "12幢")]),
        # a village's group (村民小组) is a road, its door number a roadno
        ("衡阳市衡南县车江镇新桥村十二组",
         [("city", "衡阳市"), ("district", "衡南县"), ("town", "车江镇"),
          ("community", "新桥村"), ("road", "12组")]),
        ("周口市郸城县宜路镇李楼村三队",
         [("city", "周口市"), ("district", "郸城县"), ("town", "宜路镇"),
          ("community", "李楼村"), ("road", "三队")]),
        ("李楼村3队5号", [("community", "李楼村"), ("road", "3队"), ("roadno", "5号")]),
        ("合肥市肥东县石塘镇大陈村委会后郢村民组",
         [("city", "合肥市"), ("district", "肥东县"), ("town", "石塘镇"),
          ("community", "大陈村委会"), ("road", "后郢村民组")]),
        ("新桥村第三村民小组", [("community", "新桥村"), ("road", "第三村民小组")]),
        # a suffix alone says nothing: a name without one is not guessed to be a community
        ("杭州市西湖区翠苑一区",
         [("city", "杭州市"), ("district", "西湖区"), ("poi", "翠苑一区")]),
    ],
)  # fmt: skip
def test_reads_villages_communities_and_groups(text: str, expected: list[tuple[str, str]]) -> None:
    assert spans(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a section of a road is a subroad of it
        ("杭州市西湖区文三路东段",
         [("city", "杭州市"), ("district", "西湖区"), ("road", "文三路"), ("subroad", "东段")]),
        ("成都市武侯区一环路南三段",
         [("city", "成都市"), ("district", "武侯区"), ("road", "一环路"),
          ("subroad", "南三段")]),
        # a direction alone after a road or place says where, near it
        ("杭州市西湖区文三路北",
         [("city", "杭州市"), ("district", "西湖区"), ("road", "文三路"), ("assist", "北")]),
        ("杭州市西湖区万达广场北",
         [("city", "杭州市"), ("district", "西湖区"), ("poi", "万达广场"), ("assist", "北")]),
        # 街 before another road word is the road's name; 街道 is a town, never a road
        ("杭州市萧山区新街镇新街大道",
         [("city", "杭州市"), ("district", "萧山区"), ("town", "新街镇"), ("road", "新街大道")]),
        ("文三路东50米", [("road", "文三路"), ("assist", "东50米")]),
        ("杭州市西湖区文三路北侧",
         [("city", "杭州市"), ("district", "西湖区"), ("road", "文三路"),
          ("assist", "北侧")]),
        # national and provincial highways by number
        ("杭州市萧山区104国道旁",
         [("city", "杭州市"), ("district", "萧山区"), ("road", "104国道"),
          ("assist", "旁")]),
        ("杭州市萧山区G104国道",
         [("city", "杭州市"), ("district", "萧山区"), ("road", "G104国道")]),
        ("绍兴市柯桥区杨汛桥镇03省道",
         [("city", "绍兴市"), ("district", "柯桥区"), ("town", "杨汛桥镇"),
          ("road", "03省道")]),
        # numbered and ring roads, lanes, hutongs
        ("成都市锦江区二环路",
         [("city", "成都市"), ("district", "锦江区"), ("road", "二环路")]),
        ("北京市东城区史家胡同",
         [("city", "北京市"), ("district", "东城区"), ("road", "史家胡同")]),
        ("上海市徐汇区宜山路700弄5号302室",
         [("city", "上海市"), ("district", "徐汇区"), ("road", "宜山路"),
          ("roadno", "700弄"), ("houseno", "5号"), ("roomno", "302室")]),
        # a long number ending the text after a side road's door number is a room
        ("杭州市西湖区文三路竹竿巷14号1102",
         [("city", "杭州市"), ("district", "西湖区"), ("road", "文三路"),
          ("subroad", "竹竿巷"), ("subroadno", "14号"), ("roomno", "1102")]),
        # a generic facility named after its road is a place, not a road
        ("杭州市上城区中山路小学",
         [("city", "杭州市"), ("district", "上城区"), ("poi", "中山路小学")]),
        ("杭州市上城区解放路派出所",
         [("city", "杭州市"), ("district", "上城区"), ("poi", "解放路派出所")]),
        ("杭州市上城区人民路社区",
         [("city", "杭州市"), ("district", "上城区"), ("community", "人民路社区")]),
        # a road named after a place: the place's short name and one letter before 路/街
        ("杭州市余杭区余杭塘路",
         [("city", "杭州市"), ("district", "余杭区"), ("road", "余杭塘路")]),
        ("杭州市西湖区留下横街",
         [("city", "杭州市"), ("district", "西湖区"), ("road", "留下横街")]),
        ("杭州市萧山区新塘霞江村",
         [("city", "杭州市"), ("district", "萧山区"), ("town", "新塘"),
          ("community", "霞江村")]),
        # an annex number (X号附X号) is part of the door number
        ("文三路8号附1号3楼",
         [("road", "文三路"), ("roadno", "8号附1号"), ("floorno", "3楼")]),
        ("文三路8号附近", [("road", "文三路"), ("roadno", "8号"), ("assist", "附近")]),
        # the traps still hold
        ("青岛市北区辽宁路123号",
         [("city", "青岛"), ("district", "市北区"), ("road", "辽宁路"),
          ("roadno", "123号")]),
        ("福州北路8号", [("road", "福州北路"), ("roadno", "8号")]),
        ("台东一路8号", [("road", "台东一路"), ("roadno", "8号")]),
    ],
)  # fmt: skip
def test_reads_roads(text: str, expected: list[tuple[str, str]]) -> None:
    assert spans(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 梯 is a unit (a stair); a unit, door or floor may be a word
        ("华星小区3栋2梯501",
         [("poi", "华星小区"), ("houseno", "3栋"), ("cellno", "2梯"), ("roomno", "501")]),
        ("华星小区3栋二梯501房",
         [("poi", "华星小区"), ("houseno", "3栋"), ("cellno", "二梯"),
          ("roomno", "501房")]),
        ("华星小区12幢东单元301",
         [("poi", "华星小区"), ("houseno", "12幢"), ("cellno", "东单元"),
          ("roomno", "301")]),
        ("华星小区23栋1单元2楼东户",
         [("poi", "华星小区"), ("houseno", "23栋"), ("cellno", "1单元"),
          ("floorno", "2楼"), ("roomno", "东户")]),
        ("华星小区3幢1单元中间户",
         [("poi", "华星小区"), ("houseno", "3幢"), ("cellno", "1单元"),
          ("roomno", "中间户")]),
        ("华星小区3幢西边套",
         [("poi", "华星小区"), ("houseno", "3幢"), ("roomno", "西边套")]),
        ("华星小区3幢底楼", [("poi", "华星小区"), ("houseno", "3幢"), ("floorno", "底楼")]),
        ("华星小区3幢2单元顶楼",
         [("poi", "华星小区"), ("houseno", "3幢"), ("cellno", "2单元"),
          ("floorno", "顶楼")]),
        # room words: 房间, 号房, 号房间
        ("华星小区3栋302房间",
         [("poi", "华星小区"), ("houseno", "3栋"), ("roomno", "302房间")]),
        ("华星小区3栋302号房间",
         [("poi", "华星小区"), ("houseno", "3栋"), ("roomno", "302号房间")]),
        # an ordinal's 第 is the number's
        ("华星小区第3幢第2单元",
         [("poi", "华星小区"), ("houseno", "第3幢"), ("cellno", "第2单元")]),
        ("第三幢二单元502室",
         [("houseno", "第3幢"), ("cellno", "2单元"), ("roomno", "502室")]),
        # dash notation and 楼 as building or floor, as before
        ("华星小区3-2-401",
         [("poi", "华星小区"), ("houseno", "3"), ("redundant", "-"), ("cellno", "2"),
          ("redundant", "-"), ("roomno", "401")]),
        ("华星小区1单元501", [("poi", "华星小区"), ("cellno", "1单元"), ("roomno", "501")]),
        ("华星小区3楼2单元302",
         [("poi", "华星小区"), ("houseno", "3楼"), ("cellno", "2单元"), ("roomno", "302")]),
        ("华星大厦18楼1808", [("poi", "华星大厦"), ("floorno", "18楼"), ("roomno", "1808")]),
        # a direction word without a building number before it is no unit
        ("华星小区东门", [("poi", "华星小区"), ("subpoi", "东门")]),
    ],
)  # fmt: skip
def test_reads_units_doors_and_floors(text: str, expected: list[tuple[str, str]]) -> None:
    assert spans(text) == expected


@pytest.mark.parametrize(
    ("text", "expected", "code"),
    [
        # no district written: the one town of the city with that short name, in the chain
        ("杭州市瓜沥航坞路18号",
         [("city", "杭州市"), ("town", "瓜沥"), ("road", "航坞路"), ("roadno", "18号")],
         "330109113"),
        # a town of a neighbouring district is named, but the code stays the written one's
        ("青岛市崂山区李村京口路8号",
         [("city", "青岛市"), ("district", "崂山区"), ("town", "李村"), ("road", "京口路"),
          ("roadno", "8号")],
         "370212"),
        # a zone named after a place is no town; a road named like a street (辽宁路街道)
        # stays a road
        ("杭州市钱江经济开发区", [("city", "杭州市"), ("devzone", "钱江经济开发区")], "3301"),
        ("青岛市辽宁路123号",
         [("city", "青岛市"), ("road", "辽宁路"), ("roadno", "123号")], "3702"),
        # a district the table does not know (an invented one): 区 or 县 right after the
        # city, but not a place's area (城区, 小区, 工业区)
        ("青岛市海湾区滨海大道1号",
         [("city", "青岛市"), ("district", "海湾区"), ("road", "滨海大道"), ("roadno", "1号")],
         "3702"),
        ("青岛市城区中山路1号", [("city", "青岛市"), ("road", "城区中山路"), ("roadno", "1号")],
         "3702"),
        ("青岛市小区1号", [("city", "青岛市"), ("poi", "小区"), ("houseno", "1号")], "3702"),
        # a district of another city is the text's district, kept out of the chain
        ("宁波市萧山区瓜沥镇航坞路18号",
         [("city", "宁波市"), ("district", "萧山区"), ("town", "瓜沥镇"), ("road", "航坞路"),
          ("roadno", "18号")],
         "3302"),
    ],
)  # fmt: skip
def test_reads_a_town_of_the_city_without_its_district(
    text: str, expected: list[tuple[str, str]], code: str
) -> None:
    assert spans(text) == expected
    assert parse_address(text).division_code == code


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a village of the town written without 村: a community, before a road or a number
        ("浙江省杭州市萧山区瓜沥镇友谊航坞路18号",
         [("prov", "浙江省"), ("city", "杭州市"), ("district", "萧山区"), ("town", "瓜沥镇"),
          ("community", "友谊"), ("road", "航坞路"), ("roadno", "18号")]),
        ("杭州市萧山区瓜沥镇友谊12号",
         [("city", "杭州市"), ("district", "萧山区"), ("town", "瓜沥镇"), ("community", "友谊"),
          ("roadno", "12号")]),
        # a road or a company named after the village is not the village
        ("杭州市萧山区瓜沥镇友谊路18号",
         [("city", "杭州市"), ("district", "萧山区"), ("town", "瓜沥镇"), ("road", "友谊路"),
          ("roadno", "18号")]),
        ("杭州市萧山区瓜沥镇友谊纺织厂",
         [("city", "杭州市"), ("district", "萧山区"), ("town", "瓜沥镇"), ("poi", "友谊纺织厂")]),
    ],
)  # fmt: skip
def test_reads_a_village_of_the_town_written_without_its_level_word(
    text: str, expected: list[tuple[str, str]]
) -> None:
    assert spans(text) == expected


def test_the_village_table_leaves_out_one_letter_and_road_names() -> None:
    villages = village_names("330109113")  # 瓜沥镇
    assert "友谊" in villages.names and villages.lengths == tuple(sorted(villages.lengths))[::-1]
    assert all(len(n) >= 2 and n[-1] not in "路街道巷" for n in villages.names)
    assert village_names("999999999").names == frozenset()


def test_house_words_have_values() -> None:
    p = parse_address("华星小区3栋二梯501")
    assert p.elements_dict() == {"poi": "华星小区", "houseno": 3, "cellno": 2, "roomno": 501}
    assert parse_address("华星小区3幢东单元").value("cellno") == "东单元"


def test_address_labels_are_the_data_sets_and_the_output_leaves_out_redundant() -> None:
    assert ADDRESS_LABELS == (
        "country", "prov", "city", "district", "devzone", "town", "community", "road",
        "subroad", "roadno", "subroadno", "poi", "subpoi", "houseno", "cellno", "floorno",
        "roomno", "person", "assist", "redundant", "otherinfo",
    )  # fmt: skip
    assert "redundant" not in OUTPUT_LABELS
    assert set(OUTPUT_LABELS) | {"redundant"} == set(ADDRESS_LABELS)


def test_batch_carries_every_label_the_parser_gives() -> None:
    texts = ["华星大厦B座5层信达科技", "北京 北京市东城区东中街29号东环广场东门", None]
    table = parse_addresses(pa.array(texts))
    assert table.column("person").to_pylist() == ["信达科技", None, None]
    assert table.column("subpoi").to_pylist() == [None, "东门", None]
    assert table.column("city").to_pylist() == [None, "北京市", None]
    assert "redundant" not in table.column_names
    for text in texts:
        if text is None:
            continue
        labels = {e.label for e in parse_address(text).elements} - {"redundant"}
        assert labels <= set(table.column_names)


def test_cli_json_carries_the_person() -> None:
    result = CliRunner().invoke(address_app, ["parse", "--json", "华星大厦B座5层信达科技"])
    assert result.exit_code == 0
    parsed = json.loads(result.stdout)
    assert parsed["elements"] == {
        "poi": "华星大厦", "houseno": "B", "floorno": 5, "person": "信达科技"
    }  # fmt: skip
    assert parsed["spans"]["person"] == [8, 12]
