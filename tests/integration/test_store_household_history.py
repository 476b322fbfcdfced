"""Bulk import of the household history, on every engine (SQLite file, PostgreSQL in a
schema of its own): the repository reads back exactly what the engine would have
recorded, and importing twice adds nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from shibei.apps.household.catalogue import load_catalogue
from shibei.apps.household.history import history_chain
from shibei.store.household_history import import_history, import_history_file
from shibei.store.sql_store import sql_engine
from shibei.store.workorders import SqlWorkOrderRepository
from shibei.synth.household_history import HistoryOrder, write_household_history
from shibei.workflow import FixedHolidays, OrderQuery, OrderState, WorkCalendar

SCHEMA = "shibei_household_test"
CALENDAR = WorkCalendar(FixedHolidays(holidays=(), workdays=(), years=(2024, 2025)))


def _schema_url(url: str) -> str:
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
        url = _schema_url(request.getfixturevalue("postgres_url"))
    repository = SqlWorkOrderRepository(sql_engine(url))
    repository.migrate()
    yield repository
    repository.engine.dispose()


def _rows() -> list[HistoryOrder]:
    rows = []
    for n in range(1, 2501):  # more than one batch
        day = datetime(2024 + n % 2, 1 + n % 12, 1 + n % 28, 9, n % 60)
        closed = day.replace(hour=11) if n % 7 else None
        rows.append(
            HistoryOrder(
                f"HJ{day:%Y%m%d}{n:06d}",
                "HZ0402" if n % 3 else "HZ0407",
                f"370203P{1 + n % 22:02d}",
                ("online", "nearby", "window")[n % 3],
                "赵六",
                "11010519491231002X",
                "13800000000",
                None,
                day,
                closed,
                "registered" if closed else "open",
                0 if n % 3 == 0 else 1,
                n % 5 + 1 if closed and n % 2 else None,
            )
        )
    return rows


def test_import_reads_back_like_the_engine(repo: SqlWorkOrderRepository, tmp_path: Path) -> None:
    rows = _rows()
    path = tmp_path / "history" / "household_orders.jsonl"
    write_household_history(rows, path)
    catalogue = load_catalogue()
    assert import_history_file(repo.engine, path, catalogue, CALENDAR) == len(rows)
    assert import_history(repo.engine, rows, catalogue, CALENDAR) == 0
    assert repo.count(OrderQuery(kinds=("household",))) == len(rows)
    for row in (rows[0], rows[6], rows[1733]):
        expected, events = history_chain(row, catalogue, CALENDAR)
        assert repo.get(row.order_no) == expected
        assert repo.events(row.order_no) == events
    states = repo.count_by_state(OrderQuery(kinds=("household",)))
    assert states[OrderState.HANDLING] == sum(1 for r in rows if r.closed_at is None)
    assert states[OrderState.RATED] == sum(1 for r in rows if r.rating is not None)
