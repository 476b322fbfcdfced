"""Settings of the web platform, on top of the shared `Settings` (SHIBEI_* variables)."""

from __future__ import annotations

from shibei.config import Settings


class WebSettings(Settings):
    database_url: str | None = None
    """SQLAlchemy URL of the operational store; default a SQLite file data/app.db."""
    cookie_secure: bool = False
    """Secure flag on cookies even over plain http (set when a TLS proxy is in front);
    over https the flag is always set."""

    @property
    def operational_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'app.db'}"
