"""The synthetic household-service history as work orders of the engine: each
`HistoryOrder` becomes the order and the event chain the engine itself would have
recorded (受理 → 派单 → 签收 → 答复 → 办结 → 评价, or 不予受理 / 撤回, or still in
handling), with the catalogue's deadlines on the working-day calendar.

`load_history` writes them through the `WorkOrderRepository` port; orders already in the
repository are skipped, so loading twice adds nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timedelta

from shibei.apps.household.catalogue import Catalogue
from shibei.synth.household_history import HistoryOrder
from shibei.workflow import (
    EventActor,
    OrderAction,
    OrderEvent,
    OrderState,
    Visibility,
    WorkCalendar,
    WorkOrder,
    WorkOrderRepository,
    apply_action,
)

KIND = "household"
A = OrderAction


def policy_days(time_limit_days: int) -> int:
    """Working days the engine's clock allows: the legal limit; immediate matters get
    the rest of the next working day for online applications (the window closes them on
    the spot)."""
    return max(time_limit_days, 1)


def history_chain(
    row: HistoryOrder, catalogue: Catalogue, calendar: WorkCalendar
) -> tuple[WorkOrder, list[OrderEvent]]:
    """The order as it stands at the end of the history, and all its events."""
    matter = catalogue.matter(row.matter_code)
    unit = EventActor(f"{row.unit_code}-window", "station_police", row.unit_code)
    applicant = EventActor("applicant", "resident", "")
    at = row.submitted_at
    due = calendar.deadline(at, policy_days(matter.time_limit_days))
    order = WorkOrder(
        id=row.order_no,
        kind=KIND,
        matter_code=row.matter_code,
        title=matter.name,
        state=OrderState.SUBMITTED,
        created_at=at,
        updated_at=at,
        applicant_name=row.applicant_name,
        applicant_phone=row.applicant_phone,
        house_code=row.house_code,
        division_code=(row.house_code or "")[:15],
        channel=row.channel,
        lead_unit=row.unit_code,
        due_at=due,
        payload={
            "form": {"applicant_name": row.applicant_name, "id_number": row.applicant_id_number},
            "visits": row.visits,
            "source": "history",
        },
    )
    first = OrderEvent(
        row.order_no,
        1,
        A.SUBMIT,
        None,
        OrderState.SUBMITTED,
        applicant if row.channel == "online" else unit,
        at,
        "",
        Visibility.APPLICANT,
        {"channel": row.channel, "due_at": due.isoformat()},
    )
    events = [first]

    def step(action: OrderAction, when: datetime, who: EventActor = unit, **args: object) -> None:
        nonlocal order
        note = str(args.pop("note", ""))
        order, event = apply_action(
            order, action, who, when, calendar, note=note, visibility=Visibility.APPLICANT,
            args=args,
        )  # fmt: skip
        events.append(event)

    if row.outcome == "withdrawn":
        step(A.WITHDRAW, at + timedelta(hours=2), applicant, note="申请人撤回")
        return order, events
    if row.outcome == "refused":
        step(A.REFUSE, at + timedelta(hours=3), note="材料不全，不予受理，请补齐后重新申请")
        return order, events
    end = row.closed_at or at + timedelta(hours=1)
    mark = _marks(at, end)
    step(A.ACCEPT, mark(1))
    step(A.DISPATCH, mark(2), lead_unit=row.unit_code)
    step(A.SIGN, mark(3))
    if row.closed_at is None:
        step(A.HANDLE, mark(4))
        return order, events
    step(A.REPLY, row.closed_at - timedelta(seconds=2), reply=f"{matter.name}已办理完毕")
    step(A.CLOSE, row.closed_at)
    if row.rating is not None:
        step(A.RATE, row.closed_at + timedelta(hours=2), applicant, rating=row.rating)
    return order, events


def _marks(start: datetime, end: datetime) -> Callable[[int], datetime]:
    """Evenly spaced moments between application and registration."""
    span = max((end - start).total_seconds() - 5, 4)
    return lambda i: start + timedelta(seconds=span * i / 5)


def load_history(
    repo: WorkOrderRepository,
    rows: Iterable[HistoryOrder],
    catalogue: Catalogue,
    calendar: WorkCalendar,
    on_order: Callable[[], None] | None = None,
) -> int:
    """Write the orders with their events; returns how many were new."""
    added = 0
    for order, events in _chains(rows, catalogue, calendar):
        if repo.get(order.id) is not None:
            continue
        first = events[0]
        _, created = repo.create(_at_version(order, first, events), first)
        if created:
            for event in events[1:]:
                repo.save(_at_version(order, event, events), event, event.seq - 1)
            added += 1
        if on_order is not None:
            on_order()
    return added


def _chains(
    rows: Iterable[HistoryOrder], catalogue: Catalogue, calendar: WorkCalendar
) -> Iterator[tuple[WorkOrder, list[OrderEvent]]]:
    for row in rows:
        yield history_chain(row, catalogue, calendar)


def _at_version(final: WorkOrder, event: OrderEvent, events: list[OrderEvent]) -> WorkOrder:
    """The order as the repository stores it after `event`: the final order for the last
    event; for earlier ones its state and version at that point (intermediate fields are
    not replayed — only the last write is kept)."""
    if event.seq == len(events):
        return final
    return final.evolve(state=event.to_state, version=event.seq, updated_at=event.at)
