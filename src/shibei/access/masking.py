"""Masking of personal identifiers, applied on the server before data leaves a handler.

ID numbers keep the 6-digit region and the last 4 (370203********1234), phones the first
3 and last 4 (138****5678), names the first and last character (张*伟; two-character
names keep the first: 张*). Who sees what in full: `MaskRules.for_viewer`.
"""

from __future__ import annotations

from dataclasses import dataclass

from shibei.access.resources import Actor
from shibei.access.roles import NAMES_IN_FULL


def mask_id_number(value: str | None) -> str | None:
    """'370203199001011234' → '370203********1234'."""
    if not value:
        return value
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str | None) -> str | None:
    """'13812345678' → '138****5678'; a landline '0532-83881234' → '0532-****1234'."""
    if not value:
        return value
    if "-" in value:
        area, _, number = value.partition("-")
        return f"{area}-{'*' * max(len(number) - 4, 0)}{number[-4:]}"
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_name(value: str | None) -> str | None:
    """'张伟' → '张*', '张小伟' → '张*伟', '欧阳小明' → '欧**明'."""
    if not value:
        return value
    if len(value) == 1:
        return "*"
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]


@dataclass(frozen=True, slots=True)
class MaskRules:
    """Which fields of one person a viewer sees in full."""

    name: bool
    identifiers: bool  # ID number and phones

    @classmethod
    def for_viewer(
        cls, actor: Actor, person_id: str | None, *, unmasked: bool = False
    ) -> MaskRules:
        """A person sees their own record in full; officials in NAMES_IN_FULL see names;
        ID numbers and phones only after an audited unmask with a reason (`unmasked`)."""
        if person_id is not None and actor.person_id == person_id:
            return cls(name=True, identifiers=True)
        return cls(name=actor.role in NAMES_IN_FULL or unmasked, identifiers=unmasked)

    def name_of(self, value: str | None) -> str | None:
        return value if self.name else mask_name(value)

    def id_number_of(self, value: str | None) -> str | None:
        return value if self.identifiers else mask_id_number(value)

    def phone_of(self, value: str | None) -> str | None:
        return value if self.identifiers else mask_phone(value)

    def text_of(self, value: str) -> str:
        """Free text a person typed (a search query): masked as an identifier would be."""
        if self.identifiers:
            return value
        digits = sum(ch.isdigit() for ch in value)
        if digits >= 7:
            masked = mask_id_number(value) if len(value) >= 15 else mask_phone(value)
            return masked or ""
        return value
