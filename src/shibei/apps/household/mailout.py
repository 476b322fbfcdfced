"""ID-card mail-out batches (集中受理、免费邮寄): registered orders whose applicant chose
free mail delivery, grouped per unit, day of registration and organization — an
enterprise's or school's collective acceptance (HZ0409) is one parcel with its head
count; individual applications of the day travel together as one batch.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from shibei.workflow import OrderState, WorkOrder

COLLECTIVE = "HZ0409"
"""企业学校集中受理居民身份证."""
REGISTERED = frozenset(
    {OrderState.REPLIED, OrderState.CLOSED, OrderState.VISITED, OrderState.RATED}
)
INDIVIDUAL = "个人件"


@dataclass(frozen=True, slots=True)
class MailItem:
    order_id: str
    title: str
    recipient: str  # as the applicant wrote it (the caller masks)
    address: str
    pieces: int  # cards in the envelope


@dataclass(slots=True)
class MailBatch:
    batch_no: str  # e.g. YJ05-20250303-1
    unit_code: str
    day: date
    organization: str  # the enterprise or school, or 个人件
    items: list[MailItem] = field(default_factory=list)

    @property
    def pieces(self) -> int:
        return sum(i.pieces for i in self.items)


def wants_mail(order: WorkOrder) -> bool:
    """A registered order whose cards go out by free mail."""
    form = order.payload.get("form") or {}
    mailed = form.get("delivery") == "mail" or order.matter_code == COLLECTIVE
    return mailed and order.state in REGISTERED and bool(form.get("mail_address"))


def mail_batches(orders: Iterable[WorkOrder]) -> list[MailBatch]:
    """Batches of the orders to mail, newest day first; within a day, organizations by
    name and the individual batch last."""
    groups: dict[tuple[str, date, str], MailBatch] = {}
    for order in orders:
        if not wants_mail(order):
            continue
        form = order.payload.get("form") or {}
        day = (order.replied_at or order.closed_at or order.updated_at).date()
        collective = order.matter_code == COLLECTIVE
        organization = str(form.get("org_name") or INDIVIDUAL) if collective else INDIVIDUAL
        unit = order.lead_unit or ""
        key = (unit, day, organization)
        if key not in groups:
            groups[key] = MailBatch("", unit, day, organization)
        pieces = int(form.get("headcount") or 1) if collective else 1
        groups[key].items.append(
            MailItem(
                order.id,
                order.title,
                str(form.get("applicant_name") or order.applicant_name),
                str(form.get("mail_address")),
                pieces,
            )
        )
    ordered = sorted(
        groups.values(),
        key=lambda b: (
            -b.day.toordinal(),
            b.unit_code,
            b.organization == INDIVIDUAL,
            b.organization,
        ),
    )
    counters: dict[tuple[str, date], int] = {}
    for batch in ordered:
        n = counters[(batch.unit_code, batch.day)] = (
            counters.get((batch.unit_code, batch.day), 0) + 1
        )
        batch.batch_no = f"YJ{batch.unit_code[-2:]}-{batch.day:%Y%m%d}-{n}"
        batch.items.sort(key=lambda i: i.order_id)
    return ordered
