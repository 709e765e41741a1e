"""The app factory: one :class:`Service`, the routers for each audience, errors and middleware."""

from __future__ import annotations

import logging
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from . import api, pages
from .errors import AssistantError
from .middleware import MAX_BODY_BYTES, BodyLimitMiddleware, SecurityHeadersMiddleware
from .pipeline import Pipeline
from .rendering import WEB_DIR
from .service import Service, http_problem, status_for, validation_message, wants_html
from .settings import Settings

logger = logging.getLogger(__name__)


def _say(message: str) -> None:
    print(f"[minzheng] {message}", file=sys.stderr, flush=True)


def create_app(settings: Settings, pipeline: Pipeline | None = None) -> FastAPI:
    """The web app; it loads the pipeline at startup unless one is given."""
    shared = Service.create(settings, pipeline)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if shared.pipeline is None:
            try:
                ready = await run_in_threadpool(
                    Pipeline.load, settings, build_if_missing=True, progress=_say
                )
            except AssistantError as exc:
                shared.load_error = str(exc)
                _say(f"cannot load the assistant: {exc}")
            else:
                shared.pipeline = ready
                manifest = ready.index.manifest
                _say(
                    f"ready: {manifest.documents} documents, {manifest.chunks} chunks, "
                    f"loaded in {ready.load_seconds:.1f} s"
                )
        yield

    app = FastAPI(
        title="深圳民政政策问答 API",
        description="Cited answers and passages from Shenzhen civil-affairs documents.",
        version="0.1.0",
        debug=False,
        lifespan=lifespan,
    )
    app.state.service = shared

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        detail, code = http_problem(exc)
        if wants_html(request):
            response: Response = shared.error_page(request, exc.status_code, detail)
            response.headers.update(exc.headers or {})
            return response
        return JSONResponse(
            {"detail": detail, "code": code}, status_code=exc.status_code, headers=exc.headers
        )

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        if wants_html(request):
            return shared.error_page(request, 422, validation_message(exc))
        return JSONResponse(
            {"detail": validation_message(exc), "code": "invalid_request"}, status_code=422
        )

    @app.exception_handler(AssistantError)
    async def assistant_error(request: Request, exc: AssistantError) -> Response:
        if wants_html(request):
            return shared.error_page(request, status_for(exc), exc.chinese)
        return JSONResponse(
            {"detail": exc.chinese, "code": exc.code}, status_code=status_for(exc)
        )

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> Response:
        logger.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        detail = f"服务出了点问题，请稍后再试，或拨打{shared.contact}。"
        if wants_html(request):
            return shared.error_page(request, 500, detail)
        return JSONResponse({"detail": detail, "code": "internal_error"}, status_code=500)

    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=WEB_DIR / "static"), name="static")
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(BodyLimitMiddleware, max_bytes=MAX_BODY_BYTES)
    return app
