"""Ingestion: the seed pages become documents with metadata; bad files are skipped, not fatal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.documents import Document, load_documents, write_documents
from assistant.errors import IngestError
from assistant.ingest import ingest_paths, read_source

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO.parent / "shared" / "seeds"
FIXTURES = Path(__file__).parent / "fixtures"
DEBRIS = ("打印", "字体大小", "CopyRight", "版权所有", "公网安备", "推荐新闻", "发布时间", "您所在的位置", "网络整理")


@pytest.fixture(scope="module")
def seed_result():
    if not SEEDS.is_dir():
        pytest.skip(f"seed pages not found at {SEEDS}")
    return ingest_paths([SEEDS])


def test_seed_pages_become_one_document_per_letter_plus_plan_and_summary(seed_result):
    kinds = [d.kind for d in seed_result.documents]
    assert seed_result.skipped == ()
    assert kinds.count("提案答复") == 8 + 14
    assert kinds.count("建议答复") == 11
    assert kinds.count("规划") == 1 and kinds.count("工作总结") == 1


def test_letters_carry_number_title_addressee_date_and_departments(seed_result):
    by_id = {d.id: d for d in seed_result.documents}
    letter = by_id["cppcc-2021-20210571"]
    assert letter.number == "20210571"
    assert letter.title == "关于明确养老服务专员岗位和工作职责、培训标准和资金保障的建议"
    assert letter.addressee == "黄文静委员"
    assert letter.date == "2021-12-03" and letter.year == 2021
    assert letter.departments == ("市教育局", "市人力资源保障局")
    assert letter.source == "000_4157fda41387a050.txt"
    later = by_id["cppcc-2024-20240535"]
    assert later.date == "2025-01-13" and later.year == 2024 and later.addressee == "致公党深圳市委会"
    plan = next(d for d in seed_result.documents if d.kind == "规划")
    assert plan.title == "深圳市民政事业发展“十四五”规划" and plan.date == "2022-08-25"


def test_web_debris_is_removed_and_body_text_kept(seed_result):
    for document in seed_result.documents:
        for word in DEBRIS:
            assert word not in document.text, f"{word!r} left in {document.id}"
    summary = next(d for d in seed_result.documents if d.kind == "工作总结")
    assert "为70周岁以上户籍老年人发放每人每月200到1000元不等的高龄老人津贴" in summary.text


def test_committed_documents_match_a_fresh_ingestion(seed_result):
    committed = {d.id: d for d in load_documents(REPO / "documents")}
    fresh = {d.id: d for d in seed_result.documents}
    assert committed == fresh, "documents/ is stale: run `python -m assistant ingest ../shared/seeds`"


def test_user_files_ingest_and_a_file_without_letters_is_one_document(tmp_path):
    result = ingest_paths([FIXTURES / "tiny_page.txt", FIXTURES / "tiny_plan.md"])
    ids = sorted(d.id for d in result.documents)
    assert ids[:2] == ["cppcc-2023-20230001", "cppcc-2023-20230002"]
    plan = next(d for d in result.documents if d.kind == "规划")
    assert plan.title == "深圳市儿童福利规划" and plan.date == "2022-06-01"
    write_documents(result.documents, tmp_path)
    assert {d.id for d in load_documents(tmp_path)} == set(ids)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"   \n\n", "only whitespace"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
        ("高龄津贴".encode("gbk"), "not UTF-8"),
    ],
)
def test_bad_files_get_a_clear_message_naming_the_file(tmp_path, content, message):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    with pytest.raises(IngestError, match=message) as caught:
        read_source(bad)
    assert "bad.txt" in str(caught.value)


def test_a_bad_file_is_skipped_and_the_rest_still_ingest(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "huge.txt").write_text("高龄津贴。" * 100, encoding="utf-8")
    (tmp_path / "good.txt").write_text((FIXTURES / "tiny_plan.md").read_text(encoding="utf-8"), encoding="utf-8")
    result = ingest_paths([tmp_path], max_bytes=1000)
    assert len(result.documents) == 1
    reasons = sorted(s.reason for s in result.skipped)
    assert any("empty.txt" in r and "empty" in r for r in reasons)
    assert any("huge.txt" in r and "limit" in r for r in reasons)


def test_a_malformed_document_file_names_the_file(tmp_path):
    (tmp_path / "broken.json").write_text(json.dumps({"id": "x"}), encoding="utf-8")
    with pytest.raises(IngestError, match="broken.json"):
        load_documents(tmp_path)


def test_document_ids_cannot_hold_path_separators():
    with pytest.raises(ValueError, match="lowercase"):
        Document(id="../etc/passwd", kind="其他", title="t", text="x")
