"""What a resident types, as text (a form post or the mini-program's JSON), and how it
becomes a draft: leniently — a draft keeps what it can and says what is wrong, so a
victim on a slow phone never loses work to one bad field."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from shibei.apps.mass_cases.model import (
    MAX_TRANSFERS,
    Draft,
    PaymentMethod,
    Reporter,
    Suspect,
    Transfer,
    digits_of,
    parse_amount,
)


@dataclass(frozen=True, slots=True)
class TransferInput:
    paid_on: str = ""  # YYYY-MM-DD
    amount: str = ""  # yuan as written
    method: str = "bank"
    payee_name: str = ""
    payee_account: str = ""
    payee_bank: str = ""
    note: str = ""

    def blank(self) -> bool:
        return not any(
            (self.paid_on, self.amount, self.payee_name, self.payee_account, self.payee_bank)
        )


@dataclass(frozen=True, slots=True)
class DraftInput:
    name: str = ""
    id_number: str = ""
    phone: str = ""
    community_code: str = ""
    address: str = ""
    organization: str = ""
    uscc: str = ""
    suspect_person: str = ""
    suspect_phones: str = ""  # several separated by spaces, commas or 、
    platform: str = ""
    suspect_address: str = ""
    story: str = ""
    transfers: list[TransferInput] = field(default_factory=list)


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip()) if text.strip() else None
    except ValueError:
        return None


def _clip(text: str, n: int = 200) -> str:
    return (text or "").strip()[:n]


def apply_input(draft: Draft, data: DraftInput) -> tuple[Draft, dict[str, str]]:
    """The draft with `data` applied, and the problems found while parsing (an amount
    that is not a number, a date that is not a date). Blank transfer rows are dropped."""
    problems: dict[str, str] = {}
    transfers: list[Transfer] = []
    rows = [t for t in data.transfers if not t.blank()][:MAX_TRANSFERS]
    for i, t in enumerate(rows, start=1):
        try:
            amount = parse_amount(t.amount)
        except ValueError as exc:
            problems[f"transfers.{i}"] = f"第 {i} 笔{exc}"
            amount = 0
        paid_on = _date(t.paid_on)
        if paid_on is None and t.paid_on.strip():
            problems[f"transfers.{i}"] = f"第 {i} 笔日期格式应为 年-月-日"
        try:
            method = PaymentMethod(t.method)
        except ValueError:
            method = PaymentMethod.OTHER
        transfers.append(
            Transfer(
                paid_on,
                amount,
                method,
                _clip(t.payee_name, 100),
                digits_of(t.payee_account)[:30],
                _clip(t.payee_bank, 100),
                _clip(t.note, 100),
            )
        )
    phones = [
        p
        for p in (
            data.suspect_phones.replace("，", " ").replace(",", " ").replace("、", " ").split()
        )
        if p
    ][:5]
    reporter = Reporter(
        name=_clip(data.name, 30),
        id_number=_clip(data.id_number, 20),
        phone=_clip(data.phone, 20),
        community_code=_clip(data.community_code, 12),
        address=_clip(data.address),
        person_id=draft.reporter.person_id,
    )
    suspect = Suspect(
        organization=_clip(data.organization, 100),
        uscc=_clip(data.uscc, 20),
        person=_clip(data.suspect_person, 50),
        phones=tuple(phones),
        platform=_clip(data.platform, 60),
        address=_clip(data.suspect_address),
    )
    updated = replace(
        draft,
        reporter=reporter,
        suspect=suspect,
        transfers=tuple(transfers),
        story=(data.story or "")[:3000],
    )
    return updated, problems


def input_of(draft: Draft) -> DraftInput:
    """The draft as the form shows it (for re-rendering)."""
    r, s = draft.reporter, draft.suspect
    return DraftInput(
        name=r.name,
        id_number=r.id_number,
        phone=r.phone,
        community_code=r.community_code,
        address=r.address,
        organization=s.organization,
        uscc=s.uscc,
        suspect_person=s.person,
        suspect_phones=" ".join(s.phones),
        platform=s.platform,
        suspect_address=s.address,
        story=draft.story,
        transfers=[
            TransferInput(
                t.paid_on.isoformat() if t.paid_on else "",
                f"{t.amount_fen / 100:.2f}" if t.amount_fen else "",
                t.method.value,
                t.payee_name,
                t.payee_account,
                t.payee_bank,
                t.note,
            )
            for t in draft.transfers
        ],
    )
