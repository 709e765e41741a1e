"""Homophone typo correction: callers type with pinyin input methods, so their typos sound right.

低宝 → 低保, 以年卡 → 颐年卡, 陪训 → 培训: a run of characters that never occurs in the corpus
and is not a common word, but reads (toneless pinyin) like a term the corpus does use, is
replaced by that term. The terms come from the index (``terms.json``), so the correction
follows the documents, not a hand-made list.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import jieba
from pypinyin import Style, lazy_pinyin, pinyin

CJK = re.compile(r"[\u4e00-\u9fff]")
HAN_PAIR = re.compile(r"[\u4e00-\u9fff]{2}")
MIN_TERM_DF = 2
COMMON_WORD_FREQ = 200  # jieba dictionary frequency above which a word is taken as meant
# A dictionary word less common than that (水费, 接手, 长住, 没人理) is meant too, unless the term it
# sounds like makes a phrase of the documents with the caller's neighbouring characters
# (慈善事业促进条理 → 促进条例).
EVERYDAY_WORD_FREQ = 40
MAX_LENGTH = 5
# Two everyday characters the segmenter left apart (按|老) sound like many things: only a term the
# documents use often is taken as what the caller meant (not the rare 安老 in 按老标准).
MIN_PAIR_DF = 10
COMMON_CHAR_FREQ = 10_000
MAX_HEARD_LOOKUPS = 50  # occurrences of a character pair looked at for a text that sounds the same
MIN_ABBREVIATED = 2  # times the long form must occur for a short form to be meant
# A measure word or aspect particle after a verb (改个名字, 办了): the verb and its particle, never a typo.
ATTACHED_CHARS = frozenset("个了着过")
# A verb said twice around 一 or 了 (歇一歇, 看了看): a light "for a while", never a typo (一歇 is not 一些).
REDUPLICATED = re.compile(r"([\u4e00-\u9fff])[一了]\1")
# 给人打, 被人骗: after a passive marker, a person and the verb done to one (not 人大).
PASSIVE_MARKERS = frozenset("被给让叫俾畀")
AGENTS = frozenset("人他她我你")
# 一是, 二是: the documents' way of numbering points, not a term anyone means (伊是 is "he is").
ENUMERATION = re.compile(r"[一二三四五六七八九十]+是")
QUOTED_TERM = re.compile(r"“([\u4e00-\u9fff]{3,6})”")
ASKING_IN_NAME = re.compile(r"谁|怎么|什么|哪")  # “服务谁”, “怎么服务”: a phrase callers say as it is
FUNCTION_CHARS = frozenset("我你他她它是有几的了在和就都也还又被把给从到对为要会能可不没吗呢吧啊哪啥么这那个做搞去来让请想咯啰喽嘞噢哦呀嘛")


def syllables(text: str) -> list[str]:
    """Toneless pinyin, one syllable per character (each read on its own, as an IME does)."""
    return [lazy_pinyin(char)[0] if CJK.match(char) else char for char in text]


def pinyin_key(text: str) -> str:
    return " ".join(syllables(text))


# A Latin word among Chinese, long enough to be a two-syllable term written in pinyin (dongluan), not
# an initialism (sz, yyds) or a unit (km).
LATIN_WORD = re.compile(r"(?<![A-Za-z])[a-z]{5,}(?![A-Za-z])")
MAX_SYLLABLE = 6  # zhuang
MAX_SPLITS = 16  # ways to cut one word tried
MAX_READINGS = 2  # readings of one character tried (藏: cang, zang)
MAX_KEYS = 8  # sound keys tried for one piece
READINGS_CACHE = 8192  # characters whose readings are kept
_phrase_readings: dict[str, frozenset[str]] | None = None
_phrase_lock = threading.Lock()


def _readings_in_words() -> dict[str, frozenset[str]]:
    """Each character's readings in the words of pypinyin's phrase dictionary (藏 in 西藏 and 收藏),
    built once: an input method offers a character for the sounds it has in words, not for a rare
    reading of a dictionary entry (姐 read ju)."""
    global _phrase_readings
    with _phrase_lock:
        if _phrase_readings is None:
            from pypinyin.phrases_dict import phrases_dict

            found: dict[str, set[str]] = {}
            for phrase, sounds in phrases_dict.items():
                for char, sound in zip(phrase, sounds, strict=False):
                    found.setdefault(char, set()).add(_toneless(sound[0]))
            _phrase_readings = {char: frozenset(sounds) for char, sounds in found.items()}
        return _phrase_readings


def _toneless(sound: str) -> str:
    """yī → yi, lǜ → lv: a toned syllable written as lazy_pinyin writes it."""
    return "".join(c for c in unicodedata.normalize("NFD", sound.replace("ü", "v")) if not unicodedata.combining(c))


@functools.lru_cache(maxsize=READINGS_CACHE)
def readings(char: str) -> tuple[str, ...]:
    """A character's toneless readings, its usual one first: 海藏 is heard as hai zang (海葬) too."""
    if not CJK.match(char):
        return (char,)
    usual = lazy_pinyin(char)[0]
    if len(pinyin(char, style=Style.NORMAL, heteronym=True)[0]) < 2:
        return (usual,)
    heard = sorted(_readings_in_words().get(char, frozenset()) - {usual})
    return (usual, *heard[: MAX_READINGS - 1])


def sound_keys(sounds: list[tuple[str, ...]]) -> list[str]:
    """The sound keys of a run of characters, each read any of its ways; the usual reading first."""
    keys = [""]
    for options in sounds:
        keys = [f"{key} {option}" if key else option for key in keys for option in options][:MAX_KEYS]
    return keys


@dataclass(frozen=True)
class Correction:
    wrong: str
    right: str


class SpellingCorrector:
    """Replaces homophone typos with corpus terms that sound the same."""

    def __init__(self, terms: Mapping[str, int], corpus_text: str) -> None:
        self._corpus_text = corpus_text
        by_sound: dict[str, list[tuple[int, str]]] = {}
        for term, df in terms.items():
            if df < MIN_TERM_DF or not 2 <= len(term) <= MAX_LENGTH or not all(CJK.match(c) for c in term):
                continue
            if ENUMERATION.fullmatch(term):
                continue
            by_sound.setdefault(pinyin_key(term), []).append((df, term))
        # Terms that sound alike (驿站, 一站), the most used first.
        self._by_sound = {
            key: tuple(term for _, term in sorted(found, key=lambda f: (-f[0], f[1]))) for key, found in by_sound.items()
        }
        self._df = {term: df for term, df in terms.items() if df >= MIN_TERM_DF and 2 <= len(term) <= MAX_LENGTH}
        self._lock = threading.Lock()
        self._common: dict[str, int] | None = None
        self._alone: dict[str, bool] = {}
        # the syllables the terms are read with, to cut a word written in pinyin by
        self._syllables = frozenset(s for key in self._by_sound for s in key.split())

    def _common_words(self) -> dict[str, int]:
        with self._lock:
            if self._common is None:
                jieba.setLogLevel(logging.WARNING)
                jieba.dt.check_initialized()
                self._common = jieba.dt.FREQ
                _readings_in_words()  # the other dictionary the correction reads, loaded beside jieba's
            return self._common

    def everyday_frequency(self, word: str) -> int:
        """How common a word is in general Chinese (jieba's dictionary count; 0 when absent)."""
        return int(self._common_words().get(word, 0))

    def occurs(self, text: str) -> bool:
        """Whether the text occurs in the documents."""
        return text in self._corpus_text

    def heard(self, text: str) -> bool:
        """Whether the text occurs in the documents, or a text that sounds the same does with all but
        one of its characters (银铃安康 for the documents' 银龄安康)."""
        if text in self._corpus_text:
            return True
        key = pinyin_key(text)
        for i in range(len(text) - 1):
            pair = text[i : i + 2]
            at = self._corpus_text.find(pair)
            for _ in range(MAX_HEARD_LOOKUPS):
                if at < 0:
                    break
                window = self._corpus_text[at - i : at - i + len(text)] if at >= i else ""
                if len(window) == len(text) and sum(a != b for a, b in zip(window, text, strict=True)) <= 1 \
                        and pinyin_key(window) == key:
                    return True
                at = self._corpus_text.find(pair, at + 1)
        return False

    def _is_meant(self, text: str) -> bool:
        """Text that occurs in the documents, a common word or a short form of the documents' words is not a typo."""
        return (
            text in self._corpus_text
            or self._common_words().get(text, 0) > COMMON_WORD_FREQ
            or self._abbreviates(text)
        )

    def _abbreviates(self, text: str) -> bool:
        """Whether two characters are the short form of two words of the documents (公募 of 公开募捐)."""
        if len(text) != 2:
            return False
        common = self._common_words()
        first, second = text[0], text[1]
        seen = 0
        for match in re.finditer(f"{first}([\u4e00-\u9fff]){second}([\u4e00-\u9fff])", self._corpus_text):
            if common.get(first + match.group(1), 0) > COMMON_WORD_FREQ and common.get(second + match.group(2), 0) > COMMON_WORD_FREQ:
                seen += 1
                if seen >= MIN_ABBREVIATED:
                    return True
        return False

    def _chance(self, parts: list[str], term: str) -> bool:
        """Whether a run of the segmenter's tokens only happens to sound like a term.

        A word with a function character beside it (一站|是 → 一站式) is the word and the next
        one; two everyday characters (按|老 → 安老) are a typo only for a term the documents use often.
        """
        if any(len(p) >= 2 and self._is_meant(p) for p in parts) and any(p in FUNCTION_CHARS for p in parts):
            return True
        joined = "".join(parts)
        if len(joined) == 2 and joined[1] in ATTACHED_CHARS and len(parts) == 2:
            return True  # 改|个名字 is a verb and its measure word, not 改革
        if len(joined) == 2 and FUNCTION_CHARS.intersection(joined):
            other = joined[1] if joined[0] in FUNCTION_CHARS else joined[0]
            if other in FUNCTION_CHARS or self.everyday_frequency(other) > COMMON_CHAR_FREQ:
                return True  # 我是 is not 我市, 一不 not 一步; 就助 is 救助
        return (
            len(parts) == 2
            and all(len(p) == 1 and self.everyday_frequency(p) > COMMON_CHAR_FREQ for p in parts)
            and self._df.get(term, 0) < MIN_PAIR_DF
        )

    def _cuts_a_term(self, text: str, i: int, length: int) -> bool:
        """Whether a piece's first or last character begins or ends a term of the documents (做|适老化)."""
        last, first = i + length - 1, i
        for k in range(2, MAX_LENGTH + 1):
            if text[last : last + k] in self._df or (first - k + 1 >= 0 and text[first - k + 1 : first + 1] in self._df):
                return True
        return False

    def _prefixed_word(self, piece: str, term: str) -> bool:
        """Whether the term is the caller's own word with another first character that the documents
        also use on its own (这种事|政府 → 市政府, 保教费|政府 → 非政府): the word is there, and the
        character likelier ends the words before it than misspells a prefix (一年卡 → 颐年卡 stays a
        typo: the documents write 年卡 only inside 颐年卡)."""
        rest = piece[1:]
        return (
            len(rest) >= 2 and term[1:] == rest and self._is_meant(rest)
            and self._corpus_text.count(rest) > self._corpus_text.count(term)
        )

    def _in_context(self, text: str, i: int, length: int, options: tuple[str, ...]) -> str:
        """Of the terms that sound alike, the one the documents use beside the caller's neighbouring
        characters (居家养老服务义站 → 服务驿站, not 一站); else the most used."""
        return next((term for term in options if self._beside(text, i, length, term)), options[0])

    def _beside(self, text: str, i: int, length: int, term: str) -> bool:
        """Whether the term, in the piece's place, makes a phrase of the documents with the two
        characters before or after it."""
        before, after = text[max(0, i - 2) : i], text[i + length : i + length + 2]
        return bool(HAN_PAIR.fullmatch(before) and before + term in self._corpus_text) or bool(
            HAN_PAIR.fullmatch(after) and term + after in self._corpus_text
        )

    def _stands_alone(self, term: str) -> bool:
        """Whether the documents use a term as a word of its own somewhere, not only inside a longer
        word (华人 only in 中华人民共和国 is no word a caller means)."""
        with self._lock:
            known = self._alone.get(term)
        if known is not None:
            return known
        at = self._corpus_text.find(term)
        alone = at < 0  # a listed word (another bureau's matter, a caller's word), not the documents'
        for _ in range(MAX_HEARD_LOOKUPS):
            if at < 0:
                break
            start = max(0, at - MAX_LENGTH)
            window = self._corpus_text[start : at + len(term) + MAX_LENGTH]
            offset, end, position = at - start, at - start + len(term), 0
            alone = True
            for token in jieba.dt.cut(window, HMM=False):
                # a token overlapping the term must lie inside it (中华人民共和国 does not)
                if position < end and offset < position + len(token) and (position < offset or position + len(token) > end):
                    alone = False
                    break
                position += len(token)
            if alone:
                break
            at = self._corpus_text.find(term, at + 1)
        with self._lock:
            self._alone[term] = alone
        return alone

    @staticmethod
    def _in_reduplication(text: str, i: int, length: int) -> bool:
        """Whether a piece overlaps a verb said twice (歇一歇): its characters are the verb's."""
        return any(m.start() < i + length and i < m.end() for m in REDUPLICATED.finditer(text))

    def pairs(self, text: str) -> tuple[str, tuple[tuple[str, str], ...]]:
        """Like ``correct``, with the corrections as (wrong, right) pairs."""
        corrected, corrections = self.correct(text)
        return corrected, tuple((c.wrong, c.right) for c in corrections)

    def correct(self, text: str) -> tuple[str, tuple[Correction, ...]]:
        """The text with homophone typos replaced, and the corrections made."""
        if not CJK.search(text):
            return text, ()
        text, spelled = self._from_pinyin(text)
        corrected, corrections = self._homophones(text)
        return corrected, spelled + corrections

    def _from_pinyin(self, text: str) -> tuple[str, tuple[Correction, ...]]:
        """A term written in toneless pinyin among Chinese (在sz能不能去医院dongluan啊 → 冻卵): a Latin word
        that splits into the syllables of exactly one corpus term of two or more characters."""
        made: list[Correction] = []

        def term_of(match: re.Match[str]) -> str:
            word = match.group(0)
            keys = {" ".join(split) for split in self._syllable_splits(word.lower()) if len(split) >= 2}
            terms = [t for k in keys for t in self._by_sound.get(k, ())[:1] if self._stands_alone(t)]
            if len(set(terms)) != 1:
                return word
            made.append(Correction(word, terms[0]))
            return terms[0]

        return LATIN_WORD.sub(term_of, text), tuple(made)

    def _syllable_splits(self, word: str) -> list[list[str]]:
        """Every way to cut a Latin word into syllables the corpus terms are read with."""
        splits: list[list[str]] = []

        def cut(rest: str, done: list[str]) -> None:
            if not rest:
                splits.append(done)
                return
            for end in range(1, min(len(rest), MAX_SYLLABLE) + 1):
                if rest[:end] in self._syllables and len(splits) < MAX_SPLITS:
                    cut(rest[end:], [*done, rest[:end]])

        cut(word, [])
        return splits

    def _homophones(self, text: str) -> tuple[str, tuple[Correction, ...]]:
        """The text with homophone typos (Chinese characters that sound like a term) replaced."""
        self._common_words()
        sounds = [readings(char) for char in text]
        # A typo is a whole word the segmenter could not place; a run that starts or ends
        # inside a word (政府|能 → 府能) is a chance sound-alike, not a typo.
        tokens = {}  # start → token
        position = 0
        for token in jieba.dt.cut(text, HMM=False):
            tokens[position] = token
            position += len(token)
        boundaries = {*tokens, position}
        found: list[tuple[int, int, str]] = []
        meant: dict[str, str] = {}
        for i in range(len(text)):
            for length in range(2, MAX_LENGTH + 1):
                piece = text[i : i + length]
                if len(piece) < length or i not in boundaries or i + length not in boundaries:
                    continue
                if not all(CJK.match(c) for c in piece):
                    continue
                key = next((k for k in sound_keys(sounds[i : i + length]) if k in self._by_sound), "")
                options = self._by_sound.get(key)
                if options is None or piece in options or self._is_meant(piece):
                    continue
                # 一站 only inside 一站式 is no word a caller means; 驿站, which sounds the same, is
                options = tuple(t for t in options if self._stands_alone(t))
                if not options:
                    continue
                # The same sound later in the message is the same term (服务易站…易站能给老人).
                term = meant.get(key) or self._in_context(text, i, length, options)
                if self.everyday_frequency(piece) > EVERYDAY_WORD_FREQ and not self._beside(text, i, length, term):
                    continue
                parts = [tokens[j] for j in sorted(tokens) if i <= j < i + length]
                if self._chance(parts, term) or (length <= 3 and self._cuts_a_term(text, i, length)):
                    continue
                if self._prefixed_word(piece, term):
                    continue
                if self._in_reduplication(text, i, length):
                    continue
                if length == 2 and i > 0 and text[i - 1] in PASSIVE_MARKERS and piece[0] in AGENTS:
                    continue
                if sum(a != b for a, b in zip(piece, term, strict=True)) <= (1 if length <= 3 else 2):
                    found.append((i, length, term))
                    meant.setdefault(key, term)
        chosen: list[tuple[int, int, str]] = []
        for i, length, term in sorted(found, key=lambda f: (-f[1], f[0])):
            if all(i + length <= j or j + other <= i for j, other, _ in chosen):
                chosen.append((i, length, term))
        out, corrections, cursor = [], [], 0
        for i, length, term in sorted(chosen):
            out.append(text[cursor:i])
            out.append(term)
            corrections.append(Correction(text[i : i + length], term))
            cursor = i + length
        out.append(text[cursor:])
        return "".join(out), tuple(corrections)


def quoted_terms(texts: Iterable[str]) -> set[str]:
    """What the documents name in quotes (“四同步”, “时间银行”): terms callers mishear (四同部), though
    the segmenter splits them."""
    return {m for text in texts for m in QUOTED_TERM.findall(text) if not ASKING_IN_NAME.search(m)}


def chinese_terms(frequencies: Mapping[str, int]) -> dict[str, int]:
    """The multi-character Chinese words among a corpus's words, with their document frequency."""
    return {
        token: df for token, df in frequencies.items()
        if 2 <= len(token) <= MAX_LENGTH and all(CJK.match(c) for c in token)
    }
