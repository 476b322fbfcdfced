"""The authorization matrix: every role × action × level, an in-scope resource and an
out-of-scope one. The expected grants are restated here by hand, not read from POLICY,
so a change to the policy table must be made twice, on purpose."""

from __future__ import annotations

import itertools

import pytest

from shibei.access import ACTIONS, Actor, PlaceIndex, Resource, Role, allowed

S1, S2 = "370203005", "370203008"
C1, C1B, C2 = "370203005001", "370203005002", "370203008002"
G1, G1B, G2 = "370203005001001", "370203005001002", "370203008002001"
H1, H2 = G1 + "0001010101", G2 + "0001010101"
SELF_ID, NEIGHBOUR_ID = "P0000000001", "P0000000002"

PLACES = PlaceIndex(
    {C1: "370203P01", C1B: "370203P01", C2: "370203P02"},
    {},
)

ACTORS = {
    Role.DISTRICT_ADMIN: Actor(1, "admin", Role.DISTRICT_ADMIN, "370203"),
    Role.STREET_STAFF: Actor(2, "street", Role.STREET_STAFF, S1),
    Role.COMMUNITY_WORKER: Actor(3, "community", Role.COMMUNITY_WORKER, C1),
    Role.GRID_WORKER: Actor(4, "grid", Role.GRID_WORKER, G1),
    Role.STATION_POLICE: Actor(5, "police", Role.STATION_POLICE, "370203P01"),
    Role.POPULATION_BRIGADE: Actor(6, "brigade", Role.POPULATION_BRIGADE, "370203P90"),
    Role.MEDIATOR: Actor(7, "mediator", Role.MEDIATOR, S1),
    Role.CHAMBER_LIAISON: Actor(8, "chamber", Role.CHAMBER_LIAISON, S1),
    Role.RESIDENT: Actor(9, "resident", Role.RESIDENT, "", person_id=SELF_ID),
}

OFFICIAL = {
    "person.view",
    "person.search",
    "house.view",
    "organization.view",
    "organization.search",
    "division.view",
    "stats.view",
    "export",
}
HANDLER = {"workorder.view", "workorder.handle"}
DISPATCHER = HANDLER | {"workorder.dispatch"}
RISK = {"masscase.view", "risk.view", "risk.verify"}
GRANTS: dict[Role, set[str]] = {
    Role.DISTRICT_ADMIN: set(ACTIONS),
    Role.STREET_STAFF: OFFICIAL | DISPATCHER | RISK,
    Role.COMMUNITY_WORKER: OFFICIAL | HANDLER,
    Role.GRID_WORKER: (OFFICIAL - {"export"}) | HANDLER,
    Role.STATION_POLICE: OFFICIAL | DISPATCHER | RISK | {"person.unmask", "masscase.review"},
    Role.POPULATION_BRIGADE: OFFICIAL
    | DISPATCHER
    | RISK
    | {"person.unmask", "quality.view", "masscase.review"},
    Role.MEDIATOR: {"person.view", "division.view", "stats.view"} | HANDLER,
    Role.CHAMBER_LIAISON: {
        "organization.view",
        "organization.search",
        "division.view",
        "stats.view",
        "export",
        "risk.view",
    },
    Role.RESIDENT: {
        "person.view",
        "house.view",
        "workorder.apply",
        "workorder.view",
        "masscase.report",
    },
}
"""Which actions each role has at all."""

WHOLE_DISTRICT = {Role.DISTRICT_ADMIN, Role.POPULATION_BRIGADE}
REACH: dict[Role, set[str]] = {
    Role.STREET_STAFF: {"street", "community", "grid", "self"},
    Role.COMMUNITY_WORKER: {"community", "grid", "self"},
    Role.GRID_WORKER: {"grid", "self"},
    Role.STATION_POLICE: {"street", "community", "grid", "self"},
    Role.MEDIATOR: {"street", "community", "grid", "self"},
    Role.CHAMBER_LIAISON: {"street", "community", "grid", "self"},
    Role.RESIDENT: {"self"},
}
"""Levels at which the in-scope ("home") resource is reachable for a scoped role: a unit
sees its own level and below, never the level above it."""

LEVELS = ("district", "street", "community", "grid", "self")


def _resource(level: str, home: bool) -> Resource:
    """The home resource lies in street S1 / community C1 / grid G1; the other one in
    street S2 (or, at self level, is the resident's neighbour in the same house)."""
    if level == "self":
        who = SELF_ID if home else NEIGHBOUR_ID
        return PLACES.resource("person", who, (H1,), frozenset({who}))
    codes = {
        "district": ("370203", "370203"),
        "street": (S1, S2),
        "community": (C1, C2),
        "grid": (G1, G2),
    }[level]
    code = codes[0] if home else codes[1]
    return PLACES.resource("division", code, (code,), frozenset())


def _expected(role: Role, action: str, level: str, home: bool) -> bool:
    if action not in GRANTS[role]:
        return False
    if role in WHOLE_DISTRICT:
        return True
    if level == "self" and role is not Role.RESIDENT:
        home = True  # the neighbour lives in the same house, in every official's scope
    return home and level in REACH[role]


CASES = list(itertools.product(Role, sorted(ACTIONS), LEVELS, (True, False)))


@pytest.mark.parametrize(("role", "action", "level", "home"), CASES)
def test_role_action_level(role: Role, action: str, level: str, home: bool) -> None:
    resource = _resource(level, home)
    assert allowed(ACTORS[role], action, resource) is _expected(role, action, level, home)


@pytest.mark.parametrize("role", list(Role))
def test_every_role_has_an_allow_and_a_deny_for_every_action_it_holds(role: Role) -> None:
    for action in GRANTS[role]:
        outcomes = {
            allowed(ACTORS[role], action, _resource(level, home))
            for level in LEVELS
            for home in (True, False)
        }
        if role in WHOLE_DISTRICT:
            assert outcomes == {True}
        else:
            assert outcomes == {True, False}, action
    for action in set(ACTIONS) - GRANTS[role]:
        assert not any(allowed(ACTORS[role], action, _resource(lv, True)) for lv in LEVELS)


def test_whole_district_roles_are_denied_actions_they_do_not_hold() -> None:
    brigade = ACTORS[Role.POPULATION_BRIGADE]
    assert not allowed(brigade, "audit.view", _resource("district", True))
    assert not allowed(brigade, "account.manage", _resource("grid", True))


def test_grid_worker_is_denied_the_neighbouring_grid_of_the_same_community() -> None:
    other_grid = PLACES.resource("division", G1B, (G1B,), frozenset())
    assert not allowed(ACTORS[Role.GRID_WORKER], "person.view", other_grid)
    assert allowed(ACTORS[Role.COMMUNITY_WORKER], "person.view", other_grid)


def test_station_police_see_every_community_of_their_station_through_the_police_tree() -> None:
    police = ACTORS[Role.STATION_POLICE]
    assert allowed(police, "person.view", PLACES.resource("house", H1, (H1,), frozenset()))
    assert allowed(police, "person.view", PLACES.resource("division", C1B, (C1B,), frozenset()))
    assert not allowed(police, "person.view", PLACES.resource("house", H2, (H2,), frozenset()))


def test_a_person_living_in_one_street_with_hukou_in_another_is_seen_by_both() -> None:
    person = PLACES.resource("person", "P9", (H1, H2), frozenset({"P9"}))
    other_street = Actor(10, "s2", Role.STREET_STAFF, S2)
    assert allowed(ACTORS[Role.STREET_STAFF], "person.view", person)
    assert allowed(other_street, "person.view", person)
    assert not allowed(
        ACTORS[Role.GRID_WORKER], "person.view", PLACES.resource("p", "x", (H2,), frozenset())
    )


def test_a_resource_without_a_place_is_visible_only_district_wide() -> None:
    nowhere = Resource("person", "P8")
    assert allowed(ACTORS[Role.DISTRICT_ADMIN], "person.view", nowhere)
    assert not allowed(ACTORS[Role.STREET_STAFF], "person.view", nowhere)


def test_an_undeclared_action_is_an_error_not_a_silent_deny() -> None:
    with pytest.raises(ValueError, match="未声明的操作"):
        allowed(ACTORS[Role.DISTRICT_ADMIN], "person.delete", _resource("grid", True))
