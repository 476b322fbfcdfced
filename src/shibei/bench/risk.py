"""`shibei bench risk`: the fund-raising risk watchlist measured on the planted schemes.

Generates a district (its truth plants about one scheme per 2,000 organizations, at least
eight, plus decoys: synth/risk_schemes.py), runs the pipeline, reads the organizations'
histories from the lake and scores them as of the evaluation day (every scheme still
running). Figures: `precision_at_k` / `recall_at_k` for k = the number of schemes, the
same at 2k, decoys and scheme shells (siblings) in the top k, the watchlist (score ≥
threshold) size and precision, and `median_lead_months`: re-scoring at every month end
with only what was known then, how many months before its collapse each scheme had been
on the watchlist without a break. The baseline, in the same run, is the naive rule
"name or business scope mentions investment, wealth or elderly care" (`baseline_*`).
"""

from __future__ import annotations

import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from shibei.apps.risk.evaluation import (
    lead_months,
    median_lead,
    single_signal_scores,
    top_k,
)
from shibei.apps.risk.model import OrgHistory
from shibei.apps.risk.scoring import score_all
from shibei.apps.risk.signals import WATCH_THRESHOLD
from shibei.bootstrap import build
from shibei.config import Settings
from shibei.progress import Progress
from shibei.store.risk_signals import read_histories
from shibei.synth.generate import generate_district
from shibei.synth.risk_schemes import read_risk_truth

FIRST_MONTH = date(2024, 1, 1)
BASELINE_SIGNAL = "keyword"


def run(scale: float, progress: Progress) -> dict[str, Any]:
    seed = Settings().seed
    with tempfile.TemporaryDirectory(prefix="shibei-bench-risk-") as tmp:
        data_dir = Path(tmp)
        started = time.perf_counter()
        generate_district(data_dir, scale=scale, seed=seed, progress=progress)
        build(Settings(data_dir=data_dir), progress)
        pipeline_seconds = time.perf_counter() - started
        progress.step("读取单位风险信号")
        started = time.perf_counter()
        orgs = read_histories(data_dir / "lake")
        read_seconds = time.perf_counter() - started
        truth = read_risk_truth(data_dir)
    return evaluate(orgs, truth, progress) | {
        "scale": scale,
        "seed": seed,
        "pipeline_seconds": round(pipeline_seconds, 2),
        "read_seconds": round(read_seconds, 2),
    }


def evaluate(orgs: list[OrgHistory], truth: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """The figures, from histories and the planted truth (ids matched by credit code)."""
    by_uscc = {o.uscc: o.org_id for o in orgs if o.uscc}
    collapses = {
        by_uscc[s["uscc"]]: date.fromisoformat(s["collapse_on"])
        for s in truth["schemes"]
        if s["uscc"] in by_uscc
    }
    decoys = {by_uscc[d["uscc"]] for d in truth["decoys"] if d["uscc"] in by_uscc}
    siblings = {by_uscc[u] for s in truth["schemes"] for u in s["sibling_usccs"] if u in by_uscc}
    day = date.fromisoformat(truth["evaluation_day"])
    k = len(truth["schemes"])
    progress.step(f"评分（{day.isoformat()}）")
    started = time.perf_counter()
    scores = score_all(orgs, day)
    score_seconds = time.perf_counter() - started
    ranked = [s.org_id for s in scores]
    at_k, at_2k = top_k(ranked, collapses, k, decoys), top_k(ranked, collapses, 2 * k, decoys)
    watched = [s.org_id for s in scores if s.score >= WATCH_THRESHOLD]
    hits = sum(1 for x in watched if x in collapses)
    progress.step("逐月回溯评分（提前量）")
    started = time.perf_counter()
    leads = lead_months(orgs, collapses, FIRST_MONTH)
    lead_seconds = time.perf_counter() - started
    progress.step("基线：名称/经营范围关键词")
    base = single_signal_scores(orgs, day, BASELINE_SIGNAL)
    base_ranked = [s.org_id for s in base]
    base_k = top_k(base_ranked, collapses, k, decoys)
    flagged = [s.org_id for s in base if s.score > 0]
    base_leads = lead_months(
        orgs,
        collapses,
        FIRST_MONTH,
        threshold=0.1,
        scorer=lambda d: single_signal_scores(orgs, d, BASELINE_SIGNAL),
    )
    base_hits = sum(1 for x in flagged if x in collapses)
    median = median_lead(leads)
    return {
        "organizations": len(orgs),
        "schemes": k,
        "schemes_found_in_lake": len(collapses),
        "decoys": len(decoys),
        "evaluation_day": day.isoformat(),
        "k": k,
        "decoys_in_top_k": at_k.decoys,
        "siblings_in_top_k": sum(1 for x in ranked[:k] if x in siblings),
        "precision_at_2k": round(at_2k.precision, 4),
        "recall_at_2k": round(at_2k.recall, 4),
        "watch_threshold": WATCH_THRESHOLD,
        "watchlist_size": len(watched),
        "watchlist_precision": round(hits / len(watched), 4) if watched else None,
        "watchlist_recall": round(hits / len(collapses), 4) if collapses else None,
        "lead_months_each": sorted(leads.values()),
        "schemes_flagged_before_collapse": sum(1 for v in leads.values() if v > 0),
        "baseline": f"单一信号：{BASELINE_SIGNAL}（名称或经营范围关键词）",
        "baseline_flagged": len(flagged),
        "baseline_precision_at_k": round(base_k.precision, 4),
        "baseline_recall_at_k": round(base_k.recall, 4),
        "baseline_decoys_in_top_k": base_k.decoys,
        "baseline_flagged_precision": round(base_hits / len(flagged), 4) if flagged else None,
        "baseline_flagged_recall": round(base_hits / len(collapses), 4) if collapses else None,
        "baseline_median_lead_months": median_lead(base_leads),
        "score_seconds": round(score_seconds, 3),
        "lead_seconds": round(lead_seconds, 2),
        "precision_at_k": round(at_k.precision, 4),
        "recall_at_k": round(at_k.recall, 4),
        "median_lead_months": median,
    }
