"""`MassCaseService`: the intake use cases the routes call — a resident's draft, its
attachments and submission; officers' clusters, reports, merge decisions, registration
and the case-file export. Every answer is scoped with `allowed`, masked for the viewer
and audited here, before it leaves.

Scope: a report sits in the victim's community and at the registered address of every
法人库 organization of its cluster; a cluster is visible through the reports a viewer may
see, and its figures count only those (a street official sees that street's victims).
"""

from __future__ import annotations

import secrets
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Protocol

from shibei.access import Actor, MaskRules, PlaceIndex, Resource, allowed, scope_of
from shibei.access.audit import AuditEntry, AuditRecord
from shibei.apps.mass_cases.checks import (
    check_identity,
    check_submittable,
    normalized,
    problems_of,
)
from shibei.apps.mass_cases.clustering import (
    KeyIndex,
    KeyKind,
    SharedKey,
    candidates,
    components,
    figures,
    report_keys,
)
from shibei.apps.mass_cases.drafts import DraftInput, apply_input
from shibei.apps.mass_cases.model import (
    MAX_ATTACHMENTS,
    Attachment,
    Draft,
    IdentityCheck,
    Registration,
    Report,
    Reporter,
    yuan,
)
from shibei.apps.mass_cases.ports import (
    CaseOrders,
    MassCaseRepository,
    Proposal,
    ProposalStatus,
)
from shibei.apps.mass_cases.suspects import link_organization, related_organizations
from shibei.apps.mass_cases.views import (
    AttachmentView,
    ClusterDetail,
    ClusterSummary,
    CommunityCount,
    DayCount,
    OrgView,
    ProposalView,
    ReasonView,
    ReportView,
    SubmitResult,
    TransferView,
)
from shibei.errors import ShibeiError
from shibei.foundation.reader import FoundationReader, OrganizationView

NOT_FOUND = "未找到该案件或报案，或您无权查看"


class IntakeDenied(ShibeiError):
    """403: the role may not take this action here."""


class IntakeNotFound(ShibeiError):
    """404: unknown, or out of the viewer's scope (the two look the same)."""


class IntakeConflict(ShibeiError):
    """409: a decision already taken, a report already registered."""


class Requester(Protocol):
    """Who asks and from where (the web layer's `Viewer` is one)."""

    @property
    def actor(self) -> Actor: ...

    @property
    def ip(self) -> str: ...


class AuditSink(Protocol):
    def append_audit(self, record: AuditRecord) -> AuditEntry: ...


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def mask_account(value: str, full: bool) -> str:
    """'6222021600001234567' → '6222***********4567' (first 4, last 4)."""
    if full or len(value) <= 8:
        return value if full else "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


@dataclass(frozen=True, slots=True)
class _State:
    """Reports and clusters as of one request."""

    reports: dict[str, Report]
    cluster_of: dict[str, str]  # report id → cluster id (its earliest report)
    members: dict[str, list[Report]]  # cluster id → reports, oldest first
    proposals: list[Proposal]
    registrations: dict[str, Registration]


class MassCaseService:
    def __init__(
        self,
        repo: MassCaseRepository,
        reader: FoundationReader,
        places: PlaceIndex,
        audit: AuditSink,
        orders: CaseOrders | None = None,
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        self.repo = repo
        self.reader = reader
        self.places = places
        self.audit_sink = audit
        self.orders = orders
        self.clock = clock
        self.communities = frozenset(c for c in places.names if len(c) == 12 and c.isdigit())

    # -- helpers ------------------------------------------------------------------------

    def _audit(self, who: Requester, action: str, target: str, result: str, why: str = "") -> None:
        a = who.actor
        self.audit_sink.append_audit(
            AuditRecord(self.clock(), a.username, a.role.value, who.ip, action, target, result, why)
        )

    def _self_resource(self, actor: Actor, kind: str, rid: str) -> Resource:
        return Resource(kind, rid, (), frozenset({actor.person_id} if actor.person_id else ()))

    def _require_reporter(self, who: Requester) -> Actor:
        actor = who.actor
        if not actor.person_id or not allowed(
            actor, "masscase.report", self._self_resource(actor, "mass_draft", actor.username)
        ):
            self._audit(who, "masscase.report", "draft", "denied")
            raise IntakeDenied("只有实名登记的群众账号可以在线报案")
        return actor

    def org_houses(self, org_ids: Iterable[str]) -> tuple[str, ...]:
        houses: list[str] = []
        for org_id in org_ids:
            o = self.reader.organization(org_id)
            if o is not None:
                houses += [h for h in (o.registered_house, o.operating_house) if h]
        return tuple(dict.fromkeys(houses))

    def report_resource(self, report: Report, cluster_org_houses: Sequence[str] = ()) -> Resource:
        codes = (report.community_code or None, *self.org_houses([report.org_id or ""]))
        codes += tuple(cluster_org_houses)
        subjects = frozenset({report.reporter.person_id} if report.reporter.person_id else ())
        return self.places.resource("mass_report", report.report_id, codes, subjects)

    def _state(self) -> _State:
        reports = {r.report_id: r for r in self.repo.reports()}
        proposals = self.repo.proposals()
        edges = [
            (p.report_id, p.target_report_id)
            for p in proposals
            if p.status is ProposalStatus.CONFIRMED
        ]
        cluster_of = components({r.report_id: r.submitted_at for r in reports.values()}, edges)
        members: dict[str, list[Report]] = defaultdict(list)
        for r in reports.values():
            members[cluster_of[r.report_id]].append(r)
        for rs in members.values():
            rs.sort(key=lambda r: (r.submitted_at, r.report_id))
        return _State(reports, cluster_of, dict(members), proposals, self.repo.registrations())

    def _visible(self, actor: Actor, state: _State, cluster_id: str, action: str) -> list[Report]:
        reports = state.members.get(cluster_id, [])
        houses = self.org_houses(sorted({r.org_id for r in reports if r.org_id}))
        return [r for r in reports if allowed(actor, action, self.report_resource(r, houses))]

    # -- residents: drafts and submission -----------------------------------------------

    def draft(self, who: Requester) -> Draft:
        """The resident's open draft, created (prefilled from the 人口库) on first use;
        its `started_at` is the victim's arrival for intake timing."""
        actor = self._require_reporter(who)
        found = self.repo.draft_of(actor.username)
        if found is not None:
            return found
        now = self.clock()
        person = self.reader.person(actor.person_id or "")
        reporter = Reporter(person_id=actor.person_id)
        if person is not None:
            reporter = Reporter(
                name=person.name,
                phone=person.phones[0] if person.phones else "",
                community_code=(person.house_code or "")[:12],
                address=person.address or "",
                person_id=actor.person_id,
            )
        draft = Draft(secrets.token_hex(8), actor.username, now, now, reporter)
        return self.repo.save_draft(draft, None)

    def save_draft(
        self, who: Requester, data: DraftInput, expected_version: int | None = None
    ) -> tuple[Draft, dict[str, str]]:
        """Store what the resident typed (even incomplete); returns the draft and the
        problems that would stop a submission. Raises StaleDraft on a version clash."""
        current = self.draft(who)
        updated, problems = apply_input(current, data)
        updated = replace(updated, updated_at=self.clock())
        version = current.version if expected_version is None else expected_version
        saved = self.repo.save_draft(normalized(updated), version)
        return saved, {**problems_of(saved, self.communities, self.clock().date()), **problems}

    def attach(self, who: Requester, attachment: Attachment) -> Draft:
        current = self.draft(who)
        if len(current.attachments) >= MAX_ATTACHMENTS:
            raise IntakeConflict(f"材料最多 {MAX_ATTACHMENTS} 个，请先删除不需要的")
        updated = replace(
            current, attachments=(*current.attachments, attachment), updated_at=self.clock()
        )
        self._audit(who, "masscase.report", f"附件 {attachment.file_id}", "ok")
        return self.repo.save_draft(updated, current.version)

    def detach(self, who: Requester, file_id: str) -> Draft:
        current = self.draft(who)
        kept = tuple(a for a in current.attachments if a.file_id != file_id)
        return self.repo.save_draft(replace(current, attachments=kept), current.version)

    def submit(self, who: Requester) -> SubmitResult:
        """Turn the draft into an immutable report: identity checked against the 人口库,
        suspect linked to the 法人库, work order opened, merges proposed."""
        actor = self._require_reporter(who)
        draft = self.draft(who)
        now = self.clock()
        draft = normalized(draft)
        check_submittable(draft, self.communities, now.date())
        identity, identity_note = check_identity(draft, self.reader.person(actor.person_id or ""))
        link = link_organization(self.reader, draft.suspect)
        related = related_organizations(self.reader, link.org) if link.org else {}
        report = Report(
            report_id=f"BA{now:%Y%m%d}{self.repo.next_report_sequence():05d}",
            owner=draft.owner,
            started_at=draft.started_at,
            submitted_at=now,
            reporter=replace(draft.reporter, person_id=actor.person_id),
            suspect=draft.suspect,
            transfers=draft.transfers,
            attachments=draft.attachments,
            story=draft.story.strip(),
            channel=draft.channel,
            identity=identity,
            identity_note=identity_note,
            org_id=link.org.org_id if link.org else None,
            org_link=link.why,
        ).sealed()
        keys = report_keys(report, related)
        state = self._state()
        index = KeyIndex()
        for rid, k in self.repo.link_keys():
            index.add(rid, [k])
        # pending proposals on a shared key count as links here: a report touching a
        # cluster still under review gets one proposal for it, not one per waiting report
        order = {rid: r.submitted_at for rid, r in state.reports.items()}
        provisional = components(
            order,
            [
                (p.report_id, p.target_report_id)
                for p in state.proposals
                if p.status is ProposalStatus.CONFIRMED
                or (
                    p.status is ProposalStatus.PENDING
                    and any(r.kind is not KeyKind.RELATED_ORG for r in p.reasons)
                )
            ],
        )
        found = candidates(index.touching(keys), provisional, order)
        order_id = self.orders.open(report, actor) if self.orders else None
        self.repo.add_report(report, keys, order_id)
        self.repo.delete_draft(draft.draft_id)
        proposals = [
            self.repo.add_proposal(report.report_id, c.target_report_id, c.reasons, now)
            for c in found
        ]
        self._audit(who, "masscase.report", report.report_id, f"ok:{len(proposals)}")
        view = self._report_view(actor, report, self._state(), own=True)
        return SubmitResult(view, [self._proposal_view(actor, p, None) for p in proposals])

    def my_reports(self, who: Requester) -> list[ReportView]:
        actor = self._require_reporter(who)
        state = self._state()
        return [
            self._report_view(actor, r, state, own=True)
            for r in self.repo.reports(owner=actor.username)
        ]

    # -- views ---------------------------------------------------------------------------

    def _rules(self, actor: Actor, report: Report, own: bool) -> MaskRules:
        if own:
            return MaskRules(True, True)
        return MaskRules.for_viewer(actor, report.reporter.person_id)

    def _investigates(self, actor: Actor) -> bool:
        """Investigators (roles holding person.unmask) see payee accounts and suspect
        phones in full; everyone else masked."""
        return scope_of(actor, "person.unmask") is not None

    def _report_view(self, actor: Actor, r: Report, state: _State, own: bool) -> ReportView:
        rules = self._rules(actor, r, own)
        full = own or self._investigates(actor)
        reg = state.registrations.get(r.report_id)
        community = r.community_code
        return ReportView(
            report_id=r.report_id,
            submitted_at=r.submitted_at,
            started_at=r.started_at,
            channel=r.channel,
            reporter_name=rules.name_of(r.reporter.name) or "",
            reporter_id_number=rules.id_number_of(r.reporter.id_number) or "",
            reporter_phone=rules.phone_of(r.reporter.phone) or "",
            community_code=community,
            community_name=self.places.name(community) if community else "",
            reporter_address=r.reporter.address if rules.identifiers else "",
            identity=r.identity.value,
            identity_label=r.identity.label,
            identity_note=r.identity_note,
            organization=r.suspect.organization,
            uscc=r.suspect.uscc,
            suspect_person=r.suspect.person,
            suspect_phones=[p if full else mask_account(p, False) for p in r.suspect.phones],
            platform=r.suspect.platform,
            suspect_address=r.suspect.address,
            org_id=r.org_id,
            org_link=r.org_link,
            story=r.story,
            total=yuan(r.total_fen),
            total_fen=r.total_fen,
            transfers=[
                TransferView(
                    t.paid_on,
                    yuan(t.amount_fen),
                    t.amount_fen,
                    t.method.value,
                    t.method.label,
                    t.payee_name,
                    mask_account(t.payee_account, full) if t.payee_account else "",
                    t.payee_bank,
                    t.note,
                )
                for t in r.transfers
            ],
            attachments=[
                AttachmentView(
                    a.file_id,
                    a.name,
                    a.kind,
                    a.size,
                    a.label,
                    f"/mass-cases/files/{r.report_id}/{a.file_id}",
                )
                for a in r.attachments
            ],
            order_id=self.repo.order_of(r.report_id),
            cluster_id=state.cluster_of.get(r.report_id, r.report_id),
            registered_at=reg.registered_at if reg else None,
            registered_by=reg.officer if reg else "",
            intake_minutes=round(reg.minutes_from(r.started_at), 1) if reg else None,
            intact=r.intact,
        )

    def _reason_label(self, actor: Actor, reason: SharedKey) -> str:
        full = self._investigates(actor)
        value = reason.value
        if reason.kind in (KeyKind.ACCOUNT, KeyKind.PHONE):
            value = mask_account(value, full)
        elif reason.kind in (KeyKind.ORG_ID, KeyKind.RELATED_ORG):
            o = self.reader.organization(value)
            value = o.name if o else value
        label = f"{reason.kind.label} {value}"
        return f"{label}（{reason.note}）" if reason.note else label

    def _proposal_view(self, actor: Actor, p: Proposal, state: _State | None) -> ProposalView:
        state = state or self._state()
        report = state.reports.get(p.report_id)
        name = ""
        if report is not None:
            name = (
                MaskRules.for_viewer(actor, report.reporter.person_id).name_of(report.reporter.name)
                or ""
            )
        can = (
            p.status is ProposalStatus.PENDING
            and report is not None
            and allowed(actor, "masscase.review", self.report_resource(report))
        )
        return ProposalView(
            proposal_id=p.proposal_id,
            report_id=p.report_id,
            reporter_name=name,
            target_report_id=p.target_report_id,
            target_cluster_id=state.cluster_of.get(p.target_report_id, p.target_report_id),
            reasons=[
                ReasonView(s.kind.value, self._reason_label(actor, s), list(s.report_ids))
                for s in p.reasons
            ],
            status=p.status.value,
            status_label=p.status.label,
            created_at=p.created_at,
            decided_by=p.decided_by,
            decided_at=p.decided_at,
            note=p.note,
            can_decide=can,
        )

    # -- officers: clusters ---------------------------------------------------------------

    def _summary(
        self, cluster_id: str, visible: list[Report], state: _State, pending: int
    ) -> ClusterSummary:
        f = figures(cluster_id, visible)
        regs = [
            state.registrations[r.report_id] for r in visible if r.report_id in state.registrations
        ]
        started = {r.report_id: r.started_at for r in visible}
        minutes = [g.minutes_from(started[g.report_id]) for g in regs]
        streets = sorted({self.places.name(c[:9]) for c in f.communities})
        return ClusterSummary(
            cluster_id=cluster_id,
            title=f.names[0] if f.names else (visible[0].suspect.platform or "未知对象"),
            names=list(f.names[:5]),
            victims=f.victims,
            reports=len(visible),
            total=yuan(f.total_fen),
            total_fen=f.total_fen,
            first_paid=f.first_paid,
            last_paid=f.last_paid,
            first_report=f.first_report,
            last_report=f.last_report,
            pending=pending,
            registered=len(regs),
            median_intake_minutes=round(statistics.median(minutes), 1) if minutes else None,
            streets=streets,
        )

    def clusters(self, who: Requester) -> list[ClusterSummary]:
        """Clusters the viewer sees (through at least one report), biggest first."""
        actor = who.actor
        if scope_of(actor, "masscase.view") is None:
            self._audit(who, "masscase.view", "案件簇列表", "denied")
            raise IntakeDenied("您的角色无权查看涉众案件")
        state = self._state()
        pending: Counter[str] = Counter(
            state.cluster_of.get(p.target_report_id, p.target_report_id)
            for p in state.proposals
            if p.status is ProposalStatus.PENDING
        )
        out = []
        for cluster_id in state.members:
            visible = self._visible(actor, state, cluster_id, "masscase.view")
            if visible:
                out.append(self._summary(cluster_id, visible, state, pending[cluster_id]))
        self._audit(who, "masscase.view", "案件簇列表", f"ok:{len(out)}")
        return sorted(out, key=lambda c: (-c.victims, -c.total_fen, c.cluster_id))

    def _cluster_reports(
        self, who: Requester, cluster_id: str, action: str
    ) -> tuple[_State, str, list[Report]]:
        actor = who.actor
        state = self._state()
        # an old cluster id (merged since) still finds its cluster
        current = state.cluster_of.get(cluster_id)
        visible = self._visible(actor, state, current, action) if current else []
        if not visible:
            self._audit(who, action, f"案件簇 {cluster_id}", "denied" if current else "not_found")
            raise IntakeNotFound(NOT_FOUND)
        assert current is not None
        return state, current, visible

    def cluster(self, who: Requester, cluster_id: str) -> ClusterDetail:
        actor = who.actor
        state, current, visible = self._cluster_reports(who, cluster_id, "masscase.view")
        member_ids = {r.report_id for r in state.members[current]}
        proposals = [
            self._proposal_view(actor, p, state)
            for p in state.proposals
            if p.target_report_id in member_ids or p.report_id in member_ids
        ]
        pending = sum(
            1
            for p in state.proposals
            if p.status is ProposalStatus.PENDING and p.target_report_id in member_ids
        )
        summary = self._summary(current, visible, state, pending)
        org_ids = sorted({r.org_id for r in visible if r.org_id})
        orgs, related = self._orgs(actor, org_ids, visible)
        f = figures(current, visible)
        self._audit(who, "masscase.view", f"案件簇 {current}", f"ok:{len(visible)}")
        houses = self.org_houses(org_ids)
        return ClusterDetail(
            summary=summary,
            reports=[self._report_view(actor, r, state, own=False) for r in visible],
            proposals=proposals,
            organizations=orgs,
            related=related,
            communities=[
                CommunityCount(code, self.places.name(code), self.places.name(code[:9]), n)
                for code, n in sorted(f.communities.items(), key=lambda kv: (-kv[1], kv[0]))
            ],
            timeline=_timeline(visible),
            can_review=any(
                allowed(actor, "masscase.review", self.report_resource(r, houses)) for r in visible
            ),
            can_export=any(
                allowed(actor, "export", self.report_resource(r, houses)) for r in visible
            ),
            can_register=any(
                allowed(actor, "workorder.dispatch", self.report_resource(r, houses))
                for r in visible
            ),
        )

    def _orgs(
        self, actor: Actor, org_ids: list[str], reports: list[Report]
    ) -> tuple[list[OrgView], list[OrgView]]:
        why = {r.org_id: r.org_link for r in reports if r.org_id}
        linked: list[OrgView] = []
        related: dict[str, OrgView] = {}
        for org_id in org_ids:
            o = self.reader.organization(org_id)
            if o is None:
                continue
            linked.append(self._org_view(actor, o, why.get(org_id, "")))
            for other_id, reason in related_organizations(self.reader, o).items():
                other = self.reader.organization(other_id)
                if other is not None and other_id not in org_ids:
                    related.setdefault(other_id, self._org_view(actor, other, reason))
        return linked, list(related.values())

    def _org_view(self, actor: Actor, o: OrganizationView, why: str) -> OrgView:
        legal = self.reader.person(o.legal_rep_person_id) if o.legal_rep_person_id else None
        rules = MaskRules.for_viewer(actor, o.legal_rep_person_id)
        house = self.reader.house(o.registered_house) if o.registered_house else None
        return OrgView(
            o.org_id,
            o.name,
            o.uscc,
            o.status,
            rules.name_of(legal.name) if legal else None,
            house.address if house else o.registered_house,
            why,
        )

    def report(self, who: Requester, report_id: str) -> ReportView:
        """One report: its reporter sees it whole; officers in scope see it masked."""
        actor = who.actor
        state = self._state()
        r = state.reports.get(report_id)
        if r is not None and actor.person_id and r.reporter.person_id == actor.person_id:
            self._audit(who, "masscase.report", report_id, "ok")
            return self._report_view(actor, r, state, own=True)
        cluster = state.cluster_of.get(report_id, "")
        houses = self.org_houses(
            sorted({m.org_id for m in state.members.get(cluster, []) if m.org_id})
        )
        if r is None or not allowed(actor, "masscase.view", self.report_resource(r, houses)):
            self._audit(who, "masscase.view", report_id, "denied" if r else "not_found")
            raise IntakeNotFound(NOT_FOUND)
        self._audit(who, "masscase.view", report_id, "ok")
        return self._report_view(actor, r, state, own=False)

    def attachment(self, who: Requester, report_id: str, file_id: str) -> Attachment:
        """An attachment of a report the viewer may see (or of their own draft)."""
        actor = who.actor
        if report_id == "draft":
            draft = self.repo.draft_of(actor.username) if actor.person_id else None
            found = next(
                (a for a in (draft.attachments if draft else ()) if a.file_id == file_id), None
            )
            if found is None:
                raise IntakeNotFound(NOT_FOUND)
            return found
        self.report(who, report_id)  # scope check and audit
        r = self.repo.report(report_id)
        found = next((a for a in (r.attachments if r else ()) if a.file_id == file_id), None)
        if found is None:
            raise IntakeNotFound(NOT_FOUND)
        return found

    # -- officers: decisions, registration, export ------------------------------------

    def decide(
        self, who: Requester, proposal_id: int, confirm: bool, note: str = ""
    ) -> ProposalView:
        actor = who.actor
        p = next((x for x in self.repo.proposals() if x.proposal_id == proposal_id), None)
        report = self.repo.report(p.report_id) if p else None
        if p is None or report is None:
            raise IntakeNotFound(NOT_FOUND)
        if not allowed(actor, "masscase.review", self.report_resource(report)):
            self._audit(who, "masscase.review", f"并案建议 {proposal_id}", "denied")
            raise IntakeDenied("您的角色无权确认或驳回并案")
        status = ProposalStatus.CONFIRMED if confirm else ProposalStatus.REJECTED
        decided = self.repo.decide(
            proposal_id, status, actor.username, self.clock(), note.strip()[:200]
        )
        if decided is None:
            raise IntakeConflict("该并案建议已处理")
        self._audit(
            who,
            "masscase.review",
            f"并案建议 {proposal_id} {p.report_id}→{p.target_report_id}",
            status.value,
            note.strip()[:200],
        )
        return self._proposal_view(actor, decided, None)

    def register(self, who: Requester, report_id: str) -> ReportView:
        """受理登记: the officer checked the report; intake ends for this victim."""
        actor = who.actor
        state = self._state()
        r = state.reports.get(report_id)
        if r is None or not allowed(actor, "workorder.dispatch", self.report_resource(r)):
            self._audit(who, "masscase.view", f"登记 {report_id}", "denied" if r else "not_found")
            raise IntakeNotFound(NOT_FOUND)
        if report_id in state.registrations:
            raise IntakeConflict("该报案已登记")
        order_id = self.repo.order_of(report_id)
        if self.orders is not None and order_id:
            # the engine decides too (it may refuse): accept the order first, then record
            self.orders.registered(order_id, actor)
        reg = Registration(report_id, self.clock(), actor.username, order_id)
        if not self.repo.add_registration(reg):
            raise IntakeConflict("该报案已登记")
        self._audit(who, "workorder.dispatch", f"登记 {report_id}", "ok")
        return self._report_view(actor, r, self._state(), own=False)

    def export(self, who: Requester, cluster_id: str) -> ClusterDetail:
        """The case file of a cluster for CSV and the printable summary: the reports the
        viewer may both see and export, masked as on the page; audited."""
        actor = who.actor
        if scope_of(actor, "export") is None:
            self._audit(who, "export", f"案件簇 {cluster_id}", "denied")
            raise IntakeDenied("您的角色无权导出")
        detail = self.cluster(who, cluster_id)
        state = self._state()
        members = state.members.get(detail.summary.cluster_id, [])
        houses = self.org_houses(sorted({r.org_id for r in members if r.org_id}))
        ok = {
            r.report_id
            for r in members
            if allowed(actor, "export", self.report_resource(r, houses))
        }
        reports = [v for v in detail.reports if v.report_id in ok]
        if not reports:
            self._audit(who, "export", f"案件簇 {cluster_id}", "denied")
            raise IntakeDenied("您的角色无权导出该案件")
        self._audit(who, "export", f"案件簇 {detail.summary.cluster_id} 案卷", f"ok:{len(reports)}")
        return replace(detail, reports=reports)

    def cluster_ids(self) -> dict[str, str]:
        """Report id → its cluster id, for every report (no personal data)."""
        return dict(self._state().cluster_of)

    def intake_minutes(self) -> list[float]:
        """Arrival (draft started) → registration, per registered report (all reports:
        for the benchmark and the district's own figures, no personal data)."""
        state = self._state()
        return [
            reg.minutes_from(state.reports[rid].started_at)
            for rid, reg in state.registrations.items()
            if rid in state.reports
        ]


def _timeline(reports: Sequence[Report]) -> list[DayCount]:
    transfers: Counter[date] = Counter()
    amounts: Counter[date] = Counter()
    submitted: Counter[date] = Counter(r.submitted_at.date() for r in reports)
    for r in reports:
        for t in r.transfers:
            if t.paid_on:
                transfers[t.paid_on] += 1
                amounts[t.paid_on] += t.amount_fen
    days = sorted(set(transfers) | set(submitted))
    return [DayCount(d, transfers[d], amounts[d], submitted[d]) for d in days]


__all__ = [
    "IdentityCheck",
    "IntakeConflict",
    "IntakeDenied",
    "IntakeNotFound",
    "MassCaseService",
    "Requester",
    "mask_account",
]
