from __future__ import annotations

from functools import lru_cache

import pytest

from shibei.gazetteer import Gazetteer, build_gazetteer
from shibei.standardize.address_match import AddressMatcher


@lru_cache(maxsize=1)
def _gazetteer() -> Gazetteer:
    return build_gazetteer(scale=0.001, seed=1)


@pytest.fixture(scope="module")
def matcher() -> AddressMatcher:
    return AddressMatcher(_gazetteer())


def _a_house_in_a_compound() -> tuple[str, str]:
    g = _gazetteer()
    for h in g.houses:
        b = g.building(h.building_code)
        if b.compound_code is not None and "{" not in g.compound(b.compound_code).name:
            return h.code, g.address(h.code).text
    raise AssertionError("no compound house")


def test_matches_the_standard_address_text_to_its_house(matcher: AddressMatcher) -> None:
    g = _gazetteer()
    for house in g.houses[:50]:
        m = matcher.match(g.address(house.code).text)
        assert (m.level, m.code) == ("house", house.code)


def test_matches_a_messy_form_of_the_same_house(matcher: AddressMatcher) -> None:
    g = _gazetteer()
    code, _ = _a_house_in_a_compound()
    house = g.house(code)
    b = g.building(house.building_code)
    road = g.road(b.road_code).name
    text = f"{road}{b.door_number}号 {b.number}-{house.unit}-{house.room}"
    m = matcher.match(text)
    assert (m.level, m.code) == ("house", code)


def test_compound_only_form_matches(matcher: AddressMatcher) -> None:
    g = _gazetteer()
    code, _ = _a_house_in_a_compound()
    house = g.house(code)
    b = g.building(house.building_code)
    assert b.compound_code is not None
    name = g.compound(b.compound_code).name
    m = matcher.match(f"市北区{name}{b.number}号楼{house.unit}单元{house.room}室")
    assert (m.level, m.code) == ("house", code)


def test_stops_at_the_building_when_the_room_is_unknown(matcher: AddressMatcher) -> None:
    g = _gazetteer()
    code, _ = _a_house_in_a_compound()
    b = g.building(g.house(code).building_code)
    road = g.road(b.road_code).name
    m = matcher.match(f"{road}{b.door_number}号{b.number}号楼9单元9999室")
    assert m.house_code is None
    assert m.level in ("building", "none")


@pytest.mark.parametrize("door", ["{n}甲号", "甲{n}号", "{n}号乙"])
def test_a_sub_numbered_door_is_never_matched_to_the_plain_door(
    matcher: AddressMatcher, door: str
) -> None:
    g = _gazetteer()
    b = next(b for b in g.buildings if b.door_number is not None and b.compound_code is None)
    road = g.road(b.road_code).name
    plain = matcher.match(f"{road}{b.door_number}号")
    assert plain.level in ("building", "door")  # the plain door is known …
    m = matcher.match(f"{road}{door.format(n=b.door_number)}")
    assert m.level in ("road", "none")  # … the door added beside it is not that door
    assert m.code != plain.code
    if m.level == "road":
        assert "不在标准门牌中" in m.reason


@pytest.mark.parametrize("where", ["对面", "附近", "东侧50米", "北"])
def test_a_place_given_relative_to_a_door_says_so(matcher: AddressMatcher, where: str) -> None:
    g = _gazetteer()
    b = next(b for b in g.buildings if b.door_number is not None and b.compound_code is None)
    door = f"{g.road(b.road_code).name}{b.door_number}号"
    plain, near, at = (matcher.match(door + tail) for tail in ("", where, "门口"))
    # the building is kept (an incident there belongs to its grid) but not as the place
    assert near.code == plain.code == at.code
    assert near.confidence < plain.confidence == at.confidence
    assert f"相对位置「{where}」" in near.reason and "相对位置" not in at.reason


def test_an_address_in_another_district_is_not_matched(matcher: AddressMatcher) -> None:
    m = matcher.match("浙江省杭州市西湖区益乐路116号")
    assert (m.code, m.level, m.reason) == (None, "none", "不在本区")


def test_road_without_door_number_stops_at_the_road_or_lists_candidates(
    matcher: AddressMatcher,
) -> None:
    g = _gazetteer()
    road = g.roads[0]
    m = matcher.match(road.name)
    if m.level == "road":
        assert m.code is not None and g.road(m.code).name == road.name
    else:
        assert m.code is None
        assert {c.code for c in m.candidates} == {r.code for r in g.roads if r.name == road.name}


def test_unknown_text_matches_nothing(matcher: AddressMatcher) -> None:
    m = matcher.match("随便写的")
    assert (m.code, m.level) == (None, "none")


def test_extra_aliases_extend_the_table() -> None:
    g = _gazetteer()
    code, _ = _a_house_in_a_compound()
    house = g.house(code)
    b = g.building(house.building_code)
    assert b.compound_code is not None
    matcher = AddressMatcher(g, extra_aliases={"老棉纺宿舍": b.compound_code})
    m = matcher.match(f"老棉纺宿舍{b.number}号楼{house.unit}单元{house.room}室")
    assert (m.level, m.code) == ("house", code)


def test_a_door_on_one_segment_of_a_road_that_has_two_is_that_door() -> None:
    g = build_gazetteer(scale=0.1, seed=1)  # (doors with several buildings: compounds)
    at_door: dict[tuple[str, int], set[int]] = {}
    for b in g.buildings:
        at_door.setdefault((b.road_code, b.door_number), set()).add(b.number)
    (road, door), _ = next((k, v) for k, v in at_door.items() if len(v) > 1)
    other = next(r.code for r in g.roads if r.code != road and (r.code, door) not in at_door)
    name = g.road(road).name
    matcher = AddressMatcher(g, extra_aliases={name: other})  # the name now has two segments
    assert matcher.match(name).level == "none"  # the road alone: which segment is not known
    m = matcher.match(f"{name}{door}号")  # (several buildings there: no building)
    assert (m.level, m.code) == ("door", f"{road}{door:04d}")


def test_match_json_adds_code_level_and_candidates(matcher: AddressMatcher) -> None:
    code, text = _a_house_in_a_compound()
    out = matcher.match(text).to_json()
    assert out["code"] == code
    assert out["level"] == "house"
    assert out["candidates"] == []
    assert isinstance(out["elements"]["roomno"], int)


def test_match_many_matches_each_text_in_order_and_repeats_once(
    matcher: AddressMatcher,
) -> None:
    g = _gazetteer()
    texts = [g.address(h.code).text for h in g.houses[:3]]
    batch = [texts[0], texts[1], texts[0], "浙江省杭州市西湖区益乐路116号", texts[2]]
    got = matcher.match_many(batch, [None] * len(batch))
    assert [m.code for m in got] == [matcher.match(t).code for t in batch]
    assert got[0] is got[2]
    with pytest.raises(ValueError):
        matcher.match_many(batch, [None])


def test_match_addresses_keeps_rows_and_nulls(matcher: AddressMatcher) -> None:
    from shibei.standardize.batch import match_addresses

    g = _gazetteer()
    text = g.address(g.houses[0].code).text
    table = match_addresses([text, None, text], matcher)
    assert table.column("code").to_pylist() == [g.houses[0].code, None, g.houses[0].code]
    assert table.column("level").to_pylist() == ["house", None, "house"]


@pytest.mark.parametrize("where", ["start", "middle", "end", "alone"])
def test_finds_a_compound_name_anywhere_in_the_text(matcher: AddressMatcher, where: str) -> None:
    g = _gazetteer()
    code, _ = _a_house_in_a_compound()
    compound = g.building(g.house(code).building_code).compound_code
    assert compound is not None
    name = g.compound(compound).name
    text = {"start": f"{name}旁边", "middle": f"甲乙{name}丙丁", "end": f"甲乙{name}",
            "alone": name}[where]  # fmt: skip
    assert matcher._compound_at(text) == (compound, text.index(name))
    assert matcher._compound_at(name[0]) is None
    assert matcher._compound_at("") is None
