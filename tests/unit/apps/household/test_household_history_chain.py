"""History rows become the orders and event chains the engine itself records."""

from __future__ import annotations

from datetime import datetime

import pytest

from shibei.apps.household.catalogue import load_catalogue
from shibei.apps.household.history import history_chain, load_history
from shibei.apps.household.service import facts_of
from shibei.synth.household_history import HistoryOrder
from shibei.workflow import (
    FixedHolidays,
    InMemoryWorkOrderRepository,
    OrderAction,
    OrderState,
    WorkCalendar,
)

CALENDAR = WorkCalendar(FixedHolidays(holidays=(), workdays=(), years=(2025,)))


def _row(outcome: str, closed: datetime | None, rating: int | None = None) -> HistoryOrder:
    return HistoryOrder(
        "HJ20250303000001", "HZ0504", "370203P01", "nearby", "赵六", "11010519491231002X",
        "13800000000", "3702030050010010012020401", datetime(2025, 3, 3, 9), closed, outcome,
        1, rating,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("outcome", "closed", "rating", "state", "actions"),
    [
        ("registered", datetime(2025, 3, 10, 10), 4, OrderState.RATED,
         ["submit", "accept", "dispatch", "sign", "reply", "close", "rate"]),
        ("registered", datetime(2025, 3, 10, 10), None, OrderState.CLOSED,
         ["submit", "accept", "dispatch", "sign", "reply", "close"]),
        ("open", None, None, OrderState.HANDLING,
         ["submit", "accept", "dispatch", "sign", "handle"]),
        ("refused", None, None, OrderState.REFUSED, ["submit", "refuse"]),
        ("withdrawn", None, None, OrderState.WITHDRAWN, ["submit", "withdraw"]),
    ],
)  # fmt: skip
def test_chain_per_outcome(
    outcome: str,
    closed: datetime | None,
    rating: int | None,
    state: OrderState,
    actions: list[str],
) -> None:
    order, events = history_chain(_row(outcome, closed, rating), load_catalogue(), CALENDAR)
    assert order.state is state
    assert [e.action.value for e in events] == actions
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert order.version == len(events)
    assert order.lead_unit == "370203P01" and order.channel == "nearby"
    assert order.due_at == datetime(2025, 3, 24, 23, 59, 59)  # 15 working days
    assert order.closed_at == closed
    assert order.rating == rating
    facts = facts_of(order)
    assert facts.visits == 1 and facts.cancelled == (outcome in ("refused", "withdrawn"))


def test_load_history_through_the_repository_port_is_idempotent() -> None:
    repo = InMemoryWorkOrderRepository()
    rows = [_row("registered", datetime(2025, 3, 10, 10), 5)]
    assert load_history(repo, rows, load_catalogue(), CALENDAR) == 1
    assert load_history(repo, rows, load_catalogue(), CALENDAR) == 0
    stored = repo.get("HJ20250303000001")
    assert stored is not None and stored.state is OrderState.RATED
    assert repo.events(stored.id)[-1].action is OrderAction.RATE
