"""The pages in headless Chromium, against the real app served by uvicorn on 127.0.0.1.

Screenshots of every page, in both modes (normal and 长辈模式) at desktop and phone widths, are
written to eval/reports/screenshots/ (git-ignored) for a person to look at. Accessibility is
measured with axe-core, injected from the axe-playwright-python package (PyPI), which ships it.
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
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Locator,
    Page,
    ViewportSize,
    expect,
    sync_playwright,
)

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
SCREENSHOTS = Path(__file__).resolve().parents[1] / "eval" / "reports" / "screenshots"
VIEWPORTS: dict[str, ViewportSize] = {
    "desktop": {"width": 1280, "height": 900},
    "phone": {"width": 390, "height": 844},
}
MODES = ("normal", "elder")
MIN_TAP_PX = 44
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
    expect(turn.locator(".answer-text").first).to_be_visible()
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


def test_not_helpful_keeps_the_comment_box_and_stores_the_comment(page: Page, served: Served) -> None:
    page.goto("/")
    turn = _ask_in_chat(page, "养老护理员每个月能领多少岗位补贴？")
    form = turn.locator("form.feedback")
    expect(form.locator("button.rate")).to_have_text(["有帮助", "没帮助"])
    expect(form.locator(".comment")).to_be_hidden()

    form.locator("button[value='-1']").click()

    comment = form.locator("textarea[name=comment]")
    expect(comment).to_be_visible()
    expect(comment).to_be_focused()
    page.keyboard.type("没有说去哪里申请")
    form.locator("button.send-comment").click()
    expect(form.locator(".feedback-status")).to_have_text("已收到您的意见，谢谢！")
    expect(comment).to_be_visible()
    with sqlite3.connect(served.feedback_db) as connection:
        rows = connection.execute(
            "SELECT question, rating, comment, citations FROM feedback WHERE comment = ?",
            ("没有说去哪里申请",),
        ).fetchall()
    assert len(rows) == 1, "the comment joins the 没帮助 already stored, not a second record"
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
    expect(page.locator("#answer-body .answer-text").first).to_be_visible()
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


def _context(browser: Browser, served: Served, device: str, mode: str = "normal", **options: object) -> BrowserContext:
    context = browser.new_context(
        viewport=VIEWPORTS[device],
        base_url=served.url,
        locale="zh-CN",
        device_scale_factor=1,
        is_mobile=device == "phone",
        has_touch=device == "phone",
        **options,  # type: ignore[arg-type]
    )
    context.set_default_timeout(15_000)
    if mode == "elder":
        context.add_cookies([{"name": "minzheng_mode", "value": "elder", "url": served.url}])
    return context


def _open_thanks_page(page: Page) -> None:
    """Post a feedback form the way a browser without JavaScript does (form.submit skips the handler)."""
    form = page.locator("form.feedback").first
    with page.expect_navigation():
        form.evaluate(
            "form => { const r = document.createElement('input'); r.type = 'hidden'; r.name = 'rating';"
            " r.value = '-1'; form.appendChild(r); form.submit(); }"
        )
    expect(page.locator("h1")).to_have_text("谢谢您的反馈！")


# every page a person can reach: (name, how to get there)
def _visit(page: Page, name: str) -> None:
    if name in ("chat", "answer", "refusal"):
        page.goto("/")
        page.get_by_role("link", name="新对话").click()  # the tab's open conversation comes back on "/"
        expect(page.locator(".turn")).to_have_count(0)
    if name == "answer":
        _ask_in_chat(page, RETROFIT_QUESTION)
    elif name == "refusal":
        _ask_in_chat(page, "火星移民有什么政策？")
    elif name == "chat":
        pass
    elif name == "staff":
        page.goto("/staff?q=" + RETROFIT_QUESTION)
        expect(page.locator("#passages .passage")).to_have_count(8)
    elif name == "documents":
        page.goto("/documents")
    elif name == "document":
        page.goto("/documents/npc-2021-20210248?start=1421&end=1553#passage")
        expect(page.locator("mark#passage")).to_be_in_viewport()
    elif name == "error":
        page.goto("/documents/no-such-document")
    elif name == "thanks":
        page.goto("/")
        _ask_in_chat(page, "低保怎么申请？")
        _open_thanks_page(page)
    else:
        raise ValueError(name)


PAGES = ("chat", "answer", "refusal", "staff", "documents", "document", "error", "thanks")


def _run_axe(page: Page) -> list[str]:
    """axe-core's serious and critical violations on the page, one line each."""
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:4]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("device", sorted(VIEWPORTS))
@pytest.mark.parametrize("mode", MODES)
def test_axe_finds_no_serious_violations_on_any_page(
    browser: Browser, served: Served, device: str, mode: str
) -> None:
    context = _context(browser, served, device, mode)
    page = context.new_page()
    found: dict[str, list[str]] = {}
    try:
        for name in PAGES:
            _visit(page, name)
            problems = _run_axe(page)
            if problems:
                found[name] = problems
    finally:
        context.close()
    assert found == {}


_TAP_TARGETS = """() => {
  const small = [];
  for (const el of document.querySelectorAll('a[href], button, summary, select, textarea, input:not([type=hidden])')) {
    const style = getComputedStyle(el);
    if (el.closest('[hidden]') || style.visibility === 'hidden' || el.classList.contains('skip')) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;  // folded away
    if (el.closest('details:not([open])') && el.tagName !== 'SUMMARY') continue;
    if (box.width < MIN - 0.5 || box.height < MIN - 0.5) {
      small.push(`${el.tagName.toLowerCase()}.${el.className} "${el.textContent.trim().slice(0, 12)}" ${Math.round(box.width)}x${Math.round(box.height)}`);
    }
  }
  return small;
}""".replace("MIN", str(MIN_TAP_PX))


def _font_px(page: Page, selector: str) -> float:
    return float(page.locator(selector).first.evaluate("el => parseFloat(getComputedStyle(el).fontSize)"))


@pytest.mark.parametrize("mode", MODES)
def test_text_and_tap_targets_are_large_on_a_phone(browser: Browser, served: Served, mode: str) -> None:
    context = _context(browser, served, "phone", mode)
    page = context.new_page()
    small: dict[str, list[str]] = {}
    try:
        _visit(page, "answer")
        body = _font_px(page, "body")
        lead = _font_px(page, ".turn .answer-lead")
        meta = _font_px(page, ".turn .meta") if mode == "normal" else None
        if mode == "elder":
            expect(page.locator(".turn details.more")).not_to_have_attribute("open", "")
            expect(page.locator(".turn .facts")).to_be_hidden()
            expect(page.locator(".turn .conflicts")).to_be_visible()
        for name in PAGES:
            _visit(page, name)
            found = page.evaluate(_TAP_TARGETS)
            if found:
                small[name] = found
    finally:
        context.close()
    if mode == "normal":
        assert body >= 18 and meta is not None and meta >= 16
        assert lead > body
    else:
        assert body >= 22, "长辈模式 text is larger than the normal 18 px"
        assert lead >= 26
    assert not small, f"tap targets under {MIN_TAP_PX} px: {small}"


def test_the_mode_switch_is_remembered_and_works_without_javascript(browser: Browser, served: Served) -> None:
    context = browser.new_context(java_script_enabled=False, base_url=served.url)
    page = context.new_page()
    try:
        page.goto("/documents")
        with page.expect_navigation():
            page.get_by_role("button", name="长辈模式（大字）").click()
        assert page.url.endswith("/documents")
        assert page.locator("html").get_attribute("class") == "elder"
        page.goto("/staff")
        assert page.locator("html").get_attribute("class") == "elder", "remembered in a cookie"
        with page.expect_navigation():
            page.get_by_role("button", name="退出长辈模式").click()
        assert page.locator("html").get_attribute("class") is None
    finally:
        context.close()


_SPY_ON_SPEECH = """
window.spoken = [];
window.speechSynthesis.speak = (utterance) => { window.spoken.push([utterance.text, utterance.lang]); };
"""


def test_read_aloud_speaks_the_short_answer_in_chinese(browser: Browser, served: Served) -> None:
    context = _context(browser, served, "phone", "elder")
    context.add_init_script(_SPY_ON_SPEECH)
    page = context.new_page()
    try:
        page.goto("/")
        turn = _ask_in_chat(page, RETROFIT_QUESTION)
        speak = turn.locator("button.speak")
        expect(speak).to_be_visible()
        speak.click()
        spoken = page.evaluate("window.spoken")
        lead = turn.locator(".answer-lead").inner_text()
    finally:
        context.close()
    assert len(spoken) == 1 and spoken[0][1] == "zh-CN"
    assert spoken[0][0] == re.sub(r"\[\d+\]", "", lead).strip(), "the first line, without markers"


def test_read_aloud_and_the_microphone_are_hidden_where_the_browser_lacks_them(
    browser: Browser, served: Served
) -> None:
    context = _context(browser, served, "desktop")
    context.add_init_script(
        "delete window.speechSynthesis; delete window.SpeechSynthesisUtterance;"
        " delete window.SpeechRecognition; delete window.webkitSpeechRecognition;"
    )
    page = context.new_page()
    try:
        page.goto("/")
        turn = _ask_in_chat(page, RETROFIT_QUESTION)
        expect(turn.locator("button.speak")).to_be_hidden()
        expect(page.locator("#mic")).to_be_hidden()
        expect(turn.locator("button.copy-answer")).to_be_visible()
    finally:
        context.close()


def test_copy_button_on_a_chat_answer_copies_it_with_sources(page: Page) -> None:
    page.goto("/")
    turn = _ask_in_chat(page, RETROFIT_QUESTION)
    copy = turn.locator("button.copy-answer")

    copy.click()

    expect(copy).to_have_text("已复制 ✓")
    text = page.evaluate("navigator.clipboard.readText()")
    assert text.startswith(turn.locator(".answer-lead").inner_text().strip()[:10])
    assert "出处：" in text and re.search(r"\[1\] 《[^》]+》（[^）]+，\d{4}-\d{2}-\d{2}）", text)


def test_history_list_new_conversation_and_delete(page: Page) -> None:
    page.goto("/")
    _ask_in_chat(page, "我爸85了每个月能领多少高龄津贴")
    followup = _ask_in_chat(page, "那要带什么材料？")
    expect(followup).to_contain_text("按“高龄津贴”理解")

    page.get_by_role("link", name="新对话").click()
    expect(page.locator(".turn")).to_have_count(0)
    _ask_in_chat(page, "低保怎么申请？")

    page.reload()  # kept on the device, and the open conversation comes back
    expect(page.locator(".turn")).to_have_count(1)
    history = page.locator("#history")
    history.locator("summary").click()
    entries = history.locator(".history-list li")
    expect(entries).to_have_count(2)
    expect(entries.first).to_contain_text("低保怎么申请？")

    entries.nth(1).locator(".history-open").click()
    expect(page.locator(".turn")).to_have_count(2)
    expect(page.locator(".turn .bubble.user").first).to_have_text("我爸85了每个月能领多少高龄津贴")
    # the reopened conversation goes on in context
    again = _ask_in_chat(page, "要带什么材料")
    expect(again).not_to_contain_text("没有找到能回答")

    if not history.evaluate("details => details.open"):
        history.locator("summary").click()
    entries.first.get_by_role("button", name=re.compile("^删除对话")).click()
    expect(entries).to_have_count(1)
    expect(page.locator(".turn")).to_have_count(0)  # deleting the open conversation clears it


def test_a_suggested_question_is_asked_in_the_conversation(page: Page) -> None:
    page.goto("/")
    _ask_in_chat(page, RETROFIT_QUESTION)
    chips = page.locator("#suggestions .chip")
    expect(chips.first).to_be_visible()
    assert 2 <= chips.count() <= 3
    suggestion = chips.first.inner_text()

    chips.first.click()

    expect(page.locator(".turn")).to_have_count(2)
    expect(page.locator(".turn").last.locator(".bubble.user")).to_have_text(suggestion)
    expect(page.locator(".turn").last.locator(".bubble.bot")).not_to_contain_text("正在查找")


def test_a_long_paste_is_refused_with_the_limit_not_cut(page: Page) -> None:
    page.goto("/")
    pasted = "我想问一下高龄津贴的事情。" * 100  # 1,300 characters
    page.locator("#question").fill(pasted)

    expect(page.locator("#question-count")).to_contain_text("超出 300 个字")
    page.click("#ask button.primary")

    expect(page.locator("#question-count")).to_have_text("问题太长了：共 1300 个字，最多 1000 个字。请删减后再提交。")
    assert page.input_value("#question") == pasted, "nothing is cut"
    expect(page.locator(".turn")).to_have_count(0)


def _tab_to(page: Page, test: str, limit: int = 120) -> None:
    """Press Tab until the focused element passes the test (a JavaScript expression on `el`)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return Boolean({test}); }})()"):
            return
    pytest.fail(f"Tab never reached an element where {test}")


def test_keyboard_only_ask_follow_up_citation_feedback_and_mode_switch(
    browser: Browser, served: Served
) -> None:
    context = _context(browser, served, "desktop")
    page = context.new_page()
    try:
        page.goto("/")
        _tab_to(page, "el.id === 'question'")
        page.keyboard.type("我爸85了每个月能领多少高龄津贴")
        page.keyboard.press("Enter")
        expect(page.locator(".turn .answer-lead")).to_be_visible()
        expect(page.locator("#question")).to_be_focused()
        page.keyboard.type("那要带什么材料？")
        page.keyboard.press("Enter")
        expect(page.locator(".turn")).to_have_count(2)
        expect(page.locator(".turn").last).to_contain_text("按“高龄津贴”理解")

        page.locator("body").evaluate("b => { document.activeElement.blur(); window.scrollTo(0, 0); }")
        _tab_to(page, "el.matches('.turn a.cite')")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/documents/[a-z0-9-]+\?start=\d+&end=\d+#passage$"))
        expect(page.locator("mark#passage")).to_be_focused()
        page.go_back()
        expect(page.locator(".turn")).to_have_count(2)

        _tab_to(page, "el.matches('.turn form.feedback button.rate[value=\"-1\"]')")
        page.keyboard.press("Enter")
        expect(page.locator(".turn textarea[name=comment]").first).to_be_focused()
        page.keyboard.type("想知道在哪里办")
        _tab_to(page, "el.matches('.send-comment')", limit=3)
        page.keyboard.press("Enter")
        expect(page.locator(".turn .feedback-status").first).to_have_text("已收到您的意见，谢谢！")

        page.goto("/")
        _tab_to(page, "el.matches('button.mode')")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.locator("html").get_attribute("class") == "elder"
        expect(page.locator(".turn")).to_have_count(2)  # the conversation survives the switch
    finally:
        context.close()


@pytest.mark.parametrize("device", sorted(VIEWPORTS))
@pytest.mark.parametrize("mode", MODES)
def test_screenshots(browser: Browser, served: Served, device: str, mode: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = _context(browser, served, device, mode)
    page = context.new_page()
    try:
        for name in PAGES:
            _visit(page, name)
            full = name not in ("document", "staff")  # these keep their own scroll position
            page.screenshot(path=SCREENSHOTS / f"{name}-{mode}-{device}.png", full_page=full)
        # a conversation: a follow-up keeps its topic; a question for this year gets a partial answer
        page.get_by_role("link", name="继续提问").click()
        page.get_by_role("link", name="新对话").click()
        _ask_in_chat(page, "我爸85了每个月能领多少高龄津贴")
        followup = _ask_in_chat(page, "那要带什么材料？")
        expect(followup).to_contain_text("按“高龄津贴”理解")
        partial = _ask_in_chat(page, "今年高龄津贴标准是多少")
        expect(partial.locator(".refusal.partial a.cite")).to_have_count(1)
        page.screenshot(path=SCREENSHOTS / f"followup-{mode}-{device}.png", full_page=True)
    finally:
        context.close()
    for name in (*PAGES, "followup"):
        assert (SCREENSHOTS / f"{name}-{mode}-{device}.png").stat().st_size > 10_000


_ANSWER_PARTS = """bot => ['.answer-lead', '.answer-text:not(.answer-lead)', '.facts', '.conflicts', '.sources',
  'details.more > summary', 'details.sources-more > summary', '.hotline', 'button.speak', 'button.copy-answer']
  .map(selector => selector + ': ' + Array.from(bot.querySelectorAll(selector))
    .map(el => el.textContent.replace(/\\s+/g, '')).join(' / '))"""


@pytest.mark.parametrize("mode", MODES)
def test_the_script_renders_an_answer_as_the_server_does(browser: Browser, served: Served, mode: str) -> None:
    scripted = _context(browser, served, "phone", mode)
    plain = _context(browser, served, "phone", mode, java_script_enabled=False)
    try:
        page = scripted.new_page()
        page.goto("/")
        by_script = [
            _ask_in_chat(page, question).locator(".bubble.bot").evaluate(_ANSWER_PARTS)
            for question in (RETROFIT_QUESTION, "火星移民有什么政策？")
        ]
        page = plain.new_page()
        page.goto("/")
        by_server = []
        for question in (RETROFIT_QUESTION, "火星移民有什么政策？"):
            page.fill("#question", question)
            with page.expect_navigation():
                page.click("#ask button.primary")
            by_server.append(page.locator(".turn").last.locator(".bubble.bot").evaluate(_ANSWER_PARTS))
    finally:
        scripted.close()
        plain.close()
    assert by_script == by_server
