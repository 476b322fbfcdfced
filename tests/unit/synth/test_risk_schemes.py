"""Planted fund-raising schemes and decoys: how many, what their feeds will show before
the collapse, that planting keeps the seed's yearly event volumes, and determinism."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from shibei.synth.events import INCIDENT_VOLUMES, MASS_ECONOMIC_2024, _count
from shibei.synth.feeds import World
from shibei.synth.generate import build_world
from shibei.synth.risk_schemes import EVALUATION_DAY, MIN_SCHEMES, scheme_count

SCALE, SEED = 0.005, 11


@pytest.fixture(scope="module")
def world() -> World:
    return build_world(SCALE, SEED)


def test_scheme_count_one_per_two_thousand_never_below_eight() -> None:
    assert scheme_count(420) == MIN_SCHEMES
    assert scheme_count(42_000) == 21


def test_schemes_and_decoys_are_planted_apart(world: World) -> None:
    truth = world.risk
    schemes = {s["org_id"] for s in truth["schemes"]}
    decoys = {d["org_id"] for d in truth["decoys"]}
    siblings = {x for s in truth["schemes"] for x in s["sibling_ids"]}
    assert len(schemes) == MIN_SCHEMES
    assert decoys and not schemes & decoys and not schemes & siblings
    assert {d["decoy"] for d in truth["decoys"]} >= {"investment_adviser", "elderly_care"}


def test_every_scheme_collapses_after_the_evaluation_day(world: World) -> None:
    for s in world.risk["schemes"]:
        assert EVALUATION_DAY < date.fromisoformat(s["collapse_on"]) <= date(2025, 12, 31)


def test_signals_build_up_before_the_collapse(world: World) -> None:
    orgs = {o.id: o for o in world.organizations}
    for s in world.risk["schemes"]:
        org = orgs[s["org_id"]]
        collapse = date.fromisoformat(s["collapse_on"])
        items = [c.field for c in org.changes if c.day < collapse]
        assert {"名称", "住所", "法定代表人"} <= set(items)
        assert org.capital_10k >= 5000
        assert org.distress is not None and org.distress.arrears_from is not None
        assert org.distress.arrears_from < collapse
        assert org.distress.hired_on and all(d < collapse for d in org.distress.hired_on.values())
        assert org.name == s["name"]
        rep = org.legal_rep_id
        assert all(orgs[x].legal_rep_id == rep for x in s["sibling_ids"])
        gone = [orgs[x] for x in s["sibling_ids"] if orgs[x].status == "注销"]
        assert gone and all(o.deregistered_on and o.deregistered_on < collapse for o in gone)
        named = [d for d in world.events.disputes if d.org_id == org.id]
        assert len(named) == s["planted_disputes"]
        calls = [e for e in world.events.incidents if e.house_code == org.registered_house]
        assert len(calls) >= s["planted_110"] > 0


def test_planting_keeps_the_yearly_incident_volumes(world: World) -> None:
    counts = Counter((e.time.year, e.category) for e in world.events.incidents if not e.preventable)
    mass = Counter(e.time.year for e in world.events.incidents if e.subtype == "涉众型经济犯罪")
    for category, (base, factor) in INCIDENT_VOLUMES.items():
        if category == "刑事警情":
            continue  # shares its category with the mass-economic stream below
        assert counts[(2024, category)] == _count(base, SCALE)
        assert counts[(2025, category)] == _count(base * factor, SCALE)
    assert mass[2024] == _count(MASS_ECONOMIC_2024, SCALE)
    ids = [e.id for e in world.events.incidents]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    times = [e.time for e in world.events.incidents]
    assert times == sorted(times)


def test_planting_is_deterministic_per_seed(world: World) -> None:
    again = build_world(SCALE, SEED)
    assert again.risk == world.risk
