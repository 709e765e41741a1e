"""The pages in headless Chromium, against the real app served by uvicorn on 127.0.0.1.

Screenshots of the chat, the staff view and a document page at desktop and phone widths are
written to tests/artifacts/screenshots/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

import re
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, ViewportSize, expect, sync_playwright

from assistant.pipeline import Pipeline
from assistant.settings import Settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parent / "artifacts" / "screenshots"
VIEWPORTS: dict[str, ViewportSize] = {
    "desktop": {"width": 1366, "height": 900},
    "phone": {"width": 390, "height": 844},
}
RETROFIT_QUESTION = "家里老人做适老化改造能补多少？"
CITE_HREF = re.compile(r"^/documents/[a-z0-9-]+\?start=\d+&end=\d+#passage$")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian chromium at /usr/bin/chromium"),
]


@dataclass(frozen=True)
class Served:
    url: str
    feedback_db: Path


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def served(
    settings_seed: Settings, pipeline_seed: Pipeline, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    import uvicorn

    from assistant.app import create_app

    feedback_db = tmp_path_factory.mktemp("browser-feedback") / "feedback.sqlite3"
    settings = replace(settings_seed, feedback_db=feedback_db, rate_limit_per_minute=1000)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings, pipeline=pipeline_seed),
            host="127.0.0.1",
            port=port,
            log_level="warning",
            lifespan="on",
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start within 30 s")
        time.sleep(0.05)
    yield Served(f"http://127.0.0.1:{port}", feedback_db)
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, served: Served) -> Iterator[Page]:
    context = browser.new_context(
        viewport=VIEWPORTS["desktop"],
        base_url=served.url,
        locale="zh-CN",
        permissions=["clipboard-read", "clipboard-write"],
    )
    context.set_default_timeout(15_000)
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    context.close()
    assert not errors, f"JavaScript errors: {errors}"


def _ask_in_chat(page: Page, question: str) -> Locator:
    page.fill("#question", question)
    page.click("#ask button.primary")
    turn = page.locator(".turn").last
    expect(turn.locator(".answer-text")).to_be_visible()
    return turn


def test_chat_answers_without_a_reload_and_the_marker_opens_the_passage(
    page: Page,
) -> None:
    page.goto("/")
    page.evaluate("window.sameDocument = true")

    turn = _ask_in_chat(page, RETROFIT_QUESTION)

    assert page.evaluate("window.sameDocument") is True, "the page reloaded"
    expect(turn.locator(".bubble.user")).to_have_text(RETROFIT_QUESTION)
    marker = turn.locator(".answer-text a.cite").first
    expect(marker).to_have_text(re.compile(r"^\[\d+\]$"))
    assert CITE_HREF.match(marker.get_attribute("href") or "")
    expect(turn.locator(".facts")).to_contain_text("万元")

    marker.click()
    page.wait_for_url(re.compile(r"/documents/[a-z0-9-]+\?start=\d+&end=\d+#passage$"))
    passage = page.locator("mark#passage")
    expect(passage).to_be_visible()
    expect(passage).to_be_in_viewport()
    assert passage.inner_text().strip()

    page.go_back()
    expect(page.locator(".turn .bubble.user").first).to_have_text(RETROFIT_QUESTION)


def test_thumbs_down_with_a_comment_is_stored(page: Page, served: Served) -> None:
    page.goto("/")
    turn = _ask_in_chat(page, "养老护理员每个月能领多少岗位补贴？")
    form = turn.locator("form.feedback")

    form.locator("details.comment summary").click()
    form.locator("textarea[name=comment]").fill("没有说去哪里申请")
    form.locator("button[value='-1']").click()

    expect(form.locator(".feedback-status")).to_have_text("谢谢您的反馈！")
    with sqlite3.connect(served.feedback_db) as connection:
        rows = connection.execute(
            "SELECT question, rating, comment, citations FROM feedback WHERE comment = ?",
            ("没有说去哪里申请",),
        ).fetchall()
    assert len(rows) == 1
    question, rating, _, citations = rows[0]
    assert (question, rating) == ("养老护理员每个月能领多少岗位补贴？", -1)
    assert citations.startswith('["')


def test_staff_view_enter_asks_and_highlights_passages(page: Page) -> None:
    page.goto("/staff")
    assert page.evaluate("document.activeElement.id") == "q", "the question box is focused"
    page.evaluate("window.sameDocument = true")

    page.keyboard.type("高龄津贴怎么领")
    page.keyboard.press("Enter")

    passages = page.locator("#passages .passage")
    expect(passages).to_have_count(8)
    assert page.evaluate("window.sameDocument") is True
    expect(page.locator("#passages mark").first).to_be_visible()
    assert "高龄" in page.locator("#passages mark").all_inner_texts()[0]
    expect(page.locator("#answer-body .answer-text")).to_be_visible()
    assert "q=" in page.url

    meta = passages.first.locator(".meta").inner_text()
    assert re.search(r"(提案答复|建议答复|规划|工作总结|其他).*\d{4}-\d{2}-\d{2}", meta), meta

    page.select_option("#kind", "规划")
    expect(passages.first.locator(".meta")).to_contain_text("规划")
    assert all("规划" in text for text in passages.locator(".meta").all_inner_texts())

    page.select_option("#kind", "")
    page.select_option("#year", "2021")
    expect(passages.first.locator(".meta")).to_contain_text("2021-")
    assert all("2021-" in text for text in passages.locator(".meta").all_inner_texts())


def test_staff_copy_button_puts_answer_and_sources_on_the_clipboard(page: Page) -> None:
    page.goto("/staff")
    page.fill("#q", "养老护理员有什么补贴？")
    page.press("#q", "Enter")
    copy = page.locator("#copy")
    expect(copy).to_be_enabled()

    copy.click()

    expect(copy).to_have_text("已复制 ✓")
    text = page.evaluate("navigator.clipboard.readText()")
    assert text == page.input_value("#copy-text")
    assert "出处：" in text
    assert re.search(r"\[1\] 《[^》]+》（[^）]+，\d{4}-\d{2}-\d{2}）", text), text


def test_pages_work_without_javascript(browser: Browser, served: Served) -> None:
    context = browser.new_context(java_script_enabled=False, base_url=served.url)
    page = context.new_page()
    try:
        page.goto("/")
        page.fill("#question", RETROFIT_QUESTION)
        with page.expect_navigation():
            page.click("#ask button.primary")
        assert page.url.endswith("/#latest")
        marker = page.locator(".turn .answer-text a.cite").first
        assert CITE_HREF.match(marker.get_attribute("href") or "")

        page.fill("#question", "低保怎么申请？")
        with page.expect_navigation():
            page.click("#ask button.primary")
        assert page.locator(".turn").count() == 2

        with page.expect_navigation():
            page.locator(".turn").last.locator("button[value='1']").click()
        assert "谢谢您的反馈" in page.content()

        page.goto("/staff?q=" + "高龄津贴")
        assert page.locator("#passages mark").count() > 0
    finally:
        context.close()


@pytest.mark.parametrize("device", sorted(VIEWPORTS))
def test_screenshots(browser: Browser, served: Served, device: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(
        viewport=VIEWPORTS[device],
        base_url=served.url,
        locale="zh-CN",
        device_scale_factor=1,
        is_mobile=device == "phone",
        has_touch=device == "phone",
    )
    page = context.new_page()
    try:
        page.goto("/")
        page.screenshot(path=SCREENSHOTS / f"chat-empty-{device}.png")
        _ask_in_chat(page, RETROFIT_QUESTION)
        page.screenshot(path=SCREENSHOTS / f"chat-{device}.png", full_page=True)

        page.locator(".turn .answer-text a.cite").first.click()
        expect(page.locator("mark#passage")).to_be_in_viewport()
        page.screenshot(path=SCREENSHOTS / f"document-{device}.png")

        page.goto("/")
        _ask_in_chat(page, "火星移民有什么政策？")
        page.screenshot(path=SCREENSHOTS / f"chat-refusal-{device}.png", full_page=True)

        # a conversation: a follow-up keeps its topic; a question for this year gets a partial answer
        page.goto("/")
        _ask_in_chat(page, "我爸85了每个月能领多少高龄津贴")
        followup = _ask_in_chat(page, "那要带什么材料？")
        expect(followup).to_contain_text("按“高龄津贴”理解")
        partial = _ask_in_chat(page, "今年高龄津贴标准是多少")
        expect(partial.locator(".refusal.partial a.cite")).to_have_count(1)
        page.screenshot(path=SCREENSHOTS / f"chat-followup-{device}.png", full_page=True)

        page.goto("/staff")
        page.fill("#q", RETROFIT_QUESTION)
        page.press("#q", "Enter")
        expect(page.locator("#passages .passage")).to_have_count(8)
        page.screenshot(path=SCREENSHOTS / f"staff-{device}.png")
    finally:
        context.close()
    for name in ("chat", "chat-refusal", "chat-followup", "document", "staff"):
        assert (SCREENSHOTS / f"{name}-{device}.png").stat().st_size > 10_000
