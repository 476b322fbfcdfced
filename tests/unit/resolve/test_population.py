"""The u of the levels whose chance agreement depends on the population (a shared house,
building, community, ID number) is counted in each run's own records: exactly, outside the
deterministic groups, and blended with the trained u so that a tiny run keeps it."""

from __future__ import annotations

from shibei.resolve.model import PersonMention
from shibei.resolve.person_model import PSEUDO_PAIRS, trained_model, with_population
from shibei.resolve.persons import connect_mentions, identity_records, population_pairs
from shibei.standardize.id_number import id_number_check_char
from shibei.standardize.name import normalize_person_name, person_name_key

HOUSE_A = "3702030340040060005010101"  # building 3702030340040060005, community 370203034004
HOUSE_B = "3702030340040060005010102"  # same building as A
HOUSE_C = "3702030340040060009010101"  # same community, another building
HOUSE_D = "3702030350010010001010101"  # another community


def _id(first17: str) -> str:
    return first17 + id_number_check_char(first17)


def mention(
    i: int, name: str, house: str | None, id_std: str | None = None, phone: str | None = None
) -> PersonMention:
    return PersonMention(
        mention_id=f"m{i}", source="grid_surveys", batch="b1", row=i, name=name,
        name_std=normalize_person_name(name), name_key=person_name_key(name),
        id_number_raw=id_std, id_number_std=id_std, phone_std=phone, house_code=house,
        address_code=house,
    )  # fmt: skip


def test_pairs_are_counted_per_level_outside_the_deterministic_groups() -> None:
    a = _id("37020319850101123")
    con = connect_mentions([
        mention(1, "张伟", HOUSE_A, a),
        mention(2, "张伟", HOUSE_A, a, "13812345678"),  # another record of the same group
        mention(3, "李丽", HOUSE_A),
        mention(4, "王芳", HOUSE_B),
        mention(5, "赵强", HOUSE_C),
        mention(6, "孙丽", HOUSE_D),
        mention(7, "周杰", None),  # no address: outside the address comparison
    ])  # fmt: skip
    identity_records(con)
    counted = population_pairs(con)
    # six records with an address: 15 pairs, one of them inside the ID group
    assert counted["address", "same house"] == (2, 14)  # 3 with 1 and 2; 1–2 is one person
    assert counted["address", "same building"] == (3, 14)  # 4 with 1, 2, 3
    assert counted["address", "same community"] == (4, 14)  # 5 with 1, 2, 3, 4
    assert counted["id_number", "exact"] == (0, 0)  # two records, one group: no chance pair


def test_a_districts_count_decides_and_a_tiny_run_keeps_the_trained_u() -> None:
    model = trained_model()
    trained = _u(model, "address", "same house")
    big = with_population(model, 1e-6, {("address", "same house"): (200_000, 10**13)})
    assert abs(_u(big, "address", "same house") - 2e-8) < 1e-10  # 200,000 / 10^13
    tiny = with_population(model, 1e-6, {("address", "same house"): (2, 14)})
    assert abs(_u(tiny, "address", "same house") - trained) < 1e-4 * trained + 2 / PSEUDO_PAIRS
    levels = _levels(big, "address")
    assert abs(sum(levels.values()) - 1.0) < 1e-12  # `else` takes the rest
    assert big["settings"]["probability_two_random_records_match"] == 1e-6
    assert _u(trained_model(), "address", "same house") == trained  # the shipped model is kept


def _levels(model: dict, comparison: str) -> dict[str, float]:
    (c,) = [c for c in model["settings"]["comparisons"] if c["output_column_name"] == comparison]
    return {lvl["label_for_charts"]: lvl["u_probability"] for lvl in c["comparison_levels"]
            if not lvl.get("is_null_level")}  # fmt: skip


def _u(model: dict, comparison: str, level: str) -> float:
    return _levels(model, comparison)[level]
