"""Word segmentation for BM25: jieba in search mode with the civil-affairs dictionary."""

from __future__ import annotations

import functools
import logging
import re
import threading
import unicodedata

import jieba

from .vocabulary import Vocabulary

# Function words and punctuation carry no retrieval signal; numbers and single content
# characters (补, 钱, 岁) are kept because callers' questions hinge on them.
STOPWORDS = frozenset(
    "的 了 和 与 及 或 等 是 在 对 为 以 将 把 被 从 由 于 之 其 中 上 下 这 那 有 也 都 就 "
    "而 并 又 还 及其 以及 我 你 他 她 它 我们 你们 他们 吗 呢 吧 啊 呀 哦 嘛 么 啥 什么 怎么 "
    "怎样 如何 多少 哪些 哪里 哪个 能 会 可以 可 要 想 请问 一下 一个 个 请 问 吗 没有 有没有 "
    # Callers' fillers: they say nothing about which passage answers.
    "现在 那个 这个 那些 这些 搞 去 来 没 不是 是不是 不要 要不要 自己 那边 这边 一直 大概 到底 "
    "听说 我爸 我妈 我家 家里 一个月 几个 哪几 哪几个 时候 啥时候 什么时候 能领 领 给 说 里 算 拿 "
    "弄 咋 咋样 怎么样 为啥 为什么 真的 的话 一点 还是 或者 然后 但是 就是 还有 能不能 不能 "
    "可不可以 是否 如果 要是 咱 咱们 人家 大家 本来 后来 之前 以后 已经 总共 一共 多大 多久 几 哪 "
    "谁 些 吗 啦 呗 哈 嗯 喔 诶 老是 得 着 过 让 "
    # Talk about where the caller heard of it: 规划里经常提到…, 听讲….
    "经常 提到 提过 据说 好像 听讲 听人说".split()
)
TOKEN_CHARS = re.compile(r"[\w\u4e00-\u9fff]")
# jieba cuts a text block by block (runs of Han characters and letters, and what lies between)
# and each block alone, so a text's tokens are its blocks' tokens in order. Documents repeat
# blocks (clauses, names, amounts), so a build tokenises each distinct block once.
BLOCKS = jieba.re_han_default
BLOCK_CACHE = 1 << 17
BENEFIT_END = re.compile(r"(?:补贴|津贴|补助|资助|奖励|优惠|优待)$")
CALLER_WORD_FREQ = 2000  # jieba count for the callers' words of the synonyms list (as for userdict.txt)


def fold(text: str) -> str:
    """Text as tokens are written (NFKC, lower case), so a token is found in it: 3a in 评定为3A级."""
    return unicodedata.normalize("NFKC", text).lower()


QUOTE_MARKS = re.compile(r"[“”‘’「」『』\"']")


def plain(text: str) -> str:
    """Folded text without quote marks, for finding a question's words in a sentence: 回炉培训 is in
    面向行业从业人员开展“回炉”培训."""
    return QUOTE_MARKS.sub("", fold(text))


class Tokenizer:
    """jieba segmentation with the project's vocabulary; jieba loads on first use."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary
        self._jieba: jieba.Tokenizer | None = None
        self._lock = threading.Lock()
        self._block_tokens = functools.lru_cache(maxsize=BLOCK_CACHE)(self._cut_block)

    def _segmenter(self) -> jieba.Tokenizer:
        with self._lock:
            if self._jieba is None:
                jieba.setLogLevel(logging.WARNING)
                segmenter = jieba.Tokenizer()
                segmenter.initialize()
                for term, freq in self.vocabulary.terms:
                    segmenter.add_word(term, freq)
                # Callers' words stay whole: 老人卡多大 is 老人卡|多大, not 老人|卡多大. One ending in a
                # benefit word stays two (给户籍老人补贴几块钱: 补贴 is what is given, not a benefit's name).
                for word, _ in self.vocabulary.synonyms:
                    if len(word) >= 3 and not BENEFIT_END.search(word):
                        segmenter.add_word(word, CALLER_WORD_FREQ)
                self._jieba = segmenter
            return self._jieba

    def _cut_block(self, block: str) -> tuple[str, ...]:
        tokens = []
        for token in self._segmenter().lcut_for_search(block):
            token = token.strip()
            if token and token not in STOPWORDS and TOKEN_CHARS.search(token):
                tokens.append(token)
        return tuple(tokens)

    def reading(self, word: str) -> tuple[str, ...]:
        """How the segmenter reads a word when not as a whole: the likeliest split by its dictionary
        (邻居家 → 邻居 家, 坐地铁 → 坐 地铁), where search mode also yields parts across it (居家, 坐地)."""
        segmenter = self._segmenter()
        with self._lock:  # jieba's frequency table is shared; read it under the same lock as its loading
            dag = segmenter.get_DAG(word)
            dag[0] = [end for end in dag[0] if end != len(word) - 1] or [0]
            route: dict[int, tuple[float, int]] = {}
            segmenter.calc(word, dag, route)
        pieces, start = [], 0
        while start < len(word):
            end = route[start][1] + 1
            pieces.append(word[start:end])
            start = end
        return tuple(pieces)

    def tokenize(self, text: str) -> list[str]:
        """Lower-cased search-mode tokens with stopwords and punctuation removed."""
        normalized = fold(text)
        tokens: list[str] = []
        for block in BLOCKS.split(normalized):
            if block:
                tokens.extend(self._block_tokens(block))
        return tokens
