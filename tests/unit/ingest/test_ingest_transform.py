"""Chunks of raw rows → clean, quarantine and mentions, in memory."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from shibei.gazetteer import Gazetteer
from shibei.ingest.readers import BrokenRow, RawChunk
from shibei.ingest.spec import load_specs, parse_spec
from shibei.ingest.standardizer import Standardizer
from shibei.ingest.transform import process_chunk
from shibei.standardize.id_number import id_number_check_char

SPECS = load_specs()


def _id(first17: str) -> str:
    return first17 + id_number_check_char(first17)


def _chunk(records: list[dict[str, Any]], columns: list[str]) -> RawChunk:
    chunk = RawChunk(columns={c: [] for c in columns})
    for n, r in enumerate(records, start=1):
        chunk.rows.append(n)
        chunk.hashes.append(f"h{n}")
        for c in columns:
            chunk.columns[c].append(r.get(c))
    return chunk


def _house_text(gazetteer: Gazetteer, i: int = 0) -> tuple[str, str]:
    house = gazetteer.houses[i]
    return house.code, gazetteer.address(house.code).text


def test_rows_in_equal_clean_plus_quarantined_with_a_reason_each(
    gazetteer: Gazetteer, standardizer: Standardizer
) -> None:
    spec = SPECS["police_household_registry"]
    code, text = _house_text(gazetteer)
    good = {
        "户号": "1",
        "姓名": "张伟",
        "出生日期": "19850101",
        "公民身份号码": _id("37020319850101123"),
        "户籍地址": text,
        "登记日期": "20100101",
    }
    rows = [
        good,
        good | {"出生日期": "1985年13月1日"},
        good | {"户号": None},
        good | {"姓名": None, "公民身份号码": None},
        good | {"公民身份号码": "ABC-123"},
        good | {"公民身份号码": _id("37020319850101123")[:17] + "0"},  # wrong check char
        good | {"公民身份号码": "370203850101123"},  # 15 digits: upgraded
    ]
    chunk = _chunk(rows, spec.file_columns())
    chunk.broken.append(BrokenRow(8, "bad_record", "列数为3，表头为10列", "a,b,c"))
    result = process_chunk(chunk, spec, "b1", standardizer)
    assert result.rows_in == 8
    assert result.clean.num_rows + result.quarantine.num_rows == 8
    q = result.quarantine.to_pylist()
    assert [(r["row"], r["reason_code"], r["field"]) for r in q] == [
        (2, "bad_date", "birth_date"),
        (3, "missing_required", "household_number"),
        (4, "missing_identity", "name|id_number"),
        (5, "id_number_garbage", "id_number"),
        (8, "bad_record", None),
    ]
    assert q[0]["reason"] == "日期无法解析：出生日期"
    assert q[0]["value"] == "1985年13月1日"
    assert q[2]["reason"] == "身份信息缺失：姓名、公民身份号码"
    assert q[4]["raw"] == "a,b,c"
    clean = result.clean.to_pylist()
    assert [r["row"] for r in clean] == [1, 6, 7]
    assert clean[0]["house_code"] == code
    assert clean[0]["address_level"] == "house"
    assert clean[0]["birth_date"] == date(1985, 1, 1)
    assert clean[0]["name_std"] == "张伟"
    assert clean[0]["name_key"] == "zhangwei"
    assert clean[1]["id_number_std"] is None
    assert clean[1]["id_number_problem"] == "checksum"
    assert clean[2]["id_number_std"] == "370203198501011235"
    assert result.persons.column("role").to_pylist() == ["hukou"] * 3


def test_mentions_from_a_nested_json_row_one_per_party(standardizer: Standardizer) -> None:
    spec = SPECS["disputes"]
    a, b = _id("37020319850101123"), _id("37020219900202002")
    row = {
        "案件编号": "T1",
        "登记日期": "2024-07-16",
        "当事人": [
            {"姓名": "张琪", "身份证号": a, "电话": "135 3412 5219"},
            {"姓名": "徐霞", "身份证号": b, "电话": ""},
            {"姓名": "", "身份证号": ""},
        ],
        "涉及单位": "青岛成利软件有限公司",
    }
    result = process_chunk(_chunk([row], spec.file_columns()), spec, "b1", standardizer)
    persons = result.persons.to_pylist()
    assert [p["mention_id"] for p in persons] == ["disputes:b1:1:party:0", "disputes:b1:1:party:1"]
    assert [(p["name"], p["id_number_std"], p["phone_std"]) for p in persons] == [
        ("张琪", a, "13534125219"),
        ("徐霞", b, None),
    ]
    assert persons[0]["birth_date"] == date(1985, 1, 1)
    assert persons[0]["sex"] == "M"
    assert persons[1]["sex"] == "F"
    assert persons[0]["observed_on"] == date(2024, 7, 16)
    orgs = result.organizations.to_pylist()
    assert [(o["role"], o["name"], o["org_name_key"]) for o in orgs] == [
        ("dispute", "青岛成利软件有限公司", "成利软件")
    ]
    parties = result.clean.column("parties").to_pylist()[0]
    assert [p["id_number_std"] for p in parties] == [a, b, None]


def test_a_nested_garbage_id_number_quarantines_its_row(standardizer: Standardizer) -> None:
    spec = SPECS["disputes"]
    row = {
        "案件编号": "T1",
        "登记日期": "2024-07-16",
        "当事人": [{"姓名": "张琪", "身份证号": "12"}],
    }
    result = process_chunk(_chunk([row], spec.file_columns()), spec, "b1", standardizer)
    q = result.quarantine.to_pylist()
    assert [(r["reason_code"], r["field"], r["reason"]) for r in q] == [
        ("id_number_garbage", "parties.id_number", "证件号码无法识别：身份证号")
    ]
    assert result.persons.num_rows == 0


def test_a_holder_is_a_person_or_an_organization_by_the_kind_of_id(
    gazetteer: Gazetteer, standardizer: Standardizer
) -> None:
    spec = SPECS["property_registry"]
    code, text = _house_text(gazetteer, 3)
    person = {"不动产单元号": "u1", "坐落": text, "权利人": "李亚娜", "证件种类": "居民身份证",
              "证件号码": _id("37020319750102556"), "登记时间": "2003-10-13 00:00:00"}  # fmt: skip
    org = person | {"不动产单元号": "u2", "权利人": "青岛海利家政服务有限公司",
                    "证件种类": "统一社会信用代码", "证件号码": "91370203MA3C4GWX74"}  # fmt: skip
    result = process_chunk(_chunk([person, org], spec.file_columns()), spec, "b", standardizer)
    assert result.quarantine.num_rows == 0
    persons, orgs = result.persons.to_pylist(), result.organizations.to_pylist()
    assert [(p["row"], p["role"], p["name"], p["house_code"]) for p in persons] == [
        (1, "owner", "李亚娜", code)
    ]
    assert [(o["row"], o["uscc_std"], o["house_code"]) for o in orgs] == [
        (2, "91370203MA3C4GWX74", code)
    ]
    assert persons[0]["observed_on"] == date(2003, 10, 13)


def test_street_hint_and_joined_columns_reach_the_matcher(
    gazetteer: Gazetteer, standardizer: Standardizer
) -> None:
    house = gazetteer.houses[0]
    building = next(b for b in gazetteer.buildings if b.code == house.building_code)
    compound = next(q for q in gazetteer.compounds if q.code == building.compound_code)
    spec = SPECS["access_control"]
    room = f"{building.number}-{house.unit}-{house.room}"
    row = {
        "记录编号": "A1",
        "小区名称": compound.name,
        "通行时间": "2024-01-01 14:52:00",
        "人员姓名": "李凤颖",
        "房号": room,
    }
    if "{road}" in compound.name:  # a compound named after its door: write the door
        road = next(r for r in gazetteer.roads if r.code == compound.road_code)
        row["小区名称"] = compound.name.replace("{road}", f"{road.name}{compound.door_number}")
    result = process_chunk(_chunk([row], spec.file_columns()), spec, "b", standardizer)
    assert result.clean.column("house_code").to_pylist() == [house.code]
    assert result.persons.column("house_code").to_pylist() == [house.code]


def test_an_anonymous_passage_is_a_clean_event_without_a_mention(
    standardizer: Standardizer,
) -> None:
    spec = SPECS["access_control"]
    row = {"记录编号": "A1", "小区名称": "钢厂宿舍", "通行时间": "2024-01-02 03:44:01"}
    result = process_chunk(_chunk([row], spec.file_columns()), spec, "b", standardizer)
    assert (result.clean.num_rows, result.quarantine.num_rows, result.persons.num_rows) == (1, 0, 0)


def test_on_invalid_quarantine_rejects_a_near_miss_id_number(standardizer: Standardizer) -> None:
    spec = parse_spec(
        {
            "spec_version": 1, "source": "strict", "title": "严格", "department": "部门",
            "level": "district", "file": "s.csv", "format": "csv",
            "fields": {"id_number": {"column": "证件号码", "type": "id_number",
                                     "on_invalid": "quarantine"}},
        }
    )  # fmt: skip
    bad = _id("37020319850101123")[:17] + "0"
    result = process_chunk(_chunk([{"证件号码": bad}], ["证件号码"]), spec, "b", standardizer)
    assert result.quarantine.column("reason_code").to_pylist() == ["id_number_invalid"]


def test_caches_emptied_past_their_limit_still_answer_every_value(
    gazetteer: Gazetteer, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shibei.ingest.standardizer as module

    monkeypatch.setattr(module, "CACHE_LIMIT", 3)
    standardizer = Standardizer(gazetteer)
    texts = [_house_text(gazetteer, i)[1] for i in range(4)]
    phones = ["13800000001", "13800000002", "13800000003", "13800000004"]
    first = standardizer.addresses(texts[:2], [None, None])
    assert standardizer.phones(phones[:2]) == phones[:2]
    # the second batch repeats cached values and brings new ones past the limit
    again = standardizer.addresses(texts, [None] * 4)
    assert again[:2] == first
    assert [r.house_code if r else None for r in again] == [
        _house_text(gazetteer, i)[0] for i in range(4)
    ]
    assert standardizer.phones(phones) == phones
