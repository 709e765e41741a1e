"""In headless Chromium with every request off 127.0.0.1 refused: API docs, pages, first start.

The browser's routes abort anything not addressed to the local server, as on an intranet
without Internet access; each test says which outside requests were attempted (none).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Route,
    expect,
    sync_playwright,
)

from assistant.app import create_app
from assistant.index import BuildStep, Progress, Steps
from assistant.keeper import PipelineKeeper
from assistant.pipeline import Pipeline
from assistant.settings import Settings

from .test_browser import CHROMIUM, CHROMIUM_ARGS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian chromium at /usr/bin/chromium"),
]

# ReDoc's bundle shows a Redocly logo from its site; the page's CSP blocks it and ReDoc then
# hides the image, so nothing leaves the machine. Every other CSP violation is a failure.
REDOC_LOGO = "cdn.redoc.ly/redoc/logo-mini.svg"


@contextmanager
def _serving(app: FastAPI) -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    runner = threading.Thread(target=server.run, daemon=True)
    runner.start()
    give_up = time.monotonic() + 30
    while not server.started and runner.is_alive() and time.monotonic() < give_up:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start within 30 s"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        runner.join(timeout=10)


@dataclass
class Offline:
    """A browser context that refuses every request off the local server, and what it saw."""

    context: BrowserContext
    refused: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)


@contextmanager
def _offline(browser: Browser, url: str, javascript: bool = True) -> Iterator[Offline]:
    context = browser.new_context(base_url=url, locale="zh-CN", java_script_enabled=javascript)
    context.set_default_timeout(15_000)
    seen = Offline(context)

    def local_only(route: Route) -> None:
        if route.request.url.startswith(url + "/"):
            route.continue_()
        else:
            seen.refused.append(route.request.url)
            route.abort("internetdisconnected")

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            seen.console_errors.append(message.text)

    context.route("**/*", local_only)
    context.on("console", on_console)
    context.on("weberror", lambda error: seen.console_errors.append(str(error.error)))
    try:
        yield seen
    finally:
        context.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def served(settings_seed: Settings, pipeline_seed: Pipeline, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    feedback = tmp_path_factory.mktemp("offline-feedback") / "feedback.sqlite3"
    with _serving(create_app(replace(settings_seed, feedback_db=feedback), pipeline=pipeline_seed)) as url:
        yield url


def test_swagger_ui_renders_and_opens_an_operation_with_the_network_off(browser: Browser, served: str) -> None:
    with _offline(browser, served) as seen:
        page = seen.context.new_page()
        response = page.goto("/docs")
        operation = page.locator(".opblock-summary", has_text="/api/ask").first
        operation.click()

        expect(page.locator(".swagger-ui .info .title")).to_contain_text("深圳民政政策问答 API")
        expect(page.get_by_role("button", name="Try it out")).to_be_visible()
        assert response is not None and response.status == 200
        assert "'unsafe-inline'" not in response.headers["content-security-policy"]
        assert seen.refused == [] and seen.console_errors == []


def test_redoc_renders_with_the_network_off(browser: Browser, served: str) -> None:
    with _offline(browser, served) as seen:
        page = seen.context.new_page()
        page.goto("/redoc")

        expect(page.locator("h2", has_text="Answer a question with citations")).to_be_visible()
        expect(page.locator("img[src*='redoc.ly']")).to_have_count(0)
        assert seen.refused == []
        assert [e for e in seen.console_errors if REDOC_LOGO not in e] == []


@pytest.mark.parametrize("path", ["/", "/staff?q=高龄津贴", "/documents", "/docs", "/redoc"])
def test_no_page_loads_anything_from_outside(browser: Browser, served: str, path: str) -> None:
    with _offline(browser, served) as seen:
        page = seen.context.new_page()
        page.goto(path)
        page.wait_for_load_state("networkidle")
        external = page.locator("[src^='http'], link[href^='http'], script[src^='//'], [src^='//']")

        # ReDoc may insert its footer logo for a moment while it renders; what stays counts.
        expect(external).to_have_count(0)
        assert seen.refused == []


def test_a_first_start_shows_the_progress_page_without_javascript_then_the_chat(
    browser: Browser, settings_seed: Settings, pipeline_seed: Pipeline, tmp_path: Path
) -> None:
    go_on = threading.Event()

    def slow_load(settings: Settings, progress: Progress, steps: Steps) -> Pipeline:
        progress("embedding")
        steps(BuildStep("embedding", 30, 100))
        assert go_on.wait(60)
        return pipeline_seed

    settings = replace(settings_seed, feedback_db=tmp_path / "feedback.sqlite3")
    app = create_app(settings, keeper=PipelineKeeper(settings, load=slow_load))
    with _serving(app) as url, _offline(browser, url, javascript=False) as seen:
        page = seen.context.new_page()
        waiting = page.goto("/")
        expect(page.locator("h1")).to_have_text("服务正在启动，请稍候")
        expect(page.locator("progress")).to_have_attribute("value", "29")
        go_on.set()

        # the page's meta refresh brings the chat once the assistant is ready (every 5 s)
        expect(page.locator("#question")).to_be_visible(timeout=20_000)

        assert waiting is not None and waiting.status == 503
        assert seen.refused == []
