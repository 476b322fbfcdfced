"""The state machine, parametrized over its own table: every legal move lands where the
table says (also through `apply_action` with real arguments), every other pair raises."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from shibei.workflow import (
    TRANSITIONS,
    EventActor,
    IllegalTransition,
    InvalidAction,
    OrderAction,
    OrderState,
    WorkCalendar,
    WorkOrder,
    allowed_actions,
    apply_action,
)
from shibei.workflow.states import RESUME, STAY, target

A, S = OrderAction, OrderState
NOW = datetime(2025, 3, 3, 9, 0)
ACTOR = EventActor("comm1", "community_worker", "370203005001")

LEGAL = [(s, a, to) for a, moves in TRANSITIONS.items() for s, to in moves.items()]
ILLEGAL = [(s, a) for a in OrderAction for s in OrderState if s not in TRANSITIONS[a]]

ARGS: dict[OrderAction, dict[str, Any]] = {
    A.DISPATCH: {"lead_unit": "370203005001", "assist_units": ["370203005002"]},
    A.REASSIGN: {"lead_unit": "370203005003"},
    A.REPLY: {"reply": "已为您办理"},
    A.RATE: {"rating": 5},
    A.REQUEST_EXTENSION: {"days": 3},
    A.ASK_INPUT: {"unit": "370203005"},
    A.GIVE_INPUT: {"unit": "370203P05"},
    A.HAND_OVER: {"handler": "comm2"},
    A.MERGE: {"into": "HJ20250301000001"},
}


def order_in(state: OrderState, **changes: Any) -> WorkOrder:
    values: dict[str, Any] = {
        "id": "HJ20250303000002",
        "kind": "household",
        "matter_code": "residence_permit",
        "title": "申领居住证",
        "state": state,
        "created_at": NOW,
        "updated_at": NOW,
        "version": 4,
        "lead_unit": "370203005001",
        "due_at": datetime(2025, 3, 14, 23, 59, 59),
    }
    if state in (S.SUSPENDED, S.EXTENSION_PENDING):
        values |= {"resume_to": S.HANDLING, "paused_at": NOW, "requested_days": 2}
    values.update(changes)
    return WorkOrder(**values)


def test_the_table_covers_every_action() -> None:
    assert set(TRANSITIONS) == set(OrderAction)
    assert len(LEGAL) > 60 and len(ILLEGAL) > 300


@pytest.mark.parametrize(("state", "action", "to"), LEGAL, ids=lambda v: str(v))
def test_every_legal_move_lands_where_the_table_says(
    state: OrderState, action: OrderAction, to: OrderState | str
) -> None:
    expected = state if to == STAY else (S.HANDLING if to == RESUME else to)
    assert target(state, action, S.HANDLING) == expected
    assert action in allowed_actions(state)

    extra = {"consulting": ("370203P05",)} if action is A.GIVE_INPUT else {}
    order = order_in(state, **extra)
    new, event = apply_action(
        order, action, ACTOR, NOW, WorkCalendar(), note="说明", args=ARGS.get(action, {})
    )
    assert new.state == expected
    assert (new.version, event.seq) == (5, 5)
    assert (event.from_state, event.to_state, event.action) == (state, expected, action)
    assert (event.actor, event.at, event.note) == (ACTOR, NOW, "说明")


@pytest.mark.parametrize(("state", "action"), ILLEGAL, ids=lambda v: str(v))
def test_every_other_move_raises(state: OrderState, action: OrderAction) -> None:
    assert action not in allowed_actions(state)
    with pytest.raises(IllegalTransition, match=f"「{state.label}」.*「{action.label}」"):
        apply_action(order_in(state), action, ACTOR, NOW, WorkCalendar(), note="说明")


def test_final_states_allow_nothing() -> None:
    for state in (S.RATED, S.REFUSED, S.WITHDRAWN, S.MERGED):
        assert state.final and allowed_actions(state) == []


def test_resume_without_a_remembered_state_raises() -> None:
    order = order_in(S.SUSPENDED, resume_to=None)
    with pytest.raises(IllegalTransition, match="没有可恢复的状态"):
        apply_action(order, A.RESUME, ACTOR, NOW, WorkCalendar())


@pytest.mark.parametrize("action", [A.REFUSE, A.RETURN, A.REJECT_RETURN, A.REDO, A.SUSPEND, A.NOTE])
def test_actions_that_must_say_why_refuse_an_empty_note(action: OrderAction) -> None:
    state = next(iter(TRANSITIONS[action]))
    with pytest.raises(InvalidAction, match="须填写说明"):
        apply_action(order_in(state), action, ACTOR, NOW, WorkCalendar(), note="  ")


@pytest.mark.parametrize(
    ("action", "state", "args", "message"),
    [
        (A.DISPATCH, S.ACCEPTED, {}, "主办单位"),
        (A.RATE, S.CLOSED, {"rating": 6}, "1 到 5"),
        (A.RATE, S.CLOSED, {}, "1 到 5"),
        (A.REQUEST_EXTENSION, S.HANDLING, {"days": 0}, "延期天数"),
        (A.ASK_INPUT, S.HANDLING, {"unit": "370203005001"}, "不能是主办单位"),
        (A.MERGE, S.SUBMITTED, {"into": "HJ20250303000002"}, "并入"),
        (A.HAND_OVER, S.HANDLING, {"handler": "comm1"}, "相同"),
    ],
)
def test_bad_action_input_is_refused_in_chinese(
    action: OrderAction, state: OrderState, args: dict[str, Any], message: str
) -> None:
    order = order_in(state, handler="comm1")
    with pytest.raises(InvalidAction, match=message):
        apply_action(order, action, ACTOR, NOW, WorkCalendar(), note="说明", args=args)


def test_reply_waits_for_every_unit_asked_for_input() -> None:
    order = order_in(S.HANDLING, consulting=("370203005",))
    with pytest.raises(IllegalTransition, match="加签单位未回复"):
        apply_action(order, A.REPLY, ACTOR, NOW, WorkCalendar(), args={"reply": "好"})
    answered, event = apply_action(
        order, A.GIVE_INPUT, ACTOR, NOW, WorkCalendar(), note="同意", args={"unit": "370203005"}
    )
    assert answered.consulting == () and event.data == {"unit": "370203005"}
    replied, _ = apply_action(answered, A.REPLY, ACTOR, NOW, WorkCalendar(), args={"reply": "好"})
    assert (replied.state, replied.reply, replied.replied_at) == (S.REPLIED, "好", NOW)


def test_claim_takes_a_free_order_but_not_one_someone_holds() -> None:
    free = order_in(S.SIGNED, handler=None)
    claimed, _ = apply_action(free, A.CLAIM, ACTOR, NOW, WorkCalendar())
    assert claimed.handler == "comm1"
    held = order_in(S.SIGNED, handler="comm2")
    with pytest.raises(IllegalTransition, match="已由 comm2 办理"):
        apply_action(held, A.CLAIM, ACTOR, NOW, WorkCalendar())


def test_reassign_records_the_previous_unit_and_drops_the_handler() -> None:
    order = order_in(S.RETURNED, handler="comm1")
    new, event = apply_action(
        order,
        A.REASSIGN,
        ACTOR,
        NOW,
        WorkCalendar(),
        note="异议成立",
        args={"lead_unit": "370203005002", "assist_units": "370203005001,370203005002"},
    )
    assert (new.state, new.lead_unit, new.handler) == (S.DISPATCHED, "370203005002", None)
    assert new.assist_units == ("370203005001",)  # the lead unit is not also assisting
    assert event.data["previous_unit"] == "370203005001"


def test_a_late_reply_marks_the_order_overdue() -> None:
    order = order_in(S.HANDLING, due_at=datetime(2025, 3, 1, 23, 59, 59))
    new, _ = apply_action(order, A.REPLY, ACTOR, NOW, WorkCalendar(), args={"reply": "好"})
    assert new.overdue
