"""The Spark engine gives the DuckDB engine's answer: on one small reference district,
`build` with engine=duckdb and engine=spark (Spark local[2], Splink's Spark backend, the
similarity jar, a checkpoint directory) write the same lake — clean rows, quarantine,
mentions, entity ids, golden records, relations, rollups — and so does applying one daily
delta to each (`apply_delta`, new, changed and deleted rows).

Needs pyspark (the `spark` extra) and Java 17; skipped without them unless
SHIBEI_REQUIRE_SERVICES=1 (CI), where a missing Spark fails the test.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from shibei.bench.daily_delta import split_feeds
from shibei.bootstrap import apply_delta, build, build_spark
from shibei.config import Settings
from shibei.foundation.build_sql import FOUNDATION_TABLES
from shibei.store.lake_compare import differences
from shibei.synth.generate import generate_district

pytestmark = [
    pytest.mark.spark,
    pytest.mark.slow,
    # py4j leaves its result sockets to the garbage collector
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]

SCALE = 0.002


def _spark_missing() -> str | None:
    if importlib.util.find_spec("pyspark") is None:
        return "未安装 pyspark（pip install -e '.[spark]'）"
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        return "没有 Java（Spark 需要 Java 17）"
    return None


@pytest.fixture(scope="module")
def spark_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    why = _spark_missing()
    if why is not None:
        if os.environ.get("SHIBEI_REQUIRE_SERVICES", "") not in ("", "0"):
            pytest.fail(f"Spark 不可用：{why}", pytrace=False)
        pytest.skip(f"Spark 不可用：{why}")
    root = tmp_path_factory.mktemp("spark-equivalence")
    generate_district(root / "generated", scale=SCALE, seed=20251231)
    # the base feeds both engines build; the rest arrives as one daily delta
    split_feeds(root / "generated" / "feeds", root / "duckdb" / "feeds", root / "delta",
                new_share=0.03, changed_share=0.01, deleted_share=0.01)  # fmt: skip
    shutil.copytree(root / "generated" / "gazetteer", root / "duckdb" / "gazetteer")
    shutil.copytree(root / "duckdb", root / "spark")
    return Settings(
        data_dir=root / "spark",
        engine="spark",
        spark_master="local[2]",
        spark_shuffle_partitions=1,
        spark_driver_memory="1g",
    )


@pytest.fixture(scope="module")
def spark(spark_settings: Settings) -> Iterator[Any]:
    """One SparkSession for the module."""
    from shibei.store.spark.session import start_spark

    session = start_spark(spark_settings)
    yield session
    session.stop()


@pytest.fixture(scope="module")
def lakes(spark_settings: Settings, spark: Any) -> tuple[Path, Path, dict[str, Any]]:
    duckdb_data = spark_settings.data_dir.parent / "duckdb"
    build(Settings(data_dir=duckdb_data))
    report = build_spark(spark_settings, spark=spark)
    return duckdb_data / "lake", spark_settings.lake_dir, report


@pytest.fixture(scope="module")
def updated(
    spark_settings: Settings, spark: Any, lakes: tuple[Path, Path, dict[str, Any]]
) -> tuple[Path, Path, dict[str, Any]]:
    """Both lakes after the same daily delta, each applied by its own engine (after the
    build tests, which read the built lakes: module fixtures run in order of use)."""
    delta = spark_settings.data_dir.parent / "delta"
    duckdb_data = spark_settings.data_dir.parent / "duckdb"
    apply_delta(Settings(data_dir=duckdb_data), delta, at=AT)
    report = apply_delta(spark_settings, delta, at=AT, spark=spark)
    return lakes[0], lakes[1], report


AT = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)


def _files(lake: Path, zone: str) -> list[str]:
    return sorted(str(p.relative_to(lake)) for p in (lake / zone).glob("**/*.parquet"))


def test_the_spark_engine_ran_every_stage_on_spark(
    lakes: tuple[Path, Path, dict[str, Any]], spark: Any
) -> None:
    _, spark_lake, report = lakes
    assert set(report["seconds"]) >= {"ingest", "resolve", "foundation"}
    assert report["ingest"].rows_in > 10_000 and not report["ingest"].errors
    assert report["resolve"].scored_pairs > 0  # Splink on Spark scored pairs
    jars = spark.sparkContext.getConf().get("spark.jars")
    assert "scala-udf-similarity" in jars
    assert spark.sparkContext.getCheckpointDir() is not None
    assert (spark_lake / "foundation" / "persons.parquet").exists()


def test_ingest_writes_the_same_clean_quarantine_and_mentions(
    lakes: tuple[Path, Path, dict[str, Any]],
) -> None:
    duck, spark_lake, _ = lakes
    for zone in ("clean", "quarantine", "mentions/persons", "mentions/organizations"):
        files = _files(duck, zone)
        assert files == _files(spark_lake, zone)
        for name in files:
            a, b = pq.read_table(duck / name), pq.read_table(spark_lake / name)
            assert a.schema == b.schema, name
            assert a.equals(b), name
    ledger = ["source", "batch", "file", "rows_in", "rows_clean", "rows_quarantined"]
    assert pq.read_table(duck / "batches.parquet", columns=ledger).sort_by(
        "batch"
    ) == pq.read_table(spark_lake / "batches.parquet", columns=ledger).sort_by("batch")


def test_same_entity_ids_golden_records_and_links(lakes: tuple[Path, Path, dict[str, Any]]) -> None:
    duck, spark_lake, _ = lakes
    tables = sorted(str(p.relative_to(duck)) for p in (duck / "resolve").glob("*.parquet"))
    assert "resolve/person_links.parquet" in tables and "resolve/id_ledger.parquet" in tables
    assert differences(duck, spark_lake, tables, drop=("at",)) == []
    links = pq.read_table(duck / "resolve" / "person_links.parquet").to_pylist()
    assert {r["method"] for r in links} >= {"id_number", "probabilistic"}


def test_same_relations_rollups_and_thematic_libraries(
    lakes: tuple[Path, Path, dict[str, Any]],
) -> None:
    duck, spark_lake, _ = lakes
    tables = sorted(str(p.relative_to(duck)) for p in (duck / "foundation").glob("**/*.parquet"))
    assert {f"foundation/{t}.parquet" for t in FOUNDATION_TABLES} <= set(tables)
    assert any(t.startswith("foundation/libraries/") for t in tables)  # thematic libraries
    assert _files(duck, "foundation") == _files(spark_lake, "foundation")
    assert differences(duck, spark_lake, tables) == []
    rollups = pq.read_table(spark_lake / "foundation" / "rollups.parquet").to_pylist()
    district = [r for r in rollups if r["level"] == "district"]
    assert len(district) == 1 and district[0]["persons"] > 1000


def test_a_daily_delta_applied_on_spark_gives_the_duckdb_update(
    updated: tuple[Path, Path, dict[str, Any]],
) -> None:
    duck, spark_lake, report = updated
    assert report["ingest"].rows_in > 0 and report["retracted"] > 0
    assert report["resolve"].scored_pairs > 0  # Splink on Spark scored the re-resolve
    for zone in ("clean", "quarantine", "mentions/persons", "mentions/organizations"):
        assert _files(duck, zone) == _files(spark_lake, zone), zone
    tables = sorted(
        str(p.relative_to(duck))
        for zone in ("resolve", "foundation")
        for p in (duck / zone).glob("**/*.parquet")
    )
    assert differences(duck, spark_lake, tables, drop=("at",)) == []
    events = pq.read_table(spark_lake / "resolve" / "entity_events.parquet").to_pylist()
    assert all(e["at"] == AT for e in events)
