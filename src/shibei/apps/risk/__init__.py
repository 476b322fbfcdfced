"""The enterprise fund-raising risk module (涉众型风险防控, issue 6): an explainable score
per organization from the foundation's feeds, thresholds into a watchlist, verification
orders for grid workers through the work-order engine and their outcomes fed back
(docs/risk.md). Pure domain: the lake adapter is `shibei.store.risk_signals`."""

from shibei.apps.risk.evaluation import lead_months, median_lead, month_ends, top_k
from shibei.apps.risk.model import Change, Mention, OrgHistory, Outcome, Verification
from shibei.apps.risk.scoring import Contribution, RiskScore, score_all, score_org, watchlist
from shibei.apps.risk.service import (
    CommunityRisk,
    InMemoryRiskInputs,
    RiskError,
    RiskForbidden,
    RiskInputs,
    RiskNotFound,
    RiskService,
    mass_case_mentions,
)
from shibei.apps.risk.signals import SIGNALS, WATCH_THRESHOLD, Signal
from shibei.apps.risk.verification import WorkflowVerifications

__all__ = [
    "SIGNALS",
    "WATCH_THRESHOLD",
    "Change",
    "CommunityRisk",
    "Contribution",
    "InMemoryRiskInputs",
    "Mention",
    "OrgHistory",
    "Outcome",
    "RiskError",
    "RiskForbidden",
    "RiskInputs",
    "RiskNotFound",
    "RiskScore",
    "RiskService",
    "Signal",
    "Verification",
    "WorkflowVerifications",
    "lead_months",
    "mass_case_mentions",
    "median_lead",
    "month_ends",
    "score_all",
    "score_org",
    "top_k",
    "watchlist",
]
