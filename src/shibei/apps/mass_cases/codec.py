"""Drafts, reports and merge reasons as JSON-able dicts and back (what storage keeps);
a report read back has the same content hash as the one written."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from shibei.apps.mass_cases.clustering import KeyKind, SharedKey
from shibei.apps.mass_cases.model import (
    Attachment,
    Draft,
    IdentityCheck,
    PaymentMethod,
    Report,
    Reporter,
    Suspect,
    Transfer,
)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _transfer(d: dict[str, Any]) -> Transfer:
    return Transfer(
        date.fromisoformat(d["paid_on"]) if d.get("paid_on") else None,
        int(d["amount_fen"]),
        PaymentMethod(d["method"]),
        d.get("payee_name", ""),
        d.get("payee_account", ""),
        d.get("payee_bank", ""),
        d.get("note", ""),
    )


def _suspect(d: dict[str, Any]) -> Suspect:
    return Suspect(**{**d, "phones": tuple(d.get("phones", ()))})


def report_to_dict(report: Report) -> dict[str, Any]:
    data: dict[str, Any] = _plain(asdict(report))
    return data


def report_from_dict(d: dict[str, Any]) -> Report:
    return Report(
        report_id=d["report_id"],
        owner=d["owner"],
        started_at=datetime.fromisoformat(d["started_at"]),
        submitted_at=datetime.fromisoformat(d["submitted_at"]),
        reporter=Reporter(**d["reporter"]),
        suspect=_suspect(d["suspect"]),
        transfers=tuple(_transfer(t) for t in d["transfers"]),
        attachments=tuple(Attachment(**a) for a in d["attachments"]),
        story=d["story"],
        channel=d["channel"],
        identity=IdentityCheck(d["identity"]),
        identity_note=d.get("identity_note", ""),
        org_id=d.get("org_id"),
        org_link=d.get("org_link", ""),
        content_hash=d.get("content_hash", ""),
    )


def draft_to_dict(draft: Draft) -> dict[str, Any]:
    data: dict[str, Any] = _plain(asdict(draft))
    return data


def draft_from_dict(d: dict[str, Any]) -> Draft:
    return Draft(
        draft_id=d["draft_id"],
        owner=d["owner"],
        started_at=datetime.fromisoformat(d["started_at"]),
        updated_at=datetime.fromisoformat(d["updated_at"]),
        reporter=Reporter(**d["reporter"]),
        suspect=_suspect(d["suspect"]),
        transfers=tuple(_transfer(t) for t in d["transfers"]),
        attachments=tuple(Attachment(**a) for a in d["attachments"]),
        story=d.get("story", ""),
        channel=d.get("channel", "online"),
        version=int(d.get("version", 1)),
    )


def reasons_to_list(reasons: tuple[SharedKey, ...]) -> list[dict[str, Any]]:
    return [
        {"kind": r.kind.value, "value": r.value, "report_ids": list(r.report_ids), "note": r.note}
        for r in reasons
    ]


def reasons_from_list(items: list[dict[str, Any]]) -> tuple[SharedKey, ...]:
    return tuple(
        SharedKey(KeyKind(i["kind"]), i["value"], tuple(i["report_ids"]), i.get("note", ""))
        for i in items
    )
