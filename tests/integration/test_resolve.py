"""resolve() end to end on tiny lakes: Splink 5 on DuckDB with the shipped model."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from shibei.bench.resolve_mentions import write_person_mentions
from shibei.progress import NullProgress
from shibei.resolve import explain, resolve
from shibei.resolve.model import PersonMention
from shibei.standardize.id_number import check_id_number
from shibei.standardize.name import normalize_person_name, person_name_key

HOUSE = "3702030050010030012020401"
_rows = iter(range(1, 10_000))


def m(source: str, name: str, id_raw: str | None = None, *, phone: str | None = None,
      birth: str | None = None, house: str | None = None, batch: str = "b1",
      observed: str = "2025-01-01") -> PersonMention:  # fmt: skip
    row = next(_rows)
    checked = check_id_number(id_raw) if id_raw else None
    return PersonMention(
        mention_id=f"{source}:{batch}:{row:05d}:r:0", source=source, batch=batch, row=row,
        role="hukou" if source == "police_household_registry" else "surveyed",
        name=name, name_std=normalize_person_name(name), name_key=person_name_key(name),
        id_number_raw=id_raw, id_number_std=checked.value if checked and checked.valid else None,
        birth_date=date.fromisoformat(birth) if birth else None, phone_std=phone,
        house_code=house, address_code=house, observed_on=date.fromisoformat(observed),
    )  # fmt: skip


def valid(first17: str) -> str:
    from shibei.standardize.id_number import id_number_check_char

    return first17 + id_number_check_char(first17)


def typo(number: str) -> str:
    """The number with its check character changed (invalid)."""
    return number[:17] + ("0" if number[17] != "0" else "1")


# filler people so the model's prior is realistic
def crowd() -> list[PersonMention]:
    out = []
    for n in range(60):
        number = valid(f"3702031970{(n % 12) + 1:02d}{(n % 28) + 1:02d}{n:03d}")
        phone = f"139{n:08d}"
        out.append(m("police_household_registry", f"路人{chr(0x4E00 + n)}", number))
        out.append(m("social_security", f"路人{chr(0x4E00 + n)}", number, phone=phone))
    return out


def person_of(lake: Path) -> dict[str, str]:
    table = pq.read_table(lake / "resolve" / "person_links.parquet")
    return dict(
        zip(
            table.column("mention_id").to_pylist(),
            table.column("person_id").to_pylist(),
            strict=True,
        )
    )


def run(tmp_path: Path, mentions: list[PersonMention]) -> dict[str, str]:
    write_person_mentions(mentions, tmp_path)
    resolve(tmp_path, NullProgress())
    return person_of(tmp_path)


ZHANG = valid("37020319850101123")
ZHANG_OTHER = valid("37021119900202456")
TWIN_A, TWIN_B = valid("37020320100505111"), valid("37020320100505113")
OLD18 = valid("37020319650303123")
OLD15 = OLD18[:6] + OLD18[8:17]

# (case, mentions, which pairs (by index) must share a person, which must not)
CASES = [
    ("same name, different person",
     [m("police_household_registry", "张伟", ZHANG, house=HOUSE),
      m("social_security", "张伟", ZHANG_OTHER, phone="13800000001")], [], [(0, 1)]),
    ("twins: surname, birth, address, phone shared; given names and IDs differ",
     [m("police_household_registry", "李子涵", TWIN_A, birth="2010-05-05", house=HOUSE),
      m("police_household_registry", "李子轩", TWIN_B, birth="2010-05-05", house=HOUSE),
      m("grid_surveys", "李子涵", TWIN_A, phone="13800000002", house=HOUSE),
      m("grid_surveys", "李子轩", TWIN_B, phone="13800000002", house=HOUSE)],
     [(0, 2), (1, 3)], [(0, 1), (2, 3)]),
    ("typo'd ID with the same name, birth and phone joins",
     [m("social_security", "王芳", ZHANG, phone="13800000003"),
      m("grid_surveys", "王芳", typo(ZHANG), phone="13800000003", birth="1985-01-01")],
     [(0, 1)], []),
    ("15-digit ID joins its 18-digit form",
     [m("police_household_registry", "赵强", OLD18), m("property_registry", "赵强", OLD15)],
     [(0, 1)], []),
    ("old and new phone: a caller with only a name and an old number joins the one "
     "identified person of that name",
     [m("police_household_registry", "臧长林", ZHANG, house=HOUSE),
      m("social_security", "臧长林", ZHANG, phone="13800000010"),
      m("incidents_110", "臧长林", None, phone="13700000011")],
     [(0, 2), (1, 2)], []),
    ("a namesake caller stays apart when two identified persons share the name",
     [m("police_household_registry", "臧长林", ZHANG, house=HOUSE),
      m("police_household_registry", "臧长林", ZHANG_OTHER),
      m("incidents_110", "臧长林", None, phone="13700000012")],
     [], [(0, 2), (1, 2), (0, 1)]),
    ("homophone name with the same valid ID joins",
     [m("police_household_registry", "陈伟", ZHANG), m("grid_surveys", "陈玮", ZHANG)],
     [(0, 1)], []),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "mentions", "same", "different"), CASES, ids=[c[0] for c in CASES]
)
def test_tricky_pairs(
    tmp_path: Path, case: str, mentions: list[PersonMention],
    same: list[tuple[int, int]], different: list[tuple[int, int]],
) -> None:  # fmt: skip
    person = run(tmp_path, crowd() + mentions)
    ids = [person[x.mention_id] for x in mentions]
    for a, b in same:
        assert ids[a] == ids[b], case
    for a, b in different:
        assert ids[a] != ids[b], case


def test_conflicting_birth_date_under_one_id_is_flagged(tmp_path: Path) -> None:
    mentions = [
        m("police_household_registry", "周敏", ZHANG, birth="1985-01-02"),
        m("social_security", "周敏", ZHANG, phone="13800000004"),
    ]
    person = run(tmp_path, crowd() + mentions)
    conflicts = pq.read_table(tmp_path / "resolve" / "person_conflicts.parquet").to_pylist()
    mine = {(c["attribute"], c["value"], c["source"]) for c in conflicts
            if c["person_id"] == person[mentions[0].mention_id]}  # fmt: skip
    assert ("birth_date", "1985-01-02", "police_household_registry") in mine
    assert ("birth_date", "1985-01-01", "social_security") in mine
    assert person[mentions[0].mention_id] == person[mentions[1].mention_id]


def test_ids_stable_across_rerun_and_increment_with_merge_logged(tmp_path: Path) -> None:
    base = [
        *crowd(),
        m("police_household_registry", "刘洋", ZHANG_OTHER),  # a second 刘洋: name not unique
        m("police_household_registry", "刘洋", ZHANG, house=HOUSE),
        m("grid_surveys", "刘洋", None, phone="13800000005"),  # no ID, no shared key yet
    ]
    first = run(tmp_path, base)
    second = run(tmp_path, base)
    assert first == second
    police, grid = base[-2].mention_id, base[-1].mention_id
    assert first[police] != first[grid]
    bridge = m("social_security", "刘洋", ZHANG, phone="13800000005", batch="b2")
    third = run(tmp_path, [*base, bridge])
    assert third[police] == third[grid] == third[bridge.mention_id] == first[police]
    assert all(third[k] == v for k, v in first.items() if k not in (grid,))
    events = pq.read_table(tmp_path / "resolve" / "entity_events.parquet").to_pylist()
    assert [(e["event"], e["entity_id"], e["other_id"], e["batch"]) for e in events] == [
        ("merge", first[police], first[grid], "b2")
    ]


def test_survivorship_and_explanation(tmp_path: Path) -> None:
    mentions = [
        m("grid_surveys", "王小眀", ZHANG, phone="13800000006", observed="2025-06-01"),
        m("police_household_registry", "王小明", ZHANG, observed="2001-01-01"),
        m("grid_surveys", "王小明", typo(ZHANG), phone="13800000006", birth="1985-01-01"),
    ]
    person = run(tmp_path, crowd() + mentions)
    pid = person[mentions[1].mention_id]
    golden = {
        r["person_id"]: r
        for r in pq.read_table(tmp_path / "resolve" / "persons.parquet").to_pylist()
    }
    assert golden[pid]["name"] == "王小明"
    assert golden[pid]["name_source"].startswith("police_household_registry:")
    assert golden[pid]["name_why"] == "来源权威优先：公安户籍（第1位）"
    chain = explain(tmp_path, mentions[2].mention_id, mentions[1].mention_id)
    assert chain, "linked mentions must be explained"
    probabilistic = [link for link in chain if link.match_weight is not None]
    assert probabilistic
    evidence = probabilistic[0].evidence
    assert evidence["phone_std"]["level"] == "exact"
    assert evidence["id_number"]["level"] == "one edit"
    assert evidence["name"]["level"] in ("exact", "pinyin exact")
    assert json.dumps(evidence)


_CHILD = """
import sys
from pathlib import Path
from shibei.progress import NullProgress
from shibei.resolve import resolve
resolve(Path(sys.argv[1]), NullProgress())
"""


def test_a_resolve_killed_while_writing_and_rerun_equals_one_clean_run(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys
    import time

    mentions = [*crowd(), m("grid_surveys", "王芳", typo(ZHANG), phone="13800000003")]
    clean, killed = tmp_path / "clean", tmp_path / "killed"
    run(clean, mentions)
    write_person_mentions(mentions, killed)
    child = subprocess.Popen([sys.executable, "-c", _CHILD, str(killed)])
    try:
        deadline = time.monotonic() + 300
        while child.poll() is None and time.monotonic() < deadline:
            if (killed / ".staging" / "resolve").exists():
                break  # writing has begun: kill it there
            time.sleep(0.001)
        child.send_signal(signal.SIGKILL)
    finally:
        child.kill()
        child.wait()
    resolve(killed, NullProgress())
    assert not (killed / ".staging" / "resolve").exists()
    for name in ("person_links", "persons", "person_conflicts", "explanations", "id_ledger"):
        assert pq.read_table(killed / "resolve" / f"{name}.parquet").equals(
            pq.read_table(clean / "resolve" / f"{name}.parquet")
        ), name
