"""Comparing two lakes table by table: what "the same answer" means between engines and
between an incremental update and a full rebuild."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

FLOAT_DIGITS = 9
"""Floats are compared to 9 decimals: Spark and DuckDB add Splink's match weights in a
different order, which moves the last bit of a double (1e-15), never a decision."""


def _value(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, FLOAT_DIGITS)
    if isinstance(value, list):
        return tuple(_value(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _value(v)) for k, v in value.items()))
    return value


def table_rows(path: Path, drop: tuple[str, ...] = ()) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Column names and the rows of a Parquet file as sorted tuples (order-free)."""
    table = pq.read_table(path)
    columns = sorted(c for c in table.column_names if c not in drop)
    rows = [tuple(_value(r[c]) for c in columns) for r in table.to_pylist()]
    return columns, sorted(rows, key=repr)


def differences(
    left: Path, right: Path, relative: list[str], drop: tuple[str, ...] = ()
) -> list[str]:
    """Human-readable differences between the same files under two lakes (empty: same)."""
    out: list[str] = []
    for name in relative:
        a, b = left / name, right / name
        if a.exists() != b.exists():
            out.append(f"{name}: only in {'left' if a.exists() else 'right'}")
            continue
        if not a.exists():
            continue
        ca, ra = table_rows(a, drop)
        cb, rb = table_rows(b, drop)
        if ca != cb:
            out.append(f"{name}: columns {ca} != {cb}")
        elif ra != rb:
            sa, sb = set(ra), set(rb)
            out.append(
                f"{name}: {len(ra)} vs {len(rb)} rows; e.g. left only "
                f"{sorted(sa - sb, key=repr)[:1]}, right only {sorted(sb - sa, key=repr)[:1]}"
            )
    return out
