"""The data-quality reports the ingest writes to `lake/quality/<source>.json`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def read_quality(directory: Path | None) -> list[dict[str, Any]]:
    """Every report in the directory, by source name; [] when there is none yet."""
    if directory is None or not directory.is_dir():
        return []
    reports = []
    for path in sorted(directory.glob("*.json")):
        try:
            report = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(report, dict):
            reports.append(report)
    return reports
