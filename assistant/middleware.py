"""Request limits and headers: the body size limit, security headers (the rate limit: ratelimit)."""

from __future__ import annotations

import base64
import hashlib
import re

from fastapi.responses import JSONResponse
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY_BYTES = 16 * 1024
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
DOCS_ASSETS = "/docs-assets"  # Swagger UI and ReDoc files, served from the fastapi-offline package
_DOCS_POLICY = (
    "default-src 'self'; script-src 'self'{scripts}; style-src 'self'{styles}; img-src 'self' data:; "
    "{workers}connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
# Swagger UI starts with one inline script, allowed by its hash (filled in per response).
_SWAGGER_POLICY = _DOCS_POLICY.format(scripts="{scripts}", styles="", workers="")
# ReDoc styles its elements with generated <style> tags and searches in a worker made from a blob.
_REDOC_POLICY = _DOCS_POLICY.format(scripts="{scripts}", styles=" 'unsafe-inline'", workers="worker-src blob:; ")
DOCS_POLICIES = {"/docs": _SWAGGER_POLICY, "/docs/oauth2-redirect": _SWAGGER_POLICY, "/redoc": _REDOC_POLICY}
INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.DOTALL)


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than {limit // 1024} KB")


class BodyLimitMiddleware:
    """Refuse request bodies over ``max_bytes``, by Content-Length or as they stream in.

    ``uploads`` gives paths (and the paths below them) a larger limit: the admin's uploads.
    """

    def __init__(
        self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES, uploads: dict[str, int] | None = None
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.uploads = uploads or {}

    def _limit(self, path: str) -> int:
        for prefix, limit in self.uploads.items():
            if path == prefix or path.startswith(prefix + "/"):
                return limit
        return self.max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self._limit(scope["path"])
        length = Headers(scope=scope).get("content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            await self._refuse(scope, receive, send, limit)
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
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
            await self._refuse(scope, receive, send, limit)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        error = BodyTooLarge(limit)
        await JSONResponse({"detail": error.detail}, status_code=413)(scope, receive, send)


class SecurityHeadersMiddleware:
    """Headers that keep pages from being framed, sniffed or made to run scripts from elsewhere."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        policy = DOCS_POLICIES.get(scope["path"])
        if policy is not None:
            await self.app(scope, receive, _DocsPolicy(send, policy))
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                _set_common(headers)
                if headers.get("content-type", "").startswith("text/html"):
                    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _set_common(headers: MutableHeaders) -> None:
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    if headers.get("content-type", "").startswith("text/html"):
        headers.setdefault("X-Frame-Options", "DENY")


class _DocsPolicy:
    """Holds back a docs page until its body is complete, then allows exactly its inline scripts."""

    def __init__(self, send: Send, policy: str) -> None:
        self.send = send
        self.policy = policy
        self.start: Message | None = None
        self.body = bytearray()

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.start = message
            return
        if message["type"] != "http.response.body" or self.start is None:
            await self.send(message)
            return
        self.body += message.get("body", b"")
        if message.get("more_body", False):
            return
        headers = MutableHeaders(scope=self.start)
        _set_common(headers)
        if headers.get("content-type", "").startswith("text/html"):
            hashes = sorted({_sha256_source(script) for script in INLINE_SCRIPT.findall(bytes(self.body))})
            scripts = "".join(f" {digest}" for digest in hashes)
            headers.setdefault("Content-Security-Policy", self.policy.format(scripts=scripts))
        await self.send(self.start)
        await self.send({"type": "http.response.body", "body": bytes(self.body)})


def _sha256_source(script: bytes) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script).digest()).decode("ascii") + "'"
