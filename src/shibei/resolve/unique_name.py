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
  where the leftover lives or has hukou house-mates living there (the household rule,
  `_household_choice`);
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
on the order clusters are visited (deterministic, engine-independent).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from shibei.resolve.records import one_character_apart, within_one_edit

MIN_NAME_LENGTH = 2


@dataclass(slots=True)
class Summary:
    hukou_houses: set[str] = field(default_factory=set)
    residences: set[str] = field(default_factory=set)
    name_keys: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)
    births: set[str] = field(default_factory=set)
    sexes: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)
    valid_ids: set[str] = field(default_factory=set)
    invalid_ids: set[str] = field(default_factory=set)


def summaries(columns: dict[str, list[Any]]) -> dict[int, Summary]:
    """`Summary` per root from the columns of `person_sql.summaries_sql`'s table."""
    fields = Summary.__slots__
    empty: list[str] = []
    return {
        int(root): Summary(*(set(v or empty) for v in values))
        for root, *values in zip(columns["root"], *(columns[f] for f in fields), strict=True)
    }


def unique_name_joins(
    summary: dict[int, Summary], labelled: set[int], allowed: set[int]
) -> list[tuple[int, int]]:
    """(leftover root, identified root) pairs to join. `summary` maps a component's root
    to what its records say; `labelled` are the roots holding a valid ID number; a
    leftover joins only when it is in `allowed` (one of its records is not a staff roster
    entry). `summary` must hold every component the decisions look at
    (`person_sql.summaries_sql` selects them): the leftovers, every component carrying
    their name keys, the identified owners of their phones and the hukou house-mates of
    the identified persons carrying their names."""
    identified_by_key: dict[str, list[int]] = defaultdict(list)
    leftover_by_key: dict[str, list[int]] = defaultdict(list)
    phone_owners: dict[str, set[int]] = defaultdict(set)
    hukou_index: dict[str, set[int]] = defaultdict(set)
    for root, s in summary.items():
        if root in labelled:
            for house in s.hukou_houses:
                hukou_index[house].add(root)
            for key in s.name_keys:
                identified_by_key[key].append(root)
            for phone in s.phones:
                phone_owners[phone].add(root)
        else:
            for key in s.name_keys:
                leftover_by_key[key].append(root)
    joins: list[tuple[int, int]] = []
    for root in sorted(summary):
        s = summary[root]
        if root in labelled or root not in allowed or len(s.name_keys) != 1:
            continue
        (key,) = s.name_keys
        if min((len(n) for n in s.names), default=0) < MIN_NAME_LENGTH:
            continue
        candidates = identified_by_key.get(key, [])
        if len(candidates) > 1:
            chosen = _household_choice(s, candidates, summary, hukou_index)
            candidates = [chosen] if chosen is not None else []
        if len(candidates) != 1:
            continue
        person = summary[candidates[0]]
        if not _agrees(s, person):
            continue
        if any(phone_owners.get(p, set()) - {candidates[0]} for p in s.phones):
            continue
        rivals = [o for o in leftover_by_key[key] if o != root]
        if any(not _agrees(summary[o], person) for o in rivals):
            continue  # another leftover 王伟 is someone else: the name is not unique
        joins.append((root, candidates[0]))
    return joins


def _household_choice(
    s: Summary,
    candidates: Sequence[int],
    summary: dict[int, Summary],
    hukou_index: dict[str, set[int]],
) -> int | None:
    """The household rule, for a common name: of the identified persons carrying it, the
    only one who lives where this leftover lives, or whose hukou household has another
    member (an identified person registered at the same hukou house) living there.
    Families move together: the leftover 王伟 seen at house A is the 王伟 whose hukou
    house-mates live at A."""
    if not s.residences:
        return None
    supported = []
    for person in candidates:
        family = set().union(*(hukou_index[h] for h in summary[person].hukou_houses))
        if any(summary[q].residences & s.residences for q in family | {person}):
            supported.append(person)
    return supported[0] if len(supported) == 1 else None


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
