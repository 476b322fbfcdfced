"""What a draft must hold before it becomes a report, and the real-name check against the
foundation. Pure: standardization functions and the foundation's views only."""

from __future__ import annotations

from collections.abc import Container
from dataclasses import replace
from datetime import date

from shibei.apps.mass_cases.model import (
    EARLIEST_TRANSFER,
    MAX_AMOUNT_FEN,
    MAX_ATTACHMENTS,
    MAX_TRANSFERS,
    Draft,
    IdentityCheck,
    PaymentMethod,
    ReportInvalid,
)
from shibei.foundation.reader import PersonView
from shibei.standardize.id_number import check_id_number
from shibei.standardize.name import normalize_person_name
from shibei.standardize.phone import normalize_phone
from shibei.standardize.uscc import check_uscc

MAX_TEXT = 200
MAX_STORY = 3000


def _too_long(value: str, limit: int = MAX_TEXT) -> bool:
    return len(value) > limit or any(ch < " " and ch not in "\n\r\t" for ch in value)


def normalized(draft: Draft) -> Draft:
    """The draft with identifiers in standard form (ID number upper-case, phones
    normalized, USCC without spaces), so that what is stored compares well."""
    r, s = draft.reporter, draft.suspect
    id_check = check_id_number(r.id_number) if r.id_number else None
    phone = normalize_phone(r.phone) if r.phone else None
    phones = []
    for raw in s.phones:
        p = normalize_phone(raw)
        phones.append(p.value if p.valid else raw.strip())
    uscc = check_uscc(s.uscc).value if s.uscc.strip() else ""
    return replace(
        draft,
        reporter=replace(
            r,
            name=normalize_person_name(r.name) if r.name.strip() else "",
            id_number=id_check.value if id_check and id_check.valid else r.id_number.strip(),
            phone=phone.value if phone and phone.valid else r.phone.strip(),
        ),
        suspect=replace(
            s,
            organization=s.organization.strip(),
            person=s.person.strip(),
            platform=s.platform.strip(),
            uscc=uscc,
            phones=tuple(p for p in dict.fromkeys(phones) if p),
        ),
    )


def problems_of(draft: Draft, communities: Container[str], today: date) -> dict[str, str]:
    """Field → Chinese message for everything that stops `draft` from being submitted
    (an empty dict when it may be). `communities`: the known community codes."""
    problems: dict[str, str] = {}
    r, s = draft.reporter, draft.suspect
    if not r.name.strip() or _too_long(r.name, 30):
        problems["reporter.name"] = "请填写报案人真实姓名"
    if not check_id_number(r.id_number).valid:
        problems["reporter.id_number"] = "公民身份号码不正确，请核对"
    if not normalize_phone(r.phone).valid:
        problems["reporter.phone"] = "联系电话不正确"
    if r.community_code and r.community_code not in communities:
        problems["reporter.community_code"] = "请选择居住的社区"
    if not r.community_code and not r.address.strip():
        problems["reporter.address"] = "请选择社区或填写住址"
    if _too_long(r.address):
        problems["reporter.address"] = "住址过长"
    if not any((s.organization, s.person, s.platform, s.uscc, s.phones)) and not any(
        t.payee_account for t in draft.transfers
    ):
        problems["suspect"] = "请至少填写涉案单位、联系人、平台或收款账号中的一项"
    if s.uscc and not check_uscc(s.uscc).valid:
        problems["suspect.uscc"] = "统一社会信用代码不正确，不确定可不填"
    for label, value in (("organization", s.organization), ("person", s.person)):
        if _too_long(value, 100):
            problems[f"suspect.{label}"] = "内容过长"
    if any(not normalize_phone(p).valid for p in s.phones):
        problems["suspect.phones"] = "对方电话号码不正确"
    if not draft.transfers:
        problems["transfers"] = "请至少填写一笔转账或交款"
    if len(draft.transfers) > MAX_TRANSFERS:
        problems["transfers"] = f"转账明细最多 {MAX_TRANSFERS} 笔，更多请上传流水"
    for i, t in enumerate(draft.transfers, start=1):
        where = f"transfers.{i}"
        if not 0 < t.amount_fen <= MAX_AMOUNT_FEN:
            problems[where] = f"第 {i} 笔金额不正确"
        elif t.paid_on is None or not EARLIEST_TRANSFER <= t.paid_on <= today:
            problems[where] = f"第 {i} 笔日期不正确"
        elif t.method is PaymentMethod.BANK and not 8 <= len(t.payee_account) <= 25:
            problems[where] = f"第 {i} 笔是银行转账，请填写对方收款账号"
        elif t.method is PaymentMethod.PLATFORM and not (t.payee_bank or s.platform):
            problems[where] = f"第 {i} 笔请填写平台名称"
        elif any(_too_long(x, 100) for x in (t.payee_name, t.payee_bank, t.note)):
            problems[where] = f"第 {i} 笔内容过长"
    if len(draft.attachments) > MAX_ATTACHMENTS:
        problems["attachments"] = f"材料最多 {MAX_ATTACHMENTS} 个"
    if _too_long(draft.story, MAX_STORY):
        problems["story"] = f"经过不超过 {MAX_STORY} 字"
    return problems


def check_submittable(draft: Draft, communities: Container[str], today: date) -> None:
    """Raise `ReportInvalid` with every problem at once."""
    problems = problems_of(draft, communities, today)
    if problems:
        raise ReportInvalid(problems)


def check_identity(draft: Draft, person: PersonView | None) -> tuple[IdentityCheck, str]:
    """Compare the typed name and ID number with the foundation person of the account.

    >>> check_identity(draft, None)  # doctest: +SKIP
    (IdentityCheck.UNCHECKED, '人口库无此账号对应人员')
    """
    if person is None or not person.id_number:
        return IdentityCheck.UNCHECKED, "人口库中没有可比对的记录"
    r = draft.reporter
    same_id = person.id_number.upper() == r.id_number.upper()
    same_name = normalize_person_name(person.name) == r.name
    if same_id and same_name:
        return IdentityCheck.VERIFIED, "姓名、公民身份号码与人口库一致"
    wrong = "、".join(x for x, ok in (("姓名", same_name), ("公民身份号码", same_id)) if not ok)
    return IdentityCheck.MISMATCH, f"{wrong}与人口库不一致，需现场核验"
