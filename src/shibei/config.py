"""One typed Settings object, read once by the entry points (STYLE.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

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
    engine: Literal["duckdb", "spark"] = "duckdb"
    """Engine of `shibei build` (SHIBEI_ENGINE): embedded DuckDB, or Apache Spark
    (the `spark` extra; docs/scale.md)."""
    ingest_workers: int = 0
    """Processes standardizing feed chunks on the DuckDB engine (SHIBEI_INGEST_WORKERS):
    0 = one per core once the pending feeds reach 16 MB, else in the build's own process."""
    spark_master: str = "local[2]"
    """Spark master URL: `local[N]`, `spark://host:7077`, `yarn`, `k8s://https://…`."""
    spark_driver_memory: str = "4g"
    spark_shuffle_partitions: int = 8
    """spark.sql.shuffle.partitions (about 2-3× the cluster's cores)."""
    spark_checkpoint_dir: str | None = None
    """Splink's lineage-breaking Parquet and Spark checkpoints; default
    <data_dir>/spark-checkpoints; on a cluster an hdfs:// or s3a:// URL."""
    spark_conf: dict[str, str] = {}
    """Any further Spark conf, as JSON (SHIBEI_SPARK_CONF='{"spark.executor.memory": "8g"}')."""
    database_url: str | None = None
    """SQLAlchemy URL of the operational store (SHIBEI_DATABASE_URL); default a SQLite
    file data/app.db."""
    cookie_secure: bool = False
    """Secure flag on cookies even over plain http (SHIBEI_COOKIE_SECURE=1, when a TLS
    proxy is in front); over https the flag is always set."""

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

    @property
    def operational_url(self) -> str:
        """The operational store's URL: `database_url`, or the SQLite file data/app.db."""
        return self.database_url or f"sqlite:///{self.data_dir / 'app.db'}"
