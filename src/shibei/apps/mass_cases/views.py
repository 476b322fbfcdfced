"""What leaves the intake handlers: plain dataclasses, already masked for the viewer
(pages, the JSON API and exports all show these)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class TransferView:
    paid_on: date | None
    amount: str  # yuan, 2 decimals, thousands separators
    amount_fen: int
    method: str
    method_label: str
    payee_name: str
    payee_account: str  # masked unless the viewer investigates
    payee_bank: str
    note: str


@dataclass(frozen=True, slots=True)
class AttachmentView:
    file_id: str
    name: str
    kind: str
    size: int
    label: str
    url: str


@dataclass(frozen=True, slots=True)
class ReportView:
    report_id: str
    submitted_at: datetime
    started_at: datetime
    channel: str
    reporter_name: str
    reporter_id_number: str
    reporter_phone: str
    community_code: str
    community_name: str
    reporter_address: str
    identity: str
    identity_label: str
    identity_note: str
    organization: str
    uscc: str
    suspect_person: str
    suspect_phones: list[str]
    platform: str
    suspect_address: str
    org_id: str | None
    org_link: str
    story: str
    total: str
    total_fen: int
    transfers: list[TransferView]
    attachments: list[AttachmentView]
    order_id: str | None
    cluster_id: str
    registered_at: datetime | None
    registered_by: str
    intake_minutes: float | None
    intact: bool


@dataclass(frozen=True, slots=True)
class ReasonView:
    kind: str
    label: str  # e.g. 同一收款账号 6222****1234
    report_ids: list[str]


@dataclass(frozen=True, slots=True)
class ProposalView:
    proposal_id: int
    report_id: str
    reporter_name: str
    target_report_id: str
    target_cluster_id: str
    reasons: list[ReasonView]
    status: str
    status_label: str
    created_at: datetime
    decided_by: str
    decided_at: datetime | None
    note: str
    can_decide: bool


@dataclass(frozen=True, slots=True)
class OrgView:
    org_id: str
    name: str
    uscc: str | None
    status: str
    legal_rep: str | None
    address: str | None
    why: str  # why linked / related


@dataclass(frozen=True, slots=True)
class CommunityCount:
    code: str
    name: str
    street_name: str
    victims: int
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True, slots=True)
class DayCount:
    day: date
    transfers: int
    amount_fen: int
    reports: int  # reports submitted that day


@dataclass(frozen=True, slots=True)
class ClusterSummary:
    cluster_id: str
    title: str  # the suspect as most victims name it
    names: list[str]
    victims: int
    reports: int
    total: str
    total_fen: int
    first_paid: date | None
    last_paid: date | None
    first_report: datetime
    last_report: datetime
    pending: int  # proposals waiting for an officer
    registered: int
    median_intake_minutes: float | None
    streets: list[str]


@dataclass(frozen=True, slots=True)
class ClusterDetail:
    summary: ClusterSummary
    reports: list[ReportView]
    proposals: list[ProposalView]  # proposed merges into, or out of, this cluster
    organizations: list[OrgView]
    related: list[OrgView]
    communities: list[CommunityCount]
    timeline: list[DayCount]
    can_review: bool
    can_export: bool
    can_register: bool


@dataclass(frozen=True, slots=True)
class SubmitResult:
    report: ReportView
    proposals: list[ProposalView] = field(default_factory=list)
