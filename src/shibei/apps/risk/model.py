"""What the risk module knows of an organization: its registry record and dated facts
from the foundation's feeds, so that it can be scored "as of" any day (what was known
then), and the outcomes of grid workers' verifications.

Plain frozen dataclasses; the DuckDB adapter (`shibei.store.risk_signals`) builds them
from the lake, tests build them by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class Change:
    """One registry change (市场主体变更登记)."""

    day: date
    item: str  # 名称 | 住所 | 法定代表人 | 状态
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class Mention:
    """A dated feed row naming the organization (a dispute, a 110 call, a mass-case
    report), kept as evidence: where it came from and what it says."""

    day: date
    source: str  # disputes | incidents_110 | mass_cases
    ref: str  # the row's own number (案件编号, 接警单编号…)
    detail: str  # short Chinese description


@dataclass(frozen=True, slots=True)
class OrgHistory:
    """One organization: the registry record as delivered (current values) and what the
    feeds say over time. `house_code` and `legal_rep_id` are the current ones; a change
    after the scoring day means the value then is not known (see `house_on`)."""

    org_id: str
    name: str
    uscc: str | None = None
    kind: str | None = None  # 有限责任公司 | 个体工商户 | …
    industry: str | None = None
    scope: str = ""
    capital_10k: float | None = None
    established_on: date | None = None
    status: str = "存续"
    house_code: str | None = None  # registered address (住所), a standard house code
    legal_rep_id: str | None = None
    changes: tuple[Change, ...] = ()
    insured: tuple[date, ...] = ()  # 社保: first insured day of each employee
    arrears: tuple[date, ...] = ()  # 公积金: day each account was found in arrears
    reports: tuple[tuple[int, date], ...] = ()  # 年报: (report year, submitted on)
    complaints: tuple[Mention, ...] = ()  # disputes naming it
    police_reports: tuple[Mention, ...] = ()  # economic 110 calls at its building
    mass_case_reports: tuple[Mention, ...] = ()  # mass-case reports naming it

    def exists_on(self, day: date) -> bool:
        return self.established_on is None or self.established_on <= day

    def deregistered_on(self) -> date | None:
        """The day of deregistration by the change log (None: in business, or
        deregistered on a day the feeds do not give)."""
        days = [c.day for c in self.changes if c.item == "状态" and "注销" in c.after]
        return max(days) if days else None

    def active_on(self, day: date) -> bool:
        if not self.exists_on(day):
            return False
        gone = self.deregistered_on()
        if gone is not None:
            return gone > day
        return "注销" not in self.status and "吊销" not in self.status

    def _later(self, item: str, day: date) -> list[Change]:
        return sorted((c for c in self.changes if c.item == item and c.day > day), key=_day)

    def name_on(self, day: date) -> str:
        """The name the organization had on `day` (names before a rename are in the log)."""
        later = self._later("名称", day)
        return later[0].before if later else self.name

    def scope_known_on(self, day: date) -> bool:
        """The registry gives today's scope only; a rename after `day` usually came with
        a new scope, so today's scope says nothing about `day`."""
        return not self._later("名称", day)

    def house_on(self, day: date) -> str | None:
        return None if self._later("住所", day) else self.house_code

    def legal_rep_on(self, day: date) -> str | None:
        return None if self._later("法定代表人", day) else self.legal_rep_id

    @property
    def street_code(self) -> str | None:
        return self.house_code[:9] if self.house_code else None

    @property
    def community_code(self) -> str | None:
        return self.house_code[:12] if self.house_code else None

    @property
    def grid_code(self) -> str | None:
        return self.house_code[:15] if self.house_code else None


def _day(change: Change) -> date:
    return change.day


class Outcome(StrEnum):
    CONFIRMED = "confirmed"  # the grid worker confirmed the risk
    CLEARED = "cleared"  # nothing found: the signals known then are explained away

    @property
    def label(self) -> str:
        return {"confirmed": "核查属实", "cleared": "核查排除"}[self.value]


@dataclass(frozen=True, slots=True)
class Verification:
    """The result of a verification work order, fed back into the score."""

    org_id: str
    day: date
    outcome: Outcome
    order_number: str = ""
    note: str = ""
