"""Retractions: rows a daily delta deletes, or replaces by a changed version, leave the
live lake (docs/scale.md, "Incremental updates").

A delta directory holds the feeds' new and changed rows as ordinary feed files (each one
a new batch) and `retractions.csv` with `source,batch,row` naming the rows they delete or
supersede. Applying it rewrites those batches' clean and mention files without the rows
(atomically, under the lake's lock), lowers the batch's ledger counts, and appends the
rows to `lake/retractions.parquet` (`source, batch, row, row_hash, retracted_at`), so
every later stage — a full run or an incremental one — reads the same live rows.
"""

from __future__ import annotations

import csv
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from shibei.ingest.lake import LEDGER, Lake, LedgerRow, write_parquet_atomically
from shibei.ingest.quality import build_report
from shibei.ingest.schemas import LEDGER_SCHEMA
from shibei.ingest.spec import SPEC_DIR, load_specs

RETRACTIONS_FILE = "retractions.csv"
RETRACTIONS = "retractions.parquet"
RETRACTIONS_SCHEMA = pa.schema(
    [
        ("source", pa.string()),
        ("batch", pa.string()),
        ("row", pa.int64()),
        ("row_hash", pa.string()),
        ("retracted_at", pa.timestamp("us")),
    ]
)


def read_retractions(path: Path) -> list[tuple[str, str, int]]:
    """(source, batch, row) from a `retractions.csv` (header `source,batch,row`)."""
    if not path.exists():
        return []
    with path.open(encoding="utf-8-sig", newline="") as f:
        return [(r["source"], r["batch"], int(r["row"])) for r in csv.DictReader(f)]


def apply_retractions(lake_dir: Path, wanted: list[tuple[str, str, int]]) -> int:
    """Remove the rows from the live lake; returns how many clean rows left it. Rows
    already retracted, or not in the lake, change nothing."""
    if not wanted:
        return 0
    by_batch: dict[tuple[str, str], set[int]] = {}
    for source, batch, row in wanted:
        by_batch.setdefault((source, batch), set()).add(row)
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    removed: list[dict[str, object]] = []
    with Lake(lake_dir) as lake:
        ledger = lake.ledger()
        for (source, batch), rows in sorted(by_batch.items()):
            clean_path = lake.batch_path("clean", source, batch)
            if not clean_path.exists():
                continue
            clean = pq.read_table(clean_path)
            gone = pc.is_in(clean["row"], pa.array(sorted(rows), pa.int64()))
            if not pc.any(gone).as_py():
                continue
            for r in clean.filter(gone).select(["row", "row_hash"]).to_pylist():
                removed.append(
                    {
                        "source": source,
                        "batch": batch,
                        "row": r["row"],
                        "row_hash": r["row_hash"],
                        "retracted_at": now,
                    }
                )
            count = int(pc.sum(gone).as_py())
            for zone in ("clean", "mentions/persons", "mentions/organizations"):
                path = lake.batch_path(zone, source, batch)
                table = pq.read_table(path)
                keep = pc.invert(pc.is_in(table["row"], pa.array(sorted(rows), pa.int64())))
                write_parquet_atomically(table.filter(keep), path)
            ledger = [
                LedgerRow(
                    **(
                        asdict(e)
                        | {"rows_in": e.rows_in - count, "rows_clean": e.rows_clean - count}
                    )
                )
                if (e.source, e.batch) == (source, batch)
                else e
                for e in ledger
            ]
        if not removed:
            return 0
        table = pa.Table.from_pylist([asdict(e) for e in ledger], schema=LEDGER_SCHEMA)
        write_parquet_atomically(table, lake_dir / LEDGER)
        lake.recover()  # re-reads the ledger
        log = lake_dir / RETRACTIONS
        old = pq.read_table(log) if log.exists() else RETRACTIONS_SCHEMA.empty_table()
        new = pa.Table.from_pylist(removed, schema=RETRACTIONS_SCHEMA)
        write_parquet_atomically(pa.concat_tables([old, new]), log)
        specs = load_specs(SPEC_DIR)
        for source in sorted({s for s, _ in by_batch}):
            if source in specs:
                lake.write_quality(source, build_report(lake, specs[source]))
    return len(removed)
