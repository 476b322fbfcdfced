"""Work orders and their events: plain frozen dataclasses, no engine.

An order's `version` starts at 1 and grows by one with every event; the event that made
version *n* has `seq` *n*, so a repository can refuse a stale write by comparing versions
(optimistic locking) and the event log has no gaps.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any, Final

from shibei.workflow.states import OrderAction, OrderState


class Visibility(StrEnum):
    INTERNAL = "internal"  # 内部: staff only
    APPLICANT = "applicant"  # 告知申请人: staff and the applicant
    PUBLIC = "public"  # 公开: anyone allowed to see the order (e.g. a published reply)

    @property
    def label(self) -> str:
        return {"internal": "内部", "applicant": "告知申请人", "public": "公开"}[self.value]


KIND_PREFIXES: Final[dict[str, str]] = {
    "household": "HJ",  # 户籍业务 (22+1户助, 一窗通办, 微警务)
    "mass_case": "SZ",  # 涉众案件接报
    "dispute": "TJ",  # 矛盾纠纷调解
    "grid_event": "WG",  # 网格事件
    "risk_verification": "FX",  # 涉众型风险核查
    "service": "FW",  # 其他政务服务
}
"""Order kind → the two letters its readable number starts with."""


def order_number(kind: str, day: datetime, sequence: int) -> str:
    """A readable order number: kind prefix, date, six-digit sequence.

    >>> order_number("household", datetime(2025, 12, 31), 123)
    'HJ20251231000123'
    """
    prefix = KIND_PREFIXES.get(kind, "GD")
    return f"{prefix}{day:%Y%m%d}{sequence:06d}"


@dataclass(frozen=True, slots=True)
class EventActor:
    """Who acted: account name, role and unit (``system`` for the SLA sweep)."""

    username: str
    role: str
    unit_code: str


SYSTEM: Final = EventActor("system", "system", "")


@dataclass(frozen=True, slots=True)
class OrderEvent:
    order_id: str
    seq: int  # equals the order's version after this event
    action: OrderAction
    from_state: OrderState | None  # None for the intake event
    to_state: OrderState
    actor: EventActor
    at: datetime
    note: str = ""
    visibility: Visibility = Visibility.INTERNAL
    data: dict[str, Any] = field(default_factory=dict)  # action arguments (unit, rating…)


@dataclass(frozen=True, slots=True)
class NewOrder:
    """What an intake needs (the form of a resident, a hotline call, a feed row)."""

    kind: str
    matter_code: str
    title: str
    applicant_name: str = ""
    applicant_phone: str = ""
    applicant_person_id: str | None = None
    house_code: str | None = None  # where the matter is, as a standard house code
    division_code: str = ""  # district/street/community/grid code of the place
    channel: str = "web"  # web | hotline | window | feed | grid
    payload: dict[str, Any] = field(default_factory=dict)
    attachments: tuple[str, ...] = ()
    lead_unit: str | None = None  # preset routing (e.g. the household station)

    @property
    def place_code(self) -> str:
        return self.house_code or self.division_code


@dataclass(frozen=True, slots=True)
class WorkOrder:
    id: str  # readable number, e.g. HJ20251231000123
    kind: str
    matter_code: str
    title: str
    state: OrderState
    created_at: datetime
    updated_at: datetime
    version: int = 1
    applicant_name: str = ""
    applicant_phone: str = ""
    applicant_person_id: str | None = None
    house_code: str | None = None
    division_code: str = ""
    channel: str = "web"
    lead_unit: str | None = None  # 主办单位
    assist_units: tuple[str, ...] = ()  # 协办单位
    handler: str | None = None  # account holding the order in the lead unit
    consulting: tuple[str, ...] = ()  # units asked for input (加签), not answered yet
    idempotency_key: str | None = None
    due_at: datetime | None = None  # 办理时限 (end of the last working day)
    paused_at: datetime | None = None  # 挂起 since (SLA clock paused)
    resume_to: OrderState | None = None  # state to return to after 挂起 / 延期审批
    requested_days: int = 0  # working days asked for in a pending extension
    extensions: int = 0  # approved extensions
    overdue: bool = False  # 超期
    escalation: int = 0  # 0 none, 1 warned (预警), 2 urged (催办), 3 supervised (督办)
    supervisor_unit: str | None = None  # unit that supervises (督办单位)
    reply: str = ""  # the answer given to the applicant
    rating: int | None = None  # 1–5 (评价)
    merged_into: str | None = None
    replied_at: datetime | None = None
    closed_at: datetime | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    attachments: tuple[str, ...] = ()
    flags: frozenset[str] = frozenset()  # e.g. "calendar_estimated"

    @property
    def place_code(self) -> str:
        """The most precise code of where the matter is (house, else division)."""
        return self.house_code or self.division_code

    def evolve(self, **changes: Any) -> WorkOrder:
        return replace(self, **changes)


ESCALATION_LABELS: Final = {0: "", 1: "预警", 2: "催办", 3: "督办"}

Audience = str  # "staff" | "applicant" | "public"


def visible_events(events: list[OrderEvent], audience: Audience) -> list[OrderEvent]:
    """The events an audience may read.

    staff: everything. applicant: events whose note is for them or public, plus every
    change of state (with an internal note blanked and the actor reduced to the unit, so
    the applicant can follow the order); internal in-place events (催办, 转交…) are
    dropped. public: public events only."""
    if audience == "staff":
        return list(events)
    if audience == "public":
        return [e for e in events if e.visibility is Visibility.PUBLIC]
    shown: list[OrderEvent] = []
    for e in events:
        if e.visibility is not Visibility.INTERNAL:
            shown.append(e)
        elif e.from_state != e.to_state:
            actor = EventActor("", e.actor.role, e.actor.unit_code)
            shown.append(replace(e, note="", actor=actor, data={}))
    return shown
