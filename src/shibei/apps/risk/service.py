"""`RiskService`: the use cases the pages and the API call — the watchlist (filtered by
street, community and industry, scoped to the caller), one organization's explained
score, risk per community for the map, opening a verification and recording its outcome.

Every answer passes the one access decision (`allowed`, actions `risk.view` and
`risk.verify`) with the organization placed at its registered address.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date
from typing import Protocol

from shibei.access import Actor, PlaceIndex, Resource, allowed, within_codes
from shibei.apps.mass_cases import MassCaseRepository, yuan
from shibei.apps.risk.model import Mention, OrgHistory, Outcome, Verification
from shibei.apps.risk.scoring import RiskScore, score_all, score_org
from shibei.apps.risk.signals import WATCH_THRESHOLD, neighbours
from shibei.apps.risk.verification import VerificationOrder, WorkflowVerifications
from shibei.errors import ShibeiError
from shibei.workflow import WorkOrder


class RiskError(ShibeiError):
    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RiskForbidden(RiskError):
    status = 403


class RiskNotFound(RiskError):
    status = 404


MassCaseMentions = Callable[[], Iterable[tuple[str, Mention]]]
"""Mass-case reports naming an organization: (org id, mention), read at every scoring."""


def mass_case_mentions(repo: MassCaseRepository) -> MassCaseMentions:
    """Reports of the mass-case intake linked to a 法人库 organization."""

    def mentions() -> list[tuple[str, Mention]]:
        return [
            (
                r.org_id,
                Mention(
                    r.submitted_at.date(),
                    "mass_cases",
                    r.report_id,
                    f"报案日 {r.submitted_at.date().isoformat()}，涉案 {yuan(r.total_fen)} 元",
                ),
            )
            for r in repo.reports()
            if r.org_id
        ]

    return mentions


class RiskInputs(Protocol):
    """Where the organizations' histories come from (the lake, or a list in tests)."""

    def histories(self) -> list[OrgHistory]: ...


@dataclass
class InMemoryRiskInputs:
    items: list[OrgHistory]

    def histories(self) -> list[OrgHistory]:
        return list(self.items)


@dataclass(frozen=True, slots=True)
class CommunityRisk:
    code: str
    name: str
    organizations: int  # organizations in business scored there
    watched: int  # of which on the watchlist
    high: int  # of which high risk
    top_score: float


def latest_day(orgs: list[OrgHistory]) -> date:
    """The last day the data speaks of: the default scoring day."""
    days: list[date] = []
    for o in orgs:
        days.extend(c.day for c in o.changes)
        days.extend(o.insured[-1:])
        days.extend(o.arrears[-1:])
        days.extend(m.day for m in (*o.complaints, *o.police_reports, *o.mass_case_reports))
    return max(days) if days else date.today()


class RiskService:
    def __init__(
        self,
        inputs: RiskInputs,
        places: PlaceIndex,
        verifications: WorkflowVerifications | None = None,
        *,
        default_day: Callable[[list[OrgHistory]], date] = latest_day,
        mass_cases: MassCaseMentions | None = None,
    ) -> None:
        self.inputs = inputs
        self.mass_cases = mass_cases
        self.places = places
        self.verifications = verifications
        self._default_day = default_day
        self._lock = threading.Lock()
        self._base: list[OrgHistory] | None = None
        self._base_day = date.today()
        self._extra_key: tuple[tuple[str, str], ...] = ()
        self._orgs: list[OrgHistory] = []
        self._by_id: dict[str, OrgHistory] = {}
        self._scores: dict[date, list[RiskScore]] = {}

    # data -------------------------------------------------------------------------------

    def orgs(self) -> list[OrgHistory]:
        """The histories, with the platform's own mass-case reports merged in. A report
        filed after the feeds' last day counts on that day (its text keeps the real
        date), so a district whose feeds lag behind still sees it on its watchlist."""
        extra = list(self.mass_cases()) if self.mass_cases else []
        key = tuple(sorted((org_id, m.ref) for org_id, m in extra))
        with self._lock:
            fresh = self._base is None
            if self._base is None:
                self._base = self.inputs.histories()
                self._base_day = self._default_day(self._base)
            if fresh or key != self._extra_key:
                found: dict[str, list[Mention]] = {}
                for org_id, m in extra:
                    found.setdefault(org_id, []).append(replace(m, day=min(m.day, self._base_day)))
                self._orgs = [
                    replace(o, mass_case_reports=(*o.mass_case_reports, *found[o.org_id]))
                    if o.org_id in found
                    else o
                    for o in self._base
                ]
                self._by_id = {o.org_id: o for o in self._orgs}
                self._extra_key = key
                self._scores.clear()
            return self._orgs

    def day(self, requested: date | None = None) -> date:
        self.orgs()
        return requested or self._base_day

    def outcomes(self) -> list[Verification]:
        return self.verifications.outcomes() if self.verifications else []

    def scores(self, day: date | None = None) -> list[RiskScore]:
        """Every organization in business on the day, highest score first (cached per
        day; recording an outcome clears the cache)."""
        day = self.day(day)
        orgs = self.orgs()
        with self._lock:
            cached = self._scores.get(day)
        if cached is None:
            cached = score_all(orgs, day, self.outcomes())
            with self._lock:
                self._scores[day] = cached
        return cached

    # access -----------------------------------------------------------------------------

    def resource(self, org: OrgHistory) -> Resource:
        subjects = frozenset({org.legal_rep_id} if org.legal_rep_id else set())
        return self.places.resource("organization", org.org_id, (org.house_code,), subjects)

    def can(self, actor: Actor, action: str) -> bool:
        return bool(within_codes(actor, action, self.places.streets_of_station))

    def _visible(self, actor: Actor, action: str = "risk.view") -> Callable[[RiskScore], bool]:
        bounds = within_codes(actor, action, self.places.streets_of_station)

        def visible(score: RiskScore) -> bool:
            house = score.org.house_code or ""
            if not any(house.startswith(b) for b in bounds):
                return False
            return allowed(actor, action, self.resource(score.org))

        return visible

    # use cases --------------------------------------------------------------------------

    def watchlist(
        self,
        actor: Actor,
        *,
        day: date | None = None,
        street: str | None = None,
        community: str | None = None,
        industry: str | None = None,
        threshold: float = WATCH_THRESHOLD,
    ) -> list[RiskScore]:
        """The caller's watchlist; asking for a street or community outside the caller's
        scope is refused, not silently emptied."""
        if not self.can(actor, "risk.view"):
            raise RiskForbidden("您的角色无权查看涉众型风险预警")
        for code in (street, community):
            if code and not allowed(actor, "risk.view", self._division(code)):
                raise RiskForbidden(f"无权查看{self.places.name(code)}的风险预警")
        visible = self._visible(actor)
        prefix = community or street or ""
        return [
            s
            for s in self.scores(day)
            if s.score >= threshold
            and (s.org.house_code or "").startswith(prefix)
            and (not industry or s.org.industry == industry)
            and visible(s)
        ]

    def _division(self, code: str) -> Resource:
        if len(code) not in (9, 12) or not code.isdigit():
            raise RiskError("区划代码应为 9 位街道代码或 12 位社区代码")
        return self.places.resource("division", code, (code,), frozenset())

    def organization(self, actor: Actor, org_id: str, day: date | None = None) -> RiskScore:
        """One organization's score with every contribution and its evidence."""
        self.orgs()
        org = self._by_id.get(org_id)
        if org is None:
            raise RiskNotFound("未找到该单位")
        if not allowed(actor, "risk.view", self.resource(org)):
            raise RiskForbidden("无权查看该单位的风险评分")
        day = self.day(day)
        for score in self.scores(day):
            if score.org_id == org_id:
                return score
        near = neighbours(self.orgs(), day)
        if org_id not in near:
            raise RiskNotFound("该单位在所选日期尚未成立")
        orgs = self.orgs()
        return score_org(org, day, near[org_id], orgs=orgs, verifications=self.outcomes())

    def industries(self) -> list[str]:
        return sorted({o.industry for o in self.orgs() if o.industry})

    def communities(self, actor: Actor, day: date | None = None) -> list[CommunityRisk]:
        """Risk per community within the caller's scope (the map)."""
        if not self.can(actor, "risk.view"):
            raise RiskForbidden("您的角色无权查看涉众型风险预警")
        visible = self._visible(actor)
        found: dict[str, list[RiskScore]] = {}
        for s in self.scores(day):
            code = s.org.community_code
            if code and visible(s):
                found.setdefault(code, []).append(s)
        return [
            CommunityRisk(
                code,
                self.places.name(code),
                len(scores),
                sum(1 for s in scores if s.watched),
                sum(1 for s in scores if s.level == "high"),
                max(s.score for s in scores),
            )
            for code, scores in sorted(found.items())
        ]

    def orders(self, actor: Actor, org_id: str) -> list[VerificationOrder]:
        self.organization(actor, org_id)  # access check
        return self.verifications.orders(org_id) if self.verifications else []

    def open_verification(self, actor: Actor, org_id: str, day: date | None = None) -> WorkOrder:
        """发起核查: a verification order for the grid of the organization's address."""
        score = self.organization(actor, org_id, day)
        if not allowed(actor, "risk.verify", self.resource(score.org)):
            raise RiskForbidden("您的角色无权发起风险核查")
        if self.verifications is None:
            raise RiskError("工单系统未启用，无法发起核查")
        if not score.org.grid_code:
            raise RiskError("该单位住所未匹配到标准地址，无法派给网格员")
        return self.verifications.open(actor, score.org, score)

    def record_outcome(
        self, actor: Actor, org_id: str, order_id: str, outcome: Outcome, note: str = ""
    ) -> WorkOrder:
        """The conclusion of a verification, fed back into the score from its day on."""
        score = self.organization(actor, org_id)
        if not allowed(actor, "risk.verify", self.resource(score.org)):
            raise RiskForbidden("您的角色无权登记核查结论")
        if self.verifications is None:
            raise RiskError("工单系统未启用，无法登记核查结论")
        if len(note) > 500:
            raise RiskError("核查说明不能超过 500 字")
        order = self.verifications.record(actor, order_id, org_id, outcome, note)
        with self._lock:
            self._scores.clear()
        return order
