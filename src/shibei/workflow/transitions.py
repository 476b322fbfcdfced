"""What each action does to an order besides moving its state (pure): who leads, who
holds it, deadlines moved by extensions and suspensions, flags. `apply_action` returns
the new order (version + 1) and the event that records the move."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from shibei.errors import ShibeiError
from shibei.workflow.calendar import DAY_END, WorkCalendar
from shibei.workflow.model import EventActor, OrderEvent, Visibility, WorkOrder
from shibei.workflow.states import IllegalTransition, OrderAction, target

A = OrderAction

NOTE_REQUIRED = frozenset(
    {A.REFUSE, A.RETURN, A.REJECT_RETURN, A.REDO, A.REQUEST_EXTENSION, A.SUSPEND}
    | {A.GIVE_INPUT, A.NOTE}
)
"""Actions that must say why (退单 reason, 挂起 reason, the opinion given…)."""


class InvalidAction(ShibeiError):
    """An action's input is missing or wrong (Chinese message, for a 400)."""


def visibility_of(value: Visibility | str) -> Visibility:
    """A `Visibility` from a form value ("internal", "applicant", "public")."""
    try:
        return Visibility(value)
    except ValueError:
        raise InvalidAction("备注可见范围须为 内部 / 告知申请人 / 公开") from None


def _text(args: Mapping[str, Any], name: str) -> str | None:
    value = args.get(name)
    return str(value).strip() if value not in (None, "") else None


def _units(args: Mapping[str, Any]) -> tuple[str, ...]:
    raw = args.get("assist_units") or ()
    if isinstance(raw, str):
        raw = [u for u in raw.replace("，", ",").split(",")]
    return tuple(dict.fromkeys(str(u).strip() for u in raw if str(u).strip()))


def apply_action(
    order: WorkOrder,
    action: OrderAction,
    actor: EventActor,
    now: datetime,
    calendar: WorkCalendar,
    *,
    note: str = "",
    visibility: Visibility | str = Visibility.INTERNAL,
    args: Mapping[str, Any] | None = None,
) -> tuple[WorkOrder, OrderEvent]:
    """The order after `action` and its event; raises `IllegalTransition` for a move the
    state does not allow and `InvalidAction` for missing input."""
    args = dict(args or {})
    to = target(order.state, action, order.resume_to)
    note = note.strip()
    if action in NOTE_REQUIRED and not note:
        raise InvalidAction(f"「{action.label}」须填写说明")
    changes: dict[str, Any] = {}
    data: dict[str, Any] = {}
    s = order.state

    if action in (A.DISPATCH, A.REASSIGN):
        lead = _text(args, "lead_unit")
        if not lead:
            raise InvalidAction("请指定主办单位")
        assist = tuple(u for u in _units(args) if u != lead)
        changes |= {"lead_unit": lead, "assist_units": assist, "handler": None}
        data |= {"lead_unit": lead, "assist_units": list(assist)}
        if action is A.REASSIGN:
            data["previous_unit"] = order.lead_unit
    elif action is A.SIGN or action is A.HANDLE:
        handler = _text(args, "handler") or order.handler or actor.username
        changes["handler"] = handler
        data["handler"] = handler
    elif action is A.RETURN:
        changes["handler"] = None
        data["from_unit"] = order.lead_unit
    elif action is A.REPLY:
        reply = _text(args, "reply") or note
        if not reply:
            raise InvalidAction("请填写答复内容")
        if order.consulting:
            raise IllegalTransition(s, action, "尚有加签单位未回复：" + "、".join(order.consulting))
        late = order.due_at is not None and now > order.due_at
        changes |= {"reply": reply, "replied_at": now, "overdue": order.overdue or late}
    elif action is A.REDO:
        changes["replied_at"] = None
    elif action is A.CLOSE:
        changes["closed_at"] = now
    elif action is A.RATE:
        rating = args.get("rating")
        if not isinstance(rating, int) or not 1 <= rating <= 5:
            raise InvalidAction("评价须为 1 到 5 分")
        changes["rating"] = rating
        data["rating"] = rating
    elif action is A.REQUEST_EXTENSION:
        days = args.get("days")
        if not isinstance(days, int) or not 1 <= days <= 60:
            raise InvalidAction("延期天数须为 1 到 60 个工作日")
        changes |= {"requested_days": days, "resume_to": s}
        data["days"] = days
    elif action is A.APPROVE_EXTENSION:
        days = order.requested_days
        due = order.due_at
        if due is not None:
            due = datetime.combine(calendar.add_working_days(due.date(), days), DAY_END)
        changes |= _after_new_deadline(order, due, now)
        changes |= {"requested_days": 0, "resume_to": None, "extensions": order.extensions + 1}
        data |= {"days": days, "due_at": due.isoformat() if due else None}
    elif action is A.REJECT_EXTENSION:
        changes |= {"requested_days": 0, "resume_to": None}
    elif action is A.SUSPEND:
        changes |= {"resume_to": s, "paused_at": now}
    elif action is A.RESUME:
        due = order.due_at
        paused = order.paused_at or now
        shift = calendar.working_days_between(paused.date(), now.date())
        if due is not None:
            due = datetime.combine(calendar.add_working_days(due.date(), shift), DAY_END)
        changes |= _after_new_deadline(order, due, now)
        changes |= {"resume_to": None, "paused_at": None}
        data |= {"paused_working_days": shift, "due_at": due.isoformat() if due else None}
    elif action is A.URGE:
        changes |= {"escalation": max(order.escalation, 2)}
        if order.due_at is not None and now > order.due_at:
            changes["overdue"] = True
        data["unit"] = _text(args, "unit") or order.lead_unit
    elif action is A.SUPERVISE:
        unit = _text(args, "unit") or actor.unit_code or None
        changes |= {"escalation": 3, "supervisor_unit": unit}
        if order.due_at is not None and now > order.due_at:
            changes["overdue"] = True
        data["unit"] = unit
    elif action is A.CLAIM:
        if order.handler and order.handler != actor.username:
            raise IllegalTransition(s, action, f"已由 {order.handler} 办理，请先转交")
        changes["handler"] = actor.username
    elif action is A.HAND_OVER:
        to_handler = _text(args, "handler")
        if to_handler == order.handler:
            raise InvalidAction("转交对象与当前办理人相同")
        changes["handler"] = to_handler
        data |= {"from": order.handler, "to": to_handler}
    elif action is A.ASK_INPUT:
        unit = _text(args, "unit")
        if not unit or unit == order.lead_unit:
            raise InvalidAction("请指定加签单位（不能是主办单位）")
        if unit in order.consulting:
            raise InvalidAction(f"已向 {unit} 加签，等待回复")
        changes["consulting"] = (*order.consulting, unit)
        data["unit"] = unit
    elif action is A.GIVE_INPUT:
        answering = _text(args, "unit") or actor.unit_code
        if answering not in order.consulting:
            raise IllegalTransition(s, action, "未向该单位加签")
        changes["consulting"] = tuple(u for u in order.consulting if u != answering)
        data["unit"] = answering
    elif action is A.MERGE:
        into = _text(args, "into")
        if not into or into == order.id:
            raise InvalidAction("请指定并入的工单")
        changes["merged_into"] = into
        data["into"] = into

    version = order.version + 1
    new = order.evolve(state=to, version=version, updated_at=now, **changes)
    seen_by = visibility_of(visibility)
    event = OrderEvent(order.id, version, action, s, to, actor, now, note, seen_by, data)
    return new, event


def _after_new_deadline(order: WorkOrder, due: datetime | None, now: datetime) -> dict[str, Any]:
    """A moved deadline in the future clears the overdue flag and the escalation."""
    if due is not None and due > now:
        return {"due_at": due, "overdue": False, "escalation": 0, "supervisor_unit": None}
    return {"due_at": due}
