"""`shibei generate`: the whole reference district into a data directory.

DIR/gazetteer/   standard addresses, divisions, geometry (what a district's 地址库 holds)
DIR/feeds/       the departmental feeds + manifest.json (with `deliveries` > 1, also
                 feeds/delivery-NN/: later full extracts of the same feeds)
DIR/truth/       ground truth per feed row, and the real entities
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path
from typing import Any

from shibei import __version__
from shibei.gazetteer import build_gazetteer, write_gazetteer
from shibei.gazetteer.facts import RESIDENTS
from shibei.progress import NullProgress, Progress
from shibei.synth.events import build_events
from shibei.synth.feed_files import content_sha256, redelivery, write_feed
from shibei.synth.feeds import FEED_BUILDERS, World, build_feeds
from shibei.synth.household_history import build_household_history, write_household_history
from shibei.synth.manifest import spec_entry, write_manifest
from shibei.synth.noise_config import load_noise_config
from shibei.synth.organizations import build_organizations
from shibei.synth.population import PopulationBuilder
from shibei.synth.risk_schemes import plant_risk_schemes, write_risk_truth
from shibei.synth.rosters import build_rosters
from shibei.synth.truth import write_entities, write_feed_truth


def build_world(
    scale: float, seed: int, boundaries: Path | None = None, progress: Progress | None = None
) -> World:
    """The reference district's reality, before any department writes it down."""
    progress = progress or NullProgress()
    if not 0 < scale <= 10:
        raise ValueError("scale 须在 (0, 10] 之间")
    progress.step("地址库（街道、社区、网格、小区、楼栋、房屋）")
    gazetteer = build_gazetteer(scale, seed, boundaries)
    residents = round(RESIDENTS * scale)
    progress.step("实有人口与户", total=None)
    population = PopulationBuilder(random.Random(seed + 1)).build(list(gazetteer.houses), residents)
    progress.step("实有单位")
    organizations = build_organizations(
        random.Random(seed + 2), population, list(gazetteer.houses), scale
    )
    progress.step("网格员与社区警力")
    rosters = build_rosters(gazetteer, random.Random(seed + 3))
    progress.step("两年的事件（警情、纠纷、工单、门禁）")
    smart = {c.code for c in gazetteer.compounds if c.smart_security}
    smart_compound_of_house: dict[str, str] = {}
    for building in gazetteer.buildings:
        if building.compound_code in smart:
            for house in gazetteer.houses_of(building.code):
                smart_compound_of_house[house.code] = building.compound_code
    events = build_events(
        random.Random(seed + 4),
        population,
        smart_compound_of_house,
        [o.id for o in organizations if o.status == "存续"],
        scale,
    )
    risk = plant_risk_schemes(
        random.Random(seed + 7),
        population,
        list(gazetteer.houses),
        organizations,
        events,
        set(smart_compound_of_house),
    )
    return World(gazetteer, population, organizations, events, rosters, risk)


def generate_district(
    data_dir: Path,
    *,
    scale: float,
    seed: int,
    boundaries: Path | None = None,
    progress: Progress | None = None,
    deliveries: int = 1,
) -> dict[str, Any]:
    """Write gazetteer, feeds, truth and the manifest under `data_dir`; return the manifest.
    `deliveries` > 1 adds that many full extracts of every feed in all (`redelivery`), in
    `feeds/delivery-02/`…: the same district with more source rows.

    Deterministic: the same scale, seed and deliveries give the same content.
    """
    if deliveries < 1:
        raise ValueError("deliveries 须 ≥ 1")
    progress = progress or NullProgress()
    noise = load_noise_config()
    world = build_world(scale, seed, boundaries, progress)
    gazetteer_dir, feeds_dir, truth_dir = (data_dir / d for d in ("gazetteer", "feeds", "truth"))
    for directory in (gazetteer_dir, feeds_dir, truth_dir):
        if directory.exists():
            shutil.rmtree(directory)
        directory.mkdir(parents=True)
    write_gazetteer(world.gazetteer, gazetteer_dir)
    write_entities(world.population, world.organizations, truth_dir)
    write_risk_truth(world.risk, truth_dir)
    feeds: dict[str, Any] = {}
    step = progress.step("部门数据与真值", total=len(FEED_BUILDERS))
    redelivered = random.Random(seed + 11)
    for feed in build_feeds(world, noise, seed):
        write_feed(feed, feeds_dir)  # before hashing: GBK export may lose characters
        write_feed_truth(feed, truth_dir)
        feeds[feed.spec.name] = spec_entry(feed.spec, len(feed.rows), content_sha256(feed))
        for number in range(2, deliveries + 1):
            directory = feeds_dir / f"delivery-{number:02d}"
            directory.mkdir(exist_ok=True)
            write_feed(redelivery(feed, redelivered), directory)
        step.advance()
    progress.step("两年的户政业务工单")
    history = build_household_history(
        random.Random(seed + 5), world.gazetteer, world.population, scale
    )
    household_orders = write_household_history(
        history, data_dir / "history" / "household_orders.jsonl"
    )
    manifest = {
        "generator": f"shibei {__version__}",
        "scale": scale,
        "seed": seed,
        "noise_version": noise.version,
        "noise": noise.model_dump(),
        "history": {"first_day": "2024-01-01", "last_day": "2025-12-31"},
        "counts": _counts(world),
        "deliveries": deliveries,
        "feed_rows": deliveries * sum(f["rows"] for f in feeds.values()),
        "household_orders": household_orders,
        "feeds": feeds,
        "streets": {s.name: s.code for s in world.gazetteer.streets},
    }
    write_manifest(manifest, feeds_dir)
    return manifest


def _counts(world: World) -> dict[str, int]:
    gaz, pop, events = world.gazetteer, world.population, world.events
    return {
        "streets": len(gaz.streets),
        "communities": len(gaz.communities),
        "grids": len(gaz.grids),
        "grid_workers": len(world.rosters.grid_workers),
        "community_police": len(world.rosters.police),
        "roads": len(gaz.roads),
        "compounds": len(gaz.compounds),
        "old_open_compounds": sum(1 for c in gaz.compounds if c.old_open),
        "buildings": len(gaz.buildings),
        "houses": len(gaz.houses),
        "vacant_houses": len(pop.vacant_house_codes),
        "facilities": len(gaz.facilities),
        "persons": len(pop.persons),
        "hukou_persons": sum(1 for p in pop.persons if p.hukou),
        "migrant_persons": sum(1 for p in pop.persons if not p.hukou),
        "households": len(pop.households),
        "organizations": len(world.organizations),
        "incidents": len(events.incidents),
        "disputes": len(events.disputes),
        "service_requests": len(events.service_requests),
        "access_events": len(events.access),
    }
