"""Stable entity ids across runs, and the merge/split events between them.

Each cluster has an **anchor**: its smallest valid ID number (USCC for organizations),
else its earliest mention id. The id ledger keeps (entity_id, anchor). A new run gives a
cluster the id of every previous entity whose anchor it contains; when it contains
several, the oldest (smallest) id survives and a `merge` event records each other one.
When a previous entity's mentions now fall into several clusters, the cluster holding its
anchor keeps the id and the others get new ids with a `split` event. New entities are
numbered after the largest id ever issued, in anchor order, so a rerun on the same data
gives the same ids.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class ClusterKeys:
    """What identifies one cluster of mentions. `keys` are every anchor it could carry
    (its valid numbers and its mention ids)."""

    anchor: str
    keys: frozenset[str]
    mention_ids: tuple[str, ...]
    first_batch: str


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    entity_type: str
    entity_id: str
    anchor: str
    first_seen_batch: str


@dataclass(frozen=True, slots=True)
class EntityEvent:
    entity_type: str
    event: str  # "merge" | "split"
    entity_id: str  # the id that continues
    other_id: str  # the id absorbed (merge) or split off (split)
    batch: str
    at: datetime


@dataclass(slots=True)
class Assignment:
    ids: list[str]
    ledger: list[LedgerEntry]
    events: list[EntityEvent] = field(default_factory=list)


def assign_ids(
    entity_type: str,
    prefix: str,
    clusters: Sequence[ClusterKeys],
    *,
    previous_ledger: Sequence[LedgerEntry] = (),
    previous_links: Mapping[str, str] | None = None,
    batch_of: Mapping[str, str] | None = None,
    at: datetime,
) -> Assignment:
    """Ids for `clusters` (in order), the new ledger and the events.

    >>> c = ClusterKeys("370203198501011235", frozenset({"370203198501011235", "m1"}),
    ...                 ("m1",), "b1")
    >>> assign_ids("person", "P", [c], at=datetime(2026, 1, 1)).ids
    ['P0000000001']
    """
    previous_links = previous_links or {}
    batch_of = batch_of or {}
    old = [e for e in previous_ledger if e.entity_type == entity_type]
    by_anchor = {e.anchor: e for e in old}
    issued = max((_number(e.entity_id) for e in old), default=0)
    ids: list[str | None] = [None] * len(clusters)
    events: list[EntityEvent] = []
    first_seen: dict[str, str] = {e.entity_id: e.first_seen_batch for e in old}

    def new_batch(c: ClusterKeys) -> str:
        fresh = sorted(batch_of.get(m, "") for m in c.mention_ids if m not in previous_links)
        return fresh[0] if fresh else ""

    # 1. continue previous entities whose anchor a cluster holds; merges
    for n, c in enumerate(clusters):
        continued = sorted({by_anchor[k].entity_id for k in c.keys if k in by_anchor})
        if not continued:
            continue
        ids[n] = continued[0]
        for other in continued[1:]:
            events.append(EntityEvent(entity_type, "merge", continued[0], other, new_batch(c), at))
    # 2. splits: a previous entity's mentions in a cluster that did not keep its id
    owner = {i for i in ids if i is not None}
    split_from: dict[int, str] = {}
    for n, c in enumerate(clusters):
        if ids[n] is not None:
            continue
        before = sorted({previous_links[m] for m in c.mention_ids if m in previous_links})
        if before and before[0] in owner:
            split_from[n] = before[0]
    # 3. new ids in anchor order
    for n in sorted((n for n in range(len(clusters)) if ids[n] is None),
                    key=lambda n: clusters[n].anchor):  # fmt: skip
        issued += 1
        ids[n] = f"{prefix}{issued:010d}"
        first_seen[ids[n] or ""] = clusters[n].first_batch
        if n in split_from:
            c = clusters[n]
            events.append(
                EntityEvent(entity_type, "split", split_from[n], ids[n] or "", new_batch(c), at)
            )
    final = [i or "" for i in ids]
    ledger = [
        LedgerEntry(entity_type, entity_id, c.anchor, first_seen.get(entity_id, c.first_batch))
        for entity_id, c in zip(final, clusters, strict=True)
    ]
    events.sort(key=lambda e: (e.event, e.entity_id, e.other_id))
    return Assignment(final, ledger, events)


def _number(entity_id: str) -> int:
    digits = entity_id[1:]
    return int(digits) if digits.isdigit() else 0


def anchor_of(valid_keys: Sequence[str], mention_ids: Sequence[str]) -> str:
    """The smallest valid key, else the earliest (smallest) mention id."""
    return min(valid_keys) if valid_keys else min(mention_ids)


def index_by_entity(ids: Sequence[str]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = defaultdict(list)
    for n, i in enumerate(ids):
        out[i].append(n)
    return out
