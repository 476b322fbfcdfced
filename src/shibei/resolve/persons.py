"""Person linkage on one DuckDB connection: deterministic groups by ID number, identity
records, probabilistic pairs through the `Linker` port, constrained clustering and the
rare-name rules. The column-wise stages are SQL (`person_sql.py`); Python handles the
few rows that need decisions (accepted pairs, leftover components)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from math import comb
from typing import Any

import numpy as np

from shibei.resolve import person_sql
from shibei.resolve.clusters import cluster_pairs
from shibei.resolve.model import PersonMention, ScoredPairs
from shibei.resolve.person_model import POPULATION_LEVELS
from shibei.resolve.ports import Linker
from shibei.resolve.stable_ids import temp_table
from shibei.resolve.unique_name import summaries, unique_name_joins
from shibei.standardize.id_number import normalize_id_number

MATCH_THRESHOLD = 0.99
"""A pair joins two clusters at this match probability or above (precision first: a wrong
merge mixes two people's records; a missed one leaves a mention for review)."""

ROSTER_ROLES = frozenset({"grid_worker", "police_officer", "auxiliary_police"})
"""Mention roles of staff rosters: never linked on a name alone (`unique_name.py`)."""

RESIDENCE_ROLES = frozenset({"resident", "migrant", "surveyed", "requester"})
"""Mention roles whose house is where the person lives (the household rule)."""


@dataclass(slots=True)
class PersonLinkage:
    """What linkage decided beyond the tables it left on the connection (`pm`, `pr`,
    `idg`, `id_conflicts`, `rc` — each record's fields and component before the rare-name
    joins —, `components(rec, root, snapshot)`): the accepted pairs and the
    rare-name joins (leftover root, identified root), both over record indices."""

    accepted: ScoredPairs
    joins: list[tuple[int, int]]
    scored_pairs: int
    seconds: dict[str, float]  # by part, for benchmarks


def link_persons(con: Any, linker: Linker, *, threshold: float = MATCH_THRESHOLD) -> PersonLinkage:
    """Link the mentions of table `pm` (`person_sql.load_mentions`)."""
    import pyarrow as pa

    laps = _Laps()
    records = identity_records(con)
    laps("records")
    prior, population = _prior(con), population_pairs(con)
    laps("population")
    pairs = linker.score(records, prior=prior, population=population, min_probability=threshold)
    laps("score")
    group_root, labelled = _groups(con, records.num_rows)
    clustering = cluster_pairs(group_root, labelled, pairs, threshold)
    laps("cluster")
    moved = {"node": clustering.nodes, "root": clustering.roots, "labelled": clustering.labelled}
    temp_table(con, "moved_roots", pa.table(moved))
    con.execute(person_sql.SNAPSHOT_SQL)
    for sql in person_sql.name_choice_sql():
        con.execute(sql)
    choices = con.execute("SELECT * FROM name_choice").fetchall()
    summary = summaries(con.sql("SELECT * FROM summary").to_arrow_table().to_pydict())
    joins = unique_name_joins(choices, summary)
    temp_table(con, "final_roots", _joined_roots(joins))
    con.execute(person_sql.COMPONENTS_SQL)
    laps("rare_names")
    return PersonLinkage(pairs.take(clustering.accepted), joins, len(pairs), laps.seconds)


class _Laps:
    """Seconds of each part of a run, in order."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._since = time.perf_counter()

    def __call__(self, part: str) -> None:
        now = time.perf_counter()
        self.seconds[part] = round(now - self._since, 3)
        self._since = now


def identity_records(con: Any) -> Any:
    """Run the deterministic stage and collapse `pm` into identity records (tables `idg`,
    `id_conflicts`, `pr`, and `rg`: each record's deterministic label and group root).
    Returns the records as the `Linker` port takes them."""
    import pyarrow as pa

    for sql in person_sql.deterministic_sql():
        con.execute(sql)
    raws = [r for (r,) in con.execute(
        "SELECT DISTINCT id_number_raw FROM pm "
        "WHERE id_number_std IS NULL AND id_number_raw IS NOT NULL").fetchall()]  # fmt: skip
    con.register("clean_ids", pa.table({
        "raw": pa.array(raws, pa.string()),
        "cleaned": pa.array([normalize_id_number(r) for r in raws], pa.string())}))  # fmt: skip
    for sql in person_sql.records_sql():
        con.execute(sql)
    for sql in person_sql.record_groups_sql(ROSTER_ROLES, RESIDENCE_ROLES):
        con.execute(sql)
    return con.sql(person_sql.RECORDS_TABLE_SQL).to_arrow_table()


def _groups(con: Any, count: int) -> tuple[Any, Any]:
    """Per record (arrays indexed by `rec`, `count` records): its deterministic group's
    root and whether the group holds an ID label."""
    table = con.sql("SELECT rec, root, label IS NOT NULL AS labelled FROM rg").to_arrow_table()
    rec = table["rec"].to_numpy()
    root, labelled = np.empty(count, np.int64), np.zeros(count, bool)
    root[rec] = table["root"].to_numpy()
    labelled[rec] = table["labelled"].to_numpy(zero_copy_only=False)
    return root, labelled


def _joined_roots(joins: Sequence[tuple[int, int]]) -> Any:
    """The table `final_roots(node, root)` for the rare-name joins (leftover root,
    person root): every component joined to one person goes to the smallest root among
    them (a leftover joins one person; no join is refused: a leftover holds no label)."""
    import pyarrow as pa

    smallest: dict[int, int] = {}
    for leftover, person in joins:
        smallest[person] = min(smallest.get(person, person), leftover)
    nodes = sorted({n for pair in joins for n in pair})
    person_of = {leftover: person for leftover, person in joins}
    return pa.table({
        "node": pa.array(nodes, pa.int64()),
        "root": pa.array([smallest[person_of.get(n, n)] for n in nodes], pa.int64())})  # fmt: skip


def _prior(con: Any) -> float:
    """Probability two random records match, from the deterministic groups: pairs inside
    a group over all pairs of records that carry a valid number."""
    (n, within) = con.execute(
        "SELECT coalesce(sum(k), 0), coalesce(sum(k * (k - 1) // 2), 0) FROM "
        "(SELECT count(*) AS k FROM rg WHERE label IS NOT NULL GROUP BY label)"
    ).fetchall()[0]
    n, within = int(n), int(within)
    if n < 2 or within == 0:
        return 1e-4
    return min(0.5, within / comb(n, 2))


def population_pairs(con: Any) -> dict[tuple[str, str], tuple[int, int]]:
    """(agreeing pairs, pairs) of each level of `person_model.POPULATION_LEVELS`, counted
    in this run's records (tables `records`, `rg`) among those the comparison does not
    find null: the level's pairs are the signed sum of the pairs sharing each of its key
    sets (same building and not same house: building − building ∧ house), each less the
    pairs inside one deterministic group (known to be one person, no chance agreement)."""
    sets: set[tuple[str, tuple[str, ...]]] = {(c, ()) for c, _ in POPULATION_LEVELS}
    for (comparison, _), terms in POPULATION_LEVELS.items():
        sets |= {(comparison, keys) for _, keys in terms}
    wanted = sorted(sets | {(comparison, (*keys, "label")) for comparison, keys in sets})
    *tables, counts = person_sql.population_counts_sql(wanted)
    for sql in tables:
        con.execute(sql)
    by_mask = {int(mask): int(pairs) for mask, pairs in con.execute(counts).fetchall()}

    def outside(comparison: str, keys: tuple[str, ...]) -> int:
        shared = by_mask.get(person_sql.population_mask(comparison, keys), 0)
        known = by_mask.get(person_sql.population_mask(comparison, (*keys, "label")), 0)
        return shared - known

    return {
        (comparison, level): (
            sum(sign * outside(comparison, keys) for sign, keys in terms),
            outside(comparison, ()),
        )
        for (comparison, level), terms in POPULATION_LEVELS.items()
    }


def mentions_table(mentions: Sequence[PersonMention]) -> Any:
    """Person mentions as the Arrow table `person_sql.load_mentions` reads (tests,
    benchmarks and model training build mentions in memory)."""
    import pyarrow as pa

    columns = {name: [getattr(m, name) for m in mentions]
               for name, _ in person_sql.MENTION_COLUMNS}  # fmt: skip
    types = {"VARCHAR": pa.string(), "BIGINT": pa.int64(), "DATE": pa.date32()}
    return pa.table({name: pa.array(columns[name], types[kind])
                     for name, kind in person_sql.MENTION_COLUMNS})  # fmt: skip


def connect_mentions(mentions: Sequence[PersonMention]) -> Any:
    """An in-memory DuckDB connection with `mentions` loaded as `pm`."""
    import duckdb

    con = duckdb.connect()
    con.register("mentions_in", mentions_table(mentions))
    person_sql.load_mentions(con, "mentions_in", [n for n, _ in person_sql.MENTION_COLUMNS])
    return con
