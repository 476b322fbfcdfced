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


class _Row:
    """Reads a mention's fields on one clean row, or one nested object of it."""

    __slots__ = ("i", "item", "values")

    def __init__(self, values: dict[str, list[Any]], i: int, item: dict[str, Any] | None):
        self.values, self.i, self.item = values, i, item

    def column(self, ref: str | None, column: str) -> Any:
        """Column `column` of the field `ref` (`column` is named as for the field's own
        level: `name_std`, `house_code`…)."""
        if ref is None:
            return None
        if "." in ref:
            return None if self.item is None else self.item.get(column)
        found = self.values.get(column)
        return None if found is None else found[self.i]

    def get(self, ref: str | None, suffix: str = "") -> Any:
        if ref is None:
            return None
        return self.column(ref, ref.rpartition(".")[2] + suffix)

    def address(self, ref: str | None) -> tuple[Any, Any, Any]:
        if ref is None:
            return None, None, None
        house, code, level, _ = address_columns(ref.rpartition(".")[2])
        return self.column(ref, house), self.column(ref, code), self.column(ref, level)


def _rows(each: str | None, values: dict[str, list[Any]]) -> list[_Row]:
    out: list[_Row] = []
    for i in range(len(values["row"])):
        if each is None:
            out.append(_Row(values, i, None))
        else:
            out += [_Row(values, i, item) for item in values[each][i] or []]
    return out


def person_mentions(spec: SourceSpec, batch: str, values: dict[str, list[Any]]) -> pa.Table:
    """Person mentions of a chunk's clean rows (`values`: clean columns by name)."""
    rows: list[dict[str, Any]] = []
    for m in spec.mentions.persons:
        rows += _person_rows(spec, batch, m, values)
    rows.sort(key=lambda r: (r["row"], r["mention_id"]))
    return pa.Table.from_pylist(rows, schema=PERSON_MENTION_SCHEMA)


def _person_rows(
    spec: SourceSpec, batch: str, m: PersonMentionSpec, values: dict[str, list[Any]]
) -> list[dict[str, Any]]:
    required = m.require_any or [r for r in (m.name, m.id_number) if r is not None]
    observed = m.observed_on or spec.observed_on
    counter: dict[int, int] = {}
    out = []
    for r in _rows(m.each, values):
        if not any(r.get(ref) is not None for ref in required):
            continue
        k = counter[r.i] = counter.get(r.i, -1) + 1
        row = values["row"][r.i]
        id_std = r.get(m.id_number, "_std")
        house, code, level = r.address(m.address)
        out.append(
            {
                "mention_id": f"{spec.source}:{batch}:{row}:{m.role}:{k}",
                "source": spec.source,
                "batch": batch,
                "row": row,
                "role": m.role,
                "name": r.get(m.name),
                "name_std": r.get(m.name, "_std"),
                "name_key": r.get(m.name, "_key"),
                "id_number_raw": r.get(m.id_number),
                "id_number_std": id_std,
                "birth_date": _as_date(r.get(m.birth_date)) or birth_date_of(id_std),
                "sex": r.get(m.sex) or sex_of(id_std),
                "phone_std": r.get(m.phone, "_std"),
                "house_code": house,
                "address_code": code,
                "address_level": level,
                "uscc_std": r.get(m.uscc, "_std"),
                "observed_on": _as_date(r.get(observed)),
            }
        )
    return out


def organization_mentions(spec: SourceSpec, batch: str, values: dict[str, list[Any]]) -> pa.Table:
    rows: list[dict[str, Any]] = []
    for m in spec.mentions.organizations:
        rows += _organization_rows(spec, batch, m, values)
    rows.sort(key=lambda r: (r["row"], r["mention_id"]))
    return pa.Table.from_pylist(rows, schema=ORGANIZATION_MENTION_SCHEMA)


def _organization_rows(
    spec: SourceSpec, batch: str, m: OrganizationMentionSpec, values: dict[str, list[Any]]
) -> list[dict[str, Any]]:
    required = m.require_any or [r for r in (m.name, m.uscc) if r is not None]
    observed = m.observed_on or spec.observed_on
    counter: dict[int, int] = {}
    out = []
    for r in _rows(m.each, values):
        if not any(r.get(ref) is not None for ref in required):
            continue
        k = counter[r.i] = counter.get(r.i, -1) + 1
        row = values["row"][r.i]
        house, code, level = r.address(m.address)
        out.append(
            {
                "mention_id": f"{spec.source}:{batch}:{row}:{m.role}:{k}",
                "source": spec.source,
                "batch": batch,
                "row": row,
                "role": m.role,
                "name": r.get(m.name),
                "org_name_key": r.get(m.name, "_key"),
                "uscc_raw": r.get(m.uscc),
                "uscc_std": r.get(m.uscc, "_std"),
                "legal_rep_name_key": r.get(m.legal_rep_name, "_key"),
                "house_code": house,
                "address_code": code,
                "address_level": level,
                "observed_on": _as_date(r.get(observed)),
            }
        )
    return out
