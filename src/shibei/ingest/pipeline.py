"""Ingestion entry points: feeds directory → lake (clean, quarantine, mentions, ledger,
quality). See docs/ingest.md.

>>> lake, feeds = Path("data/lake"), Path("data/feeds")
>>> report = ingest_feeds(feeds, lake, gazetteer, progress)  # doctest: +SKIP
>>> report.sources["disputes"].rows_clean                    # doctest: +SKIP
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from shibei.gazetteer.gazetteer import Gazetteer
from shibei.ingest.lake import Lake, LedgerRow, test_hook
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
from shibei.ingest.schemas import clean_schema
from shibei.ingest.spec import SPEC_DIR, SourceSpec, load_specs
from shibei.ingest.standardizer import Standardizer
from shibei.ingest.transform import CountMismatchError, process_chunk
from shibei.progress import NullProgress, Progress, Step


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


def _load_batch(
    lake: Lake,
    spec: SourceSpec,
    batch: str,
    file: str,
    chunks: Iterator[RawChunk],
    std: Standardizer,
    step: Step,
) -> BatchReport:
    started = time.perf_counter()
    rows_in = rows_clean = rows_quarantined = 0
    with lake.stage(spec.source, batch, clean_schema(spec)) as staged:
        for chunk in chunks:
            result = process_chunk(chunk, spec, batch, std)
            staged.write("clean", result.clean)
            staged.write("quarantine", result.quarantine)
            staged.write("mentions/persons", result.persons)
            staged.write("mentions/organizations", result.organizations)
            rows_in += result.rows_in
            rows_clean += result.clean.num_rows
            rows_quarantined += result.quarantine.num_rows
            step.advance(result.rows_in)
    if rows_in != rows_clean + rows_quarantined:  # each chunk is checked; so is the sum
        raise CountMismatchError(f"{spec.source} 批次 {batch}: 行数不平衡")
    test_hook("staged", batch)
    loaded_at = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    row = LedgerRow(spec.source, batch, file, loaded_at, rows_in, rows_clean,
                    rows_quarantined, spec.spec_version)  # fmt: skip
    lake.commit(staged, row)
    seconds = round(time.perf_counter() - started, 3)
    return BatchReport(spec.source, batch, file, True, rows_in, rows_clean, rows_quarantined,
                       seconds)  # fmt: skip


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
    batch = batch_id(path, spec)
    if lake.loaded(spec.source, batch):
        return BatchReport(spec.source, batch, path.name, False)
    step = (progress or NullProgress()).step(f"导入 {spec.title}（{path.name}）")
    return _load_batch(lake, spec, batch, path.name, read_file(path, spec, chunk_rows),
                       standardizer, step)  # fmt: skip


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
    batch = sql_table_batch_id(connection, table)
    if lake.loaded(spec.source, batch):
        return BatchReport(spec.source, batch, f"sql:{table}", False)
    step = (progress or NullProgress()).step(f"导入 {spec.title}（表 {table}）")
    chunks = read_sql_table(connection, table, spec, chunk_rows)
    return _load_batch(lake, spec, batch, f"sql:{table}", chunks, standardizer, step)


def feed_files(feeds_dir: Path, spec: SourceSpec) -> list[Path]:
    """The files of `feeds_dir` the spec's `file` pattern matches, in name order."""
    return sorted(p for p in feeds_dir.glob(spec.file) if p.is_file())


def ingest_feeds(
    feeds_dir: Path,
    lake_dir: Path,
    gazetteer: Gazetteer,
    progress: Progress | None = None,
    *,
    specs: Mapping[str, SourceSpec] | None = None,
    sources: Iterable[str] | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> IngestReport:
    """Ingest every feed in `feeds_dir` that a spec (default: `ingest/specs/*.yaml`)
    describes, then write each source's quality report. A file that cannot be read as its
    spec says is reported in `errors` and the other feeds go on."""
    progress = progress or NullProgress()
    started = time.perf_counter()
    specs = dict(specs) if specs is not None else load_specs(SPEC_DIR)
    wanted = set(sources) if sources is not None else set(specs)
    report = IngestReport()
    std = Standardizer(gazetteer)
    matched: set[Path] = set()
    with Lake(lake_dir) as lake:
        for name, spec in specs.items():
            if name not in wanted:
                continue
            source_started = time.perf_counter()
            source_report = report.sources[name] = SourceReport(name)
            files = feed_files(feeds_dir, spec)
            matched.update(files)
            if not files:
                source_report.errors.append(f"{name}: {feeds_dir} 中没有 {spec.file}")
            for path in files:
                try:
                    source_report.add(ingest_file(path, spec, lake, std, progress, chunk_rows))
                except (FeedError, UnicodeError, OSError, ValueError) as error:
                    source_report.errors.append(f"{name}: {path.name}: {error}")
                    progress.log(f"[red]{name}: {path.name} 导入失败：{error}")
            lake.write_quality(name, build_report(lake, spec))
            source_report.seconds = round(time.perf_counter() - source_started, 3)
    report.unmatched_files = sorted(
        p.name for p in feeds_dir.iterdir()
        if p.is_file() and p not in matched and p.name != "manifest.json"
    )  # fmt: skip
    report.seconds = round(time.perf_counter() - started, 3)
    return report
