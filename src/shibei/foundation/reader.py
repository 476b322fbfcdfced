"""The read port of the data foundation: what the web app and the governance apps may
ask of it. Views are plain frozen dataclasses with unmasked values; masking and access
decisions happen above this port (shibei.access), never here.

Implementations: `DuckDBFoundationReader` (shibei.store.duckdb_foundation) over the
lake's Parquet files, and `InMemoryFoundationReader` (shibei.foundation.memory) for tests
and for apps built before a lake exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal, Protocol

Level = Literal["district", "street", "community", "grid"]
LEVEL_CODE_LENGTH: dict[Level, int] = {"district": 6, "street": 9, "community": 12, "grid": 15}
"""Division codes are hierarchical: a grid code starts with its community's code, etc."""

PersonHouseRelation = Literal["hukou", "lives", "owns", "rents"]
OrgHouseRelation = Literal["registered", "operates"]
PersonOrgRelation = Literal["employee", "legal_rep"]


def level_of(code: str) -> Level:
    """The level of a division code by its length (raises on anything else)."""
    for level, length in LEVEL_CODE_LENGTH.items():
        if len(code) == length:
            return level
    raise ValueError(f"不是区划代码：{code!r}")


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a fact came from: the feed, the batch (file hash) and the row in it."""

    source: str
    batch: str
    row: int


@dataclass(frozen=True, slots=True)
class AttributeSource:
    """Which source a golden attribute came from and why (survivorship)."""

    attribute: str
    value: str
    source: str
    why: str


@dataclass(frozen=True, slots=True)
class PersonView:
    person_id: str
    name: str
    id_number: str | None
    birth_date: date | None
    sex: str | None
    phones: tuple[str, ...]
    house_code: str | None  # where the person lives
    hukou_house_code: str | None
    is_migrant: bool
    address: str | None  # canonical text of house_code
    grid_code: str | None
    sources: tuple[AttributeSource, ...] = ()
    conflicts: tuple[AttributeSource, ...] = ()
    mentions: int = 0  # feed rows linked to this person


@dataclass(frozen=True, slots=True)
class HouseView:
    house_code: str
    address: str
    use: str  # 住宅 | 商铺
    area_m2: float
    status: str  # 自住 | 出租 | 空置
    owner_person_id: str | None
    owner_org_id: str | None
    occupant_ids: tuple[str, ...]
    grid_code: str
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class OrganizationView:
    org_id: str
    uscc: str | None
    name: str
    status: str  # 存续 | 注销 | …
    kind: str | None
    industry: str | None
    legal_rep_person_id: str | None
    registered_house: str | None
    operating_house: str | None
    employees: int  # persons linked as employees (社保)
    sources: tuple[AttributeSource, ...] = ()


@dataclass(frozen=True, slots=True)
class Relation:
    """One person–house, organization–house or person–organization relation."""

    kind: str  # a PersonHouseRelation, OrgHouseRelation or PersonOrgRelation value
    left_id: str  # person_id or org_id
    right_id: str  # house_code or org_id
    provenance: tuple[Provenance, ...]


@dataclass(frozen=True, slots=True)
class Rollup:
    """Figures of one division; summing the children gives the parent's figures."""

    level: Level
    code: str
    name: str
    persons: int
    hukou_persons: int
    migrants: int
    houses: int
    houses_owner_occupied: int
    houses_rented: int
    houses_vacant: int
    organizations: int  # organizations in business (存续) registered in the division


@dataclass(frozen=True, slots=True)
class LinkEvidence:
    """Why two feed rows were linked into one entity."""

    left: Provenance
    right: Provenance
    method: str  # id_number | probabilistic | …
    match_probability: float | None
    evidence: dict[str, str] = field(default_factory=dict)  # field → comparison outcome


class FoundationReader(Protocol):
    """Read access to the foundation. Point lookups are indexed, not full scans."""

    def person(self, person_id: str) -> PersonView | None: ...

    def house(self, house_code: str) -> HouseView | None: ...

    def organization(self, org_id: str) -> OrganizationView | None: ...

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
        """Persons matching every given criterion; `name` also finds misspelt names (same
        pinyin); `address` is free text matched to a standard address; `within` is a
        division code prefix."""
        ...

    def search_organizations(
        self,
        *,
        name: str | None = None,
        uscc: str | None = None,
        within: str | None = None,
        limit: int = 20,
    ) -> list[OrganizationView]: ...

    def relations(self, entity_id: str) -> list[Relation]:
        """Every relation of a person, organization or house, with provenance."""
        ...

    def rollup(self, code: str) -> Rollup | None: ...

    def rollups(self, level: Level, within: str | None = None) -> list[Rollup]: ...

    def link_evidence(self, person_id: str) -> list[LinkEvidence]:
        """Why the feed rows of this person were linked (for "why is this one person")."""
        ...
