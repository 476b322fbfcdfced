"""The ports of mass-case intake: where drafts, reports, proposals and registrations are
kept (`MassCaseRepository`; SQL in shibei.store.mass_cases, in memory here), and the
work-order engine as this app sees it (`CaseOrders`; wired to shibei.workflow by the web
layer, since apps and workflow do not import each other)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from shibei.access import Actor
from shibei.apps.mass_cases.clustering import KeyKind, LinkKey, SharedKey
from shibei.apps.mass_cases.model import Draft, Registration, Report
from shibei.errors import ShibeiError


class StaleDraft(ShibeiError):
    """The draft changed since the page showed it (another tab or phone)."""


class ReportTampered(ShibeiError):
    """A stored report's content no longer matches its hash."""


class ProposalStatus(StrEnum):
    PENDING = "pending"  # 待确认
    CONFIRMED = "confirmed"  # 已并案
    REJECTED = "rejected"  # 不并案

    @property
    def label(self) -> str:
        return {"pending": "待确认", "confirmed": "已并案", "rejected": "不并案"}[self.value]


@dataclass(frozen=True, slots=True)
class Proposal:
    """Merge report `report_id` into the cluster of `target_report_id`, because of
    `reasons`. Only its status changes, once, by an officer."""

    proposal_id: int
    report_id: str
    target_report_id: str
    reasons: tuple[SharedKey, ...]
    created_at: datetime
    status: ProposalStatus = ProposalStatus.PENDING
    decided_by: str = ""
    decided_at: datetime | None = None
    note: str = ""


class MassCaseRepository(Protocol):
    def next_report_sequence(self) -> int: ...

    def draft_of(self, owner: str) -> Draft | None:
        """The open draft of an account (one at a time)."""
        ...

    def save_draft(self, draft: Draft, expected_version: int | None) -> Draft:
        """Insert (expected None) or update a draft whose stored version is
        `expected_version`; returns it with version + 1. Raises StaleDraft."""
        ...

    def delete_draft(self, draft_id: str) -> None: ...

    def add_report(self, report: Report, keys: set[LinkKey], order_id: str | None) -> None:
        """Insert a sealed report with its link keys (reports are never updated)."""
        ...

    def report(self, report_id: str) -> Report | None:
        """The report; raises ReportTampered when its hash no longer matches."""
        ...

    def reports(self, owner: str | None = None) -> list[Report]:
        """Every report (or one account's), oldest first."""
        ...

    def order_of(self, report_id: str) -> str | None: ...

    def link_keys(self) -> list[tuple[str, LinkKey]]: ...

    def add_proposal(
        self, report_id: str, target: str, reasons: tuple[SharedKey, ...], at: datetime
    ) -> Proposal: ...

    def proposals(self, status: ProposalStatus | None = None) -> list[Proposal]: ...

    def decide(
        self, proposal_id: int, status: ProposalStatus, officer: str, at: datetime, note: str
    ) -> Proposal | None:
        """Record a decision on a pending proposal; None when it is not pending (any
        more) or unknown."""
        ...

    def add_registration(self, registration: Registration) -> bool:
        """False when the report was registered already."""
        ...

    def registrations(self) -> dict[str, Registration]: ...


class CaseOrders(Protocol):
    """The work-order engine, as intake uses it."""

    def open(self, report: Report, actor: Actor) -> str:
        """Create the report's work order (idempotent per report); its id."""
        ...

    def registered(self, order_id: str, actor: Actor) -> None:
        """The officer registered the report: the order is accepted (受理)."""
        ...


class InMemoryMassCaseRepository:
    """The repository over dictionaries (unit tests, the intake benchmark)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seq = 0
        self._drafts: dict[str, Draft] = {}
        self._reports: dict[str, Report] = {}
        self._orders: dict[str, str] = {}
        self._keys: list[tuple[str, LinkKey]] = []
        self._proposals: dict[int, Proposal] = {}
        self._registrations: dict[str, Registration] = {}

    def next_report_sequence(self) -> int:
        with self._lock:
            self._seq += 1
            return self._seq

    def draft_of(self, owner: str) -> Draft | None:
        return next((d for d in self._drafts.values() if d.owner == owner), None)

    def save_draft(self, draft: Draft, expected_version: int | None) -> Draft:
        with self._lock:
            known = self._drafts.get(draft.draft_id)
            if (known.version if known else None) != expected_version:
                raise StaleDraft("草稿已在别处修改，请刷新后再保存")
            saved = replace(draft, version=(expected_version or 0) + 1)
            self._drafts[draft.draft_id] = saved
            return saved

    def delete_draft(self, draft_id: str) -> None:
        self._drafts.pop(draft_id, None)

    def add_report(self, report: Report, keys: set[LinkKey], order_id: str | None) -> None:
        with self._lock:
            if report.report_id in self._reports:
                raise ValueError("report exists")
            self._reports[report.report_id] = report
            self._keys.extend((report.report_id, k) for k in sorted(keys))
            if order_id:
                self._orders[report.report_id] = order_id

    def report(self, report_id: str) -> Report | None:
        found = self._reports.get(report_id)
        if found is not None and not found.intact:
            raise ReportTampered(report_id)
        return found

    def reports(self, owner: str | None = None) -> list[Report]:
        out = [r for r in self._reports.values() if owner is None or r.owner == owner]
        return sorted(out, key=lambda r: (r.submitted_at, r.report_id))

    def order_of(self, report_id: str) -> str | None:
        return self._orders.get(report_id)

    def link_keys(self) -> list[tuple[str, LinkKey]]:
        return list(self._keys)

    def add_proposal(
        self, report_id: str, target: str, reasons: tuple[SharedKey, ...], at: datetime
    ) -> Proposal:
        with self._lock:
            p = Proposal(len(self._proposals) + 1, report_id, target, reasons, at)
            self._proposals[p.proposal_id] = p
            return p

    def proposals(self, status: ProposalStatus | None = None) -> list[Proposal]:
        return [p for p in self._proposals.values() if status is None or p.status is status]

    def decide(
        self, proposal_id: int, status: ProposalStatus, officer: str, at: datetime, note: str
    ) -> Proposal | None:
        with self._lock:
            p = self._proposals.get(proposal_id)
            if p is None or p.status is not ProposalStatus.PENDING:
                return None
            decided = replace(p, status=status, decided_by=officer, decided_at=at, note=note)
            self._proposals[proposal_id] = decided
            return decided

    def add_registration(self, registration: Registration) -> bool:
        with self._lock:
            if registration.report_id in self._registrations:
                return False
            self._registrations[registration.report_id] = registration
            return True

    def registrations(self) -> dict[str, Registration]:
        return dict(self._registrations)


__all__ = [
    "CaseOrders",
    "InMemoryMassCaseRepository",
    "KeyKind",
    "MassCaseRepository",
    "Proposal",
    "ProposalStatus",
    "ReportTampered",
    "StaleDraft",
]
