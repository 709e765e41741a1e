"""BM25 scores from bm25s checked against a plain implementation of Lucene's formula."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.lexical import BM25Settings, LexicalIndex


def lucene_bm25(corpus: list[list[str]], query: list[str], k1: float, b: float) -> list[float]:
    n = len(corpus)
    avgdl = sum(len(d) for d in corpus) / n
    scores = []
    for doc in corpus:
        score = 0.0
        for term in query:  # bm25s, like a Lucene BooleanQuery, adds a repeated term twice
            df = sum(1 for d in corpus if term in d)
            if df == 0:
                continue
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            tf = doc.count(term)
            # Lucene ≥ 8 drops the constant (k1 + 1) factor of the textbook numerator; ranks are unchanged.
            score += idf * tf / (tf + k1 * (1 - b + b * len(doc) / avgdl))
        scores.append(score)
    return scores


words = st.sampled_from(["低保", "高龄", "津贴", "养老", "补贴", "颐年卡", "社工", "儿童", "慈善"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(words, min_size=1, max_size=12), min_size=2, max_size=15), st.lists(words, min_size=1, max_size=4))
def test_bm25_matches_the_reference_formula(corpus, query):
    settings_ = BM25Settings()
    index = LexicalIndex.build(corpus, settings_)
    got = index.scores(query)
    expected = lucene_bm25(corpus, query, settings_.k1, settings_.b)
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)


def test_unknown_words_score_zero_and_document_frequency_counts_chunks(tmp_path):
    index = LexicalIndex.build([["低保", "标准"], ["低保", "低保"], ["儿童"]])
    assert index.scores(["公积金"]).tolist() == [0.0, 0.0, 0.0]
    assert index.document_frequency("低保") == 2 and index.document_frequency("公积金") == 0
    index.save(tmp_path / "bm25")
    reloaded = LexicalIndex.load(tmp_path / "bm25", 3)
    np.testing.assert_allclose(reloaded.scores(["低保"]), index.scores(["低保"]))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(words, min_size=1, max_size=12), min_size=2, max_size=15), st.lists(words, min_size=1, max_size=6))
def test_scores_are_bm25s_own_scores_bit_for_bit(corpus, query):
    index = LexicalIndex.build(corpus)
    known = [t for t in query if t in index._model.vocab_dict]
    expected = index._model.get_scores(known) if known else np.zeros(len(corpus), dtype=np.float32)
    assert index.scores(query).dtype == np.float32
    assert np.array_equal(index.scores(query), expected)


def test_document_frequencies_count_the_chunks_holding_each_word():
    corpus = [["低保", "标准", "低保"], ["低保", "儿童"], [], ["儿童", "慈善"]]
    index = LexicalIndex.build(corpus)
    expected = {t: sum(t in d for d in corpus) for d in corpus for t in d}
    assert index.document_frequencies() == {**expected, "": 1}  # the empty chunk keeps its row with ""
