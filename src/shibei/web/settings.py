"""Settings of the web platform. `database_url` and `cookie_secure` now live in the
shared `Settings` (SHIBEI_DATABASE_URL, SHIBEI_COOKIE_SECURE); this name is kept for
code that imported it."""

from __future__ import annotations

from shibei.config import Settings


class WebSettings(Settings):
    """The shared settings (no fields of its own any more)."""
