"""The departmental feeds of the reference district, each in its department's own
columns, format and level. One function per feed; `build_feeds` runs them all."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from shibei.gazetteer import Gazetteer
from shibei.gazetteer.facilities import ATTRIBUTE_LABELS, FACILITY_LABELS, FacilityKind
from shibei.synth.events import Events
from shibei.synth.feed_builder import Feed, FeedBuilder, TruthRow
from shibei.synth.feed_specs import SPECS
from shibei.synth.noise_config import FieldGroup, NoiseConfig
from shibei.synth.organizations import Organization
from shibei.synth.population import Person, Population
from shibei.synth.regions import region_name
from shibei.synth.rosters import Rosters


@dataclass(slots=True)
class World:
    """Everything the feeds describe: the truth behind them."""

    gazetteer: Gazetteer
    population: Population
    organizations: list[Organization]
    events: Events
    rosters: Rosters
    risk: dict[str, Any] = field(default_factory=dict)  # planted schemes (risk_schemes.py)


_YES_NO = {"true": "是", "false": "否"}


def _ymd(day: date) -> str:
    return day.strftime("%Y%m%d")


def _iso(day: date) -> str:
    return day.isoformat()


def _slash(day: date) -> str:
    return f"{day.year}/{day.month}/{day.day}"


def _cn(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


class _Context:
    def __init__(self, world: World, noise: NoiseConfig, rng: random.Random) -> None:
        self.world = world
        self.noise = noise
        self.rng = rng
        self.gaz = world.gazetteer
        self.persons = world.population.by_id()
        self.orgs = {o.id: o for o in world.organizations}
        self.heads = {h.id: h.member_ids[0] for h in world.population.households}
        doors: dict[str, list[str]] = {}
        for building in self.gaz.buildings:
            road = self.gaz.road(building.road_code).name
            doors.setdefault(building.grid_code[:12], []).append(f"{road}{building.door_number}号")
        self.doors = {k: sorted(set(v)) for k, v in doors.items()}

    def builder(self, name: str) -> FeedBuilder:
        return FeedBuilder(SPECS[name], self.noise.feed(name), self.rng, self.gaz.address)

    def street_name(self, house_code: str) -> str:
        return self.gaz.street(house_code[:9]).name


def _phone(person: Person) -> str:
    return person.phones[-1 if len(person.phones) > 1 else 0] if person.phones else ""


def police_household_registry(c: _Context) -> Feed:
    b = c.builder("police_household_registry")
    for p in c.world.population.persons:
        if not p.hukou or p.hukou_house_code is None:
            continue
        b.add(
            {
                "户号": p.household_id.replace("H", "3702030"),
                "姓名": p.name,
                "性别": p.sex,
                "民族": p.ethnicity,
                "出生日期": _ymd(p.birth),
                "公民身份号码": p.id_number,
                "与户主关系": p.relation,
                "文化程度": p.education,
                "登记日期": _ymd(min(p.birth, date(2010, 1, 1))),
            },
            TruthRow(0, person_id=p.id),
            noisy={"姓名": "name", "公民身份号码": "id_number"},
            address=("户籍地址", p.hukou_house_code),
        )
    return b.finish()


def migrant_registration(c: _Context) -> Feed:
    b = c.builder("migrant_registration")
    rng = c.rng
    for p in c.world.population.persons:
        if p.hukou or p.age < 16:
            continue
        registered = date(2024, 1, 1) if p.moved_on is None else p.moved_on
        b.add(
            {
                "所属街道": c.street_name(p.house_code),
                "姓名": p.name,
                "性别": p.sex,
                "身份证号": p.id_number,
                "户籍地址": region_name(p.origin_region),
                "联系电话": _phone(p),
                "登记日期": _slash(registered),
                "居住事由": rng.choice(("务工", "务工", "经商", "投靠亲友", "就学")),
                "住所类型": rng.choice(("租赁房屋", "租赁房屋", "自购房屋", "单位内部")),
            },
            TruthRow(0, person_id=p.id),
            noisy={"姓名": "name", "身份证号": "id_number", "联系电话": "phone"},
            address=("现住址", p.house_code),
            stale_house=p.previous_house_code,
            blankable=("联系电话", "身份证号"),
        )
    return b.finish()


def social_security(c: _Context) -> Feed:
    b = c.builder("social_security")
    rng = c.rng
    for p in c.world.population.persons:
        if p.employer_id is None:
            continue
        org = c.orgs[p.employer_id]
        first = max(org.established, date(p.birth.year + 18, 7, 1))
        if org.distress is not None:  # planted hiring (synth/risk_schemes.py)
            first = org.distress.hired_on.get(p.id, first)
        b.add(
            {
                "个人编号": f"37020{int(p.id[1:]):09d}",
                "姓名": p.name,
                "公民身份号码": p.id_number,
                "性别": p.sex,
                "单位名称": org.name,
                "统一社会信用代码": org.uscc,
                "险种": "企业职工基本养老保险",
                "参保状态": "参保缴费" if rng.random() < 0.95 else "暂停缴费",
                "首次参保日期": _iso(first),
                "联系电话": _phone(p),
            },
            TruthRow(0, person_id=p.id, org_id=org.id),
            noisy={"姓名": "name", "公民身份号码": "id_number", "联系电话": "phone"},
            address=("联系地址", p.house_code),
            stale_house=p.previous_house_code,
            blankable=("联系电话", "联系地址"),
        )
    return b.finish()


def housing_provident_fund(c: _Context) -> Feed:
    b = c.builder("housing_provident_fund")
    rng = c.rng
    for p in c.world.population.persons:
        if p.employer_id is None or rng.random() > 0.6:
            continue
        org = c.orgs[p.employer_id]
        base = rng.choice((3000, 4500, 6000, 8000))
        status = "正常" if rng.random() < 0.9 else rng.choice(("封存", "欠缴"))
        updated = datetime(2025, rng.randint(1, 12), rng.randint(1, 28))
        if org.distress is not None and org.distress.arrears_from is not None:
            arrears = org.distress.arrears_from + timedelta(days=updated.day)
            status, updated = "欠缴", datetime(arrears.year, arrears.month, arrears.day, 9)
        b.add(
            {
                "grzh": f"{int(p.id[1:]) * 7 + 100000000:012d}",
                "xm": p.name,
                "zjhm": p.id_number,
                "dwmc": org.name,
                "dwtyshxydm": org.uscc,
                "jcjs": base,
                "zhzt": status,
                "sjhm": _phone(p),
                "gxsj": _time(updated),
            },
            TruthRow(0, person_id=p.id, org_id=org.id),
            noisy={"xm": "name", "zjhm": "id_number", "sjhm": "phone"},
            address=("lxdz", p.house_code),
            stale_house=p.previous_house_code,
            blankable=("sjhm", "lxdz"),
        )
    return b.finish()


def company_registry(c: _Context) -> Feed:
    b = c.builder("company_registry")
    for o in c.world.organizations:
        rep = c.persons[o.legal_rep_id]
        approved = max([o.established, *(ch.day for ch in o.changes)])
        b.add(
            {
                "统一社会信用代码": o.uscc,
                "企业名称": o.name,
                "企业类型": o.kind,
                "法定代表人": rep.name,
                "法定代表人证件号码": rep.id_number,
                "注册资本(万元)": f"{o.capital_10k:.1f}",
                "成立日期": _iso(o.established),
                "登记状态": "存续（在营、开业、在册）" if o.status == "存续" else "注销",
                "经营范围": o.scope,
                "所属行业": o.industry,
                "核准日期": _iso(approved),
                "联系电话": o.phone,
            },
            TruthRow(0, person_id=rep.id, org_id=o.id),
            noisy={"法定代表人": "name", "法定代表人证件号码": "id_number"},
            address=("住所", o.registered_house),
        )
    return b.finish()


def company_changes(c: _Context) -> Feed:
    b = c.builder("company_changes")
    for o in c.world.organizations:
        for ch in o.changes:
            old, new = ch.old, ch.new
            if ch.field == "住所":
                old, new = c.gaz.address(old).text, c.gaz.address(new).text
            elif ch.field == "法定代表人":
                old, new = c.persons[old].name, c.persons[new].name
            b.add(
                {
                    "统一社会信用代码": o.uscc,
                    "企业名称": o.name,
                    "变更日期": _cn(ch.day),
                    "变更事项": ch.field,
                    "变更前内容": old,
                    "变更后内容": new,
                },
                TruthRow(0, org_id=o.id),
            )
    return b.finish()


def company_annual_reports(c: _Context) -> Feed:
    b = c.builder("company_annual_reports")
    rng = c.rng
    for o in c.world.organizations:
        if o.kind in ("个体工商户", "事业单位"):
            continue
        for year in (2023, 2024):
            if o.established.year > year or rng.random() < 0.12:
                continue  # not yet founded, or the report is missing
            if o.distress and year > (o.distress.last_report_year or year):
                continue  # a planted scheme stops reporting
            if o.deregistered_on is not None and o.deregistered_on.year <= year + 1:
                continue
            staff = len(o.employee_ids)
            b.add(
                {
                    "统一社会信用代码": o.uscc,
                    "企业名称": o.name,
                    "报告年度": year,
                    "联系电话": o.phone,
                    "从业人数": max(staff, staff + rng.randint(-2, 5)),
                    "参保人数": staff,
                    "营业总收入(万元)": round(rng.lognormvariate(5, 1.5), 2),
                    "报送日期": _iso(date(year + 1, rng.randint(1, 6), rng.randint(1, 28))),
                },
                TruthRow(0, org_id=o.id),
                noisy={"联系电话": "phone"},
                address=("通信地址", o.registered_house),
                blankable=("联系电话", "通信地址"),
            )
    return b.finish()


def property_registry(c: _Context) -> Feed:
    b = c.builder("property_registry")
    rng = c.rng
    owners: dict[str, str] = {}
    for h in c.world.population.households:
        if h.owner_id is not None:
            owners.setdefault(h.previous_house_code or h.house_code, h.owner_id)
            owners.setdefault(h.house_code, h.owner_id)
    org_shops = {o.registered_house: o for o in c.world.organizations if o.kind != "个体工商户"}
    adults = [p for p in c.world.population.persons if p.age >= 30]
    for house in c.gaz.houses:
        org = org_shops.get(house.code) if house.use == "商铺" else None
        if org is not None:
            holder, kind, number, truth = (
                org.name,
                "统一社会信用代码",
                org.uscc,
                TruthRow(0, org_id=org.id),
            )
            noisy: dict[str, FieldGroup] = {}
        else:
            owner = c.persons.get(owners.get(house.code, "")) or adults[rng.randrange(len(adults))]
            holder, kind, number = owner.name, "居民身份证", owner.id_number
            truth = TruthRow(0, person_id=owner.id)
            noisy = {"权利人": "name", "证件号码": "id_number"}
        b.add(
            {
                "不动产单元号": f"{house.code[:12]}GB{house.code[15:19]}F{house.code[19:]}",
                "权利人": holder,
                "证件种类": kind,
                "证件号码": number,
                "建筑面积": house.area_m2,
                "规划用途": "成套住宅" if house.use == "住宅" else "商业",
                "登记时间": _time(
                    datetime(rng.randint(1998, 2025), rng.randint(1, 12), rng.randint(1, 28))
                ),
            },
            truth,
            noisy=noisy,
            address=("坐落", house.code),
        )
    return b.finish()


def grid_surveys(c: _Context) -> Feed:
    b = c.builder("grid_surveys")
    rng = c.rng
    workers = c.world.rosters.grid_workers_by_grid()
    for p in c.world.population.persons:
        if rng.random() > 0.3:
            continue
        grid = p.house_code[:15]
        worker = rng.choice(workers[grid]) if workers.get(grid) else None
        household = p.household_id
        b.add(
            {
                "所属街道": c.street_name(p.house_code),
                "网格编号": grid,
                "网格员": worker.name if worker else "",
                "采集时间": _slash(
                    date(rng.choice((2024, 2025)), rng.randint(1, 12), rng.randint(1, 28))
                ),
                "姓名": p.name,
                "证件号码": p.id_number,
                "联系电话": _phone(p) or _phone(c.persons[c.heads[household]]),
                "人员类别": "户籍人口" if p.hukou else "流动人口",
                "居住情况": "自住" if p.hukou else "租住",
            },
            TruthRow(0, person_id=p.id),
            noisy={"姓名": "name", "证件号码": "id_number", "联系电话": "phone"},
            address=("居住地址", p.house_code),
            blankable=("证件号码", "联系电话"),
        )
    return b.finish()


def access_control(c: _Context) -> Feed:
    b = c.builder("access_control")
    gaz = c.gaz
    for e in c.world.events.access:
        compound = gaz.compound(e.compound_code)
        person = c.persons[e.person_id] if e.person_id else None
        room = ""
        truth = TruthRow(0, person_id=e.person_id, event_id=e.id)
        if e.house_code:
            house = gaz.house(e.house_code)
            building = gaz.building(house.building_code)
            room = f"{building.number}-{house.unit}-{house.room}"
            truth.house_code = e.house_code
        b.add(
            {
                "记录编号": e.id,
                "小区名称": compound.name,
                "通行时间": _time(e.time),
                "方向": e.direction,
                "通行方式": e.method,
                "人员姓名": person.name if person else "",
                "手机号": _phone(person) if person else "",
                "房号": room,
            },
            truth,
            noisy={"人员姓名": "name", "手机号": "phone"},
            blankable=("人员姓名", "手机号"),
        )
    return b.finish()


def incidents_110(c: _Context) -> Feed:
    b = c.builder("incidents_110")
    rng = c.rng
    for e in c.world.events.incidents:
        reporter = c.persons[e.reporter_id] if e.reporter_id else None
        station = c.gaz.station_of(e.house_code[:12])
        values = {
            "接警单编号": e.id,
            "报警时间": _time(e.time),
            "警情类别": e.category,
            "警情细类": e.subtype,
            "报警人": reporter.name if reporter else "",
            "报警电话": e.reporter_phone,
            "管辖单位": station.name,
            "处警结果": rng.choice(("已处置", "已处置", "移交相关部门", "调解处理", "立案侦查")),
        }
        truth = TruthRow(0, person_id=e.reporter_id, event_id=e.id)
        if e.on_street:
            building = c.gaz.building(e.house_code[:19])
            values["发案地址"] = (
                f"{c.gaz.road(building.road_code).name}{building.door_number}号附近"
            )
            b.add(
                values, truth, noisy={"报警人": "name", "报警电话": "phone"}, blankable=("报警人",)
            )
        else:
            b.add(
                values,
                truth,
                noisy={"报警人": "name", "报警电话": "phone"},
                address=("发案地址", e.house_code),
                blankable=("报警人",),
            )
    return b.finish()


def disputes(c: _Context) -> Feed:
    b = c.builder("disputes")
    for d in c.world.events.disputes:
        parties = [c.persons[i] for i in d.party_ids]
        org = c.orgs[d.org_id] if d.org_id else None
        b.add(
            {
                "案件编号": d.id,
                "登记日期": _iso(d.registered),
                "纠纷类型": d.kind,
                "当事人": [
                    {"姓名": p.name, "身份证号": p.id_number, "电话": _phone(p)} for p in parties
                ],
                "涉及单位": org.name if org else "",
                "调解组织": d.mediator,
                "调解结果": d.result,
                "结案日期": _iso(d.closed) if d.closed else "",
            },
            TruthRow(
                0,
                person_id=d.party_ids[0],
                other_person_ids=d.party_ids[1:],
                org_id=d.org_id,
                event_id=d.id,
            ),
            address=("发生地址", d.house_code),
            blankable=("发生地址",),
        )
    return b.finish()


def service_requests(c: _Context) -> Feed:
    b = c.builder("service_requests")
    for s in c.world.events.service_requests:
        b.add(
            {
                "gdbh": s.id,
                "slsj": _time(s.time),
                "sqr": c.persons[s.person_id].name,
                "lxdh": s.phone,
                "sqlb": s.category,
                "bjzt": s.status,
            },
            TruthRow(0, person_id=s.person_id, event_id=s.id),
            noisy={"sqr": "name", "lxdh": "phone"},
            address=("sqdz", s.house_code),
            blankable=("sqr", "sqdz"),
        )
    return b.finish()


def facilities(c: _Context) -> Feed:
    b = c.builder("facilities")
    for f in c.gaz.facilities:
        community = c.gaz.community(f.community_code)
        doors = c.doors.get(f.community_code)
        address = doors[c.rng.randrange(len(doors))] if doors else community.name
        if c.rng.random() < 0.5:
            address = "市北区" + address
        b.add(
            {
                "设施名称": f.name,
                "类别": FACILITY_LABELS[FacilityKind(f.kind)],
                "地址": address,
                "经度": f"{f.lon:.6f}",
                "纬度": f"{f.lat:.6f}",
                "所属社区": community.name,
                "备注": "；".join(
                    f"{ATTRIBUTE_LABELS.get(k, k)}：{_YES_NO.get(v, v)}"
                    for k, v in sorted(f.attributes.items())
                ),
            },
            TruthRow(0),
        )
    return b.finish()


def grid_workers(c: _Context) -> Feed:
    b = c.builder("grid_workers")
    for w in c.world.rosters.grid_workers:
        b.add(
            {
                "网格编号": w.grid_code,
                "网格名称": c.gaz.grid(w.grid_code).name,
                "姓名": w.name,
                "性别": w.sex,
                "联系电话": w.phone,
                "上岗日期": _iso(w.since),
            },
            TruthRow(0),
        )
    return b.finish()


def community_police(c: _Context) -> Feed:
    b = c.builder("community_police")
    for o in c.world.rosters.police:
        b.add(
            {
                "派出所": o.station,
                "社区警务区": o.district,
                "社区民警": o.officer,
                "警号": o.badge,
                "社区辅警": o.auxiliary,
            },
            TruthRow(0),
        )
    return b.finish()


FEED_BUILDERS: dict[str, Callable[[_Context], Feed]] = {
    "police_household_registry": police_household_registry,
    "migrant_registration": migrant_registration,
    "social_security": social_security,
    "housing_provident_fund": housing_provident_fund,
    "company_registry": company_registry,
    "company_changes": company_changes,
    "company_annual_reports": company_annual_reports,
    "property_registry": property_registry,
    "grid_surveys": grid_surveys,
    "access_control": access_control,
    "incidents_110": incidents_110,
    "disputes": disputes,
    "service_requests": service_requests,
    "facilities": facilities,
    "grid_workers": grid_workers,
    "community_police": community_police,
}


def build_feeds(world: World, noise: NoiseConfig, seed: int) -> Iterator[Feed]:
    """Every feed, one at a time (each with its own seeded generator, so adding a feed
    does not change the others)."""
    for index, (_name, build) in enumerate(FEED_BUILDERS.items()):
        rng = random.Random(seed * 1000 + index)
        yield build(_Context(world, noise, rng))
