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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


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
    """Ids for `clusters` (in order), the new ledger and the events (`assign_ids_sql` on
    an in-memory DuckDB).

    >>> c = ClusterKeys("370203198501011235", frozenset({"370203198501011235", "m1"}),
    ...                 ("m1",), "b1")
    >>> assign_ids("person", "P", [c], at=datetime(2026, 1, 1)).ids
    ['P0000000001']
    """
    import duckdb

    con = duckdb.connect()
    try:
        register_clusters(con, clusters, batch_of or {})
        register_previous(con, previous_ledger, previous_links or {})
        events = assign_ids_sql(con, entity_type, prefix, at=at)
        ids = con.execute("SELECT entity_id FROM ent_ids ORDER BY cluster").fetchall()
        ledger = [LedgerEntry(*row) for row in con.execute("SELECT * FROM ent_ledger").fetchall()]
    finally:
        con.close()
    return Assignment([i for (i,) in ids], ledger, events)


def temp_table(con: Any, name: str, table: Any) -> None:
    """An Arrow table copied into a DuckDB temp table `name` (replacing one of that name)."""
    con.register(f"{name}_in", table)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_in")
    con.unregister(f"{name}_in")


def register_clusters(
    con: Any, clusters: Sequence[ClusterKeys], batch_of: Mapping[str, str]
) -> None:
    """`ent_anchor`, `ent_keys` and `ent_mentions` (`assign_ids_sql`) for `clusters`,
    numbered in order."""
    import pyarrow as pa

    n, keys = range(len(clusters)), [sorted(c.keys) for c in clusters]
    tables = {
        "ent_anchor": {
            "cluster": pa.array(n, pa.int64()),
            "anchor": pa.array([c.anchor for c in clusters], pa.string()),
            "first_batch": pa.array([c.first_batch for c in clusters], pa.string())},
        "ent_keys": {
            "cluster": pa.array([i for i in n for _ in keys[i]], pa.int64()),
            "k": pa.array([k for ks in keys for k in ks], pa.string())},
        "ent_mentions": {
            "cluster": pa.array([i for i in n for _ in clusters[i].mention_ids], pa.int64()),
            "mention_id": pa.array([m for c in clusters for m in c.mention_ids], pa.string()),
            "batch": pa.array([batch_of.get(m, "") for c in clusters for m in c.mention_ids],
                              pa.string())},
    }  # fmt: skip
    for name, columns in tables.items():
        temp_table(con, name, pa.table(columns))


def register_previous(con: Any, ledger: Sequence[LedgerEntry], links: Mapping[str, str]) -> None:
    """Register an earlier run's id ledger and mention → entity links as `prev_ledger`
    and `prev_links` on a DuckDB connection."""
    import pyarrow as pa

    previous = {"prev_ledger": pa.table({
        "entity_type": pa.array([e.entity_type for e in ledger], pa.string()),
        "entity_id": pa.array([e.entity_id for e in ledger], pa.string()),
        "anchor": pa.array([e.anchor for e in ledger], pa.string()),
        "first_seen_batch": pa.array([e.first_seen_batch for e in ledger], pa.string())}),
        "prev_links": pa.table({
            "mention_id": pa.array(list(links), pa.string()),
            "entity_id": pa.array(list(links.values()), pa.string())})}  # fmt: skip
    for name, table in previous.items():
        temp_table(con, name, table)


def assign_ids_sql(con: Any, entity_type: str, prefix: str, *, at: datetime) -> list[EntityEvent]:
    """The id assignment on DuckDB tables: `ent_anchor(cluster, anchor, first_batch)`,
    `ent_keys(cluster, k)` (every anchor a cluster could carry), `ent_mentions(cluster,
    mention_id, batch)`, and the previous run's `prev_ledger` and `prev_links`
    (`register_previous`). Leaves `ent_ids(cluster, entity_id)` and the ledger
    `ent_ledger(entity_type, entity_id, anchor, first_seen_batch)` (in cluster order) on
    the connection; returns the events."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE ent_old AS SELECT entity_id, anchor, first_seen_batch "
        "FROM prev_ledger WHERE entity_type = ?",
        [entity_type],
    )
    (old,) = con.execute("SELECT count(*) FROM ent_old").fetchone()
    # with no earlier entity nothing continues and nothing splits: the comparisons of every
    # mention with the earlier run are skipped
    for sql in (*(_CONTINUE_SQL if old else _NOTHING_CONTINUES_SQL), _NEW_SQL):
        con.execute(sql)
    (issued,) = con.execute(
        "SELECT coalesce(max(TRY_CAST(substr(entity_id, 2) AS BIGINT)), 0) FROM ent_old"
    ).fetchone()
    con.execute(
        """CREATE OR REPLACE TEMP TABLE ent_ids AS
           SELECT cluster, coalesce(k.entity_id,
                  ? || lpad(CAST(? + n.n AS VARCHAR), 10, '0')) AS entity_id
           FROM ent_anchor a LEFT JOIN ent_kept k USING (cluster)
           LEFT JOIN ent_new n USING (cluster)""",
        [prefix, int(issued)],
    )
    con.execute(
        """CREATE OR REPLACE TEMP TABLE ent_ledger AS
           SELECT CAST(? AS VARCHAR) AS entity_type, i.entity_id, a.anchor,
                  coalesce(o.first_seen_batch, a.first_batch) AS first_seen_batch
           FROM ent_anchor a JOIN ent_ids i USING (cluster)
           LEFT JOIN ent_old o ON o.entity_id = i.entity_id ORDER BY a.cluster""",
        [entity_type],
    )
    events = [
        EntityEvent(entity_type, event, kept, other, batch, at)
        for event, kept, other, batch in con.execute(
            """SELECT 'merge', k.entity_id, c.entity_id, coalesce(f.b, '')
               FROM ent_cont c JOIN ent_kept k USING (cluster)
               LEFT JOIN ent_fresh f USING (cluster) WHERE c.entity_id <> k.entity_id
               UNION ALL
               SELECT 'split', s.before, i.entity_id, coalesce(f.b, '')
               FROM ent_split s JOIN ent_ids i USING (cluster)
               LEFT JOIN ent_fresh f USING (cluster)
               ORDER BY 1, 2, 3"""
        ).fetchall()
    ]
    return events


_CONTINUE_SQL = (
    # 1. continue previous entities whose anchor a cluster holds; the smallest id survives
    """CREATE OR REPLACE TEMP TABLE ent_cont AS
       SELECT DISTINCT k.cluster, o.entity_id FROM ent_keys k JOIN ent_old o ON o.anchor = k.k""",
    """CREATE OR REPLACE TEMP TABLE ent_kept AS
       SELECT cluster, min(entity_id) AS entity_id FROM ent_cont GROUP BY cluster""",
    # 2. splits: a cluster that kept no id, holding mentions of an entity that continues
    """CREATE OR REPLACE TEMP TABLE ent_split AS
       SELECT cluster, before FROM (
           SELECT m.cluster, min(p.entity_id) AS before
           FROM ent_mentions m JOIN prev_links p USING (mention_id)
           WHERE m.cluster NOT IN (SELECT cluster FROM ent_kept) GROUP BY m.cluster)
       WHERE before IN (SELECT entity_id FROM ent_kept)""",
    # the batch an event is dated by: the cluster's first batch not seen before (only the
    # clusters of events: a merge or a split)
    """CREATE OR REPLACE TEMP TABLE ent_fresh AS
       SELECT cluster, min(batch) AS b FROM ent_mentions
       WHERE cluster IN (SELECT cluster FROM ent_cont GROUP BY cluster HAVING count(*) > 1
                         UNION ALL SELECT cluster FROM ent_split)
         AND mention_id NOT IN (SELECT mention_id FROM prev_links)
       GROUP BY cluster""",
)
_NOTHING_CONTINUES_SQL = (
    "CREATE OR REPLACE TEMP TABLE ent_cont AS SELECT cluster, anchor AS entity_id "
    "FROM ent_anchor LIMIT 0",
    "CREATE OR REPLACE TEMP TABLE ent_kept AS SELECT * FROM ent_cont",
    "CREATE OR REPLACE TEMP TABLE ent_split AS SELECT cluster, entity_id AS before FROM ent_cont",
    "CREATE OR REPLACE TEMP TABLE ent_fresh AS SELECT cluster, first_batch AS b "
    "FROM ent_anchor LIMIT 0",
)
# 3. new ids after the largest issued, in anchor order
_NEW_SQL = """CREATE OR REPLACE TEMP TABLE ent_new AS
       SELECT cluster, row_number() OVER (ORDER BY anchor) AS n FROM ent_anchor
       WHERE cluster NOT IN (SELECT cluster FROM ent_kept)"""
