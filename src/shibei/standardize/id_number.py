"""公民身份号码 (GB 11643-1999): checksum, validation.

An 18-digit number is region (6) + birth date (8) + sequence (3, odd for men) + check
character; the check character is ISO 7064 MOD 11-2 over the first 17 digits.
"""

from __future__ import annotations

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def id_number_check_char(first17: str) -> str:
    """The check character for 17 digits.

    >>> id_number_check_char("11010519491231002")
    'X'
    """
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError("需要17位数字")
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def is_valid_id_number_checksum(value: str) -> bool:
    """True when `value` is 18 characters whose last one is the right check character."""
    if len(value) != 18 or not value[:17].isdigit():
        return False
    return id_number_check_char(value[:17]) == value[17].upper()
