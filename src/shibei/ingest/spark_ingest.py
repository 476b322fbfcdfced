"""Ingestion on Spark (`shibei build --engine spark`): the feeds' raw chunks are
standardized by executors in an Arrow batch function (`mapInArrow`) running the very
`process_chunk` the DuckDB engine runs;
the driver writes each batch through the same crash-safe `Lake` (staging, ledger,
quality reports), so the clean zone, quarantine and mentions are the same files.

Chunks of up to `wave_rows` rows from several batches (files) go to Spark in one job, one
chunk per task, so small feeds run side by side; results stream back in order
in order, so the driver holds one wave at a time.
"""

from __future__ import annotations

import pickle
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from shibei.gazetteer import read_gazetteer
from shibei.ingest.lake import Lake, LedgerRow, StagedBatch
from shibei.ingest.pipeline import BatchReport, IngestReport, SourceReport, feed_files
from shibei.ingest.quality import build_report
from shibei.ingest.readers import CHUNK_ROWS, FeedError, batch_id, read_file
from shibei.ingest.schemas import clean_schema
from shibei.ingest.spec import SPEC_DIR, SourceSpec, load_specs
from shibei.ingest.standardizer import Standardizer
from shibei.ingest.transform import CountMismatchError, process_chunk
from shibei.progress import NullProgress, Progress

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


@dataclass(slots=True)
class _Pending:
    spec: SourceSpec
    path: Path
    batch: str


@dataclass(slots=True)
class _Open:
    pending: _Pending
    staged: StagedBatch
    started: float
    chunks: int = 0
    rows_in: int = 0
    rows_clean: int = 0
    rows_quarantined: int = 0


def ingest_feeds_spark(
    spark: SparkSession,
    feeds_dir: Path,
    lake_dir: Path,
    gazetteer_dir: Path,
    progress: Progress | None = None,
    *,
    specs: Mapping[str, SourceSpec] | None = None,
    sources: Iterable[str] | None = None,
    chunk_rows: int = CHUNK_ROWS,
    wave_rows: int = WAVE_ROWS,
) -> IngestReport:
    """`shibei.ingest.ingest_feeds` with standardization on Spark; same lake, same report."""
    progress = progress or NullProgress()
    started = time.perf_counter()
    specs = dict(specs) if specs is not None else load_specs(SPEC_DIR)
    wanted = set(sources) if sources is not None else set(specs)
    report = IngestReport()
    matched: set[Path] = set()
    with Lake(lake_dir) as lake:
        pending: list[_Pending] = []
        for name, spec in specs.items():
            if name not in wanted:
                continue
            source_report = report.sources[name] = SourceReport(name)
            files = feed_files(feeds_dir, spec)
            matched.update(files)
            if not files:
                source_report.errors.append(f"{name}: {feeds_dir} 中没有 {spec.file}")
            for path in files:
                try:
                    batch = batch_id(path, spec)
                except (FeedError, UnicodeError, OSError, ValueError) as error:
                    source_report.errors.append(f"{name}: {path.name}: {error}")
                    continue
                if lake.loaded(spec.source, batch):
                    source_report.add(BatchReport(spec.source, batch, path.name, False))
                else:
                    pending.append(_Pending(spec, path, batch))
        step = progress.step(f"Spark 导入与标准化：{len(pending)} 个批次")
        _run_waves(
            spark, lake, pending, str(gazetteer_dir), chunk_rows, wave_rows, report, progress, step
        )
        for name, spec in specs.items():
            if name in wanted:
                lake.write_quality(name, build_report(lake, spec))
    report.unmatched_files = sorted(
        p.name
        for p in feeds_dir.iterdir()
        if p.is_file() and p not in matched and p.name != "manifest.json"
    )
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def _run_waves(
    spark: SparkSession,
    lake: Lake,
    pending: list[_Pending],
    gazetteer_dir: str,
    chunk_rows: int,
    wave_rows: int,
    report: IngestReport,
    progress: Progress,
    step: Any,
) -> None:
    """Read chunks of the pending batches; every `wave_rows` rows (and at the end) run a
    Spark job over them and write its results. A batch is committed once all its chunks
    are written."""
    with ExitStack() as stack:
        opened: dict[int, _Open] = {}
        wave: list[tuple[int, bytes]] = []  # (batch number, pickled chunk)
        wave_size = 0
        for n, p in enumerate(pending):
            chunks = 0
            try:
                for chunk in read_file(p.path, p.spec, chunk_rows):
                    if n not in opened:
                        staged = stack.enter_context(
                            lake.stage(p.spec.source, p.batch, clean_schema(p.spec))
                        )
                        opened[n] = _Open(p, staged, time.perf_counter())
                    opened[n].chunks += 1
                    chunks += 1
                    wave.append((n, pickle.dumps((p.spec, p.batch, chunk))))
                    wave_size += len(chunk)
                    if wave_size >= wave_rows:
                        _job(spark, wave, opened, gazetteer_dir, step)
                        wave, wave_size = [], 0
                        _commit_done(lake, opened, report, upto=n)
            except (FeedError, UnicodeError, OSError, ValueError) as error:
                source = p.spec.source
                report.sources[source].errors.append(f"{source}: {p.path.name}: {error}")
                progress.log(f"[red]{source}: {p.path.name} 导入失败：{error}")
                wave = [(k, c) for k, c in wave if k != n]
                opened.pop(n, None)  # its staging is discarded when the lake next opens
                continue
            if chunks == 0:  # a file without rows is still one (empty) batch
                _empty_batch(lake, p, report)
        if wave:
            _job(spark, wave, opened, gazetteer_dir, step)
        _commit_done(lake, opened, report, upto=len(pending))


def _job(
    spark: SparkSession,
    wave: list[tuple[int, bytes]],
    opened: dict[int, _Open],
    gazetteer_dir: str,
    step: Any,
) -> None:
    from pyspark.sql.types import BinaryType, LongType, StructField, StructType

    schema = StructType([StructField("seq", LongType()), StructField("payload", BinaryType())])
    rdd = spark.sparkContext.parallelize(
        [(seq, payload) for seq, (_, payload) in enumerate(wave)], numSlices=len(wave)
    )
    frame = spark.createDataFrame(rdd, schema).mapInArrow(
        standardize_arrow(gazetteer_dir), OUTPUT_SCHEMA
    )
    for row in frame.collect():  # in partition order; all tasks of the wave run at once
        n = wave[row["seq"]][0]
        o = opened[n]
        table = pa.ipc.open_stream(row["payload"]).read_all()
        o.staged.write(row["zone"], table)
        if row["zone"] == "clean":
            o.rows_in += row["rows_in"]
            o.rows_clean += table.num_rows
            step.advance(row["rows_in"])
        elif row["zone"] == "quarantine":
            o.rows_quarantined += table.num_rows
        if row["zone"] == ZONE_OF_RESULT[-1][0]:
            o.chunks -= 1


def _commit_done(lake: Lake, opened: dict[int, _Open], report: IngestReport, upto: int) -> None:
    """Commit every batch before `upto` whose chunks are all written, in batch order."""
    for n in sorted(opened):
        o = opened[n]
        if n >= upto or o.chunks:
            continue
        p = o.pending
        if o.rows_in != o.rows_clean + o.rows_quarantined:
            raise CountMismatchError(f"{p.spec.source} 批次 {p.batch}: 行数不平衡")
        o.staged.close()
        loaded_at = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
        lake.commit(
            o.staged,
            LedgerRow(
                p.spec.source,
                p.batch,
                p.path.name,
                loaded_at,
                o.rows_in,
                o.rows_clean,
                o.rows_quarantined,
                p.spec.spec_version,
            ),
        )
        seconds = round(time.perf_counter() - o.started, 3)
        report.sources[p.spec.source].add(
            BatchReport(
                p.spec.source,
                p.batch,
                p.path.name,
                True,
                o.rows_in,
                o.rows_clean,
                o.rows_quarantined,
                seconds,
            )
        )
        del opened[n]


def _empty_batch(lake: Lake, p: _Pending, report: IngestReport) -> None:
    """A file without rows is still one (empty) batch, as on the DuckDB engine."""
    with lake.stage(p.spec.source, p.batch, clean_schema(p.spec)) as staged:
        pass
    loaded_at = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    lake.commit(
        staged,
        LedgerRow(p.spec.source, p.batch, p.path.name, loaded_at, 0, 0, 0, p.spec.spec_version),
    )
    report.sources[p.spec.source].add(BatchReport(p.spec.source, p.batch, p.path.name, True))
