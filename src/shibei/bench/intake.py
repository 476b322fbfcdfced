"""`shibei bench intake`: a collapse day at the intake desks, simulated twice on the same
arrivals — online (most victims pre-register on the phone, officers verify) against a
counter-only baseline (every victim fills paper forms at a window).

The online process runs through the real intake code (`MassCaseService` over the
in-memory repository and a synthetic 法人库, on a simulated clock): each victim's draft is
opened at arrival, submitted when ready, and registered by an officer, so the figure is
the service's own per-report measurement (arrival → 受理登记). The same run scores the
clustering against the schemes the victims really paid (three schemes with name
variants, shared accounts and a platform; a look-alike company that is another case,
and lone frauds paid through 微信/支付宝, as decoys).

Assumptions (stated, not measured — change them here): victims = 30,000 × scale (300 at
the default 0.01) arriving 08:00–18:00 in two waves (news at 08:00 peaking ~10:00, a
second wave ~14:30 after work and word of mouth); as many officers as keep the counter
baseline 90 % busy over the ten hours (the same officers in both processes).
Counter: 14 min + 3 min per transfer to fill forms, copy receipts and type them
(log-normal, σ 0.3). Online: 80 % fill the form on their phone (6 min + 1.5 min per
transfer, σ 0.4, no queue), an officer verifies each submission (3 min + 0.5 min per
transfer, +5 min when the real-name check did not pass); the other 20 % (no smartphone)
are helped at the counter (8 min + 2 min per transfer: identity comes prefilled from the
人口库). Officers take tasks first come, first served by the time they are ready.
"""

from __future__ import annotations

import heapq
import math
import random
import statistics
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import combinations
from typing import Any

from shibei.access import Actor, Role
from shibei.progress import Progress

UTILIZATION = 0.9
"""Desks are staffed so the counter-only day would keep officers 90 % busy."""
PHONE_SHARE = 0.8
DAY = datetime(2025, 12, 1, 8, 0)
SEED = 20251201
DESK = Actor(0, "intake-desk", Role.POPULATION_BRIGADE, "370203P90")
"""The officers' account in the replay (district-wide review and registration)."""


@dataclass
class Victim:
    index: int
    arrival: float  # minutes after 08:00
    transfers: int
    phone: bool
    scheme: str  # A | B | C | lone-<n>
    verified: bool = True
    ready: float = 0.0  # online: submitted; counter: arrival
    done: float = 0.0  # registered
    report_id: str = ""
    person_id: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _lognormal(rng: random.Random, median: float, sigma: float) -> float:
    return median * math.exp(rng.gauss(0.0, sigma))


def arrivals(n: int, rng: random.Random) -> list[float]:
    """Minutes after 08:00: two waves, clipped to the ten opening hours."""
    out = []
    for _ in range(n):
        mean, sd = (120.0, 60.0) if rng.random() < 0.65 else (390.0, 75.0)
        out.append(min(max(rng.gauss(mean, sd), 0.0), 600.0))
    return sorted(out)


def officers_for(victims: list[Victim]) -> int:
    """Desks for the day: the counter's expected work over ten hours at UTILIZATION."""
    work = sum(14 + 3 * v.transfers for v in victims) * math.exp(0.3**2 / 2)
    return max(2, math.ceil(work / (600 * UTILIZATION)))


def serve(tasks: list[tuple[float, float, int]], servers: int) -> dict[int, tuple[float, float]]:
    """First come, first served over `servers` officers: (ready, duration, id) →
    id → (start, end)."""
    free = [0.0] * servers
    heapq.heapify(free)
    out: dict[int, tuple[float, float]] = {}
    for ready, duration, tid in sorted(tasks):
        start = max(ready, heapq.heappop(free))
        out[tid] = (start, start + duration)
        heapq.heappush(free, start + duration)
    return out


def counter_baseline(victims: list[Victim], officers: int, rng: random.Random) -> list[float]:
    tasks = [(v.arrival, _lognormal(rng, 14 + 3 * v.transfers, 0.3), v.index) for v in victims]
    done = serve(tasks, officers)
    return [done[v.index][1] - v.arrival for v in victims]


def online_schedule(victims: list[Victim], officers: int, rng: random.Random) -> None:
    tasks = []
    for v in victims:
        if v.phone:
            v.ready = v.arrival + _lognormal(rng, 6 + 1.5 * v.transfers, 0.4)
            minutes = _lognormal(rng, 3 + 0.5 * v.transfers, 0.3) + (0 if v.verified else 5)
        else:
            v.ready = v.arrival
            minutes = _lognormal(rng, 8 + 2 * v.transfers, 0.3)
        tasks.append((v.ready, minutes, v.index))
    done = serve(tasks, officers)
    for v in victims:
        v.done = done[v.index][1]
        if not v.phone:
            v.ready = v.done - 0.5  # the officer submits, then registers


# -- the synthetic district the replay runs on -------------------------------------------

SCHEMES = {
    # scheme: (registered name, variants victims write, payee account, platform)
    "A": (
        "青岛鑫盛投资管理有限公司",
        ["青岛鑫盛投资管理有限公司", "鑫盛投资", "鑫盛投資管理有限公司", "青岛市鑫盛投资管理公司"],
        "6222021600001234567",
        "鑫盛财富App",
    ),
    "B": (
        "青岛福康养老服务有限公司",
        ["青岛福康养老服务有限公司", "福康养老", "福康养老服务中心"],
        "6217856000009876543",
        "",
    ),
    "C": ("青岛恒达商贸有限公司", ["恒达商贸", "青岛恒达商贸有限公司"], "6228480000012345678", ""),
    # the decoy: a restaurant chain's prepaid cards, a name like A's, another case entirely
    "D": (
        "青岛鑫盛餐饮管理有限公司",
        ["鑫盛餐饮", "青岛鑫盛餐饮管理有限公司"],
        "6225880000055556666",
        "",
    ),
}
"""Scheme → registered name, the variants victims write, payee account, platform. A and C
share their legal representative (the 法人库 relates them: proposals, not merges)."""


def _world(victims: list[Victim]) -> tuple[Any, Any]:
    from shibei.access import PlaceIndex
    from shibei.foundation.memory import InMemoryFoundationReader
    from shibei.foundation.reader import OrganizationView, PersonView, Provenance, Relation
    from shibei.gazetteer import build_gazetteer
    from shibei.standardize.id_number import id_number_check_char
    from shibei.standardize.uscc import organization_code_check_char, uscc_check_char

    g = build_gazetteer(0.001, 1)
    houses = [h.code for h in g.houses]
    places = PlaceIndex.from_gazetteer(g)
    rng = random.Random(SEED + 1)
    persons = []
    for v in victims:
        first17 = (
            f"3702031950{v.index // 28 % 12 + 1:02d}{v.index % 28 + 1:02d}{v.index % 1000:03d}"
        )
        house = rng.choice(houses)
        v.person_id = f"P{v.index:010d}"
        v.extra["id_number"] = first17 + id_number_check_char(first17)
        v.extra["name"] = "受害人" + _cn(v.index)
        v.extra["phone"] = f"138{v.index:08d}"
        v.extra["community"] = house[:12]
        persons.append(
            PersonView(
                v.person_id,
                v.extra["name"],
                v.extra["id_number"],
                None,
                None,
                (v.extra["phone"],),
                house,
                house,
                False,
                "住址",
                house[:15],
            )
        )
    orgs, relations = [], []
    prov = (Provenance("company_registry", "bench", 1),)
    names = [s[0] for s in SCHEMES.values()]
    for i, name in enumerate(names, start=1):
        code = f"MA3C{i:04d}"
        first17 = "91370203" + code + organization_code_check_char(code)
        boss = "P9000000001" if name in (SCHEMES["A"][0], SCHEMES["C"][0]) else f"P900000000{i}"
        house = houses[i * 7 % len(houses)]
        orgs.append(
            OrganizationView(
                f"O{i:010d}",
                first17 + uscc_check_char(first17),
                name,
                "存续",
                "有限责任公司",
                "金融",
                boss,
                house,
                house,
                5,
            )
        )
        relations += [
            Relation("legal_rep", boss, f"O{i:010d}", prov),
            Relation("registered", f"O{i:010d}", house, prov),
        ]
    return InMemoryFoundationReader(persons, (), orgs, relations), places


def _cn(n: int) -> str:
    digits = "零一二三四五六七八九"
    return "".join(digits[int(d)] for d in str(n))


def _form(v: Victim, rng: random.Random) -> Any:
    from shibei.apps.mass_cases import DraftInput, TransferInput

    organization, account, platform = "", "", ""
    if v.scheme in SCHEMES:
        _, variants, scheme_account, scheme_platform = SCHEMES[v.scheme]
        roll = rng.random()
        if roll < 0.7:
            organization = rng.choice(variants)
        if roll >= 0.5:
            account = scheme_account  # 50 % give the account (20 % only the account)
        if scheme_platform and rng.random() < 0.3:
            platform = scheme_platform
    else:  # a lone fraud: a private payee, paid through an everyday channel
        platform = rng.choice(["微信", "支付宝", ""])
    start = date(2025, 3, 1)
    transfers = [
        TransferInput(
            (start + timedelta(days=rng.randrange(240))).isoformat(),
            str(rng.choice([5000, 10000, 20000, 30000, 50000, 100000])),
            "bank",
            "王经理",
            account or f"62170000{v.index:08d}{i:02d}",
            "中国银行",
        )
        for i in range(v.transfers)
    ]
    return DraftInput(
        name=v.extra["name"] if v.verified else v.extra["name"] + "某",
        id_number=v.extra["id_number"],
        phone=v.extra["phone"],
        community_code=v.extra["community"],
        organization=organization,
        platform=platform,
        transfers=transfers,
    )


@dataclass(frozen=True)
class _Who:
    actor: Any
    ip: str = "bench"


def replay(victims: list[Victim], progress: Progress) -> tuple[Any, dict[str, Any]]:
    """Run the online day through `MassCaseService`; returns it and clustering figures."""
    from shibei.apps.mass_cases import InMemoryMassCaseRepository, MassCaseService

    reader, places = _world(victims)

    class _Sink:
        def append_audit(self, record: Any) -> Any:
            return None

    now = [DAY]
    service = MassCaseService(
        InMemoryMassCaseRepository(), reader, places, _Sink(), clock=lambda: now[0]
    )
    desk = _Who(DESK)
    rng = random.Random(SEED + 2)
    events = []
    for v in victims:
        events += [(v.arrival, 0, v.index), (v.ready, 1, v.index), (v.done, 2, v.index)]
    by_index = {v.index: v for v in victims}
    step = progress.step("在线接报：草稿 → 提交 → 民警登记（真实代码，模拟时钟）", len(victims))
    submit_seconds = []
    for minute, kind, idx in sorted(events):
        v = by_index[idx]
        now[0] = DAY + timedelta(minutes=minute)
        who = _Who(Actor(idx + 1, f"v{idx}", Role.RESIDENT, "", v.person_id))
        if kind == 0:
            service.draft(who)
        elif kind == 1:
            service.save_draft(who, _form(v, rng))
            started = time.perf_counter()
            v.report_id = service.submit(who).report.report_id
            submit_seconds.append(time.perf_counter() - started)
        else:
            service.register(desk, v.report_id)
            step.advance()
    return service, {"submit_ms_median": round(statistics.median(submit_seconds) * 1000, 2)}


def clustering_figures(service: Any, victims: list[Victim]) -> dict[str, Any]:
    """Officers confirm the proposals that join reports of one scheme and reject the
    rest; then: proposal precision, and the share of same-scheme report pairs that end
    up in one cluster (pair recall)."""
    scheme_of = {v.report_id: v.scheme for v in victims}
    desk = _Who(DESK)
    proposals = service.repo.proposals()
    true = related_only = 0
    for p in proposals:
        same = scheme_of[p.report_id] == scheme_of[p.target_report_id]
        true += same
        related_only += all(r.kind.value == "related_org" for r in p.reasons)
        service.decide(desk, p.proposal_id, same)
    cluster_of = service.cluster_ids()
    pairs = same_cluster = 0
    by_scheme: dict[str, list[str]] = {}
    for rid, scheme in scheme_of.items():
        if scheme in SCHEMES:
            by_scheme.setdefault(scheme, []).append(rid)
    for rids in by_scheme.values():
        for a, b in combinations(rids, 2):
            pairs += 1
            same_cluster += cluster_of[a] == cluster_of[b]
    false_joins = sum(
        1
        for a, b in combinations(scheme_of, 2)
        if scheme_of[a] != scheme_of[b] and cluster_of[a] == cluster_of[b]
    )
    return {
        "proposals": len(proposals),
        "proposals_related_org_only": related_only,
        "proposal_precision": round(true / len(proposals), 3) if proposals else None,
        "pair_recall": round(same_cluster / pairs, 3) if pairs else None,
        "false_joins_after_review": false_joins,
        "clusters": len({cluster_of[r] for r in scheme_of}),
    }


def run(scale: float, progress: Progress) -> dict[str, Any]:
    n = max(60, round(30000 * scale))
    rng = random.Random(SEED)
    progress.step(f"崩盘当日：{n} 名受害人到达")
    times = arrivals(n, rng)
    weights = [("A", 0.5), ("B", 0.22), ("C", 0.1), ("D", 0.1)]  # 8 % lone frauds
    victims = []
    for i, t in enumerate(times):
        roll, scheme, acc = rng.random(), f"lone-{i}", 0.0
        for name, w in weights:
            acc += w
            if roll < acc:
                scheme = name
                break
        transfers = min(1 + int(rng.expovariate(0.5)), 12)  # mean ≈ 3
        victims.append(
            Victim(i, t, transfers, rng.random() < PHONE_SHARE, scheme, rng.random() > 0.1)
        )
    progress.step("基线：只在窗口排队填表")
    officers = officers_for(victims)
    baseline = counter_baseline(victims, officers, random.Random(SEED + 3))
    online_schedule(victims, officers, random.Random(SEED + 4))
    service, timing = replay(victims, progress)
    minutes = service.intake_minutes()
    progress.step("案件簇：民警按真实归属确认或驳回并案建议")
    clusters = clustering_figures(service, victims)
    online = statistics.median(minutes)
    base = statistics.median(baseline)
    return {
        "scale": scale,
        "victims": n,
        "officers": officers,
        "phone_share": PHONE_SHARE,
        "reports_registered": len(minutes),
        "p90_intake_minutes": round(statistics.quantiles(minutes, n=10)[-1], 1),
        "baseline_p90_intake_minutes": round(statistics.quantiles(baseline, n=10)[-1], 1),
        **timing,
        **clusters,
        "intake_time_ratio_vs_baseline": round(online / base, 3),
        "median_intake_minutes": round(online, 1),
        "baseline_median_intake_minutes": round(base, 1),
    }
