from __future__ import annotations

from datetime import date

import pytest

from shibei.standardize.id_number import (
    check_id_number,
    id_number_check_char,
    is_valid_id_number_checksum,
    upgrade_15_to_18,
)
from shibei.standardize.uscc import (
    check_uscc,
    is_valid_uscc_checksum,
    organization_code_check_char,
    uscc_check_char,
)

VALID_ID = "11010519491231002X"
VALID_USCC = "91370203MA3C4GWX74"


def test_check_char_of_the_standard_example() -> None:
    assert id_number_check_char("11010519491231002") == "X"
    assert is_valid_id_number_checksum(VALID_ID)


@pytest.mark.parametrize(
    ("raw", "value", "valid", "problems"),
    [
        (VALID_ID, VALID_ID, True, ()),
        ("11010519491231002x", VALID_ID, True, ()),
        (" 110105 19491231 002X ", VALID_ID, True, ()),
        ("１１０１０５１９４９１２３１００２Ｘ", VALID_ID, True, ()),
        ("110105194912310021", "110105194912310021", False, ("checksum",)),
        ("1101051949123100", "1101051949123100", False, ("length",)),
        ("11010519491231002Y", "11010519491231002Y", False, ("characters",)),
        ("", "", False, ("length",)),
        # digits of other scripts are not ID digits (str.isdigit takes them; int() reads them)
        ("٣٧٠٢٠٣١٩٨٥٠١٠١١٢٣٥", "٣٧٠٢٠٣١٩٨٥٠١٠١١٢٣٥", False, ("characters",)),
        ("²10105491231002", "²10105491231002", False, ("length",)),
    ],
)
def test_validates_id_numbers(raw: str, value: str, valid: bool, problems: tuple[str, ...]) -> None:
    check = check_id_number(raw)
    assert (check.value, check.valid, check.problems) == (value, valid, problems)


def test_rejects_id_number_with_impossible_birth_date() -> None:
    first17 = "11010519491332002"  # month 13
    check = check_id_number(first17 + id_number_check_char(first17))
    assert check.problems == ("birth_date",)
    assert not check.valid


def test_rejects_id_number_with_unknown_province() -> None:
    first17 = "99010519491231002"
    assert check_id_number(first17 + id_number_check_char(first17)).problems == ("region",)


def test_extracts_birth_date_sex_and_region() -> None:
    check = check_id_number(VALID_ID)
    assert check.birth_date == date(1949, 12, 31)
    assert check.sex == "F"
    assert check.region_code == "110105"
    first17 = "37020319850101123"
    assert check_id_number(first17 + id_number_check_char(first17)).sex == "M"


def test_upgrades_15_digit_number_to_18() -> None:
    assert upgrade_15_to_18("370203850101123") == "370203198501011235"
    check = check_id_number("370203850101123")
    assert check.valid and check.upgraded_from_15
    assert check.value == "370203198501011235"
    assert check.birth_date == date(1985, 1, 1)


def test_flags_transposed_digits_without_fixing_them() -> None:
    check = check_id_number("11010519491213002X")  # 31 written 13
    assert not check.valid
    assert check.value == "11010519491213002X"
    assert check.transposition == VALID_ID


def test_valid_id_number_has_no_transposition() -> None:
    assert check_id_number(VALID_ID).transposition is None


def test_uscc_check_characters() -> None:
    assert organization_code_check_char("MA3C4GWX") == "7"
    assert uscc_check_char(VALID_USCC[:17]) == "4"
    assert is_valid_uscc_checksum(VALID_USCC)


@pytest.mark.parametrize(
    ("raw", "valid", "problems"),
    [
        (VALID_USCC, True, ()),
        (VALID_USCC.lower(), True, ()),
        ("9137 0203 MA3C 4GWX 74", True, ()),
        ("91370203MA3C4GWX75", False, ("checksum",)),
        ("91370203MA3C4GWXO4", False, ("characters",)),
        ("91370203MA3C4GWX7", False, ("length",)),
    ],
)
def test_validates_credit_codes(raw: str, valid: bool, problems: tuple[str, ...]) -> None:
    check = check_uscc(raw)
    assert (check.valid, check.problems) == (valid, problems)


def test_reads_parts_of_a_credit_code() -> None:
    check = check_uscc(VALID_USCC)
    assert check.authority == "工商"
    assert check.region_code == "370203"
    assert check.organization_code == "MA3C4GWX7"


def test_flags_transposed_credit_code() -> None:
    swapped = VALID_USCC[:3] + VALID_USCC[4] + VALID_USCC[3] + VALID_USCC[5:]
    check = check_uscc(swapped)
    assert not check.valid
    assert check.transposition == VALID_USCC
