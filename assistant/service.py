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
from .rendering import template_environment
from .retriever import validate_question
from .settings import Settings
from .unanswered import UnansweredQuestion, UnansweredStore
from .understanding import MAX_HISTORY

logger = logging.getLogger(__name__)
RETRY_SECONDS = 5  # Retry-After while the first load runs, and the progress page's refresh


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
                kinds=KINDS, max_question_chars=settings.max_question_chars
            ),
            keeper=keeper or PipelineKeeper(settings, pipeline, say=say, reuse_models=True),
        )

    @property
    def pipeline(self) -> Pipeline | None:
        return self.keeper.pipeline

    @property
    def load_error(self) -> str:
        return self.keeper.error

    def render(
        self, request: Request, template: str, status_code: int = 200, **context: object
    ) -> HTMLResponse:
        html = self.templates.get_template(template).render(request=request, **context)
        return HTMLResponse(html, status_code=status_code)

    def error_page(self, request: Request, status_code: int, detail: str) -> HTMLResponse:
        return self.render(
            request, "error.html", status_code=status_code, status=status_code, detail=detail
        )

    def limit_rate(self, request: Request) -> None:
        """Count a question from this client; 429 when it asks too often."""
        wait = self.limiter.hit(client(request))
        if wait > 0:
            raise HTTPException(
                429,
                f"too many questions; at most {self.limiter.limit} a minute, "
                f"try again in {math.ceil(wait)} s",
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
        if status.error and not status.serving:
            detail = f"the assistant is not available: {status.error}"
        elif status.state == "building":
            detail = f"the assistant is still loading: building the index, {status.percent} % done"
        else:
            detail = "the assistant is still loading"
        super().__init__(503, detail, headers={"Retry-After": str(RETRY_SECONDS)})
        self.status = status


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


def validation_message(exc: RequestValidationError) -> str:
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


def status_for(exc: AssistantError) -> int:
    return 400 if isinstance(exc, InputError) else 503


def find_document(pipeline: Pipeline, doc_id: str) -> Document:
    document = pipeline.documents.get(doc_id) if is_valid_doc_id(doc_id) else None
    if document is None:
        raise HTTPException(404, f"no document with id {doc_id!r}")
    return document


def ordered(documents: Iterable[Document]) -> list[Document]:
    """Newest first, then by id."""
    by_id = sorted(documents, key=lambda d: d.id)
    return sorted(by_id, key=lambda d: d.date, reverse=True)
