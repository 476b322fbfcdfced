"""`InMemoryFoundationReader`: the FoundationReader over plain lists, for tests and for
apps built before a lake exists. Same behaviour as the DuckDB reader, no engine."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from shibei.foundation.reader import (
    LEVEL_CODE_LENGTH,
    HouseView,
    Level,
    LinkEvidence,
    OrganizationView,
    PersonView,
    Relation,
    Rollup,
)
from shibei.standardize.name import normalize_person_name, person_name_key
from shibei.standardize.phone import normalize_phone


class InMemoryFoundationReader:
    """Holds views in dictionaries; rollups are given (they are computed upstream)."""

    def __init__(
        self,
        persons: Iterable[PersonView] = (),
        houses: Iterable[HouseView] = (),
        organizations: Iterable[OrganizationView] = (),
        relations: Iterable[Relation] = (),
        rollups: Iterable[Rollup] = (),
        evidence: dict[str, list[LinkEvidence]] | None = None,
    ) -> None:
        self._persons = {p.person_id: p for p in persons}
        self._houses = {h.house_code: h for h in houses}
        self._orgs = {o.org_id: o for o in organizations}
        self._relations: dict[str, list[Relation]] = defaultdict(list)
        for r in relations:
            self._relations[r.left_id].append(r)
            self._relations[r.right_id].append(r)
        self._rollups = {r.code: r for r in rollups}
        self._evidence = evidence or {}

    def person(self, person_id: str) -> PersonView | None:
        return self._persons.get(person_id)

    def house(self, house_code: str) -> HouseView | None:
        return self._houses.get(house_code)

    def organization(self, org_id: str) -> OrganizationView | None:
        return self._orgs.get(org_id)

    def search_persons(
        self,
        *,
        name: str | None = None,
        id_number: str | None = None,
        phone: str | None = None,
        address: str | None = None,
        within: str | None = None,
        limit: int = 20,
    ) -> list[PersonView]:
        key = person_name_key(name) if name else None
        exact = normalize_person_name(name) if name else None
        parsed = normalize_phone(phone) if phone else None
        number = parsed.value if parsed is not None and parsed.valid else None
        if parsed is not None and number is None:
            return []
        found: list[tuple[int, str, PersonView]] = []
        for p in self._persons.values():
            if within and not (p.house_code or "").startswith(within):
                continue
            if id_number and (p.id_number or "").upper() != id_number.strip().upper():
                continue
            if number and number not in p.phones:
                continue
            if address and address not in (p.address or ""):
                continue
            if key is not None:
                if p.name == exact:
                    rank = 0
                elif person_name_key(p.name) == key:
                    rank = 1
                else:
                    continue
            else:
                rank = 0
            found.append((rank, p.person_id, p))
        found.sort(key=lambda t: (t[0], t[1]))
        return [p for _, _, p in found[:limit]]

    def search_organizations(
        self,
        *,
        name: str | None = None,
        uscc: str | None = None,
        within: str | None = None,
        limit: int = 20,
    ) -> list[OrganizationView]:
        found = [
            o
            for o in self._orgs.values()
            if (not name or name in o.name)
            and (not uscc or (o.uscc or "") == uscc.strip().upper())
            and (not within or (o.registered_house or "").startswith(within))
        ]
        return sorted(found, key=lambda o: o.org_id)[:limit]

    def relations(self, entity_id: str) -> list[Relation]:
        return list(self._relations.get(entity_id, ()))

    def rollup(self, code: str) -> Rollup | None:
        return self._rollups.get(code)

    def rollups(self, level: Level, within: str | None = None) -> list[Rollup]:
        length = LEVEL_CODE_LENGTH[level]
        return sorted(
            (
                r
                for r in self._rollups.values()
                if len(r.code) == length and (within is None or r.code.startswith(within))
            ),
            key=lambda r: r.code,
        )

    def link_evidence(self, person_id: str) -> list[LinkEvidence]:
        return list(self._evidence.get(person_id, ()))
