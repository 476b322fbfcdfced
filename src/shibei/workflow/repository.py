"""The repository port of the work-order engine, and an in-memory implementation (the
fake for unit tests, and the baseline of `shibei bench workorders`).

Two promises every implementation keeps:
- `create` honours the idempotency key: a second intake with a known key returns the
  order the first one made, and creates nothing (also when both race).
- `save` is optimistic: it writes only when the stored version is `expected_version`,
  else raises `StaleOrder`; of two officers acting on the same version one wins.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from shibei.errors import ShibeiError
from shibei.workflow.model import OrderEvent, WorkOrder
from shibei.workflow.states import OrderState


class StaleOrder(ShibeiError):
    """The order changed since it was read (optimistic locking)."""

    def __init__(self, order_id: str, expected: int, found: int | None) -> None:
        self.order_id, self.expected, self.found = order_id, expected, found
        super().__init__(
            f"工单 {order_id} 已被他人处理（版本 {found}，预期 {expected}），请刷新后重试"
        )


class OrderNotFound(ShibeiError):
    def __init__(self, order_id: str) -> None:
        self.order_id = order_id
        super().__init__(f"工单 {order_id} 不存在")


@dataclass(frozen=True, slots=True)
class OrderQuery:
    """Filters for listing orders; every given filter must hold.

    `within`: code prefixes (as from `shibei.access.within_codes`); an order matches when
    its division code, house code or lead unit starts with one of them. None = no filter,
    () = nothing, ("",) = everything."""

    within: tuple[str, ...] | None = None
    states: tuple[OrderState, ...] = ()
    kinds: tuple[str, ...] = ()
    matter_code: str | None = None
    lead_unit: str | None = None
    handler: str | None = None
    applicant_person_id: str | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None  # exclusive
    due_before: datetime | None = None
    overdue: bool | None = None
    limit: int | None = 100
    offset: int = 0

    def matches(self, o: WorkOrder) -> bool:
        if self.within is not None and not any(
            (o.division_code or "").startswith(p)
            or (o.house_code or "").startswith(p)
            or (o.lead_unit or "").startswith(p)
            for p in self.within
        ):
            return False
        checks = (
            not self.states or o.state in self.states,
            not self.kinds or o.kind in self.kinds,
            self.matter_code is None or o.matter_code == self.matter_code,
            self.lead_unit is None or o.lead_unit == self.lead_unit,
            self.handler is None or o.handler == self.handler,
            self.applicant_person_id is None or o.applicant_person_id == self.applicant_person_id,
            self.created_from is None or o.created_at >= self.created_from,
            self.created_to is None or o.created_at < self.created_to,
            self.due_before is None or (o.due_at is not None and o.due_at < self.due_before),
            self.overdue is None or o.overdue == self.overdue,
        )
        return all(checks)


class WorkOrderRepository(Protocol):
    def next_sequence(self) -> int:
        """A number never handed out before (for readable order numbers; gaps allowed)."""
        ...

    def create(self, order: WorkOrder, event: OrderEvent) -> tuple[WorkOrder, bool]:
        """Store a new order with its intake event; (order, True). When
        `order.idempotency_key` is already known: (the stored order, False)."""
        ...

    def get(self, order_id: str) -> WorkOrder | None: ...

    def get_by_key(self, idempotency_key: str) -> WorkOrder | None: ...

    def save(self, order: WorkOrder, event: OrderEvent, expected_version: int) -> WorkOrder:
        """Replace the order if its stored version is `expected_version` and append the
        event (`order.version == event.seq == expected_version + 1`); else `StaleOrder`."""
        ...

    def query(self, query: OrderQuery) -> list[WorkOrder]:
        """Matching orders, newest first."""
        ...

    def count(self, query: OrderQuery) -> int:
        """How many orders match (ignores limit/offset)."""
        ...

    def count_by_state(self, query: OrderQuery) -> dict[OrderState, int]: ...

    def events(self, order_id: str) -> list[OrderEvent]:
        """The order's events in sequence order."""
        ...


def check_versions(order: WorkOrder, event: OrderEvent, expected_version: int) -> None:
    if not (order.version == event.seq == expected_version + 1):
        raise ValueError("order.version and event.seq must be expected_version + 1")


class InMemoryWorkOrderRepository:
    """`WorkOrderRepository` in a dict, thread-safe (one lock)."""

    def __init__(self) -> None:
        self._orders: dict[str, WorkOrder] = {}
        self._events: dict[str, list[OrderEvent]] = {}
        self._keys: dict[str, str] = {}
        self._lock = threading.Lock()
        self._numbers = itertools.count(1)

    def next_sequence(self) -> int:
        with self._lock:
            return next(self._numbers)

    def create(self, order: WorkOrder, event: OrderEvent) -> tuple[WorkOrder, bool]:
        with self._lock:
            key = order.idempotency_key
            if key is not None and key in self._keys:
                return self._orders[self._keys[key]], False
            if order.id in self._orders:
                raise ValueError(f"工单号重复：{order.id}")
            self._orders[order.id] = order
            self._events[order.id] = [event]
            if key is not None:
                self._keys[key] = order.id
            return order, True

    def get(self, order_id: str) -> WorkOrder | None:
        return self._orders.get(order_id)

    def get_by_key(self, idempotency_key: str) -> WorkOrder | None:
        order_id = self._keys.get(idempotency_key)
        return self._orders.get(order_id) if order_id else None

    def save(self, order: WorkOrder, event: OrderEvent, expected_version: int) -> WorkOrder:
        check_versions(order, event, expected_version)
        with self._lock:
            stored = self._orders.get(order.id)
            if stored is None:
                raise OrderNotFound(order.id)
            if stored.version != expected_version:
                raise StaleOrder(order.id, expected_version, stored.version)
            self._orders[order.id] = order
            self._events[order.id].append(event)
        return order

    def _matching(self, query: OrderQuery) -> list[WorkOrder]:
        with self._lock:
            orders = list(self._orders.values())
        found = [o for o in orders if query.matches(o)]
        found.sort(key=lambda o: (o.created_at, o.id), reverse=True)
        return found

    def query(self, query: OrderQuery) -> list[WorkOrder]:
        found = self._matching(query)[query.offset :]
        return found if query.limit is None else found[: query.limit]

    def count(self, query: OrderQuery) -> int:
        return len(self._matching(query))

    def count_by_state(self, query: OrderQuery) -> dict[OrderState, int]:
        counts: dict[OrderState, int] = {}
        for o in self._matching(query):
            counts[o.state] = counts.get(o.state, 0) + 1
        return counts

    def events(self, order_id: str) -> list[OrderEvent]:
        with self._lock:
            return list(self._events.get(order_id, ()))

    def all_orders(self) -> Sequence[WorkOrder]:
        with self._lock:
            return list(self._orders.values())
