"""The dashboard's trends: population, migrants, organizations and events over time, per
division (counted from the clean zone's dates by the store; scoped here)."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from pydantic import BaseModel

from shibei.access import allowed
from shibei.foundation.reader import level_of
from shibei.web.errors import NotFound
from shibei.web.explorer import NOT_FOUND, Explorer, Viewer

MONTHLY = {
    "migrant_registrations": "流动人口登记",
    "hukou_registrations": "户籍登记",
    "org_registrations": "企业设立",
    "org_deregistrations": "企业注销",
    "incidents": "110警情",
    "service_requests": "12345工单",
    "disputes": "矛盾纠纷",
}
YEARLY = {
    "hukou_population": "户籍人口（累计登记）",
    "org_registrations": "企业设立",
    "org_deregistrations": "企业注销",
    "organizations": "企业存量（设立减注销）",
}
MONTHS = 24
DISTRICT = "370203"
YEARS = 10


@runtime_checkable
class TrendReader(Protocol):
    def trends(self, within: str) -> list[tuple[str, str, int]]:
        """(series, month 'YYYY-MM', count) within a division code prefix."""
        ...


class TrendSeries(BaseModel):
    key: str
    label: str
    values: list[int]


class TrendsPublic(BaseModel):
    code: str
    name: str
    months: list[str]
    monthly: list[TrendSeries]
    years: list[str]
    yearly: list[TrendSeries]


def _month_range(last: str, count: int) -> list[str]:
    year, month = int(last[:4]), int(last[5:7])
    out = []
    for _ in range(count):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out[::-1]


def newest_month(rows: list[tuple[str, str, int]]) -> str:
    """The newest month of the event series (110, 12345, disputes), else of any."""
    events = [m for s, m, _ in rows if s in ("incidents", "service_requests", "disputes")]
    return max(events or [m for _, m, _ in rows] or ["2025-12"])


def build_trends(
    code: str, name: str, rows: list[tuple[str, str, int]], last: str | None = None
) -> TrendsPublic:
    """The 24 months ending at `last` (default: the newest event month of `rows`) of each
    monthly series and the last 10 years of the yearly ones; cumulative series count
    everything before."""
    by_month: dict[tuple[str, str], int] = {(s, m): n for s, m, n in rows}
    last = last or newest_month(rows)
    months = _month_range(last, MONTHS)
    monthly = [
        TrendSeries(key=key, label=label, values=[by_month.get((key, m), 0) for m in months])
        for key, label in MONTHLY.items()
    ]
    per_year: dict[tuple[str, str], int] = {}
    for s, m, n in rows:
        per_year[(s, m[:4])] = per_year.get((s, m[:4]), 0) + n
    last_year = int(last[:4])
    years = [str(y) for y in range(last_year - YEARS + 1, last_year + 1)]

    def cumulative(series: str, minus: str | None = None) -> list[int]:
        values = []
        for y in years:
            total = sum(n for (s, yy), n in per_year.items() if s == series and yy <= y)
            if minus:
                total -= sum(n for (s, yy), n in per_year.items() if s == minus and yy <= y)
            values.append(total)
        return values

    yearly = [
        TrendSeries(
            key="hukou_population",
            label=YEARLY["hukou_population"],
            values=cumulative("hukou_registrations"),
        ),
        *(
            TrendSeries(
                key=key, label=YEARLY[key], values=[per_year.get((key, y), 0) for y in years]
            )
            for key in ("org_registrations", "org_deregistrations")
        ),
        TrendSeries(
            key="organizations",
            label=YEARLY["organizations"],
            values=cumulative("org_registrations", "org_deregistrations"),
        ),
    ]
    return TrendsPublic(
        code=code, name=name, months=months, monthly=monthly, years=years, yearly=yearly
    )


def division_trends(
    explorer: Explorer, reader: TrendReader | None, viewer: Viewer, code: str
) -> TrendsPublic:
    """Trends of a division the viewer may see figures of; 404 otherwise (as a missing
    division), and 404 when the foundation keeps no dated events."""
    try:
        level_of(code)
    except ValueError as exc:
        raise NotFound(NOT_FOUND) from exc
    if reader is None or not allowed(viewer.actor, "stats.view", explorer.division_resource(code)):
        raise NotFound(NOT_FOUND)
    # every division's window ends where the district's data ends, so charts compare
    last = newest_month(reader.trends(DISTRICT))
    return build_trends(code, explorer.places.name(code), reader.trends(code), last)
