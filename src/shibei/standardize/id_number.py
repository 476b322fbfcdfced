"""公民身份号码 (GB 11643-1999): checksum, validation.

An 18-digit number is region (6) + birth date (8) + sequence (3, odd for men) + check
character; the check character is ISO 7064 MOD 11-2 over the first 17 digits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from operator import mul

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_ZERO_WEIGHT = ord("0") * sum(_WEIGHTS)


def _digits(text: str) -> bool:
    """Only the ASCII digits 0-9 (`str.isdigit` also takes ²,٣ and full-width ones)."""
    return text.isascii() and text.isdigit()


def id_number_check_char(first17: str) -> str:
    """The check character for 17 digits.

    >>> id_number_check_char("11010519491231002")
    'X'
    """
    if len(first17) != 17 or not _digits(first17):
        raise ValueError("需要17位数字")
    # the digits' code points are 48 + digit: subtract 48 × the weights once
    total = sum(map(mul, first17.encode("ascii"), _WEIGHTS)) - _ZERO_WEIGHT
    return _CHECK[total % 11]


def is_valid_id_number_checksum(value: str) -> bool:
    """True when `value` is 18 characters whose last one is the right check character."""
    if len(value) != 18 or not _digits(value[:17]):
        return False
    return id_number_check_char(value[:17]) == value[17].upper()


# -- parsing and validation ----------------------------------------------------------------

_OLD_CENTURY = "19"  # 15-digit numbers were issued to people born 1900-1999


@dataclass(frozen=True, slots=True)
class IdNumberCheck:
    """What one ID number says, and what is wrong with it.

    `value` is the normalized 18-character form (a valid 15-digit number upgraded);
    `problems` lists codes: ``length``, ``characters``, ``checksum``, ``birth_date``,
    ``region``. `transposition` is a valid number that swapping two adjacent digits would
    give, when one exists: flagged for a person to confirm, never applied.
    """

    raw: str
    value: str
    valid: bool
    problems: tuple[str, ...] = ()
    birth_date: date | None = None
    sex: str | None = None  # "M" | "F"
    region_code: str | None = None
    upgraded_from_15: bool = False
    transposition: str | None = None


def upgrade_15_to_18(value: str) -> str:
    """The 18-digit form of a 15-digit number (first-generation card, 1984-2004).

    >>> upgrade_15_to_18("370203850101123")
    '370203198501011235'
    """
    if len(value) != 15 or not _digits(value):
        raise ValueError("需要15位数字")
    first17 = value[:6] + _OLD_CENTURY + value[6:]
    return first17 + id_number_check_char(first17)


def _birth_date(value: str) -> date | None:
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None
    if born.year < 1880 or born > date.today():
        return None
    return born


def _valid_number(value: str) -> bool:
    return (
        is_valid_id_number_checksum(value)
        and _birth_date(value) is not None
        and value[:2] in _PROVINCE_CODES
    )


_PROVINCE_CODES = frozenset(
    {
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
        "83",
        "91",
    }
)


def check_id_number(raw: str) -> IdNumberCheck:
    """Validate an ID number: checksum, birth date, province, 15 → 18 upgrade.

    >>> check_id_number("11010519491231002x").valid
    True
    >>> check_id_number("11010519491213002X").transposition  # 31 typed as 13
    '11010519491231002X'
    """
    value = normalize_id_number(raw)
    upgraded = len(value) == 18 and len(_characters(raw)) == 15
    problems: list[str] = []
    if len(value) != 18:
        problems.append("length")
    elif not _digits(value[:17]) or not (_digits(value[17]) or value[17] == "X"):
        problems.append("characters")
    if problems:
        return IdNumberCheck(raw=str(raw), value=value, valid=False, problems=tuple(problems))
    if not is_valid_id_number_checksum(value):
        problems.append("checksum")
    born = _birth_date(value)
    if born is None:
        problems.append("birth_date")
    if value[:2] not in _PROVINCE_CODES:
        problems.append("region")
    transposition = None
    if problems:
        transposition = _find_transposition(value)
    return IdNumberCheck(
        raw=str(raw),
        value=value,
        valid=not problems,
        problems=tuple(problems),
        birth_date=born,
        sex=("M" if int(value[16]) % 2 else "F"),
        region_code=value[:6],
        upgraded_from_15=upgraded,
        transposition=transposition,
    )


def normalize_id_number(raw: str) -> str:
    """The number as `check_id_number` reads it, without judging it: spaces removed,
    full-width characters and a lower-case x folded, a 15-digit number upgraded to 18.

    >>> normalize_id_number(" 110105491231002 ")
    '11010519491231002X'
    """
    value = _characters(raw)
    if len(value) == 15 and _digits(value):
        return upgrade_15_to_18(value)
    return value


def _characters(raw: str) -> str:
    return "".join(str(raw).split()).upper().translate(_FULL_WIDTH)


def _find_transposition(value: str) -> str | None:
    """The one valid number two adjacent swapped characters would give, else None."""
    found: list[str] = []
    for i in range(17):
        if value[i] == value[i + 1]:
            continue
        swapped = value[:i] + value[i + 1] + value[i] + value[i + 2 :]
        if _digits(swapped[:17]) and _valid_number(swapped):
            found.append(swapped)
    return found[0] if len(found) == 1 else None


_FULL_WIDTH = str.maketrans("０１２３４５６７８９Ｘｘ", "0123456789XX")
