from __future__ import annotations

import pytest

from shibei.standardize.name import (
    normalize_organization_name,
    normalize_person_name,
    organization_name_key,
    person_name_key,
)
from shibei.standardize.phone import normalize_phone
from shibei.standardize.text import (
    chinese_numeral_value,
    normalize_text,
    normalize_with_offsets,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ＡＢＣ１２３", "ABC123"),
        ("遼寧路", "辽宁路"),
        ("臺東縣", "台东县"),
        ("  辽宁路　 123号 ", "辽宁路 123号"),
        ("二十一号", "21号"),
        ("一百零八号", "108号"),
        ("五号楼三单元", "5号楼3单元"),
        ("3单元四零一", "3单元401"),
        ("3单元四零一室", "3单元401室"),
        ("三楼", "3楼"),
        ("九江路", "九江路"),
        ("台东一路", "台东一路"),
        ("十里亭", "十里亭"),
        ("五四广场", "五四广场"),
        ("三里河", "三里河"),
        ("辽宁路—12号", "辽宁路-12号"),
        ("（市北）", "(市北)"),
        ("", ""),
    ],
)
def test_normalizes_text(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


@pytest.mark.parametrize(
    ("numeral", "value"),
    [("二十一", 21), ("十五", 15), ("十", 10), ("一百零八", 108), ("四零一", 401),
     ("两千", 2000), ("二三十", None), ("路", None)],
)  # fmt: skip
def test_reads_chinese_numerals(numeral: str, value: int | None) -> None:
    assert chinese_numeral_value(numeral) == value


def test_offsets_map_normalized_text_back_to_what_was_written() -> None:
    raw = "遼寧路二十一號"
    norm, offsets = normalize_with_offsets(raw)
    assert norm == "辽宁路21号"
    start, end = norm.index("21号"), len(norm)
    assert raw[offsets[start] : offsets[end]] == "二十一號"
    assert norm == normalize_text(raw)


@pytest.mark.parametrize(
    ("raw", "value", "kind", "assumed"),
    [
        ("13812345678", "13812345678", "mobile", False),
        ("+86 138-1234-5678", "13812345678", "mobile", False),
        ("0086 13912345678", "13912345678", "mobile", False),
        ("８６１３９１２３４５６７８", "13912345678", "mobile", False),
        ("0532-83881234", "0532-83881234", "landline", False),
        ("(0532)8388-1234", "0532-83881234", "landline", False),
        ("532-83881234", "0532-83881234", "landline", False),
        ("8388 1234", "0532-83881234", "landline", True),
        ("021-62345678", "021-62345678", "landline", False),
        ("110", "110", "service", False),
        ("95598", "95598", "service", False),
        ("400-800-8888", "4008008888", "service", False),  # not area code 0400
        ("1381234567", "1381234567", "invalid", False),
        ("无", "", "invalid", False),
    ],
)
def test_normalizes_phones(raw: str, value: str, kind: str, assumed: bool) -> None:
    phone = normalize_phone(raw)
    assert (phone.value, phone.kind, phone.assumed_area) == (value, kind, assumed)


def test_keeps_phone_extension() -> None:
    phone = normalize_phone("0532 8388 1234 转 123")
    assert (phone.value, phone.extension) == ("0532-83881234", "123")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("张三", "张三"),
        (" 張 三 ", "张三"),
        ("张三先生", "张三"),
        ("李四 女士", "李四"),
        ("王五(户主)", "王五"),
        ("阿卜杜拉•买买提", "阿卜杜拉·买买提"),
        ("john  smith", "JOHN SMITH"),
        ("王先生", "王先生"),  # a surname and a title only: nothing left to strip to
    ],
)
def test_normalizes_person_names(raw: str, expected: str) -> None:
    assert normalize_person_name(raw) == expected


def test_person_name_key_is_phonetic() -> None:
    assert person_name_key("张三") == "zhangsan"
    assert person_name_key("章三") == person_name_key("张三")
    assert person_name_key("張三 先生") == "zhangsan"
    assert person_name_key("张四") != person_name_key("张三")


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("青岛海信电器股份有限公司", "海信电器"),
        ("海信电器", "海信电器"),
        ("海信电器（青岛）有限公司", "海信电器"),
        ("青岛市北区张三便利店", "张三便利"),
        ("市北区红星服装店", "红星服装"),
        ("有限公司", "有限公司"),
    ],
)
def test_organization_key_drops_region_and_legal_form(raw: str, key: str) -> None:
    assert organization_name_key(raw) == key


def test_organization_full_name_is_kept() -> None:
    assert normalize_organization_name("海信电器（青岛） 有限公司") == "海信电器(青岛)有限公司"


def test_text_the_fast_path_skips_is_text_the_character_map_leaves_alone() -> None:
    from shibei.standardize.text import _CHARS, _UNCHANGED

    skipped = [chr(c) for c in range(0x10000) if _UNCHANGED.fullmatch(chr(c))]
    assert len(skipped) > 20000  # printable ASCII but ~, and the CJK Unified Ideographs
    assert [c for c in skipped if c.translate(_CHARS) != c] == []
    assert normalize_text("ｎｏ．３～５") == "no.3-5"  # not skipped: full-width, ～
