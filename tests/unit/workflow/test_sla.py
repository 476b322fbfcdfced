"""Escalation on the working-day calendar: 预警 before the deadline, 催办 as soon as it
passes, 督办 by the parent unit some working days later — each once, in that order,
recorded as events by `system`; paused and replied orders are left alone."""

from __future__ import annotations

import types
from datetime import datetime

import pytest

from shibei.workflow import (
    MatterPolicy,
    OrderAction,
    OrderQuery,
    OrderState,
    Policies,
    WorkCalendar,
    WorkflowService,
    parent_unit,
    sla_steps,
)
from shibei.workflow.repository import InMemoryWorkOrderRepository

A, S = OrderAction, OrderState


@pytest.fixture
def sla_service(
    repo: InMemoryWorkOrderRepository, calendar: WorkCalendar, clock: types.SimpleNamespace
) -> WorkflowService:
    policy = MatterPolicy("birth_registration", "出生登记", 3, warn_before=1, supervise_after=2)
    return WorkflowService(repo, calendar, clock, Policies([policy]))


def start(service: WorkflowService, kit: types.ModuleType) -> str:
    new = kit.new_order(matter_code="birth_registration", title="新生儿落户")
    order_id: str = service.intake(new, kit.RESIDENT).order.id
    service.act(order_id, A.ACCEPT, kit.STREET_STAFF)
    service.act(order_id, A.DISPATCH, kit.STREET_STAFF, lead_unit=kit.COMMUNITY)
    service.act(order_id, A.SIGN, kit.COMMUNITY_WORKER)
    return order_id


def test_warning_then_urge_then_supervision_by_the_parent_unit(
    sla_service: WorkflowService, kit: types.ModuleType, clock: types.SimpleNamespace
) -> None:
    # filed Friday 2025-01-24: 3 working days → Sun 1-26, Mon 1-27, Wed 2-5 (Spring Festival)
    clock.now = datetime(2025, 1, 24, 9, 0)
    order_id = start(sla_service, kit)
    order = sla_service.get(order_id)
    assert order.due_at == datetime(2025, 2, 5, 23, 59, 59)

    assert sla_service.sweep(datetime(2025, 1, 26, 9)) == []  # 2 working days left
    [warning] = sla_service.sweep(datetime(2025, 1, 27, 9))  # the last working day before
    assert (warning.level, warning.unit) == ("warning", kit.COMMUNITY)
    assert sla_service.sweep(datetime(2025, 2, 3, 9)) == []  # holiday: nothing new
    assert sla_service.sweep(datetime(2025, 2, 5, 23, 0)) == []  # still within the day

    [urge] = sla_service.sweep(datetime(2025, 2, 6, 9))
    assert (urge.level, urge.unit) == ("urge", kit.COMMUNITY)
    urged = sla_service.get(order_id)
    assert (urged.overdue, urged.escalation, urged.state) == (True, 2, S.SIGNED)
    assert sla_service.sweep(datetime(2025, 2, 7, 9)) == []  # 1 working day over
    # 2 working days over: Fri 2-7 and the worked Saturday 2-8
    [supervise] = sla_service.sweep(datetime(2025, 2, 8, 9))
    assert (supervise.level, supervise.unit) == ("supervise", kit.STREET)
    supervised = sla_service.get(order_id)
    assert (supervised.escalation, supervised.supervisor_unit) == (3, kit.STREET)
    assert sla_service.sweep(datetime(2025, 2, 20, 9)) == []  # each step once

    events = sla_service.events(order_id)[-3:]
    assert [e.action for e in events] == [A.NOTE, A.URGE, A.SUPERVISE]
    assert {e.actor.username for e in events} == {"system"}
    assert events[0].data == {"sla": "warning"}
    assert "由上级单位督办" in events[2].note
    assert sla_service.repo.count(OrderQuery(overdue=True)) == 1


def test_a_sweep_that_comes_late_records_urge_before_supervision(
    sla_service: WorkflowService, kit: types.ModuleType
) -> None:
    order_id = start(sla_service, kit)  # Monday 2025-03-03, due Thursday 03-06
    steps = sla_service.sweep(datetime(2025, 3, 20, 9))
    assert [s.level for s in steps] == ["urge", "supervise"]
    assert [e.action for e in sla_service.events(order_id)][-2:] == [A.URGE, A.SUPERVISE]


def test_suspended_and_replied_orders_are_not_escalated(
    sla_service: WorkflowService, kit: types.ModuleType
) -> None:
    paused = start(sla_service, kit)
    sla_service.act(paused, A.SUSPEND, kit.COMMUNITY_WORKER, note="等待出生医学证明")
    replied = start(sla_service, kit)
    sla_service.act(replied, A.REPLY, kit.COMMUNITY_WORKER, reply="已落户")
    assert sla_service.sweep(datetime(2025, 4, 1, 9)) == []


def test_an_approved_extension_clears_the_overdue_flag(
    sla_service: WorkflowService, kit: types.ModuleType, clock: types.SimpleNamespace
) -> None:
    order_id = start(sla_service, kit)
    clock.now = datetime(2025, 3, 7, 9)
    sla_service.sweep()
    assert sla_service.get(order_id).overdue
    sla_service.act(order_id, A.REQUEST_EXTENSION, kit.COMMUNITY_WORKER, note="补材料", days=5)
    extended = sla_service.act(order_id, A.APPROVE_EXTENSION, kit.STREET_STAFF)
    assert extended.due_at == datetime(2025, 3, 13, 23, 59, 59)
    assert (extended.overdue, extended.escalation) == (False, 0)


def test_sla_steps_is_pure_and_says_nothing_for_an_order_without_deadline(
    sla_service: WorkflowService, kit: types.ModuleType, calendar: WorkCalendar
) -> None:
    order = sla_service.get(start(sla_service, kit)).evolve(due_at=None)
    policy = MatterPolicy("x", "x", 1)
    assert sla_steps(order, datetime(2030, 1, 1), calendar, policy) == []


@pytest.mark.parametrize(
    ("code", "parent"),
    [
        ("3702030050010010012020401", "370203005001001"),
        ("370203005001001", "370203005001"),
        ("370203005001", "370203005"),
        ("370203005", "370203"),
        ("370203", None),
        ("370203P05", "370203P"),
        ("370203P", "370203"),
        ("370203005001J", "370203P"),
    ],
)
def test_parent_units_follow_both_trees(code: str, parent: str | None) -> None:
    assert parent_unit(code) == parent


def test_a_police_district_escalates_to_its_station_when_known() -> None:
    assert parent_unit("370203005001J", {"370203005001": "370203P05"}) == "370203P05"


def test_the_place_index_knows_the_station_above_a_police_district(
    places: object, kit: types.ModuleType
) -> None:
    from shibei.workflow import parents_in

    parent_of = parents_in(places)  # type: ignore[arg-type]
    assert parent_of(kit.COMMUNITY + "J") == kit.STATION
    assert parent_of(kit.COMMUNITY) == kit.STREET
