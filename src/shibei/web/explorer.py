"""The foundation explorer's handlers: search, person / house / organization / division
pages, unmasking and the dashboard's figures. Every answer is scoped with `allowed`,
masked for the viewer and, where it touches personal data, audited — here, before the
data leaves the handler, so pages, API and exports share one path."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from shibei.access import (
    Actor,
    MaskRules,
    PlaceIndex,
    Resource,
    allowed,
    scope_of,
    within_codes,
)
from shibei.access.audit import AuditEntry, AuditRecord
from shibei.foundation.reader import (
    FoundationReader,
    HouseView,
    Level,
    OrganizationView,
    PersonView,
    Provenance,
    Relation,
    Rollup,
    level_of,
)
from shibei.web.errors import BadRequest, Forbidden, NotFound
from shibei.web.schemas import (
    AttributeSourcePublic,
    DivisionPublic,
    EvidencePublic,
    HousePublic,
    OrganizationPublic,
    OrganizationSummary,
    PersonPublic,
    PersonSummary,
    RelationPublic,
    RollupPublic,
    SourcePublic,
)

RELATION_LABELS = {
    "hukou": "户籍",
    "lives": "居住",
    "owns": "产权",
    "rents": "租住",
    "registered": "注册地",
    "operates": "经营地",
    "employee": "就业",
    "legal_rep": "法定代表人",
}
NOT_FOUND = "未找到该记录，或您无权查看"
MAX_RELATIONS = 200


class AuditSink(Protocol):
    def append_audit(self, record: AuditRecord) -> AuditEntry: ...


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who asks, and from where (for the audit log)."""

    actor: Actor
    ip: str


@dataclass(frozen=True, slots=True)
class PersonQuery:
    name: str | None = None
    id_number: str | None = None
    phone: str | None = None
    address: str | None = None

    def __post_init__(self) -> None:
        for value in (self.name, self.id_number, self.phone, self.address):
            if value is not None and (
                len(value) > 100 or any(ch < " " or ch == "\x7f" for ch in value)
            ):
                raise BadRequest("查询条件含有非法字符或过长")

    def empty(self) -> bool:
        return not any((self.name, self.id_number, self.phone, self.address))

    def describe(self, rules: MaskRules) -> str:
        parts = [
            f"{label}={rules.text_of(value)}"
            for label, value in (
                ("姓名", self.name),
                ("身份证号", self.id_number),
                ("电话", self.phone),
                ("地址", self.address),
            )
            if value
        ]
        return " ".join(parts)


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _sources(provenance: Iterable[Provenance]) -> list[SourcePublic]:
    return [SourcePublic(source=p.source, batch=p.batch, row=p.row) for p in provenance]


class Explorer:
    def __init__(
        self,
        reader: FoundationReader,
        places: PlaceIndex,
        audit: AuditSink,
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        self.reader = reader
        self.places = places
        self.audit_sink = audit
        self.clock = clock

    # Resources ------------------------------------------------------------------------

    def person_resource(self, p: PersonView) -> Resource:
        codes = (p.house_code, p.hukou_house_code, p.grid_code)
        return self.places.resource("person", p.person_id, codes, frozenset({p.person_id}))

    def house_resource(self, h: HouseView) -> Resource:
        subjects = set(h.occupant_ids) | ({h.owner_person_id} if h.owner_person_id else set())
        return self.places.resource("house", h.house_code, (h.house_code,), frozenset(subjects))

    def org_resource(self, o: OrganizationView) -> Resource:
        codes = (o.registered_house, o.operating_house)
        subjects = frozenset({o.legal_rep_person_id} if o.legal_rep_person_id else set())
        return self.places.resource("organization", o.org_id, codes, subjects)

    def division_resource(self, code: str) -> Resource:
        return self.places.resource("division", code, (code,), frozenset())

    def audit(
        self, viewer: Viewer, action: str, target: str, result: str, reason: str = ""
    ) -> None:
        actor = viewer.actor
        record = AuditRecord(
            self.clock(),
            actor.username,
            actor.role.value,
            viewer.ip,
            action,
            target,
            result,
            reason,
        )
        self.audit_sink.append_audit(record)

    def can(self, actor: Actor, action: str) -> bool:
        """The role holds the action somewhere (to show or hide a menu entry)."""
        return scope_of(actor, action) is not None

    def may(self, actor: Actor, action: str) -> bool:
        """The action is allowed on the district as a whole (audit log, quality pages)."""
        return allowed(actor, action, self.division_resource("370203"))

    # Persons --------------------------------------------------------------------------

    def _summary(self, viewer: Viewer, p: PersonView, rules: MaskRules) -> PersonSummary:
        return PersonSummary(
            person_id=p.person_id,
            name=rules.name_of(p.name),
            id_number=rules.id_number_of(p.id_number),
            phones=[rules.phone_of(x) or "" for x in p.phones],
            address=p.address,
            grid_code=p.grid_code,
            grid_name=self.places.name(p.grid_code) if p.grid_code else None,
            is_migrant=p.is_migrant,
        )

    def _find_persons(
        self, viewer: Viewer, query: PersonQuery, action: str, limit: int
    ) -> list[PersonView]:
        actor = viewer.actor
        if query.empty():
            raise BadRequest("请至少输入一个查询条件（姓名、身份证号、电话或地址）")
        bounds = within_codes(actor, action, self.places.streets_of_station)
        if not bounds:
            self.audit(viewer, action, query.describe(MaskRules(False, False)), "denied")
            raise Forbidden("您的角色无权查询人员")
        found: dict[str, PersonView] = {}
        for within in bounds:
            for p in self.reader.search_persons(
                name=query.name,
                id_number=query.id_number,
                phone=query.phone,
                address=query.address,
                within=within or None,
                limit=limit,
            ):
                # the bounds only narrow the query; each row must pass `allowed` itself
                if allowed(actor, action, self.person_resource(p)):
                    found.setdefault(p.person_id, p)
        return list(found.values())[:limit]

    def search_persons(
        self, viewer: Viewer, query: PersonQuery, limit: int = 20
    ) -> list[PersonSummary]:
        persons = self._find_persons(viewer, query, "person.search", limit)
        self.audit(
            viewer,
            "person.search",
            query.describe(MaskRules(False, False)),
            f"ok:{len(persons)}",
        )
        return [
            self._summary(viewer, p, MaskRules.for_viewer(viewer.actor, p.person_id))
            for p in persons
        ]

    def grid_residents(
        self, viewer: Viewer, grid_code: str, limit: int = 50
    ) -> list[PersonSummary]:
        """Persons living in one grid (the grid page's roster), scoped, masked, audited."""
        actor = viewer.actor
        if len(grid_code) != 15 or not allowed(
            actor, "person.search", self.division_resource(grid_code)
        ):
            return []
        persons = [
            p
            for p in self.reader.search_persons(within=grid_code, limit=limit)
            if allowed(actor, "person.search", self.person_resource(p))
        ]
        self.audit(viewer, "person.search", f"网格={grid_code}", f"ok:{len(persons)}")
        return [self._summary(viewer, p, MaskRules.for_viewer(actor, p.person_id)) for p in persons]

    def export_persons(
        self, viewer: Viewer, query: PersonQuery, limit: int = 5000
    ) -> list[PersonSummary]:
        """Search results for an Excel file: needs both search and export, masked alike."""
        actor = viewer.actor
        target = "人员查询结果 " + query.describe(MaskRules(False, False))
        if not within_codes(actor, "export", self.places.streets_of_station):
            self.audit(viewer, "export", target, "denied")
            raise Forbidden("您的角色无权导出")
        persons = [
            p
            for p in self._find_persons(viewer, query, "person.search", limit)
            if allowed(actor, "export", self.person_resource(p))
        ]
        self.audit(viewer, "export", target, f"ok:{len(persons)}")
        return [self._summary(viewer, p, MaskRules.for_viewer(actor, p.person_id)) for p in persons]

    def person(
        self, viewer: Viewer, person_id: str, unmask_reason: str | None = None
    ) -> PersonPublic:
        actor = viewer.actor
        p = self.reader.person(person_id)
        resource = self.person_resource(p) if p else Resource("person", person_id)
        if p is None or not allowed(actor, "person.view", resource):
            self.audit(viewer, "person.view", person_id, "denied" if p else "not_found")
            raise NotFound(NOT_FOUND)
        can_unmask = allowed(actor, "person.unmask", resource)
        unmasked = False
        if unmask_reason is not None:
            reason = unmask_reason.strip()
            if len(reason) < 2:
                raise BadRequest("查看完整信息必须填写事由")
            if not can_unmask:
                self.audit(viewer, "person.unmask", person_id, "denied", reason)
                raise Forbidden("您的角色无权查看完整身份证号和电话")
            self.audit(viewer, "person.unmask", person_id, "ok", reason)
            unmasked = True
        else:
            self.audit(viewer, "person.view", person_id, "ok")
        rules = MaskRules.for_viewer(actor, person_id, unmasked=unmasked)
        summary = self._summary(viewer, p, rules)
        houses: dict[str, HouseView | None] = {}  # looked up once per page
        hukou = self._house(p.hukou_house_code, houses) if p.hukou_house_code else None

        def attr(a: Any) -> AttributeSourcePublic:
            value = a.value
            if a.attribute in ("id_number",):
                value = rules.id_number_of(value) or ""
            elif a.attribute in ("phone", "phones"):
                value = rules.phone_of(value) or ""
            elif a.attribute == "name":
                value = rules.name_of(value) or ""
            return AttributeSourcePublic(
                attribute=a.attribute, value=value, source=a.source, why=a.why
            )

        return PersonPublic(
            **summary.model_dump(),
            birth_date=p.birth_date if rules.identifiers else None,
            sex=p.sex,
            hukou_address=hukou.address if hukou else None,
            unmasked=unmasked,
            can_unmask=can_unmask,
            sources=[attr(a) for a in p.sources],
            conflicts=[attr(a) for a in p.conflicts],
            mentions=p.mentions,
            relations=self._relations(viewer, person_id, houses),
            evidence=[
                EvidencePublic(
                    left=_sources([e.left])[0],
                    right=_sources([e.right])[0],
                    method=e.method,
                    match_probability=e.match_probability,
                    evidence=dict(e.evidence),
                )
                for e in self.reader.link_evidence(person_id)
            ],
        )

    # Relations ------------------------------------------------------------------------

    def _house(self, code: str, cache: dict[str, HouseView | None]) -> HouseView | None:
        if code not in cache:
            cache[code] = self.reader.house(code)
        return cache[code]

    def _relations(
        self,
        viewer: Viewer,
        entity_id: str,
        houses: dict[str, HouseView | None] | None = None,
    ) -> list[RelationPublic]:
        out: list[RelationPublic] = []
        relations: list[Relation] = self.reader.relations(entity_id)[:MAX_RELATIONS]
        for r in relations:
            other = r.right_id if r.left_id == entity_id else r.left_id
            out.append(self._relation(viewer, r, other, houses))
        return out

    def _relation(
        self,
        viewer: Viewer,
        r: Relation,
        other: str,
        houses: dict[str, HouseView | None] | None = None,
    ) -> RelationPublic:
        actor = viewer.actor
        kind, label, visible = "house", other, False
        if other.startswith("P"):
            kind = "person"
            p = self.reader.person(other)
            visible = p is not None and allowed(actor, "person.view", self.person_resource(p))
            rules = MaskRules.for_viewer(actor, other)
            label = (rules.name_of(p.name) or "") if p and visible else "（无权查看）"
        elif other.startswith("O"):
            kind = "organization"
            o = self.reader.organization(other)
            visible = o is not None and allowed(actor, "organization.view", self.org_resource(o))
            label = o.name if o and visible else "（无权查看）"
        else:
            h = self._house(other, houses if houses is not None else {})
            visible = h is not None and allowed(actor, "house.view", self.house_resource(h))
            label = h.address if h else other
        return RelationPublic(
            kind=r.kind,
            kind_label=RELATION_LABELS.get(r.kind, r.kind),
            other_kind=kind,
            other_id=other if visible else "",
            other_label=label,
            visible=visible,
            sources=_sources(r.provenance),
        )

    # Houses and organizations ---------------------------------------------------------

    def house(self, viewer: Viewer, house_code: str) -> HousePublic:
        h = self.reader.house(house_code)
        if h is None or not allowed(viewer.actor, "house.view", self.house_resource(h)):
            self.audit(viewer, "house.view", house_code, "denied" if h else "not_found")
            raise NotFound(NOT_FOUND)
        self.audit(viewer, "house.view", house_code, "ok")
        return HousePublic(
            house_code=h.house_code,
            address=h.address,
            use=h.use,
            area_m2=h.area_m2,
            status=h.status,
            grid_code=h.grid_code,
            grid_name=self.places.name(h.grid_code),
            relations=self._relations(viewer, house_code),
        )

    def organization(self, viewer: Viewer, org_id: str) -> OrganizationPublic:
        actor = viewer.actor
        o = self.reader.organization(org_id)
        if o is None or not allowed(actor, "organization.view", self.org_resource(o)):
            raise NotFound(NOT_FOUND)
        legal = self.reader.person(o.legal_rep_person_id) if o.legal_rep_person_id else None
        rules = MaskRules.for_viewer(actor, o.legal_rep_person_id)
        return OrganizationPublic(
            org_id=o.org_id,
            uscc=o.uscc,
            name=o.name,
            status=o.status,
            kind=o.kind,
            industry=o.industry,
            legal_rep=rules.name_of(legal.name) if legal else None,
            registered_house=o.registered_house,
            operating_house=o.operating_house,
            employees=o.employees,
            relations=self._relations(viewer, org_id),
        )

    def search_organizations(
        self, viewer: Viewer, name: str | None, uscc: str | None, limit: int = 20
    ) -> list[OrganizationSummary]:
        actor = viewer.actor
        if not name and not uscc:
            raise BadRequest("请输入单位名称或统一社会信用代码")
        bounds = within_codes(actor, "organization.search", self.places.streets_of_station)
        if not bounds:
            raise Forbidden("您的角色无权查询单位")
        found: dict[str, OrganizationView] = {}
        for within in bounds:
            for o in self.reader.search_organizations(
                name=name, uscc=uscc, within=within or None, limit=limit
            ):
                if allowed(actor, "organization.search", self.org_resource(o)):
                    found.setdefault(o.org_id, o)
        return [
            OrganizationSummary(
                org_id=o.org_id,
                uscc=o.uscc,
                name=o.name,
                status=o.status,
                industry=o.industry,
                registered_house=o.registered_house,
            )
            for o in list(found.values())[:limit]
        ]

    # Divisions and figures ------------------------------------------------------------

    def home_code(self, actor: Actor) -> str:
        """The division a dashboard opens on for this actor."""
        if actor.tree == "admin" and actor.unit_code:
            return actor.unit_code
        return "370203"

    def division(self, viewer: Viewer, code: str) -> DivisionPublic:
        actor = viewer.actor
        try:
            level = level_of(code)
        except ValueError as exc:
            raise NotFound(NOT_FOUND) from exc
        if not allowed(actor, "division.view", self.division_resource(code)):
            raise NotFound(NOT_FOUND)
        rollup = self.reader.rollup(code)
        station = None
        if level in ("community", "grid"):
            place = self.places.place(code)
            if place and len(place.police) > 1:
                station = self.places.name(place.police[1])
        return DivisionPublic(
            code=code,
            name=self.places.name(code),
            level=level,
            rollup=_rollup(rollup) if rollup else None,
            children=self.rollups(viewer, _child_level(level), code) if level != "grid" else [],
            station=station,
        )

    def rollups(self, viewer: Viewer, level: Level, within: str | None) -> list[RollupPublic]:
        actor = viewer.actor
        return [
            _rollup(r)
            for r in self.reader.rollups(level, within=within)
            if allowed(actor, "stats.view", self.division_resource(r.code))
        ]

    def geojson(
        self, viewer: Viewer, features: list[dict[str, Any]], within: str | None
    ) -> dict[str, Any]:
        actor = viewer.actor
        kept = [
            f
            for f in features
            if (not within or f["properties"]["code"].startswith(within))
            and allowed(actor, "stats.view", self.division_resource(f["properties"]["code"]))
        ]
        return {"type": "FeatureCollection", "features": kept}


def _child_level(level: Level) -> Level:
    order: list[Level] = ["district", "street", "community", "grid"]
    return order[min(order.index(level) + 1, 3)]


def _rollup(r: Rollup) -> RollupPublic:
    return RollupPublic(
        level=r.level,
        code=r.code,
        name=r.name,
        persons=r.persons,
        hukou_persons=r.hukou_persons,
        migrants=r.migrants,
        houses=r.houses,
        houses_owner_occupied=r.houses_owner_occupied,
        houses_rented=r.houses_rented,
        houses_vacant=r.houses_vacant,
        organizations=r.organizations,
    )
