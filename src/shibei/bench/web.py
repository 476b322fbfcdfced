"""`shibei bench web`: requests per second and p50/p99 latency of the person page and
the person search API under 50 concurrent clients on loopback, beside a trivial FastAPI
endpoint served the same way (the ceiling of this machine, server and client), and the
same person page served with the foundation read through Parquet views instead of
in-memory tables (`views_*`, the reader's fallback for big foundations and how it read
before; same command, same machine load).

The app runs in its own process (uvicorn, one worker) over the reference district built
at `scale`; the clients are asyncio tasks sharing one httpx pool of 50 connections.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import random
import socket
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from shibei.progress import Progress

CLIENTS = 50
SECONDS = 8.0
PASSWORD = "bench-pass-123"


def run(scale: float, progress: Progress) -> dict[str, Any]:
    from shibei.bootstrap import build, foundation_reader
    from shibei.config import Settings
    from shibei.synth.generate import generate_district

    seed = Settings().seed
    data_dir = Path(tempfile.gettempdir()) / f"shibei-bench-web-{scale}-{seed}"
    settings = Settings(data_dir=data_dir)
    if not (settings.feeds_dir / "manifest.json").exists():
        progress.log(f"生成参考辖区数据 {data_dir}")
        generate_district(data_dir, scale=scale, seed=seed, progress=progress)
    if not (settings.lake_dir / "foundation" / "persons.parquet").exists():
        progress.log("建立数据底座")
        build(settings, progress)
    reader = foundation_reader(settings)
    persons = reader.search_persons(within="370203", limit=500)
    names = sorted({p.name for p in persons})
    ids = [p.person_id for p in persons]
    token = _prepare_store(data_dir)

    ctx = multiprocessing.get_context("spawn")
    app_port, views_port, ceiling_port = _free_port(), _free_port(), _free_port()
    servers = [
        ctx.Process(target=_serve_app, args=(str(data_dir), app_port), daemon=True),
        ctx.Process(target=_serve_app, args=(str(data_dir), views_port, 0), daemon=True),
        ctx.Process(target=_serve_ceiling, args=(ceiling_port,), daemon=True),
    ]
    for server in servers:
        server.start()
    try:
        for port in (app_port, views_port, ceiling_port):
            _wait_for(port)
        headers = {"Authorization": f"Bearer {token}"}
        rng = random.Random(seed)
        progress.step(f"人员页面：{CLIENTS} 个并发客户端 {SECONDS:.0f} 秒")
        person = asyncio.run(_load(app_port, lambda: f"/persons/{rng.choice(ids)}", headers))
        progress.step(f"人员页面（Parquet 视图）：{CLIENTS} 个并发客户端 {SECONDS:.0f} 秒")
        views = asyncio.run(_load(views_port, lambda: f"/persons/{rng.choice(ids)}", headers))
        progress.step(f"人员查询 API：{CLIENTS} 个并发客户端 {SECONDS:.0f} 秒")
        search = asyncio.run(
            _load(app_port, lambda: f"/api/persons?name={rng.choice(names)}", headers)
        )
        progress.step(f"空 FastAPI 端点（上限）：{CLIENTS} 个并发客户端 {SECONDS:.0f} 秒")
        ceiling = asyncio.run(_load(ceiling_port, lambda: "/ping", {}))
    finally:
        for server in servers:
            server.terminate()
            server.join(5)
    return {
        "scale": scale,
        "clients": CLIENTS,
        "seconds_per_target": SECONDS,
        "rps": person["rps"],
        "p50_ms": person["p50_ms"],
        "p99_ms": person["p99_ms"],
        "errors": person["errors"],
        "views_rps": views["rps"],
        "views_p50_ms": views["p50_ms"],
        "views_p99_ms": views["p99_ms"],
        "speedup_vs_views": round(person["rps"] / views["rps"], 2) if views["rps"] else None,
        "search_rps": search["rps"],
        "search_p50_ms": search["p50_ms"],
        "search_p99_ms": search["p99_ms"],
        "search_errors": search["errors"],
        "ceiling_rps": ceiling["rps"],
        "ceiling_p50_ms": ceiling["p50_ms"],
        "ceiling_p99_ms": ceiling["p99_ms"],
        "person_share_of_ceiling": round(person["rps"] / ceiling["rps"], 3)
        if ceiling["rps"]
        else None,
    }


def _prepare_store(data_dir: Path) -> str:
    """A fresh operational store with one district admin; returns its API token."""
    from shibei.access import Role
    from shibei.access.accounts import NewAccount
    from shibei.store.sql_store import SqlStore, sql_engine
    from shibei.web.auth import Auth

    db = data_dir / "bench-app.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    store = SqlStore(sql_engine(f"sqlite:///{db}"))
    store.migrate()
    auth = Auth(store)
    account = auth.create_account(
        NewAccount("bench", "基准测试", Role.DISTRICT_ADMIN, "370203"), PASSWORD
    )
    token = auth.issue_api_token(account, "bench")
    store.engine.dispose()
    return token


def _serve_app(data_dir: str, port: int, in_memory_max_bytes: int | None = None) -> None:
    """The app over the bench's data; `in_memory_max_bytes=0` reads through views."""
    import uvicorn

    from shibei.bootstrap import foundation_reader
    from shibei.config import Settings
    from shibei.gazetteer import read_gazetteer
    from shibei.store.duckdb_foundation import DuckDBFoundationReader
    from shibei.store.sql_store import SqlStore, sql_engine
    from shibei.web.app import create_app
    from shibei.web.context import build_context

    settings = Settings(data_dir=Path(data_dir))
    store = SqlStore(sql_engine(f"sqlite:///{settings.data_dir / 'bench-app.db'}"))
    reader = (
        foundation_reader(settings)
        if in_memory_max_bytes is None
        else DuckDBFoundationReader(settings.lake_dir, in_memory_max_bytes=in_memory_max_bytes)
    )
    ctx = build_context(reader, read_gazetteer(settings.gazetteer_dir), store)
    uvicorn.run(create_app(ctx), host="127.0.0.1", port=port, log_level="error")


def _serve_ceiling(port: int) -> None:
    import uvicorn
    from fastapi import FastAPI

    app = FastAPI()

    @app.get("/ping")
    def ping() -> dict[str, bool]:
        return {"ok": True}

    uvicorn.run(app, host="127.0.0.1", port=port, log_level="error")


async def _load(port: int, next_path: Any, headers: dict[str, str]) -> dict[str, float]:
    import httpx

    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}", headers=headers, limits=limits, timeout=30
    ) as client:
        deadline = time.perf_counter() + SECONDS

        async def worker() -> None:
            nonlocal errors
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                try:
                    response = await client.get(next_path())
                except httpx.HTTPError:  # a dropped connection on a loaded machine
                    errors += 1
                    continue
                latencies.append(time.perf_counter() - started)
                if response.status_code != 200:
                    errors += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(CLIENTS)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 1),
        "errors": errors,
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(port: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), 0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"服务未在 {timeout:.0f} 秒内启动（端口 {port}）")
