"""`shibei bench resolve`: accuracy and time of person resolution against a plain Splink
dedupe (`shibei.resolve.baseline_splink_dedupe`) on the same mentions.

Mentions come from the generated feeds that name persons with ID, phone and address
(`resolve_mentions.PERSON_FEEDS`); truth maps each mention to its real person. Figures:
pairwise precision/recall/F1 and B-cubed F1 for ours and the baseline, seconds end to end
(ours: `resolve()` reading mentions and writing lake/resolve, golden records included;
baseline: training + predict + clustering), and the speed-up. Both are warmed up first
on the same small sample, untimed (`WARM_UP` mentions): the first Splink model and DuckDB
queries of a process cost a fixed ~0.5 s that would otherwise fall on whichever side
runs first; `person_linkage_seconds` is ours without golden records, conflicts,
explanations and writing (`bench.foundation.person_linkage_seconds`).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from shibei.progress import NullProgress, Progress

WARM_UP = 2000
"""About how many mentions both sides run on once, untimed, before the measured runs."""


def run(scale: float, progress: Progress) -> dict[str, Any]:
    # both sides are timed with the engines and Arrow already imported
    import duckdb  # noqa: F401
    import pyarrow.dataset
    import pyarrow.parquet  # noqa: F401
    import splink  # noqa: F401

    from shibei.bench.foundation import person_linkage_seconds
    from shibei.bench.resolve_mentions import person_mentions, write_person_mentions
    from shibei.config import Settings
    from shibei.resolve import baseline_splink_dedupe, evaluate_person_links, resolve
    from shibei.resolve.lake import read_table

    data_dir = _data_dir(scale, Settings().seed, progress)
    progress.step("由部门数据生成人员提及")
    mentions, truth = person_mentions(data_dir)
    figures: dict[str, Any] = {"scale": scale, "mentions": len(mentions)}
    with tempfile.TemporaryDirectory(prefix="shibei-bench-resolve-") as tmp:
        progress.step("预热：两边先在同一小样本上各运行一次（不计时）")
        sample = _warm_up_sample(mentions, truth)
        write_person_mentions(sample, Path(tmp) / "warm-up")
        resolve(Path(tmp) / "warm-up", NullProgress())
        baseline_splink_dedupe(sample)
        lake = Path(tmp) / "lake"
        write_person_mentions(mentions, lake)
        progress.step("本项目：确定性 + 概率关联")
        started = time.perf_counter()
        report = resolve(lake, NullProgress())
        ours_seconds = time.perf_counter() - started
        links = [(r["mention_id"], r["person_id"]) for r in
                 read_table(lake / "resolve" / "person_links.parquet")]  # fmt: skip
    ours = evaluate_person_links(links, truth)
    progress.step("基线：Splink 常规去重")
    started = time.perf_counter()
    baseline_links = baseline_splink_dedupe(mentions)
    baseline_seconds = time.perf_counter() - started
    baseline = evaluate_person_links(baseline_links, truth)
    figures |= {
        "true_persons": ours["true_persons"],
        "persons": report.persons,
        "scored_pairs": report.scored_pairs,
        "seconds": round(ours_seconds, 2),
        "baseline_seconds": round(baseline_seconds, 2),
        "speedup_vs_baseline": round(baseline_seconds / ours_seconds, 1),
        "person_linkage_seconds": round(person_linkage_seconds(report.seconds), 2),
        "person_linkage_speedup_vs_baseline": round(
            baseline_seconds / person_linkage_seconds(report.seconds), 1
        ),
    }
    for key in ("precision", "recall", "f1", "bcubed_f1", "exact_cluster_share"):
        figures[key] = ours[key]
        figures[f"baseline_{key}"] = baseline[key]
    return figures


def _warm_up_sample(mentions: list[Any], truth: dict[str, str]) -> list[Any]:
    """The mentions of every k-th true person, about `WARM_UP` of them: whole persons, so
    the baseline's training finds pairs sharing an ID number."""
    persons = sorted(set(truth.values()))
    step = max(1, len(mentions) // WARM_UP)
    chosen = set(persons[::step])
    return [m for m in mentions if truth.get(m.mention_id) in chosen]


def _data_dir(scale: float, seed: int, progress: Progress) -> Path:
    from shibei.synth.generate import generate_district

    directory = Path(tempfile.gettempdir()) / f"shibei-bench-resolve-{scale}-{seed}"
    if not (directory / "feeds" / "manifest.json").exists():
        progress.log(f"生成参考辖区数据 {directory}")
        generate_district(directory, scale=scale, seed=seed, progress=progress)
    return directory


def train_model(scale: float = 0.01, out: Path | None = None) -> Path:
    """Retrain the shipped person model on a generated district (`python -m
    shibei.bench.resolve`): u by random sampling, m from the deterministic stage's labels."""
    import json

    from shibei.bench.resolve_mentions import person_mentions
    from shibei.config import Settings
    from shibei.resolve.model import records_from_arrow
    from shibei.resolve.persons import connect_mentions, identity_records
    from shibei.resolve.splink_linker import train_person_model

    mentions, _ = person_mentions(_data_dir(scale, Settings().seed, NullProgress()))
    con = connect_mentions(mentions)
    try:
        records = identity_records(con)
        labels = [label for (label,) in con.execute("SELECT label FROM rg ORDER BY rec").fetchall()]
    finally:
        con.close()
    model = train_person_model(records_from_arrow(records), labels)
    model["trained_on"] = f"reference district, scale {scale}, seed {Settings().seed}"
    path = out or Path(__file__).parents[1] / "resolve" / "models" / "person_v1.json"
    path.write_text(json.dumps(model, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


if __name__ == "__main__":
    print(train_model())
