"""Mass-case intake wired for the web: the service over the operational store's engine,
the work-order engine behind the app's `CaseOrders` port (the app's domain stays
testable with a fake; this layer plugs the real engine in), and the case file as CSV."""

from __future__ import annotations

import csv
import io
import logging
from typing import Any, Final

from shibei.access import Actor, PlaceIndex
from shibei.apps.mass_cases import ClusterDetail, MassCaseService, Report
from shibei.apps.mass_cases.service import AuditSink
from shibei.apps.mass_cases.views import TransferView
from shibei.foundation.reader import FoundationReader
from shibei.workflow import NewOrder, OrderAction, WorkflowService

log = logging.getLogger(__name__)
MATTER: Final = "mass_case_report"


class WorkflowCaseOrders:
    """Each report becomes a `mass_case` work order (idempotent per report); an
    officer's registration accepts it (受理)."""

    def __init__(self, service: WorkflowService) -> None:
        self.service = service

    def open(self, report: Report, actor: Actor) -> str:
        s = report.suspect
        about = s.organization or s.platform or s.person or "未知对象"
        new = NewOrder(
            kind="mass_case",
            matter_code=MATTER,
            title=f"涉众案件报案：{about}"[:100],
            applicant_name=report.reporter.name,
            applicant_phone=report.reporter.phone,
            applicant_person_id=report.reporter.person_id,
            division_code=report.community_code,
            channel=report.channel,
            payload={"report_id": report.report_id, "total_fen": report.total_fen},
            attachments=tuple(a.file_id for a in report.attachments),
        )
        result = self.service.intake(new, actor, idempotency_key=f"masscase:{report.report_id}")
        return result.order.id

    def registered(self, order_id: str, actor: Actor) -> None:
        self.service.act(order_id, OrderAction.ACCEPT, actor, note="涉众案件报案已受理登记")


def mass_case_service(
    reader: FoundationReader, places: PlaceIndex, store: Any
) -> MassCaseService | None:
    """The service on the store's database (None for a store without an engine)."""
    from shibei.store.mass_cases import SqlMassCaseRepository
    from shibei.store.workorders import SqlWorkOrderRepository

    engine = getattr(store, "engine", None)
    if engine is None:
        return None
    audit: AuditSink = store
    orders = WorkflowCaseOrders(WorkflowService(SqlWorkOrderRepository(engine), places=places))
    return MassCaseService(SqlMassCaseRepository(engine), reader, places, audit, orders)


CSV_HEADERS: Final = (
    "案件簇",
    "报案编号",
    "报案时间",
    "报案人",
    "公民身份号码",
    "联系电话",
    "社区",
    "身份核验",
    "涉案单位（报案人所述）",
    "法人库单位",
    "对方联系人",
    "平台",
    "转账日期",
    "金额（元）",
    "方式",
    "收款人",
    "收款账号",
    "开户行/平台",
    "报案合计（元）",
    "材料数",
    "工单号",
    "登记时间",
    "接报用时（分钟）",
)


def _cell(value: object) -> str:
    """Text for a CSV cell; a leading = + - @ is defused (spreadsheet formula injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def case_file_csv(detail: ClusterDetail) -> bytes:
    """One row per transfer (a report without transfers still gets one row), masked as
    the page; UTF-8 with BOM so Excel opens the Chinese correctly."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADERS)
    orgs = {o.org_id: o.name for o in detail.organizations}
    for r in detail.reports:
        head = [
            detail.summary.cluster_id,
            r.report_id,
            f"{r.submitted_at:%Y-%m-%d %H:%M}",
            r.reporter_name,
            r.reporter_id_number,
            r.reporter_phone,
            r.community_name,
            r.identity_label,
            r.organization,
            orgs.get(r.org_id or "", ""),
            r.suspect_person,
            r.platform,
        ]
        tail = [
            r.total,
            len(r.attachments),
            r.order_id or "",
            f"{r.registered_at:%Y-%m-%d %H:%M}" if r.registered_at else "",
            r.intake_minutes if r.intake_minutes is not None else "",
        ]
        rows: list[TransferView | None] = [*r.transfers] or [None]
        for t in rows:
            middle = (
                [
                    t.paid_on or "",
                    t.amount,
                    t.method_label,
                    t.payee_name,
                    t.payee_account,
                    t.payee_bank,
                ]
                if t
                else [""] * 6
            )
            writer.writerow([_cell(v) for v in (*head, *middle, *tail)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
