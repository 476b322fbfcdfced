"""`shibei bench foundation`: the whole pipeline (ingest → standardize → resolve →
foundation) on a generated district, timed by stage, scored against ground truth.

Figures: `seconds` and per-stage seconds, `peak_rss_mb` (this process),
`ingest_worker_peak_rss_mb` (the largest ingest worker process's peak), `feed_rows`,
`rows_per_second`; `person_precision`, `person_recall`, `person_f1` (pairwise, over the
person mentions whose feed row names a real person in truth), `person_bcubed_f1`;
`house_link_accuracy` (share of person mentions whose truth names a house that carry
exactly that house code); `org_precision`, `org_recall`, `org_f1` (pairwise, over the
organization mentions whose feed row names a real organization in truth; large employers
dominate pairwise figures, so `org_bcubed_f1` too); `person_missed_pairs` (true pairs the
links split) and how many of them nothing in the mentions could have joined
(`person_missed_pairs_without_evidence`, `resolve.evaluation.missed_pairs_without_evidence`).

Both sides are warmed up first, untimed, on a scale-0.002 district (`_warm_up`).
Baseline in the same run: a plain Splink 5 dedupe (`resolve.baseline_splink_dedupe`) of
the same person mentions the build resolved, read back from the lake:
`baseline_splink_seconds`, `baseline_splink_f1` (and its precision and recall), next to
`resolve_seconds` (our whole resolve stage: persons, organizations, golden records, ids)
and `resolve_speedup_vs_baseline`, and `person_linkage_seconds` (what the baseline does:
reading the person mentions and linking them into persons with ids, `person_links`) with
`person_linkage_speedup_vs_baseline`. The baseline is timed from mentions already in
memory; ours from the lake's Parquet files.
"""

from __future__ import annotations

import resource
import tempfile
import time
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from shibei.bootstrap import build
from shibei.config import Settings
from shibei.progress import Progress
from shibei.resolve import baseline_splink_dedupe, evaluate_person_links
from shibei.resolve.evaluation import EVIDENCE_FIELDS, missed_pairs_without_evidence
from shibei.resolve.lake import read_mention_columns
from shibei.resolve.model import PersonMention
from shibei.synth.generate import generate_district
from shibei.synth.truth import read_feed_truth


def run(scale: float, progress: Progress) -> dict[str, Any]:
    seed = Settings().seed
    with tempfile.TemporaryDirectory(prefix="shibei-bench-foundation-") as tmp:
        data_dir = Path(tmp)
        manifest = generate_district(data_dir / "district", scale=scale, seed=seed,
                                     progress=progress)  # fmt: skip
        progress.step("预热：在小区划上建立一次并运行一次基线（不计时）")
        _warm_up(data_dir / "warm-up", seed)
        data_dir = data_dir / "district"
        started = time.perf_counter()
        report = build(Settings(data_dir=data_dir), progress)
        seconds = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        progress.step("对照真值评估")
        truth_person, truth_house = _truth_of_mentions(data_dir, manifest)
        lake = data_dir / "lake"
        links = pq.read_table(lake / "resolve" / "person_links.parquet").to_pylist()
        person_links = [(r["mention_id"], r["person_id"]) for r in links]
        scores = evaluate_person_links(person_links, truth_person)
        evidence_columns = ["mention_id", "name_std", "name_key", "id_number_raw",
                            *EVIDENCE_FIELDS]  # fmt: skip
        missed = missed_pairs_without_evidence(
            pq.read_table(lake / "mentions" / "persons", columns=evidence_columns).to_pylist(),
            truth_person,
            person_links,
        )
        org_links = pq.read_table(lake / "resolve" / "org_links.parquet").to_pylist()
        org_scores = evaluate_person_links(
            [(r["mention_id"], r["org_id"]) for r in org_links], _truth_of_org_mentions(data_dir)
        )
        houses = pq.read_table(
            lake / "mentions" / "persons", columns=["mention_id", "house_code"]
        ).to_pylist()
        progress.step("基线：同一批人员提及上的 Splink 常规去重")
        mentions = read_mention_columns(lake, "persons", PersonMention.from_columns)
        started = time.perf_counter()
        baseline_links = baseline_splink_dedupe(mentions)
        baseline_seconds = time.perf_counter() - started
        baseline = evaluate_person_links(baseline_links, truth_person)
    judged = [h for h in houses if truth_house.get(h["mention_id"])]
    right = sum(1 for h in judged if h["house_code"] == truth_house[h["mention_id"]])
    rows = int(manifest["feed_rows"])
    figures: dict[str, Any] = {
        "scale": scale,
        "feed_rows": rows,
        "seconds": round(seconds, 2),
        "rows_per_second": round(rows / seconds),
        "peak_rss_mb": round(peak_mb, 1),
        "ingest_worker_peak_rss_mb": round(_children_peak_mb(), 1),
        "person_precision": scores["precision"],
        "person_recall": scores["recall"],
        "person_f1": scores["f1"],
        "person_bcubed_f1": scores.get("bcubed_f1"),
        "person_missed_pairs": missed["missed_pairs"],
        "person_missed_pairs_without_evidence": missed["missed_pairs_without_evidence"],
        "person_missed_without_evidence_share": missed["share"],
        "house_link_accuracy": round(right / len(judged), 6) if judged else None,
        "house_links_judged": len(judged),
        "org_precision": org_scores["precision"],
        "org_recall": org_scores["recall"],
        "org_f1": org_scores["f1"],
        "org_bcubed_f1": org_scores["bcubed_f1"],
        "org_mentions_judged": org_scores["mentions"],
        "resolve_seconds": round(report["seconds"]["resolve"], 2),
        "baseline_splink_seconds": round(baseline_seconds, 2),
        "baseline_splink_precision": baseline["precision"],
        "baseline_splink_recall": baseline["recall"],
        "baseline_splink_f1": baseline["f1"],
        "resolve_speedup_vs_baseline": round(baseline_seconds / report["seconds"]["resolve"], 2),
    }
    for stage, stage_seconds in report["resolve"].seconds.items():
        figures[f"resolve_{stage}_seconds"] = stage_seconds
    for part, part_seconds in report["resolve"].link_persons_seconds.items():
        figures[f"link_persons_{part}_seconds"] = part_seconds
    linkage = person_linkage_seconds(report["resolve"].seconds)
    figures["person_linkage_seconds"] = round(linkage, 2)
    figures["person_linkage_speedup_vs_baseline"] = round(baseline_seconds / linkage, 2)
    for stage, stage_seconds in report["seconds"].items():
        figures[f"{stage}_seconds"] = round(stage_seconds, 2)
    return figures


def _children_peak_mb() -> float:
    """The largest peak RSS among this process's finished children: the ingest worker
    processes (0 when ingest ran in this process)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def _warm_up(data_dir: Path, seed: int) -> None:
    """Build a tiny district and run the baseline on its mentions, untimed: a process's
    first Splink model and DuckDB queries cost a fixed ~0.5 s that would otherwise fall on
    whichever side runs first (ours: the build runs before the baseline)."""
    generate_district(data_dir, scale=WARM_UP_SCALE, seed=seed)
    build(Settings(data_dir=data_dir))
    baseline_splink_dedupe(
        read_mention_columns(data_dir / "lake", "persons", PersonMention.from_columns)
    )


WARM_UP_SCALE = 0.002


def person_linkage_seconds(seconds: dict[str, float]) -> float:
    """Our counterpart of the baseline's work in a `ResolveReport`: reading the person
    mentions and linking them (deterministic, probabilistic, rules, ids, links)."""
    return seconds["read_persons"] + seconds["link_persons"]


def _truth_of_mentions(
    data_dir: Path, manifest: dict[str, Any]
) -> tuple[dict[str, str], dict[str, str]]:
    """mention_id → true person id, and → true house code, from truth/<feed>.parquet.

    A mention id is `source:batch:row:role:i`; the i-th person of a row is the truth's
    `person_id` for i = 0 and `other_person_ids[i - 1]` after it. Roles naming someone
    other than the row's subject (e.g. a landlord) are left out."""
    mentions = pq.read_table(
        data_dir / "lake" / "mentions" / "persons", columns=["mention_id", "source", "row"]
    ).to_pylist()
    truth_rows = {
        name: {t["row"]: t for t in read_feed_truth(data_dir, name)} for name in manifest["feeds"]
    }
    persons: dict[str, str] = {}
    houses: dict[str, str] = {}
    for m in mentions:
        t = truth_rows.get(str(m["source"]), {}).get(int(m["row"]))
        if t is None:
            continue
        index = int(str(m["mention_id"]).rsplit(":", 1)[1])
        people = [t["person_id"], *(t["other_person_ids"] or [])]
        if index < len(people) and people[index]:
            persons[str(m["mention_id"])] = str(people[index])
            if index == 0 and t["house_code"]:
                houses[str(m["mention_id"])] = str(t["house_code"])
    return persons, houses


def _truth_of_org_mentions(data_dir: Path) -> dict[str, str]:
    """Organization mention id → true organization id: the `org_id` of the feed row's
    truth (mention ids are `source:batch:row:role:i`; every org mention is its row's)."""
    mentions = pq.read_table(
        data_dir / "lake" / "mentions" / "organizations", columns=["mention_id", "source", "row"]
    ).to_pylist()
    truth_rows: dict[str, dict[int, Any]] = {}
    out: dict[str, str] = {}
    for m in mentions:
        source = str(m["source"])
        if source not in truth_rows:
            path = data_dir / "truth" / f"{source}.parquet"
            truth_rows[source] = (
                {t["row"]: t for t in read_feed_truth(data_dir, source)} if path.exists() else {}
            )
        t = truth_rows[source].get(int(m["row"]))
        if t is not None and t.get("org_id"):
            out[str(m["mention_id"])] = str(t["org_id"])
    return out
