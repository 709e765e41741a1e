"""The maintainers' admin: documents, rebuilds, feedback, unanswered questions; the upload API.

Off (404) unless ``MINZHENG_ADMIN_TOKEN`` is set. Pages need a signed-in session and a CSRF
token on every form (:mod:`assistant.access`); the API for scripts needs the bearer token.
Changes go through :class:`library.Library` and rebuild in the background through
:class:`library.Rebuilds` (the service keeps answering from the old index meanwhile).
"""

from __future__ import annotations

import io
import tempfile
from collections import Counter
from contextlib import suppress
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from . import access
from .collection import SOURCES
from .drafts import feedback_case, unanswered_cases, write_cases
from .errors import AssistantError, InputError
from .ingest import SkippedFile
from .library import Change, Library, Rebuilds
from .ratelimit import RateLimiter
from .service import Service, ServiceDep, client, ordered, service
from .unanswered import TopicGroup, redact

MAX_UPLOAD_FILES = 20
MAX_RECHECKS = 30  # topics asked again per page view
SIGN_INS_PER_MINUTE = 10
UPLOAD_PATHS = ("/admin/documents", "/api/documents")  # allowed bodies up to the upload limit
WAIT_SECONDS = 600.0
JSONL = "application/x-ndjson; charset=utf-8"
NO_STORE = "no-store"

router = APIRouter(include_in_schema=False)
api_router = APIRouter(tags=["admin"])
SessionDep = Depends(access.require_session)


@dataclass
class AdminState:
    library: Library
    rebuilds: Rebuilds
    sign_ins: RateLimiter


def install(app: FastAPI, shared: Service) -> None:
    """Add the admin's session, state and routes to the app (the routes answer 404 when it is off)."""
    access.install_sessions(app, shared.settings)
    app.state.admin = AdminState(
        library=Library(shared.settings),
        rebuilds=Rebuilds(shared.keeper),
        # counted across worker processes, beside the feedback file like the questions' limit
        sign_ins=RateLimiter(
            SIGN_INS_PER_MINUTE,
            shared.settings.feedback_db.with_name(shared.settings.feedback_db.stem + ".signins.sqlite3"),
        ),
    )
    app.include_router(router)
    app.include_router(api_router)


def state(request: Request) -> AdminState:
    found: AdminState = request.app.state.admin
    return found


StateDep = Annotated[AdminState, Depends(state)]


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _flash(request: Request, level: str, text: str) -> None:
    request.session["flash"] = [*request.session.get("flash", []), [level, text]][-8:]


def _render(request: Request, template: str, status_code: int = 200, **context: object) -> HTMLResponse:
    flashes = request.session.pop("flash", [])
    response = service(request).render(
        request,
        template,
        status_code=status_code,
        csrf=access.csrf_token(request),
        flashes=flashes,
        signed_in=request.session.get("admin") is True,
        section=template.removeprefix("admin_").removesuffix(".html"),
        rebuild=state(request).rebuilds.status(),
        queued=state(request).rebuilds.queued,
        **context,
    )
    response.headers["Cache-Control"] = NO_STORE  # pages hold a CSRF token and personal feedback
    return response


# sign-in ---------------------------------------------------------------------------------


@router.get("/admin", response_class=HTMLResponse)
def admin_home(request: Request) -> Response:
    return _redirect("/admin/documents" if access.signed_in(request) else "/admin/login")


@router.get("/admin/login", response_class=HTMLResponse)
def login_page(request: Request) -> Response:
    if access.signed_in(request):
        return _redirect("/admin/documents")
    return _render(request, "admin_login.html", error="")


@router.post("/admin/login", response_class=HTMLResponse)
async def login(request: Request, admin: StateDep) -> Response:
    access.admin_token(request)
    form = await request.form()
    access.check_csrf(request, form)
    wait = admin.sign_ins.hit(client(request))
    if wait > 0:
        raise HTTPException(429, f"登录尝试过于频繁，请 {int(wait) + 1} 秒后再试。")
    if access.sign_in(request, str(form.get("token", ""))):
        return _redirect("/admin/documents")
    return _render(request, "admin_login.html", status_code=401, error="令牌不正确，请重新输入。")


@router.post("/admin/logout", dependencies=[SessionDep])
async def logout(request: Request) -> Response:
    access.check_csrf(request, await request.form())
    access.sign_out(request)
    return _redirect("/admin/login")


# documents -------------------------------------------------------------------------------


@router.get("/admin/documents", response_class=HTMLResponse, dependencies=[SessionDep])
def documents_page(request: Request, shared: ServiceDep, admin: StateDep) -> HTMLResponse:
    try:
        documents = ordered(admin.library.documents())
    except AssistantError as exc:
        documents = []
        _flash(request, "error", str(exc))
    current = shared.pipeline
    chunks = Counter(chunk.doc_id for chunk in current.index.chunks) if current else Counter()
    indexed = set(current.documents) if current else set()
    sources = admin.library.folder / SOURCES
    originals = {d.id for d in documents if d.source and (sources / d.source).is_file()}
    return _render(
        request,
        "admin_documents.html",
        documents=documents,
        chunks=chunks,
        indexed=indexed,
        originals=originals,
        suffixes=admin.library.suffixes,
        max_upload_bytes=shared.settings.max_upload_bytes,
        max_file_bytes=admin.library.max_file_bytes,
        max_files=MAX_UPLOAD_FILES,
    )


@router.post("/admin/documents", dependencies=[SessionDep])
async def upload(request: Request, admin: StateDep) -> Response:
    form = await request.form(max_files=MAX_UPLOAD_FILES)
    access.check_csrf(request, form)
    files = [item for item in form.getlist("file") if isinstance(item, UploadFile) and item.filename]
    if not files:
        _flash(request, "error", "请先选择要上传的文件。")
        return _redirect("/admin/documents")
    change = await _ingest_uploads(admin, files, replace_existing=form.get("replace") == "1")
    _report(request, admin, change)
    return _redirect("/admin/documents")


@router.post("/admin/documents/{doc_id}/replace", dependencies=[SessionDep])
async def replace_document(doc_id: str, request: Request, admin: StateDep) -> Response:
    form = await request.form(max_files=1)
    access.check_csrf(request, form)
    upload_ = form.get("file")
    if not isinstance(upload_, UploadFile) or not upload_.filename:
        _flash(request, "error", f"替换 {doc_id}：请先选择新版本的文件。")
        return _redirect("/admin/documents")
    try:
        change = await _ingest_uploads(admin, [upload_], target=doc_id)
    except AssistantError as exc:
        _flash(request, "error", f"替换 {doc_id} 失败：{exc}")
        return _redirect("/admin/documents")
    _report(request, admin, change)
    return _redirect("/admin/documents")


@router.post("/admin/documents/{doc_id}/delete", dependencies=[SessionDep])
async def delete_document(doc_id: str, request: Request, admin: StateDep) -> Response:
    access.check_csrf(request, await request.form())
    try:
        change = await run_in_threadpool(admin.library.remove, [doc_id])
    except AssistantError as exc:
        _flash(request, "error", f"删除 {doc_id} 失败：{exc}")
        return _redirect("/admin/documents")
    _report(request, admin, change)
    return _redirect("/admin/documents")


# index -----------------------------------------------------------------------------------


@router.get("/admin/index", response_class=HTMLResponse, dependencies=[SessionDep])
def index_page(request: Request) -> HTMLResponse:
    return _render(request, "admin_index.html")


@router.post("/admin/index/rebuild", dependencies=[SessionDep])
async def rebuild(request: Request, admin: StateDep) -> Response:
    access.check_csrf(request, await request.form())
    admin.rebuilds.start()
    return _redirect("/admin/index")


@router.get("/admin/index/status", dependencies=[Depends(access.require_session_json)])
def rebuild_status(admin: StateDep) -> dict[str, object]:
    return admin.rebuilds.to_json()


# feedback and unanswered questions -------------------------------------------------------


@dataclass(frozen=True)
class FeedbackFilter:
    rating: int | None
    q: str
    since: str
    until: str


def _feedback_filter(rating: str = "", q: str = "", since: str = "", until: str = "") -> FeedbackFilter:
    if rating not in ("", "1", "-1"):
        raise InputError(f"rating={rating!r}: use 1 (👍), -1 (👎) or leave it empty")
    return FeedbackFilter(int(rating) if rating else None, q.strip(), since.strip(), until.strip())


FeedbackFilterDep = Annotated[FeedbackFilter, Depends(_feedback_filter)]


@router.get("/admin/feedback", response_class=HTMLResponse, dependencies=[SessionDep])
def feedback_page(request: Request, shared: ServiceDep, chosen: FeedbackFilterDep) -> HTMLResponse:
    records = shared.feedback.search(
        rating=chosen.rating, text=chosen.q, since=chosen.since, until=chosen.until, limit=500
    )
    records = [replace(r, question=redact(r.question), comment=redact(r.comment)) for r in records]
    return _render(request, "admin_feedback.html", records=records, chosen=chosen, query=request.url.query)


@router.get("/admin/feedback.jsonl", dependencies=[SessionDep])
def feedback_export(shared: ServiceDep, chosen: FeedbackFilterDep) -> Response:
    records = shared.feedback.search(
        rating=chosen.rating, text=chosen.q, since=chosen.since, until=chosen.until, newest_first=False
    )
    documents = shared.pipeline.documents if shared.pipeline else {}
    return _jsonl([feedback_case(r, documents) for r in records], "feedback-cases.jsonl")


@router.get("/admin/unanswered", response_class=HTMLResponse, dependencies=[SessionDep])
def unanswered_page(
    request: Request,
    shared: ServiceDep,
    q: str = "",
    since: str = "",
    until: str = "",
    all: str = "",
    recheck: str = "",
) -> HTMLResponse:
    groups = shared.unanswered.groups(text=q, since=since, until=until, questions_only=not all)
    now: dict[str, str] = {}
    current = shared.pipeline
    if recheck and current is not None:
        # Asked again of the serving index, unlogged: shows which gaps new documents closed.
        for topic in groups[:MAX_RECHECKS]:
            with suppress(InputError):
                now[topic.key] = shared.ask(current, topic.questions[0][0]).status
    return _render(
        request,
        "admin_unanswered.html",
        groups=groups,
        total=sum(g.count for g in groups),
        q=q,
        since=since,
        until=until,
        all=bool(all),
        now=now,
        query=request.url.query,
    )


@router.get("/admin/unanswered.jsonl", dependencies=[SessionDep])
def unanswered_export(
    shared: ServiceDep, q: str = "", since: str = "", until: str = "", all: str = "", key: str = ""
) -> Response:
    groups: list[TopicGroup] = shared.unanswered.groups(
        text=q, since=since, until=until, questions_only=not all, key=key
    )
    return _jsonl([case for g in groups for case in unanswered_cases(g)], "unanswered-cases.jsonl")


# the API for scripts ---------------------------------------------------------------------


@api_router.post(
    "/api/documents",
    status_code=201,
    summary="Add documents from uploaded files (admin token)",
    dependencies=[Depends(access.require_bearer)],
)
async def api_upload(
    request: Request,
    admin: StateDep,
    replace: Annotated[bool, Query(description="replace documents whose id exists")] = False,
    wait: Annotated[bool, Query(description="answer once the index holds them")] = False,
) -> JSONResponse:
    """Multipart field ``file`` (repeatable): files of any format ingestion reads (text, Markdown,
    saved web pages, PDF, Word). Returns the ids added or replaced, the files skipped with reasons
    and the rebuild's state."""
    form = await request.form(max_files=MAX_UPLOAD_FILES)
    files = [item for item in form.getlist("file") if isinstance(item, UploadFile) and item.filename]
    if not files:
        raise InputError("no file given; send the files as multipart form field `file`")
    change = await _ingest_uploads(admin, files, replace_existing=replace)
    if not change.changed:
        reasons = "; ".join(s.reason for s in change.skipped)
        return JSONResponse({"detail": f"nothing was added: {reasons}", **change.to_json()}, status_code=400)
    ids = [*change.added, *change.replaced]
    index = await _rebuild(admin, wait)
    return JSONResponse({**change.to_json(), "ids": ids, "index": index}, status_code=201)


@api_router.delete(
    "/api/documents/{doc_id}",
    summary="Remove a document (admin token)",
    dependencies=[Depends(access.require_bearer)],
)
async def api_delete(
    doc_id: str,
    admin: StateDep,
    wait: Annotated[bool, Query(description="answer once the index no longer holds it")] = False,
) -> dict[str, object]:
    try:
        change = await run_in_threadpool(admin.library.remove, [doc_id])
    except InputError as exc:
        raise HTTPException(404 if "no document" in str(exc) else 400, str(exc)) from exc
    return {**change.to_json(), "index": await _rebuild(admin, wait)}


# helpers ---------------------------------------------------------------------------------


async def _rebuild(admin: AdminState, wait: bool) -> dict[str, object]:
    admin.rebuilds.start()
    if wait:
        await run_in_threadpool(admin.rebuilds.wait, WAIT_SECONDS)
    return admin.rebuilds.to_json()


def safe_name(filename: str, suffixes: tuple[str, ...]) -> str:
    """The uploaded file's name, refused when it holds a path or a type that does not ingest.

    Raises:
        InputError: the name has a folder part, ``..``, control characters or another suffix.
    """
    name = filename.strip()
    if not name or any(part in name for part in ("/", "\\", "..")) or any(ord(c) < 32 for c in name):
        raise InputError(f"{filename!r}: a file name without folders or '..' is needed; rename the file")
    if Path(name).suffix.lower() not in suffixes:
        raise InputError(f"{name}: only {', '.join(suffixes)} files can be added")
    return name


async def _ingest_uploads(
    admin: AdminState, files: list[UploadFile], *, replace_existing: bool = False, target: str = ""
) -> Change:
    """Save the uploads in a temporary folder (each checked for name and size), then ingest them."""
    library = admin.library
    skipped: list[SkippedFile] = []
    with tempfile.TemporaryDirectory(prefix="minzheng-upload-") as folder:
        paths: list[Path] = []
        for item in files:
            try:
                name = safe_name(item.filename or "", library.suffixes)
                if (item.size or 0) > library.max_file_bytes:
                    raise InputError(f"{name}: {item.size} bytes is over the {library.max_file_bytes}-byte limit")
                path = Path(folder) / name
                if path.exists():
                    raise InputError(f"{name}: the same file name was given twice")
                path.write_bytes(await item.read())
                paths.append(path)
            except InputError as exc:
                skipped.append(SkippedFile(item.filename or "", str(exc)))
        if target:
            if skipped:
                raise InputError(skipped[0].reason)
            change = await run_in_threadpool(library.replace, target, paths[0])
        else:
            change = await run_in_threadpool(library.add, paths, replace_existing=replace_existing)
        # the reasons name the uploaded file, not the temporary folder it was saved in
        kept = tuple(
            SkippedFile(Path(s.path).name, s.reason.replace(f"{folder}/", "")) for s in change.skipped
        )
    return replace(change, skipped=(*skipped, *kept))


def _report(request: Request, admin: AdminState, change: Change) -> None:
    """Tell the admin what changed (and start the rebuild that makes it searchable)."""
    for verb, ids in (("已添加", change.added), ("已替换", change.replaced), ("已删除", change.removed)):
        if ids:
            _flash(request, "ok", f"{verb} {len(ids)} 份文件：{'、'.join(ids)}")
    if change.unchanged:
        _flash(request, "ok", f"内容未变，未重复导入：{'、'.join(change.unchanged)}")
    for skipped in change.skipped:
        _flash(request, "error", f"未能导入 {Path(skipped.path).name}：{skipped.reason}")
    if change.changed:
        admin.rebuilds.start()
        _flash(request, "ok", "正在后台重建索引，完成前仍按原索引回答。")


def _jsonl(cases: list[dict[str, object]], filename: str) -> Response:
    stream = io.StringIO()
    write_cases(cases, stream)
    return Response(
        stream.getvalue(),
        media_type=JSONL,
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": NO_STORE},
    )
