"""The unanswered-question log: masking, a real SQLite file shared with feedback, grouping, drafts."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pytest

from assistant.drafts import unanswered_cases, write_cases
from assistant.errors import InputError
from assistant.evaluation import load_eval_set
from assistant.feedback import FeedbackRecord, FeedbackStore
from assistant.unanswered import (
    Closest,
    UnansweredQuestion,
    UnansweredStore,
    group,
    key_words,
    redact,
)


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("我手机13812345678，低保怎么办", "我手机[电话]，低保怎么办"),
        ("电话 138-1234-5678 或 +86 139 1234 5678", "电话 [电话] 或 [电话]"),
        ("座机0755-88123456能打吗", "座机[电话]能打吗"),
        ("请拨打 88123456 联系我", "请拨打 [电话] 联系我"),
        ("身份证440301199001011234的老人", "身份证[证件号]的老人"),
        ("身份证44030119900101123X", "身份证[证件号]"),
        ("银行卡6222021234567890123", "银行卡[证件号]"),
        ("邮箱 wang.li@example.com", "邮箱 [邮箱]"),
        ("住华强北路123号3栋402", "住华强北路[门牌]"),
        ("我叫张三，想问高龄津贴", "我叫[姓名]，想问高龄津贴"),
        ("姓名：欧阳娜娜", "姓名：[姓名]"),
        ("陈阿姨想问居家养老", "某阿姨想问居家养老"),
        ("王先生问残疾人补贴", "某先生问残疾人补贴"),
        ("我妈王秀英是低保户", "我妈[姓名]是低保户"),
        ("我爸李强今年85岁", "我爸[姓名]今年85岁"),
    ],
)
def test_personal_data_is_masked(text: str, masked: str) -> None:
    assert redact(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "第20210571号提案的答复说了什么",
        "我是深户，85岁了能领高龄津贴吗",
        "12345热线几点上班",
        "2024年的养老护理员补贴是多少",
        "我妈高龄了能领什么补贴",
        "福田区的社区养老服务中心在哪里",
    ],
)
def test_what_the_documents_need_stays(text: str) -> None:
    assert redact(text) == text


def entry(question: str, *, topic: tuple[str, ...] = (), unknown: tuple[str, ...] = (), **kwargs: object) -> UnansweredQuestion:
    values: dict[str, object] = {"status": "refused", "created_at": "2026-03-01T10:00:00+00:00"}
    values.update(kwargs)
    return UnansweredQuestion(question=question, topic=topic, unknown=unknown, **values)  # type: ignore[arg-type]


def test_key_words_put_words_the_documents_lack_first() -> None:
    assert key_words(("养老", "高龄津贴", "高龄"), ("二胎",)) == ("二胎", "养老", "高龄津贴")
    assert key_words((), ()) == ()


def test_groups_gather_questions_around_the_word_they_share() -> None:
    entries = [
        entry("护照丢了怎么补办？", unknown=("护照", "补办"), id=1, closest=(Closest("d1", "文一"),)),
        entry("护照过期了怎么办？", unknown=("护照", "过期"), id=2, closest=(Closest("d1", "文一"), Closest("d2", "文二"))),
        entry("护照丢了怎么补办？", unknown=("护照", "补办"), id=3, status="partial", created_at="2026-03-04T09:00:00+00:00"),
        entry("身份证怎么补办？", unknown=("身份证", "补办"), id=4),
        entry("你好", id=5),
        entry("长者饭堂每餐补贴多少？", topic=("长者饭堂",), unknown=("每餐",), id=6),
    ]
    groups = group(entries)
    assert [(g.key, g.count) for g in groups] == [("护照", 3), ("长者饭堂", 1), ("身份证", 1), ("（无主题词）", 1)]
    passports = groups[0]
    assert passports.questions[0] == ("护照丢了怎么补办？", 2)
    assert (passports.refused, passports.partial) == (2, 1)
    assert passports.first.startswith("2026-03-01") and passports.last.startswith("2026-03-04")
    assert [(c.doc_id, n) for c, n in passports.closest] == [("d1", 2), ("d2", 1)]
    assert set(passports.related) == {"补办", "过期"}


def test_the_log_is_a_table_of_the_feedback_file_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "feedback.sqlite3"
    FeedbackStore(path).add(FeedbackRecord("低保怎么申请？", "答", 1))
    store = UnansweredStore(path)
    store.add(entry("我叫张三，电话13812345678，护照怎么办？", unknown=("护照",), channel="chat", created_at=""))
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        columns = [row[1] for row in connection.execute("PRAGMA table_info(unanswered)")]
        stored_question, created_at = connection.execute("SELECT question, created_at FROM unanswered").fetchone()
    assert {"feedback", "unanswered"} <= tables
    assert not any("client" in column or "address" in column for column in columns)
    assert stored_question == "我叫[姓名]，电话[电话]，护照怎么办？"  # masked again on the way in
    assert created_at.endswith(":00:00+00:00")  # kept to the hour
    assert len(FeedbackStore(path).records()) == 1


def test_entries_filter_by_text_date_and_act(tmp_path: Path) -> None:
    store = UnansweredStore(tmp_path / "feedback.sqlite3")
    store.add(entry("护照怎么办？", unknown=("护照",), created_at="2026-01-10T08:00:00+00:00"))
    store.add(entry("二胎补贴多少？", unknown=("二胎",), created_at="2026-02-10T08:00:00+00:00"))
    store.add(entry("你们服务太差了", act="complaint", created_at="2026-02-11T08:00:00+00:00"))
    store.add(entry("那护照呢？", act="topic", unknown=("护照",), created_at="2026-02-12T08:00:00+00:00"))
    assert [e.question for e in store.entries(text="二胎")] == ["二胎补贴多少？"]
    assert [e.question for e in store.entries(since="2026-02-01")] == ["二胎补贴多少？", "那护照呢？"]
    assert [e.question for e in store.entries(until="2026-01-10")] == ["护照怎么办？"]
    assert len(store.entries(questions_only=False)) == 4
    assert [g.key for g in store.groups(key="二胎")] == ["二胎"]
    with pytest.raises(InputError, match="since='last week' is not a date"):
        store.entries(since="last week")


def test_a_topic_exports_as_evaluation_cases_that_load(tmp_path: Path) -> None:
    store = UnansweredStore(tmp_path / "feedback.sqlite3")
    store.add(entry("护照丢了怎么补办？", unknown=("护照",), channel="staff", asked="materials"))
    store.add(entry("护照丢了怎么补办？", unknown=("护照",), channel="chat"))
    store.add(entry("护照过期了能办吗？", unknown=("护照",), status="partial", asked="yesno", closest=(Closest("d1", "文一", 0.5),)))
    (topic,) = store.groups()
    stream = io.StringIO()
    assert write_cases(unanswered_cases(topic), stream) == 2
    path = tmp_path / "cases.jsonl"
    path.write_text(stream.getvalue(), encoding="utf-8")
    first, second = load_eval_set(path)
    assert (first.question, first.persona, first.type, first.expected) == ("护照丢了怎么补办？", "hotline", "materials", "refused")
    assert (second.type, second.expected, second.answerable) == ("yesno", "partial", False)
    assert '"asked_times": 2' in stream.getvalue() and '"closest_doc_ids": ["d1"]' in stream.getvalue()
