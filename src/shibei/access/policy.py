"""The one access decision: `allowed(actor, action, resource)`."""

from __future__ import annotations

from shibei.access.resources import Actor, Place, Resource
from shibei.access.roles import ACTIONS, POLICY, Scope


def scope_of(actor: Actor, action: str) -> Scope | None:
    """The scope within which the actor may take the action, or None."""
    if action not in ACTIONS:
        raise ValueError(f"未声明的操作：{action}")
    return POLICY[actor.role].get(action)


def allowed(actor: Actor, action: str, resource: Resource) -> bool:
    """True when the actor's role grants `action` and the resource lies in its scope.

    >>> allowed(street_official, "person.view", person_in_other_street)  # doctest: +SKIP
    False
    """
    scope = scope_of(actor, action)
    if scope is None:
        return False
    if scope is Scope.ALL:
        return True
    if scope is Scope.SELF:
        return actor.person_id is not None and actor.person_id in resource.subjects
    return any(_in_scope(actor, scope, place) for place in resource.places)


def _in_scope(actor: Actor, scope: Scope, place: Place) -> bool:
    path = place.path(actor.tree)
    if not actor.unit_code or not path:
        return False
    if scope is Scope.UNIT:
        return path[-1] == actor.unit_code
    return actor.unit_code in path


def within_codes(actor: Actor, action: str, stations: dict[str, tuple[str, ...]]) -> list[str]:
    """Division-code prefixes that bound a search for `action`: [""] for the whole
    district, [] when nothing may be searched. A police station maps to the streets it
    covers (`stations`: station code → street codes); the results must still pass
    `allowed` one by one (the prefixes only narrow the query)."""
    scope = scope_of(actor, action)
    if scope is None or scope is Scope.SELF:
        return []
    if scope is Scope.ALL:
        return [""]
    if actor.tree == "admin":
        return [actor.unit_code] if actor.unit_code else []
    return list(stations.get(actor.unit_code, ()))
