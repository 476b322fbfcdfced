"""The rare-name and household rules: a leftover cluster without a valid ID number joins the one
identified person who carries its name, when nothing contradicts it.

Why: a 110 caller, a resident seen only by the access-control system or a 12345
requester often gives no ID number, and the phone it gives may be an old one no other
feed knows; the hukou record of the same person sits at another house. Nothing but the
name ties them, and no blocking rule pairs two records on a name alone. A name that in the
whole district belongs to exactly one identified person (one cluster holding a valid ID
number), even counting homophones (the pinyin key is compared, so 王伟 and 王玮 count as
one name), is in practice that person's.

Precision first. The cluster joins only when

- all its records carry one pinyin name key, of at least two characters;
- exactly one identified cluster carries that key (another identified 王伟 anywhere
  makes it ambiguous) — or, for a common name, exactly one of those carrying it lives
  where the leftover lives or has hukou house-mates living there (the household rule;
  families move together: the leftover 王伟 seen at house A is the 王伟 whose hukou
  house-mates live at A);
- no leftover cluster with the same key contradicts the identified person on birth date or
  sex (it would be a second, unidentified 王伟: the name is then not unique);
- each of its names is one of the person's names or one character away from one (same
  pinyin key is not enough: 王子欣 and 王梓馨 are two people);
- its birth dates and sexes (from the mention or the ID digits) agree with the person's;
- an invalid ID number it carries is within one edit of one of the person's numbers;
- none of its phones belongs to a different identified person;
- it is not seen living somewhere the person is known not to live (both have
  residences — grid survey, migrant registration, access control, 12345 — and they
  share none).

Staff rosters (grid workers, community police) are not eligible: they name someone in a
job, who need not live in the district, so a name alone does not make them a resident.

Decisions are taken on a snapshot of the clusters and then applied, so they do not depend
on the order clusters are visited (deterministic, engine-independent). Choosing the one
possible person runs in SQL over all components (`person_sql.name_choice_sql`); the
checks against contradictions run here, on the few components a choice names.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from shibei.resolve.records import one_character_apart, within_one_edit


@dataclass(slots=True)
class Summary:
    """What a component's records say, as far as the contradiction checks need."""

    residences: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)
    births: set[str] = field(default_factory=set)
    sexes: set[str] = field(default_factory=set)
    valid_ids: set[str] = field(default_factory=set)
    invalid_ids: set[str] = field(default_factory=set)


def summaries(columns: dict[str, list[Any]]) -> dict[int, Summary]:
    """`Summary` per root from the columns of `person_sql.name_choice_sql`'s `summary`."""
    fields = Summary.__slots__
    empty: list[str] = []
    return {
        int(root): Summary(*(set(v or empty) for v in values))
        for root, *values in zip(columns["root"], *(columns[f] for f in fields), strict=True)
    }


def unique_name_joins(
    choices: Sequence[tuple[int, int, bool, Sequence[int]]], summary: dict[int, Summary]
) -> list[tuple[int, int]]:
    """(leftover root, identified root) pairs to join, from the choices of
    `person_sql.name_choice_sql` — (leftover, its one possible person, whether one of its
    phones belongs to another identified person, the other leftovers with its name) —
    and the `summary` of every component named there: the leftover joins when nothing
    contradicts the person and no rival leftover disagrees with the person either (a
    second, unidentified 王伟 makes the name not unique)."""
    joins: list[tuple[int, int]] = []
    for leftover, person, foreign_phone, rivals in sorted(choices):
        chosen = summary[person]
        if foreign_phone or not _agrees(summary[leftover], chosen):
            continue
        if any(not _agrees(summary[o], chosen) for o in rivals):
            continue  # another leftover 王伟 is someone else: the name is not unique
        joins.append((leftover, person))
    return joins


def _agrees(s: Summary, person: Summary) -> bool:
    if s.residences and person.residences and not s.residences & person.residences:
        return False  # seen living elsewhere than where the person is known to live
    if not all(any(_near(n, m) for m in person.names) for n in s.names):
        return False
    if s.births and person.births and not s.births <= person.births:
        return False
    if s.sexes and person.sexes and not s.sexes <= person.sexes:
        return False
    return all(
        any(within_one_edit(bad, good) for good in person.valid_ids) for bad in s.invalid_ids
    )


def _near(a: str, b: str) -> bool:
    return a == b or one_character_apart(a, b)
