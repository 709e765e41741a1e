"""OCR for scanned pages: Debian's Tesseract with its simplified-Chinese data, through pytesseract.

The engine is a plain callable from a page image to its text, so ingestion can run without one
(and say which pages it could not read) and tests can pass their own.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable

from PIL.Image import Image

Ocr = Callable[[Image], str]

LANGUAGES = "chi_sim"  # reads digits and Latin letters too; adding eng made pages 30% slower
INSTALL_HINT = "install Tesseract: apt-get install tesseract-ocr tesseract-ocr-chi-sim"
# Tesseract separates CJK characters with spaces; Chinese text has none beside them.
_CJK = r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]"
CJK_GAP = re.compile(rf"(?<={_CJK})[ \t]+|[ \t]+(?={_CJK})")


def tesseract(languages: str = LANGUAGES) -> Ocr | None:
    """Tesseract reading ``languages``, or None when the program or a language's data is missing."""
    if shutil.which("tesseract") is None:
        return None
    import pytesseract  # imported here: only ingestion of scanned pages needs it

    try:
        installed = set(pytesseract.get_languages(config=""))
    except (pytesseract.TesseractError, OSError):
        return None
    if not set(languages.split("+")) <= installed:
        return None
    # Tesseract's OpenMP threads spin against each other and the rest of the machine: on two busy
    # cores a page took 2-3x longer with them. Ingestion runs one single-threaded page per core.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")

    def read(image: Image) -> str:
        return tidy(pytesseract.image_to_string(image, lang=languages))

    return read


def tidy(text: str) -> str:
    """OCR output with the spaces between Chinese characters removed and blank lines dropped."""
    lines = (CJK_GAP.sub("", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)
