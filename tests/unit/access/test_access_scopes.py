"""Scopes beyond the policy table: own-unit-only, search bounds, places in two trees."""

from __future__ import annotations

import pytest

from shibei.access import Actor, PlaceIndex, Role, Scope, within_codes
from shibei.access import policy as policy_module
from shibei.access.resources import Place, Resource

PLACES = PlaceIndex(
    {"370203005001": "370203P01", "370203005002": "370203P01", "370203008002": "370203P02"},
    {"370203005": "辽宁路街道"},
)


def test_place_of_a_house_code_has_both_paths() -> None:
    place = PLACES.place("3702030050010010001010101")
    assert place == Place(
        ("370203", "370203005", "370203005001", "370203005001001"),
        ("370203P", "370203P01", "370203005001J"),
    )


def test_place_of_a_street_reaches_its_station() -> None:
    assert PLACES.place("370203005") == Place(("370203", "370203005"), ("370203P", "370203P01"))


@pytest.mark.parametrize("code", [None, "", "110101001", "abc"])
def test_codes_outside_the_district_have_no_place(code: str | None) -> None:
    assert PLACES.place(code) is None


def test_station_maps_to_the_streets_it_covers() -> None:
    assert PLACES.streets_of_station == {"370203P01": ("370203005",), "370203P02": ("370203008",)}


@pytest.mark.parametrize(
    ("role", "unit", "expected"),
    [
        (Role.DISTRICT_ADMIN, "370203", [""]),
        (Role.POPULATION_BRIGADE, "370203P90", [""]),
        (Role.STREET_STAFF, "370203005", ["370203005"]),
        (Role.GRID_WORKER, "370203005001001", ["370203005001001"]),
        (Role.STATION_POLICE, "370203P02", ["370203008"]),
        (Role.MEDIATOR, "370203005", []),
        (Role.RESIDENT, "", []),
    ],
)
def test_search_bounds_by_role(role: Role, unit: str, expected: list[str]) -> None:
    actor = Actor(1, "u", role, unit)
    assert within_codes(actor, "person.search", PLACES.streets_of_station) == expected


def test_own_unit_scope_excludes_the_units_below(monkeypatch: pytest.MonkeyPatch) -> None:
    table = {**policy_module.POLICY, Role.STREET_STAFF: {"stats.view": Scope.UNIT}}
    monkeypatch.setattr(policy_module, "POLICY", table)
    actor = Actor(1, "u", Role.STREET_STAFF, "370203005")
    street = PLACES.resource("division", "370203005", ("370203005",), frozenset())
    community = PLACES.resource("division", "370203005001", ("370203005001",), frozenset())
    assert policy_module.allowed(actor, "stats.view", street)
    assert not policy_module.allowed(actor, "stats.view", community)


def test_self_scope_needs_the_actor_to_be_a_person() -> None:
    official = Actor(1, "u", Role.RESIDENT, "", person_id=None)
    assert not policy_module.allowed(official, "person.view", Resource("person", "P1"))
