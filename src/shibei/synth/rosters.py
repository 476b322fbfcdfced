"""Rosters that stay fixed at every scale: the 2,458 full-time grid workers (posts per
grid come from the gazetteer), and one police officer and one auxiliary for each of the
137 communities."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from shibei.gazetteer import Gazetteer
from shibei.synth.names import NameGenerator


@dataclass(frozen=True, slots=True)
class GridWorker:
    id: str
    grid_code: str
    name: str
    sex: str
    phone: str
    since: date


@dataclass(frozen=True, slots=True)
class CommunityPolice:
    """社区警务区: one officer (民警) and one auxiliary (辅警), per community."""

    station: str
    district: str
    community_code: str
    officer: str
    badge: str
    auxiliary: str


@dataclass(frozen=True, slots=True)
class Rosters:
    grid_workers: tuple[GridWorker, ...]
    police: tuple[CommunityPolice, ...]

    def grid_workers_by_grid(self) -> dict[str, list[GridWorker]]:
        by_grid: dict[str, list[GridWorker]] = {}
        for worker in self.grid_workers:
            by_grid.setdefault(worker.grid_code, []).append(worker)
        return by_grid


def build_rosters(gazetteer: Gazetteer, rng: random.Random) -> Rosters:
    """Named grid workers for the gazetteer's grid-worker posts, and the community police."""
    names = NameGenerator(rng)
    workers: list[GridWorker] = []
    for grid in gazetteer.grids:
        for _ in range(grid.grid_workers):
            sex = "女" if rng.random() < 0.7 else "男"
            workers.append(
                GridWorker(
                    id=f"W{len(workers) + 1:05d}",
                    grid_code=grid.code,
                    name=names.person_name(sex),
                    sex=sex,
                    phone=f"1{rng.choice('3578')}{rng.randint(0, 999_999_999):09d}",
                    since=date(2018, 1, 1) + timedelta(days=rng.randint(0, 2800)),
                )
            )
    police = tuple(
        CommunityPolice(
            station=gazetteer.station_of(c.code).name,
            district=f"{c.name}警务区",
            community_code=c.code,
            officer=names.person_name("男" if rng.random() < 0.8 else "女"),
            badge=f"{rng.randint(100000, 199999)}",
            auxiliary=names.person_name("男" if rng.random() < 0.6 else "女"),
        )
        for c in gazetteer.communities
    )
    return Rosters(tuple(workers), police)
