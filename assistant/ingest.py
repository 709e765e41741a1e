"""Ingestion: source files → documents with metadata, web debris removed.

The seed pages are copies of the Shenzhen civil affairs bureau's website. A page of replies
holds many letters, each headed like ``1.第20210571号提案的答复函``; each letter becomes one
document. A page without such headings (the plan, the summary, a user's own file) is one
document. Body lines are kept verbatim except for their indentation. Saved web pages, PDF and
Word files are first read into text by ``formats``; a PDF's documents keep where each page starts.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .documents import Document
from .errors import IngestError
from .formats import (
    HEADING_START,
    MAX_FILE_BYTES,
    PAGE_BREAK,
    SUPPORTED_SUFFIXES,
    read_file,
    read_text,
)
from .ocr import Ocr

__all__ = ["MAX_FILE_BYTES", "SUPPORTED_SUFFIXES", "IngestResult", "SkippedFile", "ingest_paths",
           "parse_page", "read_source"]

read_source = read_text  # plain text files, as before the other formats came
Line = tuple[str, int]  # a line of text and the source page it stands on

LETTER_HEADING = re.compile(r"^(\d+)[.．、]\s*第\s*(\d{6,})\s*号(提案|建议)[^\n]{0,12}函$")
SIGNED = re.compile(r"^(20\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
PUBLISHED = re.compile(r"发布时间[:：]\s*(20\d{2}-\d{1,2}-\d{1,2})")
ADDRESSEE = re.compile(r"^(?:尊敬的)?(.{2,90}?)[:：]$")
BOOK_TITLE = re.compile(r"《((?:[^《》]|《[^《》]*》)+)》")
QUOTED_TITLE = re.compile(r"“(关于[^”]{4,80})”")
DEPARTMENT_CLAUSE = re.compile(
    r"(?:会同|汇总|综合|结合)(.{2,160}?)(?:对提案|对建议|进行认真|认真研究|共同办理|经认真|的会办意见|"
    r"等部门|等汇办单位|等会办单位|会办意见|的回复意见|回复意见|意见)"
)
DEPARTMENT_NAME = re.compile(r"^(?:市|团市委|深圳|各区|民建|九三|致公)?.{1,20}(?:局|委|办|部|院|厅|会|联|团市委|委员会|集团)$")

# Lines that belong to the website, not to the document.
DEBRIS_PATTERNS = [
    re.compile(p)
    for p in (
        r"^发布时间[:：]",
        r"^打印$",
        r"字体大小",
        r"^信息来源[:：]",
        r"^分享到[:：]?$",
        r"^【本文地址】$",
        r"^(公司简介|联系我们|今日新闻|推荐新闻|专题文章|相关附件)$",
        r"(?i)copyright",
        r"版权所有|版权说明",
        r"公网安备|ICP备|ICP证",
        r"您所在的位置",
        r"来源[:：]\s*网络整理",
        r"^殡葬资讯$",
        r"^殡葬相关政策、法规、资讯、新闻信息$",
        r"^20\d{2}-\d{2}-\d{2}(\s+\d{1,2}:\d{2})?$",
    )
]


@dataclass(frozen=True)
class SkippedFile:
    """A file that could not be ingested, with the reason shown to the user."""

    path: str
    reason: str


@dataclass(frozen=True)
class IngestResult:
    documents: tuple[Document, ...]
    skipped: tuple[SkippedFile, ...] = field(default_factory=tuple)
    files: tuple[Path, ...] = field(default_factory=tuple)  # the files the documents came from


def clean_lines(text: str) -> list[str]:
    """Split into stripped lines, dropping web debris, repeated page headers and blank lines."""
    return [line for line, _ in _clean(_raw_lines(text))]


def _raw_lines(text: str) -> list[Line]:
    """Stripped non-blank lines with the page (1, 2, ...) each stands on."""
    found = []
    for page, page_text in enumerate(text.split(PAGE_BREAK), start=1):
        for line in page_text.replace("\r\n", "\n").split("\n"):
            line = line.strip(" \t\u3000\u00a0\r")
            if line:
                found.append((line, page))
    return found


def _clean(lines: list[Line], page_title: str = "") -> list[Line]:
    page_title = page_title or _page_title([line for line, _ in lines])
    kept = []
    for line, page in lines:
        if page_title and line == page_title:
            continue
        if any(p.search(line) for p in DEBRIS_PATTERNS):
            continue
        kept.append((line, page))
    return kept


def _page_title(lines: list[str]) -> str:
    """The page's own title line: the first line, when it is short and not body text."""
    if not lines:
        return ""
    candidates = [line for line in lines[:6] if not any(p.search(line) for p in DEBRIS_PATTERNS[1:])]
    if not candidates:
        return ""
    first = candidates[0]
    if (len(first) <= 60 and not first.endswith(("。", "：", ":")) and not LETTER_HEADING.match(first)
            and not HEADING_START.match(first)):  # 一、申请条件 opens the body of a page without a title
        return first.split("您所在的位置")[0].strip()
    return ""


def publication_date(text: str) -> str:
    """The page's publication date as ISO yyyy-mm-dd, or "" when it states none."""
    match = PUBLISHED.search(text)
    if not match:
        for line in text.splitlines()[:8]:
            bare = re.fullmatch(r"\s*(20\d{2}-\d{1,2}-\d{1,2})\s*", line)
            if bare:
                match = bare
                break
    if not match:
        return ""
    year, month, day = (int(x) for x in re.split(r"-", match.group(1)))
    return f"{year:04d}-{month:02d}-{day:02d}"


def signature_date(lines: list[Line]) -> str:
    """The date a letter or notice is signed on (its last lines, 2023年11月15日), ISO, or ""."""
    for line, _ in reversed(lines[-4:]):
        match = SIGNED.match(line)
        if match:
            return f"{int(match[1]):04d}-{int(match[2]):02d}-{int(match[3]):02d}"
    return ""


def page_kind(page_title: str, has_letters: bool, letter_kind: str = "") -> str:
    if "人大建议" in page_title or letter_kind == "建议":
        return "建议答复"
    if "提案答复" in page_title or letter_kind == "提案":
        return "提案答复"
    if "规划" in page_title:
        return "规划"
    if "总结" in page_title:
        return "工作总结"
    return "提案答复" if has_letters else "其他"


def letter_title(body: str) -> str:
    """The 《…》 name of the proposal a letter answers (or its “关于…” name when quoted)."""
    head = body[:600]
    found = [m for m in (BOOK_TITLE.search(head), QUOTED_TITLE.search(head)) if m]
    return min(found, key=lambda m: m.start()).group(1) if found else ""


def co_departments(body: str) -> tuple[str, ...]:
    """Departments named as co-handling the reply in its opening paragraphs, where stated."""
    head = "\n".join(body.split("\n")[:3])
    match = DEPARTMENT_CLAUSE.search(head)
    if not match:
        return ()
    names = []
    for part in re.split(r"[、,，]", match.group(1)):
        name = re.sub(r"^(?:本提案由我局|我局|经)?", "", part.strip())
        name = re.sub(r"(?:的|等|对提案|对建议|进行)$", "", name)
        if name and DEPARTMENT_NAME.match(name) and "各会办" not in name and name not in names:
            names.append(name)
    return tuple(names)


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    value = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return value[:40] or "doc"


def parse_page(
    text: str, source: str, *, title: str = "", date: str = "", published: str = "", paged: bool = False
) -> list[Document]:
    """Turn one page's text into documents: one per reply letter, or one for the whole page.

    ``title``, ``published`` (a web page's own publication date) and ``date`` (when the file was
    made) come from the file itself and are used when the text states none. A document's date is
    the publication date, else the date it is signed on, else the file's. ``paged`` keeps where
    each PAGE_BREAK-separated page starts.
    """
    published = publication_date(text) or published
    raw_lines = _raw_lines(text)
    page_title = _page_title([line for line, _ in raw_lines]) or title
    lines = _clean(raw_lines, page_title)
    if not lines:
        raise IngestError(f"{source}: nothing is left once web debris is removed")
    starts = [i for i, (line, _) in enumerate(lines) if LETTER_HEADING.match(line)]
    if starts:
        return _letters(lines, starts, page_title, published, date, source, paged)
    return [_whole_page(lines, page_title, published or signature_date(lines) or date, source, paged)]


def _joined(block: list[Line], paged: bool) -> tuple[str, tuple[tuple[int, int], ...]]:
    """The block's text and, for a paged source, (offset, page) where each of its pages starts."""
    pages: list[tuple[int, int]] = []
    offset = 0
    for line, page in block:
        if paged and (not pages or pages[-1][1] != page):
            pages.append((offset, page))
        offset += len(line) + 1
    return "\n".join(line for line, _ in block), tuple(pages)


def _letters(
    lines: list[Line], starts: list[int], page_title: str, published: str, file_date: str, source: str, paged: bool
) -> list[Document]:
    documents = []
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        block = lines[start:end]
        date = published or signature_date(block) or file_date
        heading = LETTER_HEADING.match(block[0][0])
        assert heading is not None
        number, letter_kind = heading.group(2), heading.group(3)
        kind = page_kind(page_title, True, letter_kind)
        addressee = ""
        if len(block) > 1:
            second = block[1][0]
            match = ADDRESSEE.match(second)
            if match and "。" not in second:
                addressee = match.group(1)
        body, pages = _joined(block, paged)
        year = int(number[:4]) if number[:4].isdigit() else (int(date[:4]) if date else None)
        prefix = "cppcc" if kind == "提案答复" else "npc"
        documents.append(
            Document(
                id=f"{prefix}-{year}-{number}",
                kind=kind,
                title=letter_title(body) or block[0][0],
                text=body,
                date=date,
                year=year,
                number=number,
                addressee=addressee,
                departments=co_departments(body),
                source=source,
                pages=pages,
            )
        )
    return documents


def _whole_page(lines: list[Line], page_title: str, date: str, source: str, paged: bool) -> Document:
    title = page_title or Path(source).stem
    kind = page_kind(title, False)
    year = int(date[:4]) if date else None
    stem = {"规划": "plan", "工作总结": "summary"}.get(kind, "doc")
    digest = hashlib.sha1(title.encode("utf-8")).hexdigest()[:8]
    doc_id = f"{stem}-{year}-{digest}" if year else f"{stem}-{slug(Path(source).stem)}-{digest}"
    text, pages = _joined(lines, paged)
    return Document(
        id=doc_id,
        kind=kind,
        title=title,
        text=text,
        date=date,
        year=year,
        source=source,
        pages=pages,
    )


def ingest_paths(paths: list[Path], max_bytes: int = MAX_FILE_BYTES, *, ocr: Ocr | None = None) -> IngestResult:
    """Ingest files and folders (.txt .md .html .htm .pdf .docx); bad files are skipped with a reason.

    ``ocr`` reads scanned PDF pages (``ocr.tesseract()``); without it such a PDF is skipped with a
    reason naming its pages.
    """
    documents: list[Document] = []
    skipped: list[SkippedFile] = []
    files: list[Path] = []
    for path in _expand(paths, skipped):
        try:
            found = read_file(path, max_bytes=max_bytes, ocr=ocr)
            documents.extend(parse_page(found.text, path.name, title=found.title, date=found.date,
                                        published=found.published, paged=found.paged))
            files.append(path)
        except IngestError as exc:
            skipped.append(SkippedFile(str(path), str(exc)))
    seen: dict[str, Document] = {}
    for document in documents:
        seen[document.id] = document  # a later copy of the same letter replaces the earlier one
    return IngestResult(tuple(seen.values()), tuple(skipped), tuple(files))


def _expand(paths: list[Path], skipped: list[SkippedFile]) -> list[Path]:
    files = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
                                and not p.name.startswith(".")))
        elif path.suffix.lower() in SUPPORTED_SUFFIXES:
            files.append(path)
        elif not path.exists():
            skipped.append(SkippedFile(str(path), f"{path}: no such file or folder"))
        else:
            skipped.append(SkippedFile(str(path), f"{path}: {path.suffix or 'no suffix'} files do not ingest; "
                                                  f"give one of {', '.join(SUPPORTED_SUFFIXES)}"))
    return files
