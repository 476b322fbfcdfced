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
from shibei.resolve.lake import ResolveOutput
from shibei.resolve.model import Evidence, ScoredPairs
from shibei.resolve.persons import MATCH_THRESHOLD, PersonLinkage, link_persons
from shibei.resolve.ports import Linker
from shibei.resolve.stable_ids import assign_ids_sql, temp_table


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
    out = ResolveOutput(lake_dir / "resolve", _GOLDEN_SCHEMAS)
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
        events = assign_ids_sql(con, "person", "P", at=at)
        con.execute("CREATE OR REPLACE TEMP TABLE person_ledger AS SELECT * FROM ent_ledger")
        con.execute("DROP VIEW ent_mentions")  # (the organizations' is a table)
        con.execute(
            "CREATE OR REPLACE TABLE fin AS SELECT c.rec, c.root, c.snapshot, "
            "i.entity_id AS person_id FROM components c JOIN ent_ids i ON i.cluster = c.root"
        )
        _person_links(con, linkage, out)
        report.person_methods = dict(con.execute(
            "SELECT method, count(*) FROM read_parquet("
            f"{person_sql.literal(out.staging / 'person_links.parquet')}) GROUP BY 1 ORDER BY 1"
        ).fetchall())  # fmt: skip
        report.seconds["link_persons"] = _lap(clock)
        report.link_persons_seconds = linkage.seconds

        clock = time.perf_counter()
        progress.step("人员主记录、冲突与关联解释")
        report.persons = out.copy(con, "persons", person_sql.golden_sql())
        report.conflicts = out.copy(con, "person_conflicts", person_sql.conflicts_sql())
        _explanations(con, linkage, out)
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
        events += assign_ids_sql(con, "organization", "O", at=at)
        out.copy(con, "org_links", org_sql.LINKS_SQL)
        report.organizations = out.copy(con, "organizations", org_sql.golden_sql())
        out.copy(con, "id_ledger", "SELECT * FROM person_ledger UNION ALL SELECT * FROM ent_ledger")
        report.seconds["organizations"] = _lap(clock)
        clock = time.perf_counter()
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)
    out.write("entity_events", [
        {"entity_type": e.entity_type, "event": e.event, "entity_id": e.entity_id,
         "other_id": e.other_id, "batch": e.batch, "at": e.at}
        for e in events
    ])  # fmt: skip
    report.merges = sum(e.event == "merge" for e in events)
    report.splits = sum(e.event == "split" for e in events)
    out.commit()
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
    # per mention, read only where an earlier run's links or ledger are compared
    """CREATE OR REPLACE TEMP VIEW ent_mentions AS
       SELECT c.root AS cluster, pr.mention_id, pr.batch, pr.label
       FROM pr JOIN components c USING (rec)""",
    """CREATE OR REPLACE TEMP VIEW ent_keys AS
       SELECT DISTINCT c.root AS cluster, g.label AS k FROM components c JOIN rg g USING (rec)
       WHERE g.label IS NOT NULL
       UNION ALL SELECT cluster, mention_id FROM ent_mentions""",
    # anchor: the smallest valid number (or split-off label), else the first mention —
    # per record: its first mention is its smallest mention id (`pm` is in mention-id order)
    """CREATE OR REPLACE TEMP TABLE ent_anchor AS
       WITH firsts AS (
           SELECT c.root AS cluster, min(g.label) AS label, min(f.idx) AS first
           FROM pr_fields f JOIN components c USING (rec) JOIN rg g USING (rec)
           WHERE f.is_first GROUP BY c.root)
       SELECT f.cluster, coalesce(f.label, pm.mention_id) AS anchor, pm.batch AS first_batch
       FROM firsts f JOIN pm ON pm.idx = f.first""",
)


def _person_links(con: Any, linkage: PersonLinkage, out: ResolveOutput) -> None:
    """Write `person_links`."""
    import pyarrow as pa

    temp_table(con, "accepted", _pair_table(linkage.accepted))
    con.execute(
        "CREATE OR REPLACE TEMP TABLE best AS SELECT rec, max(p) AS p FROM "
        "(SELECT l AS rec, p FROM accepted UNION ALL SELECT r, p FROM accepted) GROUP BY rec"
    )
    temp_table(con, "named", pa.table({
        "root": pa.array(sorted({left for left, _ in linkage.joins}), pa.int64())}))  # fmt: skip
    out.copy(con, "person_links", person_sql.links_sql())


def _explanations(con: Any, linkage: PersonLinkage, out: ResolveOutput) -> None:
    """Write `explanations`: the deterministic ties, each accepted pair and each rare-name
    join, between the first mentions of the records they tie."""
    _name_edges(con, linkage.joins)
    con.execute("""
        CREATE OR REPLACE TEMP TABLE edges AS
        SELECT * FROM accepted UNION ALL SELECT * FROM name_edges""")
    con.execute("""
        CREATE OR REPLACE TEMP TABLE edge_reps AS
        SELECT rec, min(mention_id) AS rep FROM pr
        WHERE rec IN (SELECT l FROM edges UNION ALL SELECT r FROM edges) GROUP BY rec""")
    out.copy(
        con,
        "explanations",
        f"""
        {person_sql.EXPLANATION_SQL}
        UNION ALL
        SELECT least(a.rep, b.rep), greatest(a.rep, b.rep), e.w, e.p, e.e
        FROM edges e JOIN edge_reps a ON a.rec = e.l JOIN edge_reps b ON b.rec = e.r""",
    )


def _pair_table(pairs: ScoredPairs) -> Any:
    """The accepted pairs as a table `(l, r, w, p, e)`: records, match weight and
    probability, and the evidence as JSON text (pairs with the same weights share it)."""
    import pyarrow as pa

    texts = pa.array([_evidence_text(e) for e in pairs.evidence], pa.string())
    return pa.table({
        "l": pa.array(pairs.left, pa.int64()), "r": pa.array(pairs.right, pa.int64()),
        "w": pa.array(pairs.match_weight, pa.float64()),
        "p": pa.array(pairs.match_probability, pa.float64()),
        "e": texts.take(pa.array(pairs.kind, pa.int64()))})  # fmt: skip


def _evidence_text(evidence: dict[str, Evidence]) -> str:
    return json.dumps({k: v.to_json() for k, v in evidence.items()}, ensure_ascii=False,
                      sort_keys=True)  # fmt: skip


def _name_edges(con: Any, joins: list[tuple[int, int]]) -> None:
    """Table `name_edges` (as `accepted`), one per rare-name join: the leftover
    component's root and the identified person's first record with the same pinyin key
    (else its first record). A component's root is its first record."""
    import pyarrow as pa

    evidence = _evidence_text({"name": Evidence("unique among identified persons")})
    temp_table(con, "joins_in", pa.table({
        "leftover": pa.array([a for a, _ in joins], pa.int64()),
        "person": pa.array([b for _, b in joins], pa.int64())}))  # fmt: skip
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE name_edges AS
        SELECT j.leftover AS l,
               coalesce(min(c.rec) FILTER (WHERE r.name_key IS NOT DISTINCT FROM k.name_key),
                        min(c.rec)) AS r,
               CAST(NULL AS DOUBLE) AS w, 1.0::DOUBLE AS p, {person_sql.literal(evidence)} AS e
        FROM joins_in j JOIN rc k ON k.rec = j.leftover
        JOIN components c ON c.snapshot = j.person JOIN rc r ON r.rec = c.rec
        GROUP BY j.leftover""")


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
