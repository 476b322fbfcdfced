"""The deterministic stage: mentions with a valid ID number are one person per number.

A mention whose name is incompatible with the name the number's most authoritative
mentions give (a different pinyin key and more than one character apart) is *not*
merged: it forms its own group under the same number, and the conflict is reported.
Homophones (same pinyin key) and one-character slips join. A birth date that disagrees
with the number's own digits is reported as a conflict; the mention still joins.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from shibei.resolve.authority import rank
from shibei.resolve.model import PersonMention
from shibei.resolve.records import one_character_apart


@dataclass(frozen=True, slots=True)
class IdGroups:
    """`label[i]` is the group of mention i (e.g. ``370203198501011235`` or
    ``370203198501011235#2`` for a split-off name), None when it has no valid number.
    `conflicts` lists (label, attribute, mention index) for values reported."""

    label: list[str | None]
    conflicts: list[tuple[str, str, int]]


def group_by_id_number(mentions: Sequence[PersonMention]) -> IdGroups:
    by_id: dict[str, list[int]] = defaultdict(list)
    for i, m in enumerate(mentions):
        if m.id_number_std:
            by_id[m.id_number_std].append(i)
    labels: list[str | None] = [None] * len(mentions)
    conflicts: list[tuple[str, str, int]] = []
    for number in sorted(by_id):
        members = by_id[number]
        # one spelling (or none): every name is compatible with the anchor
        single = len({mentions[i].name_std for i in members}) == 1
        anchor = None if single else _anchor_name(mentions, members)
        split: dict[str, str] = {}  # name key of an incompatible name → its label
        for i in members:
            m = mentions[i]
            if anchor is None or _compatible(m, anchor):
                labels[i] = number
                continue
            key = m.name_key or m.name_std or ""
            if key not in split:
                split[key] = f"{number}#{len(split) + 2}"
            labels[i] = split[key]
        names = {mentions[i].name_key for i in members if mentions[i].name_key}
        if len(names) > 1 or split:
            conflicts += [(number, "name", i) for i in members]
        born = {b for i in members if (b := mentions[i].birth_date) is not None}
        digits = number[6:14]
        if any(b.strftime("%Y%m%d") != digits for b in born):
            conflicts += [(number, "birth_date", i) for i in members if mentions[i].birth_date]
    return IdGroups(labels, conflicts)


def _anchor_name(mentions: Sequence[PersonMention], members: list[int]) -> PersonMention | None:
    named = [i for i in members if mentions[i].name_std]
    if not named:
        return None
    counts: dict[str | None, int] = defaultdict(int)
    for i in named:
        counts[mentions[i].name_key] += 1
    best = min(
        named,
        key=lambda i: (
            rank(mentions[i].source),
            -counts[mentions[i].name_key],
            mentions[i].mention_id,
        ),
    )
    return mentions[best]


def _compatible(m: PersonMention, anchor: PersonMention) -> bool:
    if not m.name_std or not anchor.name_std:
        return True
    if m.name_key and m.name_key == anchor.name_key:
        return True
    return m.name_std == anchor.name_std or one_character_apart(m.name_std, anchor.name_std)
