"""重复诉求并单: same applicant, matter and place within the window → proposed, earliest
first; anything else is not."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from shibei.workflow import OrderState, WorkOrder, merge_candidates

T0 = datetime(2025, 3, 3, 9, 0)
HOUSE = "3702030050010010012020401"


def order(n: int, hours: float = 0, **changes: Any) -> WorkOrder:
    values: dict[str, Any] = {
        "id": f"FW20250303{n:06d}",
        "kind": "service",
        "matter_code": "noise",
        "title": "夜间施工噪音",
        "state": OrderState.DISPATCHED,
        "created_at": T0 + timedelta(hours=hours),
        "updated_at": T0,
        "applicant_person_id": "P1",
        "applicant_phone": "13800000000",
        "house_code": HOUSE,
        "division_code": HOUSE[:15],
    }
    values.update(changes)
    return WorkOrder(**values)


def test_the_same_request_is_proposed_for_merging_into_the_earliest() -> None:
    later = order(3, hours=50)
    recent = [order(2, hours=20), order(1, hours=0), later]
    proposals = merge_candidates(later, recent)
    assert [(p.order_id, p.into_id) for p in proposals] == [
        (later.id, "FW20250303000001"),
        (later.id, "FW20250303000002"),
    ]
    assert proposals[0].reasons == ("同一申请人", "同一事项", "同一地点", "相隔 50.0 小时")


def test_without_person_ids_the_phone_identifies_the_applicant() -> None:
    a = order(1, applicant_person_id=None)
    b = order(2, hours=1, applicant_person_id=None)
    assert [p.into_id for p in merge_candidates(b, [a])] == [a.id]
    c = order(3, hours=1, applicant_person_id=None, applicant_phone="13900000000")
    assert merge_candidates(c, [a]) == []


def test_the_same_division_counts_when_no_house_is_named() -> None:
    a = order(1, house_code=None)
    b = order(2, hours=1, house_code=None)
    assert len(merge_candidates(b, [a])) == 1


@pytest.mark.parametrize(
    ("why", "changes"),
    [
        ("another person", {"applicant_person_id": "P2"}),
        ("another matter", {"matter_code": "parking"}),
        ("another kind", {"kind": "grid_event"}),
        ("another house", {"house_code": HOUSE[:-2] + "02"}),
        ("outside the window", {"created_at": T0 - timedelta(days=8)}),
        ("later, not earlier", {"created_at": T0 + timedelta(days=1)}),
        ("already closed", {"state": OrderState.CLOSED}),
        ("withdrawn", {"state": OrderState.WITHDRAWN}),
        ("itself merged", {"state": OrderState.MERGED, "merged_into": "FW20250301000001"}),
    ],
)
def test_no_proposal_when_anything_differs(why: str, changes: dict[str, Any]) -> None:
    new = order(9, hours=2)
    assert merge_candidates(new, [order(1, **changes)]) == [], why


def test_a_replied_order_still_attracts_its_duplicates() -> None:
    assert len(merge_candidates(order(2, hours=1), [order(1, state=OrderState.REPLIED)])) == 1


def test_the_window_can_be_widened() -> None:
    old = order(1, created_at=T0 - timedelta(days=20))
    assert merge_candidates(order(2), [old]) == []
    assert len(merge_candidates(order(2), [old], window=timedelta(days=30))) == 1
