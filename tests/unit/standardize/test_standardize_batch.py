from __future__ import annotations

import pyarrow as pa

from shibei.standardize.batch import (
    check_id_numbers,
    normalize_person_names,
    normalize_phones,
    parse_addresses,
)


def test_parses_an_arrow_column_with_nulls() -> None:
    table = parse_addresses(pa.array(["辽宁路123号3-2-401", None, "南京路"]))
    assert table.column("road").to_pylist() == ["辽宁路", None, "南京路"]
    assert table.column("roadno").to_pylist() == [123, None, None]
    assert table.column("roomno").to_pylist() == [401, None, None]
    assert table.column("prov").to_pylist() == [None, None, None]


def test_normalizes_identifier_columns() -> None:
    ids = check_id_numbers(pa.array(["11010519491231002x", "123", None]))
    assert ids.column("valid").to_pylist() == [True, False, None]
    assert ids.column("problems").to_pylist() == [None, "length", None]
    phones = normalize_phones(["+86 13812345678", "83881234"])
    assert phones.column("value").to_pylist() == ["13812345678", "0532-83881234"]
    names = normalize_person_names(["張三 先生", None])
    assert names.column("name").to_pylist() == ["张三", None]
    assert names.column("key").to_pylist() == ["zhangsan", None]


def test_repeated_addresses_parse_alike() -> None:
    table = parse_addresses(["辽宁路123号3-2-401", "南京路", "辽宁路123号3-2-401"])
    assert table.column("roomno").to_pylist() == [401, None, 401]
    assert table.column("road").to_pylist() == ["辽宁路", "南京路", "辽宁路"]
