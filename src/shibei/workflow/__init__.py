"""The work-order engine (工单引擎), pure domain: one engine for every case the platform
handles (household services, mass-case reports, disputes, grid events, risk checks).

The closed loop of 国办发〔2020〕53号 — 受理 → 派单 → 签收 → 办理 → 答复 → 办结 → 回访 →
评价 — with 退单/改派, 延期, 挂起 as states and 催办/督办, 转交, 认领, 加签 as in-place
actions; deadlines in working days on the Chinese calendar; escalation; 重复诉求并单;
optimistic locking and idempotent intake behind the `WorkOrderRepository` port. The SQL
repository is `shibei.store.workorders.SqlWorkOrderRepository`; docs/workflow.md.
"""

from shibei.workflow.calendar import (
    ChineseCalendarData,
    FixedHolidays,
    HolidayData,
    WorkCalendar,
)
from shibei.workflow.merge import MergeProposal, merge_candidates
from shibei.workflow.model import (
    KIND_PREFIXES,
    SYSTEM,
    EventActor,
    NewOrder,
    OrderEvent,
    Visibility,
    WorkOrder,
    order_number,
    visible_events,
)
from shibei.workflow.permissions import (
    ACTION_PERMISSIONS,
    may,
    order_resource,
    parents_in,
    role_may,
    unit_rule,
)
from shibei.workflow.repository import (
    InMemoryWorkOrderRepository,
    OrderNotFound,
    OrderQuery,
    StaleOrder,
    WorkOrderRepository,
)
from shibei.workflow.service import Forbidden, IntakeResult, WorkflowService, event_actor
from shibei.workflow.sla import (
    KIND_DEFAULTS,
    MatterPolicy,
    Policies,
    SlaStep,
    parent_unit,
    sla_steps,
)
from shibei.workflow.states import (
    OPEN_STATES,
    TRANSITIONS,
    IllegalTransition,
    OrderAction,
    OrderState,
    allowed_actions,
)
from shibei.workflow.transitions import InvalidAction, apply_action

__all__ = [
    "ACTION_PERMISSIONS",
    "KIND_DEFAULTS",
    "KIND_PREFIXES",
    "OPEN_STATES",
    "SYSTEM",
    "TRANSITIONS",
    "ChineseCalendarData",
    "EventActor",
    "FixedHolidays",
    "Forbidden",
    "HolidayData",
    "IllegalTransition",
    "InMemoryWorkOrderRepository",
    "IntakeResult",
    "InvalidAction",
    "MatterPolicy",
    "MergeProposal",
    "NewOrder",
    "OrderAction",
    "OrderEvent",
    "OrderNotFound",
    "OrderQuery",
    "OrderState",
    "Policies",
    "SlaStep",
    "StaleOrder",
    "Visibility",
    "WorkCalendar",
    "WorkOrder",
    "WorkOrderRepository",
    "WorkflowService",
    "allowed_actions",
    "apply_action",
    "event_actor",
    "may",
    "merge_candidates",
    "order_number",
    "order_resource",
    "parent_unit",
    "parents_in",
    "role_may",
    "sla_steps",
    "unit_rule",
    "visible_events",
]
