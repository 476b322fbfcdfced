"""The person linkage model as data: comparisons, levels and blocking rules, in Splink's
settings format (engine-neutral SQL conditions over `<column>_l` / `<column>_r`), plus the
versioned trained model shipped in `models/`.

The levels follow docs/resolve.md: name exact → pinyin key exact → pinyin Jaro-Winkler →
one character apart; birth date exact → one digit apart; ID number exact → one edit;
phone exact (term-frequency adjusted: families share phones); address house → building →
community; sex.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from typing import Any

MODEL_FILE = "person_v1.json"
MODEL_VERSION = "person-v1"

_NOT_BOTH_VALID = "(NOT l.id_valid OR NOT r.id_valid)"
"""Pairs of two valid ID numbers are decided by the deterministic stage, never scored."""

BLOCKING_RULES: tuple[str, ...] = (
    "l.name_key = r.name_key AND l.birth_date = r.birth_date",
    "l.phone_std = r.phone_std",
    "l.name_key = r.name_key AND l.address_code = r.address_code",
    "l.id_key1 = r.id_key1",
    "l.id_key2 = r.id_key2",
    "l.id_key3 = r.id_key3",
    "l.id_key4 = r.id_key4",
    "l.id_key5 = r.id_key5 AND l.name_key = r.name_key",
)
"""Candidate pairs: pinyin name + birth date; phone; pinyin name + address; ID number
within one edit (the `id_key*` columns, see `records.ID_KEY_PARTS`)."""


def _null(column: str) -> dict[str, Any]:
    return {
        "sql_condition": f'"{column}_l" IS NULL OR "{column}_r" IS NULL',
        "label_for_charts": "null",
        "is_null_level": True,
    }


def _level(sql: str, label: str, **extra: Any) -> dict[str, Any]:
    return {"sql_condition": sql, "label_for_charts": label, **extra}


ELSE = _level("ELSE", "else")

COMPARISONS: tuple[dict[str, Any], ...] = (
    {
        "output_column_name": "name",
        "comparison_description": "姓名：完全相同 → 拼音相同 → 拼音相近 → 差一个字",
        "comparison_levels": [
            _null("name_std"),
            _level('"name_std_l" = "name_std_r"', "exact"),
            _level('"name_key_l" = "name_key_r"', "pinyin exact"),
            _level('jaro_winkler_similarity("name_key_l", "name_key_r") >= 0.92', "pinyin jw"),
            _level(
                'length("name_std_l") = length("name_std_r") AND '
                'levenshtein("name_std_l", "name_std_r") = 1',
                "one character apart",
            ),
            ELSE,
        ],
    },
    {
        "output_column_name": "birth_date",
        "comparison_description": "出生日期：相同 → 差一位数字",
        "comparison_levels": [
            _null("birth_date"),
            _level('"birth_date_l" = "birth_date_r"', "exact"),
            _level('damerau_levenshtein("birth_date_l", "birth_date_r") <= 1', "one digit"),
            ELSE,
        ],
    },
    {
        "output_column_name": "id_number",
        "comparison_description": "公民身份号码：相同 → 差一处（错位或录错一位）",
        "comparison_levels": [
            _null("id_number"),
            _level('"id_number_l" = "id_number_r"', "exact"),
            _level('damerau_levenshtein("id_number_l", "id_number_r") <= 1', "one edit"),
            ELSE,
        ],
    },
    {
        "output_column_name": "phone_std",
        "comparison_description": "电话：相同（按号码频率调整：家人共用号码）",
        "comparison_levels": [
            _null("phone_std"),
            _level(
                '"phone_std_l" = "phone_std_r"',
                "exact",
                tf_adjustment_column="phone_std",
                tf_adjustment_weight=1.0,
            ),
            ELSE,
        ],
    },
    {
        "output_column_name": "address",
        "comparison_description": "地址：同一户 → 同一楼栋 → 同一社区",
        "comparison_levels": [
            _null("address_code"),
            _level('"house_code_l" = "house_code_r"', "same house"),
            _level('"building_l" = "building_r"', "same building"),
            _level('"community_l" = "community_r"', "same community"),
            ELSE,
        ],
    },
    {
        "output_column_name": "sex",
        "comparison_description": "性别",
        "comparison_levels": [_null("sex"), _level('"sex_l" = "sex_r"', "exact"), ELSE],
    },
)

FIXED_M: dict[str, dict[str, float]] = {
    "id_number": {"exact": 0.80, "one edit": 0.19, "else": 0.01},
    "birth_date": {"exact": 0.96, "one digit": 0.035, "else": 0.005},
    "phone_std": {"exact": 0.95, "else": 0.05},
    "sex": {"exact": 0.995, "else": 0.005},
    "name": {"else": 0.001},
}
"""m probabilities set by hand where the labelled pairs cannot teach them: labels come from
valid ID numbers, so inside them the number (and the birth date its digits give) always
agree. Here: among true matches where both sides carry a number, how often it is exact,
a typo away, or unrelated. Phone, sex and a wholly different name get a floor: inside ID
groups they (almost) never disagree, but a second mobile, a mistyped sex or a garbled name
happen, and a model that calls them impossible over-trusts their agreement."""

MIN_PROBABILITY = 1e-6
"""No level's m or u is allowed below this: a level never seen in training is rare, not
impossible."""


def settings(prior: float = 1e-4) -> dict[str, Any]:
    """The untrained settings (the JSON shape Splink reads)."""
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "unique_id",
        "probability_two_random_records_match": prior,
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": True,
        "blocking_rules_to_generate_predictions": [
            {"blocking_rule": f"{rule} AND {_NOT_BOTH_VALID}"} for rule in BLOCKING_RULES
        ],
        "comparisons": json.loads(json.dumps(COMPARISONS)),
    }


@lru_cache(maxsize=1)
def trained_model() -> dict[str, Any]:
    """The shipped model: {"version", "trained_on", "settings" (Splink settings with m and
    u for every level)}. Incremental runs score with it unchanged."""
    text = (
        resources.files("shibei.resolve").joinpath("models").joinpath(MODEL_FILE).read_text("utf-8")
    )
    model: dict[str, Any] = json.loads(text)
    return model


POPULATION_LEVELS: dict[tuple[str, str], tuple[tuple[int, tuple[str, ...]], ...]] = {
    ("address", "same house"): ((1, ("house_code",)),),
    ("address", "same building"): ((1, ("building",)), (-1, ("building", "house_code"))),
    # a building's code extends its community's (both prefixes of the address code), so
    # same building implies same community: community ∧ building counts as building
    ("address", "same community"): (
        (1, ("community",)), (-1, ("building",)), (-1, ("community", "house_code")),
        (1, ("building", "house_code")),
    ),
    ("id_number", "exact"): ((1, ("id_number",)),),
}  # fmt: skip
"""The levels whose chance agreement depends on how many records a run has (a house,
building or ID number is shared by a few records whatever the population; the chance
that two random records share one falls as the population grows, as the prior does).
Their u is not taken from the training run alone but counted in each run's own records
(`persons.population_pairs`), like the prior and the phone term frequencies: the
pairs agreeing on the level (inclusion–exclusion over the key columns it implies, e.g.
same building and not same house) outside the deterministic groups, over all pairs
outside them (`with_population`). A model trained on a small district would otherwise
under-weigh a shared house by the ratio of the populations while the prior shrinks by it:
at 30× the training population (scale 0.3) person recall fell from 0.99 to 0.92."""


PSEUDO_PAIRS = 1_000_000
"""The trained u weighs as much as this many counted pairs: a run with few records keeps
about the trained value, a district's count decides for itself."""


def with_population(
    model: dict[str, Any],
    prior: float,
    population: Mapping[tuple[str, str], tuple[int, int]] | None,
) -> dict[str, Any]:
    """The model for one run: `prior`, and for each level of `POPULATION_LEVELS` counted
    in its records ((agreeing pairs, pairs)) u = (agreeing + PSEUDO_PAIRS × trained u) /
    (pairs + PSEUDO_PAIRS); each such comparison's `else` level takes the rest of its u."""
    out = copy.deepcopy(model)
    settings = out["settings"]
    settings["probability_two_random_records_match"] = prior
    for comparison in settings["comparisons"]:
        name = comparison["output_column_name"]
        levels = [lvl for lvl in comparison["comparison_levels"] if not lvl.get("is_null_level")]
        changed = False
        for level in levels:
            counted = (population or {}).get((name, level["label_for_charts"]))
            if counted is not None:
                agreeing, pairs = counted
                trained = PSEUDO_PAIRS * level["u_probability"]
                level["u_probability"] = (agreeing + trained) / (pairs + PSEUDO_PAIRS)
                changed = True
        if changed:
            rest = [lvl for lvl in levels if lvl["label_for_charts"] != "else"]
            for level in levels:
                if level["label_for_charts"] == "else":
                    level["u_probability"] = 1.0 - sum(lvl["u_probability"] for lvl in rest)
    return out


def level_labels() -> dict[str, list[str]]:
    """Comparison name → level labels by gamma value (gamma -1 is the null level)."""
    out: dict[str, list[str]] = {}
    for c in COMPARISONS:
        labels = [lvl["label_for_charts"] for lvl in c["comparison_levels"] if not
                  lvl.get("is_null_level")]  # fmt: skip
        out[c["output_column_name"]] = list(reversed(labels))
    return out
