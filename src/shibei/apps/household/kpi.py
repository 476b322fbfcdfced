"""Household-service KPIs, computed from the orders, never typed in.

- 一次办结率: closed orders that took at most one visit to a window (online ones take
  none), goal 85%; 即时办结率 alongside (closed the day they were filed);
- 网办就近办率: orders filed online (微警务) or nearby (就近办: at a unit other than
  the responsible one, or a community police office), goal 95%;
- average time from application to registration (closing), in days;
- overdue: closed after the legal deadline, or still open past it;
- satisfaction: rated orders with 4 or 5 stars (满意率) and the average rating.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

ONE_VISIT_GOAL = 0.85
ONLINE_NEARBY_GOAL = 0.95


class Channel(StrEnum):
    ONLINE = "online"  # 微警务 / 网上办
    NEARBY = "nearby"  # 就近办
    WINDOW = "window"  # 窗口办 at the responsible unit

    @property
    def label(self) -> str:
        return {"online": "网上办", "nearby": "就近办", "window": "窗口办"}[self.value]


@dataclass(frozen=True, slots=True)
class OrderFacts:
    """What the KPIs need of one order (from the engine's orders or the history)."""

    order_no: str
    matter_code: str
    unit_code: str  # the station (or brigade) that handles it
    channel: Channel
    submitted_at: datetime
    closed_at: datetime | None  # registration done (办结); None while open
    due_at: datetime | None  # legal deadline; None: no deadline (immediate matters)
    visits: int  # times the applicant came to a window
    rating: int | None  # 1..5
    cancelled: bool = False  # refused / withdrawn / merged: not counted


@dataclass(frozen=True, slots=True)
class Kpi:
    orders: int
    closed: int
    open: int
    one_visit: float | None  # share of closed orders
    immediate: float | None  # share of closed orders closed the day they were filed
    online_or_nearby: float | None  # share of orders
    online: float | None
    average_days: float | None  # application → registration, closed orders
    overdue: int  # closed late or open past the deadline
    overdue_open: int
    rated: int
    satisfaction: float | None  # share of rated orders with 4-5 stars
    average_rating: float | None

    @property
    def one_visit_goal_met(self) -> bool:
        return self.one_visit is not None and self.one_visit >= ONE_VISIT_GOAL

    @property
    def online_goal_met(self) -> bool:
        return self.online_or_nearby is not None and self.online_or_nearby >= ONLINE_NEARBY_GOAL


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def compute_kpi(orders: Iterable[OrderFacts], now: datetime) -> Kpi:
    """The KPIs of `orders` as of `now` (what is overdue depends on the day).

    >>> compute_kpi([], datetime(2025, 1, 1)).orders
    0
    """
    counted = [o for o in orders if not o.cancelled]
    closed = [o for o in counted if o.closed_at is not None]
    open_ = [o for o in counted if o.closed_at is None]
    days = [(o.closed_at - o.submitted_at).total_seconds() / 86400 for o in closed if o.closed_at]
    late_closed = sum(1 for o in closed if o.due_at and o.closed_at and o.closed_at > o.due_at)
    late_open = sum(1 for o in open_ if o.due_at and now > o.due_at)
    ratings = [o.rating for o in counted if o.rating is not None]
    return Kpi(
        orders=len(counted),
        closed=len(closed),
        open=len(open_),
        one_visit=_share(sum(1 for o in closed if o.visits <= 1), len(closed)),
        immediate=_share(
            sum(1 for o in closed if o.closed_at and o.closed_at.date() == o.submitted_at.date()),
            len(closed),
        ),
        online_or_nearby=_share(
            sum(1 for o in counted if o.channel is not Channel.WINDOW), len(counted)
        ),
        online=_share(sum(1 for o in counted if o.channel is Channel.ONLINE), len(counted)),
        average_days=sum(days) / len(days) if days else None,
        overdue=late_closed + late_open,
        overdue_open=late_open,
        rated=len(ratings),
        satisfaction=_share(sum(1 for r in ratings if r >= 4), len(ratings)),
        average_rating=sum(ratings) / len(ratings) if ratings else None,
    )


def kpi_by(
    orders: Iterable[OrderFacts], key: Callable[[OrderFacts], str], now: datetime
) -> dict[str, Kpi]:
    """KPIs per group (per unit: `key=lambda o: o.unit_code`; per month, …)."""
    groups: dict[str, list[OrderFacts]] = {}
    for o in orders:
        groups.setdefault(key(o), []).append(o)
    return {k: compute_kpi(v, now) for k, v in sorted(groups.items())}
