"""Planted enterprise fund-raising risk (涉众型风险) in the reference district.

A few organizations are turned into illegal fund-raising schemes that collapse (爆雷) on
a known day in the second half of 2025. Over the year before, their feeds show what the
risk module looks for: a name and scope turned to wealth management or elderly care, a
move to an address shared with shell companies, a new legal representative who fronts
several companies, related companies deregistered, a registered capital of tens of
millions with a handful of insured employees, a hiring spike of sales staff, provident
fund in arrears, a missing annual report, then complaints (disputes naming the company)
and 110 calls at its door, which burst at the collapse.

Decoys look risky on one or two signals and are not: licensed investment advisers and
elderly-care homes (keywords in name and scope), incubators (many companies at one
address), and companies that restructure (several changes in a year).

Planting re-uses existing rows where the seed fixes the volumes: a planted 110 call or
dispute takes over a background event of the same year and category, so the yearly
figures the seed quotes do not move. The truth goes to `truth/risk_schemes.json`.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from shibei.gazetteer.model import House
from shibei.synth.events import FIRST_DAY, LAST_DAY, Events
from shibei.synth.organizations import INDUSTRIES, Distress, Organization, StatusChange
from shibei.synth.population import Population

ORGANIZATIONS_PER_SCHEME = 2_000
MIN_SCHEMES = 8
EVALUATION_DAY = date(2025, 7, 31)
"""Benchmarks score the watchlist as of this day: every planted scheme is still running
(they collapse from August to December 2025)."""
COLLAPSE_MONTHS = (8, 9, 10, 11, 12)
TRUTH_FILE = "risk_schemes.json"


@dataclass(frozen=True, slots=True)
class Pattern:
    word: str  # name word of the scheme after its rename
    industry: str
    scope: str


_DISCLAIMER = (
    "（未经金融监管部门批准，不得从事吸收存款、融资担保、代客理财、向社会公众集融资等金融业务）"
)
SCHEME_PATTERNS = (
    Pattern("财富管理", "金融业", "财富管理咨询、资产管理、投资咨询" + _DISCLAIMER),
    Pattern(
        "养老产业发展",
        "居民服务、修理和其他服务业",
        "养老服务、旅居养老项目策划、会员服务、健康咨询",
    ),
    Pattern("供应链管理", "租赁和商务服务业", "供应链管理服务、日用百货销售、会议及展览服务"),
    Pattern("投资管理", "金融业", "以自有资金从事投资活动、投资管理、企业管理咨询" + _DISCLAIMER),
    Pattern("健康科技", "卫生和社会工作", "养生保健服务、保健食品销售、健康咨询服务"),
    Pattern("文化艺术", "文化、体育和娱乐业", "艺术品销售、文化艺术交流活动策划、收藏品展览展示"),
    Pattern("金融信息服务", "金融业", "金融信息服务、接受金融机构委托从事信息技术外包服务"),
    Pattern("农业科技", "制造业", "农业技术开发、农产品种植与销售、生态农业项目投资"),
)
"""Two in three carry a tell-tale word; the rest (供应链, 文化艺术, 农业) have innocent
names, as many real schemes do."""

_ADVISER_WORDS = ("投资咨询", "财富管理", "资产管理")
_BRAND = "鑫华瑞恒泰达盛源海博宏昌利兴隆信诚德金汇嘉丰祥宇通润康乐福安晟鸿凯越辰永新正和顺发鼎"


def scheme_count(organizations: int) -> int:
    """About one scheme per 2,000 organizations, never fewer than eight."""
    return max(MIN_SCHEMES, round(organizations / ORGANIZATIONS_PER_SCHEME))


def _months_before(day: date, months: int) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, min(day.day, 28))


def _moment(rng: random.Random, first: date, last: date) -> datetime:
    first, last = max(first, FIRST_DAY), min(last, LAST_DAY)
    if last < first:
        last = first
    day = first + timedelta(days=rng.randint(0, (last - first).days))
    return datetime(day.year, day.month, day.day, rng.randint(8, 21), rng.randint(0, 59))


class _Planter:
    def __init__(
        self,
        rng: random.Random,
        population: Population,
        houses: list[House],
        organizations: list[Organization],
        events: Events,
        smart_houses: set[str],
    ) -> None:
        self.rng = rng
        self.orgs = organizations
        self.events = events
        self.smart = smart_houses
        self.persons = population.by_id()
        self.shops = [h for h in houses if h.use == "商铺"] or houses
        self.names = {o.name for o in organizations} | {
            c.old for o in organizations for c in o.changes if c.field == "名称"
        }
        persons = population.persons
        self.fronts = [p for p in persons if 22 <= p.age <= 70]
        self.jobless = [p for p in persons if p.employer_id is None and 20 <= p.age <= 55]
        rng.shuffle(self.jobless)
        pool = [
            o
            for o in organizations
            if o.kind in ("有限责任公司", "股份有限公司")
            and o.status == "存续"
            and not o.changes
            and o.established <= date(2023, 6, 30)
        ]
        rng.shuffle(pool)
        self.pool = pool
        self.used: set[str] = set()
        # donors: background events a planted one takes over (same year and category)
        self.incident_donors: dict[tuple[int, str], list[int]] = {}
        for i, e in enumerate(events.incidents):
            if not e.preventable:
                key = (e.time.year, "涉众" if e.subtype == "涉众型经济犯罪" else e.category)
                self.incident_donors.setdefault(key, []).append(i)
        self.dispute_donors: dict[int, list[int]] = {}
        with_org = [i for i, d in enumerate(events.disputes) if d.org_id and d.closed]
        others = [i for i, d in enumerate(events.disputes) if not d.org_id and d.closed]
        for i in with_org + others:  # disputes already naming a company first
            self.dispute_donors.setdefault(events.disputes[i].registered.year, []).append(i)
        for donors in (*self.incident_donors.values(), *self.dispute_donors.values()):
            donors.reverse()  # pop() from the end takes the preferred ones first

    # -- picking ------------------------------------------------------------------------

    def take(self, count: int, *, established_from: date | None = None) -> list[Organization]:
        found: list[Organization] = []
        for o in self.pool:
            if len(found) == count:
                break
            if o.id in self.used or (established_from and o.established < established_from):
                continue
            self.used.add(o.id)
            found.append(o)
        return found

    def hire(self, org: Organization, count: int, first: date, last: date) -> dict[str, date]:
        hired: dict[str, date] = {}
        for _ in range(count):
            if not self.jobless:
                break
            person = self.jobless.pop()
            person.employer_id = org.id
            org.employee_ids.append(person.id)
            hired[person.id] = _moment(self.rng, first, last).date()
        return hired

    def release(self, org: Organization) -> None:
        for person_id in org.employee_ids:
            self.persons[person_id].employer_id = None
        org.employee_ids = []

    def name(self, word: str) -> str:
        while True:
            candidate = f"青岛{''.join(self.rng.sample(_BRAND, 2))}{word}有限公司"
            if candidate not in self.names:
                self.names.add(candidate)
                return candidate

    def shop(self) -> House:
        return self.shops[self.rng.randrange(len(self.shops))]

    # -- events -------------------------------------------------------------------------

    def call_110(self, house: str, when: datetime, kind: str) -> bool:
        """A 110 call at `house` taking over a background call of the same year and
        category (`kind`: 经济纠纷, 诈骗 or 涉众型经济犯罪). False when none is left."""
        category = {"经济纠纷": "纠纷警情", "诈骗": "刑事警情"}.get(kind, "涉众")
        donors = self.incident_donors.get((when.year, category), [])
        if not donors:
            return False
        incident = self.events.incidents[donors.pop()]
        incident.time, incident.house_code = when, house
        incident.subtype = kind
        incident.on_street = self.rng.random() < 0.4
        incident.smart_compound = house in self.smart
        return True

    def complain(self, org: Organization, when: date) -> bool:
        """A dispute naming `org`, taking over a background dispute of the same year."""
        donors = self.dispute_donors.get(when.year, [])
        if not donors:
            return False
        dispute = self.events.disputes[donors.pop()]
        length = (dispute.closed - dispute.registered) if dispute.closed else timedelta(days=15)
        dispute.registered = when
        dispute.closed = min(when + length, LAST_DAY)
        if dispute.org_id is None:  # was between two residents: now one resident and org
            dispute.party_ids = dispute.party_ids[:1]
            dispute.kind = "合同纠纷"
        dispute.org_id = org.id
        return True


def plant_risk_schemes(
    rng: random.Random,
    population: Population,
    houses: list[House],
    organizations: list[Organization],
    events: Events,
    smart_houses: set[str],
) -> dict[str, Any]:
    """Turn some organizations into schemes and decoys; return the truth to write."""
    p = _Planter(rng, population, houses, organizations, events, smart_houses)
    count = scheme_count(len(organizations))
    chosen = p.take(count)
    schemes = [_scheme(p, org, i) for i, org in enumerate(chosen)]
    for org, record in zip(chosen, schemes, strict=True):
        _burst(p, org, record)
    decoys: list[dict[str, Any]] = []
    for org in p.take(max(1, count // 2)):
        decoys.append(_adviser(p, org))
    for org in p.take(max(1, count // 2)):
        decoys.append(_elderly_care(p, org))
    for _ in range(max(1, count // 4)):
        decoys.extend(_incubator(p))
    for org in p.take(max(1, count // 4), established_from=date(2010, 1, 1)):
        decoys.append(_restructured(p, org))
    events.incidents.sort(key=lambda e: e.time)
    for i, incident in enumerate(events.incidents):
        incident.id = f"J{i + 1:08d}"
    return {
        "version": 1,
        "evaluation_day": EVALUATION_DAY.isoformat(),
        "schemes": schemes,
        "decoys": decoys,
    }


def _record(org: Organization, **extra: Any) -> dict[str, Any]:
    return {"org_id": org.id, "uscc": org.uscc, "name": org.name, **extra}


def _scheme(p: _Planter, org: Organization, index: int) -> dict[str, Any]:
    rng = p.rng
    pattern = SCHEME_PATTERNS[index % len(SCHEME_PATTERNS)]
    collapse = date(2025, COLLAPSE_MONTHS[index % len(COLLAPSE_MONTHS)], rng.randint(3, 26))
    shared_address = index % 2 == 0
    controller = p.fronts[rng.randrange(len(p.fronts))]
    # a year before: the rename into finance or elderly care
    renamed = _months_before(collapse, rng.randint(11, 15))
    new_name = p.name(pattern.word)
    org.changes.append(StatusChange(renamed, "名称", org.name, new_name))
    org.name, org.industry, org.scope = new_name, pattern.industry, pattern.scope
    org.capital_10k = float(rng.choice((5000, 10000)))
    # then a move: onto an address shared with shells, or to a bigger shop
    moved = _months_before(collapse, rng.randint(7, 10))
    new_house = p.shop().code
    org.changes.append(StatusChange(moved, "住所", org.registered_house, new_house))
    org.registered_house = org.operating_house = new_house
    # then a front man as legal representative, who also fronts the shells
    fronted = _months_before(collapse, rng.randint(3, 6))
    org.changes.append(StatusChange(fronted, "法定代表人", org.legal_rep_id, controller.id))
    org.legal_rep_id = controller.id
    siblings = p.take(3)
    for n, sibling in enumerate(siblings):
        p.release(sibling)
        sibling.legal_rep_id = controller.id
        if shared_address:
            sibling.registered_house = sibling.operating_house = new_house
        if n < 2:  # shells wound up as the scheme grows
            day = _months_before(collapse, rng.randint(2, 9))
            sibling.changes.append(StatusChange(day, "状态", "存续", "注销"))
            sibling.status, sibling.deregistered_on = "注销", day
    # sales staff hired in the last months, provident fund unpaid, no annual report
    hired = p.hire(
        org, rng.randint(6, 14), collapse - timedelta(days=150), collapse - timedelta(days=20)
    )
    last_report = 2022 if index % 3 == 0 and org.established.year <= 2022 else 2023
    org.distress = Distress(
        hired_on=hired,
        arrears_from=collapse - timedelta(days=rng.randint(60, 110)),
        last_report_year=last_report,
    )
    # complaints and 110 calls: a trickle before (here), a burst at the collapse (`_burst`)
    calls = complaints = 0
    for _ in range(rng.randint(1, 2)):
        when = _moment(rng, collapse - timedelta(days=80), collapse - timedelta(days=5))
        calls += p.call_110(org.registered_house, when, "经济纠纷")
    for _ in range(rng.randint(1, 2)):
        when = _moment(rng, collapse - timedelta(days=120), collapse - timedelta(days=10))
        complaints += p.complain(org, when.date())
    return _record(
        org,
        collapse_on=collapse.isoformat(),
        collapse_month=collapse.strftime("%Y-%m"),
        pattern=pattern.word,
        shared_address=shared_address,
        sibling_ids=[s.id for s in siblings],
        sibling_usccs=[s.uscc for s in siblings],
        planted_110=calls,
        planted_disputes=complaints,
        hires=len(hired),
    )


def _burst(p: _Planter, org: Organization, record: dict[str, Any]) -> None:
    """The calls and complaints at the collapse (planted after every scheme's early ones,
    so that a small district running out of background events loses these first)."""
    rng, house = p.rng, org.registered_house
    collapse = date.fromisoformat(record["collapse_on"])
    for _ in range(rng.randint(4, 9)):
        when = _moment(rng, collapse, collapse + timedelta(days=60))
        kind = rng.choices(("经济纠纷", "诈骗", "涉众型经济犯罪"), (6, 3, 1))[0]
        planted = p.call_110(house, when, kind) or p.call_110(house, when, "经济纠纷")
        record["planted_110"] += planted
    for _ in range(rng.randint(3, 6)):
        when = _moment(rng, collapse, collapse + timedelta(days=60))
        record["planted_disputes"] += p.complain(org, when.date())


def _staff(p: _Planter, org: Organization, low: int, high: int) -> dict[str, date]:
    first = max(org.established, date(2015, 1, 1))
    return p.hire(org, p.rng.randint(low, high), first, date(2023, 12, 31))


def _adviser(p: _Planter, org: Organization) -> dict[str, Any]:
    org.name = p.name(p.rng.choice(_ADVISER_WORDS))
    org.industry = "金融业"
    org.scope = "投资咨询、财富管理咨询（不含证券、期货等许可业务）" + _DISCLAIMER
    org.capital_10k = float(p.rng.choice((1000, 2000, 5000)))
    org.distress = Distress(hired_on=_staff(p, org, 10, 16))
    return _record(org, decoy="investment_adviser")


def _elderly_care(p: _Planter, org: Organization) -> dict[str, Any]:
    org.name = p.name(p.rng.choice(("养老服务", "颐养中心", "康养服务")))
    org.industry = "居民服务、修理和其他服务业"
    org.scope = "养老服务、老年人养护服务、餐饮服务、健康咨询（不含诊疗服务）"
    org.distress = Distress(hired_on=_staff(p, org, 12, 20))
    for _ in range(p.rng.randint(1, 2)):  # families' complaints now and then
        p.complain(org, _moment(p.rng, FIRST_DAY, LAST_DAY).date())
    return _record(org, decoy="elderly_care")


def _incubator(p: _Planter) -> Iterable[dict[str, Any]]:
    members = p.take(6, established_from=date(2016, 1, 1))
    if not members:
        return []
    house = p.shop().code
    operator = members[0]
    operator.name = p.name("众创空间管理")
    operator.industry = "租赁和商务服务业"
    operator.scope = "众创空间经营管理、科技企业孵化服务、企业管理咨询"
    for member in members:
        member.registered_house = member.operating_house = house
    return [_record(m, decoy="incubator", house_code=house) for m in members]


def _restructured(p: _Planter, org: Organization) -> dict[str, Any]:
    rng = p.rng
    days = sorted(_moment(rng, date(2025, 1, 1), date(2025, 11, 30)).date() for _ in range(3))
    new_name = p.name(INDUSTRIES[org.industry][0][0])
    org.changes.append(StatusChange(days[0], "名称", org.name, new_name))
    org.name = new_name
    new_house = p.shop().code
    org.changes.append(StatusChange(days[1], "住所", org.registered_house, new_house))
    org.registered_house = org.operating_house = new_house
    new_rep = p.fronts[rng.randrange(len(p.fronts))]
    org.changes.append(StatusChange(days[2], "法定代表人", org.legal_rep_id, new_rep.id))
    org.legal_rep_id = new_rep.id
    return _record(org, decoy="frequent_changes")


def write_risk_truth(truth: dict[str, Any], truth_dir: Path) -> None:
    (truth_dir / TRUTH_FILE).write_text(
        json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8"
    )


def read_risk_truth(data_dir: Path) -> dict[str, Any]:
    """truth/risk_schemes.json of a generated district (benchmarks and tests only)."""
    loaded: dict[str, Any] = json.loads(
        (data_dir / "truth" / TRUTH_FILE).read_text(encoding="utf-8")
    )
    return loaded
