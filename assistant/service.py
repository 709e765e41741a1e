"""What every route shares: the loaded pipeline, settings, feedback store, rate limit and templates.

The app factory makes one :class:`Service` and keeps it in ``app.state.service``; routes reach
it, and the pipeline, through the dependencies below.
"""

from __future__ import annotations

import logging
import math
import secrets
import sqlite3
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Annotated

import jinja2
from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse
from starlette.exceptions import HTTPException

from .answer import Answer
from .documents import KINDS, Document, is_valid_doc_id
from .errors import AssistantError, InputError
from .feedback import FeedbackStore
from .keeper import IndexStatus, PipelineKeeper
from .pipeline import Pipeline
from .ratelimit import RateLimiter
from .rendering import MODE_COOKIE, contact_line, template_environment
from .retriever import validate_question
from .settings import Settings
from .unanswered import UnansweredQuestion, UnansweredStore
from .understanding import MAX_HISTORY

logger = logging.getLogger(__name__)
RETRY_SECONDS = 5  # Retry-After while the first load runs, and the progress page's refresh


class Problem(HTTPException):
    """An HTTP error whose ``detail`` is Chinese for people and ``code`` English for programs."""

    def __init__(
        self, status_code: int, detail: str, code: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(status_code, detail, headers=headers)
        self.code = code


@dataclass
class Service:
    """The app's shared parts. ``pipeline`` is None while loading or when loading failed."""

    settings: Settings
    feedback: FeedbackStore
    limiter: RateLimiter
    templates: jinja2.Environment
    unanswered: UnansweredStore
    keeper: PipelineKeeper  # owns the pipeline; loads and rebuilds it in the background
    # per process: client hashes cannot be joined across restarts
    salt: str = field(default_factory=lambda: secrets.token_hex(16))

    @classmethod
    def create(
        cls, settings: Settings, pipeline: Pipeline | None = None, keeper: PipelineKeeper | None = None
    ) -> Service:
        return cls(
            settings=settings,
            feedback=FeedbackStore(settings.feedback_db),
            # beside the feedback file, so every worker process counts in the same place
            limiter=RateLimiter(
                settings.rate_limit_per_minute,
                settings.feedback_db.with_name(settings.feedback_db.stem + ".ratelimit.sqlite3"),
            ),
            unanswered=UnansweredStore(settings.feedback_db),
            templates=template_environment(
                kinds=KINDS,
                max_question_chars=settings.max_question_chars,
                hotline=contact_line(settings.contact_phone),
                contact_phone=settings.contact_phone,
            ),
            keeper=keeper or PipelineKeeper(settings, pipeline, say=say, reuse_models=True),
        )

    @property
    def contact(self) -> str:
        """Whom a person should call: the bureau's number when configured, and 12345."""
        return contact_line(self.settings.contact_phone)

    @property
    def pipeline(self) -> Pipeline | None:
        return self.keeper.pipeline

    @property
    def load_error(self) -> str:
        return self.keeper.error

    def render(
        self, request: Request, template: str, status_code: int = 200, **context: object
    ) -> HTMLResponse:
        """A page, in 长辈模式 when the mode cookie says so."""
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        html = self.templates.get_template(template).render(
            request=request,
            elder=request.cookies.get(MODE_COOKIE) == "elder",
            here=here if request.method == "GET" else request.url.path,
            **context,
        )
        return HTMLResponse(html, status_code=status_code)

    def error_page(self, request: Request, status_code: int, detail: str) -> HTMLResponse:
        return self.render(
            request, "error.html", status_code=status_code, status=status_code, detail=detail
        )

    def limit_rate(self, request: Request) -> None:
        """Count a question from this client; 429 when it asks too often."""
        wait = self.limiter.hit(client(request))
        if wait > 0:
            raise Problem(
                429,
                f"提问太频繁了：每分钟最多 {self.limiter.limit} 个问题，请 {math.ceil(wait)} 秒后再试。",
                "rate_limited",
                headers={"Retry-After": str(math.ceil(wait))},
            )

    def ask(
        self,
        current: Pipeline,
        question: str,
        k: int = 8,
        year: int | None = None,
        kind: str | None = None,
        history: Sequence[str] = (),
        channel: str = "",
    ) -> Answer:
        """Validate the question and its history, then answer it.

        A refused or partial answer is logged as unanswered when ``channel`` names where the
        question came from (chat, staff, api); a conversation's replayed turns give none.
        """
        limit = self.settings.max_question_chars
        result, answer = current.answer(
            validate_question(question, limit),
            k=k,
            year=year,
            kind=kind,
            history=[validate_question(h, limit) for h in history if h.strip()][-MAX_HISTORY:],
        )
        if channel and answer.refused:
            try:
                self.unanswered.add(UnansweredQuestion.from_answer(answer, result, channel))
            except sqlite3.Error as exc:  # the log must never cost the caller the answer
                logger.warning("could not log an unanswered question: %s", exc)
        return answer


def say(message: str) -> None:
    """A progress line for the server's log."""
    print(f"[minzheng] {message}", file=sys.stderr, flush=True)


class NotReady(HTTPException):
    """503 while the first load or build runs (or after it failed); pages show the progress."""

    def __init__(self, status: IndexStatus) -> None:
        # the reason, in English for maintainers, is in /healthz and the log
        if status.error and not status.serving:
            detail, code = "问答服务暂时不可用，请稍后再试，或联系网站管理员。", "unavailable"
        elif status.state == "building":
            detail, code = f"问答服务正在准备中：正在建立文件索引，已完成 {status.percent}%。", "building"
        else:
            detail, code = "问答服务正在准备中，请稍后再试。", "loading"
        super().__init__(503, detail, headers={"Retry-After": str(RETRY_SECONDS)})
        self.status = status
        self.code = code


def service(request: Request) -> Service:
    found: Service = request.app.state.service
    return found


def loaded(request: Request) -> Pipeline:
    """The app's pipeline, or 503 while it is loading (or could not be loaded)."""
    shared = service(request)
    current = shared.pipeline
    if current is None:
        raise NotReady(shared.keeper.status())
    shared.keeper.follow()
    return current


ServiceDep = Annotated[Service, Depends(service)]
PipelineDep = Annotated[Pipeline, Depends(loaded)]


def client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def wants_html(request: Request) -> bool:
    path = request.url.path
    if path.startswith("/api/") or path == "/healthz":
        return False
    return "text/html" in request.headers.get("accept", "")


# pydantic's error types, said in Chinese; {limit} is the bound the request passed
VALIDATION_MESSAGES = {
    "missing": "缺少这一项",
    "extra_forbidden": "没有这一项，请去掉",
    "string_type": "应是文字",
    "int_type": "应是整数",
    "int_parsing": "应是整数",
    "list_type": "应是列表",
    "bool_type": "应是 true 或 false",
    "string_too_short": "不能为空",
    "string_too_long": "太长了，最多 {limit} 个字",
    "too_long": "太多了，最多 {limit} 项",
    "greater_than_equal": "不能小于 {limit}",
    "less_than_equal": "不能大于 {limit}",
}


def validation_message(exc: RequestValidationError) -> str:
    """The first problem of a request that failed validation, as one Chinese line."""
    errors = exc.errors()
    if not errors:
        return "请求的格式不对。"
    first = errors[0]
    if first.get("type") == "json_invalid":
        message = "请求的内容不是有效的 JSON。"
    else:
        location = [str(part) for part in first.get("loc", ())]
        if len(location) > 1 and location[0] in ("body", "query", "path", "header"):
            location = location[1:]
        name = ".".join(location) or "request"
        context = first.get("ctx") or {}
        limit = next(
            (context[key] for key in ("max_length", "ge", "le", "min_length") if key in context), ""
        )
        said = VALIDATION_MESSAGES.get(str(first.get("type")), "的值不符合要求")
        message = f"{name}: {said.format(limit=limit)}"
    if len(errors) > 1:
        message += f"（另有 {len(errors) - 1} 处问题）"
    return message


# what Starlette's own errors (an unknown path, a wrong method) say, in Chinese
HTTP_PROBLEMS = {
    400: ("请求无法处理。", "bad_request"),
    404: ("没有找到这个页面。", "not_found"),
    405: ("不支持这种请求方式。", "method_not_allowed"),
    413: ("提交的内容太大了。", "body_too_large"),
}


def http_problem(exc: HTTPException) -> tuple[str, str]:
    """The Chinese detail and the English code for an HTTP error."""
    code = getattr(exc, "code", None)
    if isinstance(code, str):
        return str(exc.detail), code
    said, code = HTTP_PROBLEMS.get(exc.status_code, ("请求无法处理。", f"http_{exc.status_code}"))
    try:
        phrase = HTTPStatus(exc.status_code).phrase
    except ValueError:
        phrase = ""
    # Starlette's own phrase (Not Found) is said in Chinese; a route's own message is kept
    return (said if str(exc.detail) in ("", phrase) else str(exc.detail)), code


def status_for(exc: AssistantError) -> int:
    return 400 if isinstance(exc, InputError) else 503


def find_document(pipeline: Pipeline, doc_id: str) -> Document:
    document = pipeline.documents.get(doc_id) if is_valid_doc_id(doc_id) else None
    if document is None:
        raise Problem(404, f"没有编号为“{doc_id}”的文件。", "document_not_found")
    return document


def ordered(documents: Iterable[Document]) -> list[Document]:
    """Newest first, then by id."""
    by_id = sorted(documents, key=lambda d: d.id)
    return sorted(by_id, key=lambda d: d.date, reverse=True)
