"""The intake site for the e2e and browser tests: the e2e world's gazetteer, houses and
organizations, with victims whose ID numbers are valid (the real-name check needs
them), one resident account each, and every official role of the e2e world."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

from PIL import Image

from shibei.access import Role
from shibei.access.accounts import NewAccount
from shibei.foundation.memory import InMemoryFoundationReader
from shibei.foundation.reader import PersonView, Relation
from shibei.standardize.id_number import id_number_check_char
from shibei.store.sql_store import SqlStore, sql_engine
from shibei.web.app import create_app
from shibei.web.context import build_context

from .conftest import PASSWORD, Site, World, role_accounts

VICTIM_KEYS = {"self": "victim1", "housemate": "victim2", "other_street": "victim3"}
"""World person key → the resident account reporting as that person."""


def valid_id(first17: str) -> str:
    return first17 + id_number_check_char(first17)


def victims(world: World) -> dict[str, PersonView]:
    """The world's persons with valid ID numbers (same name, house, phone)."""
    out = {}
    for i, (key, p) in enumerate(world.persons.items(), start=1):
        out[key] = replace(p, id_number=valid_id(f"37020319800101{i:03d}"))
    return out


def mass_reader(world: World) -> InMemoryFoundationReader:
    persons = victims(world)
    houses = [h for h in (world.reader.house(c) for c in world.houses.values()) if h]
    orgs = [o for o in (world.reader.organization(f"O000000000{i}") for i in (1, 2)) if o]
    relations: dict[tuple[str, str, str], Relation] = {}
    for entity in [*persons, *(p.person_id for p in persons.values()), "O0000000001"]:
        for r in world.reader.relations(entity):
            relations[(r.kind, r.left_id, r.right_id)] = r
    return InMemoryFoundationReader(persons.values(), houses, orgs, relations.values())


def make_mass_site(world: World, url: str, uploads: Path) -> Site:
    store = SqlStore(sql_engine(url))
    store.migrate()
    ctx = build_context(mass_reader(world), world.gazetteer, store, uploads_dir=uploads)
    accounts = dict(role_accounts(world))
    for key, username in VICTIM_KEYS.items():
        person = world.persons[key]
        accounts[username] = NewAccount(username, person.name, Role.RESIDENT, "", person.person_id)
    tokens = {}
    for username, new in accounts.items():
        account = ctx.auth.create_account(new, PASSWORD)
        tokens[username] = ctx.auth.issue_api_token(account, "test")
    return Site(create_app(ctx), ctx, store, tokens)


def jpeg_bytes(color: tuple[int, int, int] = (200, 30, 30), tail: bytes = b"") -> bytes:
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    Image.new("RGB", (64, 48), color).save(out, "JPEG", exif=exif)
    return out.getvalue() + tail


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 32), (10, 120, 200)).save(out, "PNG")
    return out.getvalue()


PDF_OK = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
PDF_SCRIPT = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/OpenAction<</S/JavaScript/JS(app.alert(1))>>>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
