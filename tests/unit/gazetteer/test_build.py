"""Determinism, storage round-trip and loading a district's own boundaries."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from shapely.geometry import box, mapping

from shibei.errors import ConfigError
from shibei.gazetteer import Gazetteer, build_gazetteer, read_gazetteer, write_gazetteer
from shibei.gazetteer.geometry import area_km2
from shibei.gazetteer.tables import street_rows


def test_same_seed_builds_the_same_district(gazetteer: Gazetteer) -> None:
    again = build_gazetteer(gazetteer.scale, gazetteer.seed)
    assert again == gazetteer
    assert again.geojson("grid") == gazetteer.geojson("grid")


def test_another_seed_builds_another_district(gazetteer: Gazetteer) -> None:
    other = build_gazetteer(gazetteer.scale, gazetteer.seed + 1)
    assert other != gazetteer
    assert other.streets != gazetteer.streets or other.polygon("370203005001").area != (
        gazetteer.polygon("370203005001").area
    )
    assert [c.name for c in other.compounds] != [c.name for c in gazetteer.compounds]
    assert [s.code for s in other.streets] == [s.code for s in gazetteer.streets]


def test_write_then_read_gives_the_same_gazetteer(gazetteer: Gazetteer, tmp_path: Path) -> None:
    write_gazetteer(gazetteer, tmp_path)
    assert read_gazetteer(tmp_path) == gazetteer
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted(
        [
            "aliases.parquet",
            "buildings.parquet",
            "communities.geojson",
            "communities.parquet",
            "compounds.parquet",
            "facilities.parquet",
            "gazetteer.json",
            "grids.geojson",
            "grids.parquet",
            "houses.parquet",
            "police_districts.parquet",
            "police_stations.parquet",
            "roads.parquet",
            "streets.geojson",
            "streets.parquet",
        ]
    )
    written = json.loads((tmp_path / "communities.geojson").read_text("utf-8"))
    assert written == gazetteer.geojson("community")


def test_reading_a_directory_without_a_gazetteer_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="无法读取地名库目录"):
        read_gazetteer(tmp_path)


def _boundary_file(path: Path, skip: str | None = None, by_name: bool = False) -> Path:
    """Street squares in a row, 0.01° wide: tiny stand-ins for real boundaries."""
    features = [{"type": "Feature", "properties": {"name": "市北区"}, "geometry": None}]
    for i, street in enumerate(street_rows()):
        if street.code == skip:
            continue
        square = box(120.30 + 0.01 * i, 36.07, 120.31 + 0.01 * i, 36.08)
        properties = {"name": street.name} if by_name else {"code": street.code}
        features.append({"type": "Feature", "properties": properties, "geometry": mapping(square)})
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    return path


@pytest.mark.parametrize("by_name", [False, True])
def test_loaded_boundaries_shape_the_streets_and_hold_their_divisions(
    tmp_path: Path, by_name: bool
) -> None:
    path = _boundary_file(tmp_path / "streets.geojson", by_name=by_name)
    gazetteer = build_gazetteer(0.001, 3, boundaries=path)
    first = gazetteer.polygon("370203005")
    assert first.equals(box(120.30, 36.07, 120.31, 36.08))
    street = gazetteer.street("370203005")  # its reference centroid is outside the square
    assert (street.lat, street.lon) == pytest.approx((36.075, 120.305))
    assert sum(area_km2(gazetteer.polygon(s.code)) for s in gazetteer.streets) == pytest.approx(
        22 * area_km2(first)
    )
    for community in gazetteer.communities:
        assert gazetteer.polygon(community.street_code).contains(
            gazetteer.polygon(community.code).representative_point()
        )
    assert len(gazetteer.grids) == 940


def test_a_street_missing_from_the_boundaries_is_named_in_the_error(tmp_path: Path) -> None:
    path = _boundary_file(tmp_path / "streets.geojson", skip="370203021")
    with pytest.raises(ConfigError, match=r"缺少 1 个街道的边界: 台东街道\(370203021\)"):
        build_gazetteer(0.001, 3, boundaries=path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json", "无法读取街道边界文件"),
        ('{"type": "Feature"}', "不是 GeoJSON FeatureCollection"),
        (
            '{"type": "FeatureCollection", "features": [{"properties": {"code": "370203005"},'
            ' "geometry": {"type": "Polygon", "coordinates": "oops"}}]}',
            r"第 1 个要素 \(370203005\) 的几何无效",
        ),
    ],
)
def test_an_invalid_boundary_file_is_a_config_error(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "streets.geojson"
    path.write_text(text, "utf-8")
    with pytest.raises(ConfigError, match=message):
        build_gazetteer(0.001, 3, boundaries=path)


def test_a_missing_boundary_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="无法读取街道边界文件"):
        build_gazetteer(0.001, 3, boundaries=tmp_path / "absent.geojson")
