"""KPIs computed from orders."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from shibei.apps.household.kpi import Channel, OrderFacts, compute_kpi, kpi_by

T0 = datetime(2025, 3, 3, 9, 0)


def _order(
    n: int,
    unit: str = "370203P01",
    channel: Channel = Channel.ONLINE,
    closed_after: timedelta | None = timedelta(minutes=30),
    due_after: timedelta | None = timedelta(days=3),
    visits: int = 0,
    rating: int | None = None,
    cancelled: bool = False,
) -> OrderFacts:
    return OrderFacts(
        f"HJ{n}",
        "HZ0504",
        unit,
        channel,
        T0,
        T0 + closed_after if closed_after is not None else None,
        T0 + due_after if due_after is not None else None,
        visits,
        rating,
        cancelled,
    )


def test_shares_averages_and_overdue() -> None:
    orders = [
        _order(1, rating=5),
        _order(2, channel=Channel.NEARBY, visits=1, rating=4),
        _order(3, channel=Channel.WINDOW, visits=2, closed_after=timedelta(days=4), rating=2),
        _order(4, closed_after=None),  # open, due in 3 days
        _order(5, closed_after=None, due_after=timedelta(hours=1)),  # open and overdue
        _order(6, cancelled=True, channel=Channel.WINDOW),  # not counted
    ]
    kpi = compute_kpi(orders, now=T0 + timedelta(days=1))
    assert (kpi.orders, kpi.closed, kpi.open) == (5, 3, 2)
    assert kpi.one_visit == pytest.approx(2 / 3)
    assert kpi.immediate == pytest.approx(2 / 3)
    assert kpi.online_or_nearby == pytest.approx(4 / 5)
    assert kpi.online == pytest.approx(3 / 5)
    assert kpi.average_days == pytest.approx((2 * 30 / 1440 + 4) / 3)
    assert (kpi.overdue, kpi.overdue_open) == (2, 1)  # order 3 closed late, order 5 open
    assert kpi.rated == 3
    assert kpi.satisfaction == pytest.approx(2 / 3)
    assert kpi.average_rating == pytest.approx(11 / 3)
    assert not kpi.one_visit_goal_met and not kpi.online_goal_met


def test_goals_met_and_empty_input() -> None:
    good = compute_kpi([_order(i) for i in range(20)], now=T0)
    assert good.one_visit_goal_met and good.online_goal_met
    empty = compute_kpi([], now=T0)
    assert empty.one_visit is None and empty.satisfaction is None and empty.orders == 0


def test_kpi_per_unit() -> None:
    orders = [_order(1, unit="370203P02"), _order(2), _order(3, channel=Channel.WINDOW)]
    per_unit = kpi_by(orders, lambda o: o.unit_code, now=T0)
    assert list(per_unit) == ["370203P01", "370203P02"]
    assert per_unit["370203P01"].online_or_nearby == pytest.approx(0.5)
    assert per_unit["370203P02"].orders == 1
