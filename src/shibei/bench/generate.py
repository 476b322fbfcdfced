"""`shibei bench generate`: time and peak memory of generating the reference district.

Figures: seconds (whole run), peak_rss_mb (this process's peak resident set), feed_rows,
rows_per_second, and seconds per stage (`gazetteer_seconds` … `feeds_seconds`). The
baseline in the same run is `write_only_seconds`: writing the already generated rows
again as plain UTF-8 CSV, the floor any generator pays for its output.
"""

from __future__ import annotations

import csv
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

from shibei.config import Settings
from shibei.progress import Progress, TimedProgress
from shibei.synth.feed_files import read_feed
from shibei.synth.generate import generate_district
from shibei.synth.manifest import spec_from_manifest

_STAGES = ("gazetteer", "population", "organizations", "rosters", "events", "feeds")
"""Names of the generation steps, in the order `generate_district` reports them."""


def run(scale: float, progress: Progress) -> dict[str, Any]:
    settings = Settings()
    timed = TimedProgress(progress)
    with tempfile.TemporaryDirectory(prefix="shibei-bench-generate-") as tmp:
        data_dir = Path(tmp)
        started = time.perf_counter()
        manifest = generate_district(data_dir, scale=scale, seed=settings.seed, progress=timed)
        seconds = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        stages = timed.finish()
        progress.step("基线：把同样的行写成 UTF-8 CSV")
        baseline = _rewrite_as_csv(data_dir, manifest)
    rows = int(manifest["feed_rows"])
    figures: dict[str, Any] = {
        "scale": scale,
        "seconds": round(seconds, 2),
        "peak_rss_mb": round(peak_mb, 1),
        "feed_rows": rows,
        "feeds": len(manifest["feeds"]),
        "persons": manifest["counts"]["persons"],
        "houses": manifest["counts"]["houses"],
        "rows_per_second": round(rows / seconds),
        "write_only_seconds": round(baseline, 2),
        "seconds_vs_write_only": round(seconds / baseline, 1) if baseline else None,
    }
    for key, (stage, stage_seconds) in zip(_STAGES, stages.items(), strict=False):
        figures[f"{key}_seconds"] = stage_seconds
        progress.log(f"{stage}: {stage_seconds} s")
    return figures


def _rewrite_as_csv(data_dir: Path, manifest: dict[str, Any]) -> float:
    """Read every feed, then time writing all its rows as one plain CSV each."""
    loaded = []
    for name in manifest["feeds"]:
        spec = spec_from_manifest(manifest, name)
        loaded.append((spec, list(read_feed(data_dir / "feeds" / spec.file_name, spec))))
    out = data_dir / "baseline"
    out.mkdir()
    started = time.perf_counter()
    for spec, rows in loaded:
        with (out / f"{spec.name}.csv").open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(spec.columns)
            for row in rows:
                writer.writerow([row.get(c) for c in spec.columns])
    return time.perf_counter() - started
