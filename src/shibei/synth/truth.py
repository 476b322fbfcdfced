"""Ground truth, written apart from the feeds (`truth/`): per feed row, what it really
refers to, and the entity tables behind the feeds. The pipeline never reads it; the
benchmarks do."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from shibei.synth.feed_builder import Feed, FeedSpec
from shibei.synth.feed_files import read_feed, write_parquet
from shibei.synth.manifest import read_manifest, spec_from_manifest
from shibei.synth.organizations import Organization
from shibei.synth.population import Population


def write_feed_truth(feed: Feed, truth_dir: Path) -> None:
    records = [t.as_record(feed.spec.name) for t in feed.truth]
    write_parquet(records, truth_dir / f"{feed.spec.name}.parquet")


def write_entities(
    population: Population, organizations: list[Organization], truth_dir: Path
) -> None:
    """persons, households and organizations as they really are."""
    write_parquet(
        [
            {
                "person_id": p.id,
                "name": p.name,
                "sex": p.sex,
                "birth": p.birth.isoformat(),
                "id_number": p.id_number,
                "phones": p.phones,
                "household_id": p.household_id,
                "relation": p.relation,
                "house_code": p.house_code,
                "hukou": p.hukou,
                "hukou_house_code": p.hukou_house_code,
                "origin_region": p.origin_region,
                "previous_house_code": p.previous_house_code,
                "moved_on": p.moved_on.isoformat() if p.moved_on else None,
                "employer_id": p.employer_id,
            }
            for p in population.persons
        ],
        truth_dir / "persons.parquet",
    )
    write_parquet(
        [
            {
                "household_id": h.id,
                "house_code": h.house_code,
                "hukou": h.hukou,
                "tenure": h.tenure,
                "owner_id": h.owner_id,
                "member_ids": h.member_ids,
                "previous_house_code": h.previous_house_code,
            }
            for h in population.households
        ],
        truth_dir / "households.parquet",
    )
    write_parquet(
        [
            {
                "org_id": o.id,
                "uscc": o.uscc,
                "name": o.name,
                "kind": o.kind,
                "industry": o.industry,
                "legal_rep_id": o.legal_rep_id,
                "registered_house": o.registered_house,
                "operating_house": o.operating_house,
                "established": o.established.isoformat(),
                "status": o.status,
                "deregistered_on": o.deregistered_on.isoformat() if o.deregistered_on else None,
                "employee_count": len(o.employee_ids),
                "changes": json.dumps(
                    [[c.day.isoformat(), c.field, c.old, c.new] for c in o.changes],
                    ensure_ascii=False,
                ),
            }
            for o in organizations
        ],
        truth_dir / "organizations.parquet",
    )


def read_feed_truth(data_dir: Path, feed: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = pq.read_table(data_dir / "truth" / f"{feed}.parquet").to_pylist()
    return rows


@dataclass(frozen=True, slots=True)
class AddressCase:
    """One address as a feed delivered it, with the house it really denotes."""

    feed: str
    row: int
    text: str
    street_hint: str | None  # 9-digit street code, when the feed is street-level
    house_code: str | None  # None: the text does not denote a house in the district
    kinds: frozenset[str]  # noise kinds applied to the address
    identifies_house: bool


def iter_address_cases(data_dir: Path) -> Iterator[AddressCase]:
    """Every address in the generated feeds, paired with its truth."""
    manifest = read_manifest(data_dir / "feeds")
    streets: dict[str, str] = manifest["streets"]
    for name in manifest["feeds"]:
        spec: FeedSpec = spec_from_manifest(manifest, name)
        if not spec.address_columns:
            continue
        truth = read_feed_truth(data_dir, name)
        rows = read_feed(data_dir / "feeds" / spec.file_name, spec)
        for row, t in zip(rows, truth, strict=True):
            text = "".join(str(row.get(c) or "") for c in spec.address_columns)
            if not text:
                continue
            noise: dict[str, list[str]] = json.loads(t["noise"])
            kinds = frozenset(k for c in spec.address_columns for k in noise.get(c, ()))
            street = str(row.get(spec.street_column) or "") if spec.street_column else ""
            house = t["house_code"]
            yield AddressCase(
                feed=name,
                row=int(t["row"]),
                text=text,
                street_hint=streets.get(street),
                house_code=house,
                kinds=kinds,
                identifies_house=house is not None and "encoding_loss" not in kinds,
            )
