"""Actors and resources placed in the two trees.

A `Place` is where something sits: its path in the administrative tree (district, street,
community, grid codes, deepest last) and in the police tree (bureau, station, police
district). A resource may sit in several places (a person's home and hukou house).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from shibei.access.roles import ROLE_UNIT, Role, Tree


@dataclass(frozen=True, slots=True)
class Place:
    admin: tuple[str, ...]  # e.g. ("370203", "370203005", "370203005001", "370203005001001")
    police: tuple[str, ...] = ()  # e.g. ("370203P", "370203P01", "370203005001J")

    def path(self, tree: Tree) -> tuple[str, ...]:
        return self.admin if tree == "admin" else self.police


@dataclass(frozen=True, slots=True)
class Resource:
    """What an action is taken on. `subjects` are the persons it concerns (the person
    itself; a house's owner and occupants; an organization's legal representative)."""

    kind: str  # person | house | organization | division | district | audit | account
    id: str
    places: tuple[Place, ...] = ()
    subjects: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True, slots=True)
class Actor:
    """A logged-in account: its role, the unit it belongs to, and (for a resident) the
    person it is."""

    account_id: int
    username: str
    role: Role
    unit_code: str  # a division code, a police unit code, or "" for a resident
    person_id: str | None = None

    @property
    def tree(self) -> Tree:
        return ROLE_UNIT[self.role][0]
