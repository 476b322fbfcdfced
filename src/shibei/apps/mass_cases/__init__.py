"""Mass-victim case intake (涉众案件接报): a victim's real-name report with per-transfer
rows and attachments, drafts, immutable submitted reports, clustering around suspects
with explainable merge proposals that officers confirm or reject, registration timing,
the case file. Pure domain; storage behind `MassCaseRepository`, work orders behind
`CaseOrders` (docs/mass-cases.md)."""

from shibei.apps.mass_cases.clustering import (
    KeyKind,
    LinkKey,
    platform_key,
    report_keys,
    suspect_name_key,
)
from shibei.apps.mass_cases.drafts import DraftInput, TransferInput, input_of
from shibei.apps.mass_cases.model import (
    Attachment,
    Draft,
    IdentityCheck,
    PaymentMethod,
    Registration,
    Report,
    ReportInvalid,
    Transfer,
    parse_amount,
    yuan,
)
from shibei.apps.mass_cases.ports import (
    CaseOrders,
    InMemoryMassCaseRepository,
    MassCaseRepository,
    Proposal,
    ProposalStatus,
    ReportTampered,
    StaleDraft,
)
from shibei.apps.mass_cases.service import (
    IntakeConflict,
    IntakeDenied,
    IntakeNotFound,
    MassCaseService,
    Requester,
    mask_account,
)
from shibei.apps.mass_cases.views import ClusterDetail, ClusterSummary, ReportView, SubmitResult

__all__ = [
    "Attachment",
    "CaseOrders",
    "ClusterDetail",
    "ClusterSummary",
    "Draft",
    "DraftInput",
    "IdentityCheck",
    "InMemoryMassCaseRepository",
    "IntakeConflict",
    "IntakeDenied",
    "IntakeNotFound",
    "KeyKind",
    "LinkKey",
    "MassCaseRepository",
    "MassCaseService",
    "PaymentMethod",
    "Proposal",
    "ProposalStatus",
    "Registration",
    "Report",
    "ReportInvalid",
    "ReportTampered",
    "ReportView",
    "Requester",
    "StaleDraft",
    "SubmitResult",
    "Transfer",
    "TransferInput",
    "input_of",
    "mask_account",
    "parse_amount",
    "platform_key",
    "report_keys",
    "suspect_name_key",
    "yuan",
]
