"""Person linkage, end to end in memory: deterministic groups by ID number, collapsed
identity records, probabilistic pairs through the `Linker` port, constrained clustering.
No I/O; `pipeline.py` reads and writes the lake."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from math import comb

from shibei.resolve.clusters import ConstrainedClusters, accept_pairs
from shibei.resolve.deterministic import group_by_id_number
from shibei.resolve.model import Evidence, PersonMention, PersonRecord, ScoredPair
from shibei.resolve.ports import Linker
from shibei.resolve.records import collapse
from shibei.resolve.unique_name import unique_name_joins

MATCH_THRESHOLD = 0.99
"""A pair joins two clusters at this match probability or above (precision first: a wrong
merge mixes two people's records; a missed one leaves a mention for review)."""

ROSTER_ROLES = frozenset({"grid_worker", "police_officer", "auxiliary_police"})
"""Mention roles of staff rosters: never linked on a name alone (`unique_name.py`)."""

RESIDENCE_ROLES = frozenset({"resident", "migrant", "surveyed", "requester"})
"""Mention roles whose house is where the person lives (the household rule)."""

SCORE_FLOOR = 0.5
"""Pairs scored below this are not kept even as explanations."""


@dataclass(frozen=True, slots=True)
class Edge:
    """Why two mentions are linked: one row of `explanations.parquet`."""

    left_mention_id: str
    right_mention_id: str
    match_weight: float | None
    match_probability: float
    evidence: dict[str, Evidence]


@dataclass(slots=True)
class PersonLinkage:
    """`cluster[i]` numbers the person of mention i (0…); `method` and `probability` per
    mention as in `person_links`; `id_labels[i]` the deterministic group."""

    cluster: list[int]
    method: list[str]
    probability: list[float]
    id_labels: list[str | None]
    records: list[PersonRecord] = field(default_factory=list)  # per mention
    edges: list[Edge] = field(default_factory=list)
    conflicts: list[tuple[str, int]] = field(default_factory=list)  # (attribute, mention)
    scored_pairs: int = 0


def link_persons(
    mentions: Sequence[PersonMention],
    linker: Linker,
    *,
    threshold: float = MATCH_THRESHOLD,
) -> PersonLinkage:
    groups = group_by_id_number(mentions)
    records, record_of_mention = collapse(mentions)
    record_label: list[str | None] = [None] * len(records)
    for i, r in enumerate(record_of_mention):
        record_label[r] = groups.label[i]
    clusters = ConstrainedClusters(len(records))
    first_of_label: dict[str, int] = {}
    for r, label in enumerate(record_label):
        if label is None:
            continue
        clusters.mark(r, label)
        if label in first_of_label:
            clusters.union(first_of_label[label], r)
        else:
            first_of_label[label] = r
    pairs = linker.score(records, prior=_prior(record_label), min_probability=SCORE_FLOOR)
    accepted = accept_pairs(clusters, pairs, threshold)
    snapshot = clusters.components()
    eligible = [False] * len(records)
    kinds = [""] * len(records)
    for i, r in enumerate(record_of_mention):
        role = mentions[i].role
        if role not in ROSTER_ROLES:
            eligible[r] = True
        if role == "hukou":
            kinds[r] = "hukou"
        elif role in RESIDENCE_ROLES and kinds[r] != "hukou":
            kinds[r] = "residence"
    by_name = unique_name_joins(
        records, snapshot, [clusters.labelled(r) for r in range(len(records))], eligible, kinds
    )
    named: set[int] = set()  # roots of leftover components joined by the rare-name rule
    for leftover, person in by_name:
        clusters.union(leftover, person)
        named.add(leftover)
    roots = clusters.components()

    # mentions of a record, and the representative mention (smallest id) of each record
    mentions_of: dict[int, list[int]] = defaultdict(list)
    for i, r in enumerate(record_of_mention):
        mentions_of[r].append(i)
    rep = {r: min(ms, key=lambda i: mentions[i].mention_id) for r, ms in mentions_of.items()}
    number = {root: n for n, root in enumerate(sorted(set(roots)))}
    cluster = [number[roots[record_of_mention[i]]] for i in range(len(mentions))]
    size: dict[int, int] = defaultdict(int)
    for c in cluster:
        size[c] += 1
    best: dict[int, float] = {}
    for p in accepted:
        for r in (p.left, p.right):
            best[r] = max(best.get(r, 0.0), p.match_probability)
    method: list[str] = []
    probability: list[float] = []
    for i in range(len(mentions)):
        r = record_of_mention[i]
        if groups.label[i] is not None:
            method.append("id_number")
            probability.append(1.0)
        elif snapshot[r] in named:
            method.append("unique_name")
            probability.append(1.0)
        elif size[cluster[i]] == 1:
            method.append("singleton")
            probability.append(1.0)
        else:
            method.append("probabilistic")
            probability.append(best.get(r, 1.0))
    edges = _edges(mentions, groups.label, mentions_of, rep, accepted)
    edges += _name_edges(mentions, records, snapshot, rep, by_name)
    return PersonLinkage(
        cluster=cluster,
        method=method,
        probability=probability,
        id_labels=groups.label,
        records=[records[r] for r in record_of_mention],
        edges=edges,
        conflicts=[(attr, i) for _, attr, i in groups.conflicts],
        scored_pairs=len(pairs),
    )


def _prior(labels: Sequence[str | None]) -> float:
    """Probability two random records match, from the deterministic groups: pairs inside
    a group over all pairs of records that carry a valid number."""
    sizes: dict[str, int] = defaultdict(int)
    for label in labels:
        if label is not None:
            sizes[label] += 1
    n = sum(sizes.values())
    within = sum(comb(k, 2) for k in sizes.values())
    if n < 2 or within == 0:
        return 1e-4
    return min(0.5, within / comb(n, 2))


def _edges(
    mentions: Sequence[PersonMention],
    labels: Sequence[str | None],
    mentions_of: dict[int, list[int]],
    rep: dict[int, int],
    accepted: Sequence[ScoredPair],
) -> list[Edge]:
    out: list[Edge] = []
    first_of_label: dict[str, int] = {}
    for i in sorted(range(len(mentions)), key=lambda i: mentions[i].mention_id):
        label = labels[i]
        if label is None:
            continue
        if label not in first_of_label:
            first_of_label[label] = i
            continue
        anchor = first_of_label[label]
        evidence = {"id_number": Evidence("valid exact")}
        out.append(Edge(mentions[anchor].mention_id, mentions[i].mention_id, None, 1.0, evidence))
    for r, members in mentions_of.items():
        if labels[members[0]] is not None:
            continue  # already tied through the ID number
        for i in members:
            if i != rep[r]:
                evidence = {"identity": Evidence("identical")}
                out.append(
                    Edge(mentions[rep[r]].mention_id, mentions[i].mention_id, None, 1.0, evidence)
                )
    for p in accepted:
        left, right = mentions[rep[p.left]].mention_id, mentions[rep[p.right]].mention_id
        if left > right:
            left, right = right, left
        out.append(Edge(left, right, p.match_weight, p.match_probability, p.evidence))
    return out


def _name_edges(
    mentions: Sequence[PersonMention],
    records: Sequence[PersonRecord],
    snapshot: Sequence[int],
    rep: dict[int, int],
    joins: Sequence[tuple[int, int]],
) -> list[Edge]:
    """One explanation per rare-name join: the leftover component's first record and
    the identified person's first record with the same pinyin key."""
    first: dict[int, int] = {}
    first_named: dict[tuple[int, str | None], int] = {}
    for r in range(len(records)):
        first.setdefault(snapshot[r], r)
        first_named.setdefault((snapshot[r], records[r].name_key), r)
    out: list[Edge] = []
    for leftover, person in joins:
        key = records[first[leftover]].name_key
        target = first_named.get((person, key), first[person])
        left, right = mentions[rep[first[leftover]]].mention_id, mentions[rep[target]].mention_id
        if left > right:
            left, right = right, left
        evidence = {"name": Evidence("unique among identified persons")}
        out.append(Edge(left, right, None, 1.0, evidence))
    return out
