"""Time limits per matter type (in working days) and the escalation ladder after them:
预警 (a warning before the deadline) → 催办 (urge the lead unit, the order is overdue) →
督办 (the lead unit's parent supervises, some working days later).

`sla_steps` is pure: given an order, now, the calendar and its policy, it says which
steps are due and in which order; `WorkflowService.sweep` records them as events.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final, Literal

from shibei.workflow.calendar import WorkCalendar
from shibei.workflow.model import WorkOrder
from shibei.workflow.states import OrderState

Level = Literal["warning", "urge", "supervise"]
LEVEL_RANK: Final[dict[Level, int]] = {"warning": 1, "urge": 2, "supervise": 3}
LEVEL_LABELS: Final[dict[Level, str]] = {"warning": "到期预警", "urge": "催办", "supervise": "督办"}


@dataclass(frozen=True, slots=True)
class MatterPolicy:
    """The time limit of one matter type. `time_limit` working days from intake; a warning
    `warn_before` working days before the deadline; 督办 `supervise_after` working days
    after it (催办 comes as soon as the deadline passes)."""

    matter_code: str
    label: str
    time_limit: int
    warn_before: int = 1
    supervise_after: int = 2


KIND_DEFAULTS: Final[dict[str, MatterPolicy]] = {
    "household": MatterPolicy("household", "户籍业务", 10),
    "mass_case": MatterPolicy("mass_case", "涉众案件接报", 7),
    "dispute": MatterPolicy("dispute", "矛盾纠纷调解", 15, warn_before=3, supervise_after=3),
    "grid_event": MatterPolicy("grid_event", "网格事件", 3, supervise_after=1),
    "risk_verification": MatterPolicy("risk_verification", "风险核查", 10, warn_before=2),
    "service": MatterPolicy("service", "政务服务诉求", 5),
}
"""Fallback policy per order kind, when a matter type has none of its own."""


class Policies:
    """Matter code → policy, falling back to the order kind's default (5 working days)."""

    def __init__(self, policies: Iterable[MatterPolicy] = ()) -> None:
        self._by_matter = {p.matter_code: p for p in policies}

    def add(self, *policies: MatterPolicy) -> None:
        self._by_matter.update((p.matter_code, p) for p in policies)

    def of(self, kind: str, matter_code: str) -> MatterPolicy:
        found = self._by_matter.get(matter_code) or KIND_DEFAULTS.get(kind)
        return found or MatterPolicy(matter_code, matter_code, 5)


@dataclass(frozen=True, slots=True)
class SlaStep:
    order_id: str
    level: Level
    unit: str | None  # the unit the step is addressed to (lead unit; its parent for 督办)
    message: str


def parent_unit(code: str, station_of_community: Mapping[str, str] | None = None) -> str | None:
    """The unit above `code` in its tree: house → grid → community → street → district;
    community police district (…J) → station → bureau (370203P) → district.

    >>> parent_unit("370203005001")
    '370203005'
    >>> parent_unit("370203P05")
    '370203P'
    """
    if code.endswith("J") and len(code) == 13:
        station = (station_of_community or {}).get(code[:12])
        return station or "370203P"
    if "P" in code:
        return "370203P" if len(code) > 7 else code[:6]
    if len(code) == 25:
        return code[:15]
    if len(code) > 6:
        return code[: len(code) - 3]
    return None


def sla_steps(
    order: WorkOrder,
    now: datetime,
    calendar: WorkCalendar,
    policy: MatterPolicy,
    parent_of: Callable[[str], str | None] = parent_unit,
) -> list[SlaStep]:
    """The escalation steps now due for `order`, lowest first (催办 before 督办); [] for an
    order whose clock is stopped (replied, closed, final) or paused (挂起)."""
    if order.due_at is None or not order.state.open or order.state is OrderState.SUSPENDED:
        return []
    unit = order.lead_unit or order.division_code or None
    steps: list[SlaStep] = []
    due_day = order.due_at.date()
    if now > order.due_at:
        if order.escalation < LEVEL_RANK["urge"]:
            steps.append(
                SlaStep(order.id, "urge", unit, f"工单已超过办理时限（{due_day}），请抓紧办理")
            )
        # full working days past the deadline (today is not over yet)
        over = calendar.working_days_between(due_day, now.date() - timedelta(days=1))
        if over >= policy.supervise_after and order.escalation < LEVEL_RANK["supervise"]:
            boss = parent_of(unit) if unit else None
            steps.append(
                SlaStep(order.id, "supervise", boss, f"超期 {over} 个工作日，由上级单位督办")
            )
        return steps
    warn_from = calendar.subtract_working_days(due_day, policy.warn_before)
    if now.date() >= warn_from and order.escalation < LEVEL_RANK["warning"]:
        steps.append(SlaStep(order.id, "warning", unit, f"工单将于 {due_day} 到期"))
    return steps
