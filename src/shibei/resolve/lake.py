"""Reading mentions from and writing `lake/resolve/` (docs/pipeline.md) with pyarrow.
Outputs are written into a staging directory and moved into place, so a run killed
half-way leaves the previous output intact."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


def read_mention_columns(
    lake_dir: Path, kind: str, make: Callable[[dict[str, list[Any]], int], list[T]]
) -> list[T]:
    """Every mention of `lake/mentions/<kind>/**/*.parquet`, in file-name order:
    `make(columns, rows)` turns one file's columns (name → Python list) into mentions."""
    import pyarrow.parquet as pq

    out: list[T] = []
    for path in sorted((lake_dir / "mentions" / kind).glob("**/*.parquet")):
        table = pq.read_table(path)
        out += make(table.to_pydict(), table.num_rows)
    return out


def read_table(path: Path) -> list[dict[str, Any]]:
    import pyarrow.parquet as pq

    if not path.exists():
        return []
    rows: list[dict[str, Any]] = pq.read_table(path).to_pylist()
    return rows


SCHEMAS: dict[str, list[tuple[str, str]]] = {
    "person_links": [("mention_id", "string"), ("person_id", "string"), ("method", "string"),
                     ("match_probability", "float64")],
    "person_conflicts": [("person_id", "string"), ("attribute", "string"), ("value", "string"),
                         ("source", "string"), ("batch", "string"), ("row", "int64")],
    "org_links": [("mention_id", "string"), ("org_id", "string"), ("method", "string"),
                  ("match_probability", "float64")],
    "explanations": [("left_mention_id", "string"), ("right_mention_id", "string"),
                     ("match_weight", "float64"), ("match_probability", "float64"),
                     ("evidence", "string")],
    "id_ledger": [("entity_type", "string"), ("entity_id", "string"), ("anchor", "string"),
                  ("first_seen_batch", "string")],
    "entity_events": [("entity_type", "string"), ("event", "string"), ("entity_id", "string"),
                      ("other_id", "string"), ("batch", "string"), ("at", "timestamp")],
}  # fmt: skip


def _type(name: str) -> Any:
    import pyarrow as pa

    types: dict[str, Any] = {
        "string": pa.string(),
        "float64": pa.float64(),
        "int64": pa.int64(),
        "bool": pa.bool_(),
        "date": pa.date32(),
        "timestamp": pa.timestamp("us", tz="UTC"),
        "list<string>": pa.list_(pa.string()),
    }
    return types[name]


def write_tables(
    resolve_dir: Path,
    tables: dict[str, Any],
    extra_schemas: dict[str, list[tuple[str, str]]],
) -> None:
    """Write every table (rows as dicts, or an Arrow table with at least the schema's
    columns) as `<name>.parquet` into `resolve_dir`, replacing it whole."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    staging = resolve_dir.parent / ".staging" / "resolve"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    schemas = SCHEMAS | extra_schemas
    for name, rows in tables.items():
        schema = pa.schema([(c, _type(t)) for c, t in schemas[name]])
        if isinstance(rows, pa.Table):
            table = rows.select(schema.names).cast(schema)
        else:
            table = pa.table(
                {c: pa.array([r.get(c) for r in rows], schema.field(c).type)
                 for c in schema.names},
                schema=schema,
            )  # fmt: skip
        pq.write_table(table, staging / f"{name}.parquet")
    old = resolve_dir.parent / ".staging" / "resolve.old"
    if old.exists():
        shutil.rmtree(old)
    if resolve_dir.exists():
        resolve_dir.rename(old)
    staging.rename(resolve_dir)
    if old.exists():
        shutil.rmtree(old)
