"""The explainable score: every signal's contribution (weight × strength, with its
evidence), their sum, a level, and the feedback of verification outcomes.

>>> score = score_all(orgs, date(2025, 7, 31))[0]  # doctest: +SKIP
>>> score.score == round(sum(c.points for c in score.contributions), 1)  # doctest: +SKIP
True
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from shibei.apps.risk.model import OrgHistory, Outcome, Verification
from shibei.apps.risk.signals import (
    LEVELS,
    SIGNALS,
    WATCH_THRESHOLD,
    Neighbours,
    neighbours,
)

CONFIRMED_POINTS = 30.0
"""A verification that confirms the risk adds this much (key `verification`)."""
CLEARED_FOR_DAYS = 365
"""A cleared verification explains away, for a year, what was known when it was made."""


@dataclass(frozen=True, slots=True)
class Contribution:
    key: str
    label: str
    weight: float
    strength: float
    points: float  # weight × strength, rounded to 0.1; negative for a cleared verification
    facts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RiskScore:
    """One organization's score on `day`; `score` is the sum of the contributions."""

    org: OrgHistory
    day: date
    score: float
    level: str  # high | medium | low
    level_label: str  # 高风险 | 中风险 | 低风险
    contributions: tuple[Contribution, ...]
    verification: Verification | None = None

    @property
    def org_id(self) -> str:
        return self.org.org_id

    @property
    def watched(self) -> bool:
        return self.score >= WATCH_THRESHOLD

    def active(self) -> list[Contribution]:
        """The contributions that moved the score, largest first."""
        found = [c for c in self.contributions if c.points != 0]
        return sorted(found, key=lambda c: -abs(c.points))


def level_of(score: float) -> tuple[str, str]:
    for key, label, threshold in LEVELS:
        if score >= threshold:
            return key, label
    return "low", "低风险"


def _signal_contributions(org: OrgHistory, day: date, near: Neighbours) -> list[Contribution]:
    found = []
    for signal in SIGNALS:
        evidence = signal.rule(org, day, near)
        points = round(signal.weight * evidence.strength, 1)
        found.append(
            Contribution(
                signal.key, signal.label, signal.weight, evidence.strength, points, evidence.facts
            )
        )
    return found


def _latest(verifications: Iterable[Verification], org_id: str, day: date) -> Verification | None:
    mine = [v for v in verifications if v.org_id == org_id and v.day <= day]
    return max(mine, key=lambda v: (v.day, v.order_number)) if mine else None


def _neighbours_of(org: OrgHistory, orgs: Sequence[OrgHistory], day: date) -> Neighbours:
    house, rep = org.house_on(day), org.legal_rep_on(day)
    others = [o for o in orgs if o.org_id != org.org_id and o.exists_on(day)]
    return Neighbours(
        tuple(o for o in others if house and o.house_on(day) == house),
        tuple(o for o in others if rep and o.legal_rep_on(day) == rep),
    )


def _feedback(
    v: Verification,
    org: OrgHistory,
    orgs: Sequence[OrgHistory],
    day: date,
    now: list[Contribution],
) -> Contribution | None:
    ref = f"工单 {v.order_number}，" if v.order_number else ""
    if v.outcome is Outcome.CONFIRMED:
        fact = f"{ref}{v.day.isoformat()} 网格员核查属实" + (f"：{v.note}" if v.note else "")
        return Contribution(
            "verification", "网格员核查属实", CONFIRMED_POINTS, 1.0, CONFIRMED_POINTS, (fact,)
        )
    if day - v.day > timedelta(days=CLEARED_FOR_DAYS):
        return None
    then = {
        c.key: c.points for c in _signal_contributions(org, v.day, _neighbours_of(org, orgs, v.day))
    }
    offset = -round(sum(min(c.points, then.get(c.key, 0.0)) for c in now), 1)
    fact = f"{ref}{v.day.isoformat()} 网格员核查排除，核查时已知的信号一年内不再计分"
    note = (f"核查说明：{v.note}",) if v.note else ()
    return Contribution("verification", "网格员核查排除", 0.0, 0.0, offset, (fact, *note))


def score_org(
    org: OrgHistory,
    day: date,
    near: Neighbours,
    *,
    orgs: Sequence[OrgHistory] = (),
    verifications: Iterable[Verification] = (),
) -> RiskScore:
    """Score one organization on `day` (`near` from `signals.neighbours`; `orgs`, all
    organizations, only matter for a cleared verification)."""
    contributions = _signal_contributions(org, day, near)
    verification = _latest(verifications, org.org_id, day)
    if verification is not None:
        extra = _feedback(verification, org, orgs, day, contributions)
        if extra is not None:
            contributions.append(extra)
    score = round(sum(c.points for c in contributions), 1)
    level, label = level_of(score)
    return RiskScore(org, day, score, level, label, tuple(contributions), verification)


def score_all(
    orgs: Sequence[OrgHistory], day: date, verifications: Iterable[Verification] = ()
) -> list[RiskScore]:
    """Every organization in business on `day`, highest score first (ties by id)."""
    near = neighbours(orgs, day)
    outcomes = list(verifications)
    scores = [
        score_org(o, day, near[o.org_id], orgs=orgs, verifications=outcomes)
        for o in orgs
        if o.active_on(day)
    ]
    scores.sort(key=lambda s: (-s.score, s.org_id))
    return scores


def watchlist(scores: Iterable[RiskScore], threshold: float = WATCH_THRESHOLD) -> list[RiskScore]:
    """Scores at or above the threshold, highest first."""
    return sorted((s for s in scores if s.score >= threshold), key=lambda s: (-s.score, s.org_id))
