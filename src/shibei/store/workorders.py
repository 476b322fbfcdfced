"""`SqlWorkOrderRepository`: the work-order repository on SQLAlchemy 2 Core, for a SQLite
file or PostgreSQL (the operational store's engine; schema by the Alembic migration
0003_workorders).

Optimistic locking is one statement: ``UPDATE workorders … WHERE id = :id AND version =
:expected``; no row updated means someone else moved the order first (`StaleOrder`).
Idempotent intake rests on the unique `idempotency_key`: the losing insert of a race
hits the constraint, rolls back, and returns the winner's order.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ColumnElement,
    Engine,
    Select,
    and_,
    bindparam,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError

from shibei.store.sql_schema import workorder_events, workorder_numbers, workorders
from shibei.store.sql_store import SqlStore
from shibei.workflow.model import EventActor, OrderEvent, Visibility, WorkOrder
from shibei.workflow.repository import OrderNotFound, OrderQuery, StaleOrder, check_versions
from shibei.workflow.states import OrderAction, OrderState

_W = workorders.c
_E = workorder_events.c
# Statements built once, values bound at execution (cached compilation, no per-call
# construction of 35 bind parameters).
_INSERT_ORDER = insert(workorders)
_INSERT_EVENT = insert(workorder_events)
_UPDATE_ORDER = update(workorders).where(
    and_(_W.id == bindparam("_id"), _W.version == bindparam("_expected"))
)


def _row_values(order: WorkOrder) -> dict[str, Any]:
    return {
        "id": order.id,
        "kind": order.kind,
        "matter_code": order.matter_code,
        "title": order.title,
        "state": order.state.value,
        "version": order.version,
        "created_at": order.created_at,
        "updated_at": order.updated_at,
        "applicant_name": order.applicant_name,
        "applicant_phone": order.applicant_phone,
        "applicant_person_id": order.applicant_person_id,
        "house_code": order.house_code,
        "division_code": order.division_code,
        "channel": order.channel,
        "lead_unit": order.lead_unit,
        "assist_units": list(order.assist_units),
        "handler": order.handler,
        "consulting": list(order.consulting),
        "idempotency_key": order.idempotency_key,
        "due_at": order.due_at,
        "paused_at": order.paused_at,
        "resume_to": order.resume_to.value if order.resume_to else None,
        "requested_days": order.requested_days,
        "extensions": order.extensions,
        "overdue": order.overdue,
        "escalation": order.escalation,
        "supervisor_unit": order.supervisor_unit,
        "reply": order.reply,
        "rating": order.rating,
        "merged_into": order.merged_into,
        "replied_at": order.replied_at,
        "closed_at": order.closed_at,
        "payload": order.payload,
        "attachments": list(order.attachments),
        "flags": sorted(order.flags),
    }


def _order(row: Row[Any]) -> WorkOrder:
    m = dict(row._mapping)
    m["state"] = OrderState(m["state"])
    m["resume_to"] = OrderState(m["resume_to"]) if m["resume_to"] else None
    m["assist_units"] = tuple(m["assist_units"])
    m["consulting"] = tuple(m["consulting"])
    m["attachments"] = tuple(m["attachments"])
    m["flags"] = frozenset(m["flags"])
    m["overdue"] = bool(m["overdue"])
    return WorkOrder(**m)


def _event_values(event: OrderEvent) -> dict[str, Any]:
    return {
        "order_id": event.order_id,
        "seq": event.seq,
        "action": event.action.value,
        "from_state": event.from_state.value if event.from_state else None,
        "to_state": event.to_state.value,
        "actor_username": event.actor.username,
        "actor_role": event.actor.role,
        "actor_unit": event.actor.unit_code,
        "at": event.at,
        "note": event.note,
        "visibility": event.visibility.value,
        "data": event.data,
    }


def _event(row: Row[Any]) -> OrderEvent:
    m = row._mapping
    return OrderEvent(
        m["order_id"],
        m["seq"],
        OrderAction(m["action"]),
        OrderState(m["from_state"]) if m["from_state"] else None,
        OrderState(m["to_state"]),
        EventActor(m["actor_username"], m["actor_role"], m["actor_unit"]),
        m["at"],
        m["note"],
        Visibility(m["visibility"]),
        dict(m["data"]),
    )


def _conditions(query: OrderQuery) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if query.within is not None and "" not in query.within:
        if not query.within:
            found.append(_W.id.is_(None))  # nothing matches
        else:
            found.append(
                or_(
                    *(
                        or_(
                            _W.division_code.startswith(p, autoescape=True),
                            _W.house_code.startswith(p, autoescape=True),
                            _W.lead_unit.startswith(p, autoescape=True),
                        )
                        for p in query.within
                    )
                )
            )
    if query.states:
        found.append(_W.state.in_([s.value for s in query.states]))
    if query.kinds:
        found.append(_W.kind.in_(query.kinds))
    for column, value in (
        (_W.matter_code, query.matter_code),
        (_W.lead_unit, query.lead_unit),
        (_W.handler, query.handler),
        (_W.applicant_person_id, query.applicant_person_id),
    ):
        if value is not None:
            found.append(column == value)
    if query.created_from is not None:
        found.append(_W.created_at >= query.created_from)
    if query.created_to is not None:
        found.append(_W.created_at < query.created_to)
    if query.due_before is not None:
        found.append(_W.due_at < query.due_before)
    if query.overdue is not None:
        found.append(_W.overdue.is_(query.overdue))
    return found


class SqlWorkOrderRepository:
    """`shibei.workflow.WorkOrderRepository` over one SQLAlchemy engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def migrate(self) -> None:
        """Bring the schema to the newest revision (the operational store's migrations)."""
        SqlStore(self.engine).migrate()

    def next_sequence(self) -> int:
        with self.engine.begin() as c:
            key = c.execute(insert(workorder_numbers)).inserted_primary_key
        assert key is not None
        return int(key[0])

    def create(self, order: WorkOrder, event: OrderEvent) -> tuple[WorkOrder, bool]:
        try:
            with self.engine.begin() as c:
                c.execute(_INSERT_ORDER, _row_values(order))
                c.execute(_INSERT_EVENT, _event_values(event))
        except IntegrityError:
            if order.idempotency_key is not None:
                known = self.get_by_key(order.idempotency_key)
                if known is not None:
                    return known, False
            raise
        return order, True

    def _one(self, condition: ColumnElement[bool]) -> WorkOrder | None:
        with self.engine.connect() as c:
            row = c.execute(select(workorders).where(condition)).first()
        return _order(row) if row else None

    def get(self, order_id: str) -> WorkOrder | None:
        return self._one(_W.id == order_id)

    def get_by_key(self, idempotency_key: str) -> WorkOrder | None:
        return self._one(_W.idempotency_key == idempotency_key)

    def save(self, order: WorkOrder, event: OrderEvent, expected_version: int) -> WorkOrder:
        check_versions(order, event, expected_version)
        values = _row_values(order)
        values["_id"] = values.pop("id")
        values["_expected"] = expected_version
        with self.engine.begin() as c:
            done = c.execute(_UPDATE_ORDER, values)
            if done.rowcount != 1:
                found = c.execute(select(_W.version).where(_W.id == order.id)).scalar()
                if found is None:
                    raise OrderNotFound(order.id)
                raise StaleOrder(order.id, expected_version, int(found))
            c.execute(_INSERT_EVENT, _event_values(event))
        return order

    def _select(self, query: OrderQuery) -> Select[Any]:
        return select(workorders).where(*_conditions(query))

    def query(self, query: OrderQuery) -> list[WorkOrder]:
        statement = self._select(query).order_by(_W.created_at.desc(), _W.id.desc())
        if query.limit is not None:
            statement = statement.limit(query.limit)
        if query.offset:
            statement = statement.offset(query.offset)
        with self.engine.connect() as c:
            return [_order(r) for r in c.execute(statement)]

    def count(self, query: OrderQuery) -> int:
        statement = select(func.count()).select_from(workorders).where(*_conditions(query))
        with self.engine.connect() as c:
            return int(c.execute(statement).scalar_one())

    def count_by_state(self, query: OrderQuery) -> dict[OrderState, int]:
        statement = (
            select(_W.state, func.count())
            .where(*_conditions(query))
            .group_by(_W.state)
            .order_by(_W.state)
        )
        with self.engine.connect() as c:
            return {OrderState(state): int(n) for state, n in c.execute(statement)}

    def events(self, order_id: str) -> list[OrderEvent]:
        statement = select(workorder_events).where(_E.order_id == order_id).order_by(_E.seq)
        with self.engine.connect() as c:
            return [_event(r) for r in c.execute(statement)]
