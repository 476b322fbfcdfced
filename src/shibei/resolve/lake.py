"""Reading mentions from and writing `lake/resolve/` (docs/pipeline.md): tables of the
resolve connection written by DuckDB, the rest with pyarrow. Outputs are written into a
staging directory and moved into place, so a run killed half-way leaves the previous
output intact."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from shibei.resolve.person_sql import literal

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


_SQL_TYPES = {
    "string": "VARCHAR",
    "float64": "DOUBLE",
    "int64": "BIGINT",
    "bool": "BOOLEAN",
    "date": "DATE",
    "timestamp": "TIMESTAMPTZ",
    "list<string>": "VARCHAR[]",
}
"""The DuckDB type of each schema type; DuckDB writes them as the Parquet types pyarrow
writes for `_type`."""


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


class ResolveOutput:
    """The tables of one run, written into `lake/.staging/resolve` as they are made and
    moved into `resolve_dir` whole by `commit()`. Tables of a DuckDB connection are
    copied by DuckDB straight to Parquet (`copy`): one row per mention does not fit in
    memory twice at the whole district."""

    def __init__(self, resolve_dir: Path, extra_schemas: dict[str, list[tuple[str, str]]]):
        self.resolve_dir = resolve_dir
        self.staging = resolve_dir.parent / ".staging" / "resolve"
        self.schemas = SCHEMAS | extra_schemas
        if self.staging.exists():
            shutil.rmtree(self.staging)
        self.staging.mkdir(parents=True)

    def copy(self, con: Any, name: str, sql: str) -> int:
        """Write the rows of `sql` (at least the schema's columns, in its order) as table
        `name`; returns the number of rows."""
        columns = ", ".join(f"CAST({c} AS {_SQL_TYPES[t]}) AS {c}" for c, t in self.schemas[name])
        path = literal(self.staging / f"{name}.parquet")
        (rows,) = con.execute(
            f"COPY (SELECT {columns} FROM ({sql})) TO {path} (FORMAT parquet)"
        ).fetchone()
        return int(rows)

    def write(self, name: str, rows: list[dict[str, Any]]) -> None:
        """Write rows (dicts with at least the schema's columns) as table `name`."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        schema = pa.schema([(c, _type(t)) for c, t in self.schemas[name]])
        table = pa.table(
            {c: pa.array([r.get(c) for r in rows], schema.field(c).type) for c in schema.names},
            schema=schema,
        )
        pq.write_table(table, self.staging / f"{name}.parquet")

    def commit(self) -> None:
        """Replace `resolve_dir` with the written tables."""
        old = self.resolve_dir.parent / ".staging" / "resolve.old"
        if old.exists():
            shutil.rmtree(old)
        if self.resolve_dir.exists():
            self.resolve_dir.rename(old)
        self.staging.rename(self.resolve_dir)
        if old.exists():
            shutil.rmtree(old)
