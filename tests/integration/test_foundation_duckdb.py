"""The foundation build on DuckDB over a hand-made lake: libraries, relations with
provenance, house status, rollups that add up, and the read port's lookups."""

from __future__ import annotations

import json
import shutil
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from shibei.foundation.reader import Provenance
from shibei.gazetteer import Gazetteer, build_gazetteer
from shibei.store.duckdb_foundation import DuckDBFoundationReader, build_foundation


def _write(path: Path, rows: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows), path)


def _mention(source: str, row: int, role: str, **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "mention_id": f"{source}:b1:{row}:{role}:0",
        "source": source,
        "batch": "b1",
        "row": row,
        "role": role,
        "name": None,
        "name_std": None,
        "name_key": None,
        "id_number_raw": None,
        "id_number_std": None,
        "birth_date": None,
        "sex": None,
        "phone_std": None,
        "house_code": None,
        "address_code": None,
        "address_level": None,
        "uscc_std": None,
        "observed_on": date(2025, 1, 1),
    }
    base.update(fields)
    return base


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return build_gazetteer(0.001, 3)


@pytest.fixture(scope="module")
def lake(gazetteer: Gazetteer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two households: 张伟 owns and lives in house A with 李娜; 王芳 (a migrant) rents
    house B from 张伟; one company registered at a shop."""
    lake = tmp_path_factory.mktemp("lake")
    homes = [h for h in gazetteer.houses if h.use == "住宅"]
    shops = [h for h in gazetteer.houses if h.use == "商铺"]
    a, b, shop = homes[0].code, homes[-1].code, shops[0].code
    persons = [
        _mention(
            "police_household_registry",
            1,
            "hukou",
            name="张伟",
            name_std="张伟",
            name_key="zhangwei",
            id_number_std="370203198001010015",
            house_code=a,
            phone_std="13800000001",
        ),
        _mention(
            "police_household_registry",
            2,
            "hukou",
            name="李娜",
            name_std="李娜",
            name_key="lina",
            id_number_std="370203198202020026",
            house_code=a,
        ),
        _mention(
            "grid_surveys",
            7,
            "surveyed",
            name="张玮",
            name_std="张玮",
            name_key="zhangwei",
            phone_std="13800000001",
            house_code=a,
        ),
        _mention(
            "migrant_registration",
            3,
            "migrant",
            name="王芳",
            name_std="王芳",
            name_key="wangfang",
            id_number_std="410102199003030047",
            house_code=b,
        ),
        _mention(
            "property_registry",
            4,
            "owner",
            name="张伟",
            name_std="张伟",
            name_key="zhangwei",
            id_number_std="370203198001010015",
            house_code=a,
        ),
        _mention(
            "property_registry",
            5,
            "owner",
            name="张伟",
            name_std="张伟",
            name_key="zhangwei",
            id_number_std="370203198001010015",
            house_code=b,
        ),
        _mention(
            "social_security",
            9,
            "employee",
            name="王芳",
            name_std="王芳",
            name_key="wangfang",
            id_number_std="410102199003030047",
            uscc_std="91370203MA3C000000",
        ),
        _mention(
            "company_registry",
            1,
            "legal_rep",
            name="张伟",
            name_std="张伟",
            name_key="zhangwei",
            id_number_std="370203198001010015",
        ),
    ]
    for m in persons:
        _write(lake / "mentions" / "persons" / m["source"] / f"{m['row']}.parquet", [m])
    person_of = {
        "张伟": "P0000000001",
        "张玮": "P0000000001",
        "李娜": "P0000000002",
        "王芳": "P0000000003",
    }
    _write(
        lake / "resolve" / "person_links.parquet",
        [
            {
                "mention_id": m["mention_id"],
                "person_id": person_of[m["name"]],
                "method": "probabilistic" if m["name"] == "张玮" else "id_number",
                "match_probability": 0.99 if m["name"] == "张玮" else 1.0,
            }
            for m in persons
        ],
    )
    golden = [
        ("P0000000001", "张伟", "370203198001010015", a, False),
        ("P0000000002", "李娜", "370203198202020026", a, False),
        ("P0000000003", "王芳", "410102199003030047", b, True),
    ]
    _write(
        lake / "resolve" / "persons.parquet",
        [
            {
                "person_id": pid,
                "name": name,
                "id_number": idn,
                "birth_date": date(1980, 1, 1),
                "sex": "男",
                "phones": ["13800000001"] if pid.endswith("1") else [],
                "house_code": house,
                "hukou_house_code": None if migrant else house,
                "is_migrant": migrant,
                "name_source": "police_household_registry",
                "name_why": "公安户籍优先",
            }
            for pid, name, idn, house, migrant in golden
        ],
    )
    _write(
        lake / "resolve" / "person_conflicts.parquet",
        [
            {
                "person_id": "P0000000001",
                "attribute": "name",
                "value": "张玮",
                "source": "grid_surveys",
                "batch": "b1",
                "row": 7,
            },
        ],
    )
    _write(
        lake / "resolve" / "explanations.parquet",
        [
            {
                "left_mention_id": persons[0]["mention_id"],
                "right_mention_id": persons[2]["mention_id"],
                "match_weight": 12.5,
                "match_probability": 0.99,
                "evidence": json.dumps({"name": "拼音相同", "phone": "一致"}, ensure_ascii=False),
            },
        ],
    )
    org = _mention(
        "company_registry",
        1,
        "registry",
        name="青岛示例商贸有限公司",
        org_name_key="示例商贸",
        uscc_raw="91370203MA3C000000",
        uscc_std="91370203MA3C000000",
        house_code=shop,
    )
    _write(lake / "mentions" / "organizations" / "company_registry" / "1.parquet", [org])
    _write(
        lake / "resolve" / "org_links.parquet",
        [
            {
                "mention_id": org["mention_id"],
                "org_id": "O0000000001",
                "method": "uscc",
                "match_probability": 1.0,
            },
        ],
    )
    _write(
        lake / "resolve" / "organizations.parquet",
        [
            {
                "org_id": "O0000000001",
                "uscc": "91370203MA3C000000",
                "name": "青岛示例商贸有限公司",
                "status": "存续",
                "kind": "有限责任公司",
                "industry": "批发和零售业",
                "legal_rep_person_id": "P0000000001",
                "registered_house": shop,
                "operating_house": shop,
            },
        ],
    )
    build_foundation(lake, gazetteer)
    return lake


@pytest.fixture(scope="module")
def reader(lake: Path) -> DuckDBFoundationReader:
    return DuckDBFoundationReader(lake)


def test_person_view_carries_address_sources_and_conflicts(
    reader: DuckDBFoundationReader, gazetteer: Gazetteer
) -> None:
    person = reader.person("P0000000001")
    assert person is not None
    assert person.name == "张伟"
    assert person.address == gazetteer.address(str(person.house_code)).text
    assert person.mentions == 5
    assert [(s.attribute, s.source) for s in person.sources] == [
        ("name", "police_household_registry")
    ]
    assert [(c.value, c.source) for c in person.conflicts] == [("张玮", "grid_surveys")]
    assert reader.person("P9999999999") is None


def test_house_status_follows_owner_and_occupants(
    reader: DuckDBFoundationReader, gazetteer: Gazetteer
) -> None:
    homes = [h for h in gazetteer.houses if h.use == "住宅"]
    a = reader.house(homes[0].code)
    b = reader.house(homes[-1].code)
    empty = reader.house(homes[1].code)
    assert a is not None and b is not None and empty is not None
    assert (a.status, a.owner_person_id, a.occupant_ids) == (
        "自住",
        "P0000000001",
        ("P0000000001", "P0000000002"),
    )
    assert (b.status, b.owner_person_id, b.occupant_ids) == (
        "出租",
        "P0000000001",
        ("P0000000003",),
    )
    assert empty.status == "空置"


def test_relations_have_provenance(reader: DuckDBFoundationReader) -> None:
    kinds = {(r.kind, r.right_id[:2]) for r in reader.relations("P0000000001")}
    assert ("hukou", "37") in kinds
    assert ("owns", "37") in kinds
    assert ("legal_rep", "O0") in kinds
    rents = [r for r in reader.relations("P0000000003") if r.kind == "rents"]
    assert len(rents) == 1
    assert rents[0].provenance == (Provenance("migrant_registration", "b1", 3),)
    employee = [r for r in reader.relations("O0000000001") if r.kind == "employee"]
    assert [r.left_id for r in employee] == ["P0000000003"]


def test_organization_counts_its_employees(reader: DuckDBFoundationReader) -> None:
    org = reader.organization("O0000000001")
    assert org is not None
    assert (org.name, org.employees, org.legal_rep_person_id) == (
        "青岛示例商贸有限公司",
        1,
        "P0000000001",
    )
    assert [o.org_id for o in reader.search_organizations(name="示例")] == ["O0000000001"]


def test_search_finds_a_misspelt_name_by_pinyin_exact_first(
    reader: DuckDBFoundationReader,
) -> None:
    assert [p.person_id for p in reader.search_persons(name="张伟")] == ["P0000000001"]
    assert [p.person_id for p in reader.search_persons(name="章伟")] == ["P0000000001"]
    assert [p.person_id for p in reader.search_persons(id_number="410102199003030047")] == [
        "P0000000003"
    ]
    assert [p.person_id for p in reader.search_persons(phone="138 0000 0001")] == ["P0000000001"]
    assert reader.search_persons(name="张伟", phone="13900000000") == []


def test_rollups_add_up_across_levels(reader: DuckDBFoundationReader) -> None:
    district = reader.rollup("370203")
    assert district is not None
    assert (district.persons, district.migrants, district.hukou_persons) == (3, 1, 2)
    assert district.organizations == 1
    for parent_level, child_level in (
        ("district", "street"),
        ("street", "community"),
        ("community", "grid"),
    ):
        for parent in reader.rollups(parent_level):  # type: ignore[arg-type]
            children = reader.rollups(child_level, within=parent.code)  # type: ignore[arg-type]
            assert sum(c.persons for c in children) == parent.persons
            assert sum(c.houses for c in children) == parent.houses
            assert sum(c.houses_vacant for c in children) == parent.houses_vacant
    assert len(reader.rollups("grid")) == 940
    assert len(reader.rollups("street")) == 22


def test_link_evidence_explains_both_kinds_of_link(reader: DuckDBFoundationReader) -> None:
    evidence = reader.link_evidence("P0000000001")
    methods = [e.method for e in evidence]
    assert methods[0] == "probabilistic"
    assert evidence[0].evidence == {"name": "拼音相同", "phone": "一致"}
    assert evidence[0].right == Provenance("grid_surveys", "b1", 7)
    assert methods.count("id_number") == 3


def test_views_and_in_memory_tables_answer_alike(lake: Path) -> None:
    in_memory = DuckDBFoundationReader(lake)
    views = DuckDBFoundationReader(lake, in_memory_max_bytes=0)
    assert (in_memory.in_memory, views.in_memory) == (True, False)
    for person_id in ("P0000000001", "P0000000002", "P0000000003"):
        assert in_memory.person(person_id) == views.person(person_id)
        assert in_memory.relations(person_id) == views.relations(person_id)
        assert in_memory.link_evidence(person_id) == views.link_evidence(person_id)
    views.close()
    in_memory.close()


def test_the_reader_serves_many_threads(reader: DuckDBFoundationReader) -> None:
    expected = reader.relations("P0000000001")
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda _: reader.relations("P0000000001"), range(64)))
    assert all(a == expected for a in answers)


def test_trends_count_clean_rows_by_month_within_a_division(
    lake: Path, tmp_path: Path, gazetteer: Gazetteer
) -> None:
    shutil.copytree(lake / "foundation", tmp_path / "foundation")
    grid_a, grid_b = gazetteer.grids[0].code, gazetteer.grids[-1].code
    house_a = grid_a + "0001010101"
    clean = tmp_path / "clean"

    def rows(n: int, **fields: Any) -> dict[str, Any]:
        return {"source": "s", "batch": "b1", "row": n, "row_hash": f"h{n}", **fields}

    _write(
        clean / "migrant_registration" / "b1.parquet",
        [
            rows(1, house_code=house_a, registered_on=date(2024, 3, 5)),
            rows(2, house_code=house_a, registered_on=date(2024, 3, 20)),
            rows(3, house_code=grid_b + "0001010101", registered_on=date(2024, 4, 1)),
            rows(4, house_code=None, registered_on=date(2024, 4, 2)),
        ],
    )
    _write(
        clean / "company_registry" / "b1.parquet",
        [rows(1, uscc_std="U1", house_code=house_a, established_on=date(2019, 6, 1))],
    )
    _write(
        clean / "company_changes" / "b1.parquet",
        [
            rows(1, uscc_std="U1", changed_on=date(2025, 2, 1), item="状态", after="注销"),
            rows(2, uscc_std="U1", changed_on=date(2025, 3, 1), item="名称", after="新名"),
        ],
    )
    reader = DuckDBFoundationReader(tmp_path)
    assert reader.trends(grid_a) == [
        ("migrant_registrations", "2024-03", 2),
        ("org_deregistrations", "2025-02", 1),
        ("org_registrations", "2019-06", 1),
    ]
    district = reader.trends("370203")
    assert ("migrant_registrations", "2024-04", 2) in district  # grid_b and no house
    assert reader.trends(grid_b) == [("migrant_registrations", "2024-04", 1)]
    reader.close()
