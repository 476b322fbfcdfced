"""Masking of ID numbers, phones and names, and who sees them in full."""

from __future__ import annotations

import pytest

from shibei.access import Actor, MaskRules, Role, mask_id_number, mask_name, mask_phone


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("370203199001011234", "370203********1234"),
        ("37020319900101123X", "370203********123X"),
        ("370203900101123", "370203*****1123"),
        ("12345", "*****"),
        (None, None),
        ("", ""),
    ],
)
def test_mask_id_number(raw: str | None, masked: str | None) -> None:
    assert mask_id_number(raw) == masked


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("13812345678", "138****5678"),
        ("0532-83881234", "0532-****1234"),
        ("12345", "*****"),
        (None, None),
    ],
)
def test_mask_phone(raw: str | None, masked: str | None) -> None:
    assert mask_phone(raw) == masked


@pytest.mark.parametrize(
    ("raw", "masked"),
    [("张小伟", "张*伟"), ("张伟", "张*"), ("欧阳小明", "欧**明"), ("张", "*"), (None, None)],
)
def test_mask_name(raw: str | None, masked: str | None) -> None:
    assert mask_name(raw) == masked


@pytest.mark.parametrize(
    ("role", "name_in_full"),
    [
        (Role.DISTRICT_ADMIN, True),
        (Role.STREET_STAFF, True),
        (Role.COMMUNITY_WORKER, True),
        (Role.GRID_WORKER, True),
        (Role.STATION_POLICE, True),
        (Role.POPULATION_BRIGADE, True),
        (Role.MEDIATOR, False),
        (Role.CHAMBER_LIAISON, False),
        (Role.RESIDENT, False),
    ],
)
def test_every_role_sees_others_identifiers_masked(role: Role, name_in_full: bool) -> None:
    rules = MaskRules.for_viewer(Actor(1, "u", role, "370203", person_id="P1"), "P2")
    assert rules.id_number_of("370203199001011234") == "370203********1234"
    assert rules.phone_of("13812345678") == "138****5678"
    assert rules.name_of("张小伟") == ("张小伟" if name_in_full else "张*伟")


def test_an_unmask_shows_identifiers_in_full() -> None:
    rules = MaskRules.for_viewer(
        Actor(1, "u", Role.STATION_POLICE, "370203P01"), "P2", unmasked=True
    )
    assert rules.id_number_of("370203199001011234") == "370203199001011234"
    assert rules.phone_of("13812345678") == "13812345678"


def test_a_resident_sees_their_own_record_in_full() -> None:
    rules = MaskRules.for_viewer(Actor(1, "u", Role.RESIDENT, "", person_id="P1"), "P1")
    assert rules.id_number_of("370203199001011234") == "370203199001011234"
    assert rules.name_of("张小伟") == "张小伟"


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("张伟", "张伟"),
        ("13812345678", "138****5678"),
        ("370203199001011234", "370203********1234"),
    ],
)
def test_search_queries_are_masked_like_identifiers(query: str, shown: str) -> None:
    rules = MaskRules.for_viewer(Actor(1, "u", Role.DISTRICT_ADMIN, "370203"), None)
    assert rules.text_of(query) == shown
