"""The civil-affairs vocabulary: terms jieba keeps whole, callers' words and common typos.

The data lives in ``assistant/data/`` as plain text so maintainers can extend it without code:
``userdict.txt`` (terms), ``synonyms.txt`` (callers' words → the documents' terms, added to
a query), ``typos.txt`` (misspellings → the right term, replaced in a query), ``dialect.txt`` (Cantonese
words → Mandarin) and ``matters.txt`` (matters of other bureaus: pension and medical insurance,
the housing fund, tax…). Places come from the national division table (see places).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"


@dataclass(frozen=True)
class RewrittenQuery:
    """A query after typo correction, with the document terms its words map to."""

    original: str
    text: str  # typos corrected
    expansions: tuple[str, ...] = ()
    corrections: tuple[tuple[str, str], ...] = ()  # (wrong, right) pairs applied to the text

    @property
    def expanded(self) -> str:
        """The corrected text followed by the added document terms."""
        return " ".join((self.text, *self.expansions)) if self.expansions else self.text


def _named(words: frozenset[str], text: str) -> tuple[str, ...]:
    """The listed words the text names, longest first, leaving out those inside a longer one."""
    found = sorted((w for w in words if w in text), key=lambda w: (-len(w), w))
    return tuple(w for i, w in enumerate(found) if not any(w in longer for longer in found[:i]))


# 扫个墓, 洗了个澡, 看过病: a two-character verb and its object with a measure word or aspect mark between.
SPLIT_WORD = re.compile(r"([\u4e00-\u9fff])(?:个|了个|了|过)([\u4e00-\u9fff])")


@dataclass(frozen=True)
class Vocabulary:
    terms: tuple[tuple[str, int], ...]
    synonyms: tuple[tuple[str, tuple[str, ...]], ...]  # caller word → document terms
    typos: tuple[tuple[str, str], ...]  # wrong → right
    fingerprint: str = field(default="")
    dialect: tuple[tuple[str, str], ...] = ()  # Cantonese → Mandarin, longest first
    matters: frozenset[str] = field(default_factory=frozenset)  # matters of other bureaus

    def matters_in(self, text: str) -> tuple[str, ...]:
        """Matters of other bureaus that the text names (公积金, 医保…)."""
        return _named(self.matters, text)

    def fix_typos(self, query: str) -> tuple[str, tuple[tuple[str, str], ...]]:
        """Replace the listed misspellings; return the text and the (wrong, right) pairs applied."""
        text = query
        applied = []
        # Longest first so 适老化改照 is fixed before a shorter entry could touch it.
        for wrong, right in sorted(self.typos, key=lambda pair: -len(pair[0])):
            if wrong in text:
                text = text.replace(wrong, right)
                applied.append((wrong, right))
        return text, tuple(applied)

    def callers_words(self, text: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """The callers' words found in the text, each with the document terms it is read as."""
        return tuple((word, targets) for word, targets in self.synonyms if word in text)

    def expansions(self, text: str) -> tuple[str, ...]:
        """The document terms for callers' words found in the text."""
        found: list[str] = []
        for _, targets in self.callers_words(text):
            found.extend(t for t in targets if t not in text and t not in found)
        return tuple(found)

    def mandarin(self, text: str) -> str:
        """Cantonese words in Mandarin (几多 → 多少, 系咪 → 是不是), as the documents are written."""
        for word, standard in self.dialect:
            if word in text:
                text = text.replace(word, standard)
        return text

    def joined(self, text: str) -> str:
        """A caller's word split by a measure word or an aspect mark put back together (扫个墓 → 扫墓,
        洗了澡 → 洗澡), when the vocabulary knows the word whole."""
        known = self._two_character_words
        return SPLIT_WORD.sub(lambda m: m.group(1) + m.group(2) if m.group(1) + m.group(2) in known else m.group(0), text)

    @cached_property
    def _two_character_words(self) -> frozenset[str]:
        """The callers' words of two characters, which a measure word may split (扫墓 of 扫个墓)."""
        return frozenset(word for word, _ in self.synonyms if len(word) == 2)

    def rewrite(self, query: str, corrector: Callable[[str], tuple[str, tuple[tuple[str, str], ...]]] | None = None) -> RewrittenQuery:
        """Put Cantonese words in Mandarin, fix listed typos, then sound-alike ones (``corrector``), then add document terms."""
        text, applied = self.fix_typos(self.joined(self.mandarin(query)))
        if corrector is not None:
            text, more = corrector(text)
            applied += more
        return RewrittenQuery(original=query, text=text, expansions=self.expansions(text), corrections=applied)


def _data_lines(path: Path) -> list[str]:
    lines = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            lines.append(line)
    return lines


def load_vocabulary(data_dir: Path = DATA_DIR) -> Vocabulary:
    """Read the three vocabulary files.

    Raises:
        ValueError: a line is malformed; the message names the file and line.
    """
    terms = []
    for line in _data_lines(data_dir / "userdict.txt"):
        parts = line.split()
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 2000
        terms.append((parts[0], freq))
    synonyms: dict[str, tuple[str, ...]] = {}
    for line in _data_lines(data_dir / "synonyms.txt"):
        if "=" not in line:
            raise ValueError(f"{data_dir / 'synonyms.txt'}: line {line!r} needs 'terms = words'")
        left, right = line.split("=", 1)
        targets = tuple(left.split())
        for word in (w.strip() for w in right.split(",")):
            if word:
                synonyms[word] = tuple(dict.fromkeys(synonyms.get(word, ()) + targets))
    typos = []
    for line in _data_lines(data_dir / "typos.txt"):
        if "=" not in line:
            raise ValueError(f"{data_dir / 'typos.txt'}: line {line!r} needs 'wrong = right'")
        wrong, right = (part.strip() for part in line.split("=", 1))
        typos.append((wrong, right))
    dialect = []
    for line in _data_lines(data_dir / "dialect.txt"):
        if "=" not in line:
            raise ValueError(f"{data_dir / 'dialect.txt'}: line {line!r} needs 'caller word = Mandarin'")
        word, standard = (part.strip() for part in line.split("=", 1))
        dialect.append((word, standard))
    matters = frozenset(word for line in _data_lines(data_dir / "matters.txt") for word in line.split())
    digest = hashlib.sha256()
    for name in ("userdict.txt", "synonyms.txt", "typos.txt", "dialect.txt", "matters.txt"):
        digest.update((data_dir / name).read_bytes())
    return Vocabulary(
        terms=tuple(terms),
        # Longer caller words first, so 老人饭堂 is matched before 老人.
        synonyms=tuple(sorted(synonyms.items(), key=lambda item: -len(item[0]))),
        typos=tuple(typos),
        dialect=tuple(sorted(dialect, key=lambda pair: -len(pair[0]))),
        fingerprint=digest.hexdigest()[:16],
        matters=matters,
    )
