"""Plane geometry for the generated district: outline, Voronoi partitions, points inside.

Coordinates are WGS84 (x = lon, y = lat). Partitions are computed on coordinates
stretched so that one unit is the same distance north and east, then mapped back, so
cells are not squashed; clipping happens in WGS84, so children cover their parent.
"""

from __future__ import annotations

import math
from typing import Any, TypeAlias

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry import MultiPolygon, Polygon, box
from shapely.geometry.base import BaseGeometry

from shibei.gazetteer import facts

Area: TypeAlias = Any
"""A shapely Polygon or MultiPolygon (shapely ships no type hints, so mypy sees Any)."""
Points = NDArray[np.float64]  # shape (n, 2): lon, lat

KM_PER_DEG_LAT = 110.574
KM_PER_DEG_LON = 111.320 * math.cos(math.radians(facts.CENTROID[0]))
_STRETCH = np.array([1.0, KM_PER_DEG_LAT / KM_PER_DEG_LON])
_LLOYD_ROUNDS = 4


def area_km2(geometry: BaseGeometry) -> float:
    """Area in km², on the district's local scale (good to a fraction of a percent)."""
    return float(geometry.area) * KM_PER_DEG_LAT * KM_PER_DEG_LON


def polygonal(geometry: BaseGeometry) -> Area:
    """The polygonal part of a geometry (an intersection may add slivers of lines)."""
    if isinstance(geometry, Polygon | MultiPolygon):
        return geometry
    parts = [g for g in shapely.get_parts(geometry) if isinstance(g, Polygon | MultiPolygon)]
    merged = shapely.union_all(parts)
    if isinstance(merged, Polygon | MultiPolygon):
        return merged
    raise ValueError(f"no polygonal part in {geometry.geom_type}")


def district_outline(points: Points, area: float = facts.AREA_KM2) -> Area:
    """A district outline from what is public: the buffered hull of `points` (street
    centroids) cut to the bounding box, buffered just enough to have `area` km²."""
    hull = shapely.convex_hull(shapely.multipoints(points))
    bbox = box(facts.BBOX_LON[0], facts.BBOX_LAT[0], facts.BBOX_LON[1], facts.BBOX_LAT[1])
    low, high = 0.0, 0.1
    for _ in range(40):  # bisection: area grows with the buffer distance
        middle = (low + high) / 2
        if area_km2(hull.buffer(middle, quad_segs=4).intersection(bbox)) < area:
            low = middle
        else:
            high = middle
    return polygonal(hull.buffer(high, quad_segs=4).intersection(bbox))


def random_points(area: Area, n: int, rng: np.random.Generator) -> Points:
    """`n` points drawn uniformly inside `area` (rejection sampling, vectorized)."""
    shapely.prepare(area)
    min_x, min_y, max_x, max_y = area.bounds
    fill = max(area.area / ((max_x - min_x) * (max_y - min_y)), 0.01)
    found: list[Points] = []
    count = 0
    while count < n:
        batch = int((n - count) / fill * 1.3) + 8
        xs = rng.uniform(min_x, max_x, batch)
        ys = rng.uniform(min_y, max_y, batch)
        inside = shapely.contains_xy(area, xs, ys)
        found.append(np.column_stack([xs[inside], ys[inside]]))
        count += int(inside.sum())
    return np.concatenate(found)[:n]


def points_near(
    area: Area, center: tuple[float, float], n: int, spread: float, rng: np.random.Generator
) -> Points:
    """`n` points inside `area`, scattered around `center` (lon, lat) by about `spread`
    degrees; falls back to anywhere in `area` if the neighbourhood is mostly outside."""
    shapely.prepare(area)
    found: list[Points] = []
    count = 0
    for _ in range(4):
        xs = rng.normal(center[0], spread, 2 * n + 4)
        ys = rng.normal(center[1], spread / _STRETCH[1], 2 * n + 4)
        inside = shapely.contains_xy(area, xs, ys)
        found.append(np.column_stack([xs[inside], ys[inside]]))
        count += int(inside.sum())
        if count >= n:
            return np.concatenate(found)[:n]
    found.append(random_points(area, n - count, rng))
    return np.concatenate(found)[:n]


def partition(
    area: Area, n: int, rng: np.random.Generator, sites: Points | None = None
) -> tuple[list[Area], Points]:
    """Cut `area` into `n` cells that cover it without overlapping.

    Without `sites`, they are random points spread evenly by a few Lloyd rounds. Returns
    the cells and their sites, cell i holding site i.
    """
    if sites is None:
        sites = random_points(area, n, rng)
        for _ in range(_LLOYD_ROUNDS):
            sites = _relaxed(area, _cells(area, sites))
    if len(sites) != n:
        raise ValueError(f"{len(sites)} sites for {n} cells")
    return _cells(area, sites), sites


def _cells(area: Area, sites: Points) -> list[Area]:
    if len(sites) == 1:
        return [area]
    stretched = shapely.multipoints(sites * _STRETCH)
    envelope = shapely.transform(area, lambda c: c * _STRETCH).envelope.buffer(1.0)
    diagram = shapely.voronoi_polygons(stretched, extend_to=envelope, ordered=True)
    cells = shapely.transform(shapely.get_parts(diagram), lambda c: c / _STRETCH)
    if len(cells) != len(sites):
        raise ValueError("sites too close together for a Voronoi partition")
    return [polygonal(cell) for cell in shapely.intersection(cells, area)]


def _relaxed(area: Area, cells: list[Area]) -> Points:
    """Lloyd step: each site moves to its cell's centroid (or a point inside the cell)."""
    moved = []
    for cell in cells:
        point = cell.centroid
        if not area.contains(point) or not cell.contains(point):
            point = cell.point_on_surface()
        moved.append((point.x, point.y))
    return np.array(moved, dtype=np.float64)
