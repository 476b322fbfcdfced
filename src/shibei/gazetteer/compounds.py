"""Compounds (小区): names, aliases, gates on a road of their street, and their grid."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from shibei.gazetteer import facts
from shibei.gazetteer.codes import compound_code
from shibei.gazetteer.geometry import Area, random_points
from shibei.gazetteer.model import Community, Compound, Road
from shibei.gazetteer.tables import name_parts, word_list

OLD_TOWN_STREETS = frozenset(
    {"370203005", "370203008", "370203011", "370203013", "370203019", "370203020"}
    | {"370203021", "370203022", "370203028"}
)
"""The old town (old 市北区 south of 海泊河, and 四方): old open compounds are twice as
likely there. An assumption, not a survey."""
_OLD_SUFFIXES = (("小区", 0.35), ("新村", 0.2), ("里", 0.1), ("宿舍", 0.15), ("号院", 0.2))
_SPLIT_SHARE = 0.08  # new compounds built in two phases: 东区/西区
_SUFFIX_ALIAS_SHARE = 0.25


class DoorNumbers:
    """Hands out increasing door numbers along each road."""

    def __init__(self) -> None:
        self._last: dict[str, int] = {}

    def next(self, road: Road, rng: np.random.Generator) -> int:
        """Numbers run along the road's name, across its segments, as on the street."""
        number = self._last.get(road.name, 0) + int(rng.integers(1, 12))
        self._last[road.name] = number
        return number


@dataclass(frozen=True, slots=True)
class CompoundPlan:
    """A compound and what the housing step needs: its grid and its size weight."""

    compound: Compound
    grid_code: str
    weight: float


def build_compounds(
    communities: Sequence[Community],
    counts: Sequence[int],
    grid_areas: Mapping[str, Sequence[tuple[str, Area]]],
    roads: Sequence[Road],
    doors: DoorNumbers,
    rng: np.random.Generator,
) -> list[CompoundPlan]:
    """`counts[i]` compounds in community i; facts.OLD_OPEN_COMPOUNDS of all of them are
    old, open and fitted with smart security."""
    owners = [c for c, n in zip(communities, counts, strict=True) for _ in range(n)]
    old_weight = np.array([2.0 if c.street_code in OLD_TOWN_STREETS else 1.0 for c in owners])
    chosen = rng.choice(len(owners), facts.OLD_OPEN_COMPOUNDS, False, old_weight / old_weight.sum())
    old = np.zeros(len(owners), dtype=bool)
    old[chosen] = True
    roads_of: dict[str, list[Road]] = {}
    for road in roads:
        roads_of.setdefault(road.street_code, []).append(road)

    names = _Names(rng)
    plans: list[CompoundPlan] = []
    index = 0
    for community, count in zip(communities, counts, strict=True):
        street_roads = roads_of[community.street_code]
        stem = community.name.removesuffix("社区")
        road_weight = np.array([4.0 if r.name == stem else 1.0 for r in street_roads])
        grids = grid_areas[community.code]
        titles = names.for_community([bool(o) for o in old[index : index + count]])
        for number, (title, aliases) in enumerate(titles, start=1):
            is_old = bool(old[index])
            index += 1
            road = street_roads[rng.choice(len(street_roads), p=road_weight / road_weight.sum())]
            door = doors.next(road, rng)
            grid_code, grid_area = grids[int(rng.integers(len(grids)))]
            lon, lat = random_points(grid_area, 1, rng)[0]
            mean = 0.5 if is_old else 1.2
            compound = Compound(
                code=compound_code(community.code, number),
                name=title.replace("{road}", f"{road.name}{door}"),
                community_code=community.code,
                road_code=road.code,
                door_number=door,
                old_open=is_old,
                smart_security=is_old,
                lat=float(lat),
                lon=float(lon),
                aliases=aliases,
            )
            weight = float(rng.lognormal(np.log(mean), 0.5))
            plans.append(CompoundPlan(compound, grid_code, weight))
    return plans


def compound_aliases(plans: Sequence[CompoundPlan]) -> dict[str, str]:
    """Alias → compound code, for every alias of every compound."""
    return {alias: p.compound.code for p in plans for alias in p.compound.aliases}


class _Names:
    """District-unique compound names and aliases."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        firsts, seconds = word_list("compound_first"), word_list("compound_second")
        stems = [a + b for a in firsts for b in seconds if a != b]
        self.stems = [stems[i] for i in rng.permutation(len(stems))]
        self.works = list(word_list("works"))
        self.new_suffixes = word_list("compound_suffixes_new")
        self.suffix_aliases: dict[str, str] = dict(name_parts()["suffix_aliases"])
        self.used: set[str] = set()

    def for_community(self, old: list[bool]) -> list[tuple[str, tuple[str, ...]]]:
        """A (name, aliases) per compound; "{road}" in a name stands for its gate."""
        titles: list[tuple[str, tuple[str, ...]]] = []
        while len(titles) < len(old):
            if old[len(titles)]:
                titles.append((self._old(), ()))
                continue
            stem = self._stem()
            suffix = self.new_suffixes[int(self.rng.integers(len(self.new_suffixes)))]
            pair = len(titles) + 1 < len(old) and not old[len(titles) + 1]
            if pair and self.rng.random() < _SPLIT_SHARE:
                for part in ("东区", "西区"):
                    titles.append((self._claim(stem + suffix + part), self._alias(stem + part)))
            else:
                titles.append((self._claim(stem + suffix), self._suffix_alias(stem, suffix)))
        return titles

    def _old(self) -> str:
        weights = np.array([w for _, w in _OLD_SUFFIXES])
        suffix = _OLD_SUFFIXES[int(self.rng.choice(len(weights), p=weights))][0]
        if suffix == "号院":
            return "{road}号院"
        if suffix == "宿舍" and self.works:
            return self._claim(self.works.pop(int(self.rng.integers(len(self.works)))) + "宿舍")
        return self._claim(self._stem() + ("小区" if suffix == "宿舍" else suffix))

    def _stem(self) -> str:
        stem: str = self.stems.pop()
        return stem

    def _claim(self, name: str) -> str:
        self.used.add(name)
        return name

    def _alias(self, name: str) -> tuple[str, ...]:
        if name in self.used:
            return ()
        self.used.add(name)
        return (name,)

    def _suffix_alias(self, stem: str, suffix: str) -> tuple[str, ...]:
        other = self.suffix_aliases.get(suffix)
        if other is None or self.rng.random() >= _SUFFIX_ALIAS_SHARE:
            return ()
        return self._alias(stem + other)
