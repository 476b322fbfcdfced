"""`shibei bench incremental [--scale S]`: one day's delta applied to the built lake,
against the full rebuild on the same cumulative data, in the same run.

A district at scale S is split into a base and a daily delta (`daily_delta.split_feeds`:
2% new rows, 0.5% changed, 0.5% deleted). The base is built; then

- **update** (`bootstrap.apply_delta`): ingest only the delta's batches, retract rows in
  place, re-resolve with the fixed model continuing the ids, refresh the foundation;
- **full rebuild** (`bootstrap.rebuild_cumulative`): a fresh lake from the cumulative
  feeds — every row ingested and standardized again — resolved and built.

Figures: seconds of both by stage, `speedup_vs_full_rebuild`, `same_answer` (the two
lakes hold the same rows: clean, mentions, resolve, foundation), and the delta's reach
(`resolve.incremental`: the share of mentions a delta can affect).
"""

from __future__ import annotations

import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from shibei.bench.daily_delta import split_feeds
from shibei.bootstrap import apply_delta, build, rebuild_cumulative
from shibei.config import Settings
from shibei.progress import NullProgress, Progress
from shibei.resolve.incremental import reach_of_new_mentions
from shibei.store.lake_compare import differences
from shibei.synth.generate import generate_district


def run(scale: float, progress: Progress) -> dict[str, Any]:
    seed = Settings().seed
    at = datetime.now(UTC)
    quiet = NullProgress()
    with tempfile.TemporaryDirectory(prefix="shibei-bench-incremental-") as tmp:
        root = Path(tmp)
        progress.step(f"生成参考区（scale {scale}）并切分出一天的增量")
        manifest = generate_district(root / "generated", scale=scale, seed=seed)
        base = root / "updated"
        shutil.copytree(root / "generated" / "gazetteer", base / "gazetteer")
        summary = split_feeds(root / "generated" / "feeds", base / "feeds", root / "delta")
        shutil.rmtree(root / "generated")
        progress.step("建立基线数据底座（全量）")
        started = time.perf_counter()
        build(Settings(data_dir=base), quiet)
        base_seconds = time.perf_counter() - started
        shutil.copytree(base / "lake" / "resolve", root / "previous")
        progress.step("应用一天的增量")
        started = time.perf_counter()
        update = apply_delta(Settings(data_dir=base), root / "delta", quiet, at=at)
        update_seconds = time.perf_counter() - started
        progress.step("累计数据全量重建（对照）")
        full = root / "rebuilt"
        shutil.copytree(base / "gazetteer", full / "gazetteer")
        shutil.copytree(base / "feeds", full / "feeds")
        started = time.perf_counter()
        rebuilt = rebuild_cumulative(
            Settings(data_dir=full), [root / "delta"], root / "previous", quiet, at=at
        )
        rebuild_seconds = time.perf_counter() - started
        progress.step("比较两个数据湖；测量增量的波及范围")
        a, b = base / "lake", full / "lake"
        files = sorted(
            str(p.relative_to(b))
            for zone in ("clean", "mentions", "resolve", "foundation")
            for p in (b / zone).glob("**/*.parquet")
        )
        diffs = differences(a, b, files)
        # the reach of the same delta, measured on a copy of the base before the update
        probe = root / "probe"
        shutil.copytree(full / "gazetteer", probe / "gazetteer")
        shutil.copytree(base / "feeds", probe / "feeds")
        build(Settings(data_dir=probe), quiet)
        from shibei.gazetteer import read_gazetteer
        from shibei.ingest import ingest_feeds

        ingest_feeds(root / "delta", probe / "lake", read_gazetteer(probe / "gazetteer"), quiet)
        mentions, new, reach = reach_of_new_mentions(probe / "lake")
    r = update["resolve"]
    figures: dict[str, Any] = {
        "scale": scale,
        "feed_rows": int(manifest["feed_rows"]),
        "delta_new_rows": summary.new_rows,
        "delta_changed_rows": summary.changed_rows,
        "delta_deleted_rows": summary.deleted_rows,
        "base_build_seconds": round(base_seconds, 2),
        "update_seconds": round(update_seconds, 2),
        "full_rebuild_seconds": round(rebuild_seconds, 2),
        "speedup_vs_full_rebuild": round(rebuild_seconds / update_seconds, 2),
        "same_answer": not diffs,
        "differences": len(diffs),
        "update_rows_ingested": update["ingest"].rows_in,
        "rows_retracted": update["retracted"],
        "persons": r.persons,
        "scored_pairs": r.scored_pairs,
        "merges": r.merges,
        "splits": r.splits,
        "person_mentions": mentions,
        "new_mentions": new,
        "reach_mentions": reach,
        "reach_share": round(reach / max(1, mentions), 4),
    }
    for stage, seconds in update["seconds"].items():
        figures[f"update_{stage}_seconds"] = round(seconds, 2)
    for stage, seconds in rebuilt["seconds"].items():
        figures[f"full_rebuild_{stage}_seconds"] = round(seconds, 2)
    return figures
