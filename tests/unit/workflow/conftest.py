"""Shared pieces of the work-order engine's unit tests: a settable clock, actors in both
trees, a pinned calendar, a place index of two streets."""

from __future__ import annotations

import sys
import types
from datetime import date, datetime, timedelta

import pytest

from shibei.access import Actor, PlaceIndex, Role
from shibei.workflow import (
    FixedHolidays,
    InMemoryWorkOrderRepository,
    NewOrder,
    WorkCalendar,
    WorkflowService,
)

STREET = "370203005"
COMMUNITY = "370203005001"
GRID = "370203005001001"
HOUSE = "3702030050010010012020401"
OTHER_STREET = "370203010"
STATION = "370203P05"


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


def spring_festival_2025() -> FixedHolidays:
    """The State Council's 2025 notice, pinned by hand (国办发明电〔2024〕12号): Spring
    Festival 1-28 … 2-4 off, Sunday 1-26 and Saturday 2-8 worked; National Day 10-1 … 10-8
    off, Sunday 9-28 and Saturday 10-11 worked."""
    holidays = [date(2025, 1, 28) + timedelta(days=i) for i in range(8)]
    holidays += [date(2025, 10, 1) + timedelta(days=i) for i in range(8)]
    holidays.append(date(2025, 1, 1))
    workdays = [date(2025, 1, 26), date(2025, 2, 8), date(2025, 9, 28), date(2025, 10, 11)]
    return FixedHolidays(holidays, workdays, years=[2025])


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2025, 3, 3, 9, 0))  # a Monday


@pytest.fixture
def calendar() -> WorkCalendar:
    return WorkCalendar(spring_festival_2025())


@pytest.fixture
def repo() -> InMemoryWorkOrderRepository:
    return InMemoryWorkOrderRepository()


@pytest.fixture
def service(
    repo: InMemoryWorkOrderRepository, calendar: WorkCalendar, clock: Clock
) -> WorkflowService:
    return WorkflowService(repo, calendar, clock)


@pytest.fixture
def places() -> PlaceIndex:
    station_of_community = {COMMUNITY: STATION, "370203010001": "370203P10"}
    return PlaceIndex(station_of_community, {})


ADMIN = Actor(1, "admin", Role.DISTRICT_ADMIN, "370203")
STREET_STAFF = Actor(2, "street5", Role.STREET_STAFF, STREET)
OTHER_STREET_STAFF = Actor(3, "street10", Role.STREET_STAFF, OTHER_STREET)
COMMUNITY_WORKER = Actor(4, "comm1", Role.COMMUNITY_WORKER, COMMUNITY)
COLLEAGUE = Actor(5, "comm2", Role.COMMUNITY_WORKER, COMMUNITY)
GRID_WORKER = Actor(6, "grid1", Role.GRID_WORKER, GRID)
POLICE = Actor(7, "police5", Role.STATION_POLICE, STATION)
RESIDENT = Actor(8, "resident", Role.RESIDENT, "", "P0000000001")
OTHER_RESIDENT = Actor(9, "neighbour", Role.RESIDENT, "", "P0000000002")


def new_order(**changes: object) -> NewOrder:
    values: dict[str, object] = {
        "kind": "household",
        "matter_code": "residence_permit",
        "title": "申领居住证",
        "applicant_name": "张三",
        "applicant_phone": "13800000000",
        "applicant_person_id": RESIDENT.person_id,
        "house_code": HOUSE,
        "division_code": GRID,
    }
    values.update(changes)
    return NewOrder(**values)  # type: ignore[arg-type]


@pytest.fixture
def kit() -> types.ModuleType:
    """This module: the actors, codes and `new_order` above, for the tests to use
    (test modules cannot import each other under --import-mode=importlib)."""
    return sys.modules[__name__]
