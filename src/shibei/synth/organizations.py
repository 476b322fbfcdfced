"""Synthetic organizations (实有单位): companies, individual businesses, social
organizations; credit codes, legal representatives, addresses, status history, staff.
"""

from __future__ import annotations

import random
from bisect import bisect
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import accumulate

from shibei.gazetteer.model import House
from shibei.standardize.uscc import USCC_ALPHABET, organization_code_check_char, uscc_check_char
from shibei.synth.population import Person, Population

ORGANIZATIONS_AT_FULL_SCALE = 42_000
"""Organizations at scale 1.0 (companies and individual businesses registered in the
district; an assumption, the public reference has no count)."""
EMPLOYED_SHARE = 0.68
"""Share of residents aged 18–60 employed by an organization in the district."""

# (kind, USCC registering authority + type, weight, name suffix)
_KINDS = (
    ("有限责任公司", "91", 0.62, "有限公司"),
    ("股份有限公司", "91", 0.03, "股份有限公司"),
    ("个体工商户", "92", 0.28, ""),
    ("社会组织", "52", 0.04, ""),
    ("事业单位", "12", 0.03, ""),
)

# Industry (GB/T 4754 section) → name words and business scope.
INDUSTRIES: dict[str, tuple[tuple[str, ...], str]] = {
    "批发和零售业": (("商贸", "贸易", "商行", "百货"), "日用百货、五金交电、服装鞋帽的批发零售"),
    "住宿和餐饮业": (("餐饮管理", "酒店管理", "餐饮"), "餐饮服务、住宿服务"),
    "信息传输、软件和信息技术服务业": (
        ("网络科技", "信息技术", "软件"),
        "软件开发、信息系统集成服务",
    ),
    "租赁和商务服务业": (("商务咨询", "企业管理", "人力资源"), "企业管理咨询、商务信息咨询"),
    "建筑业": (("建筑工程", "装饰工程", "建设"), "建筑工程施工、室内外装饰装修"),
    "交通运输、仓储和邮政业": (
        ("物流", "国际货运代理", "运输"),
        "普通货运、仓储服务、国际货运代理",
    ),
    "房地产业": (("物业管理", "置业", "房地产经纪"), "物业管理、房地产经纪"),
    "金融业": (("投资管理", "财富管理", "资产管理"), "投资管理、资产管理、投资咨询"),
    "居民服务、修理和其他服务业": (("家政服务", "养老服务", "美容美发"), "家政服务、养老服务"),
    "文化、体育和娱乐业": (("文化传媒", "文化发展", "影视"), "文化艺术交流活动策划、影视制作"),
    "卫生和社会工作": (("医药", "健康管理", "诊所"), "健康咨询、医疗服务"),
    "制造业": (("机械", "食品", "服饰"), "机械设备、食品的生产销售"),
}
_INDUSTRY_WEIGHTS = (0.30, 0.12, 0.08, 0.12, 0.07, 0.06, 0.05, 0.03, 0.07, 0.05, 0.03, 0.02)
_BRAND_CHARS = (
    "鑫华瑞恒泰达盛源海博宏昌利兴隆信诚德金汇嘉丰祥宇通润康乐福安晟鸿凯越辰"
    "永新正和顺发鼎佳美亿远航创启明志天成益民众立邦弘毅卓尔欣悦蓝海青峰鲁东岛城"
)
_SHOP_WORDS = ("便利店", "小吃部", "理发店", "五金店", "水果店", "干洗店", "烟酒店", "快餐店")


@dataclass(slots=True)
class StatusChange:
    """One entry of an organization's registry history."""

    day: date
    field: str  # 名称 | 住所 | 法定代表人 | 状态
    old: str
    new: str


@dataclass(slots=True)
class Distress:
    """How a planted scheme or decoy (synth/risk_schemes.py) shows in the feeds."""

    hired_on: dict[str, date] = field(default_factory=dict)  # person → first insured
    arrears_from: date | None = None  # 公积金 accounts in arrears from this day
    last_report_year: int | None = None  # no annual report after this year


@dataclass(slots=True)
class Organization:
    id: str
    uscc: str
    name: str
    kind: str
    industry: str
    scope: str
    legal_rep_id: str
    registered_house: str  # house code of 住所
    operating_house: str  # house code of 经营场所 (often the same)
    established: date
    capital_10k: float  # registered capital, 万元
    status: str  # 存续 | 注销
    phone: str
    deregistered_on: date | None = None
    changes: list[StatusChange] = field(default_factory=list)
    employee_ids: list[str] = field(default_factory=list)
    distress: Distress | None = None


def build_organizations(
    rng: random.Random, population: Population, houses: list[House], scale: float
) -> list[Organization]:
    """Organizations with valid credit codes, legal representatives among the residents,
    addresses at houses (shops first), status histories, and employees."""
    count = max(20, round(ORGANIZATIONS_AT_FULL_SCALE * scale))
    adults = [p for p in population.persons if 22 <= p.age <= 75]
    shops = [h for h in houses if h.use == "商铺"] or houses
    homes = [h for h in houses if h.use == "住宅"]
    names: set[str] = set()
    codes: set[str] = set()
    orgs: list[Organization] = []
    by_id = population.by_id()
    industries = tuple(INDUSTRIES)
    for i in range(count):
        kind, prefix, _, suffix = rng.choices(_KINDS, weights=[k[2] for k in _KINDS])[0]
        industry = rng.choices(industries, weights=_INDUSTRY_WEIGHTS)[0]
        name = _unique_name(rng, names, kind, industry, suffix)
        uscc = _unique_uscc(rng, codes, prefix)
        # Some people represent several organizations (shell-company patterns).
        if orgs and rng.random() < 0.06:
            rep_id = orgs[rng.randrange(len(orgs))].legal_rep_id
        else:
            rep_id = adults[rng.randrange(len(adults))].id
        rep = by_id[rep_id]
        house = _pick_house(rng, shops, homes)
        established = date(1995, 1, 1) + timedelta(days=rng.randint(0, 30 * 365 + 7))
        org = Organization(
            id=f"O{i + 1:07d}",
            uscc=uscc,
            name=name,
            kind=kind,
            industry=industry,
            scope=INDUSTRIES[industry][1],
            legal_rep_id=rep_id,
            registered_house=house.code,
            operating_house=house.code
            if rng.random() < 0.85
            else _pick_house(rng, shops, homes).code,
            established=established,
            capital_10k=_capital(rng, kind),
            status="存续",
            phone=rep.phones[0] if rep.phones and rng.random() < 0.4 else _landline(rng),
        )
        _history(rng, org, adults, shops, homes, names)
        orgs.append(org)
    _employ(rng, population.persons, orgs)
    return orgs


def _pick_house(rng: random.Random, shops: list[House], homes: list[House]) -> House:
    pool = shops if (rng.random() < 0.7 or not homes) else homes
    return pool[rng.randrange(len(pool))]


def _unique_name(rng: random.Random, names: set[str], kind: str, industry: str, suffix: str) -> str:
    words = INDUSTRIES[industry][0]
    tries = 0
    while True:
        tries += 1
        # Two-character brands first; three when the two-character ones run out.
        brand = "".join(rng.sample(_BRAND_CHARS, 2 if tries < 20 else 3))
        if kind == "个体工商户":
            name = f"市北区{brand}{rng.choice(_SHOP_WORDS)}"
        elif kind == "社会组织":
            name = f"青岛市市北区{brand}{rng.choice(words)}协会"
        elif kind == "事业单位":
            name = f"青岛市市北区{brand}{rng.choice(words)}服务中心"
        else:
            name = f"青岛{brand}{rng.choice(words)}{suffix}"
        if name not in names:
            names.add(name)
            return name


def _unique_uscc(rng: random.Random, codes: set[str], prefix: str) -> str:
    alphabet = USCC_ALPHABET
    while True:
        region = "370203" if rng.random() < 0.8 else "370200"
        body = "".join(alphabet[rng.randrange(len(alphabet))] for _ in range(8))
        first17 = prefix + region + body + organization_code_check_char(body)
        code = first17 + uscc_check_char(first17)
        if code not in codes:
            codes.add(code)
            return code


def _capital(rng: random.Random, kind: str) -> float:
    if kind == "个体工商户":
        return round(rng.uniform(1, 50), 1)
    return float(rng.choice((10, 50, 100, 200, 500, 1000, 3000, 5000, 10000)))


def _landline(rng: random.Random) -> str:
    return f"0532{rng.choice('68')}{rng.randint(0, 9_999_999):07d}"


def _history(
    rng: random.Random,
    org: Organization,
    adults: list[Person],
    shops: list[House],
    homes: list[House],
    names: set[str],
) -> None:
    """Changes of name, address or representative, and deregistrations, over 2024–2025."""
    start = max(org.established, date(2024, 1, 1))
    end = date(2025, 12, 31)
    if start >= end:
        return
    span = (end - start).days
    roll = rng.random()
    if roll < 0.05:
        day = start + timedelta(days=rng.randint(0, span))
        new_house = _pick_house(rng, shops, homes).code
        org.changes.append(StatusChange(day, "住所", org.registered_house, new_house))
        org.registered_house = new_house
    elif roll < 0.08:
        day = start + timedelta(days=rng.randint(0, span))
        new_rep = adults[rng.randrange(len(adults))].id
        org.changes.append(StatusChange(day, "法定代表人", org.legal_rep_id, new_rep))
        org.legal_rep_id = new_rep
    elif roll < 0.10 and org.kind not in ("个体工商户", "事业单位"):
        day = start + timedelta(days=rng.randint(0, span))
        new_name = _unique_name(rng, names, org.kind, org.industry, "有限公司")
        org.changes.append(StatusChange(day, "名称", org.name, new_name))
        org.name = new_name
    if rng.random() < 0.06:
        day = start + timedelta(days=rng.randint(0, span))
        org.changes.append(StatusChange(day, "状态", "存续", "注销"))
        org.status, org.deregistered_on = "注销", day


def _employ(rng: random.Random, persons: list[Person], orgs: list[Organization]) -> None:
    """Employed residents work for active organizations whose sizes follow a Zipf law."""
    active = [o for o in orgs if o.status == "存续"]
    if not active:
        return
    order = list(range(len(active)))
    rng.shuffle(order)
    cumulative = list(accumulate(1.0 / (rank + 1) ** 0.9 for rank in range(len(active))))
    ranked = [active[i] for i in order]
    for person in persons:
        age = person.age
        share = EMPLOYED_SHARE if person.hukou else 0.85
        if 18 <= age <= 60 and rng.random() < share:
            org = ranked[bisect(cumulative, rng.random() * cumulative[-1])]
            person.employer_id = org.id
            org.employee_ids.append(person.id)
