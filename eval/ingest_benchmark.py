"""Ingest benchmark: PDF pages per second (text layer and OCR), HTML and DOCX files per second,
and the time from ingesting one new reply letter to finding it by search.

Run from the repository root (needs reportlab, Tesseract with chi_sim and a CJK font):

    python eval/ingest_benchmark.py [--pages 60] [--ocr-pages 6] [--index index]

The test files are made from the seed documents' own text, laid out the way the bureau's PDFs
are (34 characters a line, running header, "— N —" page numbers); the scanned pages are the same
text drawn into images. The letter is timed against a copy of the seed index, so only its own
passages are embedded. Everything runs in a temporary folder; results go to
eval/reports/ingest.md and ingest.json.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from assistant.collection import add_files  # noqa: E402
from assistant.documents import load_documents  # noqa: E402
from assistant.formats import read_file  # noqa: E402
from assistant.index import build_index, load_index  # noqa: E402
from assistant.ocr import tesseract  # noqa: E402
from assistant.pipeline import Pipeline, build  # noqa: E402
from assistant.retriever import Retriever  # noqa: E402
from assistant.settings import Settings  # noqa: E402

LINE_CHARS, PAGE_LINES = 34, 36
LETTER = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>深圳市民政局2026年政协提案答复-深圳市民政局网站</title>
<meta name="PubDate" content="2026-06-30"></head><body><div class="nav"><a href="/">首页</a></div>
<div class="location">当前位置：首页 &gt; 建议提案办理</div><div class="content">
<p>1.第20260777号提案的答复函</p><p>尊敬的陈静委员：</p>
<p>您提出的《关于为独居老人安装智能烟感报警器的建议》（第20260777号）收悉。现答复如下：</p>
<p>我市将为80周岁以上独居老人免费安装智能烟感报警器，每户补贴上限为600元，由街道统一采购安装。</p>
<p>深圳市民政局</p><p>2026年6月28日</p></div>
<div class="footer">粤ICP备12345678号 版权所有</div></body></html>
"""
LETTER_QUESTION = "独居老人安装智能烟感报警器有补贴吗？"
# A second letter, added while the model is already loaded (as in a running service).
SECOND = (LETTER.replace("20260777", "20260778").replace("陈静", "林海")
          .replace("独居老人安装智能烟感报警器", "困难家庭安装防滑扶手").replace("600元", "800元"))
SECOND_QUESTION = "困难家庭安装防滑扶手能补贴多少？"


def cjk_font() -> str:
    found = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True).stdout.split()
    fonts = sorted(f.rstrip(":") for f in found if f.rstrip(":").endswith((".ttf", ".ttc")))
    if not fonts:
        raise SystemExit("no CJK font found; apt-get install fonts-wqy-microhei")
    return fonts[0]


def seed_lines(documents: Path) -> list[str]:
    lines: list[str] = []
    for document in load_documents(documents):
        for paragraph in document.text.split("\n"):
            lines.extend(textwrap.wrap(paragraph, LINE_CHARS) or [""])
    return lines


def make_pdf(path: Path, lines: list[str], pages: int, scanned: bool, font: str) -> None:
    from PIL import Image, ImageDraw, ImageFont
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("cjk", font, subfontIndex=0))
    pdf = canvas.Canvas(str(path), pagesize=A4)
    width, height = A4
    face = ImageFont.truetype(font, 30, index=0)
    for page in range(pages):
        chunk = lines[(page * PAGE_LINES) % len(lines) :][:PAGE_LINES]
        if scanned:
            image = Image.new("L", (1240, 1754), 255)
            draw = ImageDraw.Draw(image)
            for i, line in enumerate(chunk):
                draw.text((110, 120 + 42 * i), line, font=face, fill=0)
            buffer = io.BytesIO()
            image.save(buffer, format="PNG")
            pdf.drawImage(ImageReader(io.BytesIO(buffer.getvalue())), 0, 0, width=width, height=height)
        else:
            pdf.setFont("cjk", 9)
            pdf.drawString(72, height - 40, "深圳市民政局文件")
            pdf.drawCentredString(width / 2, 30, f"— {page + 1} —")
            pdf.setFont("cjk", 12)
            for i, line in enumerate(chunk):
                pdf.drawString(72, height - 80 - 20 * i, line)
        pdf.showPage()
    pdf.save()


def make_docx(path: Path, lines: list[str]) -> None:
    import docx

    document = docx.Document()
    document.add_heading("深圳市民政局办事指南", level=1)
    for line in lines[:400]:
        document.add_paragraph(line)
    document.save(str(path))


def timed(function, *args, **kwargs):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=60, help="text-layer PDF pages")
    parser.add_argument("--ocr-pages", type=int, default=4, help="scanned PDF pages")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each timing; the best is kept")
    parser.add_argument("--documents", type=Path, default=REPO / "documents")
    parser.add_argument("--index", type=Path, default=REPO / "index", help="the seed index (copied, not changed)")
    parser.add_argument("--out", type=Path, default=REPO / "eval" / "reports")
    args = parser.parse_args()
    ocr = tesseract()
    if ocr is None:
        raise SystemExit("Tesseract with chi_sim is missing: apt-get install tesseract-ocr tesseract-ocr-chi-sim")
    font = cjk_font()
    lines = seed_lines(args.documents)
    results: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="ingest-bench-") as tmp:
        work = Path(tmp)
        text_pdf, scan_pdf, page, guide = (work / n for n in ("text.pdf", "scan.pdf", "letter.html", "guide.docx"))
        make_pdf(text_pdf, lines, args.pages, False, font)
        make_pdf(scan_pdf, lines, args.ocr_pages, True, font)
        page.write_text(LETTER, encoding="utf-8")
        make_docx(guide, lines)

        text_seconds = min(timed(read_file, text_pdf)[1] for _ in range(args.repeat))
        scanned, scan_seconds = timed(read_file, scan_pdf, ocr=ocr)
        html_seconds = min(timed(read_file, page)[1] for _ in range(args.repeat * 5))
        docx_seconds = min(timed(read_file, guide)[1] for _ in range(args.repeat))
        sample = "".join(lines[: args.ocr_pages * PAGE_LINES])
        read_back = scanned.text.replace("\n", "").replace("\f", "")
        same = sum(1 for c in set(sample) if c in read_back) / max(1, len(set(sample)))
        results["pdf_text"] = {"pages": args.pages, "seconds": round(text_seconds, 3),
                               "pages_per_second": round(args.pages / text_seconds, 1)}
        results["pdf_ocr"] = {"pages": args.ocr_pages, "seconds": round(scan_seconds, 2),
                              "pages_per_second": round(args.ocr_pages / scan_seconds, 2),
                              "distinct_characters_recovered": round(same, 3)}
        results["html"] = {"files": 1, "seconds": round(html_seconds, 4)}
        results["docx"] = {"paragraphs": 401, "seconds": round(docx_seconds, 3)}

        # One new letter: ingest, rebuild the index (only its passages embedded), load, find it.
        settings = Settings(documents=work / "documents", index=work / "index", feedback_db=work / "f.sqlite3")
        shutil.copytree(args.documents, settings.documents)
        shutil.copytree(args.index, settings.index, ignore=shutil.ignore_patterns(".lock"))
        started = time.perf_counter()
        built: dict[str, float] = {}

        def rebuild(documents):  # type: ignore[no-untyped-def]
            index, seconds = timed(build, settings, documents=documents)
            built["seconds"] = seconds
            built["embedded"] = index.manifest.texts_embedded
            built["embed_seconds"] = index.manifest.embed_seconds

        change = add_files([page], settings.documents, before_commit=rebuild)
        ingested = time.perf_counter()
        pipeline = Pipeline.load(replace(settings))
        loaded = time.perf_counter()
        hit = pipeline.search(LETTER_QUESTION, k=1).hits[0]
        found = time.perf_counter()
        assert change.added == ("cppcc-2026-20260777",), change

        second = work / "second.html"
        second.write_text(SECOND, encoding="utf-8")
        retriever = pipeline.retriever
        warm_started = time.perf_counter()
        add_files([second], settings.documents, before_commit=lambda documents: build_index(
            documents, settings.index, retriever.embedder, retriever.tokenizer))
        index = load_index(settings.index)
        warm_hit = Retriever(index, retriever.embedder, retriever.tokenizer, retriever.vocabulary).search(
            SECOND_QUESTION, k=1).hits[0]
        warm_seconds = time.perf_counter() - warm_started
        results["letter_to_searchable"] = {
            "total_seconds": round(found - started, 2),
            "ingest_and_index_seconds": round(ingested - started, 2),
            "index_build_seconds": round(built["seconds"], 2),
            "texts_embedded": int(built["embedded"]),
            "embed_seconds_incl_model_load": built["embed_seconds"],
            "pipeline_load_seconds": round(loaded - ingested, 2),
            "first_search_seconds": round(found - loaded, 3),
            "top_hit": hit.doc_id,
            "warm_total_seconds": round(warm_seconds, 2),
            "warm_top_hit": warm_hit.doc_id,
        }
    results["machine"] = {"cpus": os.cpu_count(), "python": platform.python_version(),
                          "load_average": round(os.getloadavg()[0], 1),
                          "when": datetime.now(UTC).isoformat(timespec="seconds")}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "ingest.json").write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (args.out / "ingest.md").write_text(report(results), encoding="utf-8")
    print(report(results))
    return 0


def report(r: dict) -> str:  # type: ignore[type-arg]
    t, o, h, d, letter = r["pdf_text"], r["pdf_ocr"], r["html"], r["docx"], r["letter_to_searchable"]
    m = r["machine"]
    return f"""# Ingest throughput

Written by `python eval/ingest_benchmark.py` on {m['when']} ({m['cpus']} CPUs shared with other
sessions, load average {m['load_average']} at the end: absolute times are inflated; the best of
repeated runs except OCR). Test files are made from the seed documents' text.

| what | amount | seconds | rate |
| --- | --- | --- | --- |
| PDF with a text layer (pypdf, headers and page numbers dropped, lines joined) | {t['pages']} pages | {t['seconds']} | **{t['pages_per_second']} pages/s** |
| scanned PDF pages (Tesseract chi_sim, one single-threaded page per core) | {o['pages']} pages | {o['seconds']} | **{o['pages_per_second']} pages/s** |
| saved web page (trafilatura), one letter | 1 file | {h['seconds']} | {round(1 / h['seconds'], 1)} files/s |
| Word file (python-docx), {d['paragraphs']} paragraphs | 1 file | {d['seconds']} | {round(1 / d['seconds'], 1)} files/s |

OCR quality on the scanned pages: {o['distinct_characters_recovered']:.1%} of the distinct characters of the
drawn text are found in what Tesseract read back (a rough check, not an accuracy figure).

## One new letter, from ingest to searchable

A saved reply page with one letter was added to a copy of the seed corpus and its index
(`add_files` with the index rebuilt before the documents are committed), then the pipeline was
loaded and asked about it.

| step | seconds |
| --- | --- |
| ingest and index rebuild together | {letter['ingest_and_index_seconds']} |
| of which the index rebuild ({letter['texts_embedded']} passages and sentences embedded, the rest reused) | {letter['index_build_seconds']} |
| of which embedding, model load included | {letter['embed_seconds_incl_model_load']} |
| loading the pipeline on the new index (model, jieba, warm-up search) | {letter['pipeline_load_seconds']} |
| first search, which finds `{letter['top_hit']}` | {letter['first_search_seconds']} |
| **total, ingest to searchable** | **{letter['total_seconds']}** |

A second letter added the same way while the model is already loaded (as in a running service:
ingest, index rebuild with the loaded model, index load, search that finds
`{letter['warm_top_hit']}`): **{letter['warm_total_seconds']} s**.
"""


if __name__ == "__main__":
    raise SystemExit(main())
