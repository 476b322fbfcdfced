"""The app in process over a small real gazetteer, the in-memory foundation reader (a
fake) and a SQLite operational store; one account per role."""

from __future__ import annotations

import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from playwright.sync_api import Browser

from shibei.access import Role
from shibei.access.accounts import NewAccount
from shibei.foundation.memory import InMemoryFoundationReader
from shibei.foundation.reader import (
    HouseView,
    LinkEvidence,
    OrganizationView,
    PersonView,
    Provenance,
    Relation,
    Rollup,
)
from shibei.gazetteer import Gazetteer, build_gazetteer
from shibei.store.sql_store import SqlStore, sql_engine
from shibei.web.app import create_app
from shibei.web.context import WebContext, build_context

PASSWORD = "demo-pass-123"
ARTIFACTS = Path(__file__).resolve().parents[2] / "build" / "test-artifacts" / "screenshots"
"""Where browser tests save their screenshots."""


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """The app on a free loopback port in a thread (real HTTP, for the browser); yields
    its base URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(5)


@pytest.fixture(scope="module")
def browser(chromium_path: Path) -> Iterator[Browser]:
    """Debian's chromium, headless, driven by Playwright (no browser download)."""
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=str(chromium_path),
            headless=True,
            args=["--no-sandbox", "--disable-gpu"],
        )
        yield b
        b.close()


@dataclass
class World:
    gazetteer: Gazetteer
    reader: InMemoryFoundationReader
    street: str  # S1: where the scoped officials work
    community: str
    grid: str
    other_grid: str  # same community, another grid
    other_street: str
    station: str
    houses: dict[str, str]  # label → house code
    persons: dict[str, PersonView]


def _person(
    pid: str, name: str, idn: str, phone: str, house: str, hukou: str, migrant: bool, address: str
) -> PersonView:
    return PersonView(
        pid, name, idn, date(1990, 1, 1), "男", (phone,), house, hukou, migrant, address, house[:15]
    )


def build_world() -> World:
    g = build_gazetteer(0.001, 1)
    houses_by_grid: dict[str, list[str]] = {}
    for h in g.houses:
        houses_by_grid.setdefault(h.code[:15], []).append(h.code)
    s1 = g.streets[0].code
    grids_s1 = [c for c in houses_by_grid if c.startswith(s1)]
    grid = grids_s1[0]
    community = grid[:12]
    other_grid = next(c for c in (x.code for x in g.grids_of(community)) if c != grid)
    s2_grid = next(c for c in houses_by_grid if not c.startswith(s1))
    other_street = s2_grid[:9]
    h1 = houses_by_grid[grid][0]
    h1b = houses_by_grid[grid][1] if len(houses_by_grid[grid]) > 1 else h1
    h1c = (houses_by_grid.get(other_grid) or [other_grid + "0001010101"])[0]
    h2 = houses_by_grid[s2_grid][0]
    text = {code: g.address(code).text for code in (h1, h1b, h2)}
    text[h1c] = g.address(h1c).text if other_grid in houses_by_grid else "另一网格某号"
    persons = {
        "self": _person(
            "P0000000001", "张小伟", "370203199001011234", "13812345678", h1, h1, False, text[h1]
        ),
        "housemate": _person(
            "P0000000002", "张晓伟", "370203199202021235", "13912345679", h1, h1, False, text[h1]
        ),
        "other_grid": _person(
            "P0000000003", "李娜", "370203198503031236", "13712345670", h1c, h1c, False, text[h1c]
        ),
        "other_street": _person(
            "P0000000004", "张小伟", "370203197004041237", "13612345671", h2, h2, False, text[h2]
        ),
        "migrant": _person(
            "P0000000005",
            "王芳",
            "370283199505051238",
            "13512345672",
            h1b,
            h2,
            True,
            text.get(h1b, text[h1]),
        ),
    }
    houses = [
        HouseView(
            code,
            text[code],
            "住宅",
            80.0,
            "自住",
            None,
            None,
            tuple(p.person_id for p in persons.values() if p.house_code == code),
            code[:15],
            36.08,
            120.37,
        )
        for code in dict.fromkeys((h1, h1b, h1c, h2))
    ]
    orgs = [
        OrganizationView(
            "O0000000001",
            "91370203MA3C000011",
            "青岛市北示例商贸有限公司",
            "存续",
            "有限责任公司",
            "批发和零售业",
            "P0000000002",
            h1b,
            h1b,
            1,
        ),
        OrganizationView(
            "O0000000002",
            "91370203MA3C000022",
            "青岛外街示例科技有限公司",
            "存续",
            "有限责任公司",
            "信息技术",
            "P0000000004",
            h2,
            h2,
            0,
        ),
    ]
    prov = (Provenance("police_household_registry", "b1", 7),)
    relations = [Relation("lives", p.person_id, p.house_code or "", prov) for p in persons.values()]
    relations += [
        Relation("owns", "P0000000001", h1, (Provenance("property_registry", "b2", 3),)),
        Relation("registered", "O0000000001", h1b, (Provenance("company_registry", "b3", 1),)),
        Relation(
            "employee", "P0000000002", "O0000000001", (Provenance("social_security", "b4", 9),)
        ),
        Relation("registered", "O0000000002", h2, (Provenance("company_registry", "b3", 2),)),
    ]
    evidence = {
        "P0000000001": [
            LinkEvidence(
                Provenance("police_household_registry", "b1", 7),
                Provenance("social_security", "b4", 8),
                "id_number",
                1.0,
                {"id_number": "相同", "name": "相同"},
            )
        ]
    }
    counts: Counter[str] = Counter()
    for p in persons.values():
        for n in (6, 9, 12, 15):
            counts[(p.house_code or "")[:n]] += 1
    rollups = [
        Rollup("district", "370203", "市北区", counts["370203"], counts["370203"], 1, 4, 4, 0, 0, 2)
    ]
    for level, table in (("street", g.streets), ("community", g.communities), ("grid", g.grids)):
        rollups += [
            Rollup(
                level,
                d.code,
                d.name,
                counts[d.code],
                counts[d.code],
                0,  # type: ignore[arg-type]
                counts[d.code],
                counts[d.code],
                0,
                0,
                0,
            )
            for d in table
        ]
    reader = InMemoryFoundationReader(persons.values(), houses, orgs, relations, rollups, evidence)
    return World(
        g,
        reader,
        s1,
        community,
        grid,
        other_grid,
        other_street,
        g.station_of(community).code,
        {"h1": h1, "h1b": h1b, "h1c": h1c, "h2": h2},
        persons,
    )


@pytest.fixture(scope="session")
def world() -> World:
    return build_world()


def role_accounts(w: World) -> dict[str, NewAccount]:
    return {
        "admin": NewAccount("admin", "区管理员", Role.DISTRICT_ADMIN, "370203"),
        "street": NewAccount("street", "街道干部", Role.STREET_STAFF, w.street),
        "street2": NewAccount("street2", "外街干部", Role.STREET_STAFF, w.other_street),
        "community": NewAccount("community", "社区工作者", Role.COMMUNITY_WORKER, w.community),
        "grid": NewAccount("grid", "网格员", Role.GRID_WORKER, w.grid),
        "police": NewAccount("police", "派出所民警", Role.STATION_POLICE, w.station),
        "brigade": NewAccount("brigade", "人口大队", Role.POPULATION_BRIGADE, "370203P90"),
        "mediator": NewAccount("mediator", "调解员", Role.MEDIATOR, w.street),
        "chamber": NewAccount("chamber", "商会联络员", Role.CHAMBER_LIAISON, w.street),
        "resident": NewAccount("resident", "群众", Role.RESIDENT, "", "P0000000001"),
    }


@dataclass
class Site:
    app: FastAPI
    ctx: WebContext
    store: SqlStore
    tokens: dict[str, str]  # username → API token

    def client(self, username: str | None = None) -> TestClient:
        headers = {"Authorization": f"Bearer {self.tokens[username]}"} if username else {}
        return TestClient(self.app, headers=headers, follow_redirects=False)


def make_site(w: World, url: str) -> Site:
    store = SqlStore(sql_engine(url))
    store.migrate()
    ctx = build_context(w.reader, w.gazetteer, store)
    tokens = {}
    for username, new in role_accounts(w).items():
        account = ctx.auth.create_account(new, PASSWORD)
        tokens[username] = ctx.auth.issue_api_token(account, "test")
    return Site(create_app(ctx), ctx, store, tokens)


@pytest.fixture(scope="session")
def site(world: World, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    path: Path = tmp_path_factory.mktemp("web") / "app.db"
    s = make_site(world, f"sqlite:///{path}")
    yield s
    s.store.engine.dispose()
