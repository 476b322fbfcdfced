"""Service detection for the whole suite: PostgreSQL and chromium.

Tests that need a service ask for the `postgres_url` or `chromium_path` fixture. When
the service is not reachable they are skipped — loudly, in the terminal summary — unless
SHIBEI_REQUIRE_SERVICES=1 (set by .ci/run), which turns the skip into a failure.
"""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path
from urllib.parse import urlparse

import pytest

DEFAULT_TEST_DATABASE = "postgresql://postgres@127.0.0.1:5432/test"
CHROMIUM = Path("/usr/bin/chromium")
_MISSING: dict[str, str] = {}


def _required() -> bool:
    return os.environ.get("SHIBEI_REQUIRE_SERVICES", "") not in ("", "0")


def _unavailable(service: str, why: str) -> None:
    _MISSING[service] = why
    message = f"{service} 不可用：{why}"
    if _required():
        pytest.fail(message + "（SHIBEI_REQUIRE_SERVICES=1，不允许跳过）", pytrace=False)
    pytest.skip(message)


def _postgres_answers(url: str) -> str | None:
    """None when a connection succeeds; otherwise why not."""
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 5432), 2):
            pass
    except OSError as exc:
        return f"{parsed.hostname}:{parsed.port} 无应答（{exc.strerror or exc}）"
    try:
        import psycopg

        with psycopg.connect(url, connect_timeout=3):
            return None
    except Exception as exc:  # any driver error means: cannot use it
        where = f"{parsed.hostname}:{parsed.port}/{parsed.path.lstrip('/')}"
        return f"无法连接 {where}（{type(exc).__name__}）"


@pytest.fixture(scope="session")
def postgres_url() -> str:
    url = os.environ.get("SHIBEI_TEST_DATABASE_URL", DEFAULT_TEST_DATABASE)
    why = _postgres_answers(url)
    if why is not None:
        _unavailable("PostgreSQL", why)
    return url


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    found = CHROMIUM if CHROMIUM.exists() else None
    if found is None and (which := shutil.which("chromium")):
        found = Path(which)
    if found is None:
        _unavailable("chromium", f"{CHROMIUM} 不存在（apt-get install chromium）")
    assert found is not None
    return found


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not _MISSING:
        return
    terminalreporter.section("跳过了需要外部服务的测试", sep="!", red=True, bold=True)
    for service, why in _MISSING.items():
        terminalreporter.write_line(f"  {service}: {why}", red=True, bold=True)
    terminalreporter.write_line(
        "  CI (.ci/run) 设置 SHIBEI_REQUIRE_SERVICES=1，这些测试在那里不会被跳过。", red=True
    )
