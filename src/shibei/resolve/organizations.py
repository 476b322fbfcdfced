"""Organization resolution: a valid USCC first; then the name without legal-form and
region affixes (`org_name_key`) together with the address or the legal representative.

A mention without a valid USCC joins the USCC organization that has its name key and
shares its address (house or address code) or legal representative; when only one USCC
organization has that name key and the mention gives neither address nor representative,
it joins that one. The rest group by name key + address (or representative).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from shibei.resolve.model import _column

_ROLE_AUTHORITY = ("registry", "change", "annual_report", "employer", "owner", "dispute")


@dataclass(frozen=True, slots=True)
class OrgMention:
    """One row of `mentions/organizations` (docs/pipeline.md)."""

    mention_id: str
    source: str
    batch: str = ""
    row: int = 0
    role: str = ""
    name: str | None = None
    org_name_key: str | None = None
    uscc_raw: str | None = None
    uscc_std: str | None = None
    legal_rep_name_key: str | None = None
    house_code: str | None = None
    address_code: str | None = None
    observed_on: date | None = None
    status: str | None = None

    @classmethod
    def from_columns(cls, columns: dict[str, list[Any]], rows: int) -> list[OrgMention]:
        """Mentions from one Parquet file's columns (`model._column` says how each is read)."""
        return [
            cls(*values)
            for values in zip(
                *(_column(columns, f, rows, kind) for f, kind in _ORG_FIELDS.items()), strict=True
            )
        ]


_ORG_FIELDS: dict[str, str] = {
    "mention_id": "str", "source": "text", "batch": "text", "row": "int", "role": "text",
    "name": "opt", "org_name_key": "opt", "uscc_raw": "opt", "uscc_std": "opt",
    "legal_rep_name_key": "opt", "house_code": "opt", "address_code": "opt",
    "observed_on": "date", "status": "opt",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class OrgLinkage:
    cluster: list[int]
    method: list[str]  # "uscc" | "name_address" | "singleton"


def link_organizations(mentions: Sequence[OrgMention]) -> OrgLinkage:
    label: list[str | None] = [None] * len(mentions)
    method = ["singleton"] * len(mentions)
    groups: dict[str, list[int]] = defaultdict(list)
    for i, m in enumerate(mentions):
        if m.uscc_std:
            label[i] = f"uscc:{m.uscc_std}"
            method[i] = "uscc"
            groups[label[i] or ""].append(i)
    by_name: dict[str, set[str]] = defaultdict(set)
    places: dict[str, set[str]] = defaultdict(set)
    reps: dict[str, set[str]] = defaultdict(set)
    for key, members in groups.items():
        for i in members:
            m = mentions[i]
            if m.org_name_key:
                by_name[m.org_name_key].add(key)
            places[key] |= {c for c in (m.house_code, m.address_code) if c}
            if m.legal_rep_name_key:
                reps[key].add(m.legal_rep_name_key)
    for i, m in enumerate(mentions):
        if label[i] is not None or not m.org_name_key:
            continue
        candidates = sorted(by_name.get(m.org_name_key, ()))
        mine = {c for c in (m.house_code, m.address_code) if c}
        agreeing = [
            c
            for c in candidates
            if mine & places[c] or (m.legal_rep_name_key and m.legal_rep_name_key in reps[c])
        ]
        if len(agreeing) == 1:
            label[i], method[i] = agreeing[0], "name_address"
        elif len(candidates) == 1 and not mine and not m.legal_rep_name_key:
            label[i], method[i] = candidates[0], "name_address"
        else:
            where = m.address_code or m.house_code or m.legal_rep_name_key or ""
            label[i] = f"name:{m.org_name_key}@{where}"
    for i, m in enumerate(mentions):
        if label[i] is None:
            label[i] = f"mention:{m.mention_id}"
    keys = sorted({lb for lb in label if lb is not None})
    number = {k: n for n, k in enumerate(keys)}
    size: dict[str, int] = defaultdict(int)
    for lb in label:
        size[lb or ""] += 1
    for i, lb in enumerate(label):
        if method[i] == "singleton" and size[lb or ""] > 1:
            method[i] = "name_address"
    return OrgLinkage([number[lb or ""] for lb in label], method)


def golden_organization(
    org_id: str, mentions: Sequence[OrgMention], legal_rep_person_id: str | None
) -> dict[str, Any]:
    """The `organizations.parquet` row: registry first, then the freshest."""

    def order(m: OrgMention) -> tuple[Any, ...]:
        role = _ROLE_AUTHORITY.index(m.role) if m.role in _ROLE_AUTHORITY else 99
        return (role, -(m.observed_on or date.min).toordinal(), m.mention_id)

    ranked = sorted(mentions, key=order)
    row: dict[str, Any] = {"org_id": org_id}

    def pick(attr: str, candidates: list[OrgMention], value: Any) -> None:
        chosen = candidates[0] if candidates else None
        row[attr] = value(chosen) if chosen else None
        row[f"{attr}_source"] = f"{chosen.source}:{chosen.batch}:{chosen.row}" if chosen else None
        row[f"{attr}_why"] = f"按登记角色优先（{chosen.role}），其次最新" if chosen else None

    pick("uscc", [m for m in ranked if m.uscc_std], lambda m: m.uscc_std)
    pick("name", [m for m in ranked if m.name], lambda m: m.name)
    pick(
        "registered_house",
        [m for m in ranked if m.house_code and m.role == "registry"],
        lambda m: m.house_code,
    )
    operating = sorted(
        (m for m in mentions if m.house_code and m.role != "registry"),
        key=lambda m: (-(m.observed_on or date.min).toordinal(), m.mention_id),
    )
    pick("operating_house", operating, lambda m: m.house_code)
    pick("status", [m for m in ranked if m.status], lambda m: m.status)
    row["legal_rep_person_id"] = legal_rep_person_id
    return row
