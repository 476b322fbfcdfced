"""Synthetic events over 2024-01-01 … 2025-12-31: 110 incidents, disputes, service
requests, smart-compound access control.

Year-over-year changes follow what the seed reports for 2025 against 2024, so the
year-end review computes them from data: criminal incidents −51.4%, public-order
incidents −8.9%, dispute reports −7.87%, preventable cases in smart-security compounds
−43.7%, mass economic cases −23.4%; 4,640 disputes mediated in 2025, all successfully.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from shibei.synth.population import Person, Population

FIRST_DAY = date(2024, 1, 1)
LAST_DAY = date(2025, 12, 31)

# 110 incidents at scale 1.0 in 2024, and the 2025 factor: category → (2024, factor).
INCIDENT_VOLUMES: dict[str, tuple[int, float]] = {
    "刑事警情": (4_000, 1 - 0.514),
    "治安警情": (18_000, 1 - 0.089),
    "纠纷警情": (22_000, 1 - 0.0787),
    "求助警情": (12_000, 1.02),
    "交通警情": (9_000, 0.98),
    "其他警情": (5_000, 1.0),
}
INCIDENT_SUBTYPES: dict[str, tuple[str, ...]] = {
    "刑事警情": ("盗窃", "诈骗", "故意伤害", "抢夺", "涉众型经济犯罪"),
    "治安警情": ("殴打他人", "扰乱秩序", "赌博", "噪音扰民"),
    "纠纷警情": ("邻里纠纷", "家庭纠纷", "经济纠纷", "物业纠纷", "劳资纠纷"),
    "求助警情": ("走失求助", "开锁求助", "困难求助"),
    "交通警情": ("交通事故", "交通拥堵"),
    "其他警情": ("咨询", "举报", "误报"),
}
PREVENTABLE_IN_SMART_COMPOUNDS_2024 = 2_400
"""Preventable cases (入室盗窃, 盗窃电动车/自行车) in the smart-security compounds, 2024."""
PREVENTABLE_FACTOR_2025 = 1 - 0.437
MASS_ECONOMIC_2024 = 120
MASS_ECONOMIC_FACTOR_2025 = 1 - 0.234
DISPUTES_MEDIATED = {2024: 4_300, 2025: 4_640}
SERVICE_REQUESTS = {2024: 25_000, 2025: 27_000}
ACCESS_EVENTS_PER_RESIDENT = 3.0
"""Mean access-control passages recorded per resident of a smart compound (a sample:
the real devices log far more; the feed carries a sample of the log)."""

DISPUTE_KINDS = ("邻里纠纷", "婚姻家庭纠纷", "物业纠纷", "劳动争议", "合同纠纷", "涉企纠纷")
MEDIATORS = ("社区人民调解委员会", "街道人民调解委员会", "政法驿站", "商会调解室", "派出所调解室")
SERVICE_CATEGORIES = (
    "市容环境",
    "物业管理",
    "供暖供气",
    "交通出行",
    "社会保障",
    "户籍办理",
    "噪音",
)


@dataclass(slots=True)
class Incident:
    """A 110 call (警情)."""

    id: str
    time: datetime
    category: str
    subtype: str
    house_code: str  # where it happened (the nearest house when on the street)
    on_street: bool  # True: at a door number on the road, not inside the house
    reporter_id: str | None
    reporter_phone: str
    preventable: bool
    smart_compound: bool


@dataclass(slots=True)
class Dispute:
    id: str
    registered: date
    kind: str
    party_ids: list[str]
    org_id: str | None
    house_code: str
    mediator: str
    result: str  # 调解成功 | 调解不成功 | 调解中
    closed: date | None


@dataclass(slots=True)
class ServiceRequest:
    id: str
    time: datetime
    person_id: str
    phone: str
    house_code: str
    category: str
    status: str


@dataclass(slots=True)
class AccessEvent:
    id: str
    time: datetime
    compound_code: str
    person_id: str | None  # None: a visitor not living there
    house_code: str | None
    direction: str  # 进 | 出
    method: str  # 人脸 | 门禁卡 | 二维码


@dataclass(slots=True)
class Events:
    incidents: list[Incident] = field(default_factory=list)
    disputes: list[Dispute] = field(default_factory=list)
    service_requests: list[ServiceRequest] = field(default_factory=list)
    access: list[AccessEvent] = field(default_factory=list)


def _count(base: float, scale: float) -> int:
    return max(1, round(base * scale))


def _moment(rng: random.Random, year: int) -> datetime:
    start = datetime(year, 1, 1)
    seconds = (datetime(year + 1, 1, 1) - start).total_seconds()
    return start + timedelta(seconds=rng.randrange(int(seconds)))


def build_events(
    rng: random.Random,
    population: Population,
    smart_compound_of_house: dict[str, str],
    org_ids: list[str],
    scale: float,
) -> Events:
    """All events; `smart_compound_of_house` maps a house code to its smart compound."""
    persons = population.persons
    adults = [p for p in persons if p.age >= 18]
    houses = [h.house_code for h in population.households] + population.vacant_house_codes
    smart_houses = sorted(smart_compound_of_house)
    events = Events()
    _incidents(rng, events, adults, houses, smart_houses, scale)
    _disputes(rng, events, adults, org_ids, scale)
    _service_requests(rng, events, adults, scale)
    _access(rng, events, persons, smart_compound_of_house, scale)
    return events


def _incidents(
    rng: random.Random,
    events: Events,
    adults: list[Person],
    houses: list[str],
    smart_houses: list[str],
    scale: float,
) -> None:
    def add(year: int, category: str, subtype: str, house: str, preventable: bool) -> None:
        reporter = adults[rng.randrange(len(adults))] if rng.random() < 0.8 else None
        phone = reporter.phones[0] if reporter and reporter.phones else _caller_phone(rng)
        events.incidents.append(
            Incident(
                id=f"J{len(events.incidents) + 1:08d}",
                time=_moment(rng, year),
                category=category,
                subtype=subtype,
                house_code=house,
                on_street=category in ("交通警情", "治安警情") or rng.random() < 0.3,
                reporter_id=reporter.id if reporter else None,
                reporter_phone=phone,
                preventable=preventable,
                smart_compound=house in smart_set,
            )
        )

    smart_set = set(smart_houses)
    for category, (base, factor) in INCIDENT_VOLUMES.items():
        subtypes = tuple(s for s in INCIDENT_SUBTYPES[category] if s != "涉众型经济犯罪")
        for year, volume in ((2024, base), (2025, base * factor)):
            for _ in range(_count(volume, scale)):
                house = houses[rng.randrange(len(houses))]
                if house in smart_set:  # counted in the preventable stream below
                    house = houses[rng.randrange(len(houses))]
                add(year, category, rng.choice(subtypes), house, preventable=False)
    if smart_houses:
        for year, volume in (
            (2024, PREVENTABLE_IN_SMART_COMPOUNDS_2024),
            (2025, PREVENTABLE_IN_SMART_COMPOUNDS_2024 * PREVENTABLE_FACTOR_2025),
        ):
            for _ in range(_count(volume, scale)):
                house = smart_houses[rng.randrange(len(smart_houses))]
                add(year, "刑事警情", "盗窃", house, preventable=True)
    for year, volume in (
        (2024, MASS_ECONOMIC_2024),
        (2025, MASS_ECONOMIC_2024 * MASS_ECONOMIC_FACTOR_2025),
    ):
        for _ in range(_count(volume, scale)):
            house = houses[rng.randrange(len(houses))]
            add(year, "刑事警情", "涉众型经济犯罪", house, preventable=False)
    events.incidents.sort(key=lambda e: e.time)
    for i, incident in enumerate(events.incidents):
        incident.id = f"J{i + 1:08d}"


def _caller_phone(rng: random.Random) -> str:
    return f"1{rng.choice('3578')}{rng.randint(0, 999_999_999):09d}"


def _disputes(
    rng: random.Random, events: Events, adults: list[Person], org_ids: list[str], scale: float
) -> None:
    for year, volume in DISPUTES_MEDIATED.items():
        for _ in range(_count(volume, scale)):
            first = adults[rng.randrange(len(adults))]
            kind = rng.choice(DISPUTE_KINDS)
            parties = [first.id]
            org_id = None
            if kind in ("劳动争议", "合同纠纷", "涉企纠纷") and org_ids:
                org_id = org_ids[rng.randrange(len(org_ids))]
            else:
                parties.append(adults[rng.randrange(len(adults))].id)
            registered = _moment(rng, year).date()
            closed = registered + timedelta(days=rng.randint(1, 30))
            open_case = closed > LAST_DAY
            mediator = "商会调解室" if kind == "涉企纠纷" else rng.choice(MEDIATORS)
            success = year == 2025 or rng.random() < 0.96
            events.disputes.append(
                Dispute(
                    id=f"T{len(events.disputes) + 1:07d}",
                    registered=registered,
                    kind=kind,
                    party_ids=parties,
                    org_id=org_id,
                    house_code=first.house_code,
                    mediator=mediator,
                    result="调解中" if open_case else ("调解成功" if success else "调解不成功"),
                    closed=None if open_case else closed,
                )
            )


def _service_requests(
    rng: random.Random, events: Events, adults: list[Person], scale: float
) -> None:
    for year, volume in SERVICE_REQUESTS.items():
        for _ in range(_count(volume, scale)):
            person = adults[rng.randrange(len(adults))]
            events.service_requests.append(
                ServiceRequest(
                    id=f"S{len(events.service_requests) + 1:08d}",
                    time=_moment(rng, year),
                    person_id=person.id,
                    phone=person.phones[0] if person.phones else _caller_phone(rng),
                    house_code=person.house_code,
                    category=rng.choice(SERVICE_CATEGORIES),
                    status="已办结" if rng.random() < 0.97 else "办理中",
                )
            )


def _access(
    rng: random.Random,
    events: Events,
    persons: list[Person],
    smart_compound_of_house: dict[str, str],
    scale: float,
) -> None:
    compounds = sorted(set(smart_compound_of_house.values()))
    if not compounds:
        return
    for person in persons:
        compound = smart_compound_of_house.get(person.house_code)
        if compound is None or person.age < 10:
            continue
        for _ in range(_poisson(rng, ACCESS_EVENTS_PER_RESIDENT)):
            events.access.append(_passage(rng, compound, person.id, person.house_code))
    visitors = max(1, len(events.access) // 10)
    for _ in range(visitors):
        events.access.append(_passage(rng, compounds[rng.randrange(len(compounds))], None, None))
    events.access.sort(key=lambda e: e.time)
    for i, event in enumerate(events.access):
        event.id = f"A{i + 1:09d}"


def _passage(
    rng: random.Random, compound: str, person_id: str | None, house: str | None
) -> AccessEvent:
    return AccessEvent(
        id="",
        time=_moment(rng, rng.choice((2024, 2025))),
        compound_code=compound,
        person_id=person_id,
        house_code=house,
        direction=rng.choice(("进", "出")),
        method=("人脸" if rng.random() < 0.7 else "门禁卡") if person_id else "二维码",
    )


def _poisson(rng: random.Random, mean: float) -> int:
    # Knuth's method; the mean is small.
    limit, k, p = pow(2.718281828459045, -mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1
