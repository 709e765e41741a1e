"""Source formats: a file on disk → its text and the metadata the file itself carries.

Each format goes through a maintained library: trafilatura for saved web pages (it keeps the
article and drops navigation, share bars, related links and footers), pypdf for PDF (Tesseract
reads the pages that are only an image), python-docx for Word files, filetype to check that the
content is what the file name says. The text keeps one paragraph per line, as the seed pages
have it, so letter headings still split a page into letters; PDF pages are separated by
``PAGE_BREAK`` so each document can say on which page a passage stands.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import filetype

from .errors import IngestError
from .ocr import INSTALL_HINT, Ocr

MAX_FILE_BYTES = 20_000_000
MAX_UNZIPPED_BYTES = 200_000_000  # a Word file holding more than this once unzipped is a zip bomb
MAX_ZIP_RATIO = 200
PAGE_BREAK = "\f"
FORMATS = {".txt": "text", ".md": "text", ".html": "html", ".htm": "html", ".pdf": "pdf", ".docx": "docx"}
SUPPORTED_SUFFIXES = tuple(FORMATS)
# Signatures no text file starts with: a .txt or .html holding one of these is refused outright.
UNMISTAKABLE = {"pdf", "zip", "docx", "xlsx", "pptx", "doc", "xls", "ppt", "png", "jpg", "gif", "webp",
                "gz", "7z", "rar", "epub", "elf", "sqlite"}
MIN_MAIN_TEXT = 20  # characters of article text below which a web page has none
MIN_PAGE_TEXT = 5  # characters of a PDF page's text layer below which the page is a scan

# A line of a page that is only its number: "— 2 —", "- 2 -", "2", "第 2 页", "第2页 共9页".
PAGE_NUMBER_LINE = re.compile(r"^[—–\-－‒―\s]*\d{1,4}[—–\-－‒―\s]*$|^第\s*\d+\s*页(\s*[/,，]?\s*共\s*\d+\s*页)?$")
LINE_END = re.compile(r"[。！？；：!?;:”’」』）)》]$")
HEADING_START = re.compile(
    r"^(第[一二三四五六七八九十百零〇两\d]+[章节条]|[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）]|\d{1,2}[.．、](?!\d))"
)
WRAPPED_WIDTH = 0.8  # a line at least this share of the page's widest line may be a wrapped one
RUNNING_SHARE = 0.6  # a line at the top or bottom of at least this share of pages is a running header


@dataclass(frozen=True)
class SourceText:
    """What a file says: its text (PDF pages separated by PAGE_BREAK) and its own metadata."""

    text: str
    title: str = ""  # from the file: HTML <title>, DOCX core properties, PDF info
    date: str = ""  # ISO yyyy-mm-dd: when the file was made (PDF info, DOCX core properties)
    published: str = ""  # ISO yyyy-mm-dd: the publication date a web page states in its metadata
    paged: bool = False  # PAGE_BREAK separates numbered pages (PDF)
    ocr_pages: tuple[int, ...] = ()  # pages whose text was read by OCR


def read_file(path: Path, *, max_bytes: int = MAX_FILE_BYTES, ocr: Ocr | None = None) -> SourceText:
    """Read a ``.txt``/``.md``/``.html``/``.pdf``/``.docx`` file into text and metadata.

    Raises:
        IngestError: the file is missing, empty, too large, not what its name says, encrypted,
            corrupt, has no main text, or has scanned pages and ``ocr`` is None.
    """
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise IngestError(f"{path}: {path.suffix or 'no suffix'} files do not ingest; give one of "
                          f"{', '.join(SUPPORTED_SUFFIXES)}")
    raw = _read_bytes(path, max_bytes)
    _check_content(path, raw, kind)
    if kind == "pdf":
        return _read_pdf(path, raw, ocr)
    if kind == "docx":
        return _read_docx(path, raw)
    if kind == "html":
        return _read_html(path, raw)
    return SourceText(_decode_text(path, raw))


def read_text(path: Path, max_bytes: int = MAX_FILE_BYTES) -> str:
    """Read a plain text file as UTF-8, refusing empty, binary, oversized or non-UTF-8 files."""
    raw = _read_bytes(path, max_bytes)
    _check_content(path, raw, "text")
    return _decode_text(path, raw)


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    if not path.is_file():
        raise IngestError(f"{path}: not a file")
    size = path.stat().st_size
    if size == 0:
        raise IngestError(f"{path}: the file is empty")
    if size > max_bytes:
        raise IngestError(f"{path}: {size} bytes is over the {max_bytes}-byte limit; split the file")
    return path.read_bytes()


def _check_content(path: Path, raw: bytes, kind: str) -> None:
    """Refuse a file whose bytes are not the format its name says (a renamed image, a zip...)."""
    guessed = filetype.guess(raw[:8192])
    found = guessed.extension if guessed else ""
    if kind in ("text", "html") and found not in UNMISTAKABLE:
        return  # text that happens to start like a weak signature ("BMI…" reads as a BMP); decoding decides
    expected = {"pdf": {"pdf"}, "docx": {"docx"}, "text": {""}, "html": {""}}[kind]
    if found in expected:
        return
    if kind == "docx" and found == "zip":
        # filetype calls a .docx whose parts are stored in an unusual order a plain zip; python-docx decides
        return
    what = f"a .{found} file ({guessed.mime})" if guessed else "something else (no PDF or Word signature)"
    if kind == "text" and guessed:
        raise IngestError(f"{path}: looks like a binary file, {what}; give a UTF-8 .txt or .md file")
    raise IngestError(f"{path}: the name says {path.suffix} but the content is {what}; "
                      "give the real file or rename it to its true type")


def _decode_text(path: Path, raw: bytes) -> str:
    if b"\x00" in raw:
        raise IngestError(f"{path}: looks like a binary file (NUL bytes); give a UTF-8 .txt or .md file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IngestError(
            f"{path}: not UTF-8 (bad byte at offset {exc.start}); convert it, e.g. `iconv -f GBK -t UTF-8`"
        ) from exc
    if not text.strip():
        raise IngestError(f"{path}: the file holds only whitespace")
    return text


# ---- HTML -------------------------------------------------------------------------------


def _read_html(path: Path, raw: bytes) -> SourceText:
    import trafilatura  # imported here: loading it costs a second and only HTML needs it

    try:
        found = trafilatura.bare_extraction(
            raw, include_comments=False, include_tables=True, with_metadata=True, deduplicate=False
        )
    except (ValueError, TypeError) as exc:
        raise IngestError(f"{path}: not a readable HTML page ({exc})") from exc
    text = (getattr(found, "text", None) or "").strip()
    if len(re.sub(r"\s", "", text)) < MIN_MAIN_TEXT:
        raise IngestError(f"{path}: no main text found in the page (only navigation, scripts or an empty "
                          "body); save the article page itself")
    title = _page_title_of(getattr(found, "title", None) or "")
    return SourceText(text, title=title, published=_iso_date(getattr(found, "date", None) or ""))


def _page_title_of(title: str) -> str:
    """A <title> without the site name that government sites append ("…-深圳市民政局网站")."""
    parts = re.split(r"\s*[-_|｜—]+\s*", title.strip())
    if len(parts) > 1 and re.search(r"(网站|门户|政府|人民政府|民政局)$", parts[-1]):
        parts = parts[:-1]
    return "-".join(parts).strip()


def _iso_date(value: str | date | datetime | None) -> str:
    if isinstance(value, datetime | date):
        return value.strftime("%Y-%m-%d")
    match = re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})", value or "")
    return f"{int(match[1]):04d}-{int(match[2]):02d}-{int(match[3]):02d}" if match else ""


# ---- PDF --------------------------------------------------------------------------------


def _read_pdf(path: Path, raw: bytes, ocr: Ocr | None) -> SourceText:
    import pypdf
    from pypdf.errors import DependencyError, PdfReadError, PdfStreamError

    try:
        reader = pypdf.PdfReader(io.BytesIO(raw))
        if reader.is_encrypted:
            try:
                opened = bool(reader.decrypt(""))  # an owner password alone still lets anyone read it
            except (DependencyError, NotImplementedError, PdfReadError):
                opened = False
            if not opened:
                raise IngestError(f"{path}: the PDF is encrypted (password-protected); "
                                  "save a copy without a password and ingest that")
        texts: list[str] = []
        scanned: list[int] = []
        for number, page in enumerate(reader.pages, start=1):
            text = page.extract_text() or ""
            if len(text.strip()) < MIN_PAGE_TEXT and _has_images(page):
                scanned.append(number)
            texts.append(text)
        if ocr is not None:
            for number, text in _read_scans(path, reader, scanned, ocr):
                texts[number - 1] = text
        pages = [[line.strip() for line in text.splitlines() if line.strip()] for text in texts]
        info = reader.metadata
    except (PdfReadError, PdfStreamError, ValueError, KeyError, TypeError, OSError) as exc:
        raise IngestError(f"{path}: not a readable PDF ({exc}); check that the file is complete") from exc
    if scanned and ocr is None:
        raise IngestError(f"{path}: page{'s' if len(scanned) > 1 else ''} {', '.join(map(str, scanned))} "
                          f"{'have' if len(scanned) > 1 else 'has'} no text, only a scanned image, and no "
                          f"OCR engine is installed; {INSTALL_HINT}")
    pages = _drop_running_lines(pages)
    pages = _join_wrapped(pages)
    if not any(pages):
        raise IngestError(f"{path}: the PDF holds no text")
    title = str(info.title or "").strip() if info else ""
    created = info.creation_date if info else None
    return SourceText(
        PAGE_BREAK.join("\n".join(lines) for lines in pages),
        title=title,
        date=_iso_date(created),
        paged=True,
        ocr_pages=tuple(scanned),
    )


def _read_scans(path: Path, reader: object, numbers: list[int], ocr: Ocr) -> Iterator[tuple[int, str]]:
    """OCR the scanned pages, one per core at a time (each page's images are decoded only then)."""
    workers = max(1, min(os.cpu_count() or 1, len(numbers)))
    with ThreadPoolExecutor(workers) as pool:
        for at in range(0, len(numbers), workers):
            batch = numbers[at : at + workers]
            images = [[i.image for i in reader.pages[n - 1].images if i.image] for n in batch]  # type: ignore[attr-defined]
            try:
                texts = list(pool.map(lambda page: "\n".join(ocr(image) for image in page), images))
            except (RuntimeError, OSError) as exc:  # pytesseract.TesseractError is a RuntimeError
                raise IngestError(f"{path}: OCR failed on pages {batch} ({exc})") from exc
            yield from zip(batch, texts, strict=True)


def _has_images(page: object) -> bool:
    try:
        return bool(page.images)  # type: ignore[attr-defined]
    except (KeyError, ValueError, OSError):
        return False


def _drop_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """Drop page numbers and the headers and footers that repeat at the top or bottom of pages."""
    edges: dict[str, int] = {}
    for lines in pages:
        for line in {*lines[:2], *lines[-2:]}:
            key = re.sub(r"\d+", "#", line)
            edges[key] = edges.get(key, 0) + 1
    running = {key for key, count in edges.items() if len(pages) > 1 and count >= max(2, RUNNING_SHARE * len(pages))}

    def keep(position: int, line: str, count: int) -> bool:
        at_edge = position < 2 or position >= count - 2
        return not (at_edge and (PAGE_NUMBER_LINE.match(line) or re.sub(r"\d+", "#", line) in running))

    return [[line for i, line in enumerate(lines) if keep(i, line, len(lines))] for lines in pages]


def _width(line: str) -> float:
    return sum(0.5 if ord(c) < 0x2E80 else 1.0 for c in line)


def _join_wrapped(pages: list[list[str]]) -> list[list[str]]:
    """Join lines the PDF wrapped mid-sentence; text wrapped onto the next page joins its start page."""
    widest = max((_width(line) for lines in pages for line in lines), default=0.0)
    joined: list[list[str]] = []
    open_at: tuple[int, int] | None = None  # where the last line stands, while it was cut mid-sentence
    for page, lines in enumerate(pages):
        out: list[str] = []
        joined.append(out)
        for line in lines:
            if open_at is not None and not HEADING_START.match(line):
                joined[open_at[0]][open_at[1]] += line
            else:
                out.append(line)
                open_at = (page, len(out) - 1)
            if not _wrapped(line, widest):
                open_at = None
    return joined


def _wrapped(line: str, widest: float) -> bool:
    return widest > 0 and _width(line) >= WRAPPED_WIDTH * widest and not LINE_END.search(line)


# ---- DOCX -------------------------------------------------------------------------------


def _read_docx(path: Path, raw: bytes) -> SourceText:
    _check_zip(path, raw)
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from lxml.etree import XMLSyntaxError

    try:
        document = docx.Document(io.BytesIO(raw))
        numbering = _Numbering(document)
        lines: list[str] = []
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                lines.extend(_table_lines(block))
                continue
            text = block.text.strip()
            if text:
                lines.append(numbering.label(block) + text)
        core = document.core_properties
        title, created = (core.title or "").strip(), core.created
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile, XMLSyntaxError) as exc:
        raise IngestError(f"{path}: not a readable Word file ({type(exc).__name__}: {exc}); "
                          "open it in Word or WPS and save it again as .docx") from exc
    if not lines:
        raise IngestError(f"{path}: the Word file holds no text")
    return SourceText("\n".join(lines), title=title, date=_iso_date(created))


def _check_zip(path: Path, raw: bytes) -> None:
    """Refuse a corrupt or zip-bomb .docx before any part of it is decompressed."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise IngestError(f"{path}: corrupt Word file (not a valid zip: {exc}); "
                          "open it in Word or WPS and save it again as .docx") from exc
    unzipped = sum(m.file_size for m in members)
    packed = sum(m.compress_size for m in members) or 1
    if unzipped > MAX_UNZIPPED_BYTES or unzipped / packed > MAX_ZIP_RATIO:
        raise IngestError(f"{path}: refused as a zip bomb: {unzipped} bytes once unzipped from {len(raw)} "
                          f"(limit {MAX_UNZIPPED_BYTES} bytes, ratio {MAX_ZIP_RATIO})")


def _table_lines(table: object) -> list[str]:
    lines = []
    for row in table.rows:  # type: ignore[attr-defined]
        cells: list[str] = []
        for cell in row.cells:
            text = " ".join(cell.text.split())
            if text and (not cells or cells[-1] != text):  # a merged cell repeats in each column
                cells.append(text)
        if cells:
            lines.append(" | ".join(cells))
    return lines


CHINESE_DIGITS = "零一二三四五六七八九"


def _chinese_number(n: int) -> str:
    if n < 10:
        return CHINESE_DIGITS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else CHINESE_DIGITS[tens]) + "十" + (CHINESE_DIGITS[ones] if ones else "")
    return str(n)


def _roman(n: int) -> str:
    values = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
              (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))
    out = ""
    for value, letters in values:
        while n >= value:
            out, n = out + letters, n - value
    return out


NUMBER_FORMATS: dict[str, Callable[[int], str]] = {
    "decimal": str,
    "chineseCounting": _chinese_number,
    "chineseCountingThousand": _chinese_number,
    "chineseLegalSimplified": _chinese_number,
    "ideographTraditional": lambda n: "甲乙丙丁戊己庚辛壬癸"[(n - 1) % 10],
    "lowerLetter": lambda n: chr(ord("a") + (n - 1) % 26),
    "upperLetter": lambda n: chr(ord("A") + (n - 1) % 26),
    "lowerRoman": _roman,
    "upperRoman": lambda n: _roman(n).upper(),
    "decimalEnclosedCircle": lambda n: chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n),
}


class _Numbering:
    """The numbers Word shows before list and heading paragraphs ("一、", "（二）", "3.").

    python-docx reads numbering.xml but does not count; this keeps one counter per list and level
    and formats it with the level's ``lvlText`` and ``numFmt``.
    """

    def __init__(self, document: object) -> None:
        from docx.oxml.ns import qn

        self._qn = qn
        self._levels: dict[tuple[str, int], tuple[str, str, int]] = {}  # (numId, ilvl) → fmt, text, start
        self._counters: dict[str, dict[int, int]] = {}
        try:
            root = document.part.numbering_part.element  # type: ignore[attr-defined]
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract = {a.get(qn("w:abstractNumId")): a for a in root.findall(qn("w:abstractNum"))}
        for num in root.findall(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            definition = abstract.get(ref.get(qn("w:val")) if ref is not None else None)
            if definition is None:
                continue
            for level in definition.findall(qn("w:lvl")):
                fmt, text, start = (level.find(qn(tag)) for tag in ("w:numFmt", "w:lvlText", "w:start"))
                self._levels[(num.get(qn("w:numId")), int(level.get(qn("w:ilvl")) or 0))] = (
                    fmt.get(qn("w:val")) if fmt is not None else "decimal",
                    text.get(qn("w:val")) if text is not None else "",
                    int(start.get(qn("w:val"))) if start is not None else 1,
                )

    def _reference(self, paragraph: object) -> tuple[str, int] | None:
        qn = self._qn
        style = getattr(paragraph, "style", None)
        for element in (paragraph._p, getattr(style, "element", None)):  # type: ignore[attr-defined]
            ppr = element.find(qn("w:pPr")) if element is not None else None
            numpr = ppr.find(qn("w:numPr")) if ppr is not None else None
            if numpr is None:
                continue
            num_id, ilvl = numpr.find(qn("w:numId")), numpr.find(qn("w:ilvl"))
            if num_id is not None:
                return num_id.get(qn("w:val")), int(ilvl.get(qn("w:val"))) if ilvl is not None else 0
        return None

    def label(self, paragraph: object) -> str:
        """The number Word shows before this paragraph, or "" (counting it when it has one)."""
        reference = self._reference(paragraph)
        if reference is None or reference not in self._levels:
            return ""
        num_id, level = reference
        fmt, text, start = self._levels[reference]
        counters = self._counters.setdefault(num_id, {})
        counters[level] = counters.get(level, start - 1) + 1
        for deeper in [k for k in counters if k > level]:
            del counters[deeper]
        if fmt in ("bullet", "none"):
            return ""

        def number(match: re.Match[str]) -> str:
            at = int(match.group(1)) - 1
            level_fmt = self._levels.get((num_id, at), ("decimal", "", 1))[0]
            value = counters.get(at, self._levels.get((num_id, at), ("", "", 1))[2])
            return NUMBER_FORMATS.get(level_fmt, str)(value)

        return re.sub(r"%(\d)", number, text)
