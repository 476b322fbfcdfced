"""Bulk import of the household-service history into the work-order tables (the rows
`SqlWorkOrderRepository` reads): the orders and event chains of
`shibei.apps.household.history.history_chain`, written in a few large transactions.

Going through the repository port (one transaction per event) takes ~40 ms an order on
SQLite; a district's two years are tens of thousands of orders, so the demo loads them
here. Orders already present (by number) are skipped: importing twice adds nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import islice
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, select

from shibei.apps.household.catalogue import Catalogue, load_catalogue
from shibei.apps.household.history import history_chain
from shibei.store.sql_schema import workorder_events, workorders
from shibei.store.workorders import _event_values, _row_values
from shibei.synth.household_history import HistoryOrder, read_household_history
from shibei.workflow import WorkCalendar

BATCH = 2000


def import_history(
    engine: Engine,
    rows: Iterable[HistoryOrder],
    catalogue: Catalogue,
    calendar: WorkCalendar,
    on_batch: Callable[[int], None] | None = None,
) -> int:
    """Insert the orders not yet present with all their events; returns how many."""
    with engine.connect() as c:
        known = set(
            c.execute(select(workorders.c.id).where(workorders.c.kind == "household")).scalars()
        )
    added = 0
    iterator = iter(rows)
    while batch := list(islice(iterator, BATCH)):
        orders: list[dict[str, Any]] = []
        events: list[dict[str, Any]] = []
        for row in batch:
            if row.order_no in known:
                continue
            order, chain = history_chain(row, catalogue, calendar)
            orders.append(_row_values(order))
            events.extend(_event_values(e) for e in chain)
        if orders:
            with engine.begin() as c:
                c.execute(insert(workorders), orders)
                c.execute(insert(workorder_events), events)
        added += len(orders)
        if on_batch is not None:
            on_batch(len(batch))
    return added


def import_history_file(
    engine: Engine,
    path: Path,
    catalogue: Catalogue | None = None,
    calendar: WorkCalendar | None = None,
    on_batch: Callable[[int], None] | None = None,
) -> int:
    """`import_history` of a `household_orders.jsonl` written by `shibei generate` (the
    packaged catalogue and the Chinese working-day calendar by default)."""
    rows = read_household_history(path)
    return import_history(
        engine, rows, catalogue or load_catalogue(), calendar or WorkCalendar(), on_batch
    )
