from __future__ import annotations

import random
from collections import Counter
from datetime import date

import pytest

from shibei.standardize.id_number import is_valid_id_number_checksum
from shibei.synth.regions import COUNTIES, RegionSampler, make_id_number, region_name, valid_in

DRAWS = 20_000


def _draws(kind: str, seed: int = 1, birth_year: int | None = None) -> Counter[str]:
    sampler = RegionSampler(random.Random(seed))
    draw = sampler.hukou_region if kind == "hukou" else sampler.migrant_region
    return Counter(draw(birth_year) for _ in range(DRAWS))


def test_the_table_has_at_least_60_unique_six_digit_county_codes() -> None:
    codes = [code for code, *_ in COUNTIES]
    assert len(codes) >= 60
    assert len(set(codes)) == len(codes)
    assert all(len(c) == 6 and c.isdigit() and not c.endswith("00") for c in codes)


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("370202", "山东省青岛市市南区"),
        ("370203", "山东省青岛市市北区"),
        ("370205", "山东省青岛市四方区"),
        ("370211", "山东省青岛市黄岛区"),
        ("370212", "山东省青岛市崂山区"),
        ("370213", "山东省青岛市李沧区"),
        ("370214", "山东省青岛市城阳区"),
        ("370215", "山东省青岛市即墨区"),
        ("370281", "山东省青岛市胶州市"),
        ("370283", "山东省青岛市平度市"),
        ("370285", "山东省青岛市莱西市"),
        ("370702", "山东省潍坊市潍城区"),
        ("371302", "山东省临沂市兰山区"),
        ("371702", "山东省菏泽市牡丹区"),
        ("410102", "河南省郑州市中原区"),
        ("341202", "安徽省阜阳市颍州区"),
        ("230103", "黑龙江省哈尔滨市南岗区"),
        ("110101", "北京市东城区"),
        ("500103", "重庆市渝中区"),
    ],
)
def test_region_name_is_the_full_path(code: str, name: str) -> None:
    assert region_name(code) == name


def test_region_name_knows_every_code_in_the_table() -> None:
    for code, county, *_ in COUNTIES:
        assert region_name(code).endswith(county)


@pytest.mark.parametrize("code", ["370200", "999999", "3702"])
def test_region_name_rejects_an_unknown_code(code: str) -> None:
    with pytest.raises(ValueError):
        region_name(code)


def test_samplers_are_deterministic_per_seed() -> None:
    assert _draws("hukou", seed=3) == _draws("hukou", seed=3)
    assert _draws("migrant", seed=3) == _draws("migrant", seed=3)


def test_hukou_regions_are_mostly_shibei_old_sifang_and_shinan() -> None:
    counts = _draws("hukou")
    assert 0.33 <= counts["370203"] / DRAWS <= 0.45
    assert 0.16 <= counts["370205"] / DRAWS <= 0.26
    assert 0.07 <= counts["370202"] / DRAWS <= 0.12
    qingdao = sum(n for code, n in counts.items() if code.startswith("3702"))
    assert 0.85 <= qingdao / DRAWS <= 0.95


def test_migrant_regions_are_mostly_the_rest_of_shandong() -> None:
    counts = _draws("migrant")
    by_province = Counter[str]()
    for code, n in counts.items():
        by_province[code[:2]] += n
    rest_of_shandong = sum(
        n for code, n in counts.items() if code[:2] == "37" and code[:4] != "3702"
    )
    assert 0.55 <= rest_of_shandong / DRAWS <= 0.72
    assert {"41", "34", "32", "13", "23"} <= set(by_province)
    assert by_province["41"] > by_province["13"]
    assert not {"370203", "370205", "370202"} & set(counts)


@pytest.mark.parametrize(("birth_year", "absent"), [
    (2020, {"370205", "370284", "370282"}),
    (2014, {"370205", "370284", "370215"}),
    (1980, {"370215"}),
])  # fmt: skip
def test_hukou_region_draws_only_codes_in_use_in_the_birth_year(
    birth_year: int, absent: set[str]
) -> None:
    counts = _draws("hukou", birth_year=birth_year)
    assert not absent & set(counts)
    assert all(valid_in(code, birth_year) for code in counts)


@pytest.mark.parametrize(("code", "year", "valid"), [
    ("370205", 2012, True), ("370205", 2013, False), ("370215", 2016, False),
    ("370215", 2017, True), ("370282", 2016, True), ("370203", 1950, True),
])  # fmt: skip
def test_valid_in(code: str, year: int, valid: bool) -> None:
    assert valid_in(code, year) is valid


@pytest.mark.parametrize(("region", "birth", "sex"), [
    ("370203", date(1985, 3, 9), "男"),
    ("370205", date(1949, 12, 31), "女"),
    ("410102", date(2005, 1, 1), "男"),
    ("110101", date(2019, 6, 30), "女"),
])  # fmt: skip
def test_make_id_number_passes_the_checksum_and_encodes_region_birth_and_sex(
    region: str, birth: date, sex: str
) -> None:
    rng = random.Random(7)
    for _ in range(500):
        number = make_id_number(region, birth, sex, rng)
        assert len(number) == 18
        assert is_valid_id_number_checksum(number)
        assert number[:6] == region
        assert number[6:14] == birth.strftime("%Y%m%d")
        assert int(number[16]) % 2 == (1 if sex == "男" else 0)
        assert number[14:17] != "000"


def test_make_id_number_is_deterministic_per_seed() -> None:
    birth = date(1990, 5, 1)
    a = [make_id_number("370203", birth, "女", random.Random(s)) for s in range(10)]
    assert a == [make_id_number("370203", birth, "女", random.Random(s)) for s in range(10)]
    assert len(set(a)) > 1


@pytest.mark.parametrize(("region", "sex"), [("37020", "男"), ("37020A", "男"), ("370203", "M")])
def test_make_id_number_rejects_a_bad_region_or_sex(region: str, sex: str) -> None:
    with pytest.raises(ValueError):
        make_id_number(region, date(1990, 1, 1), sex, random.Random(0))
