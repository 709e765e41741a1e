"""Who may change the documents: the admin token, the signed session cookie, CSRF tokens.

The admin is off (404) unless ``MINZHENG_ADMIN_TOKEN`` is set. People sign in with the token
and get a session cookie signed by Starlette's SessionMiddleware (itsdangerous), scoped to
``/admin`` and SameSite=Strict; every form carries a CSRF token bound to that session. Scripts
send ``Authorization: Bearer TOKEN``. Tokens are compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from fastapi import FastAPI, Request
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.middleware.sessions import SessionMiddleware

from .errors import InputError
from .service import service
from .settings import Settings

SESSION_COOKIE = "minzheng_admin"
SESSION_SECONDS = 8 * 3600
MIN_TOKEN_CHARS = 16
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


class SignInRequired(HTTPException):
    """Raised by admin pages without a session: the error handler turns it into a redirect."""

    def __init__(self) -> None:
        super().__init__(303, "请先登录管理后台。", headers={"Location": "/admin/login"})


def install_sessions(app: FastAPI, settings: Settings) -> None:
    """Add the signed session cookie when the admin is on.

    Raises:
        InputError: the token is too short to resist guessing.
    """
    token = settings.admin_token
    if not token:
        return
    if len(token) < MIN_TOKEN_CHARS:
        raise InputError(
            f"MINZHENG_ADMIN_TOKEN has {len(token)} characters; use at least {MIN_TOKEN_CHARS}, e.g. "
            "`python -c 'import secrets; print(secrets.token_urlsafe(24))'`"
        )
    # Derived from the token: changing the token signs everybody out.
    key = hmac.new(token.encode(), b"minzheng-admin-session", hashlib.sha256).hexdigest()
    app.add_middleware(
        SessionMiddleware,
        secret_key=key,
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_SECONDS,
        path="/admin",
        same_site="strict",
    )


def token_matches(given: str, expected: str) -> bool:
    """Whether the given token is the admin token, in time that does not depend on where they differ."""
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


def admin_token(request: Request) -> str:
    """The admin token; 404 when the admin is off, as if it did not exist."""
    token = service(request).settings.admin_token
    if not token:
        raise HTTPException(404, "Not Found")
    return token


def signed_in(request: Request) -> bool:
    admin_token(request)
    return request.session.get("admin") is True


def require_session(request: Request) -> None:
    """Dependency of the admin pages: signed in, else a redirect to the sign-in page."""
    if not signed_in(request):
        raise SignInRequired()


def require_session_json(request: Request) -> None:
    """Dependency of the admin's JSON: signed in, else 401."""
    if not signed_in(request):
        raise HTTPException(401, "sign in at /admin/login first")


def require_bearer(request: Request) -> None:
    """Dependency of the upload API: ``Authorization: Bearer TOKEN``, else 401 and nothing changes."""
    token = admin_token(request)
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token_matches(given.strip(), token):
        raise HTTPException(
            401,
            "send the admin token as `Authorization: Bearer TOKEN`",
            headers={"WWW-Authenticate": "Bearer"},
        )


def sign_in(request: Request, given: str) -> bool:
    """Start a session when the token is right (a fresh CSRF token with it)."""
    if not token_matches(given.strip(), admin_token(request)):
        return False
    request.session.clear()
    request.session.update(admin=True, csrf=secrets.token_urlsafe(32))
    return True


def sign_out(request: Request) -> None:
    request.session.clear()


def csrf_token(request: Request) -> str:
    """The session's CSRF token, made on first use (the sign-in form has one too)."""
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def check_csrf(request: Request, form: FormData | None = None) -> None:
    """403 unless the form field (or the X-CSRF-Token header) holds the session's CSRF token."""
    expected = request.session.get("csrf")
    given = str(form.get(CSRF_FIELD, "")) if form is not None else ""
    given = given or request.headers.get(CSRF_HEADER, "")
    if not isinstance(expected, str) or not hmac.compare_digest(given.encode(), expected.encode()):
        raise HTTPException(403, "表单已过期或不是从本站提交的，请刷新页面后重试。")
