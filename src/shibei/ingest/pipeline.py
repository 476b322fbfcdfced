"""Ingestion entry points: feeds directory → lake (clean, quarantine, mentions, ledger,
quality). See docs/ingest.md.

>>> lake, feeds = Path("data/lake"), Path("data/feeds")
>>> report = ingest_feeds(feeds, lake, gazetteer, progress)  # doctest: +SKIP
>>> report.sources["disputes"].rows_clean                    # doctest: +SKIP
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from shibei.gazetteer.gazetteer import Gazetteer
from shibei.ingest.lake import Lake, LedgerRow, StagedBatch, test_hook
from shibei.ingest.quality import build_report
from shibei.ingest.readers import (
    CHUNK_ROWS,
    DBAPIConnection,
    FeedError,
    RawChunk,
    batch_id,
    read_file,
    read_sql_table,
    sql_table_batch_id,
)
from shibei.ingest.runners import BatchEnd, ChunkJob, ChunkRunner, in_process, process_pool
from shibei.ingest.schemas import clean_schema
from shibei.ingest.spec import SPEC_DIR, SourceSpec, load_specs
from shibei.ingest.standardizer import Standardizer
from shibei.ingest.transform import CountMismatchError
from shibei.progress import NullProgress, Progress, Step

READ_ERRORS = (FeedError, UnicodeError, OSError, ValueError)
"""What reading a feed file raises when the file is not what its spec says."""


@dataclass(frozen=True, slots=True)
class BatchReport:
    source: str
    batch: str
    file: str
    loaded: bool  # False: the ledger already held it, nothing was written
    rows_in: int = 0
    rows_clean: int = 0
    rows_quarantined: int = 0
    seconds: float = 0.0


@dataclass(slots=True)
class SourceReport:
    source: str
    batches_loaded: int = 0
    batches_skipped: int = 0
    rows_in: int = 0  # of the batches loaded in this run
    rows_clean: int = 0
    rows_quarantined: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)

    def add(self, b: BatchReport) -> None:
        if b.loaded:
            self.batches_loaded += 1
        else:
            self.batches_skipped += 1
        self.rows_in += b.rows_in
        self.rows_clean += b.rows_clean
        self.rows_quarantined += b.rows_quarantined


@dataclass(slots=True)
class IngestReport:
    sources: dict[str, SourceReport] = field(default_factory=dict)
    unmatched_files: list[str] = field(default_factory=list)  # in feeds/, no spec reads them
    seconds: float = 0.0

    @property
    def rows_in(self) -> int:
        return sum(s.rows_in for s in self.sources.values())

    @property
    def rows_per_second(self) -> float:
        return self.rows_in / self.seconds if self.seconds else 0.0

    @property
    def errors(self) -> list[str]:
        return [e for s in self.sources.values() for e in s.errors]


@dataclass(frozen=True, slots=True)
class PendingBatch:
    """A batch the ledger does not hold yet, and how to read its raw chunks."""

    spec: SourceSpec
    batch: str
    file: str
    chunks: Callable[[], Iterator[RawChunk]]
    size: int = 0  # bytes of its file (0 for a SQL table)


@dataclass(slots=True)
class _Open:
    """The batch being written: its staging and counts."""

    pending: PendingBatch
    staged: StagedBatch
    step: Step
    started: float
    rows_in: int = 0
    rows_clean: int = 0
    rows_quarantined: int = 0


def _items(pending: list[PendingBatch]) -> Iterator[ChunkJob | BatchEnd]:
    for n, p in enumerate(pending):
        try:
            for chunk in p.chunks():
                yield ChunkJob(n, p.spec, p.batch, chunk)
        except READ_ERRORS as error:
            yield BatchEnd(n, error)
            continue
        yield BatchEnd(n)


def load_batches(
    lake: Lake, pending: list[PendingBatch], runner: ChunkRunner, progress: Progress
) -> tuple[list[BatchReport], list[tuple[PendingBatch, Exception]]]:
    """Read, standardize (through `runner`) and commit each pending batch in order; a
    batch is committed only once all its chunks are written and its counts balance. A
    batch whose file cannot be read is discarded and returned with its error; the others
    go on. `lake` must be entered (`with Lake(…)`)."""
    loaded: list[BatchReport] = []
    failed: list[tuple[PendingBatch, Exception]] = []
    current: _Open | None = None
    try:
        for out in runner(_items(pending)):
            if isinstance(out, BatchEnd):
                p = pending[out.n]
                if out.error is not None:
                    if current is not None:
                        lake.discard(current.staged)
                    failed.append((p, out.error))
                else:
                    loaded.append(_commit(lake, current or _open(lake, p, progress)))
                current = None
                continue
            n, result = out
            current = current or _open(lake, pending[n], progress)
            staged = current.staged
            staged.write("clean", result.clean)
            staged.write("quarantine", result.quarantine)
            staged.write("mentions/persons", result.persons)
            staged.write("mentions/organizations", result.organizations)
            current.rows_in += result.rows_in
            current.rows_clean += result.clean.num_rows
            current.rows_quarantined += result.quarantine.num_rows
            current.step.advance(result.rows_in)
    finally:
        if current is not None:  # an exception left it half written
            lake.discard(current.staged)
    return loaded, failed


def _open(lake: Lake, p: PendingBatch, progress: Progress) -> _Open:
    step = progress.step(f"导入 {p.spec.title}（{p.file}）")
    staged = lake.stage(p.spec.source, p.batch, clean_schema(p.spec))
    return _Open(p, staged, step, time.perf_counter())


def _commit(lake: Lake, o: _Open) -> BatchReport:
    p = o.pending
    if o.rows_in != o.rows_clean + o.rows_quarantined:  # each chunk is checked; so is the sum
        raise CountMismatchError(f"{p.spec.source} 批次 {p.batch}: 行数不平衡")
    test_hook("staged", p.batch)
    loaded_at = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    row = LedgerRow(p.spec.source, p.batch, p.file, loaded_at, o.rows_in, o.rows_clean,
                    o.rows_quarantined, p.spec.spec_version)  # fmt: skip
    lake.commit(o.staged, row)
    seconds = round(time.perf_counter() - o.started, 3)
    return BatchReport(p.spec.source, p.batch, p.file, True, o.rows_in, o.rows_clean,
                       o.rows_quarantined, seconds)  # fmt: skip


def _load_one(
    lake: Lake, pending: PendingBatch, standardizer: Standardizer, progress: Progress | None
) -> BatchReport:
    if lake.loaded(pending.spec.source, pending.batch):
        return BatchReport(pending.spec.source, pending.batch, pending.file, False)
    loaded, failed = load_batches(
        lake, [pending], in_process(standardizer), progress or NullProgress()
    )
    if failed:
        raise failed[0][1]
    return loaded[0]


def ingest_file(
    path: Path,
    spec: SourceSpec,
    lake: Lake,
    standardizer: Standardizer,
    progress: Progress | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> BatchReport:
    """Load one feed file as one batch (id: sha256 of its bytes). A batch the ledger
    already lists is skipped and nothing changes. `lake` must be entered (`with Lake(…)`)."""
    pending = PendingBatch(spec, batch_id(path, spec), path.name,
                           partial(read_file, path, spec, chunk_rows))  # fmt: skip
    return _load_one(lake, pending, standardizer, progress)


def ingest_sql_table(
    connection: DBAPIConnection,
    table: str,
    spec: SourceSpec,
    lake: Lake,
    standardizer: Standardizer,
    progress: Progress | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> BatchReport:
    """Load one table over a DB-API connection (sqlite3, DuckDB…) as one batch (id: sha256
    of the table's rows as read)."""
    chunks = partial(read_sql_table, connection, table, spec, chunk_rows)
    pending = PendingBatch(spec, sql_table_batch_id(connection, table), f"sql:{table}", chunks)
    return _load_one(lake, pending, standardizer, progress)


def feed_files(feeds_dir: Path, spec: SourceSpec) -> list[Path]:
    """The files the spec's `file` pattern matches in `feeds_dir`, then in each of its
    subdirectories (one later delivery each, e.g. `2026-11/`), in name order."""
    found = sorted(p for p in feeds_dir.glob(spec.file) if p.is_file())
    return found + sorted(p for p in feeds_dir.glob(f"*/{spec.file}") if p.is_file())


def _label(feeds_dir: Path, path: Path) -> str:
    """How a batch names its file: relative to the feeds directory."""
    return path.relative_to(feeds_dir).as_posix()


def ingest_feeds(
    feeds_dir: Path,
    lake_dir: Path,
    gazetteer: Gazetteer,
    progress: Progress | None = None,
    *,
    specs: Mapping[str, SourceSpec] | None = None,
    sources: Iterable[str] | None = None,
    chunk_rows: int = CHUNK_ROWS,
    workers: int = 0,
    runner: ChunkRunner | None = None,
) -> IngestReport:
    """Ingest every feed in `feeds_dir` that a spec (default: `ingest/specs/*.yaml`)
    describes, then write each source's quality report. A file that cannot be read as its
    spec says is reported in `errors` and the other feeds go on.

    Chunks are standardized by `runner` when given (Spark), else by `workers` local
    processes (0: one per core when the pending files hold at least `POOL_MIN_BYTES`,
    otherwise in this process)."""
    progress = progress or NullProgress()
    started = time.perf_counter()
    specs = dict(specs) if specs is not None else load_specs(SPEC_DIR)
    chosen = set(specs if sources is None else sources)
    wanted = [name for name in specs if name in chosen]
    report = IngestReport()
    matched: set[Path] = set()
    with Lake(lake_dir) as lake:
        pending: list[PendingBatch] = []
        seen: set[tuple[str, str]] = set()
        for name in wanted:
            spec = specs[name]
            source_report = report.sources[name] = SourceReport(name)
            files = feed_files(feeds_dir, spec)
            matched.update(files)
            if not files:
                source_report.errors.append(f"{name}: {feeds_dir} 中没有 {spec.file}")
            for path in files:
                label = _label(feeds_dir, path)
                try:
                    batch = batch_id(path, spec)
                except READ_ERRORS as error:
                    _failed(source_report, label, error, progress)
                    continue
                if lake.loaded(spec.source, batch) or (spec.source, batch) in seen:
                    source_report.add(BatchReport(spec.source, batch, label, False))
                    continue
                seen.add((spec.source, batch))
                pending.append(PendingBatch(spec, batch, label,
                                            partial(read_file, path, spec, chunk_rows),
                                            path.stat().st_size))  # fmt: skip
        with ExitStack() as stack:
            if runner is None:
                count = _workers(workers, pending)
                runner = (
                    stack.enter_context(process_pool(gazetteer, count)) if count > 1
                    else in_process(Standardizer(gazetteer))
                )  # fmt: skip
            loaded, failed = load_batches(lake, pending, runner, progress)
        for batch_report in loaded:
            source_report = report.sources[batch_report.source]
            source_report.add(batch_report)
            source_report.seconds = round(source_report.seconds + batch_report.seconds, 3)
        for p, problem in failed:
            _failed(report.sources[p.spec.source], p.file, problem, progress)
        for name in wanted:
            lake.write_quality(name, build_report(lake, specs[name]))
    report.unmatched_files = sorted(
        _label(feeds_dir, p) for p in (*feeds_dir.iterdir(), *feeds_dir.glob("*/*"))
        if p.is_file() and p not in matched and p.name != "manifest.json"
    )  # fmt: skip
    report.seconds = round(time.perf_counter() - started, 3)
    return report


POOL_MIN_BYTES = 16 * 1024 * 1024
"""Below this much pending feed data, starting worker processes (each loads the
gazetteer) costs more than it saves: `workers=0` standardizes in this process."""


def _workers(workers: int, pending: list[PendingBatch]) -> int:
    if multiprocessing.current_process().daemon:  # a daemonic process may start none
        return 1
    if workers > 0:
        return workers
    if sum(p.size for p in pending) < POOL_MIN_BYTES:
        return 1
    return len(os.sched_getaffinity(0))


def _failed(source_report: SourceReport, file: str, error: Exception, progress: Progress) -> None:
    name = source_report.source
    source_report.errors.append(f"{name}: {file}: {error}")
    progress.log(f"[red]{name}: {file} 导入失败：{error}")
