"""统一社会信用代码 (GB 32100-2015): checksum, validation.

18 characters: registering authority (1), organization type (1), region (6),
organization code (9, its own GB 11714 check character last), check character (1).
The alphabet has no I, O, S, V, Z.
"""

from __future__ import annotations

from dataclasses import dataclass

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


_AUTHORITIES = {
    "1": "机构编制", "5": "民政", "9": "工商", "Y": "其他",
    "2": "外交", "3": "司法行政", "4": "文化", "6": "旅游", "7": "宗教", "8": "工会",
    "A": "中央军委改革和编制办公室", "N": "农业", "G": "公安", "K": "其他",
}  # fmt: skip
_FULL_WIDTH = str.maketrans(
    "０１２３４５６７８９ＡＢＣＤＥＦＧＨＪＫＬＭＮＰＱＲＴＵＷＸＹ",
    "0123456789ABCDEFGHJKLMNPQRTUWXY",
)


@dataclass(frozen=True, slots=True)
class UsccCheck:
    """What one unified social credit code says, and what is wrong with it.

    `problems` codes: ``length``, ``characters`` (I, O, S, V, Z or other), ``checksum``,
    ``organization_code`` (the embedded GB 11714 check character is wrong), ``authority``.
    `transposition` as for ID numbers: a valid code two swapped neighbours would give.
    """

    raw: str
    value: str
    valid: bool
    problems: tuple[str, ...] = ()
    authority: str | None = None  # 登记管理部门, e.g. 工商
    organization_type: str | None = None  # the second character
    region_code: str | None = None
    organization_code: str | None = None
    transposition: str | None = None


def check_uscc(raw: str) -> UsccCheck:
    """Validate a credit code (whitespace and full-width forms tolerated, letters upper-cased).

    >>> check_uscc("91370203MA3C4GWX74").valid
    True
    """
    value = "".join(str(raw).split()).upper().translate(_FULL_WIDTH)
    problems: list[str] = []
    if len(value) != 18:
        problems.append("length")
    elif any(c not in _VALUE for c in value):
        problems.append("characters")
    if problems:
        return UsccCheck(raw=str(raw), value=value, valid=False, problems=tuple(problems))
    if not is_valid_uscc_checksum(value):
        problems.append("checksum")
    org = value[8:17]
    if not _org_code_ok(org):
        problems.append("organization_code")
    if value[0] not in _AUTHORITIES:
        problems.append("authority")
    transposition = _find_transposition(value) if problems else None
    return UsccCheck(
        raw=str(raw),
        value=value,
        valid=not problems,
        problems=tuple(problems),
        authority=_AUTHORITIES.get(value[0]),
        organization_type=value[1],
        region_code=value[2:8],
        organization_code=org,
        transposition=transposition,
    )


def _org_code_ok(org: str) -> bool:
    try:
        return organization_code_check_char(org[:8]) == org[8]
    except ValueError:
        return False


def _find_transposition(value: str) -> str | None:
    found: list[str] = []
    for i in range(17):
        if value[i] == value[i + 1]:
            continue
        swapped = value[:i] + value[i + 1] + value[i] + value[i + 2 :]
        if (
            is_valid_uscc_checksum(swapped)
            and _org_code_ok(swapped[8:17])
            and swapped[0] in _AUTHORITIES
        ):
            found.append(swapped)
    return found[0] if len(found) == 1 else None
