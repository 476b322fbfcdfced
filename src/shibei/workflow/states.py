"""The work-order state machine: the closed loop of 国办发〔2020〕53号 (受理 → 派单 → 签收 →
办理 → 答复 → 办结 → 回访 → 评价) with its side states (退单/改派, 延期, 挂起) as an Enum,
and one table of legal moves. An illegal move raises `IllegalTransition`.

督办/催办 (supervise/urge), 转交 (hand over), 认领 (claim) and 加签 (ask for input) do not
move the order along the loop: they are legal *in place* (the state stays) and change who
holds the order or what flags it carries. 挂起 and 延期审批 remember the state they left and
return to it (`RESUME`).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from shibei.errors import ShibeiError


class OrderState(StrEnum):
    SUBMITTED = "submitted"  # 待受理: filed by a resident or a feed, nobody has accepted it
    ACCEPTED = "accepted"  # 已受理: accepted by the service desk / hotline, not yet dispatched
    DISPATCHED = "dispatched"  # 已派单: sent to a lead unit, waiting for it to sign
    RETURNED = "returned"  # 已退单: the unit objects ("not ours"), dispatcher reviews
    SIGNED = "signed"  # 已签收: the lead unit signed for it; a handler holds it
    HANDLING = "handling"  # 办理中: work under way
    EXTENSION_PENDING = "extension_pending"  # 延期待审批: the unit asked for more time
    SUSPENDED = "suspended"  # 已挂起: waiting on something outside; the SLA clock is paused
    REPLIED = "replied"  # 已答复: the unit replied to the applicant; SLA clock stops
    CLOSED = "closed"  # 已办结: the dispatcher confirmed the reply and closed the order
    VISITED = "visited"  # 已回访: the return visit to the applicant is done
    RATED = "rated"  # 已评价: the applicant rated the service (end of the loop)
    REFUSED = "refused"  # 不予受理: not accepted (out of scope, incomplete), with reason
    WITHDRAWN = "withdrawn"  # 已撤回: the applicant withdrew before handling began
    MERGED = "merged"  # 已并单: merged into an earlier order about the same matter

    @property
    def label(self) -> str:
        return STATE_LABELS[self]

    @property
    def final(self) -> bool:
        """No further move is possible."""
        return self in FINAL_STATES

    @property
    def open(self) -> bool:
        """The SLA clock runs (or is paused): the unit's work is not done yet."""
        return self in OPEN_STATES


STATE_LABELS: Final[dict[OrderState, str]] = {
    OrderState.SUBMITTED: "待受理",
    OrderState.ACCEPTED: "已受理",
    OrderState.DISPATCHED: "已派单",
    OrderState.RETURNED: "已退单",
    OrderState.SIGNED: "已签收",
    OrderState.HANDLING: "办理中",
    OrderState.EXTENSION_PENDING: "延期待审批",
    OrderState.SUSPENDED: "已挂起",
    OrderState.REPLIED: "已答复",
    OrderState.CLOSED: "已办结",
    OrderState.VISITED: "已回访",
    OrderState.RATED: "已评价",
    OrderState.REFUSED: "不予受理",
    OrderState.WITHDRAWN: "已撤回",
    OrderState.MERGED: "已并单",
}

FINAL_STATES: Final = frozenset(
    {OrderState.RATED, OrderState.REFUSED, OrderState.WITHDRAWN, OrderState.MERGED}
)
OPEN_STATES: Final = frozenset(
    {
        OrderState.SUBMITTED,
        OrderState.ACCEPTED,
        OrderState.DISPATCHED,
        OrderState.RETURNED,
        OrderState.SIGNED,
        OrderState.HANDLING,
        OrderState.EXTENSION_PENDING,
        OrderState.SUSPENDED,
    }
)


class OrderAction(StrEnum):
    SUBMIT = "submit"  # 登记 (the intake event that creates the order; not a move)
    ACCEPT = "accept"  # 受理
    REFUSE = "refuse"  # 不予受理
    DISPATCH = "dispatch"  # 派单 (lead unit + assisting units)
    SIGN = "sign"  # 签收
    RETURN = "return"  # 退单 (objection: not our matter / not our area)
    REASSIGN = "reassign"  # 改派 (objection upheld: a new lead unit)
    REJECT_RETURN = "reject_return"  # 驳回退单 (objection rejected: same unit again)
    HANDLE = "handle"  # 办理 (work starts)
    REPLY = "reply"  # 答复
    REDO = "redo"  # 退回重办 (the reply is not accepted)
    CLOSE = "close"  # 办结
    VISIT = "visit"  # 回访
    RATE = "rate"  # 评价
    REQUEST_EXTENSION = "request_extension"  # 申请延期
    APPROVE_EXTENSION = "approve_extension"  # 批准延期
    REJECT_EXTENSION = "reject_extension"  # 驳回延期
    SUSPEND = "suspend"  # 挂起
    RESUME = "resume"  # 恢复
    URGE = "urge"  # 催办
    SUPERVISE = "supervise"  # 督办
    CLAIM = "claim"  # 认领 (take an order the unit holds but no handler has)
    HAND_OVER = "hand_over"  # 转交 (to another handler of the unit, or back to the pool)
    ASK_INPUT = "ask_input"  # 加签 (ask another unit for its opinion)
    GIVE_INPUT = "give_input"  # 加签回复 (the asked unit answers)
    WITHDRAW = "withdraw"  # 撤回 (by the applicant)
    MERGE = "merge"  # 并单 (into an earlier order)
    NOTE = "note"  # 备注 (a note only)

    @property
    def label(self) -> str:
        return ACTION_LABELS[self]


ACTION_LABELS: Final[dict[OrderAction, str]] = {
    OrderAction.SUBMIT: "登记",
    OrderAction.ACCEPT: "受理",
    OrderAction.REFUSE: "不予受理",
    OrderAction.DISPATCH: "派单",
    OrderAction.SIGN: "签收",
    OrderAction.RETURN: "退单",
    OrderAction.REASSIGN: "改派",
    OrderAction.REJECT_RETURN: "驳回退单",
    OrderAction.HANDLE: "办理",
    OrderAction.REPLY: "答复",
    OrderAction.REDO: "退回重办",
    OrderAction.CLOSE: "办结",
    OrderAction.VISIT: "回访",
    OrderAction.RATE: "评价",
    OrderAction.REQUEST_EXTENSION: "申请延期",
    OrderAction.APPROVE_EXTENSION: "批准延期",
    OrderAction.REJECT_EXTENSION: "驳回延期",
    OrderAction.SUSPEND: "挂起",
    OrderAction.RESUME: "恢复办理",
    OrderAction.URGE: "催办",
    OrderAction.SUPERVISE: "督办",
    OrderAction.CLAIM: "认领",
    OrderAction.HAND_OVER: "转交",
    OrderAction.ASK_INPUT: "加签",
    OrderAction.GIVE_INPUT: "加签回复",
    OrderAction.WITHDRAW: "撤回",
    OrderAction.MERGE: "并单",
    OrderAction.NOTE: "备注",
}

S = OrderState
A = OrderAction
STAY: Final = "stay"  # the state does not change
RESUME: Final = "resume"  # back to the state remembered when suspending / asking for time
Target = OrderState | str

_WORKING = (S.SIGNED, S.HANDLING)
_IN_UNIT = (S.DISPATCHED, S.RETURNED, S.SIGNED, S.HANDLING, S.EXTENSION_PENDING, S.SUSPENDED)

TRANSITIONS: Final[dict[OrderAction, dict[OrderState, Target]]] = {
    A.SUBMIT: {},
    A.ACCEPT: {S.SUBMITTED: S.ACCEPTED},
    A.REFUSE: {S.SUBMITTED: S.REFUSED, S.ACCEPTED: S.REFUSED},
    A.DISPATCH: {S.ACCEPTED: S.DISPATCHED},
    A.SIGN: {S.DISPATCHED: S.SIGNED},
    A.RETURN: {S.DISPATCHED: S.RETURNED, S.SIGNED: S.RETURNED},
    A.REASSIGN: {S.RETURNED: S.DISPATCHED, S.DISPATCHED: S.DISPATCHED},
    A.REJECT_RETURN: {S.RETURNED: S.DISPATCHED},
    A.HANDLE: {S.SIGNED: S.HANDLING},
    A.REPLY: {S.SIGNED: S.REPLIED, S.HANDLING: S.REPLIED},
    A.REDO: {S.REPLIED: S.HANDLING},
    A.CLOSE: {S.REPLIED: S.CLOSED},
    A.VISIT: {S.CLOSED: S.VISITED},
    A.RATE: {S.CLOSED: S.RATED, S.VISITED: S.RATED},
    A.REQUEST_EXTENSION: {s: S.EXTENSION_PENDING for s in _WORKING},
    A.APPROVE_EXTENSION: {S.EXTENSION_PENDING: RESUME},
    A.REJECT_EXTENSION: {S.EXTENSION_PENDING: RESUME},
    A.SUSPEND: {s: S.SUSPENDED for s in _WORKING},
    A.RESUME: {S.SUSPENDED: RESUME},
    # an order left unaccepted or undispatched past its deadline is urged too (the desk)
    A.URGE: {s: STAY for s in (S.SUBMITTED, S.ACCEPTED, *_IN_UNIT)},
    A.SUPERVISE: {s: STAY for s in (S.SUBMITTED, S.ACCEPTED, *_IN_UNIT)},
    A.CLAIM: {s: STAY for s in _WORKING},
    A.HAND_OVER: {s: STAY for s in _WORKING},
    A.ASK_INPUT: {s: STAY for s in _WORKING},
    A.GIVE_INPUT: {s: STAY for s in (*_WORKING, S.EXTENSION_PENDING, S.SUSPENDED)},
    A.WITHDRAW: {S.SUBMITTED: S.WITHDRAWN, S.ACCEPTED: S.WITHDRAWN, S.DISPATCHED: S.WITHDRAWN},
    A.MERGE: {S.SUBMITTED: S.MERGED, S.ACCEPTED: S.MERGED, S.DISPATCHED: S.MERGED},
    A.NOTE: {s: STAY for s in OrderState if s not in FINAL_STATES},
}
"""action → {from state: to state | STAY | RESUME}. Everything not listed is illegal."""


class IllegalTransition(ShibeiError):
    """An action that the order's state does not allow (or whose preconditions fail)."""

    def __init__(self, state: OrderState, action: OrderAction, why: str = "") -> None:
        self.state = state
        self.action = action
        message = f"工单当前状态为「{state.label}」，不能执行「{action.label}」"
        super().__init__(message + (f"：{why}" if why else ""))


def allowed_actions(state: OrderState) -> list[OrderAction]:
    """The actions legal in `state`, in declaration order (for buttons on a page)."""
    return [action for action, moves in TRANSITIONS.items() if state in moves]


def target(state: OrderState, action: OrderAction, resume_to: OrderState | None) -> OrderState:
    """The state after `action` from `state`; raises `IllegalTransition` when not allowed.

    >>> target(OrderState.DISPATCHED, OrderAction.SIGN, None)
    <OrderState.SIGNED: 'signed'>
    """
    moves = TRANSITIONS[action]
    if state not in moves:
        raise IllegalTransition(state, action)
    to = moves[state]
    if to == STAY:
        return state
    if to == RESUME:
        if resume_to is None:
            raise IllegalTransition(state, action, "没有可恢复的状态")
        return resume_to
    return OrderState(to)
