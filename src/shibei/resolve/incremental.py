"""How far a daily delta reaches into the resolved population (an analysis, used by
`shibei bench incremental` and the capacity plan).

Person resolution is not local: a full run scores pairs that share a blocking key
(`records.blocking_keys`), groups by ID number, then applies the rare-name rule
(`unique_name.py`), which compares every cluster carrying the same pinyin name key, and
its household rule, which looks at house-mates. So the part of the population a delta can
change — its **reach** — is everything connected to the delta's mentions through a shared
blocking key, ID number, name key, house or previous person. Measured on the reference
district (docs/scale.md) the reach of a 3% delta is nearly everyone, which is why an
update re-resolves all mentions (with the fixed model and the previous ids) instead of a
part: re-linking the reach would cost as much and need the full run's prior and term
frequencies pinned besides.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from shibei.resolve.model import records_from_arrow
from shibei.resolve.records import blocking_keys


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def delta_reach(
    record_of_mention: Sequence[int],
    record_keys: Sequence[Sequence[tuple[str, ...]]],
    name_keys: Sequence[str | None],
    houses: Sequence[str | None],
    labels: Sequence[str | None],
    previous_person: Sequence[str | None],
    seeds: Sequence[int],
) -> list[int]:
    """Indices of the mentions connected to `seeds` through a shared record, blocking
    key, name key, house, ID group or previous person (sorted). Each list has one entry
    per mention; `record_keys` one per record (`records.blocking_keys`)."""
    uf = _UnionFind(len(record_of_mention))
    first: dict[tuple[str, ...], int] = {}
    for i, rec in enumerate(record_of_mention):
        keys: list[tuple[str, ...]] = [("record", str(rec)), *record_keys[rec]]
        if name_keys[i]:  # the rare-name rule compares every cluster carrying a name key
            keys.append(("name_key", name_keys[i] or ""))
        if houses[i]:  # the household rule looks at house-mates
            keys.append(("house", houses[i] or ""))
        if labels[i] is not None:
            keys.append(("label", labels[i] or ""))
        if previous_person[i] is not None:
            keys.append(("person", previous_person[i] or ""))
        for key in keys:
            j = first.setdefault(key, i)
            if j != i:
                uf.union(i, j)
    roots = {uf.find(s) for s in seeds}
    return [i for i in range(len(record_of_mention)) if uf.find(i) in roots]


def reach_of_new_mentions(lake_dir: Path) -> tuple[int, int, int]:
    """(person mentions, mentions not in the last resolve run, mentions in their reach)
    for the lake as it stands (new batches ingested, not yet resolved)."""
    import duckdb

    from shibei.resolve.person_sql import literal
    from shibei.resolve.persons import identity_records
    from shibei.resolve.pipeline import load_person_mentions

    con = duckdb.connect()
    try:
        load_person_mentions(con, lake_dir)
        records = identity_records(con)
        links = lake_dir / "resolve" / "person_links.parquet"
        con.execute(
            "CREATE TEMP TABLE prev AS "
            + (f"SELECT mention_id, person_id FROM read_parquet({literal(links)})" if links.exists()
               else "SELECT '' AS mention_id, '' AS person_id WHERE FALSE")
        )  # fmt: skip
        m = (
            con.sql(
                """SELECT pr.rec, pr.name_key, pr.house_code, pr.label, p.person_id,
                      p.person_id IS NULL OR p.person_id IN (
                          SELECT person_id FROM prev
                          WHERE mention_id NOT IN (SELECT mention_id FROM pm)) AS seed
               FROM pr LEFT JOIN prev p USING (mention_id) ORDER BY pr.idx"""
            )
            .to_arrow_table()
            .to_pydict()
        )
    finally:
        con.close()
    keys = [blocking_keys(r) for r in records_from_arrow(records)]
    seeds = [i for i, seed in enumerate(m["seed"]) if seed]
    reach = delta_reach(m["rec"], keys, m["name_key"], m["house_code"], m["label"],
                        m["person_id"], seeds)  # fmt: skip
    return len(m["rec"]), sum(p is None for p in m["person_id"]), len(reach)
