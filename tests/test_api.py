"""The web service over the real seed corpus: JSON shapes, limits, errors, feedback, escaping."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from assistant.answer import Answer, Citation, Conflict, Fact
from assistant.app import create_app
from assistant.errors import InputError
from assistant.feedback import FeedbackRecord, FeedbackStore
from assistant.middleware import MAX_BODY_BYTES
from assistant.pipeline import Pipeline
from assistant.ratelimit import RateLimiter
from assistant.rendering import answer_segments, copy_text, group_facts, highlight, split_markers
from assistant.settings import Settings

pytestmark = pytest.mark.slow

SENIOR_QUESTION = "我爸85了有没有高龄补贴？"
RETROFIT_QUESTION = "家里老人做适老化改造能补多少？"
OFF_TOPIC_QUESTION = "火星移民有什么政策？"


@pytest.fixture(scope="module")
def app(settings_seed: Settings, pipeline_seed: Pipeline) -> FastAPI:
    return create_app(settings_seed, pipeline=pipeline_seed)


@pytest.fixture(scope="module")
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


def _tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    """Every start tag of a page, as the browser's parser would see it."""
    found: list[tuple[str, dict[str, str | None]]] = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.append((tag, dict(attrs)))

    Collector().feed(html)
    return found


# ---------------------------------------------------------------- /api/ask


def test_ask_returns_an_answer_whose_markers_point_at_quoted_document_text(
    client: TestClient, pipeline_seed: Pipeline
) -> None:
    response = client.post("/api/ask", json={"question": RETROFIT_QUESTION})

    assert response.status_code == 200
    answer = response.json()
    assert set(answer) >= {
        "question",
        "answer",
        "refused",
        "citations",
        "facts",
        "conflicts",
        "related",
        "confidence",
    }
    assert answer["refused"] is False
    assert answer["citations"], answer
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", answer["answer"])}
    assert markers <= {c["n"] for c in answer["citations"]}
    assert markers, answer["answer"]
    for citation in answer["citations"]:
        document = pipeline_seed.documents[citation["doc_id"]]
        assert document.text[citation["start"] : citation["end"]] == citation["text"]
        assert citation["title"] == document.title and citation["date"] == document.date
    assert any("万元" in fact["value"] for fact in answer["facts"]), answer["facts"]


def test_ask_takes_the_conversation_and_says_how_a_follow_up_was_understood(client: TestClient) -> None:
    answer = client.post(
        "/api/ask", json={"question": "那要带什么材料？", "history": ["我爸85了每个月能领多少高龄津贴"]}
    ).json()
    assert answer["understood_as"] == "高龄津贴" and answer["status"] in ("answered", "partial", "refused")
    assert answer["refused"] == (answer["status"] != "answered")
    alone = client.post("/api/ask", json={"question": "那要带什么材料？"}).json()
    assert alone["status"] == "refused" and alone["act"] == "topic"


def test_ask_rejects_a_history_longer_than_six_questions(client: TestClient) -> None:
    response = client.post("/api/ask", json={"question": "那呢？", "history": ["低保怎么申请？"] * 7})
    assert response.status_code == 422 and "history" in response.json()["detail"]


def test_ask_refuses_a_question_the_documents_do_not_cover(client: TestClient) -> None:
    answer = client.post("/api/ask", json={"question": OFF_TOPIC_QUESTION}).json()

    assert answer["refused"] is True
    assert answer["citations"] == []
    assert answer["related"], "a refusal should still point at the nearest documents"


def test_ask_filters_by_year_and_kind(client: TestClient, pipeline_seed: Pipeline) -> None:
    answer = client.post(
        "/api/ask", json={"question": "高龄津贴", "year": 2021, "kind": "建议答复", "k": 5}
    ).json()

    for citation in answer["citations"]:
        document = pipeline_seed.documents[citation["doc_id"]]
        assert (document.year, document.kind) == (2021, "建议答复")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"question": ""}, "empty"),
        ({"question": "   \n "}, "empty"),
        ({"question": "低保" * 600}, "1200 characters long"),
        ({"question": "低保\x00怎么申请"}, "control character"),
        ({"question": "低保", "kind": "通知"}, "kind='通知' is unknown"),
    ],
)
def test_bad_questions_get_400_with_a_reason(
    client: TestClient, body: dict[str, object], message: str
) -> None:
    response = client.post("/api/ask", json=body)

    assert response.status_code == 400
    assert message in response.json()["detail"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"question": 5}, "question"),
        ({"question": ["低保"]}, "question"),
        ({"question": "低保", "k": "5"}, "k"),
        ({"question": "低保", "k": 0}, "k"),
        ({"question": "低保", "year": "2021"}, "year"),
        ({"question": "低保", "colour": "red"}, "colour"),
        ({}, "question"),
    ],
)
def test_bad_types_get_422_with_one_readable_line(
    client: TestClient, body: dict[str, object], field: str
) -> None:
    response = client.post("/api/ask", json=body)

    assert response.status_code == 422
    detail = response.json()["detail"]
    assert isinstance(detail, str) and "\n" not in detail
    assert detail.startswith(f"{field}: ")


def test_a_body_that_is_not_json_gets_422(client: TestClient) -> None:
    response = client.post(
        "/api/ask", content=b'{"question": ', headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 422
    assert response.json() == {"detail": "the request body is not valid JSON"}


def test_an_oversize_body_gets_413(client: TestClient) -> None:
    body = json.dumps({"question": "低" * MAX_BODY_BYTES}).encode()

    response = client.post("/api/ask", content=body, headers={"Content-Type": "application/json"})

    assert response.status_code == 413
    assert response.json() == {"detail": "the request body is larger than 16 KB"}


def test_an_oversize_body_without_content_length_gets_413(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"question": "'
        for _ in range(40):
            yield b"a" * 1024
        yield b'"}'

    response = client.post(
        "/api/ask", content=chunks(), headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 413


def test_the_rate_limit_answers_429_with_retry_after(
    settings_seed: Settings, pipeline_seed: Pipeline
) -> None:
    app = create_app(replace(settings_seed, rate_limit_per_minute=2), pipeline=pipeline_seed)
    with TestClient(app) as client:
        statuses = [
            client.post("/api/ask", json={"question": "低保怎么申请？"}).status_code
            for _ in range(2)
        ]
        limited = client.post("/api/ask", json={"question": "低保怎么申请？"})
        search = client.get("/api/search", params={"q": "低保"})

    assert statuses == [200, 200]
    assert limited.status_code == 429
    assert "at most 2 a minute" in limited.json()["detail"]
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert search.status_code == 200, "only asking is limited"


def test_the_rate_limit_is_shared_by_every_worker_through_one_file(tmp_path: Path) -> None:
    path = tmp_path / "limits.sqlite3"
    worker_a, worker_b = RateLimiter(3, path), RateLimiter(3, path)  # as two processes would hold

    assert [worker_a.hit("a"), worker_b.hit("a"), worker_a.hit("a")] == [0.0, 0.0, 0.0]
    wait = worker_b.hit("a")
    assert 1.0 <= wait <= 120.0, "the fourth question in a minute waits, whichever worker gets it"
    assert worker_b.hit("b") == 0.0, "clients are limited separately"
    assert RateLimiter(0, path).hit("a") == 0.0, "0 switches the limit off"


def test_503_until_the_pipeline_is_loaded(settings_seed: Settings) -> None:
    client = TestClient(create_app(settings_seed))  # no `with`: the lifespan never loads it

    ask = client.post("/api/ask", json={"question": "低保怎么申请？"})
    health = client.get("/healthz")

    assert ask.status_code == 503 and ask.json()["detail"] == "the assistant is still loading"
    assert ask.headers["Retry-After"] == "5"
    assert health.status_code == 503 and health.json()["loaded"] is False
    assert health.json()["status"] == "loading"


def test_a_pipeline_that_cannot_load_leaves_a_503_that_says_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(documents=tmp_path / "missing", index=tmp_path / "index")

    with TestClient(create_app(settings)) as client:
        assert client.app.state.service.keeper.wait(60)  # type: ignore[attr-defined]
        health = client.get("/healthz")
        ask = client.post("/api/ask", json={"question": "低保怎么申请？"})

    assert health.status_code == 503 and "does not exist" in health.json()["detail"]
    assert health.json()["status"] == "failed"
    assert ask.status_code == 503 and ask.json()["detail"].startswith(
        "the assistant is not available"
    )
    assert "cannot load the assistant" in capsys.readouterr().err


def test_an_unexpected_error_is_500_without_a_traceback(
    app: FastAPI, pipeline_seed: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> Answer:
        raise RuntimeError("secret stack detail")

    monkeypatch.setattr(pipeline_seed, "answer", broken)  # what Service.ask calls
    client = TestClient(app, raise_server_exceptions=False)

    response = client.post("/api/ask", json={"question": "低保怎么申请？"})

    assert response.status_code == 500
    assert response.json() == {"detail": "internal error"}


# ---------------------------------------------------------------- /api/search and documents


def test_search_returns_hits_and_the_words_to_highlight(client: TestClient) -> None:
    data = client.get("/api/search", params={"q": "高龄津贴怎么领", "k": 4}).json()

    assert data["question"] == "高龄津贴怎么领"
    assert 1 <= len(data["hits"]) <= 4
    assert set(data["hits"][0]) == {
        "doc_id",
        "title",
        "kind",
        "number",
        "date",
        "heading",
        "text",
        "score",
        "start",
        "end",
    }
    assert "高龄津贴" in data["terms"]
    assert any("高龄" in hit["text"] for hit in data["hits"])


@pytest.mark.parametrize(
    ("params", "check"), [({"year": 2024}, "year"), ({"kind": "规划"}, "kind")]
)
def test_search_filters(
    client: TestClient, pipeline_seed: Pipeline, params: dict[str, str | int], check: str
) -> None:
    hits = client.get("/api/search", params={"q": "养老服务", "k": 10, **params}).json()["hits"]

    assert hits
    for hit in hits:
        assert getattr(pipeline_seed.documents[hit["doc_id"]], check) == params[check]


@pytest.mark.parametrize("params", [{"q": ""}, {"q": "养老", "kind": "通知"}])
def test_search_rejects_bad_input_with_400(client: TestClient, params: dict[str, str]) -> None:
    assert client.get("/api/search", params=params).status_code == 400


def test_search_rejects_bad_types_with_422(client: TestClient) -> None:
    response = client.get("/api/search", params={"q": "养老", "k": "many"})

    assert response.status_code == 422
    assert response.json()["detail"].startswith("k: ")


def test_document_list_has_metadata_but_no_text(
    client: TestClient, pipeline_seed: Pipeline
) -> None:
    documents = client.get("/api/documents").json()["documents"]

    assert {d["id"] for d in documents} == set(pipeline_seed.documents)
    assert all("text" not in d and d["title"] and d["kind"] for d in documents)
    dates = [d["date"] for d in documents]
    assert dates == sorted(dates, reverse=True), "newest first"


def test_document_detail_has_the_full_text(client: TestClient, pipeline_seed: Pipeline) -> None:
    doc_id = "npc-2021-20210248"

    data = client.get(f"/api/documents/{doc_id}").json()

    assert data["text"] == pipeline_seed.documents[doc_id].text
    assert data["title"] == "关于优化智慧养老服务系统的建议"


@pytest.mark.parametrize(
    "doc_id",
    [
        "no-such-doc",
        "NPC-2021-20210248",
        "..%2F..%2Fpyproject.toml",
        "..%2Fsettings",
        "%2e%2e",
        "%2e%2e%2fREADME",
        "a%00b",
    ],
)
def test_unknown_or_traversal_ids_are_404(client: TestClient, doc_id: str) -> None:
    api = client.get(f"/api/documents/{doc_id}")
    page = client.get(f"/documents/{doc_id}")

    assert api.status_code == 404, api.text
    assert page.status_code == 404, page.text
    assert "detail" in api.json()
    assert "[project]" not in api.text + page.text


# ---------------------------------------------------------------- feedback


def test_feedback_is_stored_in_a_sqlite_file(
    tmp_path: Path, settings_seed: Settings, pipeline_seed: Pipeline
) -> None:
    db = tmp_path / "nested" / "feedback.sqlite3"
    app = create_app(replace(settings_seed, feedback_db=db), pipeline=pipeline_seed)
    with TestClient(app) as client:
        answer = client.post("/api/ask", json={"question": RETROFIT_QUESTION}).json()
        response = client.post(
            "/api/feedback",
            json={
                "question": RETROFIT_QUESTION,
                "answer": answer["answer"],
                "rating": -1,
                "comment": "金额说法不一致，应以新文件为准",
                "citations": answer["citations"],  # the citation objects, as /api/ask returned them
            },
        )

    assert response.status_code == 201
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        row = connection.execute(
            "SELECT id, question, rating, comment, citations, client_hash FROM feedback"
        ).fetchone()
    assert row[0] == response.json()["id"]
    assert row[1:4] == (RETROFIT_QUESTION, -1, "金额说法不一致，应以新文件为准")
    assert json.loads(row[4]) == list(dict.fromkeys(c["doc_id"] for c in answer["citations"]))
    assert re.fullmatch(r"[0-9a-f]{16}", row[5]), "the client address is stored hashed"


def test_feedback_export_lines_are_evaluation_case_drafts(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "feedback.sqlite3")
    store.add(
        FeedbackRecord("低保怎么申请？", "向街道办申请[1]", 1, citations=("plan-2022-9917dad5",))
    )
    store.add(FeedbackRecord("高龄津贴多少钱？", "", -1, comment="没有金额"))
    out = tmp_path / "export.jsonl"

    with out.open("w", encoding="utf-8") as handle:
        count = store.export(handle)

    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert count == 2 and len(lines) == 2
    assert lines[0]["question"] == "低保怎么申请？" and lines[0]["cited_doc_ids"] == [
        "plan-2022-9917dad5"
    ]
    assert lines[1] | {"created_at": ""} == {
        "question": "高龄津贴多少钱？",
        "answer": "",
        "rating": -1,
        "comment": "没有金额",
        "cited_doc_ids": [],
        "created_at": "",
    }
    assert lines[1]["created_at"].endswith("+00:00")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"rating": 0}, "rating=0 is not allowed"),
        ({"rating": True}, "rating=True is not allowed"),
        ({"comment": "长" * 2001}, "comment is 2001 characters long"),
        ({"question": " "}, "needs the question"),
        ({"citations": ("../etc/passwd",)}, "is not a document id"),
    ],
)
def test_feedback_records_are_validated(kwargs: dict[str, object], message: str) -> None:
    values: dict[str, object] = {"question": "低保怎么申请？", "answer": "", "rating": 1, **kwargs}
    with pytest.raises(InputError, match=re.escape(message)):
        FeedbackRecord(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"question": "低保", "rating": 0}, 422),
        ({"question": "低保", "rating": "1"}, 422),
        ({"question": "低保", "rating": True}, 422),
        ({"question": "低保", "rating": 1, "comment": "长" * 2001}, 422),
        ({"question": "", "rating": 1}, 422),
        ({"question": "低保", "rating": 1, "citations": ["../../etc/passwd"]}, 400),
    ],
)
def test_bad_feedback_is_refused(client: TestClient, body: dict[str, object], status: int) -> None:
    response = client.post("/api/feedback", json=body)

    assert response.status_code == status
    assert isinstance(response.json()["detail"], str)


def test_feedback_form_without_javascript(
    tmp_path: Path, settings_seed: Settings, pipeline_seed: Pipeline
) -> None:
    db = tmp_path / "feedback.sqlite3"
    with TestClient(
        create_app(replace(settings_seed, feedback_db=db), pipeline=pipeline_seed)
    ) as client:
        response = client.post(
            "/feedback",
            data={
                "question": "低保怎么申请？",
                "answer": "…",
                "rating": "1",
                "citations": ["plan-2022-9917dad5"],
            },
        )

    assert response.status_code == 200
    assert "谢谢您的反馈" in response.text
    assert [(r.rating, r.citations) for r in FeedbackStore(db).records()] == [
        (1, ("plan-2022-9917dad5",))
    ]


# ---------------------------------------------------------------- pages


def test_a_script_in_the_question_is_shown_as_text(client: TestClient) -> None:
    attack = '<script>alert("x")</script><img src=x onerror=alert(1)>低保怎么申请？'

    chat = client.post("/", data={"question": attack})
    staff = client.get("/staff", params={"q": attack})

    for page in (chat, staff):
        assert page.status_code == 200
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page.text
        tags = _tags(page.text)
        assert all(attrs.get("src") for tag, attrs in tags if tag == "script"), (
            "only our script files"
        )
        assert not [tag for tag, attrs in tags if tag == "img" or "onerror" in attrs]
        assert page.headers["Content-Security-Policy"].startswith(
            "default-src 'self'; script-src 'self'"
        )


def test_chat_form_renders_the_answer_and_keeps_the_conversation(client: TestClient) -> None:
    page = client.post("/", data={"question": RETROFIT_QUESTION, "history": ["低保怎么申请？"]})

    assert page.status_code == 200
    assert page.text.count('class="turn"') == 2
    assert page.text.index("低保怎么申请？") < page.text.index(RETROFIT_QUESTION)
    history = [
        attrs["value"]
        for tag, attrs in _tags(page.text)
        if tag == "input" and attrs.get("name") == "history"
    ]
    assert history == ["低保怎么申请？", RETROFIT_QUESTION]
    links = [
        attrs["href"] or ""
        for tag, attrs in _tags(page.text)
        if tag == "a" and attrs.get("class") == "cite"
    ]
    assert links and all(
        re.fullmatch(r"/documents/[a-z0-9-]+\?start=\d+&end=\d+#passage", href) for href in links
    )


def test_chat_history_is_bounded(client: TestClient) -> None:
    history = [f"第{i}个问题：低保怎么申请？" for i in range(12)]

    page = client.post("/", data={"question": SENIOR_QUESTION, "history": history})

    assert page.text.count('class="turn"') == 6


def test_chat_refusal_shows_related_documents_and_the_hotline(client: TestClient) -> None:
    page = client.post("/", data={"question": OFF_TOPIC_QUESTION}).text

    assert "12345" in page and "深圳市民政局咨询电话" in page
    assert 'class="related"' in page


def test_an_empty_chat_question_is_explained(client: TestClient) -> None:
    page = client.post("/", data={"question": "  "})

    assert page.status_code == 400
    assert "请先输入您的问题" in page.text


def test_staff_page_shows_highlighted_passages_and_copy_text(client: TestClient) -> None:
    page = client.get("/staff", params={"q": "高龄津贴怎么领", "year": "2021", "kind": ""})

    assert page.status_code == 200
    assert page.text.count('class="passage"') == 8
    assert "<mark>高龄津贴</mark>" in page.text
    assert '<option value="2021" selected>' in page.text
    copy = page.text.split('id="copy-text"', 1)[1]
    assert "出处：" in copy and re.search(r"\[1\] 《[^》]+》（[^）]*\d{4}-\d{2}-\d{2}）", copy)


def test_document_page_marks_the_cited_passage(client: TestClient, pipeline_seed: Pipeline) -> None:
    document = pipeline_seed.documents["npc-2021-20210248"]

    page = client.get(f"/documents/{document.id}", params={"start": 1421, "end": 1553})

    assert page.status_code == 200
    marked = re.search(r'<mark id="passage"[^>]*>(.*?)</mark>', page.text, re.S)
    assert marked and marked.group(1) == document.text[1421:1553]
    assert document.addressee in page.text


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"start": 10}, 400),
        ({"start": 50, "end": 10}, 400),
        ({"start": 0, "end": 10**6}, 400),
        ({"start": "x"}, 422),
    ],
)
def test_document_page_checks_the_passage_offsets(
    client: TestClient, params: dict[str, str | int], status: int
) -> None:
    page = client.get(
        "/documents/npc-2021-20210248", params=params, headers={"Accept": "text/html"}
    )

    assert page.status_code == status
    assert page.headers["content-type"].startswith("text/html")
    assert "请求无法处理" in page.text


def test_healthz_reports_the_index(client: TestClient, pipeline_seed: Pipeline) -> None:
    health = client.get("/healthz").json()

    assert health["status"] == "ok" and health["loaded"] is True
    assert health["documents"] == len(pipeline_seed.documents) == 35
    assert health["chunks"] == pipeline_seed.index.manifest.chunks > health["documents"]
    assert health["model"] == pipeline_seed.index.manifest.model
    assert health["built_at"] == pipeline_seed.index.manifest.built_at
    assert health["load_seconds"] >= 0


def test_openapi_docs_are_served(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert {
        "/api/ask",
        "/api/search",
        "/api/documents",
        "/api/documents/{doc_id}",
        "/api/feedback",
    } <= set(paths)


# ---------------------------------------------------------------- rendering helpers


def _citation(n: int) -> Citation:
    return Citation(
        n, "doc-a", "关于养老的答复", "提案答复", "2024001", "2025-01-13", "", "句子。", 0, 3
    )


def test_split_markers_links_only_markers_with_a_citation() -> None:
    parts = split_markers("每户最高2万元[1]，见第[3]条。[2]", (_citation(1), _citation(2)))

    pairs = [(s.text, s.citation.n if s.citation else None) for s in parts]
    assert pairs == [("每户最高2万元", None), ("[1]", 1), ("，见第[3]条。", None), ("[2]", 2)]


def test_the_conflict_note_moves_from_the_answer_text_to_its_card() -> None:
    note = "注意：两份文件金额不一致[1][2]。以最新文件为准。"
    answer = Answer(
        "q",
        f"每户最高2万元。[2]\n{note}",
        refused=False,
        citations=(_citation(1), _citation(2)),
        conflicts=(Conflict("金额", (), note),),
    )

    assert "".join(s.text for s in answer_segments(answer)) == "每户最高2万元。[2]"


def test_facts_are_grouped_by_label() -> None:
    answer = Answer(
        "q",
        "…[1][2]",
        refused=False,
        citations=(_citation(1), _citation(2)),
        facts=(
            Fact("对象", "失能", 1),
            Fact("金额", "1万元", 1),
            Fact("对象", "高龄", 2),
            Fact("对象", "失能", 1),
        ),
    )

    groups = [
        (g.label, [(value, c.n if c else 0) for value, c in g.values]) for g in group_facts(answer)
    ]

    assert groups == [("对象", [("失能", 1), ("高龄", 2)]), ("金额", [("1万元", 1)])]


def test_highlight_prefers_the_longest_term_and_keeps_every_character() -> None:
    text = "高龄老人津贴由高龄津贴系统发放<津贴>"

    parts = highlight(text, ["津贴", "高龄津贴"])

    assert "".join(s.text for s in parts) == text
    assert [s.text for s in parts if s.marked] == ["津贴", "高龄津贴", "津贴"]


def test_copy_text_ends_with_the_source_list() -> None:
    answer = Answer("q", "每户最高2万元。[1]", refused=False, citations=(_citation(1),))

    assert (
        copy_text(answer)
        == "每户最高2万元。[1]\n\n出处：\n[1] 《关于养老的答复》（提案答复，2025-01-13）"
    )
