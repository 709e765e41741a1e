"""The web service: the JSON API, the citizen chat, the hotline staff view and document pages.

Pages are rendered on the server (Jinja2, autoescaped) and work without JavaScript; the
scripts under ``web/static`` only make them faster by calling the JSON API. Document and user
text is never marked safe: answers are split into text and citation markers here, passages
into plain and highlighted parts, and the templates print each part escaped.
"""

from __future__ import annotations

import logging
import math
import re
import secrets
import sys
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlencode

import jinja2
from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, field_validator
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .answer import Answer, Citation
from .documents import KINDS, Document, is_valid_doc_id
from .errors import AssistantError, InputError
from .feedback import (
    MAX_CITATIONS,
    MAX_COMMENT_CHARS,
    MAX_TEXT_CHARS,
    RATINGS,
    FeedbackRecord,
    FeedbackStore,
    hash_client,
)
from .pipeline import Pipeline
from .retriever import MAX_K, SearchResult, validate_question
from .settings import Settings
from .understanding import MAX_HISTORY

WEB_DIR = Path(__file__).resolve().parent.parent / "web"
MAX_BODY_BYTES = 16 * 1024
RATE_WINDOW_SECONDS = 60.0
MAX_TURNS = 6  # turns of the no-JS conversation carried in hidden fields
MAX_HISTORY_CHARS = 1500  # keeps the no-JS form far below MAX_BODY_BYTES
STAFF_K = 8
HOTLINE = "深圳市民政局咨询电话，或 12345 政务服务便民热线"
EXAMPLE_QUESTIONS = (
    "我爸85了有没有高龄补贴？",
    "低保怎么申请？",
    "家里老人做适老化改造能补多少？",
    "养老护理员有什么补贴？",
)
MARKER = re.compile(r"\[(\d{1,3})\]")
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)

logger = logging.getLogger(__name__)


# ---------------------------------------------------------------- rendering helpers


@dataclass(frozen=True)
class Segment:
    """A piece of text shown on a page: plain, a citation marker, or a matched query word."""

    text: str
    citation: Citation | None = None
    marked: bool = False


@dataclass(frozen=True)
class Turn:
    """One question of the conversation with its answer, or the message saying why there is none."""

    question: str
    answer: Answer | None = None
    error: str = ""


@dataclass(frozen=True)
class FactGroup:
    """The key facts that share a label (适用对象: 失能、高龄), each with its citation."""

    label: str
    values: tuple[tuple[str, Citation | None], ...]


def _segments(text: str, found: Iterable[tuple[re.Match[str], Segment]]) -> list[Segment]:
    """Cut text into plain segments around the given matches, each replaced by its segment."""
    segments: list[Segment] = []
    position = 0
    for match, segment in found:
        if match.start() > position:
            segments.append(Segment(text[position : match.start()]))
        segments.append(segment)
        position = match.end()
    if position < len(text):
        segments.append(Segment(text[position:]))
    return segments


def split_markers(text: str, citations: Sequence[Citation]) -> list[Segment]:
    """Split text into plain parts and [n] markers that belong to one of the citations."""
    by_n = {citation.n: citation for citation in citations}
    # a bracketed number with no citation is the document's own text, not a marker
    found = (
        (match, Segment(match.group(0), citation=by_n[int(match.group(1))]))
        for match in MARKER.finditer(text)
        if int(match.group(1)) in by_n
    )
    return _segments(text, found)


def answer_segments(answer: Answer) -> list[Segment]:
    """The answer text as shown above the cards: conflict notes move into the conflicts card."""
    text = answer.answer
    for conflict in answer.conflicts:
        if conflict.note:
            text = text.replace(conflict.note, "")
    return split_markers(re.sub(r"\n{2,}", "\n", text).strip(), answer.citations)


def group_facts(answer: Answer) -> list[FactGroup]:
    """The key facts grouped by label, in the order the labels first appear."""
    return [
        FactGroup(label, tuple((f.value, citation_for(answer, f.citation)) for f in facts))
        for label, facts in answer.facts_by_label().items()
    ]


def shows_heading(heading: str, text: str) -> bool:
    """Whether a passage's heading adds anything (chunks often start with their own heading)."""
    return bool(heading) and not text.lstrip().startswith(heading.split(" > ")[-1].strip())


def highlight(text: str, terms: Sequence[str]) -> list[Segment]:
    """Split text into plain parts and parts matching one of the terms (longest first)."""
    if not terms:
        return [Segment(text)]
    pattern = re.compile(
        "|".join(re.escape(term) for term in sorted(terms, key=len, reverse=True)), re.IGNORECASE
    )
    return _segments(text, ((match, Segment(match.group(0), marked=True)) for match in pattern.finditer(text)))


def query_terms(pipeline: Pipeline, result: SearchResult) -> list[str]:
    """The words of the (rewritten) question worth highlighting in passages."""
    tokens = pipeline.retriever.tokenizer.tokenize(result.rewritten.expanded)
    # Single characters (补, 钱) matter for ranking but would light up half of every passage.
    terms = dict.fromkeys(token for token in tokens if len(token) >= 2)
    return sorted(terms, key=len, reverse=True)[:30]


def passage_url(doc_id: str, start: int | None = None, end: int | None = None) -> str:
    """The document page, opened at a passage when offsets are given."""
    url = f"/documents/{quote(doc_id, safe='')}"
    if start is not None and end is not None:
        url += "?" + urlencode({"start": start, "end": end}) + "#passage"
    return url


def citation_for(answer: Answer, n: int) -> Citation | None:
    """The citation behind marker [n], if the answer has one."""
    return next((citation for citation in answer.citations if citation.n == n), None)


def copy_text(answer: Answer) -> str:
    """The answer as hotline staff read it out: the sentences, then the sources."""
    lines = [answer.answer.strip()]
    if answer.refused:
        lines.append(f"如需进一步咨询，请拨打{HOTLINE}。")
    if answer.citations:
        lines.append("")
        lines.append("出处：")
        for citation in answer.citations:
            details = "，".join(part for part in (citation.kind, citation.date) if part)
            lines.append(f"[{citation.n}] 《{citation.title}》（{details}）")
    return "\n".join(lines)


# ---------------------------------------------------------------- limits


class RateLimiter:
    """A sliding-window log per client: at most ``limit`` requests in any ``window`` seconds."""

    max_clients = 10_000

    def __init__(
        self,
        limit: int,
        window: float = RATE_WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._log: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, client: str) -> float:
        """Count a request; return 0 when it is allowed, else the seconds until one will be."""
        if self.limit <= 0:
            return 0.0
        now = self.clock()
        with self._lock:
            log = self._log.setdefault(client, deque())
            while log and log[0] <= now - self.window:
                log.popleft()
            if len(log) >= self.limit:
                return log[0] + self.window - now
            log.append(now)
            if len(self._log) > self.max_clients:
                self._forget_idle(now)
            return 0.0

    def _forget_idle(self, now: float) -> None:
        for client in [
            c for c, log in self._log.items() if not log or log[-1] <= now - self.window
        ]:
            del self._log[client]


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than {limit // 1024} KB")


class BodyLimitMiddleware:
    """Refuse request bodies over ``max_bytes``, by Content-Length or as they stream in."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = Headers(scope=scope).get("content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_bytes):
            await self._refuse(scope, receive, send)
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, watched_send)
        except BodyTooLarge:
            if started:
                raise
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        error = BodyTooLarge(self.max_bytes)
        await JSONResponse({"detail": error.detail}, status_code=413)(scope, receive, send)


class SecurityHeadersMiddleware:
    """Headers that keep pages from being framed, sniffed or made to run scripts from elsewhere."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # /docs loads Swagger UI from a CDN and inline scripts; our own pages need neither.
        is_docs = scope["path"].startswith(("/docs", "/redoc"))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "same-origin")
                if headers.get("content-type", "").startswith("text/html") and not is_docs:
                    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                    headers.setdefault("X-Frame-Options", "DENY")
            await send(message)

        await self.app(scope, receive, send_with_headers)


# ---------------------------------------------------------------- request bodies


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: StrictStr = Field(description="the caller's question, e.g. 高龄津贴怎么领？")
    k: StrictInt = Field(8, ge=1, le=MAX_K, description="passages to retrieve")
    year: StrictInt | None = Field(None, description="only documents of this year")
    kind: StrictStr | None = Field(
        None, description=f"only documents of this kind: {', '.join(KINDS)}"
    )
    history: list[StrictStr] = Field(
        default_factory=list,
        max_length=MAX_HISTORY,
        description="the conversation's earlier questions, oldest first (at most 6); "
        "a follow-up such as 那要带什么材料？ takes its topic from them",
    )


class CitedDocument(BaseModel):
    model_config = ConfigDict(extra="ignore")  # a citation object from /api/ask, as it came

    doc_id: StrictStr


class FeedbackRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: StrictStr = Field(min_length=1, max_length=MAX_TEXT_CHARS)
    answer: StrictStr = Field("", max_length=MAX_TEXT_CHARS)
    rating: StrictInt = Field(
        description="1 helpful, -1 not helpful", json_schema_extra={"enum": [1, -1]}
    )
    comment: StrictStr = Field("", max_length=MAX_COMMENT_CHARS)
    citations: list[StrictStr | CitedDocument] = Field(
        default_factory=list,
        max_length=MAX_CITATIONS,
        description="cited document ids, or the citations of the answer",
    )

    @field_validator("rating")
    @classmethod
    def _one_or_minus_one(cls, value: int) -> int:
        if value not in RATINGS:
            raise ValueError(f"use 1 (helpful) or -1 (not helpful), not {value}")
        return value


# ---------------------------------------------------------------- errors


def _validation_message(exc: RequestValidationError) -> str:
    errors = exc.errors()
    if not errors:
        return "the request is not valid"
    first = errors[0]
    if first.get("type") == "json_invalid":
        message = "the request body is not valid JSON"
    else:
        location = [str(part) for part in first.get("loc", ())]
        if len(location) > 1 and location[0] in ("body", "query", "path", "header"):
            location = location[1:]
        name = ".".join(location) or "request"
        message = f"{name}: {str(first.get('msg', 'is not valid')).removeprefix('Value error, ')}"
    if len(errors) > 1:
        message += f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})"
    return message


def _status_for(exc: AssistantError) -> int:
    return 400 if isinstance(exc, InputError) else 503


def _wants_html(request: Request) -> bool:
    path = request.url.path
    if path.startswith("/api/") or path == "/healthz":
        return False
    return "text/html" in request.headers.get("accept", "")


# ---------------------------------------------------------------- the app


def _say(message: str) -> None:
    print(f"[minzheng] {message}", file=sys.stderr, flush=True)


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def loaded(request: Request) -> Pipeline:
    """The app's pipeline, or 503 while it is loading (or could not be loaded)."""
    current: Pipeline | None = request.app.state.pipeline
    if current is None:
        reason = request.app.state.load_error
        detail = (
            f"the assistant is not available: {reason}"
            if reason
            else "the assistant is still loading"
        )
        raise HTTPException(503, detail, headers={"Retry-After": "10"})
    return current


PipelineDep = Annotated[Pipeline, Depends(loaded)]


def _parse_year(value: str | None) -> int | None:
    if value is None or not value.strip():
        return None
    if not value.strip().isdigit():
        raise InputError(f"year={value!r} is not a year; use a four-digit year such as 2024")
    return int(value)


def create_app(settings: Settings, pipeline: Pipeline | None = None) -> FastAPI:
    """The web app; it loads the pipeline at startup unless one is given."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if app.state.pipeline is None:
            try:
                loaded = await run_in_threadpool(
                    Pipeline.load, settings, build_if_missing=True, progress=_say
                )
            except AssistantError as exc:
                app.state.load_error = str(exc)
                _say(f"cannot load the assistant: {exc}")
            else:
                app.state.pipeline = loaded
                manifest = loaded.index.manifest
                _say(
                    f"ready: {manifest.documents} documents, {manifest.chunks} chunks, "
                    f"loaded in {loaded.load_seconds:.1f} s"
                )
        yield

    app = FastAPI(
        title="深圳民政政策问答 API",
        description="Cited answers and passages from Shenzhen civil-affairs documents.",
        version="0.1.0",
        debug=False,
        lifespan=lifespan,
    )
    app.state.pipeline = pipeline
    app.state.load_error = ""
    app.state.settings = settings
    feedback = FeedbackStore(settings.feedback_db)
    limiter = RateLimiter(settings.rate_limit_per_minute)
    salt = secrets.token_hex(16)  # per process: client hashes cannot be joined across restarts

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(WEB_DIR / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.globals.update(
        passage_url=passage_url,
        citation_for=citation_for,
        answer_segments=answer_segments,
        split_markers=split_markers,
        group_facts=group_facts,
        shows_heading=shows_heading,
        hotline=HOTLINE,
        kinds=KINDS,
        max_question_chars=settings.max_question_chars,
    )

    def render(
        request: Request, template: str, status_code: int = 200, **context: object
    ) -> HTMLResponse:
        html = environment.get_template(template).render(request=request, **context)
        return HTMLResponse(html, status_code=status_code)

    def error_page(request: Request, status_code: int, detail: str) -> HTMLResponse:
        return render(
            request, "error.html", status_code=status_code, status=status_code, detail=detail
        )

    def limit_rate(request: Request) -> None:
        wait = limiter.hit(_client(request))
        if wait > 0:
            raise HTTPException(
                429,
                f"too many questions; at most {limiter.limit} a minute, try again in {math.ceil(wait)} s",
                headers={"Retry-After": str(math.ceil(wait))},
            )

    def ask(
        current: Pipeline,
        question: str,
        k: int = 8,
        year: int | None = None,
        kind: str | None = None,
        history: Sequence[str] = (),
    ) -> Answer:
        return current.ask(
            validate_question(question, settings.max_question_chars),
            k=k,
            year=year,
            kind=kind,
            history=[validate_question(h, settings.max_question_chars) for h in history if h.strip()][-MAX_HISTORY:],
        )

    # ------------------------------------------------------------ error handlers

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if _wants_html(request):
            response: Response = error_page(request, exc.status_code, str(exc.detail))
            response.headers.update(exc.headers or {})
            return response
        return JSONResponse(
            {"detail": str(exc.detail)}, status_code=exc.status_code, headers=exc.headers
        )

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        if _wants_html(request):
            return error_page(request, 422, _validation_message(exc))
        return JSONResponse({"detail": _validation_message(exc)}, status_code=422)

    @app.exception_handler(AssistantError)
    async def assistant_error(request: Request, exc: AssistantError) -> Response:
        if _wants_html(request):
            return error_page(request, _status_for(exc), str(exc))
        return JSONResponse({"detail": str(exc)}, status_code=_status_for(exc))

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> Response:
        logger.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        return JSONResponse({"detail": "internal error"}, status_code=500)

    # ------------------------------------------------------------ JSON API

    @app.post("/api/ask", tags=["api"], summary="Answer a question with citations")
    def api_ask(body: AskRequest, request: Request, current: PipelineDep) -> dict[str, object]:
        limit_rate(request)
        return ask(current, body.question, body.k, body.year, body.kind, body.history).to_json()

    @app.get("/api/search", tags=["api"], summary="Rank passages for a question")
    def api_search(
        current: PipelineDep,
        q: Annotated[str, Query(description="the question")],
        k: Annotated[int, Query(ge=1, le=MAX_K)] = 10,
        year: Annotated[int | None, Query(ge=1990, le=2100)] = None,
        kind: Annotated[str | None, Query(description=f"one of {', '.join(KINDS)}")] = None,
    ) -> dict[str, object]:
        result = current.search(
            validate_question(q, settings.max_question_chars), k, year=year, kind=kind
        )
        return {
            "question": result.question,
            "hits": [hit.to_json() for hit in result.hits],
            "terms": query_terms(current, result),
        }

    @app.get("/api/documents", tags=["api"], summary="List the documents (metadata only)")
    def api_documents(current: PipelineDep) -> dict[str, object]:
        return {
            "documents": [_metadata(document) for document in _ordered(current.documents.values())]
        }

    @app.get("/api/documents/{doc_id}", tags=["api"], summary="One document with its full text")
    def api_document(doc_id: str, current: PipelineDep) -> dict[str, object]:
        return _find(current, doc_id).to_json()

    @app.post("/api/feedback", tags=["api"], summary="Rate an answer", status_code=201)
    def api_feedback(body: FeedbackRequest, request: Request) -> dict[str, object]:
        cited = [item if isinstance(item, str) else item.doc_id for item in body.citations]
        record = FeedbackRecord(
            question=body.question,
            answer=body.answer,
            rating=body.rating,
            comment=body.comment.strip(),
            citations=tuple(dict.fromkeys(cited)),
            client_hash=hash_client(_client(request), salt),
        )
        return {"id": feedback.add(record)}

    @app.get("/healthz", tags=["api"], summary="Whether the index is loaded, and what it holds")
    def healthz(request: Request) -> Response:
        current: Pipeline | None = request.app.state.pipeline
        if current is None:
            reason = request.app.state.load_error or "the index is still loading"
            return JSONResponse({"detail": reason, "loaded": False}, status_code=503)
        manifest = current.index.manifest
        return JSONResponse(
            {
                "status": "ok",
                "loaded": True,
                "documents": manifest.documents,
                "chunks": manifest.chunks,
                "model": manifest.model,
                "built_at": manifest.built_at,
                "build_seconds": manifest.build_seconds,
                "load_seconds": round(current.load_seconds, 2),
            }
        )

    # ------------------------------------------------------------ pages

    def chat_page(request: Request, turns: list[Turn], status_code: int = 200) -> HTMLResponse:
        history: list[str] = []
        size = 0
        for turn in reversed(turns):
            size += len(turn.question)
            if size > MAX_HISTORY_CHARS or len(history) >= MAX_TURNS:
                break
            history.insert(0, turn.question)
        return render(
            request,
            "chat.html",
            status_code=status_code,
            turns=turns,
            history=history,
            examples=EXAMPLE_QUESTIONS,
        )

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def chat(request: Request) -> HTMLResponse:
        return chat_page(request, [])

    @app.post("/", response_class=HTMLResponse, include_in_schema=False)
    async def chat_post(request: Request) -> HTMLResponse:
        form = await request.form()
        question = str(form.get("example") or form.get("question") or "")
        previous = [str(value) for value in form.getlist("history")][-(MAX_TURNS - 1) :]
        current = loaded(request)
        limit_rate(request)

        def answer_all() -> list[Turn]:
            turns: list[Turn] = []
            asked: list[str] = []
            for past in previous:
                try:  # asked before, so cheap: the question vectors are cached
                    turns.append(Turn(past, ask(current, past, history=asked)))
                    asked.append(past)
                except InputError:
                    continue
            try:
                turns.append(Turn(question, ask(current, question, history=asked)))
            except InputError as exc:
                turns.append(Turn(question, error=_question_problem(question, exc)))
            return turns

        turns = await run_in_threadpool(answer_all)
        return chat_page(request, turns, status_code=400 if turns[-1].error else 200)

    @app.post("/feedback", response_class=HTMLResponse, include_in_schema=False)
    async def feedback_post(request: Request) -> HTMLResponse:
        form = await request.form()
        try:
            rating = int(str(form.get("rating", "")))
        except ValueError:
            return error_page(request, 422, "rating: choose 👍 or 👎")
        record = FeedbackRecord(
            question=str(form.get("question", "")),
            answer=str(form.get("answer", "")),
            rating=rating,
            comment=str(form.get("comment", "")).strip(),
            citations=tuple(dict.fromkeys(str(value) for value in form.getlist("citations"))),
            client_hash=hash_client(_client(request), salt),
        )
        await run_in_threadpool(feedback.add, record)
        return render(request, "thanks.html", rating=rating)

    @app.get("/staff", response_class=HTMLResponse, include_in_schema=False)
    def staff(
        request: Request,
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
                limit_rate(request)
                answer = ask(current, q, STAFF_K, year_value, kind or None)
                result = current.search(
                    answer.question, STAFF_K, year=year_value, kind=kind or None
                )
            except InputError as exc:
                context["error"] = str(exc)
                status_code = 400
            else:
                terms = query_terms(current, result)
                context.update(
                    answer=answer,
                    passages=[(hit, highlight(hit.text, terms)) for hit in result.hits],
                    copy=copy_text(answer),
                )
        return render(request, "staff.html", status_code=status_code, **context)

    @app.get("/documents", response_class=HTMLResponse, include_in_schema=False)
    def documents_page(request: Request, current: PipelineDep) -> HTMLResponse:
        return render(request, "documents.html", documents=_ordered(current.documents.values()))

    @app.get("/documents/{doc_id}", response_class=HTMLResponse, include_in_schema=False)
    def document_page(
        request: Request,
        doc_id: str,
        current: PipelineDep,
        start: int | None = None,
        end: int | None = None,
    ) -> HTMLResponse:
        document = _find(current, doc_id)
        parts: list[Segment] = [Segment(document.text)]
        if start is not None or end is not None:
            if start is None or end is None or not 0 <= start < end <= len(document.text):
                raise InputError(
                    f"start={start} and end={end} do not mark a passage; "
                    f"give both, with 0 <= start < end <= {len(document.text)}"
                )
            text = document.text
            parts = [
                Segment(text[:start]),
                Segment(text[start:end], marked=True),
                Segment(text[end:]),
            ]
        return render(request, "document.html", document=document, parts=parts)

    app.mount("/static", StaticFiles(directory=WEB_DIR / "static"), name="static")
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(BodyLimitMiddleware, max_bytes=MAX_BODY_BYTES)
    return app


def _question_problem(question: str, exc: InputError) -> str:
    if not question.strip():
        return "请先输入您的问题。"
    return f"这个问题无法处理：{exc}"


def _find(pipeline: Pipeline, doc_id: str) -> Document:
    document = pipeline.documents.get(doc_id) if is_valid_doc_id(doc_id) else None
    if document is None:
        raise HTTPException(404, f"no document with id {doc_id!r}")
    return document


def _ordered(documents: Iterable[Document]) -> list[Document]:
    """Newest first, then by id."""
    by_id = sorted(documents, key=lambda d: d.id)
    return sorted(by_id, key=lambda d: d.date, reverse=True)


def _metadata(document: Document) -> dict[str, object]:
    data = document.to_json()
    data.pop("text")
    data["chars"] = len(document.text)
    return data
