"""What resolution works on: person mentions, identity records, scored pairs, clusters.

Plain dataclasses; no engine, no I/O. A *record* is one distinct identity tuple (name,
ID, birth date, sex, phone, address): mentions that agree on all of it collapse into one
record before linkage and are mapped back afterwards.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

PERSON_METHODS = ("id_number", "probabilistic", "unique_name", "singleton")
"""`person_links.method`: a valid ID number; the probabilistic stage; the rare-name and
household rules (`unique_name.py`); linked to nothing."""


@dataclass(frozen=True, slots=True)
class PersonMention:
    """One row of `mentions/persons` (docs/pipeline.md), the fields resolution uses."""

    mention_id: str
    source: str
    batch: str = ""
    row: int = 0
    role: str = ""
    name: str | None = None
    name_std: str | None = None
    name_key: str | None = None
    id_number_raw: str | None = None
    id_number_std: str | None = None
    birth_date: date | None = None
    sex: str | None = None
    phone_std: str | None = None
    house_code: str | None = None
    address_code: str | None = None
    address_level: str | None = None
    uscc_std: str | None = None
    observed_on: date | None = None

    @classmethod
    def from_columns(cls, columns: dict[str, list[Any]], rows: int) -> list[PersonMention]:
        """Mentions from one Parquet file's columns (`_column` says how each is read)."""
        return [
            cls(*values)
            for values in zip(*(_column(columns, f, rows) for f in _PERSON_FIELDS), strict=True)
        ]


_PERSON_FIELDS: dict[str, str] = {
    "mention_id": "str", "source": "text", "batch": "text", "row": "int", "role": "text",
    "name": "raw", "name_std": "opt", "name_key": "opt", "id_number_raw": "opt",
    "id_number_std": "opt", "birth_date": "date", "sex": "opt", "phone_std": "opt",
    "house_code": "opt", "address_code": "opt", "address_level": "opt", "uscc_std": "opt",
    "observed_on": "date",
}  # fmt: skip
"""PersonMention's fields in order, and how `_column` reads each."""


def _column(columns: dict[str, list[Any]], name: str, rows: int, kind: str = "") -> list[Any]:
    """One column converted by kind: `str`, `text` (str, "" for null), `int` (0 for
    null), `raw` (as is), `opt` (falsy → None), `date`."""
    kind = kind or _PERSON_FIELDS[name]
    values = columns.get(name)
    if values is None:
        return [None if kind in ("raw", "opt", "date") else ("" if kind == "text" else 0)] * rows
    if kind == "str":
        return [str(v) for v in values]
    if kind == "text":
        return [str(v or "") for v in values]
    if kind == "int":
        return [int(v or 0) for v in values]
    if kind == "opt":
        return [v or None for v in values]
    if kind == "date":
        return [v if v is None or type(v) is date else _as_date(v) for v in values]
    return list(values)


def _as_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


@dataclass(frozen=True, slots=True, order=True)
class PersonRecord:
    """A distinct identity tuple. `id_number` is the valid 18-digit number when
    `id_valid`, else the raw number cleaned (upper-case, no spaces, half-width), else None.
    `birth_date` and `sex` fall back to what the ID number's digits say."""

    name_std: str | None
    name_key: str | None
    id_number: str | None
    id_valid: bool
    birth_date: str | None  # ISO date
    sex: str | None
    phone_std: str | None
    house_code: str | None
    address_code: str | None


def records_from_arrow(table: Any) -> list[PersonRecord]:
    """The records of an Arrow table in the `Linker` port's layout, in row order."""
    columns = table.to_pydict()
    names = PersonRecord.__slots__
    return [PersonRecord(*values) for values in zip(*(columns[n] for n in names), strict=True)]


@dataclass(frozen=True, slots=True)
class Evidence:
    """How one field compared in a pair: the comparison level and its weight (log2 Bayes
    factor; None where the level carries no weight, such as a deterministic key)."""

    level: str
    weight: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {"level": self.level, "weight": self.weight}


@dataclass(frozen=True, slots=True)
class ScoredPair:
    """Two records compared by the probabilistic model (`left < right`)."""

    left: int
    right: int
    match_weight: float
    match_probability: float
    evidence: dict[str, Evidence] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ScoredPairs:
    """Scored pairs column-wise (numpy arrays, one entry per pair, `left < right`), so a
    run holds no object per pair: pairs with the same comparison weights share one
    evidence dict, `evidence[kind[i]]`. `pair(i)` builds one `ScoredPair`."""

    left: Any  # int64
    right: Any  # int64
    match_weight: Any  # float64
    match_probability: Any  # float64
    kind: Any  # int64, index into `evidence`
    evidence: list[dict[str, Evidence]]

    def __len__(self) -> int:
        return len(self.left)

    def pair(self, i: int) -> ScoredPair:
        return ScoredPair(
            int(self.left[i]),
            int(self.right[i]),
            float(self.match_weight[i]),
            float(self.match_probability[i]),
            self.evidence[int(self.kind[i])],
        )

    def take(self, indices: Any) -> ScoredPairs:
        """The pairs at `indices` (an int array), sharing the evidence dicts."""
        return ScoredPairs(
            self.left[indices],
            self.right[indices],
            self.match_weight[indices],
            self.match_probability[indices],
            self.kind[indices],
            self.evidence,
        )

    @classmethod
    def of(cls, pairs: Sequence[ScoredPair]) -> ScoredPairs:
        """From pair objects (fakes and tests); each pair keeps its own evidence."""
        import numpy as np

        return cls(
            np.array([p.left for p in pairs], np.int64),
            np.array([p.right for p in pairs], np.int64),
            np.array([p.match_weight for p in pairs], np.float64),
            np.array([p.match_probability for p in pairs], np.float64),
            np.arange(len(pairs), dtype=np.int64),
            [p.evidence for p in pairs],
        )
