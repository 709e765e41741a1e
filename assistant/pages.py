"""The pages people read: the citizen chat, the hotline staff view and the document pages.

Pages are rendered on the server (Jinja2, autoescaped) and work without JavaScript; the
scripts under ``web/static`` only make them faster by calling the JSON API.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from .collection import source_path
from .errors import IngestError, InputError
from .feedback import FeedbackRecord, hash_client
from .rendering import MODE_COOKIE, Segment, Turn, copy_text, highlight, query_terms
from .service import PipelineDep, ServiceDep, client, find_document, loaded, ordered
from .suggestions import suggest

MAX_TURNS = 6  # turns of the no-JS conversation carried in hidden fields
MAX_HISTORY_CHARS = 1500  # keeps the no-JS form far below the body limit
STAFF_K = 8
MODE_MAX_AGE = 365 * 24 * 3600  # 长辈模式 is remembered for a year
EXAMPLE_QUESTIONS = (
    "我爸85了有没有高龄补贴？",
    "低保怎么申请？",
    "家里老人做适老化改造能补多少？",
    "养老护理员有什么补贴？",
)

router = APIRouter(include_in_schema=False)


def _chat_page(
    shared: ServiceDep, request: Request, turns: list[Turn], status_code: int = 200
) -> HTMLResponse:
    history: list[str] = []
    size = 0
    for turn in reversed(turns):
        size += len(turn.question)
        if size > MAX_HISTORY_CHARS or len(history) >= MAX_TURNS:
            break
        history.insert(0, turn.question)
    last = turns[-1] if turns else None
    current = shared.pipeline
    suggestions = (
        suggest(current.index.chunks_of(c.doc_id for c in last.answer.citations), last.answer)
        if last is not None and last.answer is not None and current is not None
        else ()
    )
    return shared.render(
        request,
        "chat.html",
        status_code=status_code,
        turns=turns,
        history=history,
        examples=EXAMPLE_QUESTIONS,
        suggestions=suggestions,
        draft=last.question if last is not None and last.error else "",
    )


@router.get("/", response_class=HTMLResponse)
def chat(request: Request, shared: ServiceDep) -> HTMLResponse:
    return _chat_page(shared, request, [])


@router.post("/", response_class=HTMLResponse)
async def chat_post(request: Request, shared: ServiceDep) -> HTMLResponse:
    form = await request.form()
    question = str(form.get("example") or form.get("question") or "")
    previous = [str(value) for value in form.getlist("history")][-(MAX_TURNS - 1) :]
    current = loaded(request)
    shared.limit_rate(request)

    def answer_all() -> list[Turn]:
        turns: list[Turn] = []
        asked: list[str] = []
        for past in previous:
            try:  # asked before, so cheap: the question vectors are cached
                turns.append(Turn(past, shared.ask(current, past, history=asked)))
                asked.append(past)
            except InputError:
                continue
        try:
            turns.append(Turn(question, shared.ask(current, question, history=asked, channel="chat")))
        except InputError as exc:
            turns.append(Turn(question, error=_question_problem(question, exc)))
        return turns

    turns = await run_in_threadpool(answer_all)
    return _chat_page(shared, request, turns, status_code=400 if turns[-1].error else 200)


@router.post("/feedback", response_class=HTMLResponse)
async def feedback_post(request: Request, shared: ServiceDep) -> HTMLResponse:
    form = await request.form()
    try:
        rating = int(str(form.get("rating", "")))
    except ValueError:
        return shared.error_page(request, 422, "请选择“有帮助”或“没帮助”。")
    record = FeedbackRecord(
        question=str(form.get("question", "")),
        answer=str(form.get("answer", "")),
        rating=rating,
        comment=str(form.get("comment", "")).strip(),
        citations=tuple(dict.fromkeys(str(value) for value in form.getlist("citations"))),
        client_hash=hash_client(client(request), shared.salt),
    )
    record_id = await run_in_threadpool(shared.feedback.add, record)
    return shared.render(
        request, "thanks.html", rating=rating, record_id=record_id, commented=bool(record.comment)
    )


@router.post("/feedback/{record_id}/comment", response_class=HTMLResponse)
async def feedback_comment_post(record_id: int, request: Request, shared: ServiceDep) -> HTMLResponse:
    """The comment written on the thanks page after 没帮助 (the page without JavaScript)."""
    form = await request.form()
    comment = str(form.get("comment", "")).strip()
    if not comment:
        return shared.render(request, "thanks.html", rating=-1, record_id=record_id, commented=False)
    found = await run_in_threadpool(
        shared.feedback.add_comment, record_id, comment, hash_client(client(request), shared.salt)
    )
    if not found:
        return shared.error_page(request, 404, "找不到您刚才的反馈，请回到回答下面重新选择。")
    return shared.render(request, "thanks.html", rating=-1, record_id=record_id, commented=True)


@router.post("/mode")
async def mode_post(request: Request) -> RedirectResponse:
    """Switch 长辈模式 on or off (a cookie, so it works without JavaScript) and go back."""
    form = await request.form()
    mode = "elder" if form.get("mode") == "elder" else "normal"
    back = str(form.get("next") or "/")
    if not back.startswith("/") or back.startswith("//") or "\\" in back:
        back = "/"  # only pages of this site: never an open redirect
    response = RedirectResponse(back, status_code=303)
    response.set_cookie(MODE_COOKIE, mode, max_age=MODE_MAX_AGE, samesite="lax", httponly=True)
    return response


@router.get("/staff", response_class=HTMLResponse)
def staff(
    request: Request,
    shared: ServiceDep,
    current: PipelineDep,
    q: str = "",
    year: str | None = None,
    kind: str | None = None,
) -> HTMLResponse:
    years = sorted({d.year for d in current.documents.values() if d.year}, reverse=True)
    context: dict[str, Any] = {
        "q": q,
        "year": year or "",
        "kind": kind or "",
        "years": years,
        "answer": None,
        "passages": [],
        "copy": "",
        "error": "",
    }
    status_code = 200
    if q.strip():
        try:
            year_value = _parse_year(year)
            shared.limit_rate(request)
            answer = shared.ask(current, q, STAFF_K, year_value, kind or None, channel="staff")
            result = current.search(answer.question, STAFF_K, year=year_value, kind=kind or None)
        except InputError as exc:
            context["error"] = exc.shown()
            status_code = 400
        else:
            terms = query_terms(current, result)
            context.update(
                answer=answer,
                passages=[(hit, highlight(hit.text, terms)) for hit in result.hits],
                copy=copy_text(answer, shared.contact),
            )
    return shared.render(request, "staff.html", status_code=status_code, **context)


@router.get("/documents", response_class=HTMLResponse)
def documents_page(request: Request, shared: ServiceDep, current: PipelineDep) -> HTMLResponse:
    return shared.render(request, "documents.html", documents=ordered(current.documents.values()))


@router.get("/documents/{doc_id}", response_class=HTMLResponse)
def document_page(
    request: Request,
    doc_id: str,
    shared: ServiceDep,
    current: PipelineDep,
    start: int | None = None,
    end: int | None = None,
) -> HTMLResponse:
    document = find_document(current, doc_id)
    parts: list[Segment] = [Segment(document.text)]
    page = None
    if start is not None or end is not None:
        if start is None or end is None or not 0 <= start < end <= len(document.text):
            raise InputError(
                f"start={start} and end={end} do not mark a passage; "
                f"give both, with 0 <= start < end <= {len(document.text)}",
                code="passage_invalid",
                chinese=f"文件里没有这一段（start={start}，end={end}）。",
            )
        text = document.text
        parts = [Segment(text[:start]), Segment(text[start:end], marked=True), Segment(text[end:])]
        page = document.page_of(start)
    try:
        source = source_path(current.settings.documents, document.source).name if document.source else None
    except IngestError:
        source = None  # documents ingested before originals were kept have none to offer
    return shared.render(request, "document.html", document=document, parts=parts, page=page, source=source)


@router.get("/documents/{doc_id}/source")
def document_source(doc_id: str, current: PipelineDep) -> FileResponse:
    """The original file a document was ingested from, as a download (never shown inline)."""
    document = find_document(current, doc_id)
    try:
        path = source_path(current.settings.documents, document.source)
    except IngestError as exc:
        raise HTTPException(404, f"document {doc_id!r} has no stored original file ({exc})") from exc
    return FileResponse(path, filename=path.name, content_disposition_type="attachment")


def _parse_year(value: str | None) -> int | None:
    if value is None or not value.strip():
        return None
    if not value.strip().isdigit():
        raise InputError(
            f"year={value!r} is not a year; use a four-digit year such as 2024",
            code="year_invalid",
            chinese=f"年份“{value}”不对，请用四位数的年份，例如 2024。",
        )
    return int(value)


def _question_problem(question: str, exc: InputError) -> str:
    if not question.strip():
        return "请先输入您的问题。"
    return exc.shown()
