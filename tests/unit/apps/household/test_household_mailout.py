"""ID-card mail-out batches."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from shibei.apps.household.mailout import mail_batches
from shibei.workflow import OrderState, WorkOrder

DAY = datetime(2025, 6, 3, 10)


def _order(
    n: int,
    matter: str,
    form: dict[str, Any],
    state: OrderState = OrderState.CLOSED,
    unit: str = "370203P05",
    closed: datetime = DAY,
) -> WorkOrder:
    return WorkOrder(
        id=f"HJ20250601{n:06d}",
        kind="household",
        matter_code=matter,
        title="居民身份证到期换领" if matter != "HZ0409" else "企业学校集中受理居民身份证",
        state=state,
        created_at=datetime(2025, 6, 1, 9),
        updated_at=closed,
        lead_unit=unit,
        applicant_name=str(form.get("applicant_name", "")),
        replied_at=closed,
        closed_at=closed,
        payload={"form": form},
    )


def test_batches_per_unit_day_and_organization() -> None:
    mail = {"delivery": "mail", "mail_address": "市北区辽宁路1号", "applicant_name": "张三"}
    orders = [
        _order(1, "HZ0402", mail),
        _order(2, "HZ0403", {**mail, "applicant_name": "李四"}),
        _order(3, "HZ0402", {**mail, "delivery": "window"}),  # picked up at the window
        _order(4, "HZ0402", mail, state=OrderState.HANDLING),  # not registered yet
        _order(
            5,
            "HZ0409",
            {"org_name": "青岛某中学", "headcount": 120, "mail_address": "市北区某路2号"},
        ),
        _order(6, "HZ0402", mail, unit="370203P06"),
        _order(7, "HZ0402", mail, closed=datetime(2025, 6, 2, 15)),
    ]
    batches = mail_batches(orders)
    summary = [
        (b.batch_no, b.organization, b.pieces, [i.order_id[-1] for i in b.items]) for b in batches
    ]
    assert summary == [
        ("YJ05-20250603-1", "青岛某中学", 120, ["5"]),
        ("YJ05-20250603-2", "个人件", 2, ["1", "2"]),
        ("YJ06-20250603-1", "个人件", 1, ["6"]),
        ("YJ05-20250602-1", "个人件", 1, ["7"]),
    ]
    assert batches[1].items[1].recipient == "李四"


def test_no_address_no_batch() -> None:
    assert mail_batches([_order(1, "HZ0402", {"delivery": "mail"})]) == []
