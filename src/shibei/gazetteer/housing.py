"""Buildings (楼栋) and houses (户/房屋): the part of the district that scales.

House budgets go to compounds by weight, the rest to road buildings in communities drawn
by size. Each compound gets realistic buildings until its budget is spent; what is left
over moves on to the next compound, and the last road building takes exactly what
remains, so the district has exactly `house_target(scale)` houses whenever every
compound can have one (scale ≥ about 0.002). At tinier scales buildings shrink to a
single house and the count rises to one per compound plus the road buildings.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial

import numpy as np

from shibei.gazetteer import facts
from shibei.gazetteer.allocation import allocate
from shibei.gazetteer.codes import building_code
from shibei.gazetteer.compounds import CompoundPlan, DoorNumbers
from shibei.gazetteer.geometry import Area, points_near, random_points
from shibei.gazetteer.model import Building, Compound, House, Road

RESIDENTIAL = "住宅"
SHOP = "商铺"
_COMPOUND_SPREAD = 0.0008  # degrees: buildings stand within ~100 m of their gate
Shape = tuple[int, int, int]  # floors, units, rooms per floor per unit


@dataclass(frozen=True, slots=True)
class _Draft:
    """A building before it has a code and a place."""

    grid_code: str
    compound: Compound | None
    road_code: str
    door_number: int
    number: int
    shape: Shape
    old: bool


def build_housing(
    target: int,
    plans: Sequence[CompoundPlan],
    community_weights: Mapping[str, float],
    grid_areas: Mapping[str, Sequence[tuple[str, Area]]],
    roads: Sequence[Road],
    doors: DoorNumbers,
    rng: np.random.Generator,
) -> tuple[list[Building], list[House]]:
    """Buildings and houses, both sorted by code; `target` houses when possible."""
    road_budget = round(target * facts.ROAD_BUILDING_SHARE)
    compound_budget = target - road_budget
    totals: dict[str, float] = {}
    for plan in plans:
        code = plan.compound.community_code
        totals[code] = totals.get(code, 0.0) + plan.weight
    weights = [
        community_weights[p.compound.community_code] * p.weight / totals[p.compound.community_code]
        for p in plans
    ]
    budgets = allocate(compound_budget, weights, 1 if compound_budget >= len(plans) else 0)

    drafts: list[_Draft] = []
    carry = 0
    for plan, budget in zip(plans, budgets, strict=True):
        c = plan.compound
        shapes, carry = _fill(budget + carry, partial(_compound_shape, c.old_open, rng))
        for number, shape in enumerate(shapes, start=1):
            draft = _Draft(plan.grid_code, c, c.road_code, c.door_number, number, shape, c.old_open)
            drafts.append(draft)

    roads_of: dict[str, list[Road]] = {}
    for road in roads:
        roads_of.setdefault(road.street_code, []).append(road)
    communities = sorted(community_weights)
    p = np.array([community_weights[c] for c in communities])
    shapes, _ = _fill(road_budget + carry, partial(_road_shape, rng), exact=True)
    for shape in shapes:  # full-size road buildings (the last one fits what is left)
        community = communities[int(rng.choice(len(communities), p=p / p.sum()))]
        street_roads = roads_of[community[:9]]
        grids = grid_areas[community]
        road = street_roads[int(rng.integers(len(street_roads)))]
        grid_code = grids[int(rng.integers(len(grids)))][0]
        door = doors.next(road, rng)
        drafts.append(_Draft(grid_code, None, road.code, door, 1, shape, True))
    return _place(drafts, grid_areas, rng)


def _fill(budget: int, draw: Callable[[], Shape], exact: bool = False) -> tuple[list[Shape], int]:
    """Buildings for `budget` houses (at least one); returns them and the houses left over.

    Full-size buildings are drawn until the next would not fit; then, unless the rest is
    under half of it (and moves on), the next is shrunk to fit. `exact` goes on shrinking
    until nothing is left.
    """
    shapes: list[Shape] = []
    while True:
        shape = draw()
        size = shape[0] * shape[1] * shape[2]
        if size <= budget:
            shapes.append(shape)
            budget -= size
            if budget == 0:
                return shapes, 0
            continue
        if budget <= 0 and not shapes:
            shapes.append((1, 1, 1))  # every compound has a house, even past the budget
            return shapes, budget - 1
        if budget <= 0 or (shapes and budget < size / 2 and not exact):
            return shapes, budget
        shape = _shrink(shape, budget)
        shapes.append(shape)
        budget -= shape[0] * shape[1] * shape[2]
        if budget == 0 or not exact:
            return shapes, budget


def _shrink(shape: Shape, budget: int) -> Shape:
    """The largest building no bigger than `shape` with at most `budget` houses."""
    floors, units, rooms = shape
    best = (1, 1, 1)
    for u in range(units, 0, -1):
        for r in range(rooms, 0, -1):
            f = min(floors, budget // (u * r))
            if f >= 1 and f * u * r > best[0] * best[1] * best[2]:
                best = (f, u, r)
    return best


def _compound_shape(old: bool, rng: np.random.Generator) -> Shape:
    if old:  # 老旧小区: five to seven floors, no lift
        floors = int(rng.integers(5, 8))
        units = int(rng.choice((1, 2, 3, 4), p=(0.05, 0.35, 0.4, 0.2)))
        return floors, units, int(rng.choice((2, 3), p=(0.6, 0.4)))
    kind = rng.random()
    if kind < 0.35:  # 多层
        return int(rng.integers(6, 8)), int(rng.integers(2, 5)), int(rng.integers(2, 4))
    if kind < 0.7:  # 小高层
        return int(rng.integers(11, 19)), int(rng.integers(1, 4)), int(rng.integers(2, 5))
    return int(rng.integers(19, 34)), int(rng.integers(1, 3)), int(rng.integers(2, 5))  # 高层


def _road_shape(rng: np.random.Generator) -> Shape:
    """沿街楼: mostly old five-to-seven-floor blocks with shops on the ground floor."""
    floors = int(rng.integers(5, 8)) if rng.random() < 0.8 else int(rng.integers(8, 13))
    return floors, int(rng.integers(1, 4)), int(rng.integers(2, 4))


def _place(
    drafts: Sequence[_Draft],
    grid_areas: Mapping[str, Sequence[tuple[str, Area]]],
    rng: np.random.Generator,
) -> tuple[list[Building], list[House]]:
    """Codes (numbered within the grid in draft order), points and houses."""
    area_of = {code: area for pairs in grid_areas.values() for code, area in pairs}
    points = np.empty((len(drafts), 2))
    start = 0
    while start < len(drafts):  # the buildings of one compound, or one road building
        compound = drafts[start].compound
        end = start + 1
        while end < len(drafts) and compound is not None and drafts[end].compound is compound:
            end += 1
        area = area_of[drafts[start].grid_code]
        if compound is None:
            points[start:end] = random_points(area, end - start, rng)
        else:
            center = (compound.lon, compound.lat)
            points[start:end] = points_near(area, center, end - start, _COMPOUND_SPREAD, rng)
        start = end

    numbers: dict[str, int] = {}
    buildings: list[tuple[Building, bool]] = []
    for draft, (lon, lat) in zip(drafts, points.tolist(), strict=True):
        numbers[draft.grid_code] = numbers.get(draft.grid_code, 0) + 1
        floors, units, rooms = draft.shape
        building = Building(
            code=building_code(draft.grid_code, numbers[draft.grid_code]),
            grid_code=draft.grid_code,
            compound_code=None if draft.compound is None else draft.compound.code,
            road_code=draft.road_code,
            door_number=draft.door_number,
            number=draft.number,
            floors=floors,
            units=units,
            rooms_per_floor=rooms,
            lat=lat,
            lon=lon,
        )
        buildings.append((building, draft.old))
    buildings.sort(key=lambda pair: pair[0].code)
    houses = [h for b, old in buildings for h in _houses(b, old, rng)]
    return [b for b, _ in buildings], houses


def _houses(building: Building, old: bool, rng: np.random.Generator) -> list[House]:
    """A building's houses in code order. Flats above one another share a floor plan."""
    units, rooms = building.units, building.rooms_per_floor
    low, high = (40.0, 70.0) if old else (70.0, 140.0)
    plans = np.round(rng.uniform(low, high, (units, rooms)), 1).tolist()
    on_road = building.compound_code is None
    shops = np.round(rng.uniform(20.0, 120.0, (units, rooms)), 1).tolist() if on_road else plans
    code = building.code  # house_code() inlined: this runs half a million times
    return [
        House(
            code=f"{code}{unit:02d}{floor:02d}{room:02d}",
            building_code=code,
            unit=unit,
            floor=floor,
            room=floor * 100 + room,
            area_m2=(shops if floor == 1 else plans)[unit - 1][room - 1],
            use=SHOP if on_road and floor == 1 else RESIDENTIAL,
        )
        for unit in range(1, units + 1)
        for floor in range(1, building.floors + 1)
        for room in range(1, rooms + 1)
    ]
