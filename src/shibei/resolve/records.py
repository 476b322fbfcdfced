"""The small string rules both linkage stages share (edit distance, one character apart)
and the blocking keys of identity records. Pure Python."""

from __future__ import annotations

from collections.abc import Sequence

from shibei.resolve.model import PersonRecord


def within_one_edit(a: str, b: str) -> bool:
    """True when `b` is `a` with at most one character substituted, inserted, deleted, or
    two adjacent characters swapped (optimal string alignment distance ≤ 1).

    >>> within_one_edit("370203", "372003"), within_one_edit("张三", "章三")
    (True, True)
    """
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1 :]


def one_character_apart(a: str, b: str) -> bool:
    """Same length, exactly one character different (王 typed as 玉; a lost character).

    >>> one_character_apart("王小明", "玉小明"), one_character_apart("王小明", "王明")
    (True, False)
    """
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) == 1


ID_KEY_PARTS: tuple[tuple[tuple[int, int], ...], ...] = (
    ((9, 18),),
    ((0, 9), (13, 18)),
    ((0, 8), (10, 18)),
    ((0, 12), (14, 18)),
    ((0, 13),),
)
"""Blocking keys for "ID within one edit": any substitution or adjacent swap leaves at
least one of these position sets intact (checked in tests), and each keeps birth-date or
sequence digits so blocks stay small. The last key (region + birth date up to the first
day digit) is paired with the name key to stay selective."""


def id_blocking_keys(id_number: str | None) -> tuple[str | None, ...]:
    """The values of the `ID_KEY_PARTS` keys (None for a number that is not 18 long)."""
    if id_number is None or len(id_number) != 18:
        return tuple(None for _ in ID_KEY_PARTS)
    return tuple("".join(id_number[a:b] for a, b in parts) for parts in ID_KEY_PARTS)


def blocking_keys(r: PersonRecord) -> list[tuple[str, ...]]:
    """The values `person_model.BLOCKING_RULES` join on, tagged by rule (nulls never
    match, as in SQL). Two records are a candidate pair when they share one."""
    keys = id_blocking_keys(r.id_number)
    out: list[tuple[str, ...]] = []
    if r.name_key and r.birth_date:
        out.append(("name_birth", r.name_key, r.birth_date))
    if r.phone_std:
        out.append(("phone", r.phone_std))
    if r.name_key and r.address_code:
        out.append(("name_address", r.name_key, r.address_code))
    for n, key in enumerate(keys[:4], start=1):
        if key:
            out.append((f"id{n}", key))
    if keys[4] and r.name_key:
        out.append(("id5_name", keys[4], r.name_key))
    return out


def candidate_records(records: Sequence[PersonRecord]) -> list[int]:
    """Indices of the records a scoring run needs: every record without a valid ID number,
    and each record with one that shares a blocking key with such a record (pairs of two
    valid numbers are never scored)."""
    wanted: set[tuple[str, ...]] = set()
    out: list[int] = []
    for i, r in enumerate(records):
        if not r.id_valid:
            wanted.update(blocking_keys(r))
            out.append(i)
    if not out:
        return []
    out += [
        i
        for i, r in enumerate(records)
        if r.id_valid and any(k in wanted for k in blocking_keys(r))
    ]
    return sorted(out)
