"""The API docs are served by the app itself, from fastapi-offline's copy of Swagger UI and ReDoc."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

from fastapi.testclient import TestClient

from assistant.app import create_app
from assistant.settings import Settings

URL = re.compile(r"""(?:src|href)=["']?([^"' >]+)""")


def _client(tmp_path: Path) -> TestClient:
    return TestClient(create_app(Settings(feedback_db=tmp_path / "feedback.sqlite3")))  # never loads


def test_docs_pages_load_their_assets_from_the_app(tmp_path: Path) -> None:
    client = _client(tmp_path)
    for path, asset in (("/docs", "swagger-ui-bundle.js"), ("/redoc", "redoc.standalone.js")):
        page = client.get(path)
        urls = URL.findall(page.text)

        assert page.status_code == 200 and urls, path
        assert all(url.startswith("/docs-assets/") for url in urls), (path, urls)
        assert f"/docs-assets/{asset}" in urls
        assert client.get(f"/docs-assets/{asset}").status_code == 200


def test_swagger_ui_may_run_only_its_own_inline_script(tmp_path: Path) -> None:
    page = _client(tmp_path).get("/docs")
    inline = re.findall(r"<script>(.*?)</script>", page.text, re.DOTALL)
    digest = base64.b64encode(hashlib.sha256(inline[0].encode()).digest()).decode()

    policy = page.headers["content-security-policy"]

    assert len(inline) == 1 and f"script-src 'self' 'sha256-{digest}';" in policy
    assert "style-src 'self';" in policy and "unsafe" not in policy
    assert "validatorUrl" in inline[0] and "null" in inline[0], "no validator badge from outside"
    assert page.headers["x-frame-options"] == "DENY"


def test_redoc_gets_inline_styles_and_a_blob_worker_but_no_inline_script(tmp_path: Path) -> None:
    policy = _client(tmp_path).get("/redoc").headers["content-security-policy"]

    assert "script-src 'self';" in policy
    assert "style-src 'self' 'unsafe-inline';" in policy and "worker-src blob:;" in policy


def test_our_own_pages_keep_the_strict_policy(tmp_path: Path) -> None:
    page = _client(tmp_path).get("/", headers={"Accept": "text/html"})  # the progress page

    assert page.headers["content-security-policy"].startswith("default-src 'self'; script-src 'self'; style-src 'self';")
