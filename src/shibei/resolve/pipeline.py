"""`resolve()`: lake/mentions → lake/resolve (docs/pipeline.md, docs/resolve.md)."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from shibei.progress import Progress
from shibei.resolve import org_sql, person_sql
from shibei.resolve.lake import write_tables
from shibei.resolve.model import Evidence, ScoredPair
from shibei.resolve.persons import MATCH_THRESHOLD, PersonLinkage, link_persons
from shibei.resolve.ports import Linker
from shibei.resolve.stable_ids import (
    assign_ids_sql,
    temp_table,
)


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
    link_persons_seconds: dict[str, float] = field(default_factory=dict)  # `link_persons` by part


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
    import duckdb
    import pyarrow as pa

    if linker is None:
        from shibei.resolve.splink_linker import SplinkLinker

        linker = SplinkLinker()
    at = at or datetime.now(UTC)
    report = ResolveReport(model_version=linker.model_version)
    clock = time.perf_counter()
    previous = previous if previous is not None else lake_dir / "resolve"
    spill = lake_dir / ".staging" / "resolve-work"
    shutil.rmtree(spill, ignore_errors=True)
    spill.mkdir(parents=True)
    con = duckdb.connect(config={"memory_limit": memory_limit(), "temp_directory": str(spill)})
    try:
        progress.step("读取人员提及")
        load_person_mentions(con, lake_dir)
        (count,) = con.execute("SELECT count(*) FROM pm").fetchall()[0]
        report.person_mentions = int(count)
        report.seconds["read_persons"] = _lap(clock)

        clock = time.perf_counter()
        progress.step("人员关联：身份证号确定性关联 + 概率关联", total=report.person_mentions)
        linkage = link_persons(con, linker, threshold=threshold)
        report.scored_pairs = linkage.scored_pairs
        _previous(con, previous, "person_links", "person_id")
        for sql in _PERSON_CLUSTERS_SQL:
            con.execute(sql)
        person_ledger, person_events = assign_ids_sql(con, "person", "P", at=at)
        con.execute(
            "CREATE OR REPLACE TABLE fin AS SELECT c.rec, c.root, c.snapshot, "
            "i.entity_id AS person_id FROM components c JOIN ent_ids i ON i.cluster = c.root"
        )
        tables: dict[str, Any] = {"person_links": _person_links(con, linkage)}
        report.seconds["link_persons"] = _lap(clock)
        report.link_persons_seconds = linkage.seconds

        clock = time.perf_counter()
        progress.step("人员主记录、冲突与关联解释")
        tables |= _golden_tables(con, linkage)
        report.seconds["golden_persons"] = _lap(clock)

        clock = time.perf_counter()
        progress.step("法人关联与稳定编号")
        org_sql.load_mentions(con, *_mentions_relation(con, lake_dir, "organizations"))
        (count,) = con.execute("SELECT count(*) FROM om").fetchall()[0]
        report.organization_mentions = int(count)
        con.execute(
            "CREATE OR REPLACE TEMP TABLE legal_reps AS SELECT pr.uscc_std AS uscc, "
            "arg_min(f.person_id, pr.mention_id) AS person_id FROM pr JOIN fin f USING (rec) "
            "WHERE pr.role = 'legal_rep' AND pr.uscc_std IS NOT NULL GROUP BY 1"
        )
        _previous(con, previous, "org_links", "org_id")
        for sql in org_sql.LINK_SQL:
            con.execute(sql)
        org_ledger, org_events = assign_ids_sql(con, "organization", "O", at=at)
        org_tables = {
            "org_links": con.sql(org_sql.LINKS_SQL).to_arrow_table(),
            "organizations": con.sql(org_sql.golden_sql()).to_arrow_table(),
        }
        tables |= org_tables
        report.persons = tables["persons"].num_rows
        report.conflicts = tables["person_conflicts"].num_rows
        report.organizations = tables["organizations"].num_rows
        report.person_methods = dict(
            con.execute(
                "SELECT method, count(*) FROM person_links_out GROUP BY 1 ORDER BY 1"
            ).fetchall()
        )
        report.seconds["organizations"] = _lap(clock)
        clock = time.perf_counter()
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)
    tables["id_ledger"] = pa.concat_tables([person_ledger, org_ledger])
    events = person_events + org_events
    tables["entity_events"] = [
        {"entity_type": e.entity_type, "event": e.event, "entity_id": e.entity_id,
         "other_id": e.other_id, "batch": e.batch, "at": e.at}
        for e in events
    ]  # fmt: skip
    report.merges = sum(e.event == "merge" for e in events)
    report.splits = sum(e.event == "split" for e in events)
    write_tables(lake_dir / "resolve", tables, _GOLDEN_SCHEMAS)
    report.seconds["write"] = _lap(clock)
    return report


MEMORY_SHARE = 0.4
"""Share of the machine's memory resolve's in-memory DuckDB may hold; beyond it, tables
and sorts spill to `lake/.staging/resolve-work` (removed afterwards). Splink, Arrow
results and Python need the rest of the memory. The foundation stage holds the same
(`store.duckdb_foundation`, spilling to `lake/.staging/foundation-work`)."""


def memory_limit() -> str:
    """DuckDB's `memory_limit` for a build stage: `MEMORY_SHARE` of the machine."""
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return f"{max(512, int(total * MEMORY_SHARE) >> 20)}MB"


def _lap(since: float) -> float:
    return round(time.perf_counter() - since, 3)


def load_person_mentions(con: Any, lake_dir: Path) -> None:
    """Table `pm` (`person_sql.load_mentions`) from `lake/mentions/persons/**`."""
    person_sql.load_mentions(con, *_mentions_relation(con, lake_dir, "persons"))


def _mentions_relation(con: Any, lake_dir: Path, kind: str) -> tuple[str, list[str]]:
    """`lake/mentions/<kind>/**` as a relation to select from, and its columns (an empty
    relation when there are no files)."""
    files = sorted(str(p) for p in (lake_dir / "mentions" / kind).glob("**/*.parquet"))
    if not files:
        return "(SELECT '' AS mention_id WHERE FALSE)", ["mention_id"]
    paths = ", ".join(person_sql.literal(f) for f in files)
    relation = f"read_parquet([{paths}], union_by_name = true)"
    present = [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()]
    return relation, present


def _previous(con: Any, previous: Path, links: str, entity: str) -> None:
    """`prev_ledger` and `prev_links` of an earlier run (empty when there is none)."""
    ledger, link_file = previous / "id_ledger.parquet", previous / f"{links}.parquet"
    columns = "entity_type, entity_id, anchor, first_seen_batch"
    if ledger.exists():
        source = f"SELECT {columns} FROM read_parquet({person_sql.literal(ledger)})"
    else:
        source = "SELECT " + ", ".join(f"'' AS {c}" for c in columns.split(", ")) + " WHERE FALSE"
    con.execute(f"CREATE OR REPLACE TEMP TABLE prev_ledger AS {source}")
    if link_file.exists():
        source = (
            f"SELECT mention_id, {entity} AS entity_id "
            f"FROM read_parquet({person_sql.literal(link_file)})"
        )
    else:
        source = "SELECT '' AS mention_id, '' AS entity_id WHERE FALSE"
    con.execute(f"CREATE OR REPLACE TEMP TABLE prev_links AS {source}")


_PERSON_CLUSTERS_SQL = (
    """CREATE OR REPLACE TEMP TABLE ent_mentions AS
       SELECT c.root AS cluster, pr.mention_id, pr.batch, pr.label
       FROM pr JOIN components c USING (rec)""",
    """CREATE OR REPLACE TEMP TABLE ent_keys AS
       SELECT DISTINCT cluster, label AS k FROM ent_mentions WHERE label IS NOT NULL
       UNION ALL SELECT cluster, mention_id FROM ent_mentions""",
    # anchor: the smallest valid number (or split-off label), else the first mention
    """CREATE OR REPLACE TEMP TABLE ent_anchor AS
       SELECT cluster, coalesce(min(label), min(mention_id)) AS anchor,
              arg_min(batch, mention_id) AS first_batch
       FROM ent_mentions GROUP BY cluster""",
)


def _person_links(con: Any, linkage: PersonLinkage) -> Any:
    """`person_links` (Arrow), kept as table `person_links_out`."""
    import pyarrow as pa

    temp_table(con, "best", pa.table(_best(linkage.accepted)))
    temp_table(con, "named", pa.table({
        "root": pa.array(sorted({left for left, _ in linkage.joins}), pa.int64())}))  # fmt: skip
    con.execute(f"CREATE OR REPLACE TABLE person_links_out AS {person_sql.links_sql()}")
    return con.sql("SELECT * FROM person_links_out").to_arrow_table()


def _golden_tables(con: Any, linkage: PersonLinkage) -> dict[str, Any]:
    """persons, person_conflicts and explanations as Arrow tables."""
    import pyarrow as pa

    tables = {
        "persons": con.sql(person_sql.golden_sql()).to_arrow_table(),
        "person_conflicts": con.sql(person_sql.conflicts_sql()).to_arrow_table(),
    }
    rep = dict(con.execute(person_sql.REPRESENTATIVES_SQL).fetchall())
    texts: dict[tuple[tuple[str, Evidence], ...], str] = {}  # pairs share evidence
    edges = []
    for p in linkage.accepted:
        key = tuple(p.evidence.items())
        text = texts.get(key)
        if text is None:
            text = texts[key] = _evidence_text(p.evidence)
        edges.append(_pair_edge(rep[p.left], rep[p.right], p.match_weight,
                                p.match_probability, text))  # fmt: skip
    edges += _name_edges(con, rep, linkage.joins)
    pairs = pa.table({name: pa.array([e[n] for e in edges], kind) for n, (name, kind) in
                      enumerate((("left_mention_id", pa.string()),
                                 ("right_mention_id", pa.string()),
                                 ("match_weight", pa.float64()),
                                 ("match_probability", pa.float64()),
                                 ("evidence", pa.string())))})  # fmt: skip
    deterministic = con.sql(person_sql.EXPLANATION_SQL).to_arrow_table().cast(pairs.schema)
    tables["explanations"] = pa.concat_tables([deterministic, pairs])
    return tables


def _best(accepted: list[ScoredPair]) -> dict[str, Any]:
    """Each record's best accepted match probability (columns `rec`, `p`)."""
    import pyarrow as pa

    best: dict[int, float] = {}
    for p in accepted:
        for r in (p.left, p.right):
            best[r] = max(best.get(r, 0.0), p.match_probability)
    return {
        "rec": pa.array(list(best), pa.int64()),
        "p": pa.array(list(best.values()), pa.float64()),
    }


def _pair_edge(
    left: str, right: str, weight: float | None, probability: float, evidence: str
) -> tuple[str, str, float | None, float, str]:
    return (*sorted((left, right)), weight, probability, evidence)  # type: ignore[return-value]


def _evidence_text(evidence: dict[str, Evidence]) -> str:
    return json.dumps({k: v.to_json() for k, v in evidence.items()}, ensure_ascii=False,
                      sort_keys=True)  # fmt: skip


def _name_edges(
    con: Any, rep: dict[int, str], joins: list[tuple[int, int]]
) -> list[tuple[str, str, float | None, float, str]]:
    """One explanation per rare-name join: the leftover component's first record and the
    identified person's first record with the same pinyin key (else its first record).
    A component's root is its first record."""
    if not joins:
        return []
    import pyarrow as pa

    evidence = _evidence_text({"name": Evidence("unique among identified persons")})
    con.register("joins_in", pa.table({
        "leftover": pa.array([a for a, _ in joins], pa.int64()),
        "person": pa.array([b for _, b in joins], pa.int64())}))  # fmt: skip
    targets = con.execute("""
        SELECT j.leftover, coalesce(min(c.rec) FILTER (WHERE r.name_key IS NOT DISTINCT FROM
                                                       k.name_key), min(c.rec))
        FROM joins_in j JOIN rec_info k ON k.rec = j.leftover
        JOIN components c ON c.snapshot = j.person JOIN rec_info r ON r.rec = c.rec
        GROUP BY j.leftover""").fetchall()
    con.unregister("joins_in")
    target = dict(targets)
    return [_pair_edge(rep[a], rep[int(target[a])], None, 1.0, evidence) for a, _ in joins]


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
            person_sql.GOLDEN_ATTRIBUTES,
            {"birth_date": "date", "phones": "list<string>", "is_migrant": "bool"},
        ),
    ],
    "organizations": [
        ("org_id", "string"),
        *_golden_columns(("uscc", "name", "registered_house", "operating_house", "status"), {}),
        ("legal_rep_person_id", "string"),
    ],
}
