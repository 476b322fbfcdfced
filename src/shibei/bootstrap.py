"""The composition root: picks engines from settings and wires the pipeline. Nothing
else creates connections (STYLE.md)."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from shibei.config import Settings
from shibei.foundation.reader import FoundationReader
from shibei.progress import NullProgress, Progress

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from shibei.resolve.ports import Linker
    from shibei.store.sql_store import SqlStore
    from shibei.store.workorders import SqlWorkOrderRepository


def build(settings: Settings, progress: Progress | None = None) -> dict[str, Any]:
    """ingest → standardize → resolve → foundation over `settings.data_dir`; returns
    per-stage seconds and counts."""
    from shibei.gazetteer import read_gazetteer
    from shibei.ingest import ingest_feeds
    from shibei.resolve import resolve
    from shibei.store.duckdb_foundation import build_foundation

    progress = progress or NullProgress()
    if settings.engine == "spark":
        return build_spark(settings, progress)
    lake: Path = settings.lake_dir
    lake.mkdir(parents=True, exist_ok=True)
    gazetteer = read_gazetteer(settings.gazetteer_dir)
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    ingested = ingest_feeds(
        settings.feeds_dir, lake, gazetteer, progress, workers=settings.ingest_workers
    )
    seconds["ingest"] = time.perf_counter() - started
    started = time.perf_counter()
    resolved = resolve(lake, progress)
    seconds["resolve"] = time.perf_counter() - started
    started = time.perf_counter()
    counts = build_foundation(lake, gazetteer, progress)
    seconds["foundation"] = time.perf_counter() - started
    return {"seconds": seconds, "ingest": ingested, "resolve": resolved, "foundation": counts}


def build_spark(
    settings: Settings, progress: Progress | None = None, spark: SparkSession | None = None
) -> dict[str, Any]:
    """The same pipeline with every stage on Spark (`settings.spark_*`, docs/scale.md):
    standardization in Arrow batches on executors, Splink's Spark backend, the foundation
    SQL on Spark SQL; same lake, same answer."""
    from shibei.gazetteer import read_gazetteer
    from shibei.ingest import ingest_feeds
    from shibei.ingest.spark_ingest import spark_runner
    from shibei.resolve import resolve
    from shibei.store.spark.foundation import build_foundation_spark
    from shibei.store.spark.linker import SparkSplinkLinker
    from shibei.store.spark.session import start_spark

    progress = progress or NullProgress()
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    spark = spark or start_spark(settings)
    seconds["spark_start"] = time.perf_counter() - started
    lake: Path = settings.lake_dir.absolute()
    lake.mkdir(parents=True, exist_ok=True)
    gazetteer = read_gazetteer(settings.gazetteer_dir)
    started = time.perf_counter()
    runner = spark_runner(spark, settings.gazetteer_dir.absolute())
    ingested = ingest_feeds(settings.feeds_dir, lake, gazetteer, progress, runner=runner)
    seconds["ingest"] = time.perf_counter() - started
    started = time.perf_counter()
    linker = SparkSplinkLinker(spark, partitions=settings.spark_shuffle_partitions)
    resolved = resolve(lake, progress, linker=linker)
    seconds["resolve"] = time.perf_counter() - started
    started = time.perf_counter()
    counts = build_foundation_spark(spark, lake, gazetteer, progress)
    seconds["foundation"] = time.perf_counter() - started
    return {"seconds": seconds, "ingest": ingested, "resolve": resolved, "foundation": counts}


def apply_delta(
    settings: Settings,
    delta_dir: Path,
    progress: Progress | None = None,
    *,
    at: datetime | None = None,
    spark: SparkSession | None = None,
) -> dict[str, Any]:
    """Apply one daily delta (`delta_dir`: new and changed rows as feed files, and
    `retractions.csv` naming deleted or superseded rows) to the built lake without a full
    rebuild: only the delta's batches are ingested and standardized, retracted rows leave
    the live lake in place, every mention is re-resolved with the fixed model continuing
    the previous ids (merges and splits logged), and the foundation (relations, rollups)
    is refreshed. On `settings.engine == "spark"` each stage runs as `build_spark` runs
    it. Returns per-stage seconds and reports."""
    from shibei.gazetteer import read_gazetteer
    from shibei.ingest import ingest_feeds
    from shibei.ingest.retractions import RETRACTIONS_FILE, apply_retractions, read_retractions
    from shibei.resolve import resolve
    from shibei.store.duckdb_foundation import build_foundation

    progress = progress or NullProgress()
    lake = settings.lake_dir.absolute()
    gazetteer = read_gazetteer(settings.gazetteer_dir)
    sources = _delta_sources(delta_dir)
    seconds: dict[str, float] = {}
    linker: Linker | None = None
    if settings.engine == "spark":
        from shibei.store.spark.linker import SparkSplinkLinker
        from shibei.store.spark.session import start_spark

        started = time.perf_counter()
        spark = spark or start_spark(settings)
        seconds["spark_start"] = time.perf_counter() - started
        linker = SparkSplinkLinker(spark, partitions=settings.spark_shuffle_partitions)
    started = time.perf_counter()
    runner = None
    if spark is not None:
        from shibei.ingest.spark_ingest import spark_runner

        runner = spark_runner(spark, settings.gazetteer_dir.absolute())
    ingested = ingest_feeds(delta_dir, lake, gazetteer, progress, sources=sources,
                            workers=settings.ingest_workers, runner=runner)  # fmt: skip
    retracted = apply_retractions(lake, read_retractions(delta_dir / RETRACTIONS_FILE))
    seconds["ingest"] = time.perf_counter() - started
    started = time.perf_counter()
    resolved = resolve(lake, progress, at=at, linker=linker)
    seconds["resolve"] = time.perf_counter() - started
    started = time.perf_counter()
    if spark is not None:
        from shibei.store.spark.foundation import build_foundation_spark

        counts = build_foundation_spark(spark, lake, gazetteer, progress)
    else:
        counts = build_foundation(lake, gazetteer, progress)
    seconds["foundation"] = time.perf_counter() - started
    return {
        "seconds": seconds,
        "ingest": ingested,
        "retracted": retracted,
        "resolve": resolved,
        "foundation": counts,
    }


def _delta_sources(delta_dir: Path) -> list[str]:
    """The sources a delta directory holds files for (a day need not touch every feed)."""
    from shibei.ingest import load_specs
    from shibei.ingest.pipeline import feed_files

    return [name for name, spec in load_specs().items() if feed_files(delta_dir, spec)]


def rebuild_cumulative(
    settings: Settings,
    delta_dirs: list[Path],
    previous_resolve: Path | None,
    progress: Progress | None = None,
    *,
    at: datetime | None = None,
) -> dict[str, Any]:
    """The full rebuild an update must equal: a fresh lake from `settings.feeds_dir` and
    every delta so far (all rows ingested and standardized again, retractions applied),
    resolved continuing the ids of `previous_resolve`, the foundation built anew."""
    from shibei.gazetteer import read_gazetteer
    from shibei.ingest import ingest_feeds
    from shibei.ingest.retractions import RETRACTIONS_FILE, apply_retractions, read_retractions
    from shibei.resolve import resolve
    from shibei.store.duckdb_foundation import build_foundation

    progress = progress or NullProgress()
    lake = settings.lake_dir
    lake.mkdir(parents=True, exist_ok=True)
    gazetteer = read_gazetteer(settings.gazetteer_dir)
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    workers = settings.ingest_workers
    ingest_feeds(settings.feeds_dir, lake, gazetteer, progress, workers=workers)
    for delta in delta_dirs:
        ingest_feeds(delta, lake, gazetteer, progress, sources=_delta_sources(delta),
                     workers=workers)  # fmt: skip
        apply_retractions(lake, read_retractions(delta / RETRACTIONS_FILE))
    seconds["ingest"] = time.perf_counter() - started
    started = time.perf_counter()
    resolved = resolve(lake, progress, previous=previous_resolve, at=at)
    seconds["resolve"] = time.perf_counter() - started
    started = time.perf_counter()
    counts = build_foundation(lake, gazetteer, progress)
    seconds["foundation"] = time.perf_counter() - started
    return {"seconds": seconds, "resolve": resolved, "foundation": counts}


def foundation_reader(settings: Settings) -> FoundationReader:
    """The read port over the built foundation (DuckDB over the lake's Parquet)."""
    from shibei.store.duckdb_foundation import DuckDBFoundationReader

    return DuckDBFoundationReader(settings.lake_dir)


def operational_store(settings: Settings) -> SqlStore:
    """The operational store (accounts, sessions, audit log) at `settings.operational_url`,
    migrated to the newest schema."""
    from shibei.store.sql_store import SqlStore, sql_engine

    if settings.database_url is None:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    store = SqlStore(sql_engine(settings.operational_url))
    store.migrate()
    return store


def workorder_repository(
    settings: Settings, store: SqlStore | None = None
) -> SqlWorkOrderRepository:
    """The work-order repository (shibei.workflow) in the operational database: on the
    engine of `store` when given (one connection pool), else on its own engine at
    `settings.operational_url`, migrated to the newest schema."""
    from shibei.store.sql_store import sql_engine
    from shibei.store.workorders import SqlWorkOrderRepository

    if store is not None:
        return SqlWorkOrderRepository(store.engine)
    if settings.database_url is None:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    repo = SqlWorkOrderRepository(sql_engine(settings.operational_url))
    repo.migrate()
    return repo
