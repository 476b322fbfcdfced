"""Polygons partition their parent; every point lies inside its polygon."""

from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry import Point

from shibei.gazetteer import Gazetteer
from shibei.gazetteer.geometry import area_km2
from shibei.gazetteer.model import Community, Compound, Facility, Grid, Street


def _assert_partition(gazetteer: Gazetteer, parent: str, children: list[str]) -> None:
    whole = gazetteer.polygon(parent)
    parts = [gazetteer.polygon(code) for code in children]
    assert abs(sum(p.area for p in parts) - whole.area) < 1e-9 * max(whole.area, 1e-12) + 1e-12
    assert shapely.union_all(parts).symmetric_difference(whole).area < whole.area * 1e-6
    tree = shapely.STRtree(parts)
    for i, part in enumerate(parts):
        for j in tree.query(part):
            if j > i:
                assert part.intersection(parts[j]).area < part.area * 1e-9


def test_streets_cover_the_district_area_of_65_84_km2(gazetteer: Gazetteer) -> None:
    total = sum(area_km2(gazetteer.polygon(s.code)) for s in gazetteer.streets)
    assert abs(total - 65.84) < 0.01
    _assert_partition_of_streets(gazetteer)


def _assert_partition_of_streets(gazetteer: Gazetteer) -> None:
    parts = [gazetteer.polygon(s.code) for s in gazetteer.streets]
    for i, part in enumerate(parts):
        for other in parts[i + 1 :]:
            assert part.intersection(other).area < part.area * 1e-9
    min_x, min_y, max_x, max_y = shapely.union_all(parts).bounds
    assert (min_y, min_x) >= (36.0673 - 1e-9, 120.3022 - 1e-9)
    assert (max_y, max_x) <= (36.1584 + 1e-9, 120.4267 + 1e-9)


def test_communities_partition_their_street(gazetteer: Gazetteer) -> None:
    for street in gazetteer.streets:
        children = [c.code for c in gazetteer.communities_of(street.code)]
        _assert_partition(gazetteer, street.code, children)


def test_grids_partition_their_community(gazetteer: Gazetteer) -> None:
    for community in gazetteer.communities:
        children = [g.code for g in gazetteer.grids_of(community.code)]
        _assert_partition(gazetteer, community.code, children)


def test_division_points_lie_inside_their_polygon(gazetteer: Gazetteer) -> None:
    divisions: list[Street | Community | Grid] = [
        *gazetteer.streets,
        *gazetteer.communities,
        *gazetteer.grids,
    ]
    for division in divisions:
        assert gazetteer.polygon(division.code).contains(Point(division.lon, division.lat))


def test_buildings_lie_inside_their_grid(gazetteer: Gazetteer) -> None:
    for grid in gazetteer.grids:
        buildings = gazetteer.buildings_of(grid.code)
        xs = np.array([b.lon for b in buildings])
        ys = np.array([b.lat for b in buildings])
        assert shapely.contains_xy(gazetteer.polygon(grid.code), xs, ys).all()
    assert sum(len(gazetteer.buildings_of(g.code)) for g in gazetteer.grids) == len(
        gazetteer.buildings
    )


def test_compounds_and_facilities_lie_inside_their_community(gazetteer: Gazetteer) -> None:
    items: list[Compound | Facility] = [*gazetteer.compounds, *gazetteer.facilities]
    for item in items:
        assert gazetteer.polygon(item.community_code).contains(Point(item.lon, item.lat))


def test_compound_lies_inside_the_grid_of_its_buildings(gazetteer: Gazetteer) -> None:
    for compound in gazetteer.compounds:
        grids = {b.grid_code for b in gazetteer.buildings_of(compound.code)}
        assert len(grids) == 1
        assert gazetteer.polygon(grids.pop()).contains(Point(compound.lon, compound.lat))


def test_geojson_levels_carry_code_name_and_parent(gazetteer: Gazetteer) -> None:
    streets = gazetteer.geojson("street")
    assert streets["type"] == "FeatureCollection"
    assert len(streets["features"]) == 22
    assert streets["features"][0]["properties"] == {
        "code": "370203005",
        "name": "辽宁路街道",
        "parent_code": "370203",
    }
    grids = gazetteer.geojson("grid")["features"]
    assert len(grids) == 940
    assert grids[0]["properties"] == {
        "code": "370203005001001",
        "name": "科技街社区第1网格",
        "parent_code": "370203005001",
    }
    assert grids[0]["geometry"]["type"] in {"Polygon", "MultiPolygon"}
    shape = shapely.geometry.shape(grids[0]["geometry"])
    assert shape.equals_exact(gazetteer.polygon("370203005001001"), 0.0)
