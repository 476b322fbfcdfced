"""The suspect side in the 法人库: which registered organization a victim's words point
to, and which organizations are related to it (same legal representative, same
address) — FollowTheMoney's Organization / Directorship / Address, read through the
foundation's port."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from shibei.apps.mass_cases.clustering import suspect_name_keys
from shibei.apps.mass_cases.model import Suspect
from shibei.foundation.reader import FoundationReader, OrganizationView

MAX_AT_ADDRESS: Final = 12
"""An address with more organizations than this (an office tower, a registration
agent) says nothing about who belongs together: it yields no "same address" link."""


@dataclass(frozen=True, slots=True)
class OrgLink:
    org: OrganizationView | None
    why: str  # Chinese: why this organization, or why none


def link_organization(reader: FoundationReader, suspect: Suspect) -> OrgLink:
    """The organization by credit code first, then by name key (exactly one match)."""
    if suspect.uscc:
        found = reader.search_organizations(uscc=suspect.uscc, limit=2)
        if len(found) == 1:
            return OrgLink(found[0], "统一社会信用代码一致")
    if suspect.organization:
        keys = suspect_name_keys(suspect.organization)
        if not keys:
            return OrgLink(None, "名称过短，无法比对")
        matches: dict[str, tuple[OrganizationView, str]] = {}
        for key in sorted(keys, key=lambda k: (-len(k), k)):
            for o in reader.search_organizations(name=key, limit=50):
                shared = keys & suspect_name_keys(o.name)
                if shared:
                    matches.setdefault(o.org_id, (o, max(shared, key=len)))
        if len(matches) == 1:
            org, key = next(iter(matches.values()))
            return OrgLink(org, f"名称一致（规范化为「{key}」）")
        if len(matches) > 1:
            return OrgLink(None, f"名称对应 {len(matches)} 个单位，待民警确认")
    return OrgLink(None, "法人库中未找到")


def related_organizations(reader: FoundationReader, org: OrganizationView) -> dict[str, str]:
    """Org id → why it is related to `org`: 同一法定代表人, 同一注册/经营地址."""
    related: dict[str, str] = {}
    if org.legal_rep_person_id:
        for r in reader.relations(org.legal_rep_person_id):
            if r.kind == "legal_rep" and r.right_id != org.org_id:
                related.setdefault(r.right_id, "同一法定代表人")
    for house in dict.fromkeys(h for h in (org.registered_house, org.operating_house) if h):
        at_address = {
            r.left_id
            for r in reader.relations(house)
            if r.kind in ("registered", "operates") and r.left_id != org.org_id
        }
        if len(at_address) <= MAX_AT_ADDRESS:
            for other in sorted(at_address):
                related.setdefault(other, "同一地址")
    return related
