"""The JSON API for programs: ask, search, documents, feedback and health."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, field_validator

from . import access
from .documents import KINDS, Document
from .feedback import (
    MAX_CITATIONS,
    MAX_COMMENT_CHARS,
    MAX_TEXT_CHARS,
    RATINGS,
    FeedbackRecord,
    hash_client,
)
from .rendering import query_terms
from .retriever import MAX_K, validate_question
from .service import RETRY_SECONDS, PipelineDep, Problem, ServiceDep, client, find_document, ordered
from .suggestions import suggest
from .understanding import MAX_HISTORY

router = APIRouter(tags=["api"])


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


@router.post("/api/ask", summary="Answer a question with citations")
def api_ask(
    body: AskRequest, request: Request, shared: ServiceDep, current: PipelineDep
) -> dict[str, object]:
    shared.limit_rate(request)
    answer = shared.ask(
        current, body.question, body.k, body.year, body.kind, body.history, channel="api"
    )
    data = answer.to_json()
    data["suggestions"] = list(suggest(current.index.chunks_of(c.doc_id for c in answer.citations), answer))
    return data


@router.get("/api/search", summary="Rank passages for a question")
def api_search(
    shared: ServiceDep,
    current: PipelineDep,
    q: Annotated[str, Query(description="the question")],
    k: Annotated[int, Query(ge=1, le=MAX_K)] = 10,
    year: Annotated[int | None, Query(ge=1990, le=2100)] = None,
    kind: Annotated[str | None, Query(description=f"one of {', '.join(KINDS)}")] = None,
) -> dict[str, object]:
    question = validate_question(q, shared.settings.max_question_chars)
    result = current.search(question, k, year=year, kind=kind)
    return {
        "question": result.question,
        "hits": [hit.to_json() for hit in result.hits],
        "terms": query_terms(current, result),
    }


@router.get("/api/documents", summary="List the documents (metadata only)")
def api_documents(current: PipelineDep) -> dict[str, object]:
    return {"documents": [_metadata(document) for document in ordered(current.documents.values())]}


@router.get("/api/documents/{doc_id}", summary="One document with its full text")
def api_document(doc_id: str, current: PipelineDep) -> dict[str, object]:
    return find_document(current, doc_id).to_json()


@router.post("/api/feedback", summary="Rate an answer", status_code=201)
def api_feedback(body: FeedbackRequest, request: Request, shared: ServiceDep) -> dict[str, object]:
    cited = [item if isinstance(item, str) else item.doc_id for item in body.citations]
    record = FeedbackRecord(
        question=body.question,
        answer=body.answer,
        rating=body.rating,
        comment=body.comment.strip(),
        citations=tuple(dict.fromkeys(cited)),
        client_hash=hash_client(client(request), shared.salt),
    )
    return {"id": shared.feedback.add(record)}


class CommentRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    comment: StrictStr = Field(min_length=1, max_length=MAX_COMMENT_CHARS)


@router.post("/api/feedback/{record_id}/comment", summary="Add a comment to feedback already sent")
def api_feedback_comment(
    record_id: int, body: CommentRequest, request: Request, shared: ServiceDep
) -> dict[str, object]:
    found = shared.feedback.add_comment(
        record_id, body.comment.strip(), hash_client(client(request), shared.salt)
    )
    if not found:
        raise Problem(404, "找不到您刚才的反馈，请重新选择“有帮助”或“没帮助”。", "feedback_not_found")
    return {"id": record_id}


@router.get("/healthz", summary="Whether the index is loaded, and what it holds")
def healthz(shared: ServiceDep) -> Response:
    current = shared.pipeline
    if current is None:
        status = shared.keeper.status()
        body: dict[str, object] = {"status": status.state, "loaded": False, "percent": status.percent}
        if status.error:
            body["detail"] = status.error
        elif status.state == "building":
            body["detail"] = f"building the index, {status.percent} % done"
        else:
            body["detail"] = "the index is still loading"
        return JSONResponse(body, status_code=503, headers={"Retry-After": str(RETRY_SECONDS)})
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


# For scripts with the admin token (404 while the admin is off); /healthz says building or ready
# to everyone, and the admin page polls its own session-bound copy.
@router.get(
    "/api/index/status",
    summary="The index: building or ready, progress, build time (admin token)",
    dependencies=[Depends(access.require_bearer)],
)
def index_status(shared: ServiceDep) -> dict[str, object]:
    return shared.keeper.status().to_json()


def _metadata(document: Document) -> dict[str, object]:
    data = document.to_json()
    data.pop("text")
    data["chars"] = len(document.text)
    return data
