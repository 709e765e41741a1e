"""The command line: one-line errors with exit code 2, JSON lines in order, no tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.pipeline import Pipeline
from assistant.settings import Settings

REPO = Path(__file__).resolve().parents[1]


def run(*args: str, env: dict[str, str] | None = None, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args], capture_output=True, text=True, cwd=REPO,
        env={**os.environ, **(env or {})}, timeout=timeout,
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["search", ""], "the question is empty"),
        (["search", "   "], "the question is empty"),
        (["ask", "问" * 1001], "1001 characters"),
        (["search", "高龄\x07津贴"], "control character"),
        (["search"], "give a question"),
        (["search", "低保", "--k", "abc"], "invalid int value"),
        (["search", "低保", "--kind", "通知"], "invalid choice"),
    ],
)
def test_bad_input_is_one_line_and_exit_code_2(args: list[str], message: str) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""


def test_a_bad_line_in_a_batch_file_names_the_line_and_writes_nothing(tmp_path: Path) -> None:
    questions = tmp_path / "q.txt"
    questions.write_text("低保怎么申请\n\n" + "长" * 1200 + "\n", encoding="utf-8")
    result = run("search", "--file", str(questions), "--json")
    assert result.returncode == 2 and "line 3" in result.stderr and result.stdout == ""


def test_a_wrong_model_index_says_how_to_rebuild(pipeline_seed: Pipeline, settings_seed: Settings) -> None:
    result = run("search", "低保", "--index", str(settings_seed.index), "--model", "sentence-transformers/other-model")
    assert result.returncode == 1
    assert "built with model" in result.stderr and "python -m assistant build" in result.stderr
    assert "Traceback" not in result.stderr


def test_batch_search_and_ask_write_one_json_line_per_question_in_order(
    pipeline_seed: Pipeline, settings_seed: Settings, tmp_path: Path
) -> None:
    questions = ["养老护理员每个月能领多少岗位补贴？", "低宝怎么申请", "深圳生二胎每个月有育儿补贴吗？"]
    path = tmp_path / "q.txt"
    path.write_text("\n".join(questions) + "\n", encoding="utf-8")
    common = ["--index", str(settings_seed.index), "--documents", str(settings_seed.documents)]
    result = run("search", "--file", str(path), "--json", "--k", "3", *common)
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["question"] for r in rows] == questions
    hit = rows[0]["hits"][0]
    assert set(hit) == {"doc_id", "title", "kind", "number", "date", "heading", "text", "score", "start", "end"}
    assert any("800元" in h["text"] for h in rows[0]["hits"])

    result = run("ask", "--file", str(path), "--json", *common)
    assert result.returncode == 0, result.stderr
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert [a["question"] for a in answers] == questions
    assert {"question", "answer", "refused", "citations", "facts", "conflicts", "related"} <= set(answers[0])
    assert answers[0]["refused"] is False and answers[2]["refused"] is True


def test_batch_ask_reads_json_lines_with_their_conversation(
    pipeline_seed: Pipeline, settings_seed: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "q.jsonl"
    path.write_text(
        "颐年卡有什么用\n"
        + json.dumps({"question": "这个怎么申请？", "history": ["颐年卡有什么用"]}, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    common = ["--index", str(settings_seed.index), "--documents", str(settings_seed.documents)]
    result = run("ask", "--file", str(path), "--json", *common)
    assert result.returncode == 0, result.stderr
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert answers[1]["question"] == "这个怎么申请？" and answers[1]["understood_as"] == "颐年卡"
    assert answers[0]["understood_as"] == ""


def test_a_malformed_json_line_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    path.write_text('低保怎么申请\n{"question": "那呢", "history": "not a list"}\n', encoding="utf-8")
    result = run("ask", "--file", str(path), "--json")
    assert result.returncode == 2 and "line 2" in result.stderr and "history" in result.stderr


def test_search_prints_title_and_date_for_a_person(pipeline_seed: Pipeline, settings_seed: Settings) -> None:
    result = run("search", "养老护理员每个月能领多少岗位补贴？", "--k", "3", "--index", str(settings_seed.index))
    assert result.returncode == 0, result.stderr
    assert "每人每月最高800元" in result.stdout and "2025-01-13" in result.stdout and "《" in result.stdout


def test_ingest_skips_a_bad_file_and_keeps_the_rest(tmp_path: Path) -> None:
    (tmp_path / "bad.txt").write_bytes(b"\xff\xfe\x00binary")
    good = Path(__file__).parent / "fixtures" / "tiny_plan.md"
    result = run("ingest", str(tmp_path / "bad.txt"), str(good), "--documents", str(tmp_path / "docs"))
    assert result.returncode == 0
    assert "bad.txt" in result.stderr and "skipped" in result.stderr
    assert len(list((tmp_path / "docs").glob("*.json"))) == 1


def test_ask_prints_the_answer_facts_and_sources_once(pipeline_seed: Pipeline, settings_seed: Settings) -> None:
    result = run("ask", "我家老人做适老化改造最多能补多少？", "--index", str(settings_seed.index))
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("不一致") == 1, "the conflict note is printed once"
    assert "要点:" in result.stdout and "出处:" in result.stdout and "[1] 《" in result.stdout
