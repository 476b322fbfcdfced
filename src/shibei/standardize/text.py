"""Text normalization shared by every standardizer.

`normalize_text` applies, in order: traditional → simplified Chinese (OpenCC `t2s`),
Unicode NFKC per character (full-width letters, digits, spaces and punctuation become
half-width), dash and quote variants to one form, whitespace collapsed to single spaces,
and Chinese numerals to digits where they are numbers:

>>> normalize_text("３號樓二十一号　四零一")
'3号楼21号 401'

Chinese numerals become digits only where they count something: before a numbering
suffix (号, 号楼, 楼, 层, 单元, 室, 栋, 幢, 座, 户, 弄, 期, 组 …) or as a digit-by-digit run
after a number (``3单元四零一`` → ``3单元401``). Inside names they stay: 九江路, 台东一路,
十里亭, 五四广场.

`normalize_with_offsets` returns the same text plus, for every output character, the index
of the input character it came from, so spans found in normalized text map back to what
was written.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

_DIGIT = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_DIGIT |= {"六": 6, "七": 7, "八": 8, "九": 9, "幺": 1}
_UNIT = {"十": 10, "百": 100, "千": 1000, "万": 10000}

_EXTRA = {
    "—": "-", "–": "-", "‐": "-", "‑": "-", "―": "-", "－": "-", "~": "-", "～": "-",
    "“": '"', "”": '"', "‘": "'", "’": "'", "「": '"', "」": '"',
    "【": "[", "】": "]", "〔": "(", "〕": ")", "、": ",", "。": ".",
    "\u3000": " ", "\t": " ", "\n": " ", "\r": " ", "\xa0": " ", "\u200b": "",
    "\ufeff": "",
}  # fmt: skip


class _CharMap(dict[int, str]):
    """str.translate table filled on first sight of each character (NFKC + extras)."""

    def __missing__(self, key: int) -> str:
        ch = chr(key)
        out = _EXTRA.get(ch)
        if out is None:
            out = unicodedata.normalize("NFKC", ch)
            out = "".join(" " if c.isspace() else _EXTRA.get(c, c) for c in out)
        self[key] = out
        return out


_CHARS = _CharMap()
# Text of only these characters `_CHARS` leaves as it is (NFKC keeps printable ASCII and
# the CJK Unified Ideographs block; of them _EXTRA maps only ~): no need to translate.
_UNCHANGED = re.compile(r"[ -}\u4e00-\u9fff]*")

_NUMERAL = "零〇○一二两三四五六七八九十百千幺"
# A numeral run before a numbering suffix.
_SUFFIX = "号楼|号|楼|层|单元|室|栋|幢|座|户|弄|期|组|排|门洞|门|号院|街坊|支弄"
_NUM_BEFORE_SUFFIX = re.compile(rf"(?<![{_NUMERAL}])([{_NUMERAL}]+)(?=(?:{_SUFFIX}))")
# A digit-by-digit run right after a number or numbering suffix, ending the text or
# before a separator or room suffix: 3单元四零一, 5-二零三.
_NUM_AFTER = re.compile(
    r"(?<=[0-9号楼层元室栋幢座门\- ])([零〇○一二三四五六七八九幺]{2,5})(?=$|[\s,\-室户号])"
)
# A numeral before a dash after a number, a numbering suffix, a space or another dash:
# 1号楼一-二〇二室, 一栋 二-一零一, 3-二-401 (dash notation).
_NUM_BEFORE_DASH = re.compile(
    r"(?<=[0-9号楼层元室栋幢座门\- ])([零〇○一二两三四五六七八九十]{1,4})(?=-)"
)
_SPACES = re.compile(r" {2,}")
_ANY_NUMERAL = re.compile(f"[{_NUMERAL}]")  # (a regex scans faster than a set test per char)


def chinese_numeral_value(numeral: str) -> int | None:
    """The integer a Chinese numeral spells, or None when it is not one.

    Positional (二十一 → 21, 一百零八 → 108, 十五 → 15) or digit by digit (四零一 → 401).

    >>> chinese_numeral_value("二十一"), chinese_numeral_value("四零一")
    (21, 401)
    """
    if not numeral or any(c not in _DIGIT and c not in _UNIT for c in numeral):
        return None
    if not any(c in _UNIT for c in numeral):
        return int("".join(str(_DIGIT[c]) for c in numeral))
    total, section, digit = 0, 0, None
    for c in numeral:
        if c in _DIGIT:
            if digit is not None and digit != 0 and _DIGIT[c] != 0:
                return None  # 二三十: not a number
            digit = _DIGIT[c]
        else:
            unit = _UNIT[c]
            if unit == 10000:
                total += (section + (digit or 0)) * unit
                section, digit = 0, None
                continue
            section += (1 if digit is None else digit) * unit
            digit = None
    return total + section + (digit or 0)


def _opencc() -> Any:
    return _opencc_converter()


@lru_cache(maxsize=1)
def _opencc_converter() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional → simplified Chinese (OpenCC t2s, phrase-aware)."""
    return str(_opencc().convert(text))


@lru_cache(maxsize=4096)
def _numeral_digits(numeral: str) -> str:
    """The digits of a Chinese numeral, or the numeral itself when it is not one (feeds
    repeat the few numerals they use: a cache)."""
    value = chinese_numeral_value(numeral)
    return numeral if value is None else str(value)


def _numeral_repl(m: re.Match[str]) -> str:
    return _numeral_digits(m.group(1))


def _replace_numerals(text: str) -> str:
    text = _NUM_BEFORE_SUFFIX.sub(_numeral_repl, text)
    if "-" in text:  # _NUM_BEFORE_DASH needs one
        text = _NUM_BEFORE_DASH.sub(_numeral_repl, text)
    return _NUM_AFTER.sub(_numeral_repl, text)


def normalize_text(text: str) -> str:
    """Normalized form of free text (see the module docstring). Never raises on a str."""
    if not text:
        return ""
    simplified = to_simplified(text)
    out = simplified if _UNCHANGED.fullmatch(simplified) else simplified.translate(_CHARS)
    if "  " in out:
        out = _SPACES.sub(" ", out)
    out = out.strip()
    if _ANY_NUMERAL.search(out):
        out = _replace_numerals(out)
    return out


def normalize_with_offsets(text: str) -> tuple[str, list[int]]:
    """`normalize_text(text)` and, per output character, the index of its input character.

    The offsets list has one extra entry at the end: len(text), so a span (start, end) of
    the output maps to (offsets[start], offsets[end]) of the input... except that an end
    inside a replaced run maps to the end of that run.
    """
    if not text:
        return "", [0]
    simplified = to_simplified(text)
    if len(simplified) != len(text):  # phrase conversion changed length: go char by char
        simplified = "".join(to_simplified(c) if len(to_simplified(c)) == 1 else c for c in text)
    chars: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(simplified):
        for o in ch.translate(_CHARS):
            if o == " " and (not chars or chars[-1] == " "):
                continue
            chars.append(o)
            offsets.append(i)
    while chars and chars[-1] == " ":
        chars.pop()
        offsets.pop()
    out = "".join(chars)
    if _ANY_NUMERAL.search(out):
        out, offsets = _numerals_with_offsets(out, offsets, len(text))
    offsets.append(len(text))
    return out, offsets


def _numerals_with_offsets(text: str, offsets: list[int], end: int) -> tuple[str, list[int]]:
    for pattern in (_NUM_BEFORE_SUFFIX, _NUM_BEFORE_DASH, _NUM_AFTER):
        pieces: list[str] = []
        new_offsets: list[int] = []
        pos = 0
        for m in pattern.finditer(text):
            value = chinese_numeral_value(m.group(1))
            if value is None:
                continue
            pieces.append(text[pos : m.start(1)])
            new_offsets.extend(offsets[pos : m.start(1)])
            digits = str(value)
            pieces.append(digits)
            first = offsets[m.start(1)]
            new_offsets.extend([first] * len(digits))
            pos = m.end(1)
        pieces.append(text[pos:])
        new_offsets.extend(offsets[pos:])
        text, offsets = "".join(pieces), new_offsets
    return text, offsets
