"""Creating the SparkSession from settings: master URL, the Splink similarity jar on
`spark.jars`, a checkpoint directory, and the conf the pipeline relies on (UTC, Arrow,
microsecond timestamps in Parquet). See docs/scale.md for pointing it at a cluster."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

from shibei.errors import ShibeiError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from shibei.config import Settings


class SparkUnavailableError(ShibeiError):
    """pyspark (the `spark` extra) or Java is missing."""


def similarity_jar() -> str:
    """The Scala similarity UDF jar shipped inside the Splink wheel (jaro_winkler,
    damerau_levenshtein … for Spark 4)."""
    from splink.backends.spark import similarity_jar_location

    return str(similarity_jar_location())


def spark_conf(settings: Settings) -> dict[str, str]:
    """The SparkSession conf for `settings` (without starting anything)."""
    conf: dict[str, str] = {
        "spark.app.name": "shibei",
        "spark.master": settings.spark_master,
        "spark.jars": similarity_jar(),
        "spark.driver.memory": settings.spark_driver_memory,
        "spark.sql.shuffle.partitions": str(settings.spark_shuffle_partitions),
        "spark.default.parallelism": str(settings.spark_shuffle_partitions),
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.execution.arrow.pyspark.enabled": "true",
        "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
        "spark.sql.ansi.enabled": "false",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.driver.extraJavaOptions": "-Dlog4j2.level=error",
    }
    if settings.spark_master.startswith("local"):
        # local mode: the workers are this interpreter (with shibei importable)
        conf["spark.pyspark.python"] = sys.executable
        conf["spark.pyspark.driver.python"] = sys.executable
        conf["spark.driver.bindAddress"] = "127.0.0.1"
        conf["spark.driver.host"] = "127.0.0.1"
    conf.update(settings.spark_conf)
    return conf


def checkpoint_dir(settings: Settings) -> str:
    """Where Splink breaks lineage (Parquet) and Spark checkpoints: the setting, else
    `<data_dir>/spark-checkpoints` (an `hdfs://` or `s3a://` URL on a cluster)."""
    return settings.spark_checkpoint_dir or str(
        (settings.data_dir / "spark-checkpoints").absolute()
    )


def start_spark(settings: Settings) -> SparkSession:
    """A SparkSession for `settings` (reused if one is already running in this process)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise SparkUnavailableError(
            "未安装 pyspark：请先安装 Spark 扩展（pip install 'shibei[spark]'）"
        ) from exc
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder: Any = SparkSession.builder
    for key, value in spark_conf(settings).items():
        builder = builder.config(key, value)
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # a missing JVM surfaces as a generic error
        raise SparkUnavailableError(f"无法启动 Spark（需要 Java 17+）：{exc}") from exc
    spark.sparkContext.setLogLevel("ERROR")
    spark.sparkContext.setCheckpointDir(checkpoint_dir(settings))
    session: SparkSession = spark
    return session
