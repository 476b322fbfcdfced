"""统一社会信用代码 (GB 32100-2015): checksum, validation.

18 characters: registering authority (1), organization type (1), region (6),
organization code (9, its own GB 11714 check character last), check character (1).
The alphabet has no I, O, S, V, Z.
"""

from __future__ import annotations

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {c: i for i, c in enumerate(USCC_ALPHABET)}
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def uscc_check_char(first17: str) -> str:
    """The check character for the first 17 characters of a credit code."""
    if len(first17) != 17 or any(c not in _VALUE for c in first17):
        raise ValueError("需要17位有效字符")
    total = sum(_VALUE[c] * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def organization_code_check_char(first8: str) -> str:
    """GB 11714 check character of the 9-character organization code inside a USCC."""
    if len(first8) != 8 or any(c not in _VALUE for c in first8):
        raise ValueError("需要8位有效字符")
    total = sum(_VALUE[c] * w for c, w in zip(first8, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def is_valid_uscc_checksum(value: str) -> bool:
    """True when `value` is 18 valid characters whose last one is the right check character."""
    value = value.upper()
    if len(value) != 18 or any(c not in _VALUE for c in value):
        return False
    return uscc_check_char(value[:17]) == value[17]
