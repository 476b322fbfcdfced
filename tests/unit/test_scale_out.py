"""Pure parts of the scale-out work: SQL transpiled for Spark, the delta's reach, the
growth exponent. No Spark needed (sqlglot only)."""

from __future__ import annotations

from shibei.bench.scale import growth_exponent
from shibei.resolve import person_model
from shibei.resolve.incremental import delta_reach
from shibei.resolve.model import PersonRecord
from shibei.resolve.records import blocking_keys
from shibei.store.spark.foundation import spark_statements
from shibei.store.spark.linker import spark_settings, spark_sql


def test_model_conditions_become_spark_sql_with_the_jar_functions() -> None:
    assert spark_sql('"name_std_l" = "name_std_r"') == "`name_std_l` = `name_std_r`"
    jw = spark_sql('jaro_winkler_similarity("name_key_l", "name_key_r") >= 0.92')
    assert jw.lower() == "jaro_winkler(`name_key_l`, `name_key_r`) >= 0.92"
    assert spark_sql("ELSE") == "ELSE"
    model = person_model.with_population(person_model.trained_model(), 0.001, None)
    settings = spark_settings(model)
    assert settings["sql_dialect"] == "spark"
    assert settings["probability_two_random_records_match"] == 0.001
    text = str(settings)
    assert '"' not in text.replace("'", "")  # no DuckDB double-quoted identifiers left
    # the shipped model itself is untouched
    assert person_model.trained_model()["settings"]["sql_dialect"] == "duckdb"


def test_foundation_statements_transpile_with_sorted_lists() -> None:
    statements = dict(spark_statements())
    assert {"persons", "houses", "rollups", "person_house"} <= set(statements)
    houses = statements["houses"].lower()
    assert "array_sort(collect_list(person_id))" in houses
    assert "max_by(" in statements["person_house"].lower()
    assert '"row"' not in " ".join(statements.values())


def test_the_reach_follows_shared_keys_and_stops_at_unrelated_people() -> None:
    def record(name: str, key: str, phone: str) -> PersonRecord:
        return PersonRecord(name, key, None, False, None, None, phone, None, None)

    records = [
        record("张三", "zhangsan", "13900000001"),
        record("李四", "lisi", "13900000001"),  # a's phone
        record("王五", "wangwu", "13900000002"),
        record("赵六", "zhaoliu", "13900000003"),
    ]
    keys = [blocking_keys(r) for r in records]
    names = [r.name_key for r in records]
    previous = [None, "P1", "P2", "P2"]  # c and d were one person before
    none = [None] * 4
    assert delta_reach(range(4), keys, names, none, none, previous, seeds=[0]) == [0, 1]
    assert delta_reach(range(4), keys, names, none, none, previous, seeds=[3]) == [2, 3]


def test_growth_exponent() -> None:
    assert growth_exponent([1e5, 1e6], [10.0, 100.0]) == 1.0
    assert growth_exponent([1e5, 1e6], [10.0, 1000.0]) == 2.0
    assert growth_exponent([1e5], [10.0]) is None
