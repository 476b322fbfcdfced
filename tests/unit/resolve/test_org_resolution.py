"""Organization resolution (`resolve.org_sql` through `resolve()`): USCC first, then the
name key with the address or the legal representative; golden organizations."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from shibei.bench.resolve_mentions import write_person_mentions
from shibei.progress import NullProgress
from shibei.resolve import resolve
from shibei.resolve.lake import read_table
from shibei.resolve.model import PersonMention

from .fakes import FakeLinker

USCC_A = "91370203MA3C0000A1"
USCC_B = "91370203MA3C0000B2"
HOUSE_1, HOUSE_2 = "370203001001H0001", "370203001001H0002"


def org(mid: str, **fields: Any) -> dict[str, Any]:
    row: dict[str, Any] = {"mention_id": mid, "source": "market_registry", "batch": "b1",
                           "row": int(mid[1:]), "role": "employer", "name": "青岛海岸科技有限公司",
                           "org_name_key": "海岸科技"}  # fmt: skip
    return row | fields


def run(
    tmp_path: Path, rows: list[dict[str, Any]], persons: Sequence[PersonMention] = ()
) -> dict[str, Any]:
    lake = tmp_path / "lake"
    directory = lake / "mentions" / "organizations" / "market_registry"
    directory.mkdir(parents=True)
    schema = pa.schema([("mention_id", pa.string()), ("source", pa.string()),
                        ("batch", pa.string()), ("row", pa.int64()), ("role", pa.string()),
                        ("name", pa.string()), ("org_name_key", pa.string()),
                        ("uscc_std", pa.string()), ("legal_rep_name_key", pa.string()),
                        ("house_code", pa.string()), ("address_code", pa.string()),
                        ("observed_on", pa.date32()), ("status", pa.string())])  # fmt: skip
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), directory / "b1.parquet")
    write_person_mentions(list(persons), lake)
    resolve(lake, NullProgress(), linker=FakeLinker(), at=datetime(2026, 1, 1))
    links = {r["mention_id"]: r for r in read_table(lake / "resolve" / "org_links.parquet")}
    golden = {r["org_id"]: r for r in read_table(lake / "resolve" / "organizations.parquet")}
    return {"links": links, "golden": golden}


def org_of(out: dict[str, Any], mid: str) -> str:
    return str(out["links"][mid]["org_id"])


def test_one_credit_code_is_one_organization(tmp_path: Path) -> None:
    out = run(tmp_path, [org("o1", uscc_std=USCC_A), org("o2", uscc_std=USCC_A, name="海岸科技"),
                         org("o3", uscc_std=USCC_B)])  # fmt: skip
    assert org_of(out, "o1") == org_of(out, "o2") != org_of(out, "o3")
    assert {r["method"] for r in out["links"].values()} == {"uscc"}
    assert len(out["golden"]) == 2


def test_a_mention_without_code_joins_by_name_and_address_or_representative(
    tmp_path: Path,
) -> None:
    out = run(tmp_path, [
        org("o1", uscc_std=USCC_A, house_code=HOUSE_1, legal_rep_name_key="zhang wei"),
        org("o2", house_code=HOUSE_1),  # same name key, same house
        org("o3", house_code=HOUSE_2, legal_rep_name_key="zhang wei"),  # same representative
        org("o4", house_code=HOUSE_2),  # same name key, another house, no representative
    ])  # fmt: skip
    assert org_of(out, "o1") == org_of(out, "o2") == org_of(out, "o3") != org_of(out, "o4")
    assert out["links"]["o2"]["method"] == "name_address"
    assert out["links"]["o4"]["method"] == "singleton"


def test_a_bare_name_joins_only_the_one_organization_carrying_it(tmp_path: Path) -> None:
    only = run(tmp_path / "one", [org("o1", uscc_std=USCC_A, house_code=HOUSE_1), org("o2")])
    assert org_of(only, "o1") == org_of(only, "o2")
    two = run(tmp_path / "two", [org("o1", uscc_std=USCC_A, house_code=HOUSE_1),
                                 org("o2", uscc_std=USCC_B, house_code=HOUSE_2),
                                 org("o3")])  # fmt: skip
    assert org_of(two, "o3") not in {org_of(two, "o1"), org_of(two, "o2")}


def test_mentions_without_code_group_by_name_and_address(tmp_path: Path) -> None:
    out = run(tmp_path, [
        org("o1", address_code=HOUSE_1), org("o2", address_code=HOUSE_1),
        org("o3", address_code=HOUSE_2), org("o4", org_name_key=None, name=None),
    ])  # fmt: skip
    assert org_of(out, "o1") == org_of(out, "o2") != org_of(out, "o3")
    assert [out["links"][m]["method"] for m in ("o1", "o3", "o4")] == [
        "name_address", "singleton", "singleton"]  # fmt: skip
    assert len(out["golden"]) == 3


def test_golden_organization_prefers_the_registry_then_the_freshest(tmp_path: Path) -> None:
    rep = PersonMention(mention_id="p1", source="market_registry", batch="b1", row=1,
                        role="legal_rep", name="张伟", name_std="张伟", name_key="zhang wei",
                        id_number_raw="370203198501011235", id_number_std="370203198501011235",
                        uscc_std=USCC_A)  # fmt: skip
    out = run(tmp_path, [
        org("o1", uscc_std=USCC_A, role="annual_report", name="海岸科技公司",
            house_code=HOUSE_2, observed_on=date(2025, 6, 1), status="存续"),
        org("o2", uscc_std=USCC_A, role="registry", name="青岛海岸科技有限公司",
            house_code=HOUSE_1, observed_on=date(2020, 1, 1), status="在业"),
        org("o3", uscc_std=USCC_A, role="employer", house_code=HOUSE_2,
            observed_on=date(2026, 3, 1)),
        org("o4", uscc_std=USCC_A, role="registry", name=None, observed_on=date(2024, 5, 1),
            status="吊销"),  # a later registry record
    ], [rep])  # fmt: skip
    (golden,) = out["golden"].values()
    assert golden["name"] == "青岛海岸科技有限公司"
    assert golden["name_source"] == "market_registry:b1:2"
    assert golden["name_why"] == "按登记角色优先（registry），其次最新"
    assert golden["registered_house"] == HOUSE_1
    assert (golden["operating_house"], golden["operating_house_source"]) == (
        HOUSE_2, "market_registry:b1:3")  # fmt: skip
    assert (golden["status"], golden["status_source"]) == ("吊销", "market_registry:b1:4")
    assert golden["legal_rep_person_id"] is not None
