"""Real files through the real parsers: PDF (with a scanned page), DOCX, saved web pages, bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.chunking import ChunkingSettings, chunk_documents
from assistant.errors import IngestError
from assistant.formats import _join_wrapped, read_file
from assistant.ingest import ingest_paths
from assistant.ocr import tesseract, tidy
from tests.sample_files import DEBRIS, DOCX_TITLE, HTML_NUMBERS, PDF_FACTS, PDF_TITLE, Samples

needs_ocr = pytest.mark.skipif(tesseract() is None, reason="Tesseract with chi_sim is not installed (make browser-deps)")


@pytest.fixture(scope="module")
def pdf_document(samples: Samples):
    result = ingest_paths([samples.pdf], ocr=tesseract())
    assert result.skipped == ()
    (document,) = result.documents
    return document


@needs_ocr
def test_pdf_text_is_joined_back_without_running_headers_and_knows_its_pages(pdf_document):
    text = pdf_document.text
    assert pdf_document.title == PDF_TITLE and pdf_document.source == "guide.pdf"
    assert "深圳市民政局办事指南" not in text, "the running header is dropped"
    assert "—" not in text, "page numbers such as — 2 — are dropped"
    for page, fact in PDF_FACTS.items():
        assert fact in text, f"{fact!r} (page {page}) is one unbroken line"
        assert pdf_document.page_of(text.index(fact)) == page
    assert [number for _, number in pdf_document.pages] == [1, 2, 3]


@needs_ocr
def test_a_scanned_page_is_read_by_ocr(samples: Samples):
    source = read_file(samples.pdf, ocr=tesseract())
    assert source.ocr_pages == (3,) and source.paged
    assert "四、办理时限" in source.text.split("\f")[2]


def test_without_an_ocr_engine_the_message_names_the_file_and_the_scanned_pages(samples: Samples):
    result = ingest_paths([samples.pdf], ocr=None)
    assert result.documents == ()
    (skipped,) = result.skipped
    assert "guide.pdf" in skipped.reason and "page 3 has no text" in skipped.reason
    assert "tesseract-ocr-chi-sim" in skipped.reason


def test_docx_keeps_word_numbering_headings_tables_and_its_properties(samples: Samples):
    (document,) = ingest_paths([samples.docx]).documents
    lines = document.text.split("\n")
    assert document.title == DOCX_TITLE and document.date == "2024-03-08" and document.year == 2024
    for line in ("一、救助对象", "（一）急难型救助", "（二）支出型救助", "二、申请材料", "2.申请人居民身份证；",
                 "三、救助标准", "急难型 | 一般不超过当地月低保标准的6倍"):
        assert line in lines
    chunks = chunk_documents([document], ChunkingSettings(target=50, maximum=200))
    headings = {chunk.heading for chunk in chunks}
    assert "一、救助对象 > （二）支出型救助" in headings, headings


def test_a_saved_government_page_loses_its_debris_and_splits_into_letters(samples: Samples):
    documents = ingest_paths([samples.html]).documents
    assert [d.number for d in documents] == list(HTML_NUMBERS)
    first, second = documents
    assert first.kind == "提案答复" and first.addressee == "李明委员" and first.departments == ("市财政局",)
    assert first.title == "关于提高困境儿童基本生活保障水平的建议"
    assert first.date == "2023-11-20", "the page's PubDate is the publication date"
    assert "每人每月2310元" in first.text and "2.4万元" in second.text
    for document in documents:
        for word in DEBRIS:
            assert word not in document.text, f"{word!r} left in {document.id}"


def test_text_wrapped_onto_the_next_page_joins_the_page_it_starts_on():
    wide = "本市户籍老年人按年龄段领取高龄津贴年满八十周岁"
    pages = [["一、补贴标准", wide, wide[:-3] + "的每人每"], ["月发放二百元。", "二、申请材料", "身份证。"]]
    assert _join_wrapped(pages) == [
        ["一、补贴标准", wide + wide[:-3] + "的每人每月发放二百元。"], ["二、申请材料", "身份证。"]
    ]


def test_ocr_output_loses_the_spaces_tesseract_puts_between_chinese_characters():
    assert tidy("四 、 办 理 时 限\n\n咨询 电话 ： 12345 \n") == "四、办理时限\n咨询电话：12345"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("encrypted_pdf", "locked.pdf: the PDF is encrypted"),
        ("corrupt_docx", "corrupt.docx: corrupt Word file"),
        ("bomb_docx", "bomb.docx: refused as a zip bomb"),
        ("empty_html", "empty.html: no main text"),
        ("fake_pdf", r"notice.pdf: the name says .pdf but the content is a .docx file"),
    ],
)
def test_bad_files_are_refused_with_a_message_naming_the_file(samples: Samples, name: str, message: str):
    with pytest.raises(IngestError, match=message):
        read_file(getattr(samples, name), ocr=tesseract())


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(samples: Samples):
    with pytest.raises(IngestError, match=r"guide.docx: \d+ bytes is over the 1000-byte limit"):
        read_file(samples.docx, max_bytes=1000)


def test_a_text_file_that_holds_a_pdf_is_refused(samples: Samples, tmp_path: Path):
    renamed = tmp_path / "notes.txt"
    renamed.write_bytes(samples.pdf.read_bytes())
    with pytest.raises(IngestError, match=r"notes.txt: looks like a binary file, a .pdf file"):
        read_file(renamed)


def test_bad_files_in_a_folder_are_skipped_and_the_good_ones_ingest(samples: Samples):
    result = ingest_paths([samples.folder], ocr=tesseract())
    assert {d.source for d in result.documents} >= {"guide.docx", "reply.html"}
    skipped = " ".join(s.reason for s in result.skipped)
    for name in ("locked.pdf", "corrupt.docx", "bomb.docx", "empty.html", "notice.pdf"):
        assert name in skipped


def test_a_gbk_page_reads_as_well_as_a_utf8_one(samples: Samples, tmp_path: Path):
    page = samples.html.read_text(encoding="utf-8").replace('charset="utf-8"', 'charset="gb2312"')
    (tmp_path / "gbk.html").write_bytes(page.encode("gb18030"))
    gbk = ingest_paths([tmp_path / "gbk.html"]).documents
    utf8 = ingest_paths([samples.html]).documents
    assert [(d.id, d.title, d.date, d.text) for d in gbk] == [(d.id, d.title, d.date, d.text) for d in utf8]


GUIDE_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<title>深圳市最低生活保障办事指南-深圳市民政局网站</title><meta name="PubDate" content="2024-05-06 09:30"></head>
<body><div class="nav"><a href="/">首页</a> <a href="/bsfw">办事服务</a></div>
<div class="location">当前位置：首页 &gt; 办事服务</div>
<div class="content"><p>一、申请条件</p><p>家庭人均收入低于本市最低生活保障标准，且家庭财产符合规定的本市户籍居民，可以申请最低生活保障。</p>
<p>二、办理地点</p><p>户籍所在地街道办事处社会事务办公室，工作日上午9:00至12:00，下午14:00至18:00。</p></div>
<div class="footer">粤ICP备12345678号 版权所有 深圳市民政局</div></body></html>
"""


def test_a_page_without_letters_is_one_document_titled_by_its_title_tag(tmp_path: Path):
    (tmp_path / "dibao.html").write_text(GUIDE_PAGE, encoding="utf-8")
    (document,) = ingest_paths([tmp_path / "dibao.html"]).documents
    assert document.title == "深圳市最低生活保障办事指南" and document.date == "2024-05-06"
    assert document.text.startswith("一、申请条件\n") and "ICP" not in document.text and "当前位置" not in document.text


def test_text_that_starts_like_a_weak_file_signature_is_still_text(tmp_path: Path):
    notes = tmp_path / "bmi.md"
    notes.write_text("BMI标准说明\n老年人体检费用每人每年补助200元。\n", encoding="utf-8")
    assert "每人每年补助200元" in read_file(notes).text
