"""Real PDF, DOCX and HTML files ingested, indexed with the real model and found by search."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant import cli
from assistant.app import create_app
from assistant.collection import add_files, list_documents
from assistant.documents import Document, write_documents
from assistant.index import load_index, read_manifest
from assistant.ocr import tesseract
from assistant.pipeline import Pipeline
from assistant.settings import Settings
from tests.sample_files import PDF_FACTS, Samples

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(tesseract() is None, reason="Tesseract with chi_sim is not installed (make browser-deps)"),
]


@pytest.fixture(scope="module")
def formats_pipeline(samples: Samples, tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    folder = tmp_path_factory.mktemp("formats-corpus")
    settings = Settings(documents=folder / "documents", index=folder / "index",
                        feedback_db=folder / "feedback.sqlite3")
    change = add_files([samples.pdf, samples.docx, samples.html], settings.documents)
    assert change.skipped == () and len(change.added) == 4
    # a document ingested before originals were kept has none to offer for download
    write_documents([Document(id="doc-old", kind="其他", title="旧文件", text="旧文件的正文。", source="old.txt")],
                    settings.documents)
    return Pipeline.load(settings)


@pytest.fixture(scope="module")
def client(formats_pipeline: Pipeline) -> Iterator[TestClient]:
    with TestClient(create_app(formats_pipeline.settings, pipeline=formats_pipeline)) as test_client:
        yield test_client


def _pdf(pipeline: Pipeline) -> Document:
    return next(d for d in pipeline.documents.values() if d.source == "guide.pdf")


@pytest.mark.parametrize(
    ("question", "source", "page"),
    [
        ("高龄津贴申请后街道办事处多少个工作日内办结？", "guide.pdf", 3),  # the scanned page, read by OCR
        ("80多岁的老人高龄津贴每月多少钱？", "guide.pdf", 1),
        ("委托别人代办高龄津贴还要提交什么证明？", "guide.pdf", 2),
        ("家里着火了生活困难能申请什么救助？", "guide.docx", None),
        ("孤独症儿童康复训练补贴多少？", "reply.html", None),
    ],
)
def test_each_format_is_found_by_search_with_its_page(formats_pipeline: Pipeline, question, source, page):
    top = formats_pipeline.search(question, k=3).hits[0]
    document = formats_pipeline.documents[top.doc_id]
    assert document.source == source, (question, top.text)
    assert document.page_of(top.start) == page


def test_the_document_page_names_the_page_and_offers_the_original(client: TestClient, formats_pipeline: Pipeline):
    pdf = _pdf(formats_pipeline)
    start = pdf.text.index(PDF_FACTS[3])
    page = client.get(f"/documents/{pdf.id}", params={"start": start, "end": start + len(PDF_FACTS[3])})
    assert page.status_code == 200
    assert "第3页" in page.text and f'href="/documents/{pdf.id}/source"' in page.text
    download = client.get(f"/documents/{pdf.id}/source")
    assert download.status_code == 200 and download.headers["content-type"] == "application/pdf"
    assert download.headers["content-disposition"].startswith("attachment")
    assert download.content == (formats_pipeline.settings.documents / "sources" / "guide.pdf").read_bytes()


def test_a_document_without_a_kept_original_has_no_download(client: TestClient):
    assert "/documents/doc-old/source" not in client.get("/documents/doc-old").text
    missing = client.get("/documents/doc-old/source")
    assert missing.status_code == 404 and "no stored original" in missing.json()["detail"]
    assert client.get("/documents/..%2F..%2Fetc/source").status_code == 404


def test_the_listing_holds_every_format(formats_pipeline: Pipeline):
    sources = {d.source for d in list_documents(formats_pipeline.settings.documents)}
    assert sources == {"guide.pdf", "guide.docx", "reply.html", "old.txt"}


def test_the_command_line_cites_the_page(formats_pipeline: Pipeline, capsys: pytest.CaptureFixture[str]):
    settings = formats_pipeline.settings
    code = cli.main(["search", "高龄津贴申请后街道办事处多少个工作日内办结？", "--k", "1",
                     "--documents", str(settings.documents), "--index", str(settings.index)])
    first_line = capsys.readouterr().out.split("\n")[0]
    assert code == 0 and first_line.startswith("[1] 《深圳市高龄老人津贴申领指南》其他") and " 第3页 " in first_line


def test_the_index_follows_ingest_and_remove_on_the_command_line(
    formats_pipeline: Pipeline, samples: Samples, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    docs, index = tmp_path / "documents", tmp_path / "index"
    shutil.copytree(formats_pipeline.settings.documents, docs)
    shutil.copytree(formats_pipeline.settings.index, index)
    letter = tmp_path / "new.html"
    letter.write_text(samples.html.read_text(encoding="utf-8").replace("20230999", "20230555"), encoding="utf-8")
    common = ["--documents", str(docs), "--index", str(index)]
    assert cli.main(["ingest", str(letter), *common]) == 0
    assert "1 added" in capsys.readouterr().out
    manifest = read_manifest(index)
    assert manifest.documents == 6 and 0 < manifest.texts_embedded < 10, "only the new letter is embedded"
    load_index(index, documents=list_documents(docs))  # raises when the index does not match the documents
    assert cli.main(["documents", "remove", "cppcc-2023-20230555", *common]) == 0
    assert read_manifest(index).texts_embedded == 0 and read_manifest(index).documents == 5
    load_index(index, documents=list_documents(docs))
