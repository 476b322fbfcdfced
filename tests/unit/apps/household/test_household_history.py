"""The synthetic household-service history: deterministic, two years, applicants from
the population, routed to the station of their house."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from shibei.synth.generate import build_world
from shibei.synth.household_history import (
    BRIGADE,
    HistoryOrder,
    build_household_history,
    read_household_history,
    write_household_history,
)

SCALE = 0.005


@pytest.fixture(scope="module")
def world_and_history() -> tuple[object, list[HistoryOrder]]:
    world = build_world(SCALE, 7)
    return world, build_household_history(
        random.Random(5), world.gazetteer, world.population, SCALE
    )


def test_same_seed_same_history(world_and_history: tuple[object, list[HistoryOrder]]) -> None:
    world, history = world_and_history
    again = build_household_history(random.Random(5), world.gazetteer, world.population, SCALE)  # type: ignore[attr-defined]
    assert again == history
    other = build_household_history(random.Random(6), world.gazetteer, world.population, SCALE)  # type: ignore[attr-defined]
    assert other != history


def test_history_spans_two_years_with_unique_numbers(
    world_and_history: tuple[object, list[HistoryOrder]],
) -> None:
    _, history = world_and_history
    assert len(history) > 500
    assert {o.submitted_at.year for o in history} == {2024, 2025}
    assert len({o.order_no for o in history}) == len(history)
    assert all(o.closed_at is None or o.closed_at >= o.submitted_at for o in history)
    assert all(o.closed_at is None or o.closed_at.date() <= date(2025, 12, 31) for o in history)


def test_applicants_are_residents_routed_to_their_station(
    world_and_history: tuple[object, list[HistoryOrder]],
) -> None:
    world, history = world_and_history
    gazetteer = world.gazetteer  # type: ignore[attr-defined]
    ids = {p.id_number for p in world.population.persons}  # type: ignore[attr-defined]
    assert all(o.applicant_id_number in ids for o in history)
    for o in history:
        if o.unit_code != BRIGADE:
            assert o.house_code is not None
            assert gazetteer.station_of(o.house_code[:12]).code == o.unit_code
    units = Counter(o.unit_code for o in history)
    assert len(units) >= 20  # spread over the stations


def test_online_share_grows_and_window_visits(
    world_and_history: tuple[object, list[HistoryOrder]],
) -> None:
    _, history = world_and_history
    online = {
        year: sum(o.channel == "online" for o in history if o.submitted_at.year == year)
        / sum(1 for o in history if o.submitted_at.year == year)
        for year in (2024, 2025)
    }
    assert 0.4 < online[2024] < online[2025] < 0.8
    assert all(o.visits == 0 for o in history if o.channel == "online")
    assert all(o.visits >= 1 for o in history if o.channel != "online")


def test_write_and_read_back(
    world_and_history: tuple[object, list[HistoryOrder]], tmp_path: Path
) -> None:
    _, history = world_and_history
    path = tmp_path / "history" / "household_orders.jsonl"
    assert write_household_history(history, path) == len(history)
    assert read_household_history(path) == history
