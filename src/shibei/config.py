"""One typed Settings object, read once by the entry points (STYLE.md)."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Runtime settings, from `SHIBEI_*` environment variables."""

    model_config = SettingsConfigDict(env_prefix="SHIBEI_", extra="ignore")

    data_dir: Path = Path("data")
    """Root of feeds/, truth/, gazetteer/, lake/ and app.db (DESIGN.md, Interfaces)."""
    boundaries: Path | None = None
    """A GeoJSON of real street boundaries; without it the gazetteer generates polygons."""
    seed: int = 20251231
    """Seed of the reference district."""

    @property
    def feeds_dir(self) -> Path:
        return self.data_dir / "feeds"

    @property
    def truth_dir(self) -> Path:
        return self.data_dir / "truth"

    @property
    def gazetteer_dir(self) -> Path:
        return self.data_dir / "gazetteer"

    @property
    def lake_dir(self) -> Path:
        return self.data_dir / "lake"
