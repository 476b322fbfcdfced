from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from shibei.bench.resolve_mentions import write_person_mentions
from shibei.progress import NullProgress
from shibei.resolve import resolve
from shibei.resolve.clusters import ConstrainedClusters, accept_pairs
from shibei.resolve.evaluation import evaluate_person_links
from shibei.resolve.lake import read_table
from shibei.resolve.model import PersonMention, ScoredPair, ScoredPairs
from shibei.resolve.persons import connect_mentions, identity_records
from shibei.resolve.records import ID_KEY_PARTS, id_blocking_keys, within_one_edit
from shibei.resolve.stable_ids import ClusterKeys, LedgerEntry, assign_ids
from shibei.standardize.name import normalize_person_name, person_name_key

from .fakes import FakeLinker

ID_A = "370203198501011235"
ID_B = "370203198501021239"


def mention(
    mid: str,
    source: str = "grid_surveys",
    *,
    name: str = "张伟",
    id_std: str | None = None,
    id_raw: str | None = None,
    phone: str | None = None,
    birth: date | None = None,
    observed: date | None = None,
    house: str | None = None,
) -> PersonMention:
    return PersonMention(
        mention_id=mid, source=source, batch="b1", row=int(mid[1:]) if mid[1:].isdigit() else 0,
        name=name, name_std=normalize_person_name(name), name_key=person_name_key(name),
        id_number_raw=id_raw or id_std, id_number_std=id_std, birth_date=birth,
        phone_std=phone, house_code=house, observed_on=observed,
    )  # fmt: skip


@dataclass
class Resolved:
    """What `resolve()` wrote for mentions m1, m2, … (links in mention order)."""

    tables: dict[str, list[dict[str, Any]]]

    @property
    def cluster(self) -> list[str]:
        return [r["person_id"] for r in self.tables["person_links"]]

    @property
    def method(self) -> list[str]:
        return [r["method"] for r in self.tables["person_links"]]

    def person(self, person_id: str) -> dict[str, Any]:
        return next(r for r in self.tables["persons"] if r["person_id"] == person_id)


def run(tmp_path: Path, ms: list[PersonMention]) -> Resolved:
    lake = tmp_path / "lake"
    write_person_mentions(ms, lake)
    resolve(lake, NullProgress(), linker=FakeLinker(), at=datetime(2026, 1, 1))
    names = ("person_links", "persons", "person_conflicts", "explanations")
    return Resolved({n: read_table(lake / "resolve" / f"{n}.parquet") for n in names})


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("370203198501011235", "370203198501011235", True),
        ("370203198501011235", "370203198501011236", True),  # a typo
        ("370203198501011235", "370203195801011235", True),  # adjacent digits swapped
        ("370203198501011235", "370203198501011", False),
        ("370203198501011235", "370203198501021239", False),
        ("张三", "章三", True),
    ],
)
def test_within_one_edit(a: str, b: str, expected: bool) -> None:
    assert within_one_edit(a, b) is expected


def test_id_blocking_keys_survive_every_single_typo_and_swap() -> None:
    number = ID_A
    variants = [
        number[:i] + ("9" if number[i] != "9" else "0") + number[i + 1 :] for i in range(18)
    ]
    variants += [number[:i] + number[i + 1] + number[i] + number[i + 2 :] for i in range(17)]
    for variant in variants:
        shared = [
            a == b for a, b in zip(id_blocking_keys(number), id_blocking_keys(variant), strict=True)
        ]
        assert any(shared), variant
    assert len(ID_KEY_PARTS) == 5


def test_identical_mentions_collapse_into_one_record() -> None:
    ms = [mention("m1", phone="13812345678"), mention("m2", phone="13812345678"), mention("m3")]
    con = connect_mentions(ms)
    records = identity_records(con)
    rec = [r for (r,) in con.execute("SELECT rec FROM pr ORDER BY mention_id").fetchall()]
    con.close()
    assert records.num_rows == 2
    assert rec[0] == rec[1] != rec[2]


def test_homophone_under_one_id_joins_but_a_different_name_is_split_off_and_flagged(
    tmp_path: Path,
) -> None:
    ms = [
        mention("m1", "police_household_registry", name="张伟", id_std=ID_A),
        mention("m2", name="张玮", id_std=ID_A),  # homophone
        mention("m3", name="李秀英", id_std=ID_A),  # someone else's name on the number
    ]
    out = run(tmp_path, ms)
    assert out.cluster[0] == out.cluster[1] != out.cluster[2]
    assert out.method == ["id_number"] * 3
    flagged = {(c["person_id"], c["value"]) for c in out.tables["person_conflicts"]
               if c["attribute"] == "name"}  # fmt: skip
    assert flagged == {
        (out.cluster[0], "张伟"),
        (out.cluster[1], "张玮"),
        (out.cluster[2], "李秀英"),
    }


def test_birth_date_disagreeing_with_the_id_number_is_flagged_not_split(tmp_path: Path) -> None:
    ms = [
        mention("m1", "police_household_registry", id_std=ID_A, birth=date(1985, 1, 2)),
        mention("m2", id_std=ID_A),
    ]
    out = run(tmp_path, ms)
    assert out.cluster[0] == out.cluster[1]
    flagged = [(c["attribute"], c["value"], c["source"]) for c in out.tables["person_conflicts"]]
    assert ("birth_date", "1985-01-02", "police_household_registry") in flagged


def test_clusters_refuse_to_join_two_id_numbers() -> None:
    clusters = ConstrainedClusters({0: (0, ID_A), 1: (1, ID_B)})
    pairs = ScoredPairs.of([ScoredPair(1, 2, 10.0, 0.999), ScoredPair(0, 2, 12.0, 0.9998)])
    assert accept_pairs(clusters, pairs, 0.99) == [1]  # the best pair first, then refused
    assert clusters.find(2) == clusters.find(0) != clusters.find(1)


def test_link_persons_joins_a_typoed_id_by_name_and_phone(tmp_path: Path) -> None:
    ms = [
        mention("m1", "police_household_registry", id_std=ID_A, phone="13812345678"),
        mention("m2", id_raw="370203198501011236", phone="13812345678"),
        mention("m3", name="王芳", phone="13912345678"),
    ]
    out = run(tmp_path, ms)
    assert out.cluster[0] == out.cluster[1] != out.cluster[2]
    assert out.method == ["id_number", "probabilistic", "singleton"]


def test_rerun_keeps_ids_and_a_bridge_is_logged_as_merge() -> None:
    at = datetime(2026, 1, 1)
    a = ClusterKeys(ID_A, frozenset({ID_A, "m1"}), ("m1",), "b1")
    b = ClusterKeys("m2", frozenset({"m2"}), ("m2",), "b1")
    first = assign_ids("person", "P", [a, b], at=at)
    assert first.ids == ["P0000000001", "P0000000002"]
    again = assign_ids("person", "P", [b, a], previous_ledger=first.ledger, at=at)
    assert again.ids == ["P0000000002", "P0000000001"]
    merged = ClusterKeys(ID_A, frozenset({ID_A, "m1", "m2", "m3"}), ("m1", "m2", "m3"), "b1")
    links = {"m1": "P0000000001", "m2": "P0000000002"}
    third = assign_ids("person", "P", [merged], previous_ledger=first.ledger, previous_links=links,
                       batch_of={"m3": "b2"}, at=at)  # fmt: skip
    assert third.ids == ["P0000000001"]
    assert [(e.event, e.entity_id, e.other_id, e.batch) for e in third.events] == [
        ("merge", "P0000000001", "P0000000002", "b2")
    ]


def test_split_gives_a_new_id_and_logs_it() -> None:
    at = datetime(2026, 1, 1)
    ledger = [LedgerEntry("person", "P0000000007", "m1", "b1")]
    links = {"m1": "P0000000007", "m2": "P0000000007"}
    kept = ClusterKeys("m1", frozenset({"m1"}), ("m1",), "b1")
    gone = ClusterKeys("m2", frozenset({"m2"}), ("m2",), "b1")
    out = assign_ids(
        "person", "P", [kept, gone], previous_ledger=ledger, previous_links=links, at=at
    )
    assert out.ids == ["P0000000007", "P0000000008"]
    assert [(e.event, e.entity_id, e.other_id) for e in out.events] == [
        ("split", "P0000000007", "P0000000008")
    ]


def test_survivorship_prefers_the_police_registry_name_and_says_why(tmp_path: Path) -> None:
    ms = [
        mention("m1", "grid_surveys", name="王小眀", id_std=ID_A, observed=date(2025, 5, 1)),
        mention("m2", "police_household_registry", name="王小明", id_std=ID_A),
    ]
    out = run(tmp_path, ms)
    row = out.person(out.cluster[0])
    assert row["name"] == "王小明"
    assert row["name_source"] == "police_household_registry:b1:2"
    assert row["name_why"] == "来源权威优先：公安户籍（第1位）"
    found = {(c["attribute"], c["value"], c["source"]) for c in out.tables["person_conflicts"]}
    assert found == {
        ("name", "王小眀", "grid_surveys"),
        ("name", "王小明", "police_household_registry"),
    }


def test_freshness_breaks_ties_between_equally_ranked_sources(tmp_path: Path) -> None:
    phone = "13812345678"
    ms = [
        mention("m1", "grid_surveys", house="H1", observed=date(2024, 1, 1), phone=phone),
        mention("m2", "grid_surveys", house="H2", observed=date(2025, 1, 1), phone=phone),
    ]
    out = run(tmp_path, ms)
    assert out.cluster[0] == out.cluster[1]
    row = out.person(out.cluster[0])
    assert (row["house_code"], row["house_code_why"]) == (
        "H2", "来源权威优先：网格员采集（第1位）；同级来源中最新（2025-01-01）"
    )  # fmt: skip


def test_golden_record_takes_each_attribute_from_its_own_best_source(tmp_path: Path) -> None:
    ms = [
        mention("m1", "grid_surveys", name="王小眀", id_std=ID_A, house="H1",
                observed=date(2025, 5, 1), phone="13812345678"),
        mention("m2", "police_household_registry", name="王小明", id_std=ID_A, house="H0"),
        mention("m3", "migrant_registration", name="李娜", id_raw="370203199001011236",
                house="H2", phone="13912345678"),
        mention("m4", "access_control", name="李娜", house="H9", phone="13912345678"),
    ]  # fmt: skip
    out = run(tmp_path, ms)
    assert out.cluster[0] == out.cluster[1] != out.cluster[2] == out.cluster[3]
    wang = out.person(out.cluster[0])
    assert (wang["name"], wang["id_number"], wang["birth_date"]) == ("王小明", ID_A,
                                                                     date(1985, 1, 1))  # fmt: skip
    assert (wang["house_code"], wang["hukou_house_code"]) == ("H1", "H0")  # lives ≠ hukou
    assert wang["phones"] == ["13812345678"]
    assert (wang["is_migrant"], wang["is_migrant_why"]) == (False, "有公安户籍记录")
    li = out.person(out.cluster[2])
    assert li["id_number"] is None  # an invalid number is never golden
    assert (li["birth_date"], li["sex"]) == (date(1990, 1, 1), "M")  # from the number's digits
    assert li["house_code"] == "H2"  # migrant registration outranks access control
    assert li["house_code_source"] == "migrant_registration:b1:3"
    assert (li["is_migrant"], li["is_migrant_why"]) == (True, "有流动人口登记，无公安户籍记录")


@pytest.mark.parametrize(
    ("links", "precision", "recall"),
    [
        ([("a", "1"), ("b", "1"), ("c", "2"), ("d", "2")], 1.0, 1.0),
        ([("a", "1"), ("b", "1"), ("c", "1"), ("d", "2")], 1 / 3, 0.5),
        ([("a", "1"), ("b", "2"), ("c", "3"), ("d", "4")], 1.0, 0.0),
    ],
)
def test_evaluate_person_links_pairwise(
    links: list[tuple[str, str]], precision: float, recall: float
) -> None:
    truth = {"a": "x", "b": "x", "c": "y", "d": "y"}
    got = evaluate_person_links(links, truth)
    assert (got["precision"], got["recall"]) == (round(precision, 6), round(recall, 6))


# -- the rare-name rule (unique_name.py) ----------------------------------------------


def _roled(m: PersonMention, role: str) -> PersonMention:
    from dataclasses import replace

    return replace(m, role=role)


def test_a_caller_with_only_a_name_joins_the_one_identified_person_of_that_name(
    tmp_path: Path,
) -> None:
    ms = [
        mention("m1", "police_household_registry", name="臧长林", id_std=ID_A, house="H1"),
        mention("m2", "incidents_110", name="臧长林", phone="13512345678"),  # an old phone
        mention("m3", "police_household_registry", name="王芳", id_std=ID_B),
    ]
    out = run(tmp_path, ms)
    assert out.cluster[0] == out.cluster[1] != out.cluster[2]
    assert out.method[1] == "unique_name"
    assert any("unique among identified persons" in e["evidence"]
               for e in out.tables["explanations"])  # fmt: skip


def test_same_name_different_people_stops_the_rare_name_rule(tmp_path: Path) -> None:
    ms = [
        mention("m1", "police_household_registry", name="张伟", id_std=ID_A),
        mention("m2", "police_household_registry", name="张伟", id_std=ID_B),
        mention("m3", "incidents_110", name="张伟", phone="13512345678"),
    ]
    out = run(tmp_path, ms)
    assert len(set(out.cluster)) == 3
    assert out.method[2] == "singleton"


def test_a_contradicting_birth_date_or_a_far_id_keeps_a_namesake_apart(tmp_path: Path) -> None:
    ms = [
        mention("m1", "police_household_registry", name="臧长林", id_std=ID_A),
        mention("m2", "grid_surveys", name="臧长林", birth=date(1990, 1, 1)),
        mention("m3", "grid_surveys", name="臧长林", id_raw="110101199003070000",
                phone="13612345678"),
    ]  # fmt: skip
    out = run(tmp_path, ms)
    assert out.cluster[1] != out.cluster[0]
    assert out.cluster[2] != out.cluster[0]


def test_a_homophone_two_characters_away_is_not_the_same_name(tmp_path: Path) -> None:
    ms = [
        mention("m1", "police_household_registry", name="王梓馨", id_std=ID_A),
        mention("m2", "access_control", name="王子欣", house="H2"),
    ]
    out = run(tmp_path, ms)
    assert out.cluster[0] != out.cluster[1]


def test_roster_staff_are_not_linked_on_a_name_alone(tmp_path: Path) -> None:
    ms = [
        mention("m1", "police_household_registry", name="臧长林", id_std=ID_A),
        _roled(mention("m2", "grid_workers", name="臧长林", phone="13712345678"), "grid_worker"),
    ]
    out = run(tmp_path, ms)
    assert out.cluster[0] != out.cluster[1]
    assert out.method[1] == "singleton"
