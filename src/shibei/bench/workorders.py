"""`shibei bench workorders`: a soak of the work-order engine. Many threads file intakes
(a quarter of them retried with the same idempotency key, some retries racing the
original) and then walk every order through the loop (受理 → 派单 → 签收 → 办理 → 答复 →
办结) with two officers competing for each step, against the in-memory repository (the
baseline), a temporary SQLite file and PostgreSQL.

Counted per store: orders requested (distinct keys) vs. created (rows), lost (a key
without an order), doubled (a key with more than one order), conflicts (optimistic-lock
refusals), orders whose loop did not finish, and throughput. PostgreSQL is
SHIBEI_BENCH_DATABASE_URL, else SHIBEI_TEST_DATABASE_URL, else the local `test`
database; the benchmark works in a schema of its own (`shibei_bench_workorders`),
dropped afterwards. The last stdout line is `{store: {...}}` for each store.
"""

from __future__ import annotations

import os
import random
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from shibei.access import Actor, Role
from shibei.progress import Progress
from shibei.workflow import (
    IllegalTransition,
    InMemoryWorkOrderRepository,
    NewOrder,
    OrderAction,
    OrderQuery,
    OrderState,
    StaleOrder,
    WorkflowService,
    WorkOrderRepository,
    allowed_actions,
)

THREADS = 8
MIN_ORDERS = 100
RETRY_SHARE = 0.25
SCHEMA = "shibei_bench_workorders"
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"
DESK = Actor(1, "desk", Role.STREET_STAFF, "370203005")
OFFICERS = (
    Actor(2, "comm1", Role.COMMUNITY_WORKER, "370203005001"),
    Actor(3, "comm2", Role.COMMUNITY_WORKER, "370203005001"),
)
A = OrderAction
LOOP: tuple[tuple[OrderAction, dict[str, Any]], ...] = (
    (A.ACCEPT, {}),
    (A.DISPATCH, {"lead_unit": "370203005001"}),
    (A.SIGN, {}),
    (A.HANDLE, {}),
    (A.REPLY, {"reply": "已办理"}),
    (A.CLOSE, {}),
)
DISPATCHER_ACTIONS = frozenset({A.ACCEPT, A.DISPATCH, A.CLOSE})


def run(scale: float, progress: Progress) -> dict[str, Any]:
    orders = max(MIN_ORDERS, int(scale * 30_000))
    rng = random.Random(20251231)
    submissions = _submissions(orders, rng)
    figures: dict[str, Any] = {}
    progress.log(f"{orders} 个工单、{len(submissions)} 次提交（含重试），{THREADS} 个线程")

    figures["memory"] = _soak("memory", InMemoryWorkOrderRepository(), submissions, progress)
    with tempfile.TemporaryDirectory(prefix="shibei-bench-workorders-") as tmp:
        repo = _repository(f"sqlite:///{Path(tmp) / 'app.db'}", Path(tmp))
        figures["sqlite"] = _soak("sqlite", repo, submissions, progress)
        repo.engine.dispose()
    url = os.environ.get("SHIBEI_BENCH_DATABASE_URL") or os.environ.get(
        "SHIBEI_TEST_DATABASE_URL", DEFAULT_PG
    )
    try:
        schema_url = _fresh_schema(url)
    except Exception as exc:  # no server: say so in the figures instead of failing
        progress.log(f"PostgreSQL 不可用：{type(exc).__name__}")
        figures["postgresql"] = {"skipped": f"PostgreSQL 不可用（{type(exc).__name__}）"}
    else:
        with tempfile.TemporaryDirectory(prefix="shibei-bench-workorders-") as tmp:
            repo = _repository(schema_url, Path(tmp))
            try:
                figures["postgresql"] = _soak("postgresql", repo, submissions, progress)
            finally:
                repo.engine.dispose()
                _drop_schema(url)
    base = figures["memory"]["per_second"]
    for store in ("sqlite", "postgresql"):
        if "per_second" in figures[store]:
            figures[store]["vs_memory"] = round(figures[store]["per_second"] / base, 4)
    return figures


def _submissions(orders: int, rng: random.Random) -> list[tuple[str, NewOrder]]:
    """Every key once, a quarter of them twice; a retry lands a few places after its
    original, so some run concurrently with it."""
    firsts = [(f"bench-{n:07d}", _order(n)) for n in range(orders)]
    placed = [(float(n), item) for n, item in enumerate(firsts)]
    for n in rng.sample(range(orders), int(orders * RETRY_SHARE)):
        placed.append((n + rng.uniform(0.5, THREADS * 2), firsts[n]))
    placed.sort(key=lambda pair: pair[0])
    return [item for _, item in placed]


def _order(n: int) -> NewOrder:
    grid = f"370203005001{1 + n % 9:03d}"
    return NewOrder(
        kind="household",
        matter_code="residence_permit",
        title="申领居住证",
        applicant_name=f"申请人{n}",
        applicant_phone=f"138{n:08d}",
        applicant_person_id=f"P{n:010d}",
        division_code=grid,
        payload={"n": n},
    )


def _repository(url: str, data_dir: Path) -> Any:
    from shibei.bootstrap import workorder_repository
    from shibei.config import Settings

    return workorder_repository(Settings(data_dir=data_dir, database_url=url))


def _admin_engine(url: str) -> Any:
    from shibei.store.sql_store import sql_engine

    return sql_engine(url)


def _fresh_schema(url: str) -> str:
    from sqlalchemy import text

    engine = _admin_engine(url)
    try:
        with engine.begin() as c:
            c.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
            c.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    finally:
        engine.dispose()
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{SCHEMA}"


def _drop_schema(url: str) -> None:
    from sqlalchemy import text

    engine = _admin_engine(url)
    with engine.begin() as c:
        c.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
    engine.dispose()


def _soak(
    name: str,
    repo: WorkOrderRepository,
    submissions: list[tuple[str, NewOrder]],
    progress: Progress,
) -> dict[str, Any]:
    service = WorkflowService(repo)
    lock = threading.Lock()
    counts: Counter[str] = Counter()

    def count(what: str) -> None:
        with lock:
            counts[what] += 1

    def intake(item: tuple[str, NewOrder]) -> None:
        key, new = item
        try:
            result = service.intake(new, DESK, idempotency_key=key)
        except Exception as exc:  # a failed intake is a loss, counted below
            count("intake_errors:" + type(exc).__name__)
            return
        count("created_calls" if result.created else "deduplicated_calls")

    step = progress.step(f"{name}：并发受理", total=len(submissions))
    started = time.perf_counter()
    _parallel(intake, submissions, step.advance)
    intake_seconds = time.perf_counter() - started

    stored = repo.query(OrderQuery(limit=None))
    per_key = Counter(o.idempotency_key for o in stored)
    requested = len({key for key, _ in submissions})
    lost = sum(1 for key in {key for key, _ in submissions} if key not in per_key)
    doubled = sum(n - 1 for n in per_key.values() if n > 1)

    def walk(job: tuple[str, Actor]) -> None:
        order_id, officer = job
        for action, args in LOOP:
            actor = DESK if action in DISPATCHER_ACTIONS else officer
            while True:
                order = service.get(order_id)
                if action not in allowed_actions(order.state):
                    break  # the other officer took this step
                try:
                    service.act(order_id, action, actor, expected_version=order.version, **args)
                except StaleOrder:
                    count("conflicts")
                    continue
                except IllegalTransition:
                    count("illegal")
                    break
                count("transitions")
                break

    jobs = [(o.id, officer) for o in stored for officer in OFFICERS]
    random.Random(7).shuffle(jobs)
    step = progress.step(f"{name}：两名民警争办同一工单", total=len(jobs))
    started = time.perf_counter()
    _parallel(walk, jobs, step.advance)
    walk_seconds = time.perf_counter() - started

    closed = repo.count(OrderQuery(states=(OrderState.CLOSED,)))
    gapless = sum(
        1 for o in stored if [e.seq for e in repo.events(o.id)] == list(range(1, len(LOOP) + 2))
    )
    transitions = counts["transitions"]
    calls = len(submissions)
    errors = {k.split(":", 1)[1]: v for k, v in counts.items() if k.startswith("intake_errors:")}
    return {
        "threads": THREADS,
        "requested": requested,
        "submissions": calls,
        "created": len(stored),
        "lost": lost,
        "doubled": doubled,
        "deduplicated_retries": counts["deduplicated_calls"],
        "intake_errors": sum(errors.values()),
        "transitions": transitions,
        "conflicts": counts["conflicts"],
        "loops_unfinished": len(stored) - closed,
        "event_logs_with_gaps_or_extras": len(stored) - gapless,
        "intake_per_second": round(calls / intake_seconds, 1),
        "transitions_per_second": round(transitions / walk_seconds, 1),
        "per_second": round((calls + transitions) / (intake_seconds + walk_seconds), 1),
        "seconds": round(intake_seconds + walk_seconds, 3),
    }


def _parallel(work: Callable[[Any], None], items: list[Any], advance: Callable[[], None]) -> None:
    with ThreadPoolExecutor(THREADS) as pool:
        for _ in pool.map(work, items):
            advance()
