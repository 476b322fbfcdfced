"""Grouping reports around suspects (案件簇), explainably.

Each report yields *link keys*: the suspect organization's credit code, its 法人库
organization id, a name key that forgives the usual variants (青岛/市北区 prefixes,
有限公司/有限责任公司 suffixes, full-width brackets, traditional characters, a trailing
管理/咨询/服务), each payee bank account, each phone of the suspect side and the
platform name — and, weaker, organizations related to the linked one in the 法人库 (same
legal representative, same registered address). A new report that shares a key with
reports of an existing cluster gets one *merge proposal* per cluster, listing every
shared key. Officers confirm or reject proposals; a cluster is a connected component of
reports over confirmed proposals, named after its earliest report. Reports themselves
never change.

What never links two reports: a generic payment channel (微信, 支付宝, 银行转账…), the
victim's own details, an account number that differs by one digit, a name that differs
in its distinctive part (鑫盛投资 vs 鑫盛餐饮).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Final

from shibei.apps.mass_cases.model import PaymentMethod, Report
from shibei.standardize.name import organization_name_key
from shibei.standardize.phone import normalize_phone
from shibei.standardize.text import normalize_text


class KeyKind(StrEnum):
    USCC = "uscc"
    ORG_ID = "org_id"
    ORG_NAME = "org_name"
    ACCOUNT = "account"
    PHONE = "phone"
    PLATFORM = "platform"
    RELATED_ORG = "related_org"  # an organization related to the linked one (weak)

    @property
    def label(self) -> str:
        return KEY_LABELS[self]


KEY_LABELS: Final[dict[KeyKind, str]] = {
    KeyKind.USCC: "同一统一社会信用代码",
    KeyKind.ORG_ID: "同一法人库单位",
    KeyKind.ORG_NAME: "单位名称相同（规范化后）",
    KeyKind.ACCOUNT: "同一收款账号",
    KeyKind.PHONE: "同一对方电话",
    KeyKind.PLATFORM: "同一平台",
    KeyKind.RELATED_ORG: "关联单位",
}

GENERIC_CHANNELS: Final = frozenset(
    {
        "微信", "微信支付", "微信转账", "财付通", "支付宝", "云闪付", "银联", "银行",
        "银行转账", "手机银行", "网银", "现金", "qq", "抖音", "快手", "淘宝", "京东",
        "拼多多", "pos机", "pos", "刷卡", "其他", "无", "不知道",
    }
)  # fmt: skip
"""Channels thousands of unrelated people use: naming one links nobody."""

GENERIC_SUFFIXES: Final = (
    "管理", "咨询", "服务", "顾问", "信息", "技术", "科技", "发展", "中心",
)  # fmt: skip
"""Trailing words victims often leave out (鑫盛投资管理 → 鑫盛投资)."""

_MATCHES: Final[dict[KeyKind, tuple[KeyKind, ...]]] = {
    KeyKind.USCC: (KeyKind.USCC,),
    KeyKind.ORG_ID: (KeyKind.ORG_ID,),
    KeyKind.ORG_NAME: (KeyKind.ORG_NAME,),
    KeyKind.ACCOUNT: (KeyKind.ACCOUNT,),
    KeyKind.PHONE: (KeyKind.PHONE,),
    KeyKind.PLATFORM: (KeyKind.PLATFORM,),
    KeyKind.RELATED_ORG: (KeyKind.ORG_ID,),
}
"""A key of one kind links to keys of these kinds with the same value. Relations in the
法人库 are symmetric, so a new report's related organization meeting an earlier report's
organization is enough (the other direction would repeat the same reason)."""


@dataclass(frozen=True, slots=True, order=True)
class LinkKey:
    kind: KeyKind
    value: str
    note: str = field(default="", compare=False)  # e.g. why an organization is related


def suspect_name_key(name: str) -> str:
    """A name key for the suspect organization.

    >>> suspect_name_key("青岛鑫盛投资管理有限公司") == suspect_name_key("鑫盛投資")
    True
    >>> suspect_name_key("鑫盛投资") == suspect_name_key("鑫盛餐饮管理有限公司")
    False
    """
    key = organization_name_key(name).lower()
    changed = True
    while changed:
        changed = False
        for word in GENERIC_SUFFIXES:
            if key.endswith(word) and len(key) - len(word) >= 2:
                key = key[: -len(word)]
                changed = True
    return key


LOCAL_PREFIXES: Final = ("青岛市市北区", "青岛市北区", "青岛市市北", "青岛市北", "市北区", "市北")
""""青岛市北…" reads as 青岛市 + 北… or as 青岛 + 市北…: both readings are kept."""


def suspect_name_keys(name: str) -> set[str]:
    """Every name key of `name`: `suspect_name_key` of the name, and of the name with a
    local prefix (青岛市北, 市北…) taken off, so 青岛市北示例商贸 and 市北示例商贸 share one.

    >>> suspect_name_keys("市北示例商贸") & suspect_name_keys("青岛市北示例商贸有限公司")
    {'示例商贸'}
    """
    full = "".join(normalize_text(name).split())
    keys = {suspect_name_key(full)}
    for prefix in LOCAL_PREFIXES:
        if full.startswith(prefix) and len(full) > len(prefix) + 1:
            keys.add(suspect_name_key(full[len(prefix) :]))
    return {k for k in keys if len(k) >= 2}


def platform_key(name: str) -> str | None:
    """A platform's key, or None for a generic channel (微信, 支付宝…) or nothing."""
    text = "".join(normalize_text(name).lower().split())
    for suffix in ("app", "平台", "小程序", "公众号", "网站", "群"):
        if text.endswith(suffix) and len(text) > len(suffix) + 1:
            text = text[: -len(suffix)]
    if len(text) < 2 or text in GENERIC_CHANNELS:
        return None
    return text


def report_keys(report: Report, related_orgs: Mapping[str, str] | None = None) -> set[LinkKey]:
    """The link keys of one report. `related_orgs`: org id → why it is related to the
    report's linked organization (from the 法人库)."""
    s = report.suspect
    keys: set[LinkKey] = set()
    if s.uscc:
        keys.add(LinkKey(KeyKind.USCC, s.uscc))
    if report.org_id:
        keys.add(LinkKey(KeyKind.ORG_ID, report.org_id))
    for name in suspect_name_keys(s.organization) if s.organization else ():
        keys.add(LinkKey(KeyKind.ORG_NAME, name))
    for phone in s.phones:
        parsed = normalize_phone(phone)
        if parsed.valid and parsed.kind != "service":
            keys.add(LinkKey(KeyKind.PHONE, parsed.value))
    platforms = [s.platform] + [
        t.payee_bank for t in report.transfers if t.method is PaymentMethod.PLATFORM
    ]
    for platform in platforms:
        if platform and (pk := platform_key(platform)):
            keys.add(LinkKey(KeyKind.PLATFORM, pk))
    for t in report.transfers:
        if len(t.payee_account) >= 8:
            keys.add(LinkKey(KeyKind.ACCOUNT, t.payee_account))
    for org_id, why in (related_orgs or {}).items():
        if org_id != report.org_id:
            keys.add(LinkKey(KeyKind.RELATED_ORG, org_id, why))
    # the victim's own phone is never a suspect key (victims type it in the wrong box)
    return {k for k in keys if not (k.kind is KeyKind.PHONE and k.value == report.reporter.phone)}


@dataclass(frozen=True, slots=True)
class SharedKey:
    """One reason to merge: a key of the new report found on reports of the cluster."""

    kind: KeyKind
    value: str
    report_ids: tuple[str, ...]  # the cluster's reports carrying it
    note: str = ""


@dataclass(frozen=True, slots=True)
class Candidate:
    """A cluster the new report shares keys with: propose merging into `target`."""

    target_report_id: str  # the cluster's earliest report sharing a key
    reasons: tuple[SharedKey, ...]

    @property
    def weak(self) -> bool:
        """Only related organizations link the report to this cluster."""
        return all(r.kind is KeyKind.RELATED_ORG for r in self.reasons)


class KeyIndex:
    """Link keys of every report, by value, to find which reports a new one touches."""

    def __init__(self) -> None:
        self._by_key: dict[tuple[KeyKind, str], list[str]] = defaultdict(list)
        self._notes: dict[tuple[KeyKind, str, str], str] = {}

    def add(self, report_id: str, keys: Iterable[LinkKey]) -> None:
        for k in keys:
            self._by_key[(k.kind, k.value)].append(report_id)
            if k.note:
                self._notes[(k.kind, k.value, report_id)] = k.note

    def touching(self, keys: Iterable[LinkKey]) -> dict[str, list[SharedKey]]:
        """Report id → the keys (of the new report) it shares, with their kinds matched
        by `_MATCHES` (an organization id meets a related organization)."""
        found: dict[str, list[SharedKey]] = defaultdict(list)
        for k in sorted(keys):
            for kind in _MATCHES[k.kind]:
                for rid in self._by_key.get((kind, k.value), ()):
                    note = k.note or self._notes.get((kind, k.value, rid), "")
                    found[rid].append(SharedKey(k.kind, k.value, (rid,), note))
        return found


def candidates(
    touching: Mapping[str, Sequence[SharedKey]],
    cluster_of: Mapping[str, str],
    order: Mapping[str, datetime],
) -> list[Candidate]:
    """Group the touched reports by their current cluster (`cluster_of`: report id →
    the cluster's earliest report id) into one candidate per cluster, its reasons merged
    per key (listing every report of the cluster that carries the key)."""
    by_cluster: dict[str, dict[tuple[KeyKind, str], SharedKey]] = defaultdict(dict)
    for rid, shared in touching.items():
        cluster = cluster_of.get(rid, rid)
        for s in shared:
            known = by_cluster[cluster].get((s.kind, s.value))
            ids = (*known.report_ids, rid) if known else (rid,)
            by_cluster[cluster][(s.kind, s.value)] = SharedKey(
                s.kind, s.value, tuple(sorted(set(ids))), s.note
            )
    out = []
    for reasons in by_cluster.values():
        # merge with the earliest report that really shares a key (explainable, and
        # right even when the cluster itself is only provisional)
        strong = [r for r in reasons.values() if r.kind is not KeyKind.RELATED_ORG]
        touched = {rid for r in (strong or reasons.values()) for rid in r.report_ids}
        target = min(touched, key=lambda rid: (order.get(rid, datetime.max), rid))
        ranked = tuple(sorted(reasons.values(), key=lambda r: (r.kind, r.value)))
        out.append(Candidate(target, ranked))
    if any(not c.weak for c in out):
        # a related organization is a hint worth an officer's look only when nothing
        # stronger links the report (its later siblings follow through the strong link)
        out = [c for c in out if not c.weak]
    return sorted(
        out, key=lambda c: (order.get(c.target_report_id, datetime.max), c.target_report_id)
    )


def components(
    report_order: Mapping[str, datetime], edges: Iterable[tuple[str, str]]
) -> dict[str, str]:
    """Union-find over confirmed merges: report id → its cluster id (the id of the
    earliest report in its component; ties broken by id)."""
    parent = {rid: rid for rid in report_order}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def rank(x: str) -> tuple[datetime, str]:
        return (report_order[x], x)

    for a, b in edges:
        if a not in parent or b not in parent:
            continue
        ra, rb = find(a), find(b)
        if ra == rb:
            continue
        first, second = (ra, rb) if rank(ra) <= rank(rb) else (rb, ra)
        parent[second] = first
    return {rid: find(rid) for rid in parent}


@dataclass(frozen=True, slots=True)
class ClusterFigures:
    """What the officer list shows of one cluster."""

    cluster_id: str
    report_ids: tuple[str, ...]
    victims: int  # distinct ID numbers
    total_fen: int
    first_paid: date | None
    last_paid: date | None
    first_report: datetime
    last_report: datetime
    communities: dict[str, int]  # community code → victims
    org_ids: tuple[str, ...]
    names: tuple[str, ...]  # organization names as victims wrote them, most frequent first


def figures(cluster_id: str, reports: Sequence[Report]) -> ClusterFigures:
    victims: dict[str, str] = {}
    for r in reports:
        victims.setdefault(r.reporter.id_number.upper() or r.report_id, r.community_code)
    dates = [t.paid_on for r in reports for t in r.transfers if t.paid_on]
    names = Counter(r.suspect.organization for r in reports if r.suspect.organization)
    return ClusterFigures(
        cluster_id,
        tuple(r.report_id for r in reports),
        len(victims),
        sum(r.total_fen for r in reports),
        min(dates) if dates else None,
        max(dates) if dates else None,
        min(r.submitted_at for r in reports),
        max(r.submitted_at for r in reports),
        dict(Counter(c for c in victims.values() if c)),
        tuple(sorted({r.org_id for r in reports if r.org_id})),
        tuple(n for n, _ in names.most_common()),
    )
