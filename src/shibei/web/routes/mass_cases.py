"""Mass-case intake routes: the resident's report form (pages, and the JSON API the
mini-program calls), attachments, and the officers' clusters, merges, registration and
case-file exports. Thin: parse, call `MassCaseService`, render."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, TypeVar
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Header, Path, Request, Response, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, Field
from starlette.datastructures import FormData
from starlette.datastructures import UploadFile as StarletteUpload

from shibei.access import Role, scope_of
from shibei.apps.mass_cases import (
    Attachment,
    ClusterDetail,
    ClusterSummary,
    DraftInput,
    IntakeConflict,
    IntakeDenied,
    IntakeNotFound,
    MassCaseService,
    ReportInvalid,
    ReportView,
    StaleDraft,
    SubmitResult,
    TransferInput,
    input_of,
)
from shibei.apps.mass_cases.model import PAYMENT_LABELS, Draft
from shibei.apps.mass_cases.views import AttachmentView, ProposalView
from shibei.web.context import Caller, check_csrf, context_of, require_caller
from shibei.web.errors import BadRequest, Forbidden, NotFound, WebError
from shibei.web.mass_cases import case_file_csv
from shibei.web.routes.pages import TEMPLATES, PageCaller, render
from shibei.web.uploads import UploadRejected, clean_upload, file_response, read_upload
from shibei.workflow import Forbidden as OrderForbidden
from shibei.workflow import IllegalTransition, InvalidAction, OrderNotFound

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"description": "错误（detail 为中文说明）"}
    for code in (400, 401, 403, 404, 409, 413, 415)
}
api = APIRouter(prefix="/api/mass-cases", tags=["涉众案件"], responses=ERRORS)
pages = APIRouter(include_in_schema=False)
CallerDep = Annotated[Caller, Depends(require_caller)]
Id = Annotated[str, Path(max_length=40, pattern=r"^[A-Za-z0-9_-]+$")]
FileId = Annotated[str, Path(max_length=40, pattern=r"^[0-9a-f]{32}$")]
CsrfHeader = Annotated[str | None, Header()]
CsrfForm = Annotated[str, Form(max_length=100)]
FILE_LABELS = ("转账凭证", "合同", "其他")
T = TypeVar("T")


class Conflict(WebError):
    status = 409


@contextmanager
def _answers() -> Iterator[None]:
    """Domain errors → 4xx with their Chinese message."""
    try:
        yield
    except IntakeDenied as exc:
        raise Forbidden(str(exc)) from exc
    except IntakeNotFound as exc:
        raise NotFound(str(exc)) from exc
    except (IntakeConflict, StaleDraft, IllegalTransition) as exc:
        raise Conflict(str(exc)) from exc
    except ReportInvalid as exc:
        raise BadRequest("报案信息不完整：" + "；".join(exc.problems.values())) from exc
    except OrderForbidden as exc:
        raise Forbidden(str(exc)) from exc
    except (InvalidAction, OrderNotFound) as exc:
        raise BadRequest(f"工单处理失败：{exc}") from exc


def _service(request: Request) -> MassCaseService:
    service = context_of(request).mass_cases
    if service is None:
        raise NotFound("涉众案件接报未启用")
    return service


def _ask(request: Request, call: Callable[[MassCaseService], T]) -> T:
    """One service call, its domain errors answered as 4xx."""
    with _answers():
        return call(_service(request))


async def _store_file(request: Request, caller: Caller, file: StarletteUpload, label: str) -> Draft:
    service = _service(request)
    with _answers():
        service.draft(caller.viewer)  # only reporters may upload
    data = await read_upload(file)
    clean = clean_upload(data, file.filename)
    stored = context_of(request).uploads.save(clean)
    attachment = Attachment(
        stored.id,
        stored.name,
        stored.kind,
        stored.size,
        stored.sha256,
        label if label in FILE_LABELS else "其他",
    )
    with _answers():
        return service.attach(caller.viewer, attachment)


# -- JSON API -----------------------------------------------------------------------------


class TransferIn(BaseModel):
    paid_on: str = Field("", max_length=10, description="转账日期 YYYY-MM-DD")
    amount: str = Field("", max_length=20, description="金额（元），如 50000、1.5万")
    method: str = Field("bank", max_length=10, description="bank | platform | cash | other")
    payee_name: str = Field("", max_length=100)
    payee_account: str = Field("", max_length=40)
    payee_bank: str = Field("", max_length=100, description="开户行，或平台名称")
    note: str = Field("", max_length=100)


class DraftIn(BaseModel):
    """What the mini-program sends; saved as it is, checked on submission."""

    name: str = Field("", max_length=30)
    id_number: str = Field("", max_length=20)
    phone: str = Field("", max_length=20)
    community_code: str = Field("", max_length=12)
    address: str = Field("", max_length=200)
    organization: str = Field("", max_length=100)
    uscc: str = Field("", max_length=20)
    suspect_person: str = Field("", max_length=50)
    suspect_phones: str = Field("", max_length=100)
    platform: str = Field("", max_length=60)
    suspect_address: str = Field("", max_length=200)
    story: str = Field("", max_length=3000)
    transfers: list[TransferIn] = Field(default_factory=list, max_length=60)
    version: int | None = Field(None, ge=1, description="草稿版本（防止两处同时修改）")

    def to_input(self) -> DraftInput:
        data = self.model_dump(exclude={"transfers", "version"})
        return DraftInput(
            **data, transfers=[TransferInput(**t.model_dump()) for t in self.transfers]
        )


@dataclass(frozen=True, slots=True)
class DraftPublic:
    draft_id: str
    version: int
    started_at: datetime
    updated_at: datetime
    form: DraftInput
    attachments: list[AttachmentView]
    problems: dict[str, str]


class DecisionIn(BaseModel):
    confirm: bool
    note: str = Field("", max_length=200)


def _draft_public(draft: Draft, problems: dict[str, str] | None = None) -> DraftPublic:
    return DraftPublic(
        draft.draft_id,
        draft.version,
        draft.started_at,
        draft.updated_at,
        input_of(draft),
        [
            AttachmentView(
                a.file_id, a.name, a.kind, a.size, a.label, f"/mass-cases/files/draft/{a.file_id}"
            )
            for a in draft.attachments
        ],
        problems or {},
    )


@api.get("/draft", summary="我的报案草稿（没有则新建）")
def get_draft(caller: CallerDep, request: Request) -> DraftPublic:
    return _draft_public(_ask(request, lambda s: s.draft(caller.viewer)))


@api.put("/draft", summary="保存报案草稿")
def put_draft(
    body: DraftIn,
    caller: CallerDep,
    request: Request,
    x_csrf_token: CsrfHeader = None,
) -> DraftPublic:
    check_csrf(caller, x_csrf_token)
    draft, problems = _ask(
        request, lambda s: s.save_draft(caller.viewer, body.to_input(), body.version)
    )
    return _draft_public(draft, problems)


@api.post("/draft/files", summary="上传材料（JPG/PNG/PDF，按内容检查）", status_code=201)
async def post_draft_file(
    file: UploadFile,
    caller: CallerDep,
    request: Request,
    label: Annotated[str, Form(max_length=10)] = "其他",
    x_csrf_token: CsrfHeader = None,
) -> DraftPublic:
    check_csrf(caller, x_csrf_token)
    return _draft_public(await _store_file(request, caller, file, label))


@api.delete("/draft/files/{file_id}", summary="删除草稿中的材料")
def delete_draft_file(
    file_id: FileId,
    caller: CallerDep,
    request: Request,
    x_csrf_token: CsrfHeader = None,
) -> DraftPublic:
    check_csrf(caller, x_csrf_token)
    return _draft_public(_ask(request, lambda s: s.detach(caller.viewer, file_id)))


@api.post("/draft/submit", summary="提交报案（之后不可修改）", status_code=201)
def submit_draft(
    caller: CallerDep,
    request: Request,
    x_csrf_token: CsrfHeader = None,
) -> SubmitResult:
    check_csrf(caller, x_csrf_token)
    return _ask(request, lambda s: s.submit(caller.viewer))


@api.get("/reports/mine", summary="我提交的报案")
def my_reports(caller: CallerDep, request: Request) -> list[ReportView]:
    return _ask(request, lambda s: s.my_reports(caller.viewer))


@api.get("/reports/{report_id}", summary="一份报案（按角色脱敏）")
def get_report(report_id: Id, caller: CallerDep, request: Request) -> ReportView:
    return _ask(request, lambda s: s.report(caller.viewer, report_id))


@api.post("/reports/{report_id}/register", summary="受理登记（接报结束）")
def register_report(
    report_id: Id,
    caller: CallerDep,
    request: Request,
    x_csrf_token: CsrfHeader = None,
) -> ReportView:
    check_csrf(caller, x_csrf_token)
    return _ask(request, lambda s: s.register(caller.viewer, report_id))


@api.get("/clusters", summary="案件簇（本辖区）")
def list_clusters(caller: CallerDep, request: Request) -> list[ClusterSummary]:
    return _ask(request, lambda s: s.clusters(caller.viewer))


@api.get("/clusters/{cluster_id}", summary="案件簇详情：报案、并案建议、关联单位、时间线、社区分布")
def get_cluster(cluster_id: Id, caller: CallerDep, request: Request) -> ClusterDetail:
    return _ask(request, lambda s: s.cluster(caller.viewer, cluster_id))


@api.post("/proposals/{proposal_id}", summary="确认或驳回并案建议")
def decide_proposal(
    proposal_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    body: DecisionIn,
    caller: CallerDep,
    request: Request,
    x_csrf_token: CsrfHeader = None,
) -> ProposalView:
    check_csrf(caller, x_csrf_token)
    return _ask(request, lambda s: s.decide(caller.viewer, proposal_id, body.confirm, body.note))


@api.get(
    "/clusters/{cluster_id}/export.csv",
    summary="导出案卷 CSV（脱敏，记入审计）",
    responses={200: {"content": {"text/csv": {}}}},
)
def export_cluster_csv(cluster_id: Id, caller: CallerDep, request: Request) -> Response:
    return _csv_response(request, caller, cluster_id)


@api.get(
    "/files/{report_id}/{file_id}",
    summary="报案材料文件",
    responses={200: {"content": {"image/jpeg": {}, "image/png": {}, "application/pdf": {}}}},
)
def get_file(report_id: Id, file_id: FileId, caller: CallerDep, request: Request) -> Response:
    return _file(request, caller, report_id, file_id)


def _csv_response(request: Request, caller: Caller, cluster_id: str) -> Response:
    detail = _ask(request, lambda s: s.export(caller.viewer, cluster_id))
    name = f"案卷_{detail.summary.cluster_id}.csv"
    return Response(
        case_file_csv(detail),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": (
                f'attachment; filename="case_{detail.summary.cluster_id}.csv"; '
                f"filename*=UTF-8''{quote(name)}"
            )
        },
    )


def _file(request: Request, caller: Caller, report_id: str, file_id: str) -> Response:
    attachment = _ask(request, lambda s: s.attachment(caller.viewer, report_id, file_id))
    found = context_of(request).uploads.open(attachment.file_id)
    if found is None:
        raise NotFound("文件不存在")
    return file_response(*found, inline=True)


# -- pages --------------------------------------------------------------------------------


def _render_form(
    request: Request,
    caller: Caller,
    draft: Draft,
    problems: dict[str, str],
    messages: list[tuple[str, str]],
    status: int = 200,
) -> HTMLResponse:
    ctx = context_of(request)
    communities = sorted(
        ((c, ctx.places.name(c), ctx.places.name(c[:9])) for c in _service(request).communities),
        key=lambda x: x[0],
    )
    data = input_of(draft)
    rows = [*data.transfers] + [TransferInput()] * max(1, 3 - len(data.transfers))
    return render(
        request,
        "mass_report.html",
        caller,
        status=status,
        draft=draft,
        form=data,
        rows=rows,
        problems=problems,
        messages=messages,
        communities=communities,
        methods=[(m.value, label) for m, label in PAYMENT_LABELS.items()],
        file_labels=FILE_LABELS,
    )


def _form_input(form: FormData) -> DraftInput:
    def one(name: str, n: int = 200) -> str:
        value = form.get(name, "")
        return value[:n] if isinstance(value, str) else ""

    def many(name: str) -> list[str]:
        return [v[:200] if isinstance(v, str) else "" for v in form.getlist(name)][:60]

    columns = [
        many(f"t_{c}")
        for c in ("paid_on", "amount", "method", "payee_name", "payee_account", "payee_bank")
    ]
    width = max((len(c) for c in columns), default=0)
    transfers = [
        TransferInput(*(c[i] if i < len(c) else "" for c in columns)) for i in range(width)
    ]
    return DraftInput(
        name=one("name", 30),
        id_number=one("id_number", 20),
        phone=one("phone", 20),
        community_code=one("community_code", 12),
        address=one("address"),
        organization=one("organization", 100),
        uscc=one("uscc", 20),
        suspect_person=one("suspect_person", 50),
        suspect_phones=one("suspect_phones", 100),
        platform=one("platform", 60),
        suspect_address=one("suspect_address"),
        story=one("story", 3000),
        transfers=transfers,
    )


@pages.get("/mass-cases", response_class=HTMLResponse)
def clusters_page(caller: PageCaller, request: Request) -> Response:
    if caller.actor.role is Role.RESIDENT:
        return RedirectResponse("/mass-cases/mine", status_code=303)
    clusters = _ask(request, lambda s: s.clusters(caller.viewer))
    return render(request, "mass_clusters.html", caller, clusters=clusters)


@pages.get("/mass-cases/report", response_class=HTMLResponse)
def report_form(caller: PageCaller, request: Request) -> HTMLResponse:
    draft = _ask(request, lambda s: s.draft(caller.viewer))
    return _render_form(request, caller, draft, {}, [])


@pages.post("/mass-cases/report", response_class=HTMLResponse)
async def report_post(caller: PageCaller, request: Request) -> Response:
    try:
        form = await request.form(max_files=12, max_fields=600)
    except Exception as exc:  # a malformed multipart body
        raise BadRequest("表单格式不正确，请刷新后重试") from exc
    try:
        return await _report_post(caller, request, form)
    finally:
        await form.close()  # the spooled upload files


async def _report_post(caller: Caller, request: Request, form: FormData) -> Response:
    service = _service(request)
    csrf = form.get("csrf_token")
    check_csrf(caller, csrf if isinstance(csrf, str) else None)
    version_text = form.get("version")
    version = (
        int(version_text) if isinstance(version_text, str) and version_text.isdigit() else None
    )
    messages: list[tuple[str, str]] = []
    with _answers():
        draft, problems = service.save_draft(caller.viewer, _form_input(form), version)
    label = form.get("file_label")
    for item in form.getlist("files"):
        if not isinstance(item, StarletteUpload) or not item.filename:
            continue
        try:
            draft = await _store_file(
                request, caller, item, label if isinstance(label, str) else "其他"
            )
            messages.append(("notice", f"已上传：{draft.attachments[-1].name}"))
        except UploadRejected as exc:
            messages.append(("error", f"{item.filename[:60]}：{exc.message}"))
            problems["files"] = exc.message
        except WebError as exc:
            messages.append(("error", exc.message))
            problems["files"] = exc.message
    action = form.get("action")
    if action == "submit" and "files" not in problems:
        try:
            result = service.submit(caller.viewer)
        except ReportInvalid as exc:
            return _render_form(
                request, caller, draft, exc.problems, [("error", "请补充标红的内容后再提交")], 400
            )
        except (IntakeDenied, IntakeConflict, StaleDraft) as exc:
            return _render_form(request, caller, draft, problems, [("error", str(exc))], 409)
        return RedirectResponse(
            f"/mass-cases/reports/{result.report.report_id}?new=1", status_code=303
        )
    if action == "save":
        messages.insert(0, ("notice", f"草稿已保存（{draft.updated_at:%H:%M}）"))
    return _render_form(
        request,
        caller,
        draft,
        problems if action == "submit" else {},
        messages,
        400 if "files" in problems else 200,
    )


@pages.post("/mass-cases/report/files/{file_id}/delete")
def report_file_delete(
    file_id: FileId,
    caller: PageCaller,
    request: Request,
    csrf_token: CsrfForm = "",
) -> Response:
    check_csrf(caller, csrf_token)
    _ask(request, lambda s: s.detach(caller.viewer, file_id))
    return RedirectResponse("/mass-cases/report", status_code=303)


@pages.get("/mass-cases/mine", response_class=HTMLResponse)
def mine_page(caller: PageCaller, request: Request) -> HTMLResponse:
    reports = _ask(request, lambda s: s.my_reports(caller.viewer))
    return render(request, "mass_mine.html", caller, reports=reports)


@pages.get("/mass-cases/reports/{report_id}", response_class=HTMLResponse)
def report_page(report_id: Id, caller: PageCaller, request: Request, new: int = 0) -> HTMLResponse:
    report = _ask(request, lambda s: s.report(caller.viewer, report_id))
    own = caller.actor.role is Role.RESIDENT
    return render(request, "mass_report_view.html", caller, report=report, new=bool(new), own=own)


@pages.post("/mass-cases/reports/{report_id}/register")
def register_page(
    report_id: Id,
    caller: PageCaller,
    request: Request,
    csrf_token: CsrfForm = "",
) -> Response:
    check_csrf(caller, csrf_token)
    report = _ask(request, lambda s: s.register(caller.viewer, report_id))
    return RedirectResponse(
        f"/mass-cases/clusters/{report.cluster_id}#r-{report_id}", status_code=303
    )


@pages.get("/mass-cases/clusters/{cluster_id}", response_class=HTMLResponse)
def cluster_page(cluster_id: Id, caller: PageCaller, request: Request) -> Response:
    detail = _ask(request, lambda s: s.cluster(caller.viewer, cluster_id))
    if detail.summary.cluster_id != cluster_id:
        return RedirectResponse(
            f"/mass-cases/clusters/{detail.summary.cluster_id}", status_code=303
        )
    counts = {c.code: c.victims for c in detail.communities}
    map_data = json.dumps(
        [{"code": c.code, "name": c.name, "value": c.victims} for c in detail.communities],
        ensure_ascii=False,
    )
    timeline = json.dumps(
        [
            {
                "day": d.day.isoformat(),
                "transfers": d.transfers,
                "amount": d.amount_fen / 100,
                "reports": d.reports,
            }
            for d in detail.timeline
        ],
        ensure_ascii=False,
    )
    return render(
        request,
        "mass_cluster.html",
        caller,
        detail=detail,
        s=detail.summary,
        counts=counts,
        map_data=map_data,
        timeline=timeline,
        home=min((c.code[:9] for c in detail.communities), default="370203"),
    )


@pages.post("/mass-cases/proposals/{proposal_id}/decide")
def decide_page(
    proposal_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    caller: PageCaller,
    request: Request,
    decision: Annotated[str, Form(max_length=10)] = "",
    note: Annotated[str, Form(max_length=200)] = "",
    back: Annotated[str, Form(max_length=60, pattern=r"^[A-Za-z0-9_-]*$")] = "",
    csrf_token: CsrfForm = "",
) -> Response:
    check_csrf(caller, csrf_token)
    if decision not in ("confirm", "reject"):
        raise BadRequest("请选择确认并案或不并案")
    view = _ask(
        request, lambda s: s.decide(caller.viewer, proposal_id, decision == "confirm", note)
    )
    target = back or view.target_cluster_id
    return RedirectResponse(f"/mass-cases/clusters/{target}", status_code=303)


@pages.get("/mass-cases/clusters/{cluster_id}/export.csv")
def export_csv_page(cluster_id: Id, caller: PageCaller, request: Request) -> Response:
    return _csv_response(request, caller, cluster_id)


@pages.get("/mass-cases/clusters/{cluster_id}/summary", response_class=HTMLResponse)
def summary_page(cluster_id: Id, caller: PageCaller, request: Request) -> HTMLResponse:
    detail = _ask(request, lambda s: s.export(caller.viewer, cluster_id))
    return render(
        request,
        "mass_summary.html",
        caller,
        detail=detail,
        s=detail.summary,
        printed=datetime.now(),
    )


@pages.get("/mass-cases/files/{report_id}/{file_id}")
def file_page(report_id: Id, file_id: FileId, caller: PageCaller, request: Request) -> Response:
    return _file(request, caller, report_id, file_id)


def mass_case_links(caller: Caller | None) -> list[tuple[str, str]]:
    """Menu entries: residents report and follow; officials with masscase.view see the
    clusters."""
    if caller is None:
        return []
    actor = caller.actor
    if actor.role is Role.RESIDENT:
        return [("/mass-cases/report", "涉众报案"), ("/mass-cases/mine", "我的报案")]
    if scope_of(actor, "masscase.view") is not None:
        return [("/mass-cases", "涉众案件")]
    return []


TEMPLATES.env.globals["mass_case_links"] = mass_case_links
