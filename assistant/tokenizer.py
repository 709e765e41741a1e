"""Word segmentation for BM25: jieba in search mode with the civil-affairs dictionary."""

from __future__ import annotations

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
    "怎样 如何 多少 哪些 哪里 哪个 能 会 可以 可 要 想 请问 一下 一个 个 请 问 吗 没有 有没有".split()
)
TOKEN_CHARS = re.compile(r"[\w\u4e00-\u9fff]")


class Tokenizer:
    """jieba segmentation with the project's vocabulary; jieba loads on first use."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary
        self._jieba: jieba.Tokenizer | None = None
        self._lock = threading.Lock()

    def _segmenter(self) -> jieba.Tokenizer:
        with self._lock:
            if self._jieba is None:
                jieba.setLogLevel(logging.WARNING)
                segmenter = jieba.Tokenizer()
                segmenter.initialize()
                for term, freq in self.vocabulary.terms:
                    segmenter.add_word(term, freq)
                self._jieba = segmenter
            return self._jieba

    def tokenize(self, text: str) -> list[str]:
        """Lower-cased search-mode tokens with stopwords and punctuation removed."""
        normalized = unicodedata.normalize("NFKC", text).lower()
        tokens = []
        for token in self._segmenter().lcut_for_search(normalized):
            token = token.strip()
            if token and token not in STOPWORDS and TOKEN_CHARS.search(token):
                tokens.append(token)
        return tokens
