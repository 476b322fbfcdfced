"""The matter catalogue: size and shares the issue asks for, the Open311 field types,
and form validation with Chinese messages."""

from __future__ import annotations

from datetime import date

import pytest

from shibei.apps.household.catalogue import (
    Check,
    FormInvalid,
    Route,
    UnknownMatter,
    load_catalogue,
    parse_catalogue,
    validate_form,
)
from shibei.errors import ConfigError
from shibei.synth.household_history import DEMAND

OPEN311_TYPES = {"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"}


def test_catalogue_has_at_least_85_matters_and_60_online() -> None:
    catalogue = load_catalogue()
    assert len(catalogue) >= 85
    assert sum(m.online for m in catalogue.matters) >= 60


def test_every_matter_has_materials_or_checks_a_time_limit_and_open311_fields() -> None:
    for m in load_catalogue().matters:
        assert m.fields, m.code
        assert {f.datatype for f in m.fields} <= OPEN311_TYPES
        assert m.immediate == (m.time_limit_days == 0), m.code
        assert m.basis


def test_the_four_micro_police_matters_are_online_with_the_expected_checks() -> None:
    catalogue = load_catalogue()
    expected = {
        "HZ0407": ("临时身份证明", {Check.IDENTITY}),
        "HZ0501": ("流动人口居住登记", {Check.IDENTITY, Check.RESIDENCE}),
        "HZ0504": (
            "居住证申领",
            {Check.IDENTITY, Check.RESIDENCE, Check.EMPLOYMENT, Check.SOCIAL_SECURITY},
        ),
        "HZ0206": (
            "人才落户（高校毕业生）",
            {Check.IDENTITY, Check.RESIDENCE, Check.EMPLOYMENT, Check.SOCIAL_SECURITY},
        ),
    }
    for code, (name, checks) in expected.items():
        matter = catalogue.matter(code)
        assert matter.name == name
        assert matter.online
        assert set(matter.verify) == checks


def test_district_level_matters_go_to_the_brigade() -> None:
    brigade = [m.code for m in load_catalogue().matters if m.route is Route.BRIGADE]
    assert "HZ0308" in brigade  # 变更民族
    assert "HZ0504" not in brigade


def test_unknown_matter_raises_with_chinese_message() -> None:
    with pytest.raises(UnknownMatter, match="事项编码不存在"):
        load_catalogue().matter("HZ9999")


def test_validate_form_cleans_dates_numbers_and_lists() -> None:
    matter = load_catalogue().matter("HZ0504")
    clean = validate_form(
        matter,
        {
            "applicant_name": " 王芳 ",
            "id_number": "11010519491231002X",
            "phone": "13512345672",
            "residence_address": "辽宁路1号",
            "residence_since": "2024-03-01",
            "residence_type": "rent",
            "employer": "示例公司",
            "delivery": "mail",
            "unknown": "ignored",
        },
    )
    assert clean["applicant_name"] == "王芳"
    assert clean["residence_since"] == date(2024, 3, 1)
    assert clean["residence_type"] == "rent"
    assert "unknown" not in clean


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("id_number", "110105194912310021", "公民身份号码：号码格式或校验位不正确"),
        ("residence_since", "2024/03/01", "来本地居住日期：日期格式应为 YYYY-MM-DD"),
        ("residence_type", "castle", "住所类型：选项不在可选范围内"),
        ("applicant_name", "王" * 31, "申请人姓名：不能超过 30 个字"),
        ("phone", "135\x00", "联系电话：含有非法字符"),
    ],
)
def test_validate_form_rejects_bad_values(field: str, value: str, message: str) -> None:
    values = {
        "applicant_name": "王芳",
        "id_number": "11010519491231002X",
        "phone": "13512345672",
        "residence_address": "辽宁路1号",
        "residence_since": "2024-03-01",
        "residence_type": "rent",
        "employer": "示例公司",
        "delivery": "window",
    }
    values[field] = value
    with pytest.raises(FormInvalid) as info:
        validate_form(load_catalogue().matter("HZ0504"), values)
    assert info.value.errors == {field: message}


def test_number_fields_check_their_range() -> None:
    matter = load_catalogue().matter("HZ0409")
    values = {
        "applicant_name": "李老师",
        "id_number": "11010519491231002X",
        "phone": "13512345672",
        "org_name": "青岛某中学",
        "headcount": "0",
    }
    with pytest.raises(FormInvalid, match="申请人数：须在 1 到 5000 之间"):
        validate_form(matter, values)
    assert validate_form(matter, {**values, "headcount": "120"})["headcount"] == 120


def test_missing_required_fields_are_named() -> None:
    with pytest.raises(FormInvalid) as info:
        validate_form(load_catalogue().matter("HZ0407"), {})
    assert info.value.errors["purpose"] == "请填写用途"
    assert "请填写申请人姓名" in str(info.value)


def test_a_matter_naming_an_unknown_field_is_a_config_error() -> None:
    raw = {
        "fields": {},
        "matters": [
            {
                "code": "HZ0001",
                "name": "x",
                "category": "x",
                "route": "hukou",
                "online": True,
                "nearby": True,
                "immediate": True,
                "time_limit_days": 0,
                "basis": "x",
                "fields": ["nope"],
                "materials": [],
                "verify": [],
            }
        ],
    }
    with pytest.raises(ConfigError, match="字段库中没有 nope"):
        parse_catalogue(raw)


def test_synthetic_history_demand_matches_the_catalogue() -> None:
    """The synth layer cannot import the catalogue; this keeps the two consistent."""
    catalogue = load_catalogue()
    for demand in DEMAND:
        matter = catalogue.matter(demand.code)
        assert demand.route == matter.route.value, demand.code
        assert demand.online == matter.online, demand.code
        assert demand.nearby == matter.nearby, demand.code
        assert demand.time_limit_days == matter.time_limit_days, demand.code
