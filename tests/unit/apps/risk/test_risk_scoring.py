"""The score is the sum of its explained contributions; verification outcomes feed back."""

from __future__ import annotations

from datetime import date

import pytest

from shibei.apps.risk import Outcome, Verification, score_all, watchlist
from shibei.apps.risk.scoring import CONFIRMED_POINTS, level_of
from shibei.apps.risk.signals import SIGNALS

from .factories import DAY, plain, scheme


def _all() -> list:  # type: ignore[type-arg]
    return [scheme("O9"), plain("O1"), plain("O2", scope="养老服务"), plain("O3", capital_10k=9e3)]


def test_contributions_sum_to_the_score_for_every_organization() -> None:
    scores = score_all(_all(), DAY)
    assert len(scores) == 4
    for s in scores:
        assert [c.key for c in s.contributions] == [sig.key for sig in SIGNALS]
        assert s.score == pytest.approx(round(sum(c.points for c in s.contributions), 1))
        for c in s.contributions:
            assert c.points == round(c.weight * c.strength, 1)
            assert (c.points > 0) == bool(c.facts)


def test_scheme_ranks_first_and_is_watched_plain_company_scores_zero() -> None:
    scores = score_all(_all(), DAY)
    assert scores[0].org_id == "O9"
    assert scores[0].watched and scores[0].level == "high"
    plain_score = next(s for s in scores if s.org_id == "O1")
    assert plain_score.score == 0.0 and plain_score.level == "low"
    assert [s.org_id for s in watchlist(scores)] == ["O9"]


def test_levels_by_threshold() -> None:
    assert level_of(60.0) == ("high", "高风险")
    assert level_of(40.0) == ("medium", "中风险")
    assert level_of(39.9) == ("low", "低风险")


def test_organizations_not_yet_founded_or_deregistered_are_not_scored() -> None:
    young = plain("O5", established_on=date(2025, 8, 1))
    assert [s.org_id for s in score_all([young], DAY)] == []


def test_confirmed_verification_adds_points_with_the_order_as_evidence() -> None:
    v = Verification(
        "O9", date(2025, 7, 1), Outcome.CONFIRMED, "FX2025070100001", "现场有人推销理财"
    )
    before = score_all(_all(), DAY)[0]
    after = score_all(_all(), DAY, [v])[0]
    extra = after.contributions[-1]
    assert extra.key == "verification" and extra.points == CONFIRMED_POINTS
    assert "FX2025070100001" in extra.facts[0]
    assert after.score == pytest.approx(before.score + CONFIRMED_POINTS)
    assert after.score == pytest.approx(sum(c.points for c in after.contributions))


def test_cleared_verification_explains_away_what_was_known_then() -> None:
    v = Verification("O9", DAY, Outcome.CLEARED, "FX1")
    after = score_all(_all(), DAY, [v])
    cleared = next(s for s in after if s.org_id == "O9")
    assert cleared.score == 0.0
    assert cleared.contributions[-1].points < 0
    assert cleared.score == pytest.approx(round(sum(c.points for c in cleared.contributions), 1))


def test_signals_arising_after_a_clearance_still_count() -> None:
    v = Verification("O9", date(2025, 2, 1), Outcome.CLEARED, "FX1")
    later = score_all(_all(), DAY, [v])
    org = next(s for s in later if s.org_id == "O9")
    # arrears, complaints, the hiring spike… came after February: they still count
    assert org.score > 20
    assert org.score == pytest.approx(round(sum(c.points for c in org.contributions), 1))


def test_outcome_after_the_scoring_day_is_ignored() -> None:
    v = Verification("O9", date(2025, 8, 15), Outcome.CONFIRMED, "FX1")
    assert score_all(_all(), DAY, [v])[0].verification is None
