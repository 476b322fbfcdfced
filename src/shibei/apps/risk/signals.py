"""The risk signals, declared as data: key, Chinese label, weight, and a rule that gives
a strength in [0, 1] with its evidence, from what was known on the scoring day.

A signal's contribution to the score is `weight × strength`; the score is the sum of the
contributions (`shibei.apps.risk.scoring`). Weights are a judgement, written down here
so that they can be argued with: the rules follow the public checklists of the
anti-illegal-fund-raising offices (涉众型经济犯罪风险排查) — investment or elderly-care
wording, shell-company clusters, frequent changes, capital far above staff, arrears,
missing annual reports, complaints and police calls.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from shibei.apps.risk.model import Mention, OrgHistory

NAME_KEYWORDS = (
    "财富",
    "理财",
    "投资",
    "资产管理",
    "金融",
    "基金",
    "私募",
    "众筹",
    "融资",
    "养老",
    "康养",
    "颐养",
    "养生",
    "保健",
    "艺术品",
    "收藏",
    "区块链",
    "数字货币",
    "返利",
    "高回报",
)
"""Words in a name or business scope that the 涉众型风险 checklists single out."""
SCOPE_KEYWORDS = (*NAME_KEYWORDS, "会员", "预付")
CHANGE_ITEMS = ("名称", "住所", "法定代表人")
ANNUAL_REPORT_KINDS = ("有限责任公司", "股份有限公司")
LEVELS = (("high", "高风险", 60.0), ("medium", "中风险", 40.0))
"""Score thresholds: at or above 40 an organization is on the watchlist."""
WATCH_THRESHOLD = 40.0


@dataclass(frozen=True, slots=True)
class Evidence:
    """What a signal found: its strength and the facts behind it, in Chinese."""

    strength: float
    facts: tuple[str, ...]


NONE = Evidence(0.0, ())


@dataclass(frozen=True, slots=True)
class Neighbours:
    """Other organizations (in business or deregistered) registered at the same house or
    with the same legal representative on the day."""

    same_house: tuple[OrgHistory, ...]
    same_rep: tuple[OrgHistory, ...]


Rule = Callable[[OrgHistory, date, Neighbours], Evidence]


@dataclass(frozen=True, slots=True)
class Signal:
    key: str
    label: str
    weight: float
    rule: Rule
    description: str


def _within(days: Iterable[date], day: date, window: int) -> list[date]:
    start = day - timedelta(days=window)
    return [d for d in days if start < d <= day]


def _recent(mentions: Iterable[Mention], day: date, window: int) -> list[Mention]:
    start = day - timedelta(days=window)
    return sorted((m for m in mentions if start < m.day <= day), key=lambda m: (m.day, m.ref))


def _hits(text: str, words: Iterable[str]) -> list[str]:
    return [w for w in words if w in text]


def keyword(org: OrgHistory, day: date, _: Neighbours) -> Evidence:
    name = org.name_on(day)
    found = _hits(name, NAME_KEYWORDS)
    if found:
        return Evidence(1.0, (f"名称「{name}」含「{'、'.join(found)}」",))
    if org.scope_known_on(day):
        in_scope = _hits(org.scope, SCOPE_KEYWORDS)
        if in_scope:
            return Evidence(0.6, (f"经营范围含「{'、'.join(in_scope)}」",))
    return NONE


def shared_address(org: OrgHistory, day: date, near: Neighbours) -> Evidence:
    active = [o for o in near.same_house if o.active_on(day)]
    n = len(active) + 1
    if n < 3:
        return NONE
    names = "、".join(o.name_on(day) for o in active[:5])
    more = "等" if len(active) > 5 else ""
    return Evidence(min(1.0, (n - 2) / 3), (f"同一住所在营 {n} 家单位：{names}{more}",))


def shared_rep(org: OrgHistory, day: date, near: Neighbours) -> Evidence:
    n = len(near.same_rep) + 1
    if n < 2:
        return NONE
    names = "、".join(o.name_on(day) for o in near.same_rep[:5])
    return Evidence(min(1.0, (n - 1) / 2), (f"法定代表人名下共 {n} 家单位：{names}",))


def frequent_changes(org: OrgHistory, day: date, _: Neighbours) -> Evidence:
    start = day - timedelta(days=365)
    changes = sorted(
        (c for c in org.changes if c.item in CHANGE_ITEMS and start < c.day <= day),
        key=lambda c: c.day,
    )
    if len(changes) < 2:
        return NONE
    facts = tuple(f"{c.day.isoformat()} 变更{c.item}" for c in changes)
    return Evidence(min(1.0, (len(changes) - 1) / 2), (f"近一年变更 {len(changes)} 次", *facts))


def capital_vs_insured(org: OrgHistory, day: date, _: Neighbours) -> Evidence:
    capital = org.capital_10k or 0.0
    if capital < 1000:
        return NONE
    insured = sum(1 for d in org.insured if d <= day)
    ratio = capital / max(insured, 1)
    if ratio < 100:
        return NONE
    fact = f"注册资本 {capital:,.0f} 万元，社保参保仅 {insured} 人（人均 {ratio:,.0f} 万元）"
    return Evidence(1.0 if ratio >= 300 else 0.5, (fact,))


def fund_arrears(org: OrgHistory, day: date, _: Neighbours) -> Evidence:
    owed = _within(org.arrears, day, 182)
    insured = max(sum(1 for d in org.insured if d <= day), len(owed), 1)
    share = len(owed) / insured
    if len(owed) < 2 or share < 0.2:
        return NONE
    fact = f"近半年 {len(owed)} 个公积金账户欠缴（占参保职工 {share:.0%}）"
    return Evidence(min(1.0, share / 0.5), (fact,))


def missing_reports(org: OrgHistory, day: date, _: Neighbours) -> Evidence:
    if org.kind not in ANNUAL_REPORT_KINDS or org.established_on is None:
        return NONE
    submitted = {year for year, on in org.reports if on <= day}
    missing = [
        year
        for year in (day.year - 2, day.year - 1)
        if org.established_on.year <= year and day > date(year + 1, 6, 30) and year not in submitted
    ]
    if not missing:
        return NONE
    years = "、".join(f"{y} 年度" for y in missing)
    return Evidence(len(missing) / 2, (f"逾期未报送 {years}年报",))


def related_deregistered(org: OrgHistory, day: date, near: Neighbours) -> Evidence:
    start = day - timedelta(days=365)
    related = {o.org_id: o for o in (*near.same_house, *near.same_rep)}
    gone = []
    for other in related.values():
        when = other.deregistered_on()
        if when is not None and start < when <= day:
            gone.append((when, other.name_on(when)))
    if not gone:
        return NONE
    facts = tuple(f"{when.isoformat()} 注销：{name}" for when, name in sorted(gone))
    return Evidence(min(1.0, len(gone) / 2), ("同址或同一法定代表人的单位近一年注销", *facts))


def _mentions(attr: str, per_full: int, label: str) -> Rule:
    def rule(org: OrgHistory, day: date, _: Neighbours) -> Evidence:
        found = _recent(getattr(org, attr), day, 182)
        if not found:
            return NONE
        facts = tuple(f"{m.day.isoformat()} {m.detail}（{m.ref}）" for m in found[-5:])
        strength = min(1.0, len(found) / per_full)
        return Evidence(strength, (f"近半年{label} {len(found)} 起", *facts))

    return rule


def hiring_spike(org: OrgHistory, day: date, _: Neighbours) -> Evidence:
    if org.established_on is None or org.established_on > day - timedelta(days=365):
        return NONE  # a young company hiring its first staff is no spike
    start = day - timedelta(days=91)
    new = sum(1 for d in org.insured if start < d <= day)
    before = sum(1 for d in org.insured if d <= start)
    if new < 5 or new < before:
        return NONE
    fact = f"近三个月新增参保 {new} 人，此前 {before} 人"
    return Evidence(min(1.0, new / 10), (fact,))


SIGNALS: tuple[Signal, ...] = (
    Signal(
        "keyword",
        "名称或经营范围涉投资理财、养老、高回报",
        12,
        keyword,
        "名称含关键词计满分，仅经营范围含计 0.6",
    ),
    Signal(
        "shared_address",
        "同一地址登记多家单位",
        8,
        shared_address,
        "同址在营 3 家起计，5 家及以上满分",
    ),
    Signal("shared_rep", "同一法定代表人名下多家单位", 8, shared_rep, "2 家计一半，3 家及以上满分"),
    Signal(
        "frequent_changes",
        "频繁变更名称、住所或法定代表人",
        10,
        frequent_changes,
        "近一年 2 次计一半，3 次及以上满分",
    ),
    Signal(
        "capital_vs_insured",
        "注册资本畸高而社保参保人数少",
        6,
        capital_vs_insured,
        "注册资本千万元以上，人均注册资本 100 万元计一半，300 万元满分",
    ),
    Signal(
        "fund_arrears",
        "公积金欠缴",
        10,
        fund_arrears,
        "近半年欠缴账户 2 个以上且占参保职工 20% 起计，50% 满分",
    ),
    Signal("missing_reports", "未按期报送年报", 6, missing_reports, "近两个年度每缺一份计一半"),
    Signal(
        "related_deregistered",
        "关联单位近期注销",
        10,
        related_deregistered,
        "同址或同一法定代表人的单位近一年注销，每家计一半",
    ),
    Signal(
        "complaints",
        "纠纷投诉",
        12,
        _mentions("complaints", 3, "涉及该单位的纠纷"),
        "近半年涉及该单位的矛盾纠纷，3 起满分",
    ),
    Signal(
        "police_reports",
        "110 经济类警情",
        12,
        _mentions("police_reports", 3, "所在楼栋经济类警情"),
        "近半年所在楼栋经济纠纷、诈骗、涉众警情，3 起满分",
    ),
    Signal(
        "mass_case_reports",
        "涉众案件报案",
        15,
        _mentions("mass_case_reports", 2, "涉众案件报案"),
        "近半年涉众案件报案点名该单位，2 起满分",
    ),
    Signal(
        "hiring_spike",
        "异常扩招",
        10,
        hiring_spike,
        "成立满一年，近三个月新增参保 5 人以上且不少于此前人数，10 人满分",
    ),
)
SIGNAL_BY_KEY = {s.key: s for s in SIGNALS}


def neighbours(orgs: Iterable[OrgHistory], day: date) -> dict[str, Neighbours]:
    """For every organization founded by `day`: the others founded by then at the same
    registered house or with the same legal representative on that day."""
    by_house: dict[str, list[OrgHistory]] = defaultdict(list)
    by_rep: dict[str, list[OrgHistory]] = defaultdict(list)
    existing = [o for o in orgs if o.exists_on(day)]
    for o in existing:
        house = o.house_on(day)
        if house:
            by_house[house].append(o)
        rep = o.legal_rep_on(day)
        if rep:
            by_rep[rep].append(o)
    found: dict[str, Neighbours] = {}
    for o in existing:
        house, rep = o.house_on(day), o.legal_rep_on(day)
        found[o.org_id] = Neighbours(
            tuple(x for x in by_house.get(house or "", ()) if x.org_id != o.org_id),
            tuple(x for x in by_rep.get(rep or "", ()) if x.org_id != o.org_id),
        )
    return found
