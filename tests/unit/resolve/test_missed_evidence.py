"""Which missed pairs nothing could have joined: mentions of one true person are linkable
through a chain of shared evidence (ID number, raw number's body, phone, house, address,
birth date, a name no other person carries)."""

from __future__ import annotations

from typing import Any

from shibei.resolve.evaluation import missed_pairs_without_evidence


def _m(mention_id: str, name: str, **fields: Any) -> dict[str, Any]:
    key = fields.pop("key", name)
    return {"mention_id": mention_id, "name_std": name, "name_key": key, **fields}


# a: hukou row (ID), b: social security (ID, phone), c: a 110 call with the same phone,
# d: a 110 call with a phone seen nowhere else — 王伟 is a common name
MENTIONS = [
    _m("a", "王伟", id_number_std="370203199001011234"),
    _m("b", "王伟", id_number_std="370203199001011234", phone_std="13900000001"),
    _m("c", "王伟", phone_std="13900000001"),
    _m("d", "王伟", phone_std="13900000009"),
    _m("e", "王伟", id_number_std="370203198505055678"),  # another 王伟
    _m("f", "欧阳娜娜"),  # a name only person Z carries: linkable to g on the name
    _m("g", "欧阳娜娜", house_code="H1"),
]
TRUTH = {"a": "X", "b": "X", "c": "X", "d": "X", "e": "Y", "f": "Z", "g": "Z"}


def test_a_split_with_a_shared_phone_is_missed_but_linkable() -> None:
    links = [("a", "1"), ("b", "1"), ("c", "2"), ("d", "1"), ("e", "3"), ("f", "4"), ("g", "4")]
    result = missed_pairs_without_evidence(MENTIONS, TRUTH, links)
    # c–a and c–b share a chain (phone, ID); c–d share nothing
    assert result == {"missed_pairs": 3, "missed_pairs_without_evidence": 1, "share": 0.333333}


def test_a_common_name_and_an_unseen_phone_leave_nothing_to_link() -> None:
    links = [("a", "1"), ("b", "1"), ("c", "1"), ("d", "2"), ("e", "3"), ("f", "4"), ("g", "5")]
    result = missed_pairs_without_evidence(MENTIONS, TRUTH, links)
    # d misses a, b, c (no evidence); f–g share a distinctive name (evidence)
    assert result["missed_pairs"] == 4
    assert result["missed_pairs_without_evidence"] == 3
    assert result["share"] == 0.75


def test_a_mistyped_check_character_still_shares_the_numbers_body() -> None:
    mentions = [
        _m("a", "王伟", id_number_std="370203199001011234"),
        _m("b", "王伟", id_number_raw="37020319900101123X"),
        _m("e", "王伟", id_number_std="370203198505055678"),
    ]
    truth = {"a": "X", "b": "X", "e": "Y"}
    links = [("a", "1"), ("b", "2"), ("e", "3")]
    result = missed_pairs_without_evidence(mentions, truth, links)
    assert result["missed_pairs_without_evidence"] == 0


def test_nothing_missed_counts_nothing() -> None:
    links = [(m, t) for m, t in TRUTH.items()]
    result = missed_pairs_without_evidence(MENTIONS, TRUTH, links)
    assert result == {"missed_pairs": 0, "missed_pairs_without_evidence": 0, "share": 0.0}
