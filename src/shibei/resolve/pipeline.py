"""`resolve()`: lake/mentions → lake/resolve (docs/pipeline.md, docs/resolve.md)."""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from shibei.progress import Progress
from shibei.resolve.lake import read_mention_columns, read_table, write_tables
from shibei.resolve.model import Evidence, PersonMention
from shibei.resolve.organizations import OrgMention, golden_organization, link_organizations
from shibei.resolve.persons import MATCH_THRESHOLD, PersonLinkage, link_persons
from shibei.resolve.ports import Linker
from shibei.resolve.stable_ids import Assignment, ClusterKeys, LedgerEntry, anchor_of, assign_ids
from shibei.resolve.survivorship import GOLDEN_ATTRIBUTES, GoldenBuilder, conflicts


@dataclass(slots=True)
class ResolveReport:
    """What a run did: counts, link methods, events, seconds per stage."""

    person_mentions: int = 0
    persons: int = 0
    organization_mentions: int = 0
    organizations: int = 0
    person_methods: dict[str, int] = field(default_factory=dict)
    conflicts: int = 0
    scored_pairs: int = 0
    merges: int = 0
    splits: int = 0
    model_version: str = ""
    seconds: dict[str, float] = field(default_factory=dict)


def resolve(
    lake_dir: Path,
    progress: Progress,
    *,
    previous: Path | None = None,
    linker: Linker | None = None,
    threshold: float = MATCH_THRESHOLD,
    at: datetime | None = None,
) -> ResolveReport:
    """Resolve person and organization mentions into entities with stable ids.

    Reads `lake_dir/mentions/{persons,organizations}/**`, writes `lake_dir/resolve/*`.
    `previous` is the resolve directory of an earlier run (default: `lake_dir/resolve`
    when it exists): its id ledger and links keep ids stable. `linker` defaults to the
    Splink + DuckDB engine with the shipped model.
    """
    if linker is None:
        from shibei.resolve.splink_linker import SplinkLinker

        linker = SplinkLinker()
    at = at or datetime.now(UTC)
    report = ResolveReport(model_version=linker.model_version)
    clock = time.perf_counter()
    previous = previous if previous is not None else lake_dir / "resolve"
    ledger = [LedgerEntry(**row) for row in read_table(previous / "id_ledger.parquet")]

    progress.step("读取人员与法人提及")
    persons = sorted(read_mention_columns(lake_dir, "persons", PersonMention.from_columns),
                     key=lambda m: m.mention_id)  # fmt: skip
    orgs = sorted(read_mention_columns(lake_dir, "organizations", OrgMention.from_columns),
                  key=lambda m: m.mention_id)  # fmt: skip
    report.person_mentions, report.organization_mentions = len(persons), len(orgs)
    report.seconds["read"] = round(time.perf_counter() - clock, 3)

    clock = time.perf_counter()
    progress.step("人员关联：身份证号确定性关联 + 概率关联", total=len(persons))
    linkage = link_persons(persons, linker, threshold=threshold)
    report.scored_pairs = linkage.scored_pairs
    report.seconds["link_persons"] = round(time.perf_counter() - clock, 3)

    clock = time.perf_counter()
    progress.step("稳定编号与主记录")
    previous_person_links = {
        r["mention_id"]: r["person_id"] for r in read_table(previous / "person_links.parquet")
    }
    members = _members(linkage.cluster)
    person_keys = [_person_keys(persons, linkage, ms) for ms in members]
    batch_of = {m.mention_id: m.batch for m in persons}
    people = assign_ids("person", "P", person_keys, previous_ledger=ledger,
                        previous_links=previous_person_links, batch_of=batch_of, at=at)  # fmt: skip
    tables = _person_tables(persons, linkage, members, people)
    report.persons = len(members)
    report.conflicts = len(tables["person_conflicts"])
    for m in linkage.method:
        report.person_methods[m] = report.person_methods.get(m, 0) + 1

    progress.step("法人关联")
    org_tables, org_assignment = _organizations(orgs, persons, linkage, people, ledger, lake_dir,
                                                previous, at)  # fmt: skip
    tables |= org_tables
    report.organizations = len(tables["organizations"])
    tables["id_ledger"] = [_ledger_row(e) for e in people.ledger + org_assignment.ledger]
    events = people.events + org_assignment.events
    tables["entity_events"] = [
        {"entity_type": e.entity_type, "event": e.event, "entity_id": e.entity_id,
         "other_id": e.other_id, "batch": e.batch, "at": e.at}
        for e in events
    ]  # fmt: skip
    report.merges = sum(e.event == "merge" for e in events)
    report.splits = sum(e.event == "split" for e in events)
    write_tables(lake_dir / "resolve", tables, _GOLDEN_SCHEMAS)
    report.seconds["golden_and_write"] = round(time.perf_counter() - clock, 3)
    return report


def _members(cluster: Sequence[int]) -> list[list[int]]:
    out: dict[int, list[int]] = defaultdict(list)
    for i, c in enumerate(cluster):
        out[c].append(i)
    return [out[c] for c in sorted(out)]


def _person_keys(
    mentions: Sequence[PersonMention], linkage: PersonLinkage, members: list[int]
) -> ClusterKeys:
    ids = sorted({linkage.id_labels[i] or "" for i in members} - {""})
    mention_ids = tuple(mentions[i].mention_id for i in members)
    anchor = anchor_of(ids, mention_ids)
    first = min(members, key=lambda i: mentions[i].mention_id)
    return ClusterKeys(anchor, frozenset(ids) | frozenset(mention_ids), mention_ids,
                       mentions[first].batch)  # fmt: skip


def _ledger_row(e: LedgerEntry) -> dict[str, Any]:
    return {"entity_type": e.entity_type, "entity_id": e.entity_id, "anchor": e.anchor,
            "first_seen_batch": e.first_seen_batch}  # fmt: skip


def _person_tables(
    mentions: Sequence[PersonMention],
    linkage: PersonLinkage,
    members: list[list[int]],
    people: Assignment,
) -> dict[str, list[dict[str, Any]]]:
    person_of = {}
    for person_id, ms in zip(people.ids, members, strict=True):
        for i in ms:
            person_of[i] = person_id
    links = [
        {"mention_id": m.mention_id, "person_id": person_of[i], "method": linkage.method[i],
         "match_probability": linkage.probability[i]}
        for i, m in enumerate(mentions)
    ]  # fmt: skip
    golden: list[dict[str, Any]] = []
    conflict_rows: list[dict[str, Any]] = []  # sorted below by person, attribute, source
    seen: set[tuple[str, str, str, str, str, int]] = set()
    builder = GoldenBuilder(mentions, linkage.records)
    for person_id, ms in zip(people.ids, members, strict=True):
        golden.append(builder.row(person_id, ms))
        if len(ms) < 2:
            continue  # one mention: nothing to conflict with
        group = [mentions[i] for i in ms]
        records = [linkage.records[i] for i in ms]
        for c in conflicts(person_id, group, records):
            key = (c.person_id, c.attribute, c.value, c.source, c.batch, c.row)
            if key not in seen:
                seen.add(key)
                conflict_rows.append(dict(zip(_CONFLICT_COLUMNS, key, strict=True)))
    # a name split off an ID number (deterministic stage) stays visible on both persons
    for attribute, i in linkage.conflicts:
        m = mentions[i]
        value = m.name_std if attribute == "name" else (
            m.birth_date.isoformat() if m.birth_date else None)  # fmt: skip
        key = (person_of[i], attribute, value or "", m.source, m.batch, m.row)
        if key not in seen:
            seen.add(key)
            conflict_rows.append(dict(zip(_CONFLICT_COLUMNS, key, strict=True)))
    golden.sort(key=lambda r: r["person_id"])
    conflict_rows.sort(key=lambda r: (r["person_id"], r["attribute"], r["source"], r["row"]))
    texts: dict[tuple[tuple[str, Evidence], ...], str] = {}

    def text(evidence: dict[str, Evidence]) -> str:
        key = tuple(evidence.items())
        found = texts.get(key)
        if found is None:
            found = texts[key] = json.dumps({k: v.to_json() for k, v in evidence.items()},
                                            ensure_ascii=False, sort_keys=True)  # fmt: skip
        return found

    explanations = [
        {"left_mention_id": e.left_mention_id, "right_mention_id": e.right_mention_id,
         "match_weight": e.match_weight, "match_probability": e.match_probability,
         "evidence": text(e.evidence)}
        for e in linkage.edges
    ]  # fmt: skip
    return {
        "person_links": links,
        "persons": golden,
        "person_conflicts": conflict_rows,
        "explanations": explanations,
    }


_CONFLICT_COLUMNS = ("person_id", "attribute", "value", "source", "batch", "row")


def _organizations(
    orgs: Sequence[OrgMention],
    persons: Sequence[PersonMention],
    linkage: PersonLinkage,
    people: Assignment,
    ledger: Sequence[LedgerEntry],
    lake_dir: Path,
    previous: Path,
    at: datetime,
) -> tuple[dict[str, list[dict[str, Any]]], Assignment]:
    org_linkage = link_organizations(orgs)
    members = _members(org_linkage.cluster)
    keys = []
    for ms in members:
        usccs = sorted({orgs[i].uscc_std or "" for i in ms} - {""})
        mention_ids = tuple(orgs[i].mention_id for i in ms)
        first = min(ms, key=lambda i: orgs[i].mention_id)
        keys.append(ClusterKeys(anchor_of(usccs, mention_ids),
                                frozenset(usccs) | frozenset(mention_ids), mention_ids,
                                orgs[first].batch))  # fmt: skip
    previous_links = {
        r["mention_id"]: r["org_id"] for r in read_table(previous / "org_links.parquet")
    }
    assignment = assign_ids("organization", "O", keys, previous_ledger=ledger,
                            previous_links=previous_links,
                            batch_of={m.mention_id: m.batch for m in orgs}, at=at)  # fmt: skip
    # legal representative: the person of a legal_rep mention tied to the same USCC
    person_id_of_cluster = dict(enumerate(people.ids))
    rep_of_uscc: dict[str, str] = {}
    for i, m in sorted(enumerate(persons), key=lambda x: x[1].mention_id):
        if m.role == "legal_rep" and m.uscc_std:
            rep_of_uscc.setdefault(m.uscc_std, person_id_of_cluster[linkage.cluster[i]])
    links: list[dict[str, Any]] = []
    golden: list[dict[str, Any]] = []
    for org_id, ms in zip(assignment.ids, members, strict=True):
        group = [orgs[i] for i in ms]
        usccs = sorted({m.uscc_std for m in group if m.uscc_std})
        rep = next((rep_of_uscc[u] for u in usccs if u in rep_of_uscc), None)
        golden.append(golden_organization(org_id, group, rep))
        for i in ms:
            links.append({"mention_id": orgs[i].mention_id, "org_id": org_id,
                          "method": org_linkage.method[i], "match_probability": 1.0})  # fmt: skip
    golden.sort(key=lambda r: r["org_id"])
    links.sort(key=lambda r: r["mention_id"])
    return {"org_links": links, "organizations": golden}, assignment


def _golden_columns(attributes: Sequence[str], types: dict[str, str]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for attr in attributes:
        out += [(attr, types.get(attr, "string")), (f"{attr}_source", "string"),
                (f"{attr}_why", "string")]  # fmt: skip
    return out


_GOLDEN_SCHEMAS: dict[str, list[tuple[str, str]]] = {
    "persons": [
        ("person_id", "string"),
        *_golden_columns(
            GOLDEN_ATTRIBUTES,
            {"birth_date": "date", "phones": "list<string>", "is_migrant": "bool"},
        ),
    ],
    "organizations": [
        ("org_id", "string"),
        *_golden_columns(("uscc", "name", "registered_house", "operating_house", "status"), {}),
        ("legal_rep_person_id", "string"),
    ],
}
