"""The lake's ingestion zone on disk (docs/pipeline.md): the batches ledger, clean rows,
quarantine, mentions, quality reports — written crash-safely.

A batch is written under `lake/.staging/<batch>/`, its files are moved into place with
`os.replace` (atomic per file), and only then is its ledger row written (atomically:
a new `batches.parquet` replaces the old). `recover()` runs first on every open: it
discards staging left by a killed run and removes batch files the ledger does not list,
so a run killed at any point and rerun ends in the state of one clean run.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from contextlib import suppress
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

import pyarrow as pa
import pyarrow.parquet as pq

from shibei.errors import ShibeiError
from shibei.ingest.schemas import (
    LEDGER_SCHEMA,
    ORGANIZATION_MENTION_SCHEMA,
    PERSON_MENTION_SCHEMA,
    QUARANTINE_SCHEMA,
)

ZONES = ("clean", "quarantine", "mentions/persons", "mentions/organizations")
"""Where a batch's files go: `<zone>/<source>/<batch>.parquet`."""

LEDGER = "batches.parquet"
STAGING = ".staging"


class LakeBusyError(ShibeiError):
    """Another process is writing the same lake."""


@dataclass(frozen=True, slots=True)
class LedgerRow:
    source: str
    batch: str
    file: str
    loaded_at: datetime
    rows_in: int
    rows_clean: int
    rows_quarantined: int
    spec_version: int


def write_parquet_atomically(table: pa.Table, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    pq.write_table(table, tmp, compression="zstd")
    os.replace(tmp, path)


def write_text_atomically(text: str, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, "utf-8")
    os.replace(tmp, path)


class StagedBatch:
    """Open Parquet writers for one batch's four files under staging."""

    def __init__(self, root: Path, source: str, batch: str, clean_schema: pa.Schema) -> None:
        self.root, self.source, self.batch = root, source, batch
        schemas = (clean_schema, QUARANTINE_SCHEMA, PERSON_MENTION_SCHEMA,
                   ORGANIZATION_MENTION_SCHEMA)  # fmt: skip
        self.writers: dict[str, pq.ParquetWriter] = {}
        for zone, schema in zip(ZONES, schemas, strict=True):
            path = self.path(zone)
            path.parent.mkdir(parents=True, exist_ok=True)
            self.writers[zone] = pq.ParquetWriter(path, schema, compression="zstd")

    def path(self, zone: str) -> Path:
        return self.root / zone / self.source / f"{self.batch}.parquet"

    def write(self, zone: str, table: pa.Table) -> None:
        if table.num_rows:
            self.writers[zone].write_table(table)

    def close(self) -> None:
        for w in self.writers.values():
            w.close()
        self.writers = {}


class Lake:
    """The ingestion side of `lake/`. Use as a context manager: it holds an exclusive lock
    on the lake (released by the OS if the process dies) and recovers on entry."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock: TextIO | None = None
        self._ledger: list[LedgerRow] | None = None

    def __enter__(self) -> Lake:
        self.root.mkdir(parents=True, exist_ok=True)
        lock = (self.root / ".lock").open("w")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            lock.close()
            raise LakeBusyError(f"数据湖 {self.root} 正被另一个进程写入") from None
        self._lock = lock
        self.recover()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._lock is not None:
            fcntl.flock(self._lock, fcntl.LOCK_UN)
            self._lock.close()
            self._lock = None

    # -- ledger -------------------------------------------------------------------------

    def ledger(self) -> list[LedgerRow]:
        if self._ledger is None:
            path = self.root / LEDGER
            rows = pq.read_table(path).to_pylist() if path.exists() else []
            self._ledger = [LedgerRow(**r) for r in rows]
        return list(self._ledger)

    def loaded(self, source: str, batch: str) -> bool:
        return any(r.source == source and r.batch == batch for r in self.ledger())

    def batches_of(self, source: str) -> list[LedgerRow]:
        return [r for r in self.ledger() if r.source == source]

    def _append_ledger(self, row: LedgerRow) -> None:
        rows = [*self.ledger(), row]
        table = pa.Table.from_pylist([asdict(r) for r in rows], schema=LEDGER_SCHEMA)
        write_parquet_atomically(table, self.root / LEDGER)
        self._ledger = rows

    # -- batches ------------------------------------------------------------------------

    def stage(self, source: str, batch: str, clean_schema: pa.Schema) -> StagedBatch:
        """Writers for a batch under staging, until `commit` or `discard`."""
        root = self.root / STAGING / batch
        shutil.rmtree(root, ignore_errors=True)
        return StagedBatch(root, source, batch, clean_schema)

    def discard(self, staged: StagedBatch) -> None:
        staged.close()
        shutil.rmtree(staged.root, ignore_errors=True)

    def commit(self, staged: StagedBatch, row: LedgerRow) -> None:
        """Close the staged files, move them into place, then write the ledger row."""
        staged.close()
        for zone in ZONES:
            target = self.root / zone / staged.source / f"{staged.batch}.parquet"
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged.path(zone), target)
        test_hook("moved", staged.batch)
        self._append_ledger(row)
        shutil.rmtree(staged.root, ignore_errors=True)
        with suppress(OSError):  # empty unless another batch is staged
            staged.root.parent.rmdir()
        test_hook("committed", staged.batch)

    def batch_path(self, zone: str, source: str, batch: str) -> Path:
        return self.root / zone / source / f"{batch}.parquet"

    def recover(self) -> None:
        """Discard what a killed run left: staging, temporary files, batch files the
        ledger does not list."""
        shutil.rmtree(self.root / STAGING, ignore_errors=True)
        self._ledger = None
        listed = {(r.source, r.batch) for r in self.ledger()}
        for tmp in self.root.glob("**/*.tmp"):
            tmp.unlink()
        for zone in ZONES:
            for path in (self.root / zone).glob("*/*.parquet"):
                if (path.parent.name, path.stem) not in listed:
                    path.unlink()

    def write_quality(self, source: str, report: dict[str, Any]) -> Path:
        path = self.root / "quality" / f"{source}.json"
        text = json.dumps(report, ensure_ascii=False, indent=2, sort_keys=False)
        write_text_atomically(text + "\n", path)
        return path


def test_hook(point: str, batch: str) -> None:
    """For the kill-and-rerun test only: when `SHIBEI_INGEST_TEST_HOOK` is
    `<file>:<point>:<n>`, note every `<point> <batch>` reached in the file, and hang at the
    n-th time `<point>` is reached, so the test can kill the process there."""
    hook = os.environ.get("SHIBEI_INGEST_TEST_HOOK")
    if not hook:
        return
    import time

    file, wanted, nth = hook.rsplit(":", 2)
    with open(file, "a", encoding="utf-8") as f:
        f.write(f"{point} {batch}\n")
    with open(file, encoding="utf-8") as f:
        reached = sum(1 for line in f if line.split()[0] == wanted)
    if point == wanted and reached == int(nth):
        time.sleep(3600)
