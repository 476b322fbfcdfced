"""Measuring the watchlist against known schemes: precision and recall of the top k, and
how many months before its collapse each scheme was flagged (re-scoring month by month,
each time with only what was known on that day)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import median

from shibei.apps.risk.model import OrgHistory
from shibei.apps.risk.scoring import Contribution, RiskScore, level_of, score_all
from shibei.apps.risk.signals import SIGNAL_BY_KEY, WATCH_THRESHOLD, neighbours


def month_ends(first: date, last: date) -> list[date]:
    """The last day of every month from `first`'s month to `last`'s, inclusive.

    >>> month_ends(date(2024, 11, 5), date(2025, 1, 1))
    [datetime.date(2024, 11, 30), datetime.date(2024, 12, 31), datetime.date(2025, 1, 31)]
    """
    found = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        nxt = date(year + month // 12, month % 12 + 1, 1)
        found.append(nxt - timedelta(days=1))
        year, month = nxt.year, nxt.month
    return found


def months_between(earlier: date, later: date) -> int:
    """Whole calendar months from `earlier`'s month to `later`'s month."""
    return (later.year - earlier.year) * 12 + later.month - earlier.month


@dataclass(frozen=True, slots=True)
class TopK:
    k: int
    precision: float
    recall: float
    hits: int
    decoys: int  # decoys among the top k
    others: tuple[str, ...]  # ids in the top k that are neither a scheme nor a decoy


def top_k(
    ranked: Sequence[str], positives: Iterable[str], k: int, decoys: Iterable[str] = ()
) -> TopK:
    """Precision and recall of the first `k` of `ranked` against `positives`."""
    wanted, fooled = set(positives), set(decoys)
    head = list(ranked[:k])
    hits = sum(1 for x in head if x in wanted)
    return TopK(
        k=k,
        precision=hits / k if k else 0.0,
        recall=hits / len(wanted) if wanted else 0.0,
        hits=hits,
        decoys=sum(1 for x in head if x in fooled),
        others=tuple(x for x in head if x not in wanted and x not in fooled),
    )


Scorer = Callable[[date], list[RiskScore]]


def lead_months(
    orgs: Sequence[OrgHistory],
    collapses: Mapping[str, date],
    first: date,
    *,
    threshold: float = WATCH_THRESHOLD,
    scorer: Scorer | None = None,
) -> dict[str, int]:
    """For each scheme (org id → collapse day): how many months before the collapse it
    had been on the watchlist without a break, scoring at every month end from `first`
    up to the last month end before the collapse. 0: not on the watchlist at that last
    month end (flagged only at or after the collapse, or never)."""
    if not collapses:
        return {}
    score = scorer or (lambda day: score_all(orgs, day))
    days = month_ends(first, max(collapses.values()))
    watched: dict[date, set[str]] = {}
    for day in days:
        if day < max(collapses.values()):
            watched[day] = {s.org_id for s in score(day) if s.score >= threshold}
    leads: dict[str, int] = {}
    for org_id, collapse in collapses.items():
        before = [d for d in days if d < collapse]
        since: date | None = None
        for day in reversed(before):
            if org_id not in watched[day]:
                break
            since = day
        leads[org_id] = months_between(since, collapse) if since else 0
    return leads


def median_lead(leads: Mapping[str, int]) -> float | None:
    return float(median(leads.values())) if leads else None


def single_signal_scores(orgs: Sequence[OrgHistory], day: date, key: str) -> list[RiskScore]:
    """A naive baseline: every organization scored by one signal alone (e.g. `keyword`,
    the rule "name or scope mentions investment or elderly care"), highest first."""
    signal = SIGNAL_BY_KEY[key]
    near = neighbours(orgs, day)
    found = []
    for org in orgs:
        if not org.active_on(day):
            continue
        evidence = signal.rule(org, day, near[org.org_id])
        points = round(signal.weight * evidence.strength, 1)
        part = Contribution(key, signal.label, signal.weight, evidence.strength, points, ())
        level, label = level_of(points)
        found.append(RiskScore(org, day, points, level, label, (part,)))
    found.sort(key=lambda s: (-s.score, s.org_id))
    return found
