"""API schemas, one per direction (STYLE.md). Values in `*Public` are already masked for
the viewer; nothing here is ever filled with an unmasked identifier the viewer may not
see."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field


class SourcePublic(BaseModel):
    source: str
    batch: str
    row: int


class AttributeSourcePublic(BaseModel):
    attribute: str
    value: str
    source: str
    why: str


class PersonSummary(BaseModel):
    person_id: str
    name: str | None
    id_number: str | None
    phones: list[str]
    address: str | None
    grid_code: str | None
    grid_name: str | None
    is_migrant: bool


class RelationPublic(BaseModel):
    kind: str
    kind_label: str
    other_kind: str  # person | house | organization
    other_id: str
    other_label: str
    visible: bool  # the viewer may open the other side's page
    sources: list[SourcePublic]


class EvidencePublic(BaseModel):
    left: SourcePublic
    right: SourcePublic
    method: str
    match_probability: float | None
    evidence: dict[str, str]


class PersonPublic(PersonSummary):
    birth_date: date | None
    sex: str | None
    hukou_address: str | None
    unmasked: bool
    can_unmask: bool
    sources: list[AttributeSourcePublic]
    conflicts: list[AttributeSourcePublic]
    mentions: int
    relations: list[RelationPublic]
    evidence: list[EvidencePublic]


class HousePublic(BaseModel):
    house_code: str
    address: str
    use: str
    area_m2: float
    status: str
    grid_code: str
    grid_name: str
    relations: list[RelationPublic]


class OrganizationPublic(BaseModel):
    org_id: str
    uscc: str | None
    name: str
    status: str
    kind: str | None
    industry: str | None
    legal_rep: str | None
    registered_house: str | None
    operating_house: str | None
    employees: int
    relations: list[RelationPublic]


class OrganizationSummary(BaseModel):
    org_id: str
    uscc: str | None
    name: str
    status: str
    industry: str | None
    registered_house: str | None


class RollupPublic(BaseModel):
    level: str
    code: str
    name: str
    persons: int
    hukou_persons: int
    migrants: int
    houses: int
    houses_owner_occupied: int
    houses_rented: int
    houses_vacant: int
    organizations: int


class DivisionPublic(BaseModel):
    code: str
    name: str
    level: str
    rollup: RollupPublic | None
    children: list[RollupPublic]
    station: str | None


class UnmaskRequest(BaseModel):
    reason: str = Field(min_length=2, max_length=200, description="查看完整信息的事由")


class AuditEntryPublic(BaseModel):
    seq: int
    at: datetime
    account: str
    role: str
    ip: str
    action: str
    target: str
    result: str
    reason: str


class AuditPage(BaseModel):
    entries: list[AuditEntryPublic]
    total: int


class LoginRequest(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class TokenPublic(BaseModel):
    token: str
    name: str


class MePublic(BaseModel):
    username: str
    display_name: str
    role: str
    role_label: str
    unit_code: str
    unit_name: str


class ErrorPublic(BaseModel):
    detail: str
