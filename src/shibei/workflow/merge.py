"""重复诉求并单: the same person asking about the same matter at the same place within a
window is proposed for merging into the earliest open order. Proposals only: an officer
confirms with the `merge` action (the later order ends as 已并单, pointing at the
earlier one)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Final

from shibei.workflow.model import WorkOrder

DEFAULT_WINDOW: Final = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class MergeProposal:
    order_id: str  # the later order, to be merged
    into_id: str  # the earlier order it duplicates
    reasons: tuple[str, ...]  # Chinese, for the page


def same_applicant(a: WorkOrder, b: WorkOrder) -> bool:
    """Same person id when both have one; else the same phone number."""
    if a.applicant_person_id and b.applicant_person_id:
        return a.applicant_person_id == b.applicant_person_id
    return bool(a.applicant_phone) and a.applicant_phone == b.applicant_phone


def same_place(a: WorkOrder, b: WorkOrder) -> bool:
    """Same house when both name one; else the same division code."""
    if a.house_code and b.house_code:
        return a.house_code == b.house_code
    return bool(a.place_code) and a.place_code == b.place_code


def merge_candidates(
    order: WorkOrder, recent: Iterable[WorkOrder], window: timedelta = DEFAULT_WINDOW
) -> list[MergeProposal]:
    """Earlier open orders that `order` duplicates, earliest first.

    A candidate has the same kind and matter code, the same applicant (`same_applicant`),
    the same place (`same_place`), was created at most `window` before `order`, and is
    still open or merely replied (not refused, withdrawn, merged or closed)."""
    found: list[tuple[WorkOrder, MergeProposal]] = []
    for other in recent:
        if other.id == order.id or other.merged_into or other.state.final:
            continue
        if not (other.state.open or other.state.value == "replied"):
            continue
        age = order.created_at - other.created_at
        if age < timedelta(0) or age > window:
            continue
        if other.kind != order.kind or other.matter_code != order.matter_code:
            continue
        if not (same_applicant(order, other) and same_place(order, other)):
            continue
        hours = age.total_seconds() / 3600
        reasons = ("同一申请人", "同一事项", "同一地点", f"相隔 {hours:.1f} 小时")
        found.append((other, MergeProposal(order.id, other.id, reasons)))
    found.sort(key=lambda pair: (pair[0].created_at, pair[0].id))
    return [proposal for _, proposal in found]
