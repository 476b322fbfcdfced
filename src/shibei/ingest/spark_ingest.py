"""Ingestion on Spark (`shibei build --engine spark`): a `ChunkRunner` whose chunks are
standardized by executors in an Arrow batch function (`mapInArrow`) running the very
`process_chunk` the DuckDB engine runs. The driver is `ingest_feeds` itself: it reads the
files and writes each batch through the same crash-safe `Lake` (staging, ledger, quality
reports), so the clean zone, quarantine and mentions are the same files.

Chunks of up to `wave_rows` rows from several batches (files) go to Spark in one job, one
chunk per task, so small feeds run side by side; results come back in order, and the
driver holds one wave at a time.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from shibei.gazetteer import read_gazetteer
from shibei.ingest.runners import BatchEnd, ChunkJob, ChunkRunner, Item, Output
from shibei.ingest.standardizer import Standardizer
from shibei.ingest.transform import ChunkResult, process_chunk

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

WAVE_ROWS = 500_000
"""Raw rows sent to Spark in one job: bounds the driver's memory for raw chunks and
results (on a cluster, raise it to keep every executor busy)."""

ZONE_OF_RESULT = (
    ("clean", "clean"),
    ("quarantine", "quarantine"),
    ("mentions/persons", "persons"),
    ("mentions/organizations", "organizations"),
)
OUTPUT_SCHEMA = "seq long, zone string, rows_in long, payload binary"

_standardizers: dict[str, Standardizer] = {}
"""One Standardizer per executor Python worker (workers are reused across tasks)."""


def _standardizer(gazetteer_dir: str) -> Standardizer:
    std = _standardizers.get(gazetteer_dir)
    if std is None:
        std = _standardizers[gazetteer_dir] = Standardizer(read_gazetteer(Path(gazetteer_dir)))
    return std


def _ipc(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return bytes(sink.getvalue().to_pybytes())


def standardize_arrow(gazetteer_dir: str) -> Any:
    """The `mapInArrow` function: rows (seq, pickled (spec, batch, RawChunk)) → one row per
    zone with the Arrow IPC bytes of that zone's table for the chunk."""

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        std = _standardizer(gazetteer_dir)
        for b in batches:
            for seq, payload in zip(
                b.column("seq").to_pylist(), b.column("payload").to_pylist(), strict=True
            ):
                spec, batch, chunk = pickle.loads(payload)
                result = process_chunk(chunk, spec, batch, std)
                tables = [getattr(result, name) for _, name in ZONE_OF_RESULT]
                yield pa.RecordBatch.from_pydict(
                    {
                        "seq": [seq] * len(tables),
                        "zone": [zone for zone, _ in ZONE_OF_RESULT],
                        "rows_in": [result.rows_in] * len(tables),
                        "payload": [_ipc(t) for t in tables],
                    },
                    schema=pa.schema(
                        [
                            ("seq", pa.int64()),
                            ("zone", pa.string()),
                            ("rows_in", pa.int64()),
                            ("payload", pa.binary()),
                        ]
                    ),
                )

    return run


def spark_runner(
    spark: SparkSession, gazetteer_dir: Path, wave_rows: int = WAVE_ROWS
) -> ChunkRunner:
    """Chunks gathered into waves of about `wave_rows` rows, each wave one Spark job (one
    chunk per task, so small feeds run side by side); results come back in order."""

    def run(items: Iterable[Item]) -> Iterator[Output]:
        wave: list[Item] = []
        rows = 0
        for item in items:
            wave.append(item)
            if isinstance(item, ChunkJob):
                rows += len(item.chunk)
                if rows >= wave_rows:
                    yield from _job(spark, wave, str(gazetteer_dir))
                    wave, rows = [], 0
        yield from _job(spark, wave, str(gazetteer_dir))

    return run


def _job(spark: SparkSession, wave: list[Item], gazetteer_dir: str) -> Iterator[Output]:
    from pyspark.sql.types import BinaryType, LongType, StructField, StructType

    jobs = [
        (seq, pickle.dumps((item.spec, item.batch, item.chunk)))
        for seq, item in enumerate(wave)
        if isinstance(item, ChunkJob)
    ]
    results: dict[int, dict[str, Any]] = {}
    if jobs:
        schema = StructType([StructField("seq", LongType()), StructField("payload", BinaryType())])
        rdd = spark.sparkContext.parallelize(jobs, numSlices=len(jobs))
        frame = spark.createDataFrame(rdd, schema).mapInArrow(
            standardize_arrow(gazetteer_dir), OUTPUT_SCHEMA
        )
        for row in frame.collect():
            tables = results.setdefault(row["seq"], {"rows_in": row["rows_in"]})
            tables[row["zone"]] = pa.ipc.open_stream(row["payload"]).read_all()
    for seq, item in enumerate(wave):
        if isinstance(item, BatchEnd):
            yield item
            continue
        tables = results.pop(seq)
        zones = {name: tables[zone] for zone, name in ZONE_OF_RESULT}
        yield item.n, ChunkResult(**zones, rows_in=tables["rows_in"])
