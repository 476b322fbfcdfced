"""Rules that follow the labelling scheme of the Chinese address-parsing data set (Li et al.,
NAACL 2019; see docs/standardization.md): `redundant` text (punctuation between elements, a
division written twice, a lead-in before the province, a delivery note), `person` (a tenant
named after a floor or room), a 直辖市 as `city`, zone words inside a town, named parts of a
compound, place words at a crossing, and the numbers whose reading they settle. Every
address here is invented."""

from __future__ import annotations

import pytest

from shibei.standardize.address import parse_address


def spans(text: str) -> list[tuple[str, str]]:
    return [(e.label, e.text) for e in parse_address(text).elements]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # punctuation between elements carries no place: each run is one `redundant`
        ("辽宁路123号华阳小区3-2-401",
         [("road", "辽宁路"), ("roadno", "123号"), ("poi", "华阳小区"), ("houseno", "3"),
          ("redundant", "-"), ("cellno", "2"), ("redundant", "-"), ("roomno", "401")]),
        ("华阳小区/3栋/401",
         [("poi", "华阳小区"), ("redundant", "/"), ("houseno", "3栋"), ("redundant", "/"),
          ("roomno", "401")]),
        ("辽宁路-123号", [("road", "辽宁路"), ("redundant", "-"), ("roadno", "123号")]),
        ("文华大道88号----锦华广场",
         [("road", "文华大道"), ("roadno", "88号"), ("redundant", "----"),
          ("poi", "锦华广场")]),
        # … but a dash inside an element stays in it: a door range, a floor below ground
        ("延安路12-14号", [("road", "延安路"), ("roadno", "12-14号")]),
        ("华阳小区3号楼 -1层",
         [("poi", "华阳小区"), ("houseno", "3号楼"), ("floorno", "-1层")]),
        # a division written again is redundant; written short and then in full, the
        # short one is
        ("浙江省杭州市西湖区浙江省杭州市西湖区文三路8号",
         [("prov", "浙江省"), ("city", "杭州市"), ("district", "西湖区"),
          ("redundant", "浙江省"), ("redundant", "杭州市"), ("redundant", "西湖区"),
          ("road", "文三路"), ("roadno", "8号")]),
        # one division written twice inside the chain: the second is redundant
        ("杭州市西湖区西湖区文三路8号",
         [("city", "杭州市"), ("district", "西湖区"), ("redundant", "西湖区"),
          ("road", "文三路"), ("roadno", "8号")]),
        # a place named after a division in the chain is no repeat of it
        ("嘉兴市南湖区嘉兴学院梁林校区",
         [("city", "嘉兴市"), ("district", "南湖区"), ("poi", "嘉兴学院"),
          ("subpoi", "梁林校区")]),
        ("杭州市西湖区三墩镇西湖科技园区振华路",
         [("city", "杭州市"), ("district", "西湖区"), ("town", "三墩镇"),
          ("poi", "西湖科技园区"), ("road", "振华路")]),
        ("浙江 浙江省杭州市西湖区文三路8号",
         [("redundant", "浙江"), ("prov", "浙江省"), ("city", "杭州市"), ("district", "西湖区"),
          ("road", "文三路"), ("roadno", "8号")]),
        # written again more fully, the chain starts again: the first writing is redundant
        # (a division it named that is not written again keeps its label)
        ("杭州西湖区杭州市文三路8号",
         [("redundant", "杭州"), ("district", "西湖区"), ("city", "杭州市"), ("road", "文三路"),
          ("roadno", "8号")]),
        ("杭州西湖区杭州市西湖区文三路8号",
         [("redundant", "杭州"), ("redundant", "西湖区"), ("city", "杭州市"),
          ("district", "西湖区"), ("road", "文三路"), ("roadno", "8号")]),
        ("上海 上海市 静安区柳营路669弄14号1102",
         [("redundant", "上海"), ("city", "上海市"), ("district", "静安区"),
          ("road", "柳营路"), ("roadno", "669弄"), ("houseno", "14号"), ("roomno", "1102")]),
        # a lead-in before a province or city written in full; a town named before its
        # province (a form's field copied in front)
        ("收货地址浙江省杭州市西湖区文三路8号",
         [("redundant", "收货地址"), ("prov", "浙江省"), ("city", "杭州市"),
          ("district", "西湖区"), ("road", "文三路"), ("roadno", "8号")]),
        ("西溪街道浙江省杭州市西湖区文三路8号",
         [("redundant", "西溪街道"), ("prov", "浙江省"), ("city", "杭州市"),
          ("district", "西湖区"), ("road", "文三路"), ("roadno", "8号")]),
        # the chain written twice with something between: that is redundant too
        ("浙江省杭州市收件处浙江省杭州市西湖区文三路8号",
         [("prov", "浙江省"), ("city", "杭州市"), ("redundant", "收件处"),
          ("redundant", "浙江省"), ("redundant", "杭州市"), ("district", "西湖区"),
          ("road", "文三路"), ("roadno", "8号")]),
        # … but not after a place word: 中国银行杭州市分行 is one place
        ("中国银行杭州市分行", [("poi", "中国银行杭州市分行")]),
        # a delivery note at the end says nothing about the place
        ("华阳小区3号楼2单元401室电联",
         [("poi", "华阳小区"), ("houseno", "3号楼"), ("cellno", "2单元"), ("roomno", "401室"),
          ("redundant", "电联")]),
        ("华阳小区3号楼2单元401室张先生请电联",
         [("poi", "华阳小区"), ("houseno", "3号楼"), ("cellno", "2单元"), ("roomno", "401室"),
          ("person", "张先生"), ("redundant", "请电联")]),
        ("解放路21号便利店代收",
         [("road", "解放路"), ("roadno", "21号"), ("poi", "便利店"), ("redundant", "代收")]),
    ],
)  # fmt: skip
def test_redundant_text(text: str, expected: list[tuple[str, str]]) -> None:
    assert spans(text) == expected


def test_redundant_text_stays_out_of_the_values_and_json() -> None:
    p = parse_address("浙江省杭州市西湖区浙江省杭州市西湖区文三路8号-3-401")
    assert "redundant" not in p.elements_dict()
    assert "redundant" not in p.to_json()["spans"]
    assert p.elements_dict() == {
        "prov": "浙江省", "city": "杭州市", "district": "西湖区", "road": "文三路",
        "roadno": 8, "houseno": 3, "roomno": 401,
    }  # fmt: skip
    assert p.canonical == {"prov": "浙江省", "city": "杭州市", "district": "西湖区"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a name after a floor or a room is a tenant of the building: `person`
        ("华星广场B座5层明远科技有限公司",
         [("poi", "华星广场"), ("houseno", "B座"), ("floorno", "5层"),
          ("person", "明远科技有限公司")]),
        ("华星广场B座1201室明远科技有限公司",
         [("poi", "华星广场"), ("houseno", "B座"), ("roomno", "1201室"),
          ("person", "明远科技有限公司")]),
        # so is a name after a numbered zone or phase of a market or compound
        ("国际商贸城A区明珠商行",
         [("poi", "国际商贸城"), ("subpoi", "A区"), ("person", "明珠商行")]),
        # after a building's number it stays a part of the place
        ("华星广场3号楼明远科技有限公司",
         [("poi", "华星广场"), ("houseno", "3号楼"), ("subpoi", "明远科技有限公司")]),
    ],
)  # fmt: skip
def test_tenants_after_a_floor_or_room_are_person(
    text: str, expected: list[tuple[str, str]]
) -> None:
    assert spans(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # autonomous regions and prefectures by their short names, the ethnic name written
        # without 族 (新疆维吾尔自治区), and a prefecture as X州 (伊犁州, 延边州)
        ("新疆乌鲁木齐市天山区", {"prov": "新疆", "city": "乌鲁木齐市", "district": "天山区"}),
        ("新疆伊犁州伊宁市", {"prov": "新疆", "city": "伊犁州", "district": "伊宁市"}),
        ("新疆巴音郭楞州库尔勒市", {"prov": "新疆", "city": "巴音郭楞州", "district": "库尔勒市"}),
        ("吉林省延边州延吉市", {"prov": "吉林省", "city": "延边州", "district": "延吉市"}),
        ("内蒙古呼和浩特市", {"prov": "内蒙古", "city": "呼和浩特市"}),  # 内 is no name
        # a national-level new area is a devzone between a city and its district, town or
        # road (浦东新区 and 滨海新区 are districts)
        ("山东省青岛市西海岸新区长江中路216号",
         {"prov": "山东省", "city": "青岛市", "devzone": "西海岸新区", "road": "长江中路",
          "roadno": 216}),
        ("青岛西海岸新区灵山卫街道",
         {"city": "青岛", "devzone": "西海岸新区", "town": "灵山卫街道"}),
        ("河北省保定市雄安新区容城县",
         {"prov": "河北省", "city": "保定市", "devzone": "雄安新区", "district": "容城县"}),
        ("广州市南沙新区", {"city": "广州市", "devzone": "南沙新区"}),  # not 南沙(区) + 新区
        ("上海市浦东新区", {"city": "上海市", "district": "浦东新区"}),
        # a zone word right after a city is a zone, not a district the table lacks
        ("青岛市开发区长江中路", {"city": "青岛市", "devzone": "开发区", "road": "长江中路"}),
        # a short district name that opens the text and names one district only
        ("萧山金城路8号", {"district": "萧山", "road": "金城路", "roadno": 8}),
        ("西湖文三路8号", {"road": "西湖文三路", "roadno": 8}),  # 西湖 names two districts
        # … and not when it starts a town's or community's name (浮山县 ≠ 浮山新区街道)
        ("浮山新区街道阳谷路21号", {"town": "浮山新区街道", "road": "阳谷路", "roadno": 21}),
        ("浮山后社区阳谷路21号", {"community": "浮山后社区", "road": "阳谷路", "roadno": 21}),
        # a 直辖市 is a city in the scheme (地级市、直辖市、地区、自治州)
        ("北京市朝阳区建国路88号", {"city": "北京市", "district": "朝阳区", "road": "建国路",
                                   "roadno": 88}),
        ("重庆渝中区民生路12号", {"city": "重庆", "district": "渝中区", "road": "民生路",
                                  "roadno": 12}),
        # a province's or city's full name before a road suffix is still a division when it
        # is under the one before it (浙江省 + 杭州市 + 中山北路); a short name stays a road
        ("浙江省杭州市中山北路12号", {"prov": "浙江省", "city": "杭州市", "road": "中山北路",
                                      "roadno": 12}),
        ("福州北路88号", {"road": "福州北路", "roadno": 88}),
        # a town's short name with another level word (a 镇 now a 街道) is one town
        ("浙江省杭州市萧山区新塘镇新塘村5组",
         {"prov": "浙江省", "city": "杭州市", "district": "萧山区", "town": "新塘镇",
          "community": "新塘村", "road": "5组"}),
        # a zone word after a town or village is a place in it, not a devzone
        ("萧山区宁围镇工业园区", {"district": "萧山区", "town": "宁围镇", "poi": "工业园区"}),
        # an industrial zone (工业区, 工业园区) is a place; the scheme's devzone is a
        # development zone (开发区, 高新区) or a division named like one
        ("岳阳市云溪区金湖工业园区临江路8号",
         {"city": "岳阳市", "district": "云溪区", "poi": "金湖工业园区", "road": "临江路",
          "roadno": 8}),
        ("苏州工业园区星湖街328号", {"devzone": "苏州工业园区", "road": "星湖街", "roadno": 328}),
        ("嘉兴市南湖区经济技术开发区中环南路1688号",
         {"city": "嘉兴市", "district": "南湖区", "devzone": "经济技术开发区",
          "road": "中环南路", "roadno": 1688}),
    ],
)  # fmt: skip
def test_division_readings(text: str, expected: dict[str, str | int]) -> None:
    assert parse_address(text).elements_dict() == expected


def test_short_autonomous_names_resolve_to_todays_full_names() -> None:
    assert parse_address("新疆伊犁州伊宁市").canonical == {
        "prov": "新疆维吾尔自治区", "city": "伊犁哈萨克自治州", "district": "伊宁市"}  # fmt: skip


def test_municipality_canonical_and_inferred_levels() -> None:
    p = parse_address("北京市朝阳区建国路88号")
    assert p.canonical == {"city": "北京市", "district": "朝阳区"}
    assert parse_address("朝阳区建国路88号", infer=False).inferred == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a named part after a compound word: a building, a gate, an office, a shop
        ("金泽大厦收发室", [("poi", "金泽大厦"), ("subpoi", "收发室")]),
        ("西溪花园蒹葭苑3幢", [("poi", "西溪花园"), ("subpoi", "蒹葭苑"), ("houseno", "3幢")]),
        ("阳光商城物业", [("poi", "阳光商城"), ("subpoi", "物业")]),
        # two letters naming a shop or hotel stay in the name
        ("阳光花园酒店", [("poi", "阳光花园酒店")]),
        ("万达广场店", [("poi", "万达广场店")]),
        # place words: at a crossing (与, 和), alone after a number, 内 ending a place
        ("文三路和古翠路交叉口",
         [("road", "文三路"), ("assist", "和"), ("subroad", "古翠路"), ("assist", "交叉口")]),
        ("解放路12号旁", [("road", "解放路"), ("roadno", "12号"), ("assist", "旁")]),
        ("华阳小区内", [("poi", "华阳小区"), ("assist", "内")]),

    ],
)  # fmt: skip
def test_places_parts_and_place_words(text: str, expected: list[tuple[str, str]]) -> None:
    assert spans(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # N号 after a landmark that is no compound, on a road with no door number yet, is
        # the road's door number
        ("延安路明珠商厦128号", {"road": "延安路", "poi": "明珠商厦", "roadno": 128}),
        ("延安路华阳小区12号", {"road": "延安路", "poi": "华阳小区", "houseno": 12}),
        # two numbers in dash notation: a short second one is a unit, a long one a room
        ("华阳小区9-2", {"poi": "华阳小区", "houseno": 9, "cellno": 2}),
        ("华阳小区9-1336", {"poi": "华阳小区", "houseno": 9, "roomno": 1336}),
        # N楼 before a room of four digits is a floor; before a unit or a short room, a
        # building
        ("明珠大厦9楼1201", {"poi": "明珠大厦", "floorno": 9, "roomno": 1201}),
        ("华阳小区3楼401", {"poi": "华阳小区", "houseno": 3, "roomno": 401}),
        ("华阳小区3楼2单元1201室", {"poi": "华阳小区", "houseno": 3, "cellno": 2,
                                    "roomno": 1201}),
        # a sub-number mark (甲乙丙丁) before or after a number makes another number: the
        # value keeps the mark (a door added beside door 47 is not door 47) …
        ("铁山路47甲号", {"road": "铁山路", "roadno": "47甲"}),
        ("铁山路甲47号", {"road": "铁山路", "roadno": "甲47"}),
        ("铁山路47号乙", {"road": "铁山路", "roadno": "47乙"}),
        ("铁山路47甲号华阳小区3号楼", {"road": "铁山路", "roadno": "47甲", "poi": "华阳小区",
                                       "houseno": 3}),
        ("华阳小区丙3号楼2单元301", {"poi": "华阳小区", "houseno": "丙3", "cellno": 2,
                                     "roomno": 301}),
        # … while 之N after a door number is its second number, as in 47-1号
        ("铁山路47号之一", {"road": "铁山路", "roadno": 47, "houseno": 1}),
        ("铁山路47号之二1单元101", {"road": "铁山路", "roadno": 47, "houseno": 2, "cellno": 1,
                                    "roomno": 101}),
        # a phone number (mobile, or area code and line) is no number of the place
        ("铁山路47号 13812345678", {"road": "铁山路", "roadno": 47}),
        ("铁山路47号 0532-88886666", {"road": "铁山路", "roadno": 47}),
        # a bare number after a unit is a room: a building is never written after its unit
        ("台东一路58号2单元301", {"road": "台东一路", "roadno": 58, "cellno": 2, "roomno": 301}),
        ("华阳小区2单元12", {"poi": "华阳小区", "cellno": 2, "roomno": 12}),
    ],
)  # fmt: skip
def test_number_readings(text: str, expected: dict[str, str | int]) -> None:
    assert parse_address(text).elements_dict() == expected
