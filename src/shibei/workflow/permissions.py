"""Who may take which action on an order: the access action each workflow action needs
(checked with the one `allowed()`), the order as an access `Resource` placed where the
matter is and where its units sit, and the engine's own unit rule (only the lead unit
signs and handles; only a unit asked for input answers)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from shibei.access import Actor, Place, PlaceIndex, Resource, Scope, allowed, scope_of
from shibei.access.places import BUREAU
from shibei.workflow.model import WorkOrder
from shibei.workflow.sla import parent_unit
from shibei.workflow.states import OrderAction

A = OrderAction
APPLY, VIEW, HANDLE, DISPATCH = (
    "workorder.apply",
    "workorder.view",
    "workorder.handle",
    "workorder.dispatch",
)

ACTION_PERMISSIONS: Final[dict[OrderAction, tuple[str, ...]]] = {
    A.SUBMIT: (APPLY, HANDLE, DISPATCH),
    A.ACCEPT: (DISPATCH,),
    A.REFUSE: (DISPATCH,),
    A.DISPATCH: (DISPATCH,),
    A.REASSIGN: (DISPATCH,),
    A.REJECT_RETURN: (DISPATCH,),
    A.APPROVE_EXTENSION: (DISPATCH,),
    A.REJECT_EXTENSION: (DISPATCH,),
    A.URGE: (DISPATCH,),
    A.SUPERVISE: (DISPATCH,),
    A.REDO: (DISPATCH,),
    A.CLOSE: (DISPATCH,),
    A.VISIT: (DISPATCH,),
    A.MERGE: (DISPATCH,),
    A.SIGN: (HANDLE,),
    A.RETURN: (HANDLE,),
    A.HANDLE: (HANDLE,),
    A.REPLY: (HANDLE,),
    A.REQUEST_EXTENSION: (HANDLE,),
    A.SUSPEND: (HANDLE,),
    A.RESUME: (HANDLE,),
    A.CLAIM: (HANDLE,),
    A.HAND_OVER: (HANDLE,),
    A.ASK_INPUT: (HANDLE,),
    A.GIVE_INPUT: (HANDLE,),
    A.WITHDRAW: (APPLY,),
    A.RATE: (APPLY, DISPATCH),  # the applicant, or the return-visit officer for them
    A.NOTE: (APPLY, HANDLE, DISPATCH),
}
"""Workflow action → access actions of which one must be allowed on the order."""

LEAD_UNIT_ACTIONS: Final = frozenset(
    {A.SIGN, A.RETURN, A.HANDLE, A.REPLY, A.REQUEST_EXTENSION, A.SUSPEND, A.RESUME}
    | {A.CLAIM, A.HAND_OVER, A.ASK_INPUT}
)
"""Actions only the lead unit (or a unit above it) takes."""


def unit_place(code: str, places: PlaceIndex) -> Place | None:
    """Where a unit sits: a division code in both trees, a police station or the bureau
    in the police tree, a community police district (…J) under its community."""
    if code.endswith("J"):
        return places.place(code[:-1])
    if code.startswith(BUREAU):
        return Place((), (BUREAU,) if code == BUREAU else (BUREAU, code))
    return places.place(code)


def order_resource(order: WorkOrder, places: PlaceIndex) -> Resource:
    """The order as an access resource: placed at its house/division and at its lead,
    assisting, consulted and supervising units; its subject is the applicant."""
    codes = (order.house_code, order.division_code or None)
    units = (order.lead_unit, *order.assist_units, *order.consulting, order.supervisor_unit)
    resource = places.resource("workorder", order.id, codes, _subjects(order))
    extra = [p for p in (unit_place(u, places) for u in units if u) if p]
    return Resource(resource.kind, resource.id, (*resource.places, *extra), resource.subjects)


def _subjects(order: WorkOrder) -> frozenset[str]:
    return frozenset({order.applicant_person_id}) if order.applicant_person_id else frozenset()


def may(actor: Actor, action: OrderAction, resource: Resource) -> bool:
    """`allowed()` for one of the access actions the workflow action needs."""
    return any(allowed(actor, name, resource) for name in ACTION_PERMISSIONS[action])


def role_may(actor: Actor, action: OrderAction, order: WorkOrder) -> bool:
    """The role check without places (no PlaceIndex at hand): the role must grant one of
    the access actions; a self-scoped grant (a resident) only on the actor's own order."""
    for name in ACTION_PERMISSIONS[action]:
        scope = scope_of(actor, name)
        if scope is Scope.SELF:
            if actor.person_id is not None and actor.person_id == order.applicant_person_id:
                return True
        elif scope is not None:
            return True
    return False


def unit_rule(actor: Actor, order: WorkOrder, action: OrderAction) -> str | None:
    """Why the actor's unit may not take the action (Chinese), or None when it may.
    Roles with district-wide scope pass."""
    if scope_of(actor, HANDLE) is Scope.ALL or scope_of(actor, DISPATCH) is Scope.ALL:
        return None
    if action in LEAD_UNIT_ACTIONS:
        lead = order.lead_unit or ""
        if not actor.unit_code or not lead.startswith(actor.unit_code):
            return "只有主办单位可以执行此操作"
    if action is A.GIVE_INPUT and actor.unit_code not in order.consulting:
        return "只有被加签的单位可以回复"
    if action is A.WITHDRAW and actor.person_id != order.applicant_person_id:
        return "只有申请人本人可以撤回"
    return None


def parents_in(places: PlaceIndex) -> Callable[[str], str | None]:
    """`parent_unit` that knows which station a community police district (…J) belongs
    to, from the place index (pass as `WorkflowService(parent_of=…)`)."""

    def parent_of(code: str) -> str | None:
        if code.endswith("J"):
            place = places.place(code[:-1])
            if place is not None and len(place.police) >= 2:
                return place.police[1]
        return parent_unit(code)

    return parent_of
