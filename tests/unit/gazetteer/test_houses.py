"""Buildings and houses: codes, standard addresses, counts."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from shibei.gazetteer import Gazetteer, build_gazetteer, house_target
from shibei.gazetteer.codes import HouseCodeParts, parse_house_code

ADDRESS = re.compile(
    r"山东省青岛市市北区(?P<street>.+?街道)(?P<community>.+?社区)(?P<road>.+?路)"
    r"(?P<roadno>\d+)号(?P<compound>.*?)(?P<building>\d+)号楼(?P<unit>\d+)单元(?P<room>\d+)室"
)


def test_house_target_follows_the_census_and_the_documented_shares() -> None:
    assert house_target(1.0) == 512_374
    assert house_target(0.1) == 51_237
    assert house_target(0.002) == 1_025


def test_house_count_is_the_house_target(gazetteer: Gazetteer) -> None:
    assert len(gazetteer.houses) == house_target(gazetteer.scale) == 1_025


def test_every_compound_has_a_building_even_below_the_house_target() -> None:
    tiny = build_gazetteer(0.001, 7)
    with_buildings = {b.compound_code for b in tiny.buildings}
    assert {c.code for c in tiny.compounds} <= with_buildings
    assert len(tiny.houses) >= len(tiny.compounds) > house_target(0.001)


def test_house_codes_are_unique_and_extend_their_building_code(gazetteer: Gazetteer) -> None:
    codes = [h.code for h in gazetteer.houses]
    assert len(set(codes)) == len(codes)
    assert codes == sorted(codes)
    buildings = {b.code: b for b in gazetteer.buildings}
    for house in gazetteer.houses:
        building = buildings[house.building_code]
        assert re.fullmatch(r"370203\d{19}", house.code)
        assert (
            house.code == f"{building.code}{house.unit:02d}{house.floor:02d}{house.room % 100:02d}"
        )
        assert parse_house_code(house.code) == HouseCodeParts(
            street_code=house.code[:9],
            community_code=house.code[:12],
            grid_code=building.grid_code,
            building_code=building.code,
            unit=house.unit,
            floor=house.floor,
            room_on_floor=house.room % 100,
        )
        assert house.room // 100 == house.floor
        assert 1 <= house.unit <= building.units
        assert 1 <= house.floor <= building.floors
        assert 1 <= house.room % 100 <= building.rooms_per_floor


def test_buildings_are_full_boxes_of_houses(gazetteer: Gazetteer) -> None:
    per_building = Counter(h.building_code for h in gazetteer.houses)
    for building in gazetteer.buildings:
        expected = building.floors * building.units * building.rooms_per_floor
        assert per_building[building.code] == expected
        assert building.code[:15] == building.grid_code and len(building.code) == 19


def test_compound_buildings_sit_in_a_grid_of_the_compound_community(
    gazetteer: Gazetteer,
) -> None:
    for building in gazetteer.buildings:
        if building.compound_code is None:
            continue
        compound = gazetteer.compound(building.compound_code)
        assert building.grid_code[:12] == compound.community_code
        assert (building.road_code, building.door_number) == (
            compound.road_code,
            compound.door_number,
        )


def test_shops_are_ground_floor_houses_of_road_buildings(gazetteer: Gazetteer) -> None:
    shops = [h for h in gazetteer.houses if h.use == "商铺"]
    assert {h.use for h in gazetteer.houses} == {"住宅", "商铺"}
    for shop in shops:
        assert shop.floor == 1
        assert gazetteer.building(shop.building_code).compound_code is None
    assert 0.01 < len(shops) / len(gazetteer.houses) < 0.06


def test_dwelling_areas_are_realistic(gazetteer: Gazetteer) -> None:
    for house in gazetteer.houses:
        low, high = (20.0, 120.0) if house.use == "商铺" else (40.0, 140.0)
        assert low <= house.area_m2 <= high


def test_door_numbers_are_unique_along_a_road(gazetteer: Gazetteer) -> None:
    gates = {(c.road_code, c.door_number): c.code for c in gazetteer.compounds}
    assert len(gates) == len(gazetteer.compounds)
    for b in gazetteer.buildings:
        owner = gates.get((b.road_code, b.door_number))
        assert owner == b.compound_code or (owner is None and b.compound_code is None)


def test_address_text_parses_back_to_its_elements(gazetteer: Gazetteer) -> None:
    for house in gazetteer.houses:
        address = gazetteer.address(house.code)
        match = ADDRESS.fullmatch(address.text)
        assert match is not None, address.text
        parsed: dict[str, str | int] = {
            key: int(value) if value.isdigit() else value
            for key, value in match.groupdict().items()
            if value
        }
        elements = dict(address.elements)
        assert elements.pop("district") == "市北区"
        assert elements.pop("floor") == house.floor
        assert parsed == elements
        assert address.code == house.code


def test_address_of_a_compound_house() -> None:
    gazetteer = build_gazetteer(0.002, 7)
    house = next(h for h in gazetteer.houses if h.code.startswith("370203005001"))
    building = gazetteer.building(house.building_code)
    assert building.compound_code is not None
    compound = gazetteer.compound(building.compound_code)
    road = gazetteer.road(compound.road_code)
    address = gazetteer.address(house.code)
    assert address.elements == {
        "district": "市北区",
        "street": "辽宁路街道",
        "community": "科技街社区",
        "road": road.name,
        "roadno": compound.door_number,
        "compound": compound.name,
        "building": building.number,
        "unit": house.unit,
        "floor": house.floor,
        "room": house.room,
    }
    assert address.text == (
        f"山东省青岛市市北区辽宁路街道科技街社区{road.name}{compound.door_number}号"
        f"{compound.name}{building.number}号楼{house.unit}单元{house.room}室"
    )
    assert (address.lat, address.lon) == (building.lat, building.lon)


def test_address_of_a_road_building_has_no_compound(gazetteer: Gazetteer) -> None:
    building = next(b for b in gazetteer.buildings if b.compound_code is None)
    house = gazetteer.houses_of(building.code)[0]
    address = gazetteer.address(house.code)
    assert "compound" not in address.elements
    road = gazetteer.road(building.road_code).name
    assert f"{road}{building.door_number}号1号楼{house.unit}单元{house.room}室" in address.text


def test_houses_of_a_division_are_those_whose_code_it_prefixes(gazetteer: Gazetteer) -> None:
    for code in ("370203005", "370203005001", gazetteer.grids[0].code):
        expected = [h for h in gazetteer.houses if h.code.startswith(code)]
        assert list(gazetteer.houses_of(code)) == expected
    total = sum(len(gazetteer.houses_of(s.code)) for s in gazetteer.streets)
    assert total == len(gazetteer.houses)


def test_lookups_raise_key_error_for_unknown_codes(gazetteer: Gazetteer) -> None:
    with pytest.raises(KeyError):
        gazetteer.house("3702030050010010001019999")
    with pytest.raises(KeyError):
        gazetteer.street("370203005001")  # a community code is not a street
    with pytest.raises(KeyError):
        gazetteer.houses_of("370203999")
