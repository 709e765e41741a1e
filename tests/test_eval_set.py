"""The evaluation set is sound: quotes exist in their documents, ids are unique, coverage is as promised."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from assistant.documents import load_documents
from assistant.errors import InputError
from assistant.evaluation import check_eval_set, load_eval_set

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def cases():
    return load_eval_set(REPO / "eval" / "questions")


@pytest.fixture(scope="module", params=["questions", "holdout", "blind", "blind2", "blind3", "blind4", "blind5", "blind6", "blind7", "blind8", "training", "training-next", "heldout-pool"])
def any_set(request):
    """Every set: the main one, the held-out one, the blind rounds, the training pool and the held-out pool."""
    return load_eval_set(REPO / "eval" / request.param)


def test_every_quote_is_in_its_document(any_set):
    documents = {d.id: d for d in load_documents(REPO / "documents")}
    assert check_eval_set(any_set, documents) == []


def test_the_held_out_set_does_not_repeat_the_main_set(cases):
    held_out = load_eval_set(REPO / "eval" / "holdout")
    assert not {c.id for c in held_out} & {c.id for c in cases}
    assert not {c.question for c in held_out} & {c.question for c in cases}


def test_the_set_covers_what_the_issue_asks(cases):
    types = Counter(c.type for c in cases)
    assert len(cases) >= 150
    assert types["subsidy"] + types["eligibility"] >= 60
    assert types["multi"] >= 15  # (several evidence entries may also be one fact stated in several letters)
    assert types["unanswerable"] >= 20 and all(not c.answerable for c in cases if c.type == "unanswerable")
    documents = {d.id for d in load_documents(REPO / "documents")}
    cited = {e.doc_id for c in cases for e in c.evidence}
    assert cited == documents, f"documents without questions: {sorted(documents - cited)}"
    assert set(Counter(c.persona for c in cases)) == {"hotline", "citizen", "maintainer"}


@pytest.fixture(scope="module", params=["questions", "holdout"])
def tuned_set(request):
    """The sets the project's own sessions wrote; the blind rounds and the pool stay as their writers left them
    (their writers checked for copies of 25 characters, not 10)."""
    return load_eval_set(REPO / "eval" / request.param)


def test_questions_are_not_copied_from_the_quotes(tuned_set):
    for case in tuned_set:
        for evidence in case.evidence:
            quote = evidence.quote
            copied = [quote[i : i + 10] for i in range(len(quote) - 9) if quote[i : i + 10] in case.question]
            assert not copied, f"{case.id} copies {copied[0]!r} from its evidence"


def test_duplicate_ids_are_refused(tmp_path):
    row = {"id": "x1", "question": "q", "persona": "citizen", "type": "fact", "evidence": [{"doc_id": "d", "quote": "q"}],
           "answer": "a", "answerable": True}
    (tmp_path / "set.jsonl").write_text("\n".join([json.dumps(row)] * 2), encoding="utf-8")
    with pytest.raises(InputError, match="x1.*twice"):
        load_eval_set(tmp_path)


def test_beir_export_writes_corpus_queries_and_qrels(pipeline_seed, tmp_path):
    from assistant.evaluation import export_beir

    cases = load_eval_set(REPO / "eval" / "questions")
    export_beir(pipeline_seed, cases, tmp_path)
    corpus = [json.loads(line) for line in (tmp_path / "corpus.jsonl").open(encoding="utf-8")]
    queries = [json.loads(line) for line in (tmp_path / "queries.jsonl").open(encoding="utf-8")]
    qrels = (tmp_path / "qrels" / "test.tsv").read_text(encoding="utf-8").splitlines()
    assert len(corpus) == len(pipeline_seed.index.chunks) and {"_id", "title", "text"} <= set(corpus[0])
    assert len(queries) == sum(1 for c in cases if c.answerable)
    assert qrels[0] == "query-id\tcorpus-id\tscore"
    corpus_ids = {row["_id"] for row in corpus}
    query_ids = {row["_id"] for row in queries}
    for line in qrels[1:]:
        query_id, corpus_id, score = line.split("\t")
        assert query_id in query_ids and corpus_id in corpus_ids and score == "1"
    assert {line.split("\t")[0] for line in qrels[1:]} == query_ids, "every answerable question has a relevant chunk"


def test_relevance_counts_the_quote_a_split_quote_and_a_near_copy_only():
    from assistant.chunking import Chunk
    from assistant.documents import Document
    from assistant.evaluation import Evidence, evidence_in_chunk

    text = "福田区出台措施。对在福田区范围内租赁自用办公用房且当年未获得过房租支持的,给予房租支持。其他内容。"
    document = Document(id="d", kind="其他", title="t", text=text)
    quote = "在福田区范围内租赁自用办公用房且当年未获得过房租支持的"
    evidence = Evidence("d", quote)

    def chunk(start: int, end: int, doc_id: str = "d", body: str | None = None) -> Chunk:
        return Chunk(f"{doc_id}#{start}", doc_id, 0, body if body is not None else text[start:end], start, end, "")

    begin = text.index(quote)
    assert evidence_in_chunk(evidence, chunk(0, len(text)), document)
    assert evidence_in_chunk(evidence, chunk(begin, begin + len(quote) * 2 // 3), document)  # split, most of it
    assert not evidence_in_chunk(evidence, chunk(begin, begin + len(quote) // 3), document)  # split, a third
    variant = "对在福田区范围内租赁自用办公用房且当年未获得过房屋支持的,给予"  # same paragraph, one character differs
    assert evidence_in_chunk(evidence, chunk(0, len(variant), "other", variant), document)
    assert not evidence_in_chunk(evidence, chunk(0, 20, "other", "福田区将社会组织纳入产业人才租赁住房配租范围"), document)
