"""The work-order repository on every engine: a SQLite file and PostgreSQL (one test,
every engine). PostgreSQL comes from SHIBEI_TEST_DATABASE_URL (tests/conftest.py); these
tests work in a schema of their own (`shibei_workorders_test`, dropped first) so they
never meet other tests' tables in the shared database."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from shibei.access import Actor, Role
from shibei.store.sql_store import sql_engine
from shibei.store.workorders import SqlWorkOrderRepository
from shibei.workflow import (
    IllegalTransition,
    NewOrder,
    OrderAction,
    OrderQuery,
    OrderState,
    StaleOrder,
    Visibility,
    WorkflowService,
    apply_action,
    event_actor,
)

SCHEMA = "shibei_workorders_test"
T0 = datetime(2025, 1, 24, 9, 0, 0, 250000)
A, S = OrderAction, OrderState
DESK = Actor(1, "desk", Role.STREET_STAFF, "370203005")
WORKER = Actor(2, "comm1", Role.COMMUNITY_WORKER, "370203005001")
COLLEAGUE = Actor(3, "comm2", Role.COMMUNITY_WORKER, "370203005001")
RESIDENT = Actor(4, "resident", Role.RESIDENT, "", "P0000000001")
HOUSE = "3702030050010010012020401"


def schema_url(url: str) -> str:
    """`url` with every connection's search_path set to the tests' own schema."""
    plain = url.replace("postgresql+psycopg://", "postgresql://")
    engine = create_engine("postgresql+psycopg://" + plain.removeprefix("postgresql://"))
    with engine.begin() as c:
        c.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        c.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    engine.dispose()
    joiner = "&" if "?" in plain else "?"
    return f"{plain}{joiner}options=-csearch_path%3D{SCHEMA}"


@pytest.fixture(params=["sqlite", "postgresql"])
def repo(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SqlWorkOrderRepository]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/app.db"
    else:
        url = schema_url(request.getfixturevalue("postgres_url"))
    repository = SqlWorkOrderRepository(sql_engine(url))
    repository.migrate()
    yield repository
    repository.engine.dispose()


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def service(repo: SqlWorkOrderRepository, clock: Clock) -> WorkflowService:
    return WorkflowService(repo, clock=clock)


def new(**changes: object) -> NewOrder:
    values: dict[str, object] = {
        "kind": "household",
        "matter_code": "residence_permit",
        "title": "申领居住证",
        "applicant_name": "张三",
        "applicant_phone": "13800000000",
        "applicant_person_id": "P0000000001",
        "house_code": HOUSE,
        "payload": {"事由": "务工", "年限": 2, "家属": ["李四"]},
        "attachments": ("upload-1", "upload-2"),
    }
    values.update(changes)
    return NewOrder(**values)  # type: ignore[arg-type]


def test_migration_creates_the_tables_and_survives_a_reset_of_the_other_ones(
    repo: SqlWorkOrderRepository,
) -> None:
    """tests/integration/test_store_sql.py drops the operational tables and
    `alembic_version` but not ours: migrating again must keep our tables and rows."""
    names = set(inspect(repo.engine).get_table_names())
    ours = {"workorders", "workorder_events", "workorder_numbers"}
    assert ours <= names
    WorkflowService(repo, clock=lambda: T0).intake(new(), RESIDENT)
    cascade = " CASCADE" if repo.engine.dialect.name == "postgresql" else ""
    with repo.engine.begin() as c:
        for table in ("sessions", "api_tokens", *sorted(names - ours - {"sessions", "api_tokens"})):
            c.execute(text(f"DROP TABLE IF EXISTS {table}{cascade}"))
    repo.migrate()
    assert ours <= set(inspect(repo.engine).get_table_names())
    assert repo.count(OrderQuery()) == 1


def test_orders_and_events_round_trip(service: WorkflowService, clock: Clock) -> None:
    result = service.intake(new(), RESIDENT, idempotency_key="k-1", note="网上申请")
    stored = service.get(result.order.id)
    assert stored == result.order
    assert stored.id == "HJ20250124000001"
    assert stored.payload == {"事由": "务工", "年限": 2, "家属": ["李四"]}
    assert stored.attachments == ("upload-1", "upload-2")
    assert stored.created_at == T0  # microseconds kept
    assert stored.due_at == datetime(2025, 2, 13, 23, 59, 59)  # over the Spring Festival
    clock.now = T0 + timedelta(hours=1)
    service.act(stored.id, A.ACCEPT, DESK)
    service.act(stored.id, A.DISPATCH, DESK, lead_unit="370203005001", assist_units=["370203P05"])
    service.act(stored.id, A.SIGN, WORKER)
    service.act(stored.id, A.ASK_INPUT, WORKER, unit="370203P05")
    done = service.act(stored.id, A.SUSPEND, WORKER, note="等待材料", visibility="applicant")
    assert service.get(stored.id) == done
    assert (done.resume_to, done.consulting, done.assist_units) == (
        S.SIGNED,
        ("370203P05",),
        ("370203P05",),
    )
    events = service.events(stored.id)
    assert [e.seq for e in events] == [1, 2, 3, 4, 5, 6]
    assert events[0].note == "网上申请" and events[0].from_state is None
    assert events[2].data == {"lead_unit": "370203005001", "assist_units": ["370203P05"]}
    assert (events[-1].visibility, events[-1].actor) == (Visibility.APPLICANT, event_actor(WORKER))
    assert service.repo.get_by_key("k-1") == done
    assert service.repo.get("HJ19990101000001") is None


def test_queries_filter_count_and_page(service: WorkflowService, clock: Clock) -> None:
    ids = []
    for n in range(5):
        clock.now = T0 + timedelta(days=n)
        other = {"house_code": None, "division_code": "370203010001001"}
        place = {"house_code": HOUSE} if n % 2 == 0 else other
        ids.append(service.intake(new(title=f"第{n}单", **place), RESIDENT).order.id)
    service.act(ids[0], A.ACCEPT, DESK)
    service.act(ids[0], A.DISPATCH, DESK, lead_unit="370203P05")
    repo = service.repo
    assert [o.id for o in repo.query(OrderQuery(limit=2))] == [ids[4], ids[3]]
    assert [o.id for o in repo.query(OrderQuery(limit=2, offset=3))] == [ids[1], ids[0]]
    assert repo.count(OrderQuery(within=("370203005",))) == 3
    assert repo.count(OrderQuery(within=("370203P05",))) == 1  # by lead unit
    assert repo.count(OrderQuery(within=("",))) == 5
    assert repo.count(OrderQuery(within=())) == 0
    assert repo.count(OrderQuery(states=(S.DISPATCHED,))) == 1
    assert repo.count_by_state(OrderQuery()) == {S.DISPATCHED: 1, S.SUBMITTED: 4}
    window = OrderQuery(created_from=T0 + timedelta(days=1), created_to=T0 + timedelta(days=3))
    assert {o.id for o in repo.query(window)} == {ids[1], ids[2]}
    assert repo.count(OrderQuery(applicant_person_id="P0000000001", kinds=("household",))) == 5
    assert repo.count(OrderQuery(kinds=("mass_case",))) == 0
    # filed Fri 1-24 and Sat 1-25, both due Thu 2-13 (Spring Festival in between)
    assert repo.count(OrderQuery(overdue=False, due_before=datetime(2025, 2, 14))) == 2
    assert repo.count(OrderQuery(lead_unit="370203P05", matter_code="residence_permit")) == 1


def test_a_retried_intake_creates_one_order(service: WorkflowService) -> None:
    first = service.intake(new(), RESIDENT, idempotency_key="form-7")
    second = service.intake(new(title="重试"), RESIDENT, idempotency_key="form-7")
    assert (first.created, second.created) == (True, False)
    assert second.order == first.order
    assert service.repo.count(OrderQuery()) == 1


def test_a_repository_race_on_one_key_returns_the_winner(repo: SqlWorkOrderRepository) -> None:
    """Both intakes passed the key check before either wrote: the unique key decides."""
    service = WorkflowService(repo, clock=lambda: T0)
    made = service.intake(new(), RESIDENT, idempotency_key="race").order
    twin = made.evolve(id="HJ20250124999999", title="并发的另一份")
    event = service.events(made.id)[0]
    stored, created = repo.create(twin, replace(event, order_id=twin.id))
    assert (stored, created) == (made, False)
    assert repo.get(twin.id) is None


def test_concurrent_intakes_with_one_key_create_exactly_one_order(
    service: WorkflowService,
) -> None:
    barrier = threading.Barrier(8)

    def submit(_: int) -> tuple[str, bool]:
        barrier.wait()
        result = service.intake(new(), RESIDENT, idempotency_key="double-click")
        return result.order.id, result.created

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(submit, range(8)))
    assert len({order_id for order_id, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    assert service.repo.count(OrderQuery()) == 1
    assert len(service.events(results[0][0])) == 1


def test_two_concurrent_saves_of_one_version_exactly_one_wins(service: WorkflowService) -> None:
    order = service.intake(new(), RESIDENT).order
    service.act(order.id, A.ACCEPT, DESK)
    seen = service.act(order.id, A.DISPATCH, DESK, lead_unit="370203005001")
    now = T0 + timedelta(hours=2)
    moves = [
        apply_action(seen, A.SIGN, event_actor(WORKER), now, service.calendar),
        apply_action(seen, A.RETURN, event_actor(COLLEAGUE), now, service.calendar, note="异议"),
    ]
    barrier = threading.Barrier(2)

    def save(i: int) -> str:
        barrier.wait()
        new_order, event = moves[i]
        try:
            service.repo.save(new_order, event, seen.version)
        except StaleOrder:
            return "stale"
        return "saved"

    with ThreadPoolExecutor(2) as pool:
        outcomes = list(pool.map(save, range(2)))
    assert sorted(outcomes) == ["saved", "stale"]
    final = service.get(order.id)
    assert final.version == seen.version + 1
    events = service.events(order.id)
    assert len(events) == final.version
    assert events[-1].to_state == final.state


def test_many_officers_acting_on_one_order_leave_a_gapless_log(service: WorkflowService) -> None:
    order = service.intake(new(), RESIDENT).order
    service.act(order.id, A.ACCEPT, DESK)
    service.act(order.id, A.DISPATCH, DESK, lead_unit="370203005001")
    barrier = threading.Barrier(6)

    def sign(_: int) -> bool:
        barrier.wait()
        try:
            service.act(order.id, A.SIGN, WORKER, expected_version=3)
        except (StaleOrder, IllegalTransition):
            return False
        return True

    with ThreadPoolExecutor(6) as pool:
        wins = list(pool.map(sign, range(6)))
    assert sum(wins) == 1
    assert [e.seq for e in service.events(order.id)] == [1, 2, 3, 4]


def test_the_soak_benchmark_loses_and_doubles_nothing_on_any_store(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from shibei.bench import workorders as bench
    from shibei.progress import NullProgress

    monkeypatch.setenv("SHIBEI_BENCH_DATABASE_URL", postgres_url)
    monkeypatch.setattr(bench, "MIN_ORDERS", 24)
    figures = bench.run(scale=0.0001, progress=NullProgress())
    assert set(figures) == {"memory", "sqlite", "postgresql"}
    for store, got in figures.items():
        assert (got["requested"], got["submissions"]) == (24, 30), store
        assert (got["created"], got["lost"], got["doubled"]) == (24, 0, 0), store
        assert got["deduplicated_retries"] == 6, store
        assert got["transitions"] == 24 * 6, store
        assert got["loops_unfinished"] == got["event_logs_with_gaps_or_extras"] == 0, store
        assert got["per_second"] > 0, store
    assert "vs_memory" in figures["sqlite"] and "vs_memory" in figures["postgresql"]
