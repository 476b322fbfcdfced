"""Splink 5 on Spark behind the `shibei.resolve.ports.Linker` port.

The same model (`resolve/models/person_v1.json`), the same candidate records, the same
term-frequency table and the same reading of Splink's predictions as
`shibei.resolve.splink_linker.SplinkLinker`; only the SQL backend differs: Splink's
`SparkAPI`, with the Scala similarity UDFs of the jar on `spark.jars` (jaro_winkler,
damerau_levenshtein) and lineage broken by Parquet under the checkpoint directory.
The model's DuckDB-dialect SQL conditions are transpiled to Spark SQL with sqlglot.
"""

from __future__ import annotations

import copy
import logging
from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from shibei.resolve import person_model
from shibei.resolve.model import ScoredPairs, records_from_arrow
from shibei.resolve.records import candidate_records
from shibei.resolve.splink_linker import _level_weights, records_table, scored_pairs

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

logging.getLogger("splink").setLevel(logging.WARNING)

_FUNCTIONS = {"jaro_winkler_similarity": "jaro_winkler"}
"""DuckDB function → the jar's Spark UDF of the same definition."""


def spark_sql(condition: str) -> str:
    """One of the model's DuckDB SQL conditions in Spark SQL."""
    import sqlglot
    from sqlglot import exp

    if condition.strip().upper() == "ELSE":
        return condition
    tree = sqlglot.parse_one(condition, read="duckdb")
    for node in list(tree.find_all(exp.Func)):
        name = node.sql_name().lower() if not isinstance(node, exp.Anonymous) else node.name
        duckdb_name = _FUNCTIONS.get(name.lower()) or _FUNCTIONS.get(
            name.lower().replace("jarowinkler", "jaro_winkler")
        )
        if duckdb_name:
            args = [a for a in (node.this, node.expression) if a is not None] or node.expressions
            node.replace(exp.Anonymous(this=duckdb_name, expressions=args))
    return str(tree.sql(dialect="spark"))


def spark_settings(model: dict[str, Any]) -> dict[str, Any]:
    """The Splink settings of a run's model with every SQL condition in Spark SQL."""
    settings: dict[str, Any] = copy.deepcopy(model["settings"])
    settings["sql_dialect"] = "spark"
    settings["retain_intermediate_calculation_columns"] = True
    for rule in settings["blocking_rules_to_generate_predictions"]:
        rule["blocking_rule"] = spark_sql(rule["blocking_rule"])
        rule["sql_dialect"] = "spark"
    for comparison in settings["comparisons"]:
        for level in comparison["comparison_levels"]:
            level["sql_condition"] = spark_sql(level["sql_condition"])
    return settings


class SparkSplinkLinker:
    """Scores candidate pairs with the shipped model on Splink's Spark backend."""

    def __init__(
        self,
        spark: SparkSession,
        model: dict[str, Any] | None = None,
        partitions: int | None = None,
    ) -> None:
        self._spark = spark
        self._model = model or person_model.trained_model()
        self._partitions = partitions
        self.model_version = str(self._model.get("version", person_model.MODEL_VERSION))

    def score(
        self,
        table: Any,
        *,
        prior: float,
        min_probability: float,
        population: Mapping[tuple[str, str], tuple[int, int]] | None = None,
    ) -> ScoredPairs:
        records = records_from_arrow(table)
        wanted = candidate_records(records)
        if len(wanted) < 2:
            return ScoredPairs.of([])
        import pyarrow as pa
        from splink import Linker
        from splink.backends.spark import SparkAPI

        db = SparkAPI(  # type: ignore[no-untyped-call]
            spark_session=self._spark,
            break_lineage_method="parquet",
            num_partitions_on_repartition=self._partitions,
        )
        # a session scores once per build or update: the previous run's views go first
        for view in ("person_records", "tf_phone"):
            self._spark.catalog.dropTempView(view)
        subset = [records[i] for i in wanted]
        table = db.register(
            self._spark.createDataFrame(records_table(subset, ids=wanted)),
            table_name="person_records",
        )
        model = person_model.with_population(self._model, prior, population)
        linker = Linker(table, spark_settings(model), log_level=None)
        phones = Counter(r.phone_std for r in records if r.phone_std)
        total = sum(phones.values())
        tf = pa.table(
            {"phone_std": list(phones), "tf_phone_std": [n / total for n in phones.values()]}
        )
        linker.table_management.register_term_frequency_lookup(
            db.register(self._spark.createDataFrame(tf), table_name="tf_phone"), "phone_std"
        )
        predictions = linker.inference.predict(
            threshold_match_probability=min_probability, warning_mode="never"
        )
        table = predictions.as_pyarrow_table()  # type: ignore[no-untyped-call]
        return scored_pairs(table, _level_weights(model))
