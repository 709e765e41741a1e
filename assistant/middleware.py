"""Request limits and headers: the per-client rate limit, the body size limit, security headers."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

from fastapi.responses import JSONResponse
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY_BYTES = 16 * 1024
RATE_WINDOW_SECONDS = 60.0
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


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
    code = "body_too_large"

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"提交的内容太大了：最多 {limit // 1024} KB，请删减后再提交。")


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
        await JSONResponse({"detail": error.detail, "code": error.code}, status_code=413)(scope, receive, send)


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


