"""Field-level noise: the ways a departmental feed mistypes a name, an ID number, a phone.

Each function takes the clean value and a `random.Random`, and returns the noisy value, or
None when the kind cannot apply to that value (no X to lower-case, a birth after 1999 for
a 15-digit number, a name with no character in the typo tables…). A returned value
always differs from the input, so ground truth never records a kind that changed nothing.

Kinds (the exact strings ground truth records):

=================== ================================================================
name_homophone      one character → same pinyin: 王伟 → 王玮 (given name preferred)
name_similar_char   one character → a visually similar one: 王伟 → 玉伟
name_traditional    simplified → traditional (OpenCC s2t): 刘丽华 → 劉麗華
name_space          王 伟 / 王　伟 (full-width space) / 王伟␠ (trailing space)
id_bad_checksum     the last character replaced by a wrong check character
id_legacy15         the 15-digit pre-1999 form: region + yymmdd + sequence, no check char
id_transposed       two adjacent differing characters swapped
id_lowercase_x      a final X written x
phone_format        13812345678 → 138 1234 5678 | 138-1234-5678 | +86 13812345678 |
                    8613812345678; 053281234567 / 0532-81234567 → (0532)81234567 |
                    0532 81234567 | 0532-81234567 | 81234567
fullwidth           ASCII digits and letters → full-width: 370203 → ３７０２０３
traditional         simplified → traditional (OpenCC s2t)
stray_space         a space (ASCII or full-width) inside or after the value
=================== ================================================================

Address kinds (`addr_*`, `ADDRESS_NOISE_KINDS`) are rendered by
`shibei.synth.address_forms.render_address`, which needs the structured address.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any, TypeVar

from shibei.standardize.id_number import id_number_check_char
from shibei.synth.names import HOMOPHONES, SIMILAR_CHARS, split_name

NAME_NOISE_KINDS = frozenset(
    {"name_homophone", "name_similar_char", "name_traditional", "name_space"}
)
ID_NUMBER_NOISE_KINDS = frozenset(
    {"id_bad_checksum", "id_legacy15", "id_transposed", "id_lowercase_x"}
)
PHONE_NOISE_KINDS = frozenset({"phone_format"})
TEXT_NOISE_KINDS = frozenset({"fullwidth", "traditional", "stray_space"})
ADDRESS_NOISE_KINDS = frozenset(
    {
        "addr_missing_levels",
        "addr_chinese_numerals",
        "addr_dash_notation",
        "addr_old_district",
        "addr_city_district_joined",
        "addr_compound_only",
        "addr_unit_variants",
        "addr_fullwidth",
        "addr_traditional",
        "addr_space",
    }
)
"""Defined here (the one registry of kind names); documented in `address_forms`."""

NOISE_KINDS = (
    NAME_NOISE_KINDS
    | ID_NUMBER_NOISE_KINDS
    | PHONE_NOISE_KINDS
    | TEXT_NOISE_KINDS
    | ADDRESS_NOISE_KINDS
)

T = TypeVar("T")

FULLWIDTH_SPACE = "\u3000"
_FULLWIDTH = str.maketrans(
    {
        c: chr(ord(c) + 0xFEE0)
        for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-#"
    }
)
_CHECK_CHARS = "0123456789X"


def to_fullwidth(text: str) -> str:
    """ASCII digits, letters, '-' and '#' → their full-width forms (spaces are kept)."""
    return text.translate(_FULLWIDTH)


@cache
def _s2t() -> Any:
    import opencc  # the converter loads its dictionaries once, on first use

    return opencc.OpenCC("s2t")


def to_traditional(text: str) -> str:
    """Simplified → traditional characters (OpenCC s2t)."""
    converted: str = _s2t().convert(text)
    return converted


def _pick(rng: random.Random, items: Sequence[T]) -> T:
    return items[int(rng.random() * len(items))]


# -- names ---------------------------------------------------------------------------


def _replace_char(
    name: str, table: dict[str, tuple[str, ...]], rng: random.Random, prefer_given: bool
) -> str | None:
    surname, given = split_name(name)
    offset = len(surname)
    positions = [offset + i for i, c in enumerate(given) if c in table]
    if not positions or not prefer_given:
        positions += [i for i, c in enumerate(surname) if c in table]
    if not positions:
        return None
    i = _pick(rng, positions)
    return name[:i] + _pick(rng, table[name[i]]) + name[i + 1 :]


def name_homophone(name: str, rng: random.Random) -> str | None:
    """One character replaced by a homophone (a given-name character when there is one)."""
    return _replace_char(name, HOMOPHONES, rng, prefer_given=True)


def name_similar_char(name: str, rng: random.Random) -> str | None:
    """One character (surname or given name) replaced by a visually similar one."""
    return _replace_char(name, SIMILAR_CHARS, rng, prefer_given=False)


def name_traditional(name: str, rng: random.Random) -> str | None:
    """The name in traditional characters; None when that changes nothing (王明)."""
    return traditional(name, rng)


def name_space(name: str, rng: random.Random) -> str | None:
    """A space between surname and given name (ASCII 60%, full-width 25%) or trailing (15%)."""
    if len(name) < 2:
        return None
    surname, given = split_name(name)
    r = rng.random()
    if r < 0.6:
        return f"{surname} {given}"
    if r < 0.85:
        return f"{surname}{FULLWIDTH_SPACE}{given}"
    return name + " "


# -- ID numbers ----------------------------------------------------------------------


def _is_id18(value: str) -> bool:
    return len(value) == 18 and value[:17].isdigit() and value[17] in "0123456789Xx"


def id_bad_checksum(value: str, rng: random.Random) -> str | None:
    """The 18-digit number with a wrong check character."""
    if not _is_id18(value):
        return None
    right = id_number_check_char(value[:17])
    wrong = [c for c in _CHECK_CHARS if c != right]
    return value[:17] + _pick(rng, wrong)


def id_legacy15(value: str, rng: random.Random) -> str | None:
    """The 15-digit form (before 1999): no century, no check character; births 1900–1999."""
    if not _is_id18(value) or value[6:8] != "19":
        return None
    return value[:6] + value[8:17]


def id_transposed(value: str, rng: random.Random) -> str | None:
    """Two adjacent, different digits swapped."""
    positions = [
        i
        for i in range(len(value) - 1)
        if value[i] != value[i + 1] and value[i].isdigit() and value[i + 1].isdigit()
    ]
    if not positions:
        return None
    i = _pick(rng, positions)
    return value[:i] + value[i + 1] + value[i] + value[i + 2 :]


def id_lowercase_x(value: str, rng: random.Random) -> str | None:
    """A final X written as x; None when the number does not end in X."""
    if not value.endswith("X"):
        return None
    return value[:-1] + "x"


# -- phones --------------------------------------------------------------------------


def phone_format(value: str, rng: random.Random) -> str | None:
    """A mobile or Qingdao landline number written another common way."""
    digits = value.replace("-", "")
    if len(digits) == 11 and digits.isdigit() and digits[0] == "1":
        a, b, c = digits[:3], digits[3:7], digits[7:]
        forms = (f"{a} {b} {c}", f"{a}-{b}-{c}", f"+86 {digits}", f"86{digits}")
    elif len(digits) == 12 and digits.isdigit() and digits[0] == "0":
        area, local = digits[:4], digits[4:]
        forms = (f"({area}){local}", f"{area} {local}", f"{area}-{local}", local)
    else:
        return None
    choices = [f for f in forms if f != value]
    return _pick(rng, choices)


# -- generic text --------------------------------------------------------------------


def fullwidth(value: str, rng: random.Random) -> str | None:
    """ASCII digits and letters in full-width; None when the value has none."""
    noisy = to_fullwidth(value)
    return noisy if noisy != value else None


def traditional(value: str, rng: random.Random) -> str | None:
    """Traditional characters; None when the text has no character that changes."""
    noisy = to_traditional(value)
    return noisy if noisy != value else None


def stray_space(value: str, rng: random.Random) -> str | None:
    """A space (ASCII 80%, full-width 20%) inside the value (80%) or after it (20%)."""
    if not value:
        return None
    space = " " if rng.random() < 0.8 else FULLWIDTH_SPACE
    if len(value) < 2 or rng.random() < 0.2:
        return value + space
    i = 1 + int(rng.random() * (len(value) - 1))
    return value[:i] + space + value[i:]


_FUNCTIONS: dict[str, Callable[[str, random.Random], str | None]] = {
    "name_homophone": name_homophone,
    "name_similar_char": name_similar_char,
    "name_traditional": name_traditional,
    "name_space": name_space,
    "id_bad_checksum": id_bad_checksum,
    "id_legacy15": id_legacy15,
    "id_transposed": id_transposed,
    "id_lowercase_x": id_lowercase_x,
    "phone_format": phone_format,
    "fullwidth": fullwidth,
    "traditional": traditional,
    "stray_space": stray_space,
}
FIELD_NOISE_KINDS = frozenset(_FUNCTIONS)
"""The kinds `apply_noise` handles: all of NOISE_KINDS but the address kinds."""


def apply_noise(kind: str, value: str, rng: random.Random) -> str | None:
    """`value` with noise `kind` applied, or None when the kind cannot apply to it.

    >>> apply_noise("id_lowercase_x", "11010519491231002X", random.Random(0))
    '11010519491231002x'

    Raises ValueError for an unknown kind, and for an address kind (those need the
    structured address: use `address_forms.render_address`).
    """
    function = _FUNCTIONS.get(kind)
    if function is None:
        if kind in ADDRESS_NOISE_KINDS:
            raise ValueError(f"地址噪声 {kind} 需用 render_address 生成")
        raise ValueError(f"未知的噪声类型：{kind}")
    return function(value, rng)
