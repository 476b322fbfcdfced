"""`shibei bench scale [--scale S]`: the scale curve of the full build.

Builds the reference district at 10%, 30% and 100% of `S` (`--scale 1.0`: the whole
district), each point in its own process so its peak memory is its own, and reports per
point: feed rows, seconds and rows per second by stage (ingest, resolve, foundation),
peak RSS. From the points, the growth exponent of each stage (slope of log time over log
rows: 1.0 linear, ~1.1 n log n, 2 quadratic). At the smallest point the same input is
also built on Spark in local mode (when pyspark is installed): the Spark/DuckDB ratio.

The last stdout line is one flat JSON object; progress goes to stderr.
"""

from __future__ import annotations

import math
import multiprocessing
import resource
import shutil
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from shibei.progress import NullProgress, Progress

FRACTIONS = (0.1, 0.3, 1.0)
STAGES = ("ingest", "resolve", "foundation")


def _point(data_dir: str, scale: float, seed: int, engine: str, generate: bool) -> dict[str, Any]:
    """One build in this (child) process: seconds by stage and this process's peak RSS."""
    from shibei.bootstrap import build
    from shibei.config import Settings
    from shibei.synth.generate import generate_district

    path = Path(data_dir)
    out: dict[str, Any] = {}
    if generate:
        started = time.perf_counter()
        manifest = generate_district(path, scale=scale, seed=seed)
        out["generate_seconds"] = round(time.perf_counter() - started, 2)
        out["feed_rows"] = int(manifest["feed_rows"])
    settings = Settings(data_dir=path, engine=engine)  # type: ignore[arg-type]
    started = time.perf_counter()
    report = build(settings, NullProgress())
    out["seconds"] = round(time.perf_counter() - started, 2)
    for stage, seconds in report["seconds"].items():
        out[f"{stage}_seconds"] = round(seconds, 2)
    out["person_mentions"] = report["resolve"].person_mentions
    out["persons"] = report["resolve"].persons
    out["foundation_rows"] = sum(report["foundation"].values())
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    # the largest ingest worker process (they run beside the build: add it per worker)
    out["worker_peak_rss_mb"] = round(
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1
    )
    return out


def in_child(*args: Any) -> dict[str, Any]:
    """`_point` in a fresh process (not daemonic: its ingest starts worker processes)."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=context) as pool:
        result: dict[str, Any] = pool.submit(_point, *args).result()
    return result


def growth_exponent(rows: list[float], seconds: list[float]) -> float | None:
    """Least-squares slope of log(seconds) over log(rows)."""
    pts = [
        (math.log(r), math.log(s)) for r, s in zip(rows, seconds, strict=True) if r > 0 and s > 0
    ]
    if len(pts) < 2:
        return None
    mx = sum(x for x, _ in pts) / len(pts)
    my = sum(y for _, y in pts) / len(pts)
    var = sum((x - mx) ** 2 for x, _ in pts)
    if var == 0:
        return None
    return round(sum((x - mx) * (y - my) for x, y in pts) / var, 3)


def point_figures(tag: str, p: dict[str, Any]) -> dict[str, Any]:
    """One build's figures (`_point`'s output with `feed_rows`), each key prefixed `tag_`."""
    rows = p["feed_rows"]
    out = {
        "feed_rows": rows,
        "seconds": p["seconds"],
        "rows_per_second": round(rows / p["seconds"]),
    }
    for key in ("peak_rss_mb", "worker_peak_rss_mb", "person_mentions", "persons",
                "foundation_rows"):  # fmt: skip
        out[key] = p[key]
    for stage in STAGES:
        sec = p.get(f"{stage}_seconds") or 0.0
        out[f"{stage}_seconds"] = sec
        out[f"{stage}_rows_per_second"] = round(rows / sec) if sec else None
    return {f"{tag}_{key}": value for key, value in out.items()}


def growth_figures(points: list[dict[str, Any]]) -> dict[str, Any]:
    """`growth_exponent_total` and `growth_exponent_<stage>` over the builds `points`."""
    rows = [float(p["feed_rows"]) for p in points]
    out = {"growth_exponent_total": growth_exponent(rows, [p["seconds"] for p in points])}
    for stage in STAGES:
        out[f"growth_exponent_{stage}"] = growth_exponent(
            rows, [p.get(f"{stage}_seconds") or 0.0 for p in points]
        )
    return out


def run(scale: float, progress: Progress) -> dict[str, Any]:
    from shibei.config import Settings

    seed = Settings().seed
    figures: dict[str, Any] = {"scale": scale, "machine_cores": multiprocessing.cpu_count()}
    points: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="shibei-bench-scale-") as tmp:
        for fraction in FRACTIONS:
            s = round(scale * fraction, 6)
            step = progress.step(f"规模曲线：{fraction:.0%}（scale {s}）生成并建立数据底座")
            data = Path(tmp) / f"p{s}"
            point = in_child(str(data), s, seed, "duckdb", True)
            point["scale"] = s
            points.append(point)
            progress.log(f"scale {s}: {point}")
            if fraction == FRACTIONS[0] and find_spec("pyspark") is not None:
                step = progress.step(f"同一输入在 Spark 本地模式上建立（scale {s}）")
                spark_data = Path(tmp) / f"spark{s}"
                shutil.copytree(data / "feeds", spark_data / "feeds")
                shutil.copytree(data / "gazetteer", spark_data / "gazetteer")
                spark = in_child(str(spark_data), s, seed, "spark", False)
                for key in (
                    "seconds",
                    "spark_start_seconds",
                    *(f"{x}_seconds" for x in STAGES),
                    "peak_rss_mb",
                ):
                    figures[f"spark_{key}"] = spark.get(key)
                figures["spark_scale"] = s
                figures["duckdb_seconds_same_input"] = point["seconds"]
                figures["spark_vs_duckdb"] = round(spark["seconds"] / point["seconds"], 2)
                shutil.rmtree(spark_data, ignore_errors=True)
            step.advance()
            shutil.rmtree(data, ignore_errors=True)
    for p in points:
        figures |= point_figures(f"s{p['scale']}", p)
    figures |= growth_figures(points)
    figures["peak_rss_mb_max"] = max(p["peak_rss_mb"] for p in points)
    return figures
