"""`build_gazetteer`: the reference district's skeleton from the facts and a seed.

Two random streams: the structure stream (polygons, roads, compounds, facilities,
police) does not depend on `scale`, so the district's rosters are the same at every
scale; the housing stream draws buildings and houses for the scale's house target.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import Point

from shibei.gazetteer import facts
from shibei.gazetteer.allocation import allocate
from shibei.gazetteer.boundaries import load_street_boundaries
from shibei.gazetteer.codes import grid_code
from shibei.gazetteer.compounds import DoorNumbers, build_compounds, compound_aliases
from shibei.gazetteer.facilities import FacilityPlacer, build_facilities
from shibei.gazetteer.gazetteer import Gazetteer
from shibei.gazetteer.geometry import Area, district_outline, partition
from shibei.gazetteer.housing import build_housing
from shibei.gazetteer.model import Community, Grid, Street
from shibei.gazetteer.police import build_police
from shibei.gazetteer.roads import build_roads
from shibei.gazetteer.tables import community_rows, road_rows, street_rows

_STRUCTURE, _HOUSING = 0, 1  # random streams
COMMUNITY_SIZE_SIGMA = 0.3
"""Communities differ in size (lognormal sigma of their share of houses); grids,
compounds and AEDs follow the size."""
ROADS_PER_STREET = (8, 20)
COMPOUNDS_PER_ROAD = 3


def build_gazetteer(scale: float, seed: int, boundaries: Path | None = None) -> Gazetteer:
    """The district at `scale` (1.0 = all of Shibei) for `seed`: same inputs, same output.

    With `boundaries` (a GeoJSON of street polygons, see docs/address-codes.md) the
    streets take those shapes; otherwise they are generated from the street centroids.
    Communities and grids are always generated inside their parent.
    """
    if not scale > 0:
        raise ValueError(f"scale must be positive, got {scale}")
    rng = np.random.default_rng([seed, _STRUCTURE])
    rows = street_rows()
    centroids = np.array([(s.lon, s.lat) for s in rows])
    if boundaries is None:
        cells, _ = partition(district_outline(centroids), len(rows), rng, centroids)
        street_areas = {s.code: cell for s, cell in zip(rows, cells, strict=True)}
    else:
        street_areas = load_street_boundaries(boundaries, rows)
    streets = [_street(s.code, s.name, s.lon, s.lat, street_areas[s.code]) for s in rows]
    polygons: dict[str, Area] = dict(street_areas)

    community_list = sorted(community_rows(), key=lambda c: c.code)
    sizes = rng.lognormal(0.0, COMMUNITY_SIZE_SIGMA, len(community_list))
    weights = {c.code: float(w) for c, w in zip(community_list, sizes, strict=True)}
    communities: list[Community] = []
    for street in streets:
        rows_here = [c for c in community_list if c.street_code == street.code]
        cells, sites = partition(street_areas[street.code], len(rows_here), rng)
        for row, cell, (lon, lat) in zip(rows_here, cells, sites.tolist(), strict=True):
            communities.append(
                Community(row.code, row.name, row.official_name, street.code, lat, lon)
            )
            polygons[row.code] = cell
    communities.sort(key=lambda c: c.code)

    grid_counts = allocate(
        facts.GRIDS, [weights[c.code] for c in communities], facts.MIN_GRIDS_PER_COMMUNITY
    )
    grid_weights = [
        weights[c.code] / n for c, n in zip(communities, grid_counts, strict=True) for _ in range(n)
    ]
    workers = iter(allocate(facts.GRID_WORKERS, grid_weights, 2))
    grids: list[Grid] = []
    grid_areas: dict[str, list[tuple[str, Area]]] = {}
    for community, count in zip(communities, grid_counts, strict=True):
        cells, sites = partition(polygons[community.code], count, rng)
        grid_areas[community.code] = []
        for number, (cell, (lon, lat)) in enumerate(zip(cells, sites.tolist(), strict=True), 1):
            code = grid_code(community.code, number)
            name = f"{community.name}第{number}网格"
            grids.append(Grid(code, name, community.code, lat, lon, next(workers)))
            grid_areas[community.code].append((code, cell))
            polygons[code] = cell

    compound_counts = allocate(
        facts.COMPOUNDS,
        [weights[c.code] for c in communities],
        facts.MIN_COMPOUNDS_PER_COMMUNITY,
    )
    in_street = {s.code: 0 for s in streets}
    for community, count in zip(communities, compound_counts, strict=True):
        in_street[community.street_code] += count
    low, high = ROADS_PER_STREET
    needs = {
        s: min(high, max(low, math.ceil(n / COMPOUNDS_PER_ROAD))) for s, n in in_street.items()
    }
    roads, old_road_names = build_roads(rows, community_list, road_rows(), needs, rng)
    doors = DoorNumbers()
    plans = build_compounds(communities, compound_counts, grid_areas, roads, doors, rng)

    placer = FacilityPlacer({c.code: polygons[c.code] for c in communities}, rng)
    build_facilities(streets, communities, weights, placer)
    stations, brigade, districts = build_police(streets, communities, placer)

    housing_rng = np.random.default_rng([seed, _HOUSING])
    target = facts.house_target(scale)
    buildings, houses = build_housing(target, plans, weights, grid_areas, roads, doors, housing_rng)
    return Gazetteer(
        scale=scale,
        seed=seed,
        streets=streets,
        communities=communities,
        grids=grids,
        roads=roads,
        compounds=[p.compound for p in plans],
        buildings=buildings,
        houses=houses,
        facilities=placer.placed,
        police_stations=stations,
        population_brigade=brigade,
        police_districts=districts,
        aliases=old_road_names | compound_aliases(plans),
        polygons=polygons,
    )


def _street(code: str, name: str, lon: float, lat: float, area: Area) -> Street:
    """The street at its reference centroid, or inside its polygon if a loaded boundary
    leaves the centroid outside."""
    if not area.contains(Point(lon, lat)):
        point = shapely.point_on_surface(area)
        lon, lat = point.x, point.y
    return Street(code, name, lat, lon)
