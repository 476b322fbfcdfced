"""The operational store and the cookie flag come from the shared Settings
(SHIBEI_DATABASE_URL, SHIBEI_COOKIE_SECURE) through bootstrap.operational_store."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from shibei.bootstrap import operational_store
from shibei.config import Settings
from shibei.web.app import create_app
from shibei.web.context import build_context

from .conftest import World


def test_settings_read_the_database_url_and_cookie_flag(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SHIBEI_DATA_DIR", str(tmp_path / "data"))
    assert Settings().operational_url == f"sqlite:///{tmp_path / 'data' / 'app.db'}"
    assert Settings().cookie_secure is False
    monkeypatch.setenv("SHIBEI_DATABASE_URL", f"sqlite:///{tmp_path / 'other.db'}")
    monkeypatch.setenv("SHIBEI_COOKIE_SECURE", "1")
    settings = Settings()
    assert settings.operational_url == f"sqlite:///{tmp_path / 'other.db'}"
    assert settings.cookie_secure is True


def test_operational_store_is_migrated_at_the_configured_url(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "fresh", database_url=None)
    store = operational_store(settings)
    assert (tmp_path / "fresh" / "app.db").exists()
    assert store.list_accounts() == [] and store.audit_head()[0] == 0
    store.engine.dispose()


def test_cookie_secure_setting_marks_the_session_cookie(world: World, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, cookie_secure=True)
    store = operational_store(settings)
    ctx = build_context(world.reader, world.gazetteer, store, cookie_secure=settings.cookie_secure)
    client = TestClient(create_app(ctx), follow_redirects=False)  # plain http
    form = client.get("/login")
    assert "sb_login_csrf=" in form.headers["set-cookie"]
    assert "Secure" in form.headers["set-cookie"]
    store.engine.dispose()
