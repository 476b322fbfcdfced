"""Verification through the work-order engine: a watchlist entry opens a
`risk_verification` order dispatched to the grid of the organization's address (the grid
worker goes and looks), and the conclusion — 属实 or 排除 — is written on that order as a
note, from which the risk module reads its outcomes back.

The order's event log is the record: nothing about a verification lives anywhere else,
so the outcome is auditable with the order and survives restarts.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import date

from shibei.access import Actor
from shibei.apps.risk.model import OrgHistory, Outcome, Verification
from shibei.apps.risk.scoring import RiskScore
from shibei.workflow import (
    IllegalTransition,
    InvalidAction,
    NewOrder,
    OrderAction,
    OrderQuery,
    OrderState,
    Visibility,
    WorkflowService,
    WorkOrder,
)

KIND = "risk_verification"
MARKERS = {Outcome.CONFIRMED: "【核查结论：属实】", Outcome.CLEARED: "【核查结论：排除】"}
"""The note that records an outcome starts with one of these."""


@dataclass(frozen=True, slots=True)
class VerificationOrder:
    """A verification order of one organization, as the risk page lists it."""

    order_id: str
    state: str  # the order state's Chinese label
    created_on: date
    grid_code: str
    outcome: Verification | None


def _scored_on(order: WorkOrder) -> date:
    """An outcome speaks for the data the order was opened on: it counts from that day."""
    try:
        return date.fromisoformat(str(order.payload.get("scored_on")))
    except ValueError:
        return order.created_at.date()


def outcome_of_note(note: str) -> Outcome | None:
    for outcome, marker in MARKERS.items():
        if note.startswith(marker):
            return outcome
    return None


class WorkflowVerifications:
    """Verification orders on a `WorkflowService` (SQL repository in the app, the
    in-memory one in tests)."""

    def __init__(self, workflow: WorkflowService) -> None:
        self.workflow = workflow

    def open(self, actor: Actor, org: OrgHistory, score: RiskScore) -> WorkOrder:
        """Create the order and dispatch it to the grid of the registered address; the
        same organization scored on the same day opens one order, however often asked."""
        grid = org.grid_code or ""
        signals = [f"{c.label}（{c.points:g} 分）" for c in score.active()]
        new = NewOrder(
            kind=KIND,
            matter_code=KIND,
            title=f"涉众型风险核查：{org.name}",
            house_code=org.house_code,
            division_code=grid,
            channel="risk",
            payload={
                "org_id": org.org_id,
                "org_name": org.name,
                "uscc": org.uscc,
                "score": score.score,
                "scored_on": score.day.isoformat(),
                "signals": signals,
            },
            lead_unit=grid or None,
        )
        note = "风险评分 {:g} 分，请网格员实地核查：{}".format(score.score, "；".join(signals))
        result = self.workflow.intake(
            new,
            actor,
            idempotency_key=f"risk:{org.org_id}:{score.day.isoformat()}",
            note=note,
            visibility=Visibility.INTERNAL,
        )
        order = result.order
        if result.created and grid:
            try:
                order = self.workflow.act(order.id, OrderAction.ACCEPT, actor)
                order = self.workflow.act(order.id, OrderAction.DISPATCH, actor, lead_unit=grid)
            except (IllegalTransition, InvalidAction):
                pass  # left in the dispatcher's own queue
        return order

    def record(
        self, actor: Actor, order_id: str, org_id: str, outcome: Outcome, note: str = ""
    ) -> WorkOrder:
        """Write the conclusion on the order (and close it when the grid worker has
        replied)."""
        order = self.workflow.get(order_id)
        if order.kind != KIND or order.payload.get("org_id") != org_id:
            raise InvalidAction("该工单不是这家单位的风险核查工单")
        text = MARKERS[outcome] + note.strip()
        order = self.workflow.act(order_id, OrderAction.NOTE, actor, note=text)
        if order.state is OrderState.REPLIED:
            with contextlib.suppress(IllegalTransition, InvalidAction):
                order = self.workflow.act(order_id, OrderAction.CLOSE, actor, note=text)
        return order

    def orders(self, org_id: str | None = None) -> list[VerificationOrder]:
        found = []
        for order in self.workflow.repo.query(OrderQuery(kinds=(KIND,), limit=None)):
            if org_id is not None and order.payload.get("org_id") != org_id:
                continue
            found.append(
                VerificationOrder(
                    order.id,
                    order.state.label,
                    order.created_at.date(),
                    order.division_code,
                    self._outcome(order),
                )
            )
        return sorted(found, key=lambda o: o.order_id)

    def _outcome(self, order: WorkOrder) -> Verification | None:
        latest: Verification | None = None
        for event in self.workflow.events(order.id):
            outcome = outcome_of_note(event.note) if event.action is OrderAction.NOTE else None
            if outcome is not None:
                note = event.note[len(MARKERS[outcome]) :]
                latest = Verification(
                    str(order.payload.get("org_id")), _scored_on(order), outcome, order.id, note
                )
        return latest

    def outcomes(self) -> list[Verification]:
        return [o.outcome for o in self.orders() if o.outcome is not None]
