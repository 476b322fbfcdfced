from __future__ import annotations

from typing import Any

import pytest

from shibei.ingest.spec import FieldType, SpecError, load_specs, parse_spec
from shibei.synth.feed_specs import SPECS as SYNTH_SPECS


def _spec(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "spec_version": 1,
        "source": "tiny",
        "title": "测试数据",
        "department": "测试部门",
        "level": "district",
        "file": "tiny.csv",
        "format": "csv",
        "fields": {
            "name": {"column": "姓名", "type": "person_name"},
            "id_number": {"column": "身份证号", "type": "id_number"},
            "registered_on": {"column": "登记日期", "type": "date"},
        },
        "mentions": {"persons": [{"role": "resident", "name": "name"}]},
    }
    data.update(changes)
    return data


def test_the_sixteen_reference_specs_load_and_read_the_columns_the_feeds_have() -> None:
    specs = load_specs()
    assert sorted(specs) == sorted(SYNTH_SPECS)
    for name, spec in specs.items():
        synth = SYNTH_SPECS[name]
        assert set(spec.file_columns()) <= set(synth.columns), name
        assert spec.format == synth.format
        assert spec.level == synth.level
        assert spec.department == synth.department


def test_every_address_column_of_a_feed_is_an_address_field() -> None:
    for name, spec in load_specs().items():
        address_columns = {
            c for f in spec.fields.values() if f.type is FieldType.address for c in f.source_columns
        }
        assert set(SYNTH_SPECS[name].address_columns) <= address_columns, name


def test_a_valid_spec_parses() -> None:
    spec = parse_spec(_spec())
    assert spec.fields["id_number"].type is FieldType.id_number
    assert spec.file_columns() == ["姓名", "身份证号", "登记日期"]


def test_rejects_a_mention_naming_a_missing_field_in_chinese() -> None:
    data = _spec(mentions={"persons": [{"role": "resident", "name": "nmae"}]})
    with pytest.raises(SpecError) as error:
        parse_spec(data, "tiny.yaml")
    message = str(error.value)
    assert "数据源配置 tiny.yaml 无效" in message
    assert "人员提及 resident 的 name 引用了不存在的字段 nmae" in message


def test_rejects_a_mention_field_of_the_wrong_type() -> None:
    data = _spec(mentions={"persons": [{"role": "resident", "name": "registered_on"}]})
    with pytest.raises(SpecError, match="registered_on 类型应为 person_name，而不是 date"):
        parse_spec(data)


def test_rejects_an_unknown_field_type_naming_the_field() -> None:
    data = _spec(fields={"name": {"column": "姓名", "type": "persn_name"}})
    with pytest.raises(SpecError, match=r"字段 fields\.name\.type: 取值不在允许范围内"):
        parse_spec(data)


def test_rejects_a_field_without_a_column() -> None:
    data = _spec(fields={"name": {"type": "person_name"}})
    with pytest.raises(SpecError, match=r"字段 fields\.name: 需要 column 或 columns 之一"):
        parse_spec(data)


def test_rejects_a_missing_department_and_an_unknown_key() -> None:
    data = _spec(colour="red")
    del data["department"]
    with pytest.raises(SpecError) as error:
        parse_spec(data)
    assert "字段 department: 缺少必填项" in str(error.value)
    assert "字段 colour: 不认识的配置项" in str(error.value)


def test_rejects_a_street_hint_on_a_field_that_is_not_an_address() -> None:
    fields = _spec()["fields"] | {"street": {"column": "街道", "street_hint": "name"}}
    with pytest.raises(SpecError, match="字段 street: 只有 address 类型可以有 street_hint"):
        parse_spec(_spec(fields=fields))
