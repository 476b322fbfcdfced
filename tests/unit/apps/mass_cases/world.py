"""A small district for intake tests: two streets, three communities, six victims, a
scheme company (鑫盛投资管理), a decoy with a similar name (鑫盛餐饮管理) and a sister company
of the scheme's boss (恒达商贸, same legal representative)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from shibei.access import Actor, PlaceIndex, Role
from shibei.access.audit import AuditEntry, AuditRecord
from shibei.apps.mass_cases import (
    DraftInput,
    InMemoryMassCaseRepository,
    MassCaseService,
    SubmitResult,
    TransferInput,
)
from shibei.foundation.memory import InMemoryFoundationReader
from shibei.foundation.reader import HouseView, OrganizationView, PersonView, Provenance, Relation
from shibei.standardize.id_number import id_number_check_char
from shibei.standardize.uscc import organization_code_check_char, uscc_check_char

S1, S2 = "370203001", "370203002"
C1, C1B, C2 = "370203001001", "370203001002", "370203002001"
STATION1, STATION2 = "370203P01", "370203P02"
H1 = C1 + "001" + "0001010101"  # 鑫盛投资's office
H2 = C2 + "001" + "0001010101"
H3 = C2 + "001" + "0002010101"
ACCOUNT = "6222021600001234567"
ACCOUNT_DECOY = "6222021600001234568"  # one digit apart


def id_number(serial: int) -> str:
    first17 = f"37020319800101{serial:03d}"
    return first17 + id_number_check_char(first17)


def uscc(org_code: str) -> str:
    first17 = "91370203" + org_code + organization_code_check_char(org_code)
    return first17 + uscc_check_char(first17)


USCC1 = uscc("MA3C0001")
USCC2 = uscc("MA3C0002")
USCC3 = uscc("MA3C0003")


def _person(pid: str, name: str, serial: int, phone: str, community: str) -> PersonView:
    house = community + "001" + f"{serial:04d}010101"
    return PersonView(
        pid, name, id_number(serial), date(1980, 1, 1), "女", (phone,), house, house, False,
        f"{name}家", house[:15],
    )  # fmt: skip


VICTIMS = {
    "v1": _person("P0000000011", "刘桂芳", 11, "13800000011", C1),
    "v2": _person("P0000000012", "陈建国", 12, "13800000012", C1),
    "v3": _person("P0000000013", "赵秀英", 13, "13800000013", C1B),
    "v4": _person("P0000000014", "孙立华", 14, "13800000014", C2),
    "v5": _person("P0000000015", "周玉兰", 15, "13800000015", C2),
    "v6": _person("P0000000016", "吴德明", 16, "13800000016", C2),
}
BOSS = PersonView(
    "P0000000099", "王大成", id_number(99), None, "男", ("13999999999",), None, None, False, None,
    None,
)  # fmt: skip
OTHER_BOSS = PersonView(
    "P0000000098", "李小二", id_number(98), None, "男", (), None, None, False, None, None
)


def _org(oid: str, name: str, code: str, boss: str, house: str) -> OrganizationView:
    return OrganizationView(oid, code, name, "存续", "有限责任公司", "金融", boss, house, house, 3)


ORGS = [
    _org("O0000000001", "青岛鑫盛投资管理有限公司", USCC1, BOSS.person_id, H1),
    _org("O0000000002", "青岛鑫盛餐饮管理有限公司", USCC2, OTHER_BOSS.person_id, H2),
    _org("O0000000003", "青岛恒达商贸有限公司", USCC3, BOSS.person_id, H3),
]


def _house(code: str) -> HouseView:
    return HouseView(code, f"示例路{code[-6:]}号", "商铺", 60.0, "出租", None, None, (), code[:15],
                     36.08, 120.37)  # fmt: skip


def reader() -> InMemoryFoundationReader:
    prov = (Provenance("company_registry", "b1", 1),)
    relations = [
        Relation("legal_rep", BOSS.person_id, "O0000000001", prov),
        Relation("legal_rep", BOSS.person_id, "O0000000003", prov),
        Relation("legal_rep", OTHER_BOSS.person_id, "O0000000002", prov),
    ] + [Relation("registered", o.org_id, o.registered_house or "", prov) for o in ORGS]
    return InMemoryFoundationReader(
        [*VICTIMS.values(), BOSS, OTHER_BOSS],
        [_house(h) for h in (H1, H2, H3)],
        ORGS,
        relations,
    )


def places() -> PlaceIndex:
    names = {
        "370203": "市北区",
        S1: "台东街道",
        S2: "辽宁路街道",
        C1: "台东一社区",
        C1B: "台东二社区",
        C2: "辽宁路一社区",
    }
    return PlaceIndex({C1: STATION1, C1B: STATION1, C2: STATION2}, names)


@dataclass(frozen=True)
class Who:
    actor: Actor
    ip: str = "127.0.0.1"


def resident(key: str) -> Who:
    p = VICTIMS[key]
    return Who(Actor(int(p.person_id[-2:]), key, Role.RESIDENT, "", p.person_id))


OFFICIALS = {
    "admin": Actor(100, "admin", Role.DISTRICT_ADMIN, "370203"),
    "street1": Actor(101, "street1", Role.STREET_STAFF, S1),
    "street2": Actor(102, "street2", Role.STREET_STAFF, S2),
    "police1": Actor(103, "police1", Role.STATION_POLICE, STATION1),
    "police2": Actor(104, "police2", Role.STATION_POLICE, STATION2),
    "community": Actor(105, "community", Role.COMMUNITY_WORKER, C1),
    "grid": Actor(106, "grid", Role.GRID_WORKER, C1 + "001"),
    "mediator": Actor(107, "mediator", Role.MEDIATOR, S1),
    "brigade": Actor(108, "brigade", Role.POPULATION_BRIGADE, "370203P90"),
}


def official(key: str) -> Who:
    return Who(OFFICIALS[key])


@dataclass
class FakeAudit:
    records: list[AuditRecord] = field(default_factory=list)

    def append_audit(self, record: AuditRecord) -> AuditEntry:
        self.records.append(record)
        return AuditEntry(len(self.records), record, "", "")


@dataclass
class Clock:
    now: datetime = datetime(2025, 12, 1, 9, 0)

    def __call__(self) -> datetime:
        return self.now

    def tick(self, minutes: float) -> None:
        self.now += timedelta(minutes=minutes)


@dataclass
class Intake:
    service: MassCaseService
    repo: InMemoryMassCaseRepository
    audit: FakeAudit
    clock: Clock


def intake() -> Intake:
    repo = InMemoryMassCaseRepository()
    audit = FakeAudit()
    clock = Clock()
    service = MassCaseService(repo, reader(), places(), audit, clock=clock)
    return Intake(service, repo, audit, clock)


def form(
    key: str,
    *,
    organization: str = "",
    uscc: str = "",
    account: str = "",
    platform: str = "",
    phones: str = "",
    amount: str = "50000",
    method: str = "bank",
) -> DraftInput:
    p = VICTIMS[key]
    transfers = [
        TransferInput(
            "2025-10-08",
            amount,
            method,
            "王大成",
            account or ("" if method != "bank" else "6217000000000000" + p.person_id[-3:]),
            platform if method == "platform" else "中国银行",
        )
    ]
    return DraftInput(
        name=p.name,
        id_number=p.id_number or "",
        phone=p.phones[0],
        community_code=(p.house_code or "")[:12],
        organization=organization,
        uscc=uscc,
        platform=platform,
        suspect_phones=phones,
        story="参加理财推介会后投资，到期无法兑付",
        transfers=transfers,
    )


def report(case: Intake, key: str, data: DraftInput, minutes: float = 5) -> SubmitResult:
    who = resident(key)
    case.service.draft(who)
    case.clock.tick(minutes)
    case.service.save_draft(who, data)
    case.clock.tick(1)
    return case.service.submit(who)
