"""Splink 5 on DuckDB behind the `Linker` port, model training, and the baseline.

The only module of `shibei.resolve` that touches an engine: splink and duckdb are imported
inside the functions, so importing this module starts nothing. Splink runs fully offline
(no charts, no downloads).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from typing import Any

from shibei.resolve import person_model, person_sql
from shibei.resolve.model import Evidence, PersonMention, PersonRecord, ScoredPairs
from shibei.resolve.records import ID_KEY_PARTS, id_blocking_keys

logging.getLogger("splink").setLevel(logging.WARNING)


def records_table(
    records: Sequence[PersonRecord],
    labels: Sequence[str | None] | None = None,
    ids: Sequence[int] | None = None,
) -> Any:
    """The records as the Arrow table the model's SQL expects (`unique_id` = `ids`, by
    default the index)."""
    import pyarrow as pa

    keys = [id_blocking_keys(r.id_number) for r in records]
    columns: dict[str, Any] = {
        "unique_id": pa.array(range(len(records)) if ids is None else ids, pa.int64()),
        "name_std": [r.name_std for r in records],
        "name_key": [r.name_key for r in records],
        "id_number": [r.id_number for r in records],
        "id_valid": pa.array([r.id_valid for r in records], pa.bool_()),
        "birth_date": [r.birth_date for r in records],
        "sex": [r.sex for r in records],
        "phone_std": [r.phone_std for r in records],
        "house_code": [r.house_code for r in records],
        "address_code": [r.address_code for r in records],
        "building": [_prefix(r.address_code, 19) for r in records],
        "community": [_prefix(r.address_code, 12) for r in records],
    }
    for n in range(len(keys[0]) if keys else 5):
        columns[f"id_key{n + 1}"] = [k[n] for k in keys]
    if labels is not None:
        columns["cluster"] = list(labels)
    schema = pa.schema(
        [(name, pa.string()) for name in columns if name not in ("unique_id", "id_valid")]
    )
    arrays = {
        name: (v if isinstance(v, pa.Array) else pa.array(v, schema.field(name).type))
        for name, v in columns.items()
    }
    return pa.table(arrays)


def _prefix(code: str | None, width: int) -> str | None:
    return code[:width] if code and len(code) >= width and code[:width].isdigit() else None


class SplinkLinker:
    """Scores candidate pairs with the shipped (or a given) trained model."""

    def __init__(self, model: dict[str, Any] | None = None) -> None:
        self._model = model or person_model.trained_model()
        self.model_version = str(self._model.get("version", person_model.MODEL_VERSION))

    def score(
        self,
        records: Any,
        *,
        prior: float,
        min_probability: float,
        population: Mapping[tuple[str, str], tuple[int, int]] | None = None,
    ) -> ScoredPairs:
        import pyarrow.compute as pc
        from splink import DuckDBAPI, Linker

        if records.num_rows < 2 or pc.all(records["id_valid"]).as_py():
            return ScoredPairs.of([])
        model = person_model.with_population(self._model, prior, population)
        settings = model["settings"]
        settings["retain_intermediate_calculation_columns"] = True
        db = DuckDBAPI()
        con = db.duckdb_con
        try:
            con.register("all_records_arrow", records)
            con.execute(candidate_sql())
            (count,) = con.execute("SELECT count(*) FROM person_candidates").fetchall()[0]
            if int(count) < 2:
                return ScoredPairs.of([])
            table = db.register("person_candidates", table_name="person_records")
            linker = Linker(table, settings, log_level=None, validate_settings=False)
            # phone frequencies over all records, not just the ones scored
            tf = con.sql(
                "SELECT phone_std, count(*) / sum(count(*)) OVER () AS tf_phone_std "
                "FROM all_records_arrow WHERE phone_std IS NOT NULL GROUP BY phone_std"
            ).to_arrow_table()
            linker.table_management.register_term_frequency_lookup(
                db.register(tf, table_name="tf_phone"), "phone_std"
            )
            predictions = linker.inference.predict(
                threshold_match_probability=min_probability, warning_mode="never"
            )
            table = predictions.as_pyarrow_table()  # type: ignore[no-untyped-call]
        finally:
            con.close()
        return scored_pairs(table, _level_weights(model))


def _id_key_sql(n: int, parts: tuple[tuple[int, int], ...]) -> str:
    pieces = " || ".join(f"substr(id_number, {a + 1}, {b - a})" for a, b in parts)
    return f"CASE WHEN length(id_number) = 18 THEN {pieces} END AS id_key{n}"


def _prefix_sql(width: int, name: str) -> str:
    return f"{person_sql.address_prefix_sql(width)} AS {name}"


def candidate_sql() -> str:
    """SQL (DuckDB) over the registered `all_records_arrow` (the records as the port takes
    them) making `person_candidates`, with the columns of `records_table`: the same
    records as `records.candidate_records` — every record without a valid number, plus
    the valid ones sharing a blocking key (`records.blocking_keys`) with one of them (one
    semi-join per key). The derived columns (ID keys, building, community) are computed
    for the candidates only, and for the semi-joins on the fly."""
    keys = ",\n".join(_id_key_sql(n, parts) for n, parts in enumerate(ID_KEY_PARTS, 1))
    rules = [
        ("name_key", "birth_date"), ("phone_std",), ("name_key", "address_code"),
        *((f"id_key{n}",) for n in range(1, 5)), ("id_key5", "name_key"),
    ]  # fmt: skip
    hits = "\nUNION\n".join(
        f"SELECT v.unique_id FROM keyed v SEMI JOIN "
        f"(SELECT {', '.join(cols)} FROM keyed WHERE NOT id_valid) w "
        f"ON {' AND '.join(f'v.{c} = w.{c}' for c in cols)} WHERE v.id_valid"
        for cols in rules
    )
    return f"""CREATE OR REPLACE TABLE person_candidates AS
WITH keyed AS (
    SELECT unique_id, id_valid, name_key, birth_date, phone_std, address_code,
{keys}
    FROM all_records_arrow),
hits AS ({hits})
SELECT *, {_prefix_sql(19, "building")}, {_prefix_sql(12, "community")},
{keys}
FROM all_records_arrow
WHERE NOT id_valid OR unique_id IN (SELECT unique_id FROM hits)
ORDER BY unique_id"""


def scored_pairs(table: Any, levels: dict[str, list[tuple[str, float]]]) -> ScoredPairs:
    """A predictions table (Arrow, with `retain_intermediate_calculation_columns`) as
    pairs with their evidence. Splink 5 reports each comparison's match weight
    (`mw_<name>`, plus `mw_tf_adj_<name>`); the level is the one whose weight it is (a
    null level weighs 0). A run has few distinct combinations of weights: one evidence
    dict each."""
    import numpy as np

    names = set(table.column_names)
    compared = [name for name in levels if f"mw_{name}" in names]
    n = table.num_rows
    columns = []
    for name in compared:  # null (comparison left out, no tf adjustment) as NaN
        for column in (f"mw_{name}", f"mw_tf_adj_{name}"):
            values = table[column].to_numpy(zero_copy_only=False) if column in names else None
            columns.append(np.full(n, np.nan) if values is None else values.astype(np.float64))
    weights = np.column_stack(columns) if columns else np.zeros((n, 0))
    # distinct rows, compared bit for bit (NaN equals NaN): sorted, then cut where they change
    bits = weights.view(np.int64)
    order = np.lexsort(bits.T[::-1]) if n else np.zeros(0, np.int64)
    ranked = bits[order]
    starts = np.concatenate(([True], (ranked[1:] != ranked[:-1]).any(axis=1))) if n else order
    kind = np.empty(n, np.int64)
    kind[order] = np.cumsum(starts) - 1
    evidence = [_evidence(compared, tuple(row.tolist()), levels)
                for row in ranked[starts].view(np.float64)]  # fmt: skip
    left = table["unique_id_l"].to_numpy().astype(np.int64)
    right = table["unique_id_r"].to_numpy().astype(np.int64)
    return ScoredPairs(
        np.minimum(left, right),
        np.maximum(left, right),
        table["match_weight"].to_numpy().astype(np.float64),
        table["match_probability"].to_numpy().astype(np.float64),
        kind,
        evidence,
    )


def _evidence(
    compared: list[str],
    row: tuple[float, ...],
    levels: dict[str, list[tuple[str, float]]],
) -> dict[str, Evidence]:
    """Comparison → its level and weight, from one pair's (weight, tf adjustment)
    per comparison in `compared` order (NaN: the comparison is left out, no adjustment)."""
    out: dict[str, Evidence] = {}
    for n, name in enumerate(compared):
        w, t = row[2 * n], row[2 * n + 1]
        if math.isnan(w):
            continue
        by_weight = levels[name]
        label = "null"
        if by_weight and w != 0.0:
            label = min(by_weight, key=lambda lw: abs(lw[1] - w))[0]
        out[name] = Evidence(label, round(w + (0.0 if math.isnan(t) else t), 3))
    return out


def _level_weights(model: dict[str, Any]) -> dict[str, list[tuple[str, float]]]:
    """Comparison → (level label, log2 m/u) for each non-null level of the model."""
    out: dict[str, list[tuple[str, float]]] = {}
    for c in model["settings"]["comparisons"]:
        levels = []
        for level in c["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            m, u = level.get("m_probability"), level.get("u_probability")
            if m and u:
                levels.append((level["label_for_charts"], math.log2(m / u)))
        out[c["output_column_name"]] = levels
    return out


def train_person_model(
    records: Sequence[PersonRecord],
    labels: Sequence[str | None],
    *,
    seed: int = 20251231,
    max_pairs: float = 2e6,
) -> dict[str, Any]:
    """Train the person model: u by random sampling, m from the labelled pairs the
    deterministic stage gives (records sharing a valid ID number are true matches), with
    the ID-number and birth-date m fixed by hand (`person_model.FIXED_M`)."""
    from splink import DuckDBAPI, Linker

    db = DuckDBAPI()
    try:
        table = db.register(records_table(records, labels), table_name="person_records")
        linker = Linker(table, person_model.settings(), log_level=None)
        linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
        linker.training.estimate_m_from_label_column("cluster")
        trained = linker.misc.save_model_to_json()
    finally:
        db.duckdb_con.close()
    for comparison in trained["comparisons"]:
        fixed = person_model.FIXED_M.get(comparison["output_column_name"], {})
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            label = level["label_for_charts"]
            if label in fixed:
                level["m_probability"] = fixed[label]
            for p in ("m_probability", "u_probability"):
                value = level.get(p)
                if value is None or value < person_model.MIN_PROBABILITY:
                    level[p] = person_model.MIN_PROBABILITY
    trained.pop("linker_uid", None)
    return {"version": person_model.MODEL_VERSION, "settings": trained}


# -- the baseline -------------------------------------------------------------------------


def baseline_splink_dedupe(
    mentions: Sequence[PersonMention], *, threshold: float = 0.9, seed: int = 20251231
) -> list[tuple[str, str]]:
    """A plain Splink 5 dedupe of the same mentions, as a newcomer would write it: no
    deterministic stage, no Chinese-specific comparisons — `NameComparison`,
    `DateOfBirthComparison` and `ExactMatch` on the raw fields, u by random sampling, m by
    EM on two blocking rules, connected components at `threshold`.
    Returns (mention_id, cluster_id) for every mention."""
    import pyarrow as pa
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    table = pa.table(
        {
            "unique_id": [m.mention_id for m in mentions],
            "name": [m.name for m in mentions],
            "birth_date": [m.birth_date.isoformat() if m.birth_date else None for m in mentions],
            "id_number": [m.id_number_raw for m in mentions],
            "phone": [m.phone_std for m in mentions],
            "address": [m.address_code for m in mentions],
        }
    )
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.NameComparison("name"),
            cl.DateOfBirthComparison("birth_date", input_is_string=True),
            cl.ExactMatch("id_number"),
            cl.ExactMatch("phone"),
            cl.ExactMatch("address"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("id_number"),
            block_on("name", "birth_date"),
            block_on("phone"),
            block_on("name", "address"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    db = DuckDBAPI()
    try:
        linker = Linker(db.register(table, table_name="mentions"), settings, log_level=None)
        linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=seed)
        linker.training.estimate_parameters_using_expectation_maximisation(block_on("id_number"))
        linker.training.estimate_parameters_using_expectation_maximisation(block_on("phone"))
        predictions = linker.inference.predict(threshold_match_probability=threshold / 2)
        clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
            predictions, threshold_match_probability=threshold
        )
        arrow = clusters.as_pyarrow_table()  # type: ignore[no-untyped-call]
        rows = arrow.select(["unique_id", "cluster_id"]).to_pylist()
    finally:
        db.duckdb_con.close()
    return [(str(r["unique_id"]), str(r["cluster_id"])) for r in rows]
