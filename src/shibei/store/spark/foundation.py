"""The foundation on Spark: the statements of `shibei.foundation.build_sql` (the SQL the
DuckDB engine runs), transpiled by sqlglot from DuckDB to Spark SQL, over the same lake
inputs, written to the same `lake/foundation/<table>.parquet` files.

`CREATE OR REPLACE TABLE t AS q` becomes a cached temp view `t`; DuckDB's ordered
`list(x ORDER BY x)` becomes `array_sort(collect_list(x))`. Each table is written by Spark
as one Parquet file (one task, sorted as the SQL says) and moved into place.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq

from shibei.foundation.build_sql import (
    FOUNDATION_TABLES,
    LIBRARIES_DIR,
    PLACE_GRIDS_SQL,
    _grid_sql,
    build_statements_sql,
    derived_library_sql,
    staff_sql,
    takes_place_grids,
)
from shibei.foundation.libraries import THEMATIC_LIBRARIES, address_records, division_records
from shibei.gazetteer import Gazetteer
from shibei.progress import NullProgress, Progress
from shibei.store.duckdb_foundation import publish_foundation

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession


def spark_statements(texts: list[str] | None = None) -> list[tuple[str, str]]:
    """(table, Spark SQL query) for every statement of the foundation build (or of
    `texts`, DuckDB `CREATE TABLE … AS` statements), in order."""
    import sqlglot
    from sqlglot import exp

    out: list[tuple[str, str]] = []
    for text in build_statements_sql() if texts is None else texts:
        for statement in sqlglot.parse(text, read="duckdb"):
            if statement is None:
                continue
            if not isinstance(statement, exp.Create):
                raise ValueError(f"数据底座 SQL 不是 CREATE TABLE 语句：{statement.sql()}")
            name = statement.this.name
            query = statement.expression
            for agg in list(query.find_all(exp.ArrayAgg)):
                if isinstance(agg.this, exp.Order):  # list(x ORDER BY x) → sorted list
                    inner = agg.this.this
                    agg.replace(
                        exp.Anonymous(
                            this="array_sort",
                            expressions=[
                                exp.Anonymous(this="collect_list", expressions=[inner.copy()])
                            ],
                        )
                    )
            out.append((name, str(query.sql(dialect="spark"))))
    return out


def _register_inputs(spark: SparkSession, lake: Path, addresses: Path, divisions: Path) -> None:
    resolve = lake / "resolve"

    def parquet(path: Path) -> DataFrame:
        return spark.read.option("mergeSchema", "true").parquet(str(path))

    parquet(addresses).createOrReplaceTempView("addresses")
    parquet(divisions).createOrReplaceTempView("divisions")
    for view, kind in (("person_mentions", "persons"), ("org_mentions", "organizations")):
        parquet(lake / "mentions" / kind / "*" / "*.parquet").createOrReplaceTempView(view)
    for view, file in (
        ("person_links", "person_links"),
        ("org_links", "org_links"),
        ("golden_persons", "persons"),
        ("golden_orgs", "organizations"),
    ):
        parquet(resolve / f"{file}.parquet").createOrReplaceTempView(view)
    explanations = resolve / "explanations.parquet"
    if explanations.exists():
        parquet(explanations).createOrReplaceTempView("explanations")
    else:
        spark.sql(
            "SELECT CAST(NULL AS STRING) AS left_mention_id, CAST(NULL AS STRING) AS "
            "right_mention_id, CAST(NULL AS DOUBLE) AS match_weight, CAST(NULL AS DOUBLE) "
            "AS match_probability, CAST(NULL AS STRING) AS evidence WHERE false"
        ).createOrReplaceTempView("explanations")


def build_foundation_spark(
    spark: SparkSession, lake: Path, gazetteer: Gazetteer, progress: Progress | None = None
) -> dict[str, int]:
    """`shibei.store.duckdb_foundation.build_foundation` on Spark: same tables, same files,
    same staging-then-rename replacement; returns the row count of each table."""
    progress = progress or NullProgress()
    lake = lake.absolute()
    staging = lake / ".staging-foundation"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    step = progress.step(
        "数据底座（Spark）：地址库、人口库、法人库、房屋库、关系、汇总",
        total=len(FOUNDATION_TABLES) + 2,
    )
    addresses, divisions = staging / "addresses.parquet", staging / "divisions.parquet"
    pq.write_table(pa.Table.from_pylist(address_records(gazetteer)), addresses)
    pq.write_table(pa.Table.from_pylist(division_records(gazetteer)), divisions)
    step.advance(2)
    _register_inputs(spark, lake, addresses, divisions)
    frames: dict[str, Any] = {}
    for name, query in spark_statements():
        frame = spark.sql(query).persist()
        frame.createOrReplaceTempView(name)
        frames[name] = frame
    counts: dict[str, int] = {}
    for table in FOUNDATION_TABLES:
        frame = frames[table]
        path = staging / f"{table}.parquet"
        _write_single_parquet(frame, path, staging / f".{table}.spark")
        counts[table] = int(pq.ParquetFile(path).metadata.num_rows)
        step.advance()
    counts |= _build_libraries(spark, lake, staging / LIBRARIES_DIR)
    for frame in frames.values():
        frame.unpersist()
    publish_foundation(lake, staging)
    return counts


def _write_single_parquet(frame: DataFrame, path: Path, scratch: Path) -> None:
    """One Parquet file at `path`, in the frame's order (coalesce keeps a sorted frame's
    partitions in order)."""
    frame.coalesce(1).write.mode("overwrite").option("compression", "zstd").parquet(str(scratch))
    parts = sorted(scratch.glob("part-*.parquet"))
    if len(parts) != 1:
        raise RuntimeError(f"Spark 写出了 {len(parts)} 个文件：{scratch}")
    os.replace(parts[0], path)
    shutil.rmtree(scratch)


def _build_libraries(spark: SparkSession, lake: Path, directory: Path) -> dict[str, int]:
    """The thematic libraries, as `duckdb_foundation._build_libraries` writes them: the
    feed libraries with the DataFrame API (DuckDB's `UNION ALL BY NAME` and `EXCLUDE` have
    no Spark SQL form), staff and the derived libraries transpiled from the same SQL."""
    from pyspark.sql import functions as F

    directory.mkdir(parents=True, exist_ok=True)
    present = sorted(
        {
            source
            for library in THEMATIC_LIBRARIES
            for source in library.sources
            if any((lake / "clean" / source).glob("**/*.parquet"))
        }
    )
    clean = {}
    for source in present:
        frame = spark.read.option("mergeSchema", "true").parquet(
            str(lake / "clean" / source / "*.parquet")
        )
        frame.createOrReplaceTempView(f"clean_{source}")
        clean[source] = frame
    counts: dict[str, int] = {}
    for library in THEMATIC_LIBRARIES:
        sources = [s for s in library.sources if s in present]
        if library.name == "staff":
            if not sources:
                continue
            text = staff_sql("grid_workers" in present, "community_police" in present)
            frame = spark.sql(spark_statements([text])[0][1])
        elif library.sources:
            if not sources:
                continue
            frame = _feed_library(spark, [clean[s] for s in sources], F)
        else:
            frame = spark.sql(spark_statements([derived_library_sql(library.name)])[0][1])
        path = directory / f"{library.name}.parquet"
        _write_single_parquet(frame, path, directory / f".{library.name}.spark")
        counts[f"library:{library.name}"] = int(pq.ParquetFile(path).metadata.num_rows)
    return counts


def _feed_library(spark: SparkSession, frames: list[DataFrame], F: Any) -> DataFrame:
    """`build_sql.feed_library_sql` in DataFrame form: the clean rows (no `row_hash`) with
    the persons and organizations their mentions resolved to, in mention order, and the
    grid code."""
    import sqlglot

    rows = frames[0].drop("row_hash")
    for frame in frames[1:]:
        rows = rows.unionByName(frame.drop("row_hash"), allowMissingColumns=True)
    columns = set(rows.columns)
    keys = ["source", "batch", "row"]

    def ids(view: str, column: str) -> DataFrame:
        pairs = F.array_sort(F.collect_list(F.struct("mention_id", column)))
        return (
            spark.table(view)
            .groupBy(*keys)
            .agg(F.transform(pairs, lambda x: x[column]).alias("ids"))
        )

    p, o = ids("pm", "person_id"), ids("om", "org_id")
    grid = sqlglot.transpile(_grid_sql(columns), read="duckdb", write="spark")[0]
    empty = F.array().cast("array<string>")
    joined = rows.alias("c").join(p.alias("p"), keys, "left").join(o.alias("o"), keys, "left")
    if takes_place_grids(columns):  # a door's or compound's grid
        places = spark.sql(sqlglot.transpile(PLACE_GRIDS_SQL, read="duckdb", write="spark")[0])
        joined = joined.join(places.alias("g"), F.col("c.address_code") == F.col("g.code"), "left")
        grid = f"coalesce({grid}, g.grid_code)"
    return joined.select(
        *[F.col(f"c.{c}") if c not in keys else F.col(c) for c in rows.columns],
        F.element_at(F.col("p.ids"), 1).alias("person_id"),
        F.coalesce(F.col("p.ids"), empty).alias("person_ids"),
        F.element_at(F.col("o.ids"), 1).alias("org_id"),
        F.coalesce(F.col("o.ids"), empty).alias("org_ids"),
        F.expr(grid).alias("grid_code"),
    ).orderBy("source", "batch", "row")
