"""The app factory: one :class:`Service`, the routers for each audience, errors and middleware."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from starlette.exceptions import HTTPException
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from . import admin, api, pages
from .errors import AssistantError
from .keeper import PipelineKeeper
from .middleware import DOCS_ASSETS, MAX_BODY_BYTES, BodyLimitMiddleware, SecurityHeadersMiddleware
from .pipeline import Pipeline
from .rendering import WEB_DIR
from .service import (
    RETRY_SECONDS,
    NotReady,
    Service,
    loaded,
    status_for,
    validation_message,
    wants_html,
)
from .settings import Settings

logger = logging.getLogger(__name__)


def create_app(
    settings: Settings, pipeline: Pipeline | None = None, keeper: PipelineKeeper | None = None
) -> FastAPI:
    """The web app. Unless a pipeline is given, it starts loading one in the background at
    startup; it listens at once, and pages show the progress until the pipeline is ready."""
    shared = Service.create(settings, pipeline, keeper)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        shared.keeper.start()
        yield

    # Swagger UI and ReDoc come from fastapi-offline's copy, served here: no CDN, works offline.
    app = FastAPIOffline(
        title="深圳民政政策问答 API",
        description="Cited answers and passages from Shenzhen civil-affairs documents.",
        version="0.1.0",
        debug=False,
        lifespan=lifespan,
        static_url=DOCS_ASSETS,
        # Swagger UI's validator badge would load an image from the validator's public site.
        swagger_ui_parameters={"validatorUrl": None},
    )
    app.state.service = shared

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if wants_html(request):
            if isinstance(exc, NotReady) and not exc.status.error:
                response: Response = shared.render(
                    request, "starting.html", 503, status=exc.status, refresh=RETRY_SECONDS
                )
            else:
                response = shared.error_page(request, exc.status_code, str(exc.detail))
            response.headers.update(exc.headers or {})
            return response
        return JSONResponse(
            {"detail": str(exc.detail)}, status_code=exc.status_code, headers=exc.headers
        )

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        if wants_html(request):
            return shared.error_page(request, 422, validation_message(exc))
        return JSONResponse({"detail": validation_message(exc)}, status_code=422)

    @app.exception_handler(AssistantError)
    async def assistant_error(request: Request, exc: AssistantError) -> Response:
        if wants_html(request):
            return shared.error_page(request, status_for(exc), str(exc))
        return JSONResponse({"detail": str(exc)}, status_code=status_for(exc))

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> Response:
        logger.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        return JSONResponse({"detail": "internal error"}, status_code=500)

    app.include_router(api.router)
    # every page needs the pipeline: until it is loaded they all show the progress page
    app.include_router(pages.router, dependencies=[Depends(loaded)])
    admin.install(app, shared)
    app.mount("/static", StaticFiles(directory=WEB_DIR / "static"), name="static")
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(
        BodyLimitMiddleware,
        max_bytes=MAX_BODY_BYTES,
        uploads=dict.fromkeys(admin.UPLOAD_PATHS, settings.max_upload_bytes),
    )
    if settings.trusted_proxies:
        # The client address (rate limit, feedback hash) comes from X-Forwarded-For only when the
        # connection is from a configured proxy; uvicorn's own proxy handling is switched off.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=list(settings.trusted_proxies))
    return app


def create_app_from_env() -> FastAPI:
    """The app with settings from the environment: what each `serve --workers N` process runs."""
    return create_app(Settings.from_env())
