"""`WorkflowService`: the use cases routes call (intake, act, sweep, merge proposals),
over a repository, a working-day calendar and a clock. Routes stay thin: parse, call
one of these, render."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from shibei.access import Actor, PlaceIndex
from shibei.errors import ShibeiError
from shibei.workflow.calendar import WorkCalendar
from shibei.workflow.merge import DEFAULT_WINDOW, MergeProposal, merge_candidates
from shibei.workflow.model import (
    SYSTEM,
    EventActor,
    NewOrder,
    OrderEvent,
    Visibility,
    WorkOrder,
    order_number,
)
from shibei.workflow.permissions import may, order_resource, role_may, unit_rule
from shibei.workflow.repository import OrderNotFound, OrderQuery, StaleOrder, WorkOrderRepository
from shibei.workflow.sla import Policies, SlaStep, parent_unit, sla_steps
from shibei.workflow.states import OPEN_STATES, OrderAction, OrderState
from shibei.workflow.transitions import InvalidAction, apply_action, visibility_of

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]


class Forbidden(ShibeiError):
    """The actor may not take this action on this order (for a 403)."""


@dataclass(frozen=True, slots=True)
class IntakeResult:
    order: WorkOrder
    created: bool  # False: the idempotency key was known, `order` is the earlier one
    duplicates: tuple[MergeProposal, ...] = ()  # 重复诉求: proposed merges


def event_actor(actor: Actor) -> EventActor:
    return EventActor(actor.username, actor.role.value, actor.unit_code)


class WorkflowService:
    """The engine's use cases. Every action is checked: with `places`, `allowed()` on the
    order as a resource placed in both trees; without, the role check alone (`role_may`);
    then the engine's unit rule (`unit_rule`)."""

    def __init__(
        self,
        repo: WorkOrderRepository,
        calendar: WorkCalendar | None = None,
        clock: Clock | None = None,
        policies: Policies | None = None,
        places: PlaceIndex | None = None,
        parent_of: Callable[[str], str | None] = parent_unit,
        merge_window: timedelta = DEFAULT_WINDOW,
    ) -> None:
        self.repo = repo
        self.calendar = calendar or WorkCalendar()
        self.clock: Clock = clock or datetime.now
        self.policies = policies or Policies()
        self.places = places
        self.parent_of = parent_of
        self.merge_window = merge_window

    # Intake -----------------------------------------------------------------------------

    def intake(
        self,
        new: NewOrder,
        actor: Actor,
        *,
        idempotency_key: str | None = None,
        note: str = "",
        visibility: Visibility | str = Visibility.APPLICANT,
    ) -> IntakeResult:
        """Create an order (state 待受理) with its deadline, or return the order an earlier
        intake with the same `idempotency_key` created (`created=False`)."""
        if idempotency_key is not None:
            known = self.repo.get_by_key(idempotency_key)
            if known is not None:
                self._check(actor, known, OrderAction.SUBMIT)  # not someone else's key
                return IntakeResult(known, False)
        if not new.title.strip():
            raise InvalidAction("请填写诉求标题")
        now = self.clock()
        policy = self.policies.of(new.kind, new.matter_code)
        due = self.calendar.deadline(now, policy.time_limit)
        estimated = self.calendar.estimated(now.date(), due.date())
        order = WorkOrder(
            id="",
            kind=new.kind,
            matter_code=new.matter_code,
            title=new.title.strip(),
            state=OrderState.SUBMITTED,
            created_at=now,
            updated_at=now,
            applicant_name=new.applicant_name,
            applicant_phone=new.applicant_phone,
            applicant_person_id=new.applicant_person_id,
            house_code=new.house_code,
            division_code=new.division_code or (new.house_code or "")[:15],
            channel=new.channel,
            lead_unit=new.lead_unit,
            idempotency_key=idempotency_key,
            due_at=due,
            payload=dict(new.payload),
            attachments=tuple(new.attachments),
            flags=frozenset({"calendar_estimated"}) if estimated else frozenset(),
        )
        self._check(actor, order, OrderAction.SUBMIT)
        number = order_number(new.kind, now, self.repo.next_sequence())
        order = order.evolve(id=number)
        event = OrderEvent(
            number,
            1,
            OrderAction.SUBMIT,
            None,
            OrderState.SUBMITTED,
            event_actor(actor),
            now,
            note.strip(),
            visibility_of(visibility),
            {"channel": new.channel, "due_at": due.isoformat()},
        )
        stored, created = self.repo.create(order, event)
        if not created:  # lost a race on the key: the winner's order, if it is ours to see
            self._check(actor, stored, OrderAction.SUBMIT)
        duplicates = tuple(self.merge_proposals(stored)) if created else ()
        return IntakeResult(stored, created, duplicates)

    # Actions ----------------------------------------------------------------------------

    def get(self, order_id: str) -> WorkOrder:
        order = self.repo.get(order_id)
        if order is None:
            raise OrderNotFound(order_id)
        return order

    def act(
        self,
        order_id: str,
        action: OrderAction,
        actor: Actor,
        *,
        note: str = "",
        visibility: Visibility | str = Visibility.INTERNAL,
        expected_version: int | None = None,
        **args: Any,
    ) -> WorkOrder:
        """Take `action` on the order as `actor`. With `expected_version` (the version the
        officer's page showed) a concurrent change raises `StaleOrder`, as does losing a
        race between read and write. Raises `IllegalTransition`, `InvalidAction`,
        `Forbidden`, `OrderNotFound`."""
        order = self.get(order_id)
        if expected_version is not None and order.version != expected_version:
            raise StaleOrder(order_id, expected_version, order.version)
        self._check(actor, order, action)
        if action is OrderAction.MERGE:
            self._check_merge_target(order, str(args.get("into", "")))
        new, event = apply_action(
            order,
            action,
            event_actor(actor),
            self.clock(),
            self.calendar,
            note=note,
            visibility=visibility,
            args=args,
        )
        return self.repo.save(new, event, order.version)

    def _check(self, actor: Actor, order: WorkOrder, action: OrderAction) -> None:
        if self.places is not None:
            permitted = may(actor, action, order_resource(order, self.places))
        else:
            permitted = role_may(actor, action, order)
        if not permitted:
            raise Forbidden(f"无权对工单 {order.id} 执行「{action.label}」")
        if action is not OrderAction.SUBMIT and (why := unit_rule(actor, order, action)):
            raise Forbidden(why)

    def _check_merge_target(self, order: WorkOrder, into: str) -> None:
        target = self.repo.get(into) if into else None
        if target is None or target.id == order.id or target.state.final:
            raise InvalidAction("并入的工单不存在或已结束")

    def events(self, order_id: str) -> list[OrderEvent]:
        return self.repo.events(order_id)

    # 重复诉求并单 ------------------------------------------------------------------------

    def merge_proposals(self, order: WorkOrder) -> list[MergeProposal]:
        """Earlier open orders `order` duplicates (same applicant, matter and place)."""
        start = order.created_at - self.merge_window
        if order.applicant_person_id:
            query = OrderQuery(
                applicant_person_id=order.applicant_person_id,
                matter_code=order.matter_code,
                created_from=start,
                limit=50,
            )
        elif order.place_code:
            query = OrderQuery(
                within=(order.place_code,),
                matter_code=order.matter_code,
                created_from=start,
                limit=200,
            )
        else:
            return []
        return merge_candidates(order, self.repo.query(query), self.merge_window)

    # SLA sweep ----------------------------------------------------------------------------

    def sweep(
        self, now: datetime | None = None, within: tuple[str, ...] | None = None
    ) -> list[SlaStep]:
        """Record the escalation steps now due on every open order (预警 as a note, 催办,
        督办 by the parent unit) as events by `system`; returns the steps recorded. An
        order changed meanwhile is left for the next sweep."""
        now = now or self.clock()
        query = OrderQuery(
            within=within,
            states=tuple(s for s in OPEN_STATES if s is not OrderState.SUSPENDED),
            due_before=now + timedelta(days=62),
            limit=None,
        )
        done: list[SlaStep] = []
        for order in self.repo.query(query):
            policy = self.policies.of(order.kind, order.matter_code)
            current = order
            for step in sla_steps(order, now, self.calendar, policy, self.parent_of):
                try:
                    current = self._record_step(current, step, now)
                except StaleOrder:
                    log.info("工单 %s 在预警时被修改，下次再处理", order.id)
                    break
                done.append(step)
        return done

    def _record_step(self, order: WorkOrder, step: SlaStep, now: datetime) -> WorkOrder:
        if step.level == "warning":
            new, event = apply_action(
                order, OrderAction.NOTE, SYSTEM, now, self.calendar, note=step.message
            )
            new = new.evolve(escalation=1)
            event = replace(event, data={"sla": "warning"})
        else:
            action = OrderAction.URGE if step.level == "urge" else OrderAction.SUPERVISE
            new, event = apply_action(
                order,
                action,
                SYSTEM,
                now,
                self.calendar,
                note=step.message,
                args={"unit": step.unit},
            )
        return self.repo.save(new, event, order.version)
