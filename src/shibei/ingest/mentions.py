"""Person and organization mentions of clean rows, as each spec's `mentions` says.

A mention is one person (or organization) one row names: a dispute row with two parties
gives two person mentions. Its id is `source:batch:row:role:i`, `i` counting that role's
mentions on the row from 0.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pyarrow as pa

from shibei.ingest.schemas import (
    ORGANIZATION_MENTION_SCHEMA,
    PERSON_MENTION_SCHEMA,
    address_columns,
)
from shibei.ingest.spec import OrganizationMentionSpec, PersonMentionSpec, SourceSpec


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


def birth_date_of(id_number: str | None) -> date | None:
    """Birth date of a valid 18-digit ID number."""
    if id_number is None or len(id_number) != 18:
        return None
    try:
        return date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return None


def sex_of(id_number: str | None) -> str | None:
    """'M' when the 17th digit is odd, else 'F' (GB 11643)."""
    if id_number is None or len(id_number) != 18 or not id_number[16].isdigit():
        return None
    return "M" if int(id_number[16]) % 2 else "F"


class _Level:
    """The rows a mention spec reads, column by column: the clean rows, or one nested
    object of each (`each`), with `index` the clean row each comes from."""

    def __init__(self, values: dict[str, list[Any]], each: str | None) -> None:
        self.values = values
        self.items: list[dict[str, Any] | None] | None = None
        if each is None:
            self.index = list(range(len(values["row"])))
            return
        self.index, self.items = [], []
        for i, items in enumerate(values[each]):
            for item in items or []:
                self.index.append(i)
                self.items.append(item)

    def column(self, ref: str | None, column: str) -> list[Any]:
        """Column `column` of the field `ref` (`column` is named as for the field's own
        level: `name_std`, `house_code`…)."""
        if ref is None:
            return [None] * len(self.index)
        if "." in ref:
            return [None if item is None else item.get(column) for item in self.items or ()]
        found = self.values.get(column)
        if found is None:
            return [None] * len(self.index)
        return found if self.items is None else [found[i] for i in self.index]

    def get(self, ref: str | None, suffix: str = "") -> list[Any]:
        return self.column(ref, "" if ref is None else ref.rpartition(".")[2] + suffix)

    def address(self, ref: str | None) -> tuple[list[Any], list[Any], list[Any]]:
        if ref is None:
            return self.get(None), self.get(None), self.get(None)
        house, code, level = address_columns(ref.rpartition(".")[2])[:3]
        return self.column(ref, house), self.column(ref, code), self.column(ref, level)

    def mentioned(self, required: list[str]) -> tuple[list[int], list[int]]:
        """The positions where one of the `required` fields has a value, and each one's
        number among its clean row's mentions (0, 1, …)."""
        columns = [self.get(ref) for ref in required]
        keep = [j for j in range(len(self.index)) if any(c[j] is not None for c in columns)]
        numbers: list[int] = []
        previous, k = -1, -1
        for j in keep:
            k = k + 1 if self.index[j] == previous else 0
            previous = self.index[j]
            numbers.append(k)
        return keep, numbers


def _mentions(
    spec: SourceSpec,
    batch: str,
    role: str,
    level: _Level,
    keep: list[int],
    numbers: list[int],
    fields: dict[str, list[Any]],
) -> dict[str, list[Any]]:
    """The columns of one mention spec's mentions: ids and provenance, then `fields` at
    the kept positions."""
    rows = [level.values["row"][level.index[j]] for j in keep]
    out: dict[str, list[Any]] = {
        "mention_id": [f"{spec.source}:{batch}:{row}:{role}:{k}"
                       for row, k in zip(rows, numbers, strict=True)],
        "source": [spec.source] * len(keep),
        "batch": [batch] * len(keep),
        "row": rows,
        "role": [role] * len(keep),
    }  # fmt: skip
    return out | {name: [column[j] for j in keep] for name, column in fields.items()}


def _table(parts: list[dict[str, list[Any]]], schema: pa.Schema) -> pa.Table:
    """Mention columns of every spec as one table in (row, mention id) order."""
    columns = {f.name: [v for part in parts for v in part[f.name]] for f in schema}
    table = pa.table(columns, schema=schema)
    return table.sort_by([("row", "ascending"), ("mention_id", "ascending")])


def person_mentions(spec: SourceSpec, batch: str, values: dict[str, list[Any]]) -> pa.Table:
    """Person mentions of a chunk's clean rows (`values`: clean columns by name)."""
    parts = [_person_columns(spec, batch, m, values) for m in spec.mentions.persons]
    return _table(parts, PERSON_MENTION_SCHEMA)


def _person_columns(
    spec: SourceSpec, batch: str, m: PersonMentionSpec, values: dict[str, list[Any]]
) -> dict[str, list[Any]]:
    level = _Level(values, m.each)
    keep, numbers = level.mentioned(
        m.require_any or [r for r in (m.name, m.id_number) if r is not None]
    )
    house, code, address_level = level.address(m.address)
    id_std = level.get(m.id_number, "_std")
    fields = {
        "name": level.get(m.name),
        "name_std": level.get(m.name, "_std"),
        "name_key": level.get(m.name, "_key"),
        "id_number_raw": level.get(m.id_number),
        "id_number_std": id_std,
        "birth_date": [_as_date(b) or birth_date_of(n)
                       for b, n in zip(level.get(m.birth_date), id_std, strict=True)],
        "sex": [x or sex_of(n) for x, n in zip(level.get(m.sex), id_std, strict=True)],
        "phone_std": level.get(m.phone, "_std"),
        "house_code": house,
        "address_code": code,
        "address_level": address_level,
        "uscc_std": level.get(m.uscc, "_std"),
        "observed_on": [_as_date(v) for v in level.get(m.observed_on or spec.observed_on)],
    }  # fmt: skip
    return _mentions(spec, batch, m.role, level, keep, numbers, fields)


def organization_mentions(spec: SourceSpec, batch: str, values: dict[str, list[Any]]) -> pa.Table:
    parts = [_organization_columns(spec, batch, m, values) for m in spec.mentions.organizations]
    return _table(parts, ORGANIZATION_MENTION_SCHEMA)


def _organization_columns(
    spec: SourceSpec, batch: str, m: OrganizationMentionSpec, values: dict[str, list[Any]]
) -> dict[str, list[Any]]:
    level = _Level(values, m.each)
    keep, numbers = level.mentioned(m.require_any or [r for r in (m.name, m.uscc) if r is not None])
    house, code, address_level = level.address(m.address)
    fields = {
        "name": level.get(m.name),
        "org_name_key": level.get(m.name, "_key"),
        "uscc_raw": level.get(m.uscc),
        "uscc_std": level.get(m.uscc, "_std"),
        "legal_rep_name_key": level.get(m.legal_rep_name, "_key"),
        "house_code": house,
        "address_code": code,
        "address_level": address_level,
        "observed_on": [_as_date(v) for v in level.get(m.observed_on or spec.observed_on)],
    }
    return _mentions(spec, batch, m.role, level, keep, numbers, fields)
