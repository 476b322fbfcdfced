"""`shibei bench volume [--scale S]`: the full build with the feeds multiplied.

The bureau's 510 million records are mostly the same departments delivering their feeds
again and again, not more people. This benchmark generates the district at `S` with every
feed delivered `DELIVERIES` times (`generate_district(deliveries=…)`: later full extracts
in `feeds/delivery-NN/`, rows in another order, 1% with a new phone), so the whole
district (`--scale 1.0`, 3.89 M rows a delivery) reaches ~50 million source rows.

Baseline in the same run: the same district with one delivery (the first one, the same
files), built first. Each build runs in its own process (`bench scale`'s `_point`), so
its peak memory is its own. Figures per build: feed rows, seconds and rows per second by
stage, peak RSS; and `seconds_vs_one_delivery` against `rows_vs_one_delivery`, with the
growth exponent of each stage between the two.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from shibei.bench.scale import growth_figures, in_child, point_figures
from shibei.progress import Progress

DELIVERIES = 13
"""3,890,546 rows a delivery at the whole district × 13 ≈ 50.6 million source rows."""


def _generate(data_dir: str, scale: float, seed: int, deliveries: int) -> dict[str, Any]:
    from shibei.synth.generate import generate_district

    started = time.perf_counter()
    manifest = generate_district(Path(data_dir), scale=scale, seed=seed, deliveries=deliveries)
    return {"seconds": round(time.perf_counter() - started, 2), **manifest}


def _one_delivery(many: Path, one: Path) -> None:
    """`one` holds the gazetteer and the first delivery of every feed of `many`."""
    shutil.copytree(many / "gazetteer", one / "gazetteer")
    (one / "feeds").mkdir(parents=True)
    for path in (many / "feeds").iterdir():
        if path.is_file():
            shutil.copyfile(path, one / "feeds" / path.name)


def run(scale: float, progress: Progress) -> dict[str, Any]:
    from shibei.config import Settings

    seed = Settings().seed
    figures: dict[str, Any] = {"scale": scale, "deliveries": DELIVERIES}
    with tempfile.TemporaryDirectory(prefix="shibei-bench-volume-") as tmp:
        many, one = Path(tmp) / "many", Path(tmp) / "one"
        progress.step(f"生成 scale {scale} 的辖区，每个数据源交付 {DELIVERIES} 次")
        manifest = _generate(str(many), scale, seed, DELIVERIES)
        figures["generate_seconds"] = manifest["seconds"]
        rows_per_delivery = manifest["feed_rows"] // DELIVERIES
        _one_delivery(many, one)
        points: dict[str, dict[str, Any]] = {}
        for tag, directory, rows in (
            ("one", one, rows_per_delivery),
            ("many", many, manifest["feed_rows"]),
        ):
            progress.step(f"建立数据底座：{rows:,} 行（{tag}）")
            point = in_child(str(directory), scale, seed, "duckdb", False)
            point["feed_rows"] = rows
            points[tag] = point
            progress.log(f"{tag}: {json.dumps(point, ensure_ascii=False)}")
            shutil.rmtree(directory, ignore_errors=True)
    for tag, p in points.items():
        figures |= point_figures(tag, p)
    one_p, many_p = points["one"], points["many"]
    figures["rows_vs_one_delivery"] = round(many_p["feed_rows"] / one_p["feed_rows"], 2)
    figures["seconds_vs_one_delivery"] = round(many_p["seconds"] / one_p["seconds"], 2)
    return figures | growth_figures([one_p, many_p])
