"""`SqlMassCaseRepository`: mass-case intake on SQLAlchemy 2 Core over the operational
store's engine (SQLite file or PostgreSQL; schema by migration 0004_mass_cases).

Reports are insert-only — the database itself refuses UPDATE and DELETE on
`mass_reports` — and every read checks the stored content hash. A draft is saved with
``UPDATE … WHERE version = :expected`` (a clash raises `StaleDraft`); a proposal is
decided with ``UPDATE … WHERE status = 'pending'`` (decided once).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError

from shibei.apps.mass_cases.clustering import KeyKind, LinkKey, SharedKey
from shibei.apps.mass_cases.codec import (
    draft_from_dict,
    draft_to_dict,
    reasons_from_list,
    reasons_to_list,
    report_from_dict,
    report_to_dict,
)
from shibei.apps.mass_cases.model import Draft, Registration, Report
from shibei.apps.mass_cases.ports import Proposal, ProposalStatus, ReportTampered, StaleDraft
from shibei.store.sql_schema import (
    mass_drafts,
    mass_proposals,
    mass_registrations,
    mass_report_keys,
    mass_report_numbers,
    mass_reports,
)

_P = mass_proposals.c


def _proposal(row: Row[Any]) -> Proposal:
    m = row._mapping
    return Proposal(
        proposal_id=int(m["id"]),
        report_id=m["report_id"],
        target_report_id=m["target_report_id"],
        reasons=reasons_from_list(m["reasons"]),
        created_at=m["created_at"],
        status=ProposalStatus(m["status"]),
        decided_by=m["decided_by"],
        decided_at=m["decided_at"],
        note=m["note"],
    )


def _report(row: Row[Any, Any]) -> Report:
    report = report_from_dict(row._mapping["body"])
    if report.content_hash != row._mapping["content_hash"] or not report.intact:
        raise ReportTampered(f"报案 {report.report_id} 的内容与存证哈希不一致")
    return report


class SqlMassCaseRepository:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def next_report_sequence(self) -> int:
        with self.engine.begin() as c:
            result = c.execute(insert(mass_report_numbers).values())
            key = result.inserted_primary_key
            assert key is not None
            return int(key[0])

    # drafts --------------------------------------------------------------------------

    def draft_of(self, owner: str) -> Draft | None:
        with self.engine.connect() as c:
            row = c.execute(
                select(mass_drafts.c.body, mass_drafts.c.version).where(
                    mass_drafts.c.owner == owner
                )
            ).first()
        if row is None:
            return None
        body = dict(row._mapping["body"])
        body["version"] = row._mapping["version"]
        return draft_from_dict(body)

    def save_draft(self, draft: Draft, expected_version: int | None) -> Draft:
        saved = replace(draft, version=(expected_version or 0) + 1)
        values = {
            "owner": saved.owner,
            "version": saved.version,
            "started_at": saved.started_at,
            "updated_at": saved.updated_at,
            "body": draft_to_dict(saved),
        }
        with self.engine.begin() as c:
            if expected_version is None:
                try:
                    c.execute(insert(mass_drafts).values(draft_id=saved.draft_id, **values))
                except IntegrityError as exc:
                    raise StaleDraft("已有一份草稿，请刷新页面") from exc
            else:
                done = c.execute(
                    update(mass_drafts)
                    .where(
                        mass_drafts.c.draft_id == saved.draft_id,
                        mass_drafts.c.version == expected_version,
                    )
                    .values(**values)
                )
                if done.rowcount != 1:
                    raise StaleDraft("草稿已在别处修改，请刷新后再保存")
        return saved

    def delete_draft(self, draft_id: str) -> None:
        with self.engine.begin() as c:
            c.execute(delete(mass_drafts).where(mass_drafts.c.draft_id == draft_id))

    # reports -------------------------------------------------------------------------

    def add_report(self, report: Report, keys: set[LinkKey], order_id: str | None) -> None:
        with self.engine.begin() as c:
            c.execute(
                insert(mass_reports).values(
                    report_id=report.report_id,
                    owner=report.owner,
                    started_at=report.started_at,
                    submitted_at=report.submitted_at,
                    community_code=report.community_code,
                    org_id=report.org_id,
                    order_id=order_id,
                    content_hash=report.content_hash,
                    body=report_to_dict(report),
                )
            )
            rows = [
                {
                    "report_id": report.report_id,
                    "kind": k.kind.value,
                    "value": k.value[:200],
                    "note": k.note[:200],
                }
                for k in sorted(keys)
            ]
            if rows:
                c.execute(insert(mass_report_keys), rows)

    def report(self, report_id: str) -> Report | None:
        with self.engine.connect() as c:
            row = c.execute(
                select(mass_reports.c.body, mass_reports.c.content_hash).where(
                    mass_reports.c.report_id == report_id
                )
            ).first()
        return _report(row) if row else None

    def reports(self, owner: str | None = None) -> list[Report]:
        query = select(mass_reports.c.body, mass_reports.c.content_hash).order_by(
            mass_reports.c.submitted_at, mass_reports.c.report_id
        )
        if owner is not None:
            query = query.where(mass_reports.c.owner == owner)
        with self.engine.connect() as c:
            return [_report(r) for r in c.execute(query).all()]

    def order_of(self, report_id: str) -> str | None:
        with self.engine.connect() as c:
            value = c.execute(
                select(mass_reports.c.order_id).where(mass_reports.c.report_id == report_id)
            ).scalar()
        return str(value) if value else None

    def link_keys(self) -> list[tuple[str, LinkKey]]:
        k = mass_report_keys.c
        with self.engine.connect() as c:
            rows = c.execute(select(k.report_id, k.kind, k.value, k.note).order_by(k.id)).all()
        return [(r[0], LinkKey(KeyKind(r[1]), r[2], r[3])) for r in rows]

    # proposals -----------------------------------------------------------------------

    def add_proposal(
        self, report_id: str, target: str, reasons: tuple[SharedKey, ...], at: datetime
    ) -> Proposal:
        with self.engine.begin() as c:
            result = c.execute(
                insert(mass_proposals).values(
                    report_id=report_id,
                    target_report_id=target,
                    reasons=reasons_to_list(reasons),
                    created_at=at,
                    status=ProposalStatus.PENDING.value,
                    decided_by="",
                    decided_at=None,
                    note="",
                )
            )
            key = result.inserted_primary_key
            assert key is not None
        return Proposal(int(key[0]), report_id, target, reasons, at)

    def proposals(self, status: ProposalStatus | None = None) -> list[Proposal]:
        query = select(mass_proposals).order_by(_P.id)
        if status is not None:
            query = query.where(_P.status == status.value)
        with self.engine.connect() as c:
            return [_proposal(r) for r in c.execute(query).all()]

    def decide(
        self, proposal_id: int, status: ProposalStatus, officer: str, at: datetime, note: str
    ) -> Proposal | None:
        with self.engine.begin() as c:
            done = c.execute(
                update(mass_proposals)
                .where(_P.id == proposal_id, _P.status == ProposalStatus.PENDING.value)
                .values(status=status.value, decided_by=officer, decided_at=at, note=note)
            )
            if done.rowcount != 1:
                return None
            row = c.execute(select(mass_proposals).where(_P.id == proposal_id)).first()
        return _proposal(row) if row else None

    # registrations -------------------------------------------------------------------

    def add_registration(self, registration: Registration) -> bool:
        try:
            with self.engine.begin() as c:
                c.execute(
                    insert(mass_registrations).values(
                        report_id=registration.report_id,
                        registered_at=registration.registered_at,
                        officer=registration.officer,
                        order_id=registration.order_id,
                    )
                )
        except IntegrityError:
            return False
        return True

    def registrations(self) -> dict[str, Registration]:
        g = mass_registrations.c
        with self.engine.connect() as c:
            rows = c.execute(select(mass_registrations)).all()
        return {
            r._mapping["report_id"]: Registration(
                r._mapping[g.report_id.name],
                r._mapping["registered_at"],
                r._mapping["officer"],
                r._mapping["order_id"],
            )
            for r in rows
        }
