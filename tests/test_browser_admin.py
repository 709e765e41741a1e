"""The admin in headless Chromium against uvicorn on 127.0.0.1, with the real model and seed index.

Sign in, upload by drag and drop, watch the rebuild, find the new letter from /staff, delete
it, see it gone. Screenshots of every admin page at 1280 and 390 px go to
tests/artifacts/screenshots/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

import re
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import replace

import pytest
from playwright.sync_api import Browser, Page, expect

from assistant.pipeline import Pipeline
from assistant.settings import Settings

from .test_browser import CHROMIUM, SCREENSHOTS, _free_port, browser  # noqa: F401 - the browser fixture

TOKEN = "browser-admin-token-0123456789"
WIDTHS = {"desktop": 1280, "phone": 390}
TITLE = "关于社区长者饭堂试点的说明"
LETTER = (
    f"{TITLE}\n发布时间：2026-11-01\n"
    "为方便辖区老年人就近用餐，我局在十个社区试点开设长者饭堂，"
    "六十周岁以上老年人每餐可享受五元就餐补贴，由社区党群服务中心统一登记。\n"
)
QUESTION = "长者饭堂每餐补贴多少钱"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian chromium at /usr/bin/chromium"),
]


@pytest.fixture(scope="module")
def admin_url(
    settings_seed: Settings, pipeline_seed: Pipeline, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The app over copies of the seed documents and index (so uploads touch neither), admin on."""
    import uvicorn

    from assistant.app import create_app

    folder = tmp_path_factory.mktemp("admin-browser")
    shutil.copytree(settings_seed.documents, folder / "documents")
    shutil.copytree(settings_seed.index, folder / "index")
    settings = replace(
        settings_seed,
        documents=folder / "documents",
        index=folder / "index",
        feedback_db=folder / "feedback.sqlite3",
        admin_token=TOKEN,
        rate_limit_per_minute=1000,
    )
    # The running pipeline is the seed one; the first rebuild switches to the copy.
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings, pipeline=replace(pipeline_seed, settings=settings)),
            host="127.0.0.1",
            port=_free_port(),
            log_level="warning",
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start within 30 s"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{server.config.port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def page(browser: Browser, admin_url: str) -> Iterator[Page]:  # noqa: F811
    context = browser.new_context(viewport={"width": WIDTHS["desktop"], "height": 900}, base_url=admin_url, locale="zh-CN")
    context.set_default_timeout(20_000)
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    opened.on("dialog", lambda dialog: dialog.accept())
    yield opened
    context.close()
    assert not errors, f"JavaScript errors: {errors}"


def screenshots(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width_name, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SCREENSHOTS / f"admin-{name}-{width_name}.png"), full_page=True)
    page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})


def drop_file(page: Page, name: str, text: str) -> None:
    """Drag a file onto the upload zone, as a person would from their file manager."""
    page.evaluate(
        """([name, text]) => {
            const transfer = new DataTransfer();
            transfer.items.add(new File([text], name, { type: "text/plain" }));
            const zone = document.querySelector(".dropzone");
            zone.dispatchEvent(new DragEvent("dragover", { dataTransfer: transfer, bubbles: true, cancelable: true }));
            zone.dispatchEvent(new DragEvent("drop", { dataTransfer: transfer, bubbles: true, cancelable: true }));
        }""",
        [name, text],
    )


def wait_for_rebuild(page: Page) -> None:
    page.goto("/admin/index")
    expect(page.locator(".rebuild")).to_have_attribute("data-state", "ready", timeout=240_000)


def staff_titles(page: Page) -> list[str]:
    page.goto(f"/staff?q={QUESTION}")
    expect(page.locator("#passages .passage").first).to_be_visible()
    return page.locator("#passages .passage-head a").all_inner_texts()


def test_sign_in_upload_search_delete(page: Page) -> None:
    page.goto("/admin")
    expect(page).to_have_url(re.compile(r"/admin/login$"))
    screenshots(page, "login")
    page.fill("#token", "not-the-token-at-all")
    page.click("form button.primary")
    expect(page.locator(".login .error")).to_have_text("令牌不正确，请重新输入。")
    page.fill("#token", TOKEN)
    page.click("form button.primary")
    expect(page.locator("h1")).to_have_text("上传文件")
    assert f"《{TITLE}》" not in staff_titles(page)

    page.goto("/admin/documents")
    drop_file(page, "canteen.txt", LETTER)
    expect(page.locator(".dropzone .chosen")).to_have_text("已选择：canteen.txt")
    page.click("form.upload button.primary")
    expect(page.locator(".flash-ok").first).to_contain_text("已添加 1 份文件")
    row = page.locator("tr", has_text=TITLE)
    expect(row.locator("td[data-label=来源]")).to_have_text("canteen.txt")
    screenshots(page, "documents")
    page.goto("/admin/index")
    if page.locator(".rebuild").get_attribute("data-state") == "building":
        expect(page.locator(".rebuild progress")).to_be_visible()
        screenshots(page, "index-building")

    wait_for_rebuild(page)
    screenshots(page, "index")
    assert f"《{TITLE}》" in staff_titles(page)[:3]

    page.goto("/admin/documents")
    page.locator("tr", has_text=TITLE).locator("form.delete button").click()
    expect(page.locator(".flash-ok").first).to_contain_text("已删除 1 份文件")
    expect(page.locator("tr", has_text=TITLE)).to_have_count(0)
    wait_for_rebuild(page)
    assert f"《{TITLE}》" not in staff_titles(page)


def test_unanswered_and_feedback_pages(page: Page) -> None:
    for question in ("护照丢了怎么补办？", "护照过期了怎么换？", "我叫张伟，电话13812345678，二胎有补贴吗？"):
        page.goto("/")
        turns = page.locator(".turn")
        before = turns.count()
        page.fill("#question", question)
        page.click("#ask button.primary")
        expect(turns).to_have_count(before + 1)
        expect(turns.last.locator(".answer-text")).to_be_visible()
    form = page.locator(".turn").last.locator("form.feedback")
    form.locator("details.comment").evaluate("details => { details.open = true; }")
    form.locator("textarea[name=comment]").fill("我想问的是二胎，不是别的")
    form.locator("button[value='-1']").click()
    expect(form.locator(".feedback-status")).to_have_text("谢谢您的反馈！")
    page.goto("/admin/login")
    page.fill("#token", TOKEN)
    page.click("form button.primary")
    page.goto("/admin/unanswered")
    passports = page.locator("article.topic").filter(has=page.get_by_role("heading", name="护照", exact=True))
    expect(passports.locator(".tally strong")).to_have_text("2")
    expect(passports.locator("ul.questions li")).to_have_count(2)
    expect(page.locator("main")).not_to_contain_text("13812345678")
    expect(page.locator("main")).not_to_contain_text("张伟")
    page.click("button[name=recheck]")
    expect(passports.locator(".now")).to_have_text("现在：仍不能回答")
    screenshots(page, "unanswered")
    page.goto("/admin/feedback?rating=-1")
    expect(page.locator("ol.feedback li")).to_have_count(1)
    expect(page.locator("ol.feedback .comment")).to_have_text("留言：我想问的是二胎，不是别的")
    expect(page.locator("ol.feedback .q")).to_contain_text("我叫[姓名]，电话[电话]")
    screenshots(page, "feedback")
