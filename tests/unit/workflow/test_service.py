"""`WorkflowService` over the in-memory repository: the whole loop, events and who may
read them, idempotent intake (also under concurrency), optimistic locking, the unit rule
and access checks, suspension and extensions moving the deadline."""

from __future__ import annotations

import itertools
import threading
import types
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import pytest

from shibei.access import allowed
from shibei.workflow import (
    Forbidden,
    IllegalTransition,
    InMemoryWorkOrderRepository,
    InvalidAction,
    OrderAction,
    OrderNotFound,
    OrderQuery,
    OrderState,
    StaleOrder,
    Visibility,
    WorkflowService,
    order_resource,
    visible_events,
)

A, S = OrderAction, OrderState


def dispatched(service: WorkflowService, kit: types.ModuleType) -> str:
    order = service.intake(kit.new_order(), kit.RESIDENT).order
    service.act(order.id, A.ACCEPT, kit.STREET_STAFF)
    service.act(order.id, A.DISPATCH, kit.STREET_STAFF, lead_unit=kit.COMMUNITY)
    return order.id


def test_intake_numbers_the_order_and_sets_a_working_day_deadline(
    service: WorkflowService, kit: types.ModuleType
) -> None:
    result = service.intake(kit.new_order(), kit.RESIDENT, note="材料齐全")
    order = result.order
    assert result.created and result.duplicates == ()
    assert order.id == "HJ20250303000001"
    assert (order.state, order.version, order.division_code) == (S.SUBMITTED, 1, kit.GRID)
    # 10 working days (household default) from Monday 3-3 → Monday 3-17
    assert order.due_at == datetime(2025, 3, 17, 23, 59, 59)
    [event] = service.events(order.id)
    assert (event.action, event.from_state, event.to_state) == (A.SUBMIT, None, S.SUBMITTED)
    assert (event.actor.username, event.note, event.visibility) == (
        "resident",
        "材料齐全",
        Visibility.APPLICANT,
    )


def test_an_empty_title_is_refused(service: WorkflowService, kit: types.ModuleType) -> None:
    with pytest.raises(InvalidAction, match="标题"):
        service.intake(kit.new_order(title="  "), kit.RESIDENT)


def test_the_whole_closed_loop_leaves_one_event_per_step(
    service: WorkflowService, kit: types.ModuleType, clock: types.SimpleNamespace
) -> None:
    order_id = dispatched(service, kit)
    worker = kit.COMMUNITY_WORKER
    service.act(order_id, A.SIGN, worker)
    service.act(order_id, A.HANDLE, worker, note="已联系申请人")
    clock.advance(days=1)
    service.act(
        order_id, A.REPLY, worker, note="居住证已制作，请到窗口领取", visibility="applicant"
    )
    service.act(order_id, A.CLOSE, kit.STREET_STAFF)
    service.act(order_id, A.VISIT, kit.STREET_STAFF, note="申请人满意", visibility="applicant")
    order = service.act(order_id, A.RATE, kit.RESIDENT, rating=5)
    assert (order.state, order.rating, order.version, order.overdue) == (S.RATED, 5, 9, False)
    assert order.reply == "居住证已制作，请到窗口领取"
    events = service.events(order_id)
    assert [e.action for e in events] == [
        A.SUBMIT, A.ACCEPT, A.DISPATCH, A.SIGN, A.HANDLE, A.REPLY, A.CLOSE, A.VISIT, A.RATE
    ]  # fmt: skip
    assert [e.seq for e in events] == list(range(1, 10))
    assert all(e.to_state == n.from_state for e, n in itertools.pairwise(events))


def test_the_applicant_reads_state_changes_and_their_notes_but_no_internal_note(
    service: WorkflowService, kit: types.ModuleType
) -> None:
    order_id = dispatched(service, kit)
    service.act(order_id, A.SIGN, kit.COMMUNITY_WORKER, note="内部：此人曾多次来访")
    service.act(order_id, A.URGE, kit.STREET_STAFF, note="内部催办")
    service.act(
        order_id, A.NOTE, kit.COMMUNITY_WORKER, note="请补充租房合同", visibility="applicant"
    )
    service.act(order_id, A.NOTE, kit.COMMUNITY_WORKER, note="办理指南已公开", visibility="public")
    events = service.events(order_id)
    mine = visible_events(events, "applicant")
    assert [e.action for e in mine] == [A.SUBMIT, A.ACCEPT, A.DISPATCH, A.SIGN, A.NOTE, A.NOTE]
    assert all("内部" not in e.note for e in mine)
    assert mine[3].actor.username == "" and mine[3].actor.unit_code == kit.COMMUNITY
    assert [e.note for e in visible_events(events, "public")] == ["办理指南已公开"]
    assert len(visible_events(events, "staff")) == len(events) == 7


def test_an_intake_retried_with_the_same_key_creates_one_order(
    service: WorkflowService, repo: InMemoryWorkOrderRepository, kit: types.ModuleType
) -> None:
    first = service.intake(kit.new_order(), kit.RESIDENT, idempotency_key="form-1")
    again = service.intake(kit.new_order(title="重复提交"), kit.RESIDENT, idempotency_key="form-1")
    assert first.created and not again.created
    assert again.order == first.order
    assert repo.count(OrderQuery()) == 1


def test_concurrent_intakes_with_one_key_create_exactly_one_order(
    service: WorkflowService, repo: InMemoryWorkOrderRepository, kit: types.ModuleType
) -> None:
    barrier = threading.Barrier(8)

    def submit(n: int) -> tuple[str, bool]:
        barrier.wait()
        result = service.intake(kit.new_order(), kit.RESIDENT, idempotency_key="retry-key")
        return result.order.id, result.created

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(submit, range(8)))
    assert len({order_id for order_id, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    assert repo.count(OrderQuery()) == 1


def test_two_officers_on_the_same_version_cannot_both_succeed(
    service: WorkflowService, kit: types.ModuleType
) -> None:
    order_id = dispatched(service, kit)
    version = service.get(order_id).version
    service.act(order_id, A.SIGN, kit.COMMUNITY_WORKER, expected_version=version)
    with pytest.raises(StaleOrder, match="已被他人处理") as caught:
        service.act(order_id, A.RETURN, kit.COLLEAGUE, note="不归我们", expected_version=version)
    assert (caught.value.expected, caught.value.found) == (version, version + 1)
    assert service.get(order_id).state is S.SIGNED


def test_a_stale_write_is_refused_by_the_repository_itself(
    service: WorkflowService, repo: InMemoryWorkOrderRepository, kit: types.ModuleType
) -> None:
    """Both officers read version 3; the slower write loses even without expected_version
    from a page (the race between read and write)."""
    from shibei.workflow import apply_action, event_actor

    order_id = dispatched(service, kit)
    seen = service.get(order_id)
    now = datetime(2025, 3, 3, 10)
    a, ea = apply_action(seen, A.SIGN, event_actor(kit.COMMUNITY_WORKER), now, service.calendar)
    b, eb = apply_action(
        seen, A.RETURN, event_actor(kit.COLLEAGUE), now, service.calendar, note="异议"
    )
    repo.save(a, ea, seen.version)
    with pytest.raises(StaleOrder):
        repo.save(b, eb, seen.version)
    assert [e.action for e in repo.events(order_id)][-1] is A.SIGN


def test_concurrent_actions_on_one_order_let_exactly_one_win(
    service: WorkflowService, kit: types.ModuleType
) -> None:
    order_id = dispatched(service, kit)
    version = service.get(order_id).version
    barrier = threading.Barrier(6)

    def sign(_: int) -> bool:
        barrier.wait()
        try:
            service.act(order_id, A.SIGN, kit.COMMUNITY_WORKER, expected_version=version)
        except (StaleOrder, IllegalTransition):
            return False
        return True

    with ThreadPoolExecutor(6) as pool:
        wins = list(pool.map(sign, range(6)))
    assert sum(wins) == 1
    assert [e.action for e in service.events(order_id)].count(A.SIGN) == 1


def test_unknown_orders_are_reported(service: WorkflowService, kit: types.ModuleType) -> None:
    with pytest.raises(OrderNotFound, match="不存在"):
        service.act("HJ20250101999999", A.ACCEPT, kit.ADMIN)


def test_only_the_lead_unit_signs_and_handles(
    service: WorkflowService, kit: types.ModuleType
) -> None:
    order_id = dispatched(service, kit)
    with pytest.raises(Forbidden, match="主办单位"):
        service.act(order_id, A.SIGN, kit.OTHER_STREET_STAFF)
    with pytest.raises(Forbidden, match="主办单位"):
        service.act(order_id, A.SIGN, kit.GRID_WORKER)  # a grid below the lead unit
    service.act(order_id, A.SIGN, kit.STREET_STAFF)  # the street above it may
    assert service.get(order_id).handler == "street5"


def test_withdraw_is_for_the_applicant_only(
    service: WorkflowService, kit: types.ModuleType
) -> None:
    order = service.intake(kit.new_order(), kit.RESIDENT).order
    with pytest.raises(Forbidden, match="无权"):
        service.act(order.id, A.WITHDRAW, kit.OTHER_RESIDENT)
    assert service.act(order.id, A.WITHDRAW, kit.RESIDENT).state is S.WITHDRAWN


def test_access_checks_use_allowed_on_the_order_placed_at_its_house_and_units(
    repo: InMemoryWorkOrderRepository,
    calendar: object,
    clock: object,
    places: object,
    kit: types.ModuleType,
) -> None:
    service = WorkflowService(repo, calendar, clock, places=places)  # type: ignore[arg-type]
    with pytest.raises(Forbidden, match="无权"):  # filing for somebody else
        service.intake(kit.new_order(applicant_person_id="P0000000002"), kit.RESIDENT)
    order = service.intake(kit.new_order(), kit.RESIDENT).order
    resource = order_resource(order, places)  # type: ignore[arg-type]
    assert allowed(kit.STREET_STAFF, "workorder.view", resource)
    assert allowed(kit.POLICE, "workorder.view", resource)  # the station of the community
    assert not allowed(kit.OTHER_STREET_STAFF, "workorder.view", resource)
    assert allowed(kit.RESIDENT, "workorder.view", resource)
    assert not allowed(kit.OTHER_RESIDENT, "workorder.view", resource)
    with pytest.raises(Forbidden, match="无权"):
        service.act(order.id, A.ACCEPT, kit.OTHER_STREET_STAFF)
    with pytest.raises(Forbidden, match="无权"):
        service.act(order.id, A.ACCEPT, kit.COMMUNITY_WORKER)  # handles, does not dispatch
    service.act(order.id, A.ACCEPT, kit.STREET_STAFF)
    # dispatched to another street's community: that street now sees it too
    moved = service.act(order.id, A.DISPATCH, kit.STREET_STAFF, lead_unit="370203010001")
    assert allowed(kit.OTHER_STREET_STAFF, "workorder.view", order_resource(moved, places))  # type: ignore[arg-type]


def test_suspension_pauses_the_clock_by_the_working_days_it_lasted(
    service: WorkflowService, kit: types.ModuleType, clock: types.SimpleNamespace
) -> None:
    order_id = dispatched(service, kit)
    service.act(order_id, A.SIGN, kit.COMMUNITY_WORKER)
    due = service.get(order_id).due_at
    suspended = service.act(order_id, A.SUSPEND, kit.COMMUNITY_WORKER, note="等待房产证明")
    assert (suspended.state, suspended.resume_to) == (S.SUSPENDED, S.SIGNED)
    clock.advance(days=7)  # Monday 3-3 → Monday 3-10: five working days
    resumed = service.act(order_id, A.RESUME, kit.COMMUNITY_WORKER)
    assert (resumed.state, resumed.paused_at, resumed.resume_to) == (S.SIGNED, None, None)
    assert due == datetime(2025, 3, 17, 23, 59, 59)
    assert resumed.due_at == datetime(2025, 3, 24, 23, 59, 59)
    assert service.events(order_id)[-1].data["paused_working_days"] == 5


def test_an_approved_extension_moves_the_deadline_a_rejected_one_does_not(
    service: WorkflowService, kit: types.ModuleType
) -> None:
    order_id = dispatched(service, kit)
    service.act(order_id, A.SIGN, kit.COMMUNITY_WORKER)
    service.act(order_id, A.HANDLE, kit.COMMUNITY_WORKER)
    asked = service.act(order_id, A.REQUEST_EXTENSION, kit.COMMUNITY_WORKER, note="需外调", days=3)
    assert (asked.state, asked.requested_days) == (S.EXTENSION_PENDING, 3)
    with pytest.raises(Forbidden):  # the unit cannot approve its own request
        service.act(order_id, A.APPROVE_EXTENSION, kit.COMMUNITY_WORKER)
    approved = service.act(order_id, A.APPROVE_EXTENSION, kit.STREET_STAFF)
    assert (approved.state, approved.extensions) == (S.HANDLING, 1)
    assert approved.due_at == datetime(2025, 3, 20, 23, 59, 59)
    service.act(order_id, A.REQUEST_EXTENSION, kit.COMMUNITY_WORKER, note="再延", days=5)
    rejected = service.act(order_id, A.REJECT_EXTENSION, kit.STREET_STAFF)
    assert (rejected.state, rejected.due_at, rejected.requested_days) == (
        S.HANDLING,
        approved.due_at,
        0,
    )


def test_a_return_is_reviewed_reassigned_or_sent_back(
    service: WorkflowService, kit: types.ModuleType
) -> None:
    order_id = dispatched(service, kit)
    service.act(order_id, A.RETURN, kit.COMMUNITY_WORKER, note="属于派出所职责")
    kept = service.act(order_id, A.REJECT_RETURN, kit.STREET_STAFF, note="属社区职责")
    assert (kept.state, kept.lead_unit) == (S.DISPATCHED, kit.COMMUNITY)
    service.act(order_id, A.RETURN, kit.COMMUNITY_WORKER, note="仍有异议")
    moved = service.act(
        order_id, A.REASSIGN, kit.STREET_STAFF, note="异议成立", lead_unit=kit.STATION
    )
    assert (moved.state, moved.lead_unit) == (S.DISPATCHED, kit.STATION)
    assert service.act(order_id, A.SIGN, kit.POLICE).handler == "police5"


def test_hand_over_claim_and_ask_for_input(service: WorkflowService, kit: types.ModuleType) -> None:
    order_id = dispatched(service, kit)
    service.act(order_id, A.SIGN, kit.COMMUNITY_WORKER)
    pooled = service.act(order_id, A.HAND_OVER, kit.COMMUNITY_WORKER, note="休假")
    assert pooled.handler is None
    assert service.act(order_id, A.CLAIM, kit.COLLEAGUE).handler == "comm2"
    asked = service.act(order_id, A.ASK_INPUT, kit.COLLEAGUE, unit=kit.STATION)
    assert asked.consulting == (kit.STATION,)
    with pytest.raises(Forbidden, match="被加签"):
        service.act(order_id, A.GIVE_INPUT, kit.OTHER_STREET_STAFF, note="意见")
    answered = service.act(order_id, A.GIVE_INPUT, kit.POLICE, note="户籍核实无误")
    assert answered.consulting == ()
    assert service.act(order_id, A.REPLY, kit.COLLEAGUE, reply="已办结").state is S.REPLIED


def test_merging_ends_the_later_order_and_points_at_the_earlier(
    service: WorkflowService, kit: types.ModuleType, clock: types.SimpleNamespace
) -> None:
    first = service.intake(kit.new_order(), kit.RESIDENT).order
    clock.advance(hours=3)
    second = service.intake(kit.new_order(title="又问居住证"), kit.RESIDENT)
    [proposal] = second.duplicates
    assert (proposal.order_id, proposal.into_id) == (second.order.id, first.id)
    merged = service.act(
        second.order.id, A.MERGE, kit.STREET_STAFF, note="重复诉求", into=proposal.into_id
    )
    assert (merged.state, merged.merged_into) == (S.MERGED, first.id)
    with pytest.raises(InvalidAction, match="不存在或已结束"):
        third = service.intake(kit.new_order(title="第三次"), kit.RESIDENT).order
        service.act(third.id, A.MERGE, kit.STREET_STAFF, note="并单", into=second.order.id)


def test_a_deadline_beyond_the_holiday_data_is_flagged_as_estimated(
    repo: InMemoryWorkOrderRepository, kit: types.ModuleType
) -> None:
    from shibei.workflow import FixedHolidays, WorkCalendar

    calendar = WorkCalendar(FixedHolidays([], [], years=[2025]))
    late = WorkflowService(repo, calendar, lambda: datetime(2025, 12, 29, 9))
    order = late.intake(kit.new_order(), kit.RESIDENT).order
    assert order.flags == frozenset({"calendar_estimated"})
    assert order.due_at == datetime(2026, 1, 12, 23, 59, 59)  # weekdays only in 2026
    early = WorkflowService(repo, calendar, lambda: datetime(2025, 3, 3, 9))
    assert early.intake(kit.new_order(), kit.RESIDENT).order.flags == frozenset()


@pytest.mark.parametrize(
    ("kind", "number"),
    [
        ("household", "HJ20250303000001"),
        ("mass_case", "SZ20250303000001"),
        ("dispute", "TJ20250303000001"),
        ("grid_event", "WG20250303000001"),
        ("risk_verification", "FX20250303000001"),
        ("other", "GD20250303000001"),
    ],
)
def test_order_numbers_carry_the_kind(
    service: WorkflowService, kit: types.ModuleType, kind: str, number: str
) -> None:
    assert service.intake(kit.new_order(kind=kind), kit.RESIDENT).order.id == number


def test_an_unknown_note_visibility_is_refused_in_chinese(
    service: WorkflowService, kit: types.ModuleType
) -> None:
    order = service.intake(kit.new_order(), kit.RESIDENT).order
    with pytest.raises(InvalidAction, match="可见范围"):
        service.act(order.id, A.NOTE, kit.STREET_STAFF, note="x", visibility="everyone")
    with pytest.raises(InvalidAction, match="可见范围"):
        service.intake(kit.new_order(), kit.RESIDENT, visibility="everyone")


def test_a_known_key_does_not_hand_out_someone_elses_order(
    repo: InMemoryWorkOrderRepository,
    calendar: object,
    clock: object,
    places: object,
    kit: types.ModuleType,
) -> None:
    service = WorkflowService(repo, calendar, clock, places=places)  # type: ignore[arg-type]
    service.intake(kit.new_order(), kit.RESIDENT, idempotency_key="token-1")
    other = kit.new_order(applicant_person_id=kit.OTHER_RESIDENT.person_id)
    with pytest.raises(Forbidden):
        service.intake(other, kit.OTHER_RESIDENT, idempotency_key="token-1")
    assert repo.count(OrderQuery()) == 1
