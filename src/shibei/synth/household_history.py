"""Two years (2024-01-01 … 2025-12-31) of household-registration service orders of the
reference district: who applied for which matter, where (微警务 online, nearby at any
station, or at the responsible window), when it was registered, how many visits it took
and how the applicant rated it. Applicants are residents of the synthetic population;
the responsible station follows their hukou or residence house ("22+1").

Written to `DIR/history/household_orders.jsonl` by `shibei generate`; loaded into the
operational store's work-order tables by `shibei accounts demo` (docs/household.md).

The demand table below is the world's behaviour (how often residents need each matter);
the rules of each matter (route, online, time limit) are the catalogue's
(`shibei.apps.household`, a higher layer), and a unit test keeps the two consistent.
Working days here skip weekends only; holidays are the engine calendar's business.
"""

from __future__ import annotations

import json
import random
from bisect import bisect
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Final

from shibei.gazetteer import Gazetteer
from shibei.synth.population import Person, Population, age_on

FIRST_DAY: Final = date(2024, 1, 1)
LAST_DAY: Final = date(2025, 12, 31)
END: Final = datetime.combine(LAST_DAY, time(23, 59, 59))
VOLUME_FACTOR: Final = 0.6
"""Scales the per-1,000 rates below to the district's observed 户政 workload."""


@dataclass(frozen=True, slots=True)
class Demand:
    """How residents need one matter: applications per 1,000 residents a year, who
    applies (hukou residents, migrants, anyone) and the matter's rules."""

    code: str
    per_thousand: float
    group: str  # hukou | migrant | any
    route: str  # hukou | residence | brigade
    online: bool
    nearby: bool
    time_limit_days: int  # 0: immediate (即时办结)


# fmt: off
DEMAND: Final[tuple[Demand, ...]] = (
    Demand("HZ0402", 40, "hukou", "hukou", True, True, 20),      # 身份证到期换领
    Demand("HZ0403", 12, "hukou", "hukou", True, True, 20),      # 身份证遗失补领
    Demand("HZ0401", 6, "hukou", "hukou", True, True, 20),       # 身份证首次申领
    Demand("HZ0404", 3, "hukou", "hukou", True, True, 20),       # 身份证损坏换领
    Demand("HZ0405", 4, "migrant", "residence", True, True, 30),  # 身份证异地受理
    Demand("HZ0407", 8, "hukou", "hukou", True, True, 0),        # 临时身份证明
    Demand("HZ0408", 10, "hukou", "hukou", True, True, 0),       # 身份证邮寄
    Demand("HZ0409", 1, "any", "residence", True, True, 20),     # 企业学校集中受理
    Demand("HZ0101", 5, "hukou", "hukou", True, True, 0),        # 出生登记
    Demand("HZ0105", 7, "hukou", "hukou", True, True, 0),        # 死亡注销
    Demand("HZ0213", 6, "hukou", "residence", True, True, 0),    # 区内迁移
    Demand("HZ0214", 3, "hukou", "residence", True, True, 0),    # 市内跨区迁移
    Demand("HZ0204", 3, "any", "residence", True, True, 0),      # 购房落户
    Demand("HZ0201", 2, "any", "residence", True, True, 0),      # 夫妻投靠
    Demand("HZ0202", 1.5, "any", "residence", True, True, 0),    # 子女投靠
    Demand("HZ0206", 3, "migrant", "residence", True, True, 3),  # 人才落户（高校毕业生）
    Demand("HZ0207", 0.8, "migrant", "residence", True, True, 3),  # 人才落户（技能人才）
    Demand("HZ0209", 1.5, "migrant", "residence", True, True, 3),  # 就业落户
    Demand("HZ0216", 1.5, "migrant", "residence", True, True, 5),  # 跨省迁入
    Demand("HZ0217", 2, "hukou", "hukou", True, True, 0),        # 迁往省外
    Demand("HZ0301", 3, "hukou", "hukou", True, True, 0),        # 户口簿补领
    Demand("HZ0303", 1, "hukou", "hukou", True, True, 0),        # 分户
    Demand("HZ0312", 3, "hukou", "hukou", True, True, 0),        # 变更婚姻状况
    Demand("HZ0311", 1, "hukou", "hukou", True, True, 0),        # 变更文化程度
    Demand("HZ0501", 15, "migrant", "residence", True, True, 0),  # 流动人口居住登记
    Demand("HZ0504", 8, "migrant", "residence", True, True, 15),  # 居住证申领
    Demand("HZ0505", 6, "migrant", "residence", True, True, 0),  # 居住证签注
    Demand("HZ0509", 3, "any", "residence", True, True, 0),      # 出租房屋登记
    Demand("HZ0601", 5, "hukou", "hukou", True, True, 0),        # 户籍证明
    Demand("HZ0602", 3, "hukou", "hukou", True, True, 0),        # 亲属关系证明
    Demand("HZ0606", 6, "any", "hukou", True, True, 3),          # 无犯罪记录证明
    Demand("HZ0406", 1, "hukou", "hukou", False, True, 3),       # 临时居民身份证
    Demand("HZ0604", 0.6, "hukou", "hukou", False, True, 0),     # 家中死亡证明
    Demand("HZ0306", 0.3, "hukou", "brigade", False, False, 20),  # 成年人变更姓名
    Demand("HZ0307", 0.1, "hukou", "brigade", False, False, 20),  # 更正出生日期
    Demand("HZ0308", 0.1, "hukou", "brigade", False, False, 20),  # 变更民族
    Demand("HZ0112", 0.05, "hukou", "brigade", False, False, 20),  # 注销重复户口
    Demand("HZ0224", 0.1, "any", "residence", False, False, 10),  # 集体户立户
    Demand("HZ0703", 2, "any", "hukou", True, True, 0),          # 进度查询
    Demand("HZ0704", 2, "any", "residence", True, True, 0),      # 咨询预约
    Demand("HZ0705", 0.3, "any", "brigade", True, True, 5),      # 投诉建议
)
# fmt: on

ONLINE_SHARE: Final = {2024: 0.56, 2025: 0.67}
"""Share of online-capable applications filed through 微警务, by year."""
NEARBY_SHARE: Final = {2024: 0.86, 2025: 0.9}
"""Of the rest, share filed at a station other than the responsible one (就近办)."""
SECOND_VISIT: Final = {2024: 0.08, 2025: 0.05}
"""Window applications that needed a second visit (materials to complete)."""
OVERDUE: Final = {2024: 0.025, 2025: 0.012}
"""Timed applications registered after the legal limit."""
CANCELLED: Final = 0.015
"""Applications refused (materials) or withdrawn."""
RATED: Final = 0.62
RATINGS: Final = (1, 2, 3, 4, 5)
RATING_WEIGHTS: Final = {
    2024: (0.01, 0.02, 0.05, 0.14, 0.78),
    2025: (0.005, 0.01, 0.03, 0.12, 0.835),
}
BRIGADE: Final = "370203P90"


@dataclass(frozen=True, slots=True)
class HistoryOrder:
    """One application and what became of it (times are naive local time)."""

    order_no: str
    matter_code: str
    unit_code: str  # the responsible station (or the brigade)
    channel: str  # online | nearby | window
    applicant_name: str
    applicant_id_number: str
    applicant_phone: str
    house_code: str | None  # the house the routing rests on
    submitted_at: datetime
    closed_at: datetime | None  # None: still open on 2025-12-31, or cancelled
    outcome: str  # registered | open | refused | withdrawn
    visits: int
    rating: int | None

    def as_json(self) -> dict[str, object]:
        row = asdict(self)
        for key in ("submitted_at", "closed_at"):
            row[key] = row[key].isoformat(timespec="seconds") if row[key] else None
        return row


def _add_working_days(day: date, n: int) -> date:
    while n > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def _next_working_day(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


class _Pick:
    def __init__(self, rng: random.Random, weights: Sequence[float]) -> None:
        self._rng = rng
        self._cum = list(accumulate(weights))

    def __call__(self) -> int:
        return bisect(self._cum, self._rng.random() * self._cum[-1])


def build_household_history(
    rng: random.Random, gazetteer: Gazetteer, population: Population, scale: float
) -> list[HistoryOrder]:
    """The applications of 2024-2025, oldest first; deterministic for a seeded `rng`.
    The volume follows the population: `scale` only enters through it."""
    del scale  # the population already carries the scale
    station_of = {d.community_code: d.station_code for d in gazetteer.police_districts}
    adults = [p for p in population.persons if age_on(p.birth, FIRST_DAY) >= 16]
    groups = {
        "hukou": [p for p in adults if p.hukou],
        "migrant": [p for p in adults if not p.hukou],
        "any": adults,
    }
    days = [FIRST_DAY + timedelta(days=i) for i in range((LAST_DAY - FIRST_DAY).days + 1)]
    # windows open Monday to Friday and Saturday mornings; online applications every day
    day_weight = [1.0 if d.weekday() < 5 else 0.35 for d in days]
    pick_day = _Pick(rng, day_weight)
    rows: list[tuple[datetime, Demand, Person, str]] = []
    residents = len(population.persons)
    for demand in DEMAND:
        pool = groups[demand.group] or adults
        if not pool:
            continue
        expected = demand.per_thousand * VOLUME_FACTOR * residents / 1000 * 2
        count = int(expected) + (rng.random() < expected - int(expected))
        for _ in range(count):
            day = days[pick_day()]
            person = pool[rng.randrange(len(pool))]
            channel = _channel(rng, demand, day)
            if channel != "online" and day.weekday() == 6:
                day -= timedelta(days=1)  # no window on Sunday
            start = time(8, 30) if channel != "online" else time(0, 0)
            span = 8 * 3600 if channel != "online" else 24 * 3600 - 1
            at = datetime.combine(day, start) + timedelta(seconds=rng.randrange(span))
            rows.append((at, demand, person, channel))
    rows.sort(key=lambda r: (r[0], r[1].code, r[2].id))
    per_day: dict[date, int] = {}
    orders = []
    for at, demand, person, channel in rows:
        sequence = per_day[at.date()] = per_day.get(at.date(), 0) + 1
        number = f"HJ{at:%Y%m%d}{sequence:06d}"
        unit, house = _route(demand, person, station_of)
        orders.append(_order(rng, number, demand, person, channel, at, unit, house))
    return orders


def _channel(rng: random.Random, demand: Demand, day: date) -> str:
    if demand.online and rng.random() < ONLINE_SHARE[day.year]:
        return "online"
    if demand.nearby and rng.random() < NEARBY_SHARE[day.year]:
        return "nearby"
    return "window"


def _route(demand: Demand, person: Person, station_of: dict[str, str]) -> tuple[str, str | None]:
    if demand.route == "brigade":
        return BRIGADE, None
    houses = (
        (person.hukou_house_code, person.house_code)
        if demand.route == "hukou"
        else (person.house_code, person.hukou_house_code)
    )
    for house in houses:
        if house and house[:12] in station_of:
            return station_of[house[:12]], house
    return BRIGADE, None


def _order(
    rng: random.Random,
    number: str,
    demand: Demand,
    person: Person,
    channel: str,
    at: datetime,
    unit: str,
    house: str | None,
) -> HistoryOrder:
    year = at.year
    visits = 0 if channel == "online" else 1 + (rng.random() < SECOND_VISIT[year])
    outcome = "registered"
    closed: datetime | None
    if rng.random() < CANCELLED:
        outcome = "refused" if rng.random() < 0.6 else "withdrawn"
        closed = None
    elif demand.time_limit_days == 0:
        if channel == "online":
            # reviewed in office hours: the same working day, else the next one
            day = at.date() if at.time() < time(16, 30) else at.date() + timedelta(days=1)
            day = _next_working_day(day)
            start = max(at, datetime.combine(day, time(8, 30)))
            closed = start + timedelta(minutes=rng.randrange(10, 240))
        else:
            closed = at + timedelta(minutes=rng.randrange(8, 45))
    else:
        limit = demand.time_limit_days
        if rng.random() < OVERDUE[year]:
            working = limit + rng.randint(1, 5)
        else:
            working = max(1, round(rng.triangular(1, limit, max(1, limit * 0.4))))
        day = _add_working_days(at.date(), working)
        closed = datetime.combine(day, time(9, 0)) + timedelta(seconds=rng.randrange(8 * 3600))
    if closed is not None and closed > END:
        closed, outcome = None, "open"
    rating = None
    if closed is not None and rng.random() < RATED:
        rating = RATINGS[_Pick(rng, RATING_WEIGHTS[year])()]
    phone = person.phones[0] if person.phones else ""
    return HistoryOrder(
        number,
        demand.code,
        unit,
        channel,
        person.name,
        person.id_number,
        phone,
        house,
        at,
        closed,
        outcome,
        int(visits),
        rating,
    )


def write_household_history(orders: Iterable[HistoryOrder], path: Path) -> int:
    """Write the orders as JSON lines (atomically); returns how many."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    count = 0
    with tmp.open("w", encoding="utf-8") as fh:
        for order in orders:
            fh.write(json.dumps(order.as_json(), ensure_ascii=False) + "\n")
            count += 1
    tmp.replace(path)
    return count


def read_household_history(path: Path) -> list[HistoryOrder]:
    """The orders of a history file written by `write_household_history`."""
    orders = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            row["submitted_at"] = datetime.fromisoformat(row["submitted_at"])
            if row["closed_at"]:
                row["closed_at"] = datetime.fromisoformat(row["closed_at"])
            orders.append(HistoryOrder(**row))
    return orders
