"""The KPI page computes from the orders: history imported into the work-order tables
(as `shibei accounts demo` does) and orders handled live."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from shibei.access import Role
from shibei.access.accounts import NewAccount
from shibei.apps.household.catalogue import load_catalogue
from shibei.store.household_history import import_history
from shibei.store.sql_store import SqlStore, sql_engine
from shibei.synth.household_history import HistoryOrder
from shibei.web.app import create_app
from shibei.web.context import build_context
from shibei.workflow import WorkCalendar

from .conftest import PASSWORD, World


def _row(
    n: int,
    code: str,
    unit: str,
    channel: str,
    submitted: datetime,
    closed: datetime | None,
    outcome: str,
    visits: int,
    rating: int | None,
    house: str | None,
) -> HistoryOrder:
    return HistoryOrder(
        f"HJ{submitted:%Y%m%d}{n:06d}", code, unit, channel, "赵六", "11010519491231002X",
        "13800000000", house, submitted, closed, outcome, visits, rating,
    )  # fmt: skip


@pytest.fixture()
def kpi_site(
    world: World, tmp_path: Path
) -> Iterator[tuple[TestClient, list[HistoryOrder], SqlStore]]:
    store = SqlStore(sql_engine(f"sqlite:///{tmp_path / 'app.db'}"))
    store.migrate()
    ctx = build_context(world.reader, world.gazetteer, store)
    station = world.station
    other = next(s.code for s in world.gazetteer.police_stations if s.code != station)
    house = world.houses["h1"]
    d = datetime
    table = [  # code, unit, channel, submitted, closed, outcome, visits, rating, house
        ("HZ0407", station, "online", d(2025, 3, 3, 9), d(2025, 3, 3, 9, 30), "registered", 0, 5),
        ("HZ0402", station, "window", d(2025, 3, 3, 10), d(2025, 3, 10, 10), "registered", 2, 3),
        ("HZ0504", station, "nearby", d(2025, 3, 4, 10), None, "open", 1, None),
        ("HZ0504", station, "window", d(2025, 3, 4, 11), None, "refused", 1, None),
        ("HZ0407", other, "online", d(2025, 3, 5, 9), d(2025, 3, 5, 11), "registered", 0, 4),
    ]
    rows = [
        _row(n, *values, house if values[1] == station else None)  # type: ignore[arg-type]
        for n, values in enumerate(table, start=1)
    ]
    calendar = WorkCalendar()
    assert import_history(store.engine, rows, load_catalogue(), calendar) == 5
    assert import_history(store.engine, rows, load_catalogue(), calendar) == 0  # idempotent
    account = ctx.auth.create_account(
        NewAccount("police", "民警", Role.STATION_POLICE, station), PASSWORD
    )
    token = ctx.auth.issue_api_token(account, "test")
    client = TestClient(
        create_app(ctx), headers={"Authorization": f"Bearer {token}"}, follow_redirects=False
    )
    yield client, rows, store
    store.engine.dispose()


def _figure(page: str, element: str) -> str:
    match = re.search(rf'id="{element}"[^>]*>([^<]+)<', page)
    assert match, element
    return match.group(1)


def test_kpis_come_from_the_history(
    kpi_site: tuple[TestClient, list[HistoryOrder], SqlStore],
) -> None:
    client, _, _ = kpi_site
    page = client.get("/household/kpi")
    assert page.status_code == 200
    assert _figure(page.text, "kpi-orders") == "4"  # the refused one is not counted
    assert _figure(page.text, "kpi-one-visit") == "66.7%"  # 2 of 3 closed in ≤ 1 visit
    assert _figure(page.text, "kpi-online") == "75.0%"  # online or nearby: 3 of 4
    assert _figure(page.text, "kpi-overdue") == "1"  # the open one is past its 15 days
    assert _figure(page.text, "kpi-satisfaction") == "66.7%"  # 5, 3, 4 stars
    assert "2025-03" in page.text
    assert len(re.findall(r"<tr data-unit=", page.text)) == 23  # 22 stations + the brigade


def test_live_handling_moves_the_kpis(
    kpi_site: tuple[TestClient, list[HistoryOrder], SqlStore], world: World
) -> None:
    client, rows, _ = kpi_site
    open_order = rows[2].order_no
    queue = client.get("/household/queue", params={"state": "handling"})
    assert open_order in queue.text
    client.get("/household/kpi")  # fills the cache
    reply = client.post(
        f"/household/orders/{open_order}/act", data={"action": "reply", "reply": "已办结"}
    )
    assert reply.status_code == 303
    assert (
        client.post(f"/household/orders/{open_order}/act", data={"action": "close"}).status_code
        == 303
    )
    page = client.get("/household/kpi").text
    assert re.search(r'id="kpi-orders">4<', page)
    assert "已办结 4，在办 0" in page
