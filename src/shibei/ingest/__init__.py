"""Ingestion: departmental feeds → the lake's clean zone, quarantine, mentions, batches
ledger and data-quality reports (docs/ingest.md, docs/pipeline.md)."""

from __future__ import annotations

from shibei.ingest.lake import Lake
from shibei.ingest.pipeline import (
    BatchReport,
    IngestReport,
    SourceReport,
    ingest_feeds,
    ingest_file,
    ingest_sql_table,
)
from shibei.ingest.quality import quality_report
from shibei.ingest.spec import SPEC_DIR, SourceSpec, SpecError, load_spec, load_specs, parse_spec
from shibei.ingest.standardizer import Standardizer

__all__ = [
    "SPEC_DIR",
    "BatchReport",
    "IngestReport",
    "Lake",
    "SourceReport",
    "SourceSpec",
    "SpecError",
    "Standardizer",
    "ingest_feeds",
    "ingest_file",
    "ingest_sql_table",
    "load_spec",
    "load_specs",
    "parse_spec",
    "quality_report",
]
