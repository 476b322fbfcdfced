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

from shibei.resolve.deterministic import group_by_id_number
from shibei.resolve.lake import read_mentions, read_table
from shibei.resolve.model import PersonMention
from shibei.resolve.records import blocking_keys, collapse


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
    mentions: Sequence[PersonMention],
    record_of_mention: Sequence[int],
    record_keys: Sequence[Sequence[tuple[str, ...]]],
    labels: Sequence[str | None],
    previous_person: Sequence[str | None],
    seeds: Sequence[int],
) -> list[int]:
    """Indices of the mentions connected to `seeds` through a shared blocking key, ID
    group or previous person (sorted)."""
    uf = _UnionFind(len(mentions))
    first: dict[tuple[str, ...], int] = {}
    for i in range(len(mentions)):
        keys: list[tuple[str, ...]] = [("record", str(record_of_mention[i]))]
        keys += record_keys[record_of_mention[i]]
        m = mentions[i]
        if m.name_key:  # the rare-name rule compares every cluster carrying a name key
            keys.append(("name_key", m.name_key))
        if m.house_code:  # the household rule looks at house-mates
            keys.append(("house", m.house_code))
        if labels[i] is not None:
            keys.append(("label", labels[i] or ""))
        if previous_person[i] is not None:
            keys.append(("person", previous_person[i] or ""))
        for key in keys:
            j = first.setdefault(key, i)
            if j != i:
                uf.union(i, j)
    roots = {uf.find(s) for s in seeds}
    return [i for i in range(len(mentions)) if uf.find(i) in roots]


def reach_of_new_mentions(lake_dir: Path) -> tuple[int, int, int]:
    """(person mentions, mentions not in the last resolve run, mentions in their reach)
    for the lake as it stands (new batches ingested, not yet resolved)."""
    persons = sorted(
        read_mentions(lake_dir, "persons", PersonMention.from_row), key=lambda m: m.mention_id
    )
    previous = {
        r["mention_id"]: r["person_id"]
        for r in read_table(lake_dir / "resolve" / "person_links.parquet")
    }
    live = {m.mention_id for m in persons}
    lost = {p for m, p in previous.items() if m not in live}
    records, record_of_mention = collapse(persons)
    keys = [blocking_keys(r) for r in records]
    labels = group_by_id_number(persons).label
    before = [previous.get(m.mention_id) for m in persons]
    seeds = [i for i, p in enumerate(before) if p is None or p in lost]
    reach = delta_reach(persons, record_of_mention, keys, labels, before, seeds)
    return len(persons), sum(p is None for p in before), len(reach)
