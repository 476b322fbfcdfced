"""Birthplace regions for ID numbers: real county-level division codes and their names.

Codes and names: 中华人民共和国县以上行政区划代码 (GB/T 2260, as published by the Ministry
of Civil Affairs). An ID number keeps the code of the place where it was first issued,
so retired codes appear: 370205 四方区 (merged into 市北区 in 2012), 370284 胶南市 (into
黄岛区, 2012), 370282 即墨市 (became 370215 即墨区, 2017). The weights are synthetic:
Shibei's hukou residents mostly carry Qingdao codes (市北区 and the old 四方区 first),
migrants mostly come from the rest of Shandong, then Henan, Anhui, the north-east…
"""

from __future__ import annotations

import random
from bisect import bisect, bisect_left
from datetime import date
from itertools import accumulate

from shibei.standardize.id_number import id_number_check_char

_PROVINCES = {
    "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区",
    "21": "辽宁省", "22": "吉林省", "23": "黑龙江省", "31": "上海市", "32": "江苏省",
    "33": "浙江省", "34": "安徽省", "35": "福建省", "36": "江西省", "37": "山东省",
    "41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省", "45": "广西壮族自治区",
    "50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省", "61": "陕西省",
    "62": "甘肃省",
}  # fmt: skip
_PREFECTURES = {
    "1101": "", "1201": "", "3101": "", "5001": "",  # municipalities: no prefecture level
    "1301": "石家庄市", "1304": "邯郸市", "1309": "沧州市", "1311": "衡水市",
    "1401": "太原市", "1501": "呼和浩特市", "2101": "沈阳市", "2102": "大连市",
    "2201": "长春市", "2301": "哈尔滨市", "2302": "齐齐哈尔市", "2306": "大庆市",
    "2310": "牡丹江市", "3201": "南京市", "3203": "徐州市", "3207": "连云港市",
    "3213": "宿迁市", "3301": "杭州市", "3401": "合肥市", "3412": "阜阳市", "3413": "宿州市",
    "3416": "亳州市", "3501": "福州市", "3601": "南昌市", "3701": "济南市", "3702": "青岛市",
    "3703": "淄博市", "3704": "枣庄市", "3705": "东营市", "3706": "烟台市", "3707": "潍坊市",
    "3708": "济宁市", "3709": "泰安市", "3710": "威海市", "3711": "日照市", "3713": "临沂市",
    "3714": "德州市", "3715": "聊城市", "3716": "滨州市", "3717": "菏泽市", "4101": "郑州市",
    "4114": "商丘市", "4115": "信阳市", "4116": "周口市", "4117": "驻马店市",
    "4201": "武汉市", "4301": "长沙市", "4401": "广州市", "4501": "南宁市", "5101": "成都市",
    "5201": "贵阳市", "5301": "昆明市", "6101": "西安市", "6201": "兰州市",
}  # fmt: skip

# code county hukou-weight migrant-weight (weights in ‰ of their sampler, roughly).
_COUNTIES = """
370203 市北区 400 0    370205 四方区 220 0    370202 市南区 100 0    370213 李沧区 50 3
370212 崂山区 20 2     370211 黄岛区 20 6     370284 胶南市 10 4     370214 城阳区 20 4
370215 即墨区 10 3     370282 即墨市 20 6     370281 胶州市 20 8     370283 平度市 30 20
370285 莱西市 20 12
370102 历下区 2 3      370103 市中区 1 3      370104 槐荫区 1 2      370105 天桥区 1 2
370112 历城区 1 3      370302 淄川区 1 4      370303 张店区 1 5      370305 临淄区 1 3
370402 市中区 1 6      370502 东营区 1 6      370602 芝罘区 3 8      370681 龙口市 1 5
370682 莱阳市 2 10     370683 莱州市 2 9      370685 招远市 1 6      370686 栖霞市 1 6
370687 海阳市 2 8      370702 潍城区 2 10     370703 寒亭区 1 8      370704 坊子区 1 8
370705 奎文区 2 10     370724 临朐县 1 14     370725 昌乐县 1 12     370781 青州市 1 12
370782 诸城市 3 20     370783 寿光市 1 12     370784 安丘市 2 16     370785 高密市 3 20
370786 昌邑市 2 14     370811 任城区 1 6      370881 曲阜市 1 5      370883 邹城市 1 6
370902 泰山区 1 5      370982 新泰市 1 6      370983 肥城市 1 5      371002 环翠区 1 4
371082 荣成市 1 4      371083 乳山市 1 4      371102 东港区 2 14     371103 岚山区 1 8
371121 五莲县 1 10     371122 莒县 2 18       371302 兰山区 2 12     371311 罗庄区 1 6
371312 河东区 1 6      371321 沂南县 1 12     371322 郯城县 1 8      371323 沂水县 2 16
371324 兰陵县 1 10     371325 费县 1 10       371326 平邑县 1 10     371327 莒南县 1 12
371328 蒙阴县 1 8      371329 临沭县 1 8      371402 德城区 1 8      371502 东昌府区 1 8
371602 滨城区 1 6      371702 牡丹区 1 10     371721 曹县 1 12       371722 单县 1 10
371723 成武县 1 6      371724 巨野县 1 8      371725 郓城县 1 10     371726 鄄城县 1 6
371728 东明县 1 6
410102 中原区 1 4      410103 二七区 0 2      410105 金水区 1 4      411402 梁园区 0 4
411403 睢阳区 0 3      411421 民权县 0 3      411425 虞城县 0 4      411426 夏邑县 0 4
411481 永城市 0 4      411502 浉河区 0 4      411602 川汇区 0 4      411621 扶沟县 0 3
411627 太康县 0 4      411628 鹿邑县 0 4      411681 项城市 0 4      411702 驿城区 0 4
340102 瑶海区 0 2      340104 蜀山区 1 2      340111 包河区 0 2      341202 颍州区 0 4
341221 临泉县 0 5      341222 太和县 0 5      341225 阜南县 0 4      341226 颍上县 0 4
341282 界首市 0 2      341302 埇桥区 0 5      341321 砀山县 0 3      341322 萧县 0 3
341602 谯城区 0 3      341621 涡阳县 0 3      341622 蒙城县 0 3      341623 利辛县 0 3
320102 玄武区 1 1      320106 鼓楼区 0 1      320302 鼓楼区 0 3      320303 云龙区 0 3
320321 丰县 0 4        320322 沛县 0 4        320324 睢宁县 0 4      320381 新沂市 0 4
320382 邳州市 0 4      320703 连云区 0 3      320722 东海县 0 4      320723 灌云县 0 3
321302 宿城区 0 3      321322 沭阳县 0 5
130102 长安区 0 2      130104 桥西区 0 2      130105 新华区 0 2      130402 邯山区 0 3
130403 丛台区 0 3      130902 新华区 0 3      130903 运河区 0 3      131102 桃城区 0 3
230102 道里区 1 5      230103 南岗区 1 5      230104 道外区 1 4      230202 龙沙区 0 4
230602 萨尔图区 0 4    231002 东安区 0 3      220102 南关区 0 3      220103 宽城区 0 2
220104 朝阳区 0 3      210102 和平区 1 2      210103 沈河区 0 2      210202 中山区 1 2
210203 西岗区 0 1      210204 沙河口区 0 2
110101 东城区 1 1      110102 西城区 1 1      110105 朝阳区 1 1      110108 海淀区 1 1
120101 和平区 0 1      310101 黄浦区 0 1      310104 徐汇区 1 1      310115 浦东新区 0 1
140105 小店区 0 2      140106 迎泽区 0 1      150102 新城区 0 1      330102 上城区 0 1
330106 西湖区 0 1      350102 鼓楼区 0 1      360102 东湖区 0 1      420102 江岸区 0 1
420106 武昌区 0 2      430102 芙蓉区 0 1      430104 岳麓区 0 1      440103 荔湾区 0 1
440104 越秀区 0 1      440106 天河区 0 1      450102 兴宁区 0 1      500101 万州区 0 2
500103 渝中区 0 1      510104 锦江区 0 1      510105 青羊区 0 1      510106 金牛区 0 1
510107 武侯区 0 2      520102 南明区 0 1      530102 五华区 0 1      610102 新城区 0 1
610103 碑林区 0 1      610104 莲湖区 0 1      620102 城关区 0 1
"""

# Codes issued only in some years of birth: code → (first year, last year).
_VALID_YEARS = {
    "370205": (0, 2012),  # 四方区, merged into 市北区 in 2012
    "370284": (0, 2012),  # 胶南市, merged into 黄岛区 in 2012
    "370282": (0, 2016),  # 即墨市 …
    "370215": (2017, 9999),  # … became 即墨区 in 2017
}


def _parse(table: str) -> tuple[tuple[str, str, int, int], ...]:
    tokens = table.split()
    return tuple(
        (tokens[i], tokens[i + 1], int(tokens[i + 2]), int(tokens[i + 3]))
        for i in range(0, len(tokens), 4)
    )


COUNTIES = _parse(_COUNTIES)
"""(code, county name, hukou weight, migrant weight) for every code the sampler uses."""
_NAMES = {code: name for code, name, _, _ in COUNTIES}


def region_name(code: str) -> str:
    """Full name of a county-level code: 370203 → 山东省青岛市市北区, 110101 → 北京市东城区.

    Raises ValueError for a code not in the table.
    """
    county = _NAMES.get(code)
    if county is None:
        raise ValueError(f"未收录的行政区划代码：{code}")
    return _PROVINCES[code[:2]] + _PREFECTURES[code[:4]] + county


def valid_in(code: str, birth_year: int) -> bool:
    """Whether an ID number first issued for a birth in `birth_year` can carry `code`."""
    first, last = _VALID_YEARS.get(code, (0, 9999))
    return first <= birth_year <= last


class _Weighted:
    def __init__(self, items: list[tuple[str, int]]) -> None:
        self.codes = tuple(code for code, weight in items if weight > 0)
        self.cum = tuple(accumulate(weight for _, weight in items if weight > 0))


# One sampler per span of birth years in which the set of valid codes is constant:
# up to 2012, 2013–2016, from 2017.
_EPOCH_LAST_YEARS = (2012, 2016)
_EPOCH_SAMPLE_YEAR = (2000, 2014, 2020)


class RegionSampler:
    """Draws the region code of a person's ID number; randomness from the given `rng`."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._any = (
            _Weighted([(c, h) for c, _, h, _ in COUNTIES]),
            _Weighted([(c, m) for c, _, _, m in COUNTIES]),
        )
        self._by_epoch = tuple(
            (
                _Weighted([(c, h) for c, _, h, _ in COUNTIES if valid_in(c, y)]),
                _Weighted([(c, m) for c, _, _, m in COUNTIES if valid_in(c, y)]),
            )
            for y in _EPOCH_SAMPLE_YEAR
        )

    def _draw(self, sampler: _Weighted) -> str:
        return sampler.codes[bisect(sampler.cum, self._rng.random() * sampler.cum[-1])]

    def _samplers(self, birth_year: int | None) -> tuple[_Weighted, _Weighted]:
        if birth_year is None:
            return self._any
        return self._by_epoch[bisect_left(_EPOCH_LAST_YEARS, birth_year)]

    def hukou_region(self, birth_year: int | None = None) -> str:
        """A region code for a Shibei hukou resident: mostly 市北区, the old 四方区, 市南区;
        about one in ten from outside Qingdao (moved their hukou in).

        Give `birth_year` to draw only codes in use that year (no 四方区 after 2012)."""
        return self._draw(self._samplers(birth_year)[0])

    def migrant_region(self, birth_year: int | None = None) -> str:
        """A region code for a migrant: mostly other Shandong cities, then Henan, Anhui…"""
        return self._draw(self._samplers(birth_year)[1])


def make_id_number(region: str, birth: date, sex: str, rng: random.Random) -> str:
    """An 18-digit ID number: region, birth date, a sequence odd for 男 and even for 女,
    and the GB 11643 check character.

    >>> make_id_number("370203", date(1985, 3, 9), "男", random.Random(1))[:14]
    '37020319850309'
    """
    if len(region) != 6 or not region.isdigit():
        raise ValueError(f"区划代码应为6位数字：{region!r}")
    if sex == "男":
        sequence = 2 * int(rng.random() * 500) + 1
    elif sex == "女":
        sequence = 2 * (1 + int(rng.random() * 499))
    else:
        raise ValueError(f"性别应为“男”或“女”：{sex!r}")
    first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return first17 + id_number_check_char(first17)
