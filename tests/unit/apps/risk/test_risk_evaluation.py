"""Measuring the watchlist: top-k precision and recall, lead months."""

from __future__ import annotations

from datetime import date

import pytest

from shibei.apps.risk import lead_months, median_lead, month_ends, top_k
from shibei.apps.risk.evaluation import months_between, single_signal_scores
from shibei.apps.risk.scoring import RiskScore

from .factories import plain, scheme


def test_month_ends_span_whole_months() -> None:
    assert month_ends(date(2024, 11, 5), date(2025, 2, 1)) == [
        date(2024, 11, 30),
        date(2024, 12, 31),
        date(2025, 1, 31),
        date(2025, 2, 28),
    ]
    assert months_between(date(2024, 11, 30), date(2025, 2, 3)) == 3


def test_top_k_precision_recall_and_decoys() -> None:
    found = top_k(["a", "d", "x", "b"], positives={"a", "b"}, k=2, decoys={"d"})
    assert (found.precision, found.recall, found.hits, found.decoys) == (0.5, 0.5, 1, 1)
    assert top_k(["a", "d", "x", "b"], {"a", "b"}, 4).recall == 1.0


def _scorer(watched_from: dict[str, date]):  # type: ignore[no-untyped-def]
    org = plain()

    def score(day: date) -> list[RiskScore]:
        return [
            RiskScore(org.__class__(org_id=k, name=k), day, 50.0, "medium", "中风险", ())
            for k, since in watched_from.items()
            if day >= since
        ]

    return score


def test_lead_counts_months_on_the_watchlist_without_a_break_before_collapse() -> None:
    collapses = {"S1": date(2025, 9, 10), "S2": date(2025, 9, 10), "S3": date(2025, 9, 10)}
    scorer = _scorer({"S1": date(2025, 5, 31), "S2": date(2025, 9, 30)})
    leads = lead_months([], collapses, date(2025, 1, 1), scorer=scorer)
    assert leads == {"S1": 4, "S2": 0, "S3": 0}  # May→Sep; flagged only after; never
    assert median_lead(leads) == 0.0


def test_baseline_scores_by_one_signal_only() -> None:
    scores = single_signal_scores([plain("O1"), scheme("O9")], date(2025, 7, 31), "keyword")
    assert [s.org_id for s in scores] == ["O9", "O1"]
    assert scores[0].score == pytest.approx(12.0)
    assert len(scores[0].contributions) == 1
