"""The composition root: picks engines from settings and wires the pipeline. Nothing
else creates connections (STYLE.md)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from shibei.config import Settings
from shibei.foundation.reader import FoundationReader
from shibei.progress import NullProgress, Progress


def build(settings: Settings, progress: Progress | None = None) -> dict[str, Any]:
    """ingest → standardize → resolve → foundation over `settings.data_dir`; returns
    per-stage seconds and counts."""
    from shibei.gazetteer import read_gazetteer
    from shibei.ingest import ingest_feeds
    from shibei.resolve import resolve
    from shibei.store.duckdb_foundation import build_foundation

    progress = progress or NullProgress()
    lake: Path = settings.lake_dir
    lake.mkdir(parents=True, exist_ok=True)
    gazetteer = read_gazetteer(settings.gazetteer_dir)
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    ingested = ingest_feeds(settings.feeds_dir, lake, gazetteer, progress)
    seconds["ingest"] = time.perf_counter() - started
    started = time.perf_counter()
    resolved = resolve(lake, progress)
    seconds["resolve"] = time.perf_counter() - started
    started = time.perf_counter()
    counts = build_foundation(lake, gazetteer, progress)
    seconds["foundation"] = time.perf_counter() - started
    return {"seconds": seconds, "ingest": ingested, "resolve": resolved, "foundation": counts}


def foundation_reader(settings: Settings) -> FoundationReader:
    """The read port over the built foundation (DuckDB over the lake's Parquet)."""
    from shibei.store.duckdb_foundation import DuckDBFoundationReader

    return DuckDBFoundationReader(settings.lake_dir)
