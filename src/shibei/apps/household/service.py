"""`HouseholdDesk`: the household-registration use cases the routes call, on the
work-order engine. Residents apply (form checked against the catalogue, one-network
verification, 22+1 routing), upload, follow and rate; stations accept, dispatch, sign,
reply, close and hand over to each other; KPIs come from the orders.

Every answer is scoped with `allowed` (on the order as an access resource), masked for
the viewer and audited here, before it leaves (as `shibei.web.explorer` does).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol

from shibei.access import Actor, MaskRules, PlaceIndex, allowed, within_codes
from shibei.access.audit import AuditEntry, AuditRecord
from shibei.apps.household.catalogue import (
    Catalogue,
    Check,
    Matter,
    load_catalogue,
    validate_form,
)
from shibei.apps.household.history import KIND, policy_days
from shibei.apps.household.kpi import Channel, Kpi, OrderFacts, compute_kpi, kpi_by
from shibei.apps.household.mailout import REGISTERED, MailBatch, mail_batches
from shibei.apps.household.routing import Router, Routing, Unit
from shibei.apps.household.verification import Verification, verify_application
from shibei.foundation.reader import FoundationReader
from shibei.workflow import (
    Forbidden,
    IllegalTransition,
    InvalidAction,
    MatterPolicy,
    NewOrder,
    OrderAction,
    OrderNotFound,
    OrderQuery,
    OrderState,
    StaleOrder,
    Visibility,
    WorkflowService,
    WorkOrder,
    allowed_actions,
    may,
    order_resource,
    unit_rule,
    visible_events,
)

A = OrderAction
IDENTIFIER_FIELDS = frozenset({"id_number", "deceased_id_number", "phone"})
STAFF_ACTIONS = (
    A.ACCEPT, A.REFUSE, A.DISPATCH, A.SIGN, A.RETURN, A.REASSIGN, A.REJECT_RETURN, A.HANDLE,
    A.REPLY, A.REDO, A.CLOSE, A.VISIT, A.REQUEST_EXTENSION, A.APPROVE_EXTENSION,
    A.REJECT_EXTENSION, A.SUSPEND, A.RESUME, A.URGE, A.SUPERVISE, A.NOTE,
)  # fmt: skip
"""Buttons offered to staff (the applicant withdraws and rates; 加签 and 并单 elsewhere)."""
HANDABLE = frozenset(
    {
        OrderState.SUBMITTED,
        OrderState.ACCEPTED,
        OrderState.DISPATCHED,
        OrderState.RETURNED,
        OrderState.SIGNED,
        OrderState.HANDLING,
    }
)
"""States in which a unit may hand the order to another unit."""
CANCELLED = frozenset({OrderState.REFUSED, OrderState.WITHDRAWN, OrderState.MERGED})
CHANNEL_OF = {"online": Channel.ONLINE, "web": Channel.ONLINE, "nearby": Channel.NEARBY}


class Viewer(Protocol):
    @property
    def actor(self) -> Actor: ...

    @property
    def ip(self) -> str: ...


class AuditSink(Protocol):
    def append_audit(self, record: AuditRecord) -> AuditEntry: ...


@dataclass(frozen=True, slots=True)
class ApplicationForm:
    """What the resident sees before applying: the matter, what the government already
    holds (checks), what still to submit, and where the application will go."""

    matter: Matter
    verification: Verification
    routing: Routing
    prefill: dict[str, str]


@dataclass(frozen=True, slots=True)
class EventLine:
    at: datetime
    action: str
    state: str
    note: str
    unit: str


@dataclass(frozen=True, slots=True)
class OrderView:
    """One order as the viewer may see it (masked)."""

    id: str
    version: int
    matter_code: str
    title: str
    state: OrderState
    state_label: str
    created_at: datetime
    due_at: datetime | None
    closed_at: datetime | None
    overdue: bool
    channel: str
    unit_code: str
    unit_name: str
    applicant_name: str
    applicant_phone: str
    form: list[tuple[str, str]]
    attachments: list[tuple[str, str]]  # (material, upload id)
    checks: list[tuple[str, bool, str]]
    routing: str
    reply: str
    rating: int | None
    events: list[EventLine]
    actions: list[tuple[str, str]]  # (action value, label) the viewer may take
    is_applicant: bool
    can_hand_over: bool = False


@dataclass(frozen=True, slots=True)
class KpiReport:
    district: Kpi
    units: list[tuple[Unit, Kpi]]
    months: list[tuple[str, Kpi]]
    as_of: datetime


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def facts_of(order: WorkOrder) -> OrderFacts:
    """What the KPIs need of one household order."""
    channel = CHANNEL_OF.get(order.channel, Channel.WINDOW)
    visits = order.payload.get("visits")
    if not isinstance(visits, int):
        visits = 0 if channel is Channel.ONLINE else 1
    return OrderFacts(
        order.id,
        order.matter_code,
        order.lead_unit or "",
        channel,
        order.created_at,
        order.closed_at,
        order.due_at,
        visits,
        order.rating,
        order.state in CANCELLED,
    )


class HouseholdDesk:
    def __init__(
        self,
        engine: WorkflowService,
        reader: FoundationReader,
        router: Router,
        places: PlaceIndex,
        audit: AuditSink,
        catalogue: Catalogue | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.engine = engine
        self.reader = reader
        self.router = router
        self.places = places
        self.audit_sink = audit
        self.catalogue = catalogue or load_catalogue()
        self.clock = clock or engine.clock  # the engine's time: deadlines compare to it
        self._facts: dict[str, OrderFacts] | None = None
        self._lock = threading.Lock()
        engine.policies.add(
            *(
                MatterPolicy(m.code, m.name, policy_days(m.time_limit_days))
                for m in self.catalogue.matters
            )
        )

    # Helpers ----------------------------------------------------------------------------

    def audit(self, viewer: Viewer, action: str, target: str, result: str) -> None:
        actor = viewer.actor
        record = AuditRecord(
            _now(), actor.username, actor.role.value, viewer.ip, action, target, result
        )
        self.audit_sink.append_audit(record)

    def _order(self, viewer: Viewer, order_no: str, action: str = "workorder.view") -> WorkOrder:
        order = self.engine.repo.get(order_no[:40])
        if order is None or order.kind != KIND:
            raise OrderNotFound(order_no[:40])
        if not allowed(viewer.actor, action, order_resource(order, self.places)):
            self.audit(viewer, action, order.id, "denied")
            raise OrderNotFound(order.id)  # no hint that it exists
        return order

    def _changed(self, order: WorkOrder) -> None:
        with self._lock:
            if self._facts is not None:
                self._facts[order.id] = facts_of(order)

    def unit_name(self, code: str | None) -> str:
        if not code:
            return "待分派"
        unit = self.router.units.get(code)
        return unit.name if unit else self.places.name(code)

    # Resident side ----------------------------------------------------------------------

    def form(self, viewer: Viewer, matter_code: str) -> ApplicationForm:
        """The application form of a matter for the logged-in resident."""
        matter = self.catalogue.matter(matter_code)
        actor = viewer.actor
        person = self.reader.person(actor.person_id) if actor.person_id else None
        verification = verify_application(self.reader, matter, actor.person_id)
        prefill: dict[str, str] = {}
        if person is not None:
            prefill = {
                "applicant_name": person.name,
                "id_number": person.id_number or "",
                "phone": person.phones[0] if person.phones else "",
                "residence_address": person.address or "",
            }
        return ApplicationForm(matter, verification, self.router.route(matter, person), prefill)

    def apply(
        self,
        viewer: Viewer,
        matter_code: str,
        values: Mapping[str, str | list[str]],
        uploads: Mapping[str, str],
        idempotency_key: str | None = None,
    ) -> WorkOrder:
        """File an online application (微警务): validate the form, verify against the
        foundation, route it and hand it to the engine. `uploads`: material name →
        upload id of the files already stored."""
        actor = viewer.actor
        matter = self.catalogue.matter(matter_code)
        if not matter.online:
            raise InvalidAction(f"「{matter.name}」暂不支持网上办理，请到派出所户籍窗口办理")
        person = self.reader.person(actor.person_id) if actor.person_id else None
        held = (
            {"applicant_name": person.name, "id_number": person.id_number or ""} if person else {}
        )
        clean = validate_form(matter, values, held)
        verification = verify_application(
            self.reader,
            matter,
            actor.person_id,
            id_number=clean.get("id_number"),
            name=clean.get("applicant_name"),
        )
        identity = verification.result(Check.IDENTITY)
        if identity is not None and not identity.passed and person is not None:
            raise InvalidAction(f"身份核验未通过：{identity.detail}")
        needed = [m.name for m in verification.to_submit if m.upload]
        missing = [name for name in needed if name not in uploads]
        if missing:
            raise InvalidAction("请上传：" + "、".join(missing))
        routing = self.router.route(matter, person)
        payload: dict[str, Any] = {
            "form": {k: v.isoformat() if isinstance(v, date) else v for k, v in clean.items()},
            "materials": {name: uploads[name] for name in needed},
            "checks": [
                {"check": r.check.value, "passed": r.passed, "detail": r.detail}
                for r in verification.results
            ],
            "proven": [m.name for m in verification.proven],
            "routing": routing.why,
            "visits": 0,
        }
        house = routing.house_code or (person.house_code if person else None)
        new = NewOrder(
            kind=KIND,
            matter_code=matter.code,
            title=matter.name,
            applicant_name=str(clean.get("applicant_name", "")),
            applicant_phone=str(clean.get("phone", "")),
            applicant_person_id=actor.person_id,
            house_code=house,
            channel="online",
            payload=payload,
            attachments=tuple(uploads[name] for name in needed),
            lead_unit=routing.unit.code,
        )
        result = self.engine.intake(new, actor, idempotency_key=idempotency_key)
        self.audit(viewer, "workorder.apply", result.order.id, "ok")
        self._changed(result.order)
        return result.order

    def my_orders(self, viewer: Viewer, limit: int = 50) -> list[WorkOrder]:
        actor = viewer.actor
        if not actor.person_id:
            return []
        query = OrderQuery(kinds=(KIND,), applicant_person_id=actor.person_id, limit=limit)
        return self.engine.repo.query(query)

    def rate(self, viewer: Viewer, order_no: str, rating: int, note: str = "") -> WorkOrder:
        order = self._order(viewer, order_no)
        if viewer.actor.person_id != order.applicant_person_id:
            raise Forbidden("只有申请人本人可以评价")
        done = self.engine.act(
            order.id, A.RATE, viewer.actor, note=note, visibility=Visibility.APPLICANT,
            rating=rating,
        )  # fmt: skip
        self.audit(viewer, "workorder.rate", order.id, "ok")
        self._changed(done)
        return done

    # Both sides -------------------------------------------------------------------------

    def view(self, viewer: Viewer, order_no: str) -> OrderView:
        """The order for its applicant (what they may read) or for staff (everything,
        identifiers masked). Audited."""
        order = self._order(viewer, order_no)
        actor = viewer.actor
        is_applicant = actor.person_id is not None and actor.person_id == order.applicant_person_id
        rules = MaskRules.for_viewer(actor, order.applicant_person_id)
        events = self.engine.events(order.id)
        shown = visible_events(events, "applicant" if is_applicant else "staff")
        lines = [
            EventLine(
                e.at,
                e.action.label,
                e.to_state.label,
                e.note,
                self.unit_name(e.actor.unit_code) if e.actor.unit_code else "申请人",
            )
            for e in shown
        ]
        matter = (
            self.catalogue.matter(order.matter_code)
            if order.matter_code in self.catalogue
            else None
        )
        form = self._form_lines(matter, order, rules)
        materials = order.payload.get("materials") or {}
        checks = [
            (Check(c["check"]).label, bool(c["passed"]), str(c["detail"]))
            for c in order.payload.get("checks", [])
        ]
        actions: list[tuple[str, str]] = []
        if is_applicant:
            if order.state in (OrderState.CLOSED, OrderState.VISITED):
                actions.append((A.RATE.value, A.RATE.label))
        else:
            actions = self._staff_actions(actor, order)
        self.audit(viewer, "workorder.view", order.id, "allowed")
        return OrderView(
            id=order.id,
            version=order.version,
            matter_code=order.matter_code,
            title=order.title,
            state=order.state,
            state_label=order.state.label,
            created_at=order.created_at,
            due_at=order.due_at,
            closed_at=order.closed_at,
            overdue=order.overdue
            or (order.state.open and bool(order.due_at and self.clock() > order.due_at)),
            channel=CHANNEL_OF.get(order.channel, Channel.WINDOW).label,
            unit_code=order.lead_unit or "",
            unit_name=self.unit_name(order.lead_unit),
            applicant_name=rules.name_of(order.applicant_name) or "",
            applicant_phone=rules.phone_of(order.applicant_phone) or "",
            form=form,
            attachments=[(str(k), str(v)) for k, v in materials.items()],
            checks=checks,
            routing=str(order.payload.get("routing", "")),
            reply=order.reply,
            rating=order.rating,
            events=lines,
            actions=actions,
            is_applicant=is_applicant,
            can_hand_over=not is_applicant and order.state in HANDABLE and bool(actions),
        )

    def _form_lines(
        self, matter: Matter | None, order: WorkOrder, rules: MaskRules
    ) -> list[tuple[str, str]]:
        values = order.payload.get("form") or {}
        lines = []
        for key, value in values.items():
            field = matter.field(key) if matter else None
            label = field.description if field else key
            text = str(value)
            if field is not None and field.values:
                names = {v.key: v.name for v in field.values}
                text = names.get(text, text)
            if key in ("id_number", "deceased_id_number"):
                text = rules.id_number_of(text) or ""
            elif key == "phone":
                text = rules.phone_of(text) or ""
            elif key == "applicant_name":
                text = rules.name_of(text) or ""
            lines.append((label, text))
        return lines

    def _staff_actions(self, actor: Actor, order: WorkOrder) -> list[tuple[str, str]]:
        resource = order_resource(order, self.places)
        legal = set(allowed_actions(order.state))
        return [
            (a.value, a.label)
            for a in STAFF_ACTIONS
            if a in legal and may(actor, a, resource) and unit_rule(actor, order, a) is None
        ]

    def attachment(self, viewer: Viewer, order_no: str, file_id: str) -> bool:
        """True when the viewer may see the order and the file belongs to it."""
        order = self._order(viewer, order_no)
        ok = file_id in order.attachments
        self.audit(
            viewer,
            "workorder.attachment",
            f"{order.id}/{file_id[:32]}",
            "allowed" if ok else "denied",
        )
        return ok

    # Staff side -------------------------------------------------------------------------

    def queue(
        self,
        viewer: Viewer,
        *,
        unit: str | None = None,
        states: tuple[OrderState, ...] = (),
        matter_code: str | None = None,
        created_from: datetime | None = None,
        created_to: datetime | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[list[WorkOrder], int]:
        """Household orders the viewer may see, newest first (a station: its own)."""
        actor = viewer.actor
        bounds = within_codes(actor, "workorder.view", self.places.streets_of_station)
        if not bounds:
            raise Forbidden("您的角色无权查看工单队列")
        within: tuple[str, ...] = tuple(bounds)
        if actor.tree == "police" and actor.unit_code and bounds != [""]:
            within = (actor.unit_code,)  # a station's queue: the orders it leads
        query = OrderQuery(
            within=within,
            kinds=(KIND,),
            states=states,
            lead_unit=unit or None,
            matter_code=matter_code,
            created_from=created_from,
            created_to=created_to,
            limit=limit,
            offset=offset,
        )
        orders = self.engine.repo.query(query)
        total = self.engine.repo.count(query)
        self.audit(viewer, "workorder.view", f"队列 {within[0] or '全区'}", "allowed")
        return orders, total

    def act(
        self,
        viewer: Viewer,
        order_no: str,
        action: str,
        *,
        note: str = "",
        reply: str = "",
        version: int | None = None,
        lead_unit: str = "",
        inform: bool = True,
    ) -> WorkOrder:
        """One step of handling; dispatch defaults to the unit the routing chose."""
        try:
            move = OrderAction(action)
        except ValueError:
            raise InvalidAction("不支持的操作") from None
        if move not in STAFF_ACTIONS:
            raise InvalidAction("不支持的操作")
        order = self._order(viewer, order_no)
        args: dict[str, Any] = {}
        if move in (A.DISPATCH, A.REASSIGN):
            target = lead_unit or order.lead_unit or self.router.brigade.code
            if move is A.REASSIGN:
                self.router.check_hand_over(order.lead_unit or "", target)
            args["lead_unit"] = target
        if move is A.REPLY:
            args["reply"] = reply or note
        visibility = Visibility.APPLICANT if inform else Visibility.INTERNAL
        done = self.engine.act(
            order.id, move, viewer.actor, note=note, visibility=visibility,
            expected_version=version, **args,
        )  # fmt: skip
        self.audit(viewer, f"workorder.{move.value}", order.id, "ok")
        self._changed(done)
        return done

    def hand_over(
        self, viewer: Viewer, order_no: str, to_unit: str, note: str, version: int | None = None
    ) -> WorkOrder:
        """Hand the order to another station (or the brigade): 改派 when it waits for
        signing, 退单 then 改派 once signed; accepted and dispatched first when new."""
        order = self._order(viewer, order_no)
        self.router.check_hand_over(order.lead_unit or "", to_unit)
        if not note.strip():
            raise InvalidAction("请填写转交原因")
        if version is not None and version != order.version:
            raise StaleOrder(order.id, version, order.version)
        actor = viewer.actor
        state = order.state
        if state is OrderState.SUBMITTED:
            order = self.engine.act(order.id, A.ACCEPT, actor, note=note)
            state = order.state
        if state is OrderState.ACCEPTED:
            order = self.engine.act(order.id, A.DISPATCH, actor, note=note, lead_unit=to_unit)
        elif state in (OrderState.SIGNED, OrderState.HANDLING):
            order = self.engine.act(order.id, A.RETURN, actor, note=note)
            order = self.engine.act(order.id, A.REASSIGN, actor, note=note, lead_unit=to_unit)
        elif state in (OrderState.DISPATCHED, OrderState.RETURNED):
            order = self.engine.act(order.id, A.REASSIGN, actor, note=note, lead_unit=to_unit)
        else:
            raise IllegalTransition(state, A.REASSIGN)
        self.audit(viewer, "workorder.hand_over", f"{order.id} → {to_unit}", "ok")
        self._changed(order)
        return order

    def mailout(self, viewer: Viewer, since: datetime) -> list[MailBatch]:
        """ID-card mail-out batches of the orders registered since `since` that the
        viewer may see; recipients masked for the viewer, addresses kept (they are what
        the parcel needs). Audited."""
        orders, _ = self.queue(
            viewer, states=tuple(REGISTERED), created_from=since - timedelta(days=62), limit=5000
        )
        rules = MaskRules.for_viewer(viewer.actor, None)
        batches = mail_batches(
            o for o in orders if (o.replied_at or o.closed_at or o.updated_at) >= since
        )
        for batch in batches:
            batch.items = [
                replace(item, recipient=rules.name_of(item.recipient) or "") for item in batch.items
            ]
        self.audit(viewer, "workorder.view", f"邮寄批次 {len(batches)} 批", "allowed")
        return batches

    # KPIs -------------------------------------------------------------------------------

    def kpis(self, viewer: Viewer) -> KpiReport:
        """District, per-unit and per-month KPIs of all household orders (aggregates:
        no personal data; staff only)."""
        actor = viewer.actor
        if actor.person_id is not None or not within_codes(
            actor, "workorder.view", self.places.streets_of_station
        ):
            raise Forbidden("您的角色无权查看户政业务指标")
        facts = list(self._all_facts().values())
        now = self.clock()
        per_unit = kpi_by(facts, lambda o: o.unit_code, now)
        empty = compute_kpi([], now)
        units = [(u, per_unit.get(u.code, empty)) for u in self.router.stations]
        months = list(kpi_by(facts, lambda o: f"{o.submitted_at:%Y-%m}", now).items())
        self.audit(viewer, "stats.view", "户政业务指标", "allowed")
        return KpiReport(compute_kpi(facts, now), units, months, now)

    def _all_facts(self) -> dict[str, OrderFacts]:
        with self._lock:
            if self._facts is None:
                orders = self.engine.repo.query(OrderQuery(kinds=(KIND,), limit=None))
                self._facts = {o.id: facts_of(o) for o in orders}
            return dict(self._facts)
