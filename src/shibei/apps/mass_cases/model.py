"""A mass-case report (涉众案件报案) and its parts: the victim, the suspect they paid, the
transfers (one row each), attached files. Plain frozen dataclasses, no engine.

A *draft* belongs to its reporter and changes until it is submitted; the submitted
*report* is evidence and never changes: it carries a sha256 over its canonical content
(`Report.content_hash`) that the repository checks on every read. What happens to a
report afterwards (registration, cluster links) lives in separate records.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, Final


class PaymentMethod(StrEnum):
    BANK = "bank"  # 银行转账: a payee account number
    PLATFORM = "platform"  # 网络平台/App 充值: a platform name (and maybe an account)
    CASH = "cash"  # 现金: handed over at an office, a meeting, a door
    OTHER = "other"  # 其他 (POS 刷卡, 第三方支付…)

    @property
    def label(self) -> str:
        return PAYMENT_LABELS[self]


PAYMENT_LABELS: Final[dict[PaymentMethod, str]] = {
    PaymentMethod.BANK: "银行转账",
    PaymentMethod.PLATFORM: "网络平台",
    PaymentMethod.CASH: "现金",
    PaymentMethod.OTHER: "其他",
}

MAX_TRANSFERS: Final = 60
MAX_ATTACHMENTS: Final = 12
MAX_AMOUNT_FEN: Final = 100_000_000_000  # 10 亿元 per transfer: anything above is a typo
EARLIEST_TRANSFER: Final = date(2000, 1, 1)


class ReportInvalid(ValueError):
    """A draft that cannot be submitted: `problems` maps a field to a Chinese message."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("；".join(problems.values()))
        self.problems = problems


def parse_amount(text: str) -> int:
    """Yuan as written by a victim → fen (int). Accepts 12,345.67, 12345 元, 1.5万, ¥800.

    >>> parse_amount("1.5万")
    1500000
    """
    cleaned = re.sub(r"[\s,，¥￥元]", "", text or "")
    factor = Decimal(1)
    if cleaned.endswith("万"):
        cleaned, factor = cleaned[:-1], Decimal(10000)
    if not re.fullmatch(r"\d+(\.\d{1,2})?", cleaned):
        raise ValueError("金额格式不正确")
    try:
        value = Decimal(cleaned) * factor * 100
    except InvalidOperation as exc:
        raise ValueError("金额格式不正确") from exc
    if value != value.to_integral_value():
        raise ValueError("金额最多精确到分")
    return int(value)


def yuan(fen: int) -> str:
    """12345678 → '123,456.78'."""
    return f"{Decimal(fen) / 100:,.2f}"


def digits_of(text: str | None) -> str:
    """An account or card number as digits only ('6222 0216-0000 1234' → '622202160000…')."""
    return "".join(ch for ch in (text or "") if ch.isdigit())


@dataclass(frozen=True, slots=True)
class Transfer:
    """One payment the victim made."""

    paid_on: date | None
    amount_fen: int
    method: PaymentMethod
    payee_name: str = ""  # account holder or the person who took the cash
    payee_account: str = ""  # digits only
    payee_bank: str = ""  # bank name, or the platform for PLATFORM
    note: str = ""


@dataclass(frozen=True, slots=True)
class Suspect:
    """Who the victim paid, as the victim knows them."""

    organization: str = ""  # company or shop name as written
    uscc: str = ""  # 统一社会信用代码, if the contract shows it
    person: str = ""  # salesman, boss, "经理"
    phones: tuple[str, ...] = ()  # normalized where possible
    platform: str = ""  # app / website / WeChat group name
    address: str = ""  # where the victim went (office, seminar room)


@dataclass(frozen=True, slots=True)
class Attachment:
    """A stored upload (contract, transfer receipt): a reference, not the bytes."""

    file_id: str
    name: str
    kind: str  # jpeg | png | pdf
    size: int
    sha256: str
    label: str = ""  # 合同 | 转账凭证 | 其他


@dataclass(frozen=True, slots=True)
class Reporter:
    """The victim: real-name details as typed, and where they live."""

    name: str = ""
    id_number: str = ""
    phone: str = ""
    community_code: str = ""  # 12-digit community code
    address: str = ""
    person_id: str | None = None  # the account's person in the foundation


@dataclass(frozen=True, slots=True)
class Draft:
    """A report being written. `started_at` is the victim's arrival for intake timing."""

    draft_id: str
    owner: str  # account username
    started_at: datetime
    updated_at: datetime
    reporter: Reporter = field(default_factory=Reporter)
    suspect: Suspect = field(default_factory=Suspect)
    transfers: tuple[Transfer, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    story: str = ""  # 经过: how they were drawn in
    channel: str = "online"  # online (phone) | counter (an officer typed it)
    version: int = 1


class IdentityCheck(StrEnum):
    VERIFIED = "verified"  # name and ID number match the account's foundation person
    MISMATCH = "mismatch"  # the foundation knows this person differently
    UNCHECKED = "unchecked"  # no foundation record to compare with

    @property
    def label(self) -> str:
        return {"verified": "已核验", "mismatch": "不一致", "unchecked": "未核验"}[self.value]


@dataclass(frozen=True, slots=True)
class Report:
    """A submitted report: immutable evidence."""

    report_id: str
    owner: str
    started_at: datetime
    submitted_at: datetime
    reporter: Reporter
    suspect: Suspect
    transfers: tuple[Transfer, ...]
    attachments: tuple[Attachment, ...]
    story: str
    channel: str
    identity: IdentityCheck
    identity_note: str = ""
    org_id: str | None = None  # the 法人库 organization the suspect was linked to
    org_link: str = ""  # why (统一社会信用代码一致 / 名称一致…)
    content_hash: str = ""

    @property
    def total_fen(self) -> int:
        return sum(t.amount_fen for t in self.transfers)

    @property
    def community_code(self) -> str:
        return self.reporter.community_code

    def canonical(self) -> dict[str, Any]:
        """Everything but the hash, in a stable JSON-able form."""
        data = asdict(self)
        data.pop("content_hash")
        return data

    def computed_hash(self) -> str:
        text = json.dumps(self.canonical(), ensure_ascii=False, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()

    def sealed(self) -> Report:
        """This report with its content hash set."""
        from dataclasses import replace

        return replace(self, content_hash=self.computed_hash())

    @property
    def intact(self) -> bool:
        return bool(self.content_hash) and self.content_hash == self.computed_hash()


@dataclass(frozen=True, slots=True)
class Registration:
    """An officer registered (受理登记) the report: intake is over for this victim."""

    report_id: str
    registered_at: datetime
    officer: str
    order_id: str | None = None

    def minutes_from(self, arrived: datetime) -> float:
        return (self.registered_at - arrived).total_seconds() / 60
