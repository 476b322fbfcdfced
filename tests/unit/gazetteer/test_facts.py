"""The district's rosters: fixed facts, the same at every scale."""

from __future__ import annotations

from collections import Counter

from shibei.gazetteer import FACILITY_COUNTS, FacilityKind, Gazetteer, build_gazetteer

STREET_CODES = {
    "370203005": ("辽宁路街道", 6),
    "370203008": ("延安路街道", 5),
    "370203011": ("登州路街道", 5),
    "370203013": ("宁夏路街道", 5),
    "370203014": ("敦化路街道", 6),
    "370203015": ("辽源路街道", 6),
    "370203016": ("合肥路街道", 9),
    "370203019": ("大港街道", 6),
    "370203020": ("即墨路街道", 7),
    "370203021": ("台东街道", 6),
    "370203022": ("镇江路街道", 5),
    "370203025": ("浮山新区街道", 6),
    "370203026": ("阜新路街道", 7),
    "370203027": ("海伦路街道", 8),
    "370203028": ("四方街道", 10),
    "370203029": ("兴隆路街道", 7),
    "370203030": ("水清沟街道", 7),
    "370203031": ("洛阳路街道", 7),
    "370203032": ("河西街道", 5),
    "370203033": ("湖岛街道", 5),
    "370203034": ("开平路街道", 5),
    "370203035": ("双山街道", 4),
}


def test_has_the_22_official_streets_with_their_community_counts(gazetteer: Gazetteer) -> None:
    streets = {s.code: (s.name, len(gazetteer.communities_of(s.code))) for s in gazetteer.streets}
    assert streets == STREET_CODES


def test_has_the_137_official_communities_named_without_juweihui(gazetteer: Gazetteer) -> None:
    assert len(gazetteer.communities) == 137
    first = gazetteer.community("370203005001")
    assert (first.name, first.official_name, first.street_code) == (
        "科技街社区",
        "科技街社区居委会",
        "370203005",
    )
    pu_ji = gazetteer.community("370203019008")
    assert (pu_ji.name, pu_ji.official_name) == ("普吉社区", "普吉社区居民委员会")
    assert all(
        c.code.startswith(c.street_code) and len(c.code) == 12 for c in gazetteer.communities
    )


def test_has_940_grids_extending_their_community_codes(gazetteer: Gazetteer) -> None:
    assert len(gazetteer.grids) == 940
    assert all(g.code[:12] == g.community_code and len(g.code) == 15 for g in gazetteer.grids)
    per_community = Counter(g.community_code for g in gazetteer.grids)
    assert set(per_community) == {c.code for c in gazetteer.communities}
    assert min(per_community.values()) >= 3
    grid = gazetteer.grids_of("370203005001")[2]
    assert (grid.code, grid.name) == ("370203005001003", "科技街社区第3网格")


def test_grids_share_the_2458_grid_workers(gazetteer: Gazetteer) -> None:
    assert sum(g.grid_workers for g in gazetteer.grids) == 2458
    assert min(g.grid_workers for g in gazetteer.grids) >= 2


def test_has_275_old_open_compounds_all_with_smart_security(gazetteer: Gazetteer) -> None:
    old = [c for c in gazetteer.compounds if c.old_open]
    assert len(old) == 275
    assert all(c.smart_security for c in old)
    assert not any(c.smart_security for c in gazetteer.compounds if not c.old_open)


def test_every_community_has_at_least_two_compounds_with_unique_names(
    gazetteer: Gazetteer,
) -> None:
    per_community = Counter(c.community_code for c in gazetteer.compounds)
    assert len(per_community) == 137
    assert min(per_community.values()) >= 2
    names = [c.name for c in gazetteer.compounds]
    assert len(set(names)) == len(names)


def test_compound_gates_are_on_a_road_of_their_street(gazetteer: Gazetteer) -> None:
    for compound in gazetteer.compounds:
        road = gazetteer.road(compound.road_code)
        assert road.street_code == compound.community_code[:9]
        assert compound.door_number >= 1


def test_every_real_road_is_kept_and_generated_names_never_collide(
    gazetteer: Gazetteer,
) -> None:
    real = {r.name for r in gazetteer.roads if r.real}
    generated = {r.name for r in gazetteer.roads if not r.real}
    assert len(real) == 128
    assert not real & generated
    assert {"辽宁路", "延安三路", "杭鞍快速路"} <= real
    taiqing = [r.street_code for r in gazetteer.roads if r.name == "太清路"]
    assert sorted(taiqing) == ["370203008", "370203013"]


def test_every_street_has_8_to_20_roads_with_street_codes(gazetteer: Gazetteer) -> None:
    for street in gazetteer.streets:
        roads = gazetteer.roads_of(street.code)
        assert len(roads) >= 8
        assert all(r.code.startswith(street.code + "R") and len(r.code) == 13 for r in roads)
        assert len(roads) <= 20 or all(r.real for r in roads[20:])


def test_aliases_point_to_compounds_or_roads_under_other_names(gazetteer: Gazetteer) -> None:
    compounds = {c.code: c for c in gazetteer.compounds}
    roads = {r.code: r for r in gazetteer.roads}
    names = {c.name for c in gazetteer.compounds} | {r.name for r in gazetteer.roads}
    assert len([a for a, code in gazetteer.aliases.items() if code in roads]) == 12
    assert any(code in compounds for code in gazetteer.aliases.values())
    for alias, code in gazetteer.aliases.items():
        assert alias not in names
        assert code in compounds or code in roads
        if code in compounds:
            assert alias in compounds[code].aliases


def test_facility_counts_match_the_seed(gazetteer: Gazetteer) -> None:
    counts = Counter(f.kind for f in gazetteer.facilities)
    assert counts == {kind.value: n for kind, n in FACILITY_COUNTS.items()}
    assert counts["aed"] == 380
    assert counts["community_police_office"] == 137


def test_three_aeds_are_round_the_clock_platforms(gazetteer: Gazetteer) -> None:
    aeds = gazetteer.facilities_of(FacilityKind.AED)
    assert sum(a.attributes["round_the_clock"] == "true" for a in aeds) == 3


def test_community_health_institutions_have_281_family_doctor_teams(
    gazetteer: Gazetteer,
) -> None:
    health = gazetteer.facilities_of(FacilityKind.COMMUNITY_HEALTH)
    assert len(health) == 92
    assert sum(int(h.attributes["family_doctor_teams"]) for h in health) == 281


def test_district_library_is_open_to_20(gazetteer: Gazetteer) -> None:
    (library,) = gazetteer.facilities_of(FacilityKind.DISTRICT_LIBRARY)
    assert (library.name, library.attributes) == ("市北区图书馆", {"closes": "20:00"})


def test_police_tree_has_one_district_per_community_under_its_street_station(
    gazetteer: Gazetteer,
) -> None:
    assert len(gazetteer.police_districts) == 137
    assert len(gazetteer.police_stations) == 22
    assert len(gazetteer.household_registration_units) == 23
    assert gazetteer.population_brigade.kind == "人口大队"
    for district in gazetteer.police_districts:
        station = gazetteer.station_of(district.community_code)
        assert station.code == district.station_code
        assert district.community_code[:9] in station.street_codes
    assert gazetteer.station_of("370203005001").name == "辽宁路派出所"
    covered = sorted(s for station in gazetteer.police_stations for s in station.street_codes)
    assert covered == sorted(STREET_CODES)


def test_police_offices_are_facilities_in_their_area(gazetteer: Gazetteer) -> None:
    facilities = {f.code: f for f in gazetteer.facilities}
    for district in gazetteer.police_districts:
        assert facilities[district.facility_code].community_code == district.community_code
    for station in gazetteer.household_registration_units:
        office = facilities[station.facility_code]
        assert office.attributes["station_code"] == station.code


def test_rosters_do_not_change_with_scale(gazetteer: Gazetteer) -> None:
    larger = build_gazetteer(0.004, 7)
    assert larger.grids == gazetteer.grids
    assert larger.compounds == gazetteer.compounds
    assert larger.facilities == gazetteer.facilities
    assert larger.police_districts == gazetteer.police_districts
    assert len(larger.houses) > len(gazetteer.houses)
