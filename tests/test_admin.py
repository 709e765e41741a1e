"""The admin: off without a token, sign-in, CSRF, the upload API's bearer token, documents, exports.

A small copy of the seed documents indexed with the fake embedder keeps these fast; the
browser test (tests/test_browser_admin.py) runs the same flow with the real model.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from assistant.access import token_matches
from assistant.admin import safe_name
from assistant.app import create_app
from assistant.composer import Composer
from assistant.documents import load_documents
from assistant.errors import InputError
from assistant.evaluation import load_eval_set
from assistant.feedback import FeedbackRecord, FeedbackStore
from assistant.index import Progress, Steps, build_index, load_index
from assistant.keeper import PipelineKeeper
from assistant.pipeline import Pipeline
from assistant.retriever import Retriever
from assistant.settings import Settings
from assistant.tokenizer import Tokenizer
from assistant.vocabulary import load_vocabulary

from .fakes import HashingEmbedder

REPO = Path(__file__).resolve().parents[1]
TOKEN = "test-admin-token-0123456789"
BEARER = {"Authorization": f"Bearer {TOKEN}"}
NEW_PAGE = "关于试点养老护理员岗位补贴的说明\n发布时间：2024-05-01\n养老护理员岗位补贴每人每月发放五百元，由所在机构申请。\n"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def fake_build(settings: Settings, progress: Progress, steps: Steps) -> object:
    """The keeper's builder with the fake embedder."""
    vocabulary = load_vocabulary()
    return build_index(
        load_documents(settings.documents), settings.index, HashingEmbedder(), Tokenizer(vocabulary),
        progress=progress, steps=steps,
    )


def fake_load(settings: Settings, progress: Progress, steps: Steps) -> Pipeline:
    """The keeper's loader with the fake embedder."""
    embedder = HashingEmbedder()
    vocabulary = load_vocabulary()
    tokenizer = Tokenizer(vocabulary)
    documents = load_documents(settings.documents)
    index = load_index(settings.index, model=embedder.name, documents=documents)
    return Pipeline(settings, index, Retriever(index, embedder, tokenizer, vocabulary), Composer())


def app_for(pipeline: Pipeline, settings: Settings | None = None) -> FastAPI:
    settings = settings or pipeline.settings
    keeper = PipelineKeeper(settings, pipeline, load=fake_load, build=fake_build, reuse_models=True)
    return create_app(settings, pipeline=pipeline, keeper=keeper)


def make_pipeline(tmp_path: Path, **overrides: object) -> Pipeline:
    """Four seed documents in a folder of their own, indexed with the fake embedder."""
    documents = tmp_path / "documents"
    documents.mkdir()
    for path in sorted((REPO / "documents").glob("*.json"))[:4]:
        shutil.copy(path, documents)
    embedder = HashingEmbedder()
    settings = Settings(
        documents=documents,
        index=tmp_path / "index",
        model=embedder.name,
        feedback_db=tmp_path / "feedback.sqlite3",
        admin_token=TOKEN,
        rate_limit_per_minute=1000,
    )
    settings = replace(settings, **overrides)  # type: ignore[arg-type]
    fake_build(settings, lambda message: None, lambda step: None)
    return fake_load(settings, lambda message: None, lambda step: None)


@pytest.fixture
def pipeline(tmp_path: Path) -> Pipeline:
    return make_pipeline(tmp_path)


@pytest.fixture
def client(pipeline: Pipeline) -> Iterator[TestClient]:
    with TestClient(app_for(pipeline)) as test_client:
        yield test_client


def csrf_of(page: str) -> str:
    found = CSRF.search(page)
    assert found, "the page has no CSRF token"
    return found.group(1)


def sign_in(client: TestClient) -> str:
    """Sign in through the form; return the session's CSRF token."""
    token = csrf_of(client.get("/admin/login").text)
    response = client.post("/admin/login", data={"token": TOKEN, "csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/admin/documents"
    return csrf_of(client.get("/admin/documents").text)


def searchable(client: TestClient, text: str) -> bool:
    hits = client.get("/api/search", params={"q": text, "k": 3}).json()["hits"]
    return any(text in hit["text"] for hit in hits)


# off, sign-in, sessions ------------------------------------------------------------------


def test_without_a_token_the_admin_and_the_upload_api_do_not_exist(tmp_path: Path) -> None:
    pipeline = make_pipeline(tmp_path, admin_token="")
    before = sorted(p.name for p in pipeline.settings.documents.iterdir())
    with TestClient(app_for(pipeline)) as client:
        for path in ("/admin", "/admin/login", "/admin/documents", "/admin/unanswered", "/admin/index/status"):
            assert client.get(path, follow_redirects=False).status_code == 404, path
        assert client.post("/admin/login", data={"token": ""}).status_code == 404
        files = {"file": ("a.txt", NEW_PAGE.encode(), "text/plain")}
        assert client.post("/api/documents", files=files, headers=BEARER).status_code == 404
        assert client.delete(f"/api/documents/{before[0][:-5]}", headers=BEARER).status_code == 404
        assert "set-cookie" not in client.get("/").headers
    assert sorted(p.name for p in pipeline.settings.documents.iterdir()) == before


def test_a_short_token_is_refused_at_start(tmp_path: Path) -> None:
    pipeline = make_pipeline(tmp_path, admin_token="short")
    with pytest.raises(InputError, match="at least 16"):
        app_for(pipeline)


def test_tokens_compare_whole() -> None:
    assert token_matches(TOKEN, TOKEN)
    assert not token_matches(TOKEN[:-1], TOKEN)
    assert not token_matches(TOKEN + "x", TOKEN)
    assert not token_matches("", "")
    assert not token_matches("令牌", TOKEN)  # non-ASCII input is compared, not an exception


def test_pages_send_a_visitor_without_a_session_to_sign_in(client: TestClient) -> None:
    for path in ("/admin", "/admin/documents", "/admin/feedback", "/admin/unanswered", "/admin/index"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/admin/login", path
    assert client.get("/admin/index/status").status_code == 401
    assert client.get("/admin/unanswered.jsonl", follow_redirects=False).status_code == 303


def test_a_wrong_token_does_not_sign_in(client: TestClient) -> None:
    page = client.get("/admin/login")
    assert "登录管理后台" in page.text and "minzheng_admin" in page.headers["set-cookie"]
    cookie = page.headers["set-cookie"].lower()
    assert "path=/admin;" in cookie and "samesite=strict" in cookie and "httponly" in cookie
    response = client.post("/admin/login", data={"token": TOKEN + "x", "csrf_token": csrf_of(page.text)})
    assert response.status_code == 401 and "令牌不正确" in response.text
    assert client.get("/admin/documents", follow_redirects=False).status_code == 303


def test_sign_in_needs_the_forms_csrf_token(client: TestClient) -> None:
    client.get("/admin/login")
    response = client.post("/admin/login", data={"token": TOKEN, "csrf_token": "forged"}, follow_redirects=False)
    assert response.status_code == 403
    assert client.get("/admin/documents", follow_redirects=False).status_code == 303


def test_sign_in_attempts_are_rate_limited(client: TestClient) -> None:
    token = csrf_of(client.get("/admin/login").text)
    statuses = [
        client.post("/admin/login", data={"token": "guess", "csrf_token": token}).status_code for _ in range(11)
    ]
    assert statuses[:10] == [401] * 10 and statuses[10] == 429


def test_sign_in_then_out(client: TestClient) -> None:
    token = sign_in(client)
    page = client.get("/admin/documents")
    assert page.status_code == 200 and "已导入的文件（4 份）" in page.text
    assert page.headers["cache-control"] == "no-store"
    assert client.get("/admin/unanswered.jsonl").headers["cache-control"] == "no-store"
    response = client.post("/admin/logout", data={"csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303
    assert client.get("/admin/documents", follow_redirects=False).status_code == 303


def test_a_session_cookie_signed_with_another_token_is_worthless(tmp_path: Path, pipeline: Pipeline) -> None:
    with TestClient(app_for(pipeline)) as first:
        sign_in(first)
        cookie = first.cookies.get("minzheng_admin")
    other = replace(pipeline.settings, admin_token="another-admin-token-987654")
    with TestClient(app_for(pipeline, other)) as second:
        second.cookies.set("minzheng_admin", cookie or "", path="/admin")
        assert second.get("/admin/documents", follow_redirects=False).status_code == 303


# documents through the pages -----------------------------------------------------------


def test_forms_without_the_csrf_token_change_nothing(client: TestClient, pipeline: Pipeline) -> None:
    sign_in(client)
    doc_id = sorted(pipeline.documents)[0]
    for data in ({}, {"csrf_token": "forged"}):
        assert client.post(f"/admin/documents/{doc_id}/delete", data=data).status_code == 403
        files = {"file": ("new.txt", NEW_PAGE.encode(), "text/plain")}
        assert client.post("/admin/documents", data=data, files=files).status_code == 403
        assert client.post("/admin/index/rebuild", data=data).status_code == 403
    assert (pipeline.settings.documents / f"{doc_id}.json").exists()
    assert len(list(pipeline.settings.documents.glob("*.json"))) == 4
    assert client.get("/admin/index/status").json()["seconds"] is None  # no rebuild ran


def test_upload_replace_and_delete_through_the_pages(client: TestClient, pipeline: Pipeline) -> None:
    token = sign_in(client)
    files = [
        ("file", ("new.txt", NEW_PAGE.encode(), "text/plain")),
        ("file", ("../evil.txt", NEW_PAGE.encode(), "text/plain")),
        ("file", ("report.pdf", b"%PDF-1.4 but cut short", "application/pdf")),
        ("file", ("run.exe", b"MZ", "application/octet-stream")),
    ]
    page = client.post("/admin/documents", data={"csrf_token": token}, files=files)
    assert "已添加 1 份文件" in page.text
    assert "未能导入 evil.txt" in page.text and "without folders or &#39;..&#39;" in page.text
    assert "未能导入 report.pdf" in page.text and "/tmp" not in page.text
    assert "未能导入 run.exe" in page.text and "run.exe: only .txt" in page.text
    assert not (pipeline.settings.documents.parent / "evil.txt").exists()
    client.app.state.admin.rebuilds.wait(60)  # type: ignore[attr-defined]
    assert searchable(client, "养老护理员岗位补贴每人每月发放五百元")
    new_id = next(d.id for d in load_documents(pipeline.settings.documents) if d.source == "new.txt")
    row = client.get("/admin/documents").text
    assert f'id="doc-{new_id}"' in row and "new.txt" in row

    again = client.post("/admin/documents", data={"csrf_token": token}, files=[files[0]])
    assert f"内容未变，未重复导入：{new_id}" in again.text
    edited = {"file": ("new.txt", NEW_PAGE.replace("五百元", "七百元").encode(), "text/plain")}
    again = client.post("/admin/documents", data={"csrf_token": token}, files=edited)
    assert "already ingested as" in again.text and "七百元" not in (pipeline.settings.documents / f"{new_id}.json").read_text()

    newer = NEW_PAGE.replace("五百元", "六百元").replace("关于试点", "关于扩大试点")
    files = {"file": ("newer.txt", newer.encode(), "text/plain")}
    page = client.post(f"/admin/documents/{new_id}/replace", data={"csrf_token": token}, files=files)
    assert f"已替换 1 份文件：{new_id}" in page.text
    client.app.state.admin.rebuilds.wait(60)  # type: ignore[attr-defined]
    assert searchable(client, "每人每月发放六百元") and not searchable(client, "每人每月发放五百元")

    page = client.post(f"/admin/documents/{new_id}/delete", data={"csrf_token": token})
    assert f"已删除 1 份文件：{new_id}" in page.text
    status = client.app.state.admin.rebuilds.wait(60)  # type: ignore[attr-defined]
    assert status.state == "ready" and status.documents == 4 and not status.error
    assert not searchable(client, "每人每月发放六百元")


def test_the_last_document_cannot_be_deleted(tmp_path: Path) -> None:
    pipeline = make_pipeline(tmp_path)
    with TestClient(app_for(pipeline)) as client:
        ids = sorted(pipeline.documents)
        for doc_id in ids[:-1]:
            assert client.delete(f"/api/documents/{doc_id}", headers=BEARER).status_code == 200
        response = client.delete(f"/api/documents/{ids[-1]}", headers=BEARER)
        assert response.status_code == 400 and "nothing to answer from" in response.json()["detail"]
        assert (pipeline.settings.documents / f"{ids[-1]}.json").exists()


def test_an_upload_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    pipeline = make_pipeline(tmp_path, max_upload_bytes=50_000)
    with TestClient(app_for(pipeline)) as client:
        token = sign_in(client)
        files = {"file": ("big.txt", ("很长的文字。" * 10_000).encode(), "text/plain")}
        response = client.post("/admin/documents", data={"csrf_token": token}, files=files)
        assert response.status_code == 413
        assert len(list(pipeline.settings.documents.glob("*.json"))) == 4
        # the citizen pages keep their small limit
        assert client.post("/api/ask", content=b"x" * 20_000).status_code == 413


# the API for scripts ---------------------------------------------------------------------


def test_the_upload_api_needs_the_bearer_token(client: TestClient, pipeline: Pipeline) -> None:
    files = {"file": ("new.txt", NEW_PAGE.encode(), "text/plain")}
    doc_id = sorted(pipeline.documents)[0]
    for headers in ({}, {"Authorization": f"Bearer {TOKEN}x"}, {"Authorization": TOKEN}, {"Authorization": f"Basic {TOKEN}"}):
        response = client.post("/api/documents", files=files, headers=headers)
        assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"
        assert client.delete(f"/api/documents/{doc_id}", headers=headers).status_code == 401
    sign_in(client)  # a browser session is not a token
    assert client.post("/api/documents", files=files).status_code == 401
    assert len(list(pipeline.settings.documents.glob("*.json"))) == 4


def test_the_upload_api_adds_then_deletes(client: TestClient, pipeline: Pipeline) -> None:
    files = {"file": ("new.md", NEW_PAGE.encode(), "text/markdown")}
    response = client.post("/api/documents", params={"wait": "true"}, files=files, headers=BEARER)
    assert response.status_code == 201, response.text
    body = response.json()
    assert len(body["ids"]) == 1 and body["index"]["state"] == "ready" and body["index"]["documents"] == 5
    serving = client.app.state.service.pipeline  # type: ignore[attr-defined]
    assert serving is not pipeline and serving.retriever.embedder is pipeline.retriever.embedder  # no second model
    assert searchable(client, "养老护理员岗位补贴每人每月发放五百元")

    response = client.delete(f"/api/documents/{body['ids'][0]}", params={"wait": "true"}, headers=BEARER)
    assert response.status_code == 200 and response.json()["removed"] == body["ids"]
    assert not searchable(client, "养老护理员岗位补贴每人每月发放五百元")
    assert client.delete(f"/api/documents/{body['ids'][0]}", headers=BEARER).status_code == 404
    assert client.delete("/api/documents/..%2Fsecrets", headers=BEARER).status_code == 404


def test_the_upload_api_says_why_nothing_was_added(client: TestClient) -> None:
    files = {"file": ("empty.txt", b"", "text/plain")}
    response = client.post("/api/documents", files=files, headers=BEARER)
    assert response.status_code == 400 and "the file is empty" in response.json()["detail"]
    response = client.post("/api/documents", data={"x": "1"}, headers=BEARER)
    assert response.status_code == 400 and "multipart form field `file`" in response.json()["detail"]


@pytest.mark.parametrize("name", ["../a.txt", "a/b.txt", "..\\a.txt", "", "a\nb.txt", "a\x00.txt"])
def test_file_names_with_a_path_are_refused(name: str) -> None:
    with pytest.raises(InputError, match="without folders or '..'"):
        safe_name(name, (".txt", ".md"))


@pytest.mark.parametrize("name", ["a.exe", "a.txt.sh", "README"])
def test_file_types_that_do_not_ingest_are_refused(name: str) -> None:
    with pytest.raises(InputError, match=f"{re.escape(name)}: only .txt, .md files"):
        safe_name(name, (".txt", ".md"))


def test_plain_file_names_are_kept() -> None:
    assert safe_name("答复 2024.TXT", (".txt", ".md")) == "答复 2024.TXT"


# feedback -------------------------------------------------------------------------------


def test_the_feedback_list_filters_and_exports_evaluation_cases(client: TestClient, pipeline: Pipeline) -> None:
    document = next(iter(pipeline.documents.values()))
    quote = next(line for line in document.text.splitlines() if len(line) > 20)
    store = FeedbackStore(pipeline.settings.feedback_db)
    store.add(FeedbackRecord("第一个问题", f"{quote}[1]", 1, "很有用", (document.id,), created_at="2026-01-05T08:00:00+00:00"))
    store.add(FeedbackRecord("第二个问题", "答非所问", -1, "没说到点子上，回电13812345678", created_at="2026-02-10T08:00:00+00:00"))
    sign_in(client)
    page = client.get("/admin/feedback", params={"rating": "-1"}).text
    assert "第二个问题" in page and "第一个问题" not in page
    page = client.get("/admin/feedback", params={"q": "很有用"}).text
    assert "第一个问题" in page and "第二个问题" not in page
    page = client.get("/admin/feedback", params={"since": "2026-02-01", "until": "2026-02-10"}).text
    assert "第二个问题" in page and "第一个问题" not in page
    assert "回电[电话]" in page and "13812345678" not in page
    assert client.get("/admin/feedback", params={"since": "yesterday"}).status_code == 400

    export = client.get("/admin/feedback.jsonl")
    assert export.headers["content-disposition"].endswith('filename="feedback-cases.jsonl"')
    path = pipeline.settings.feedback_db.parent / "cases.jsonl"
    path.write_text(export.text, encoding="utf-8")
    cases = load_eval_set(path)
    assert [c.answerable for c in cases] == [True, False]
    assert cases[0].evidence[0].doc_id == document.id and cases[0].evidence[0].quote in document.text
    lines = [json.loads(line) for line in export.text.splitlines()]
    assert lines[1]["comment"] == "没说到点子上，回电[电话]" and lines[1]["draft"] is True


# unanswered questions through the app ------------------------------------------------------


def test_refused_questions_are_logged_masked_and_exportable(client: TestClient, pipeline: Pipeline) -> None:
    asked = [
        "我叫张伟，手机13812345678，护照丢了怎么补办？",
        "护照过期了怎么办理？",
        "护照丢了怎么补办？",
    ]
    for question in asked:
        answer = client.post("/api/ask", json={"question": question}).json()
        assert answer["status"] != "answered"
    client.post("/", data={"question": "二胎生育补贴能领多少？"})
    raw = sqlite3.connect(pipeline.settings.feedback_db).execute("SELECT * FROM unanswered").fetchall()
    flat = json.dumps(raw, ensure_ascii=False)
    assert "13812345678" not in flat and "张伟" not in flat and "testclient" not in flat
    assert len(raw) == 4

    sign_in(client)
    page = client.get("/admin/unanswered", params={"all": "1"}).text
    assert "[电话]" in page and "[姓名]" in page
    topic = re.search(r"<h3>(护照)</h3>", page)
    assert topic, page
    export = client.get("/admin/unanswered.jsonl", params={"key": topic.group(1), "all": "1"})
    path = pipeline.settings.feedback_db.parent / "unanswered.jsonl"
    path.write_text(export.text, encoding="utf-8")
    cases = load_eval_set(path)
    assert {c.question for c in cases} >= {"护照丢了怎么补办？", "护照过期了怎么办理？"}
    assert all(not c.answerable and c.expected in ("refused", "partial") for c in cases)


def test_a_recheck_asks_each_topic_again_without_logging_it(client: TestClient, pipeline: Pipeline) -> None:
    for question in ("护照丢了怎么补办？", "二胎生育补贴能领多少？"):
        client.post("/api/ask", json={"question": question})
    sign_in(client)
    assert "现在：" not in client.get("/admin/unanswered").text
    page = client.get("/admin/unanswered", params={"recheck": "1"}).text
    topics = re.findall(r"<h3>([^<]+)</h3>", page)
    labels = re.findall(r'class="now now-(answered|partial|refused)">现在：(已能回答|部分回答|仍不能回答)', page)
    assert len(topics) == 2 and len(labels) == 2
    with sqlite3.connect(pipeline.settings.feedback_db) as connection:
        assert connection.execute("SELECT COUNT(*) FROM unanswered").fetchone()[0] == 2
