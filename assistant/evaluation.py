"""The evaluation set and the evaluation run: retrieval per mode, answers, latency, reports.

Relevance rule: a passage is relevant to an evidence item when it contains the evidence quote
(whitespace-insensitive, in any document; a near copy with at most 10 % of the characters
different counts, as letters repeat paragraphs with one-character variants), or when it is in
the quote's document and covers at least half of the quote's characters (a chunk boundary split
the quote).
"""

from __future__ import annotations

import difflib
import json
import re
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from .answer import Answer
from .chunking import Chunk
from .documents import Document
from .errors import InputError
from .metrics import hit_rate, mrr, ndcg, percentile, recall
from .pipeline import Pipeline
from .retriever import MODES

PERSONAS = ("hotline", "citizen", "maintainer", "elderly")
TYPES = (
    "subsidy", "eligibility", "procedure", "fact", "policy", "multi", "unanswerable", "fee", "count", "date",
    "materials", "hours", "phone", "list", "yesno", "definition", "progress", "other",
)
EXPECTED = ("answered", "partial", "refused")
CURVE_KS = (1, 2, 3, 5, 10, 15, 20)
MIN_SPLIT_SHARE = 0.5
NEAR_COPY_SHARE = 0.9


@dataclass(frozen=True)
class Evidence:
    doc_id: str
    quote: str


@dataclass(frozen=True)
class EvalCase:
    id: str
    question: str
    persona: str
    type: str
    style: str
    evidence: tuple[Evidence, ...]
    answer: str
    answerable: bool
    history: tuple[str, ...] = ()  # the conversation's earlier questions, oldest first
    category: str = ""  # answerable, or why not: other_place, other_bureau, complaint, not_stated…
    expected: str = ""  # answered / partial / refused ("" in the older sets: answered when answerable)


@dataclass
class EvalReport:
    created_at: str
    cases: int
    answerable: int
    index: dict[str, object]
    retrieval: dict[str, dict[str, float]]
    curves: dict[str, dict[int, float]]
    answers: dict[str, float]
    latency_ms: dict[str, dict[str, float]]
    breakdown: dict[str, dict[str, dict[str, float]]]
    worst: list[dict[str, object]]
    failures: dict[str, list[str]] = field(default_factory=dict)
    # (confidence, 1 if the answer holds its evidence else 0) for every answered question
    reliability: list[tuple[float, int]] = field(default_factory=list)

    def summary_table(self) -> str:
        """The side-by-side table printed by ``python -m assistant eval``."""
        lines = [
            "| mode | Hit@1 | Hit@5 | Recall@10 | MRR@10 | nDCG@10 | p50 ms | p95 ms |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for mode in MODES[::-1]:
            r, t = self.retrieval[mode], self.latency_ms[f"search_{mode}"]
            lines.append(
                f"| {mode} | {r['hit@1']:.3f} | {r['hit@5']:.3f} | {r['recall@10']:.3f} | {r['mrr@10']:.3f} "
                f"| {r['ndcg@10']:.3f} | {t['p50']:.1f} | {t['p95']:.1f} |"
            )
        a, t = self.answers, self.latency_ms["ask"]
        lines += [
            "",
            f"answers: evidence held {a['evidence_held']:.3f} of answerable, "
            f"refused {a['refusal_unanswerable']:.3f} of unanswerable, "
            f"false refusals {a['false_refusal']:.3f} of answerable; ask p50 {t['p50']:.1f} ms, p95 {t['p95']:.1f} ms",
        ]
        if a.get("followups"):
            lines.append(f"follow-ups resolved {a['followups_resolved']:.3f} of {int(a['followups'])}; "
                         f"partial {a['partial_unanswerable']:.3f} of unanswerable")
        return "\n".join(lines)


def load_eval_set(path: Path) -> list[EvalCase]:
    """Read the evaluation set from a JSON-lines file or a folder of them.

    Raises:
        InputError: a record is malformed or an id repeats; the message names file and line.
    """
    files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
    if not files or not all(f.is_file() for f in files):
        raise InputError(f"no evaluation set at {str(path)!r}; expected a .jsonl file or a folder of them")
    cases: list[EvalCase] = []
    seen: set[str] = set()
    for file in files:
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            where = f"{file}, line {number}"
            try:
                row = json.loads(line)
                case = EvalCase(
                    id=str(row["id"]),
                    question=str(row["question"]),
                    persona=str(row["persona"]),
                    type=str(row["type"]),
                    style=str(row.get("style", "")),
                    evidence=tuple(Evidence(str(e["doc_id"]), str(e["quote"])) for e in row["evidence"]),
                    answer=str(row["answer"]),
                    answerable=bool(row["answerable"]),
                    history=tuple(str(h) for h in row.get("history", [])),
                    category=str(row.get("category", "answerable" if row["answerable"] else "")),
                    expected=str(row.get("expected", "answered" if row["answerable"] else "refused")),
                )
            except (ValueError, KeyError, TypeError) as exc:
                raise InputError(f"{where}: not a valid evaluation record ({exc})") from exc
            if case.id in seen:
                raise InputError(f"{where}: id {case.id!r} is used twice")
            if case.persona not in PERSONAS or case.type not in TYPES:
                raise InputError(f"{where}: persona {case.persona!r} or type {case.type!r} is unknown")
            if case.answerable and not case.evidence:
                raise InputError(f"{where}: an answerable question needs evidence")
            if not case.answerable and case.evidence and case.expected != "partial":
                raise InputError(f"{where}: an unanswerable question carries evidence only when partial is expected")
            if case.expected not in EXPECTED:
                raise InputError(f"{where}: expected {case.expected!r} is unknown; use one of {', '.join(EXPECTED)}")
            seen.add(case.id)
            cases.append(case)
    return cases


def check_eval_set(cases: Sequence[EvalCase], documents: dict[str, Document]) -> list[str]:
    """Problems with the set: unknown documents and quotes that are not in their document."""
    problems = []
    for case in cases:
        for evidence in case.evidence:
            document = documents.get(evidence.doc_id)
            if document is None:
                problems.append(f"{case.id}: unknown document {evidence.doc_id!r}")
            elif evidence.quote not in document.text:
                problems.append(f"{case.id}: quote {evidence.quote[:30]!r}… is not in {evidence.doc_id}")
    return problems


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _near_copy(quote: str, text: str) -> bool:
    """Whether ``text`` holds the quote with at most 10 % of its characters different.

    The bureau repeats paragraphs across letters with one-character variants (房租支持 /
    房屋支持); such a copy states the same evidence.
    """
    if len(quote) < 12:
        return False
    pieces = [quote[i : i + 6] for i in range(0, len(quote) - 5, max(1, len(quote) // 4))]
    if not any(piece in text for piece in pieces):
        return False
    matcher = difflib.SequenceMatcher(None, quote, text, autojunk=False)
    blocks = [b for b in matcher.get_matching_blocks() if b.size]
    if not blocks:
        return False
    matched = sum(b.size for b in blocks)
    region = blocks[-1].b + blocks[-1].size - blocks[0].b
    return matched >= NEAR_COPY_SHARE * len(quote) and region <= len(quote) / NEAR_COPY_SHARE


def _holds(evidence: Evidence, text: str, spans: list[tuple[int, int]], document: Document | None) -> bool:
    """The relevance rule: ``text`` holds the quote (or a near copy), or ``spans`` of its document
    cover half of it."""
    quote, squashed = _squash(evidence.quote), _squash(text)
    if quote in squashed or _near_copy(quote, squashed):
        return True
    start = document.text.find(evidence.quote) if document is not None else -1
    if start < 0:
        return False
    end = start + len(evidence.quote)
    covered = sum(max(0, min(end, span_end) - max(start, span_start)) for span_start, span_end in spans)
    return covered >= MIN_SPLIT_SHARE * len(evidence.quote)


def evidence_in_chunk(evidence: Evidence, chunk: Chunk, document: Document) -> bool:
    """Whether a passage is relevant to the evidence (see the module docstring)."""
    spans = [(chunk.start, chunk.end)] if chunk.doc_id == evidence.doc_id else []
    return _holds(evidence, chunk.text, spans, document)


def evidence_in_answer(evidence: Evidence, answer: Answer, document: Document | None) -> bool:
    """Whether the answer's cited sentences hold the evidence (the same rule over cited spans)."""
    if answer.refused:
        return False
    cited = "".join(c.text for c in answer.citations)
    spans = [(c.start, c.end) for c in answer.citations if c.doc_id == evidence.doc_id]
    return _holds(evidence, cited, spans, document)


def relevant_chunks(case: EvalCase, pipeline: Pipeline) -> dict[str, set[str]]:
    """Evidence quote → ids of the chunks that are relevant to it."""
    documents = pipeline.documents
    out: dict[str, set[str]] = {}
    for evidence in case.evidence:
        document = documents.get(evidence.doc_id)
        out[evidence.quote] = {
            c.id
            for c in pipeline.index.chunks
            if document is not None and evidence_in_chunk(evidence, c, documents.get(c.doc_id, document))
        }
    return out


def _retrieval_metrics(qrels: dict[str, dict[str, int]], run: dict[str, list[str]], evidence_recall: float) -> dict[str, float]:
    return {
        "hit@1": hit_rate(qrels, run, 1),
        "hit@5": hit_rate(qrels, run, 5),
        "recall@10": evidence_recall,
        "chunk_recall@10": recall(qrels, run, 10),
        "mrr@10": mrr(qrels, run, 10),
        "ndcg@10": ndcg(qrels, run, 10),
    }


def _timings(values: list[float]) -> dict[str, float]:
    return {"p50": round(percentile(values, 50), 2), "p95": round(percentile(values, 95), 2), "n": len(values)}


def run_evaluation(
    pipeline: Pipeline,
    cases: Sequence[EvalCase],
    *,
    worst: int = 15,
    progress: Callable[[str], None] | None = None,
) -> EvalReport:
    """Score the three retrieval modes and the composer on the evaluation set."""
    say = progress or (lambda message: None)
    problems = check_eval_set(cases, pipeline.documents)
    if problems:
        raise InputError("the evaluation set does not match the documents: " + "; ".join(problems[:5]))
    answerable = [c for c in cases if c.answerable]
    relevant = {c.id: relevant_chunks(c, pipeline) for c in answerable}
    qrels = {cid: {chunk: 1 for chunks in rel.values() for chunk in chunks} for cid, rel in relevant.items()}
    max_k = max(CURVE_KS)

    retrieval: dict[str, dict[str, float]] = {}
    curves: dict[str, dict[int, float]] = {}
    latency: dict[str, dict[str, float]] = {}
    runs: dict[str, dict[str, list[str]]] = {}
    for mode in MODES:
        say(f"retrieval: {mode}")
        pipeline.retriever.clear_cache()  # every mode pays for its own question vectors
        run: dict[str, list[str]] = {}
        times = []
        for case in answerable:
            started = time.perf_counter()
            result = pipeline.search(case.question, max_k, mode=mode, history=case.history)
            times.append((time.perf_counter() - started) * 1000)
            run[case.id] = [h.chunk_id for h in result.hits]
        runs[mode] = run

        def evidence_recall(k: int, run: dict[str, list[str]] = run) -> float:
            shares = []
            for case in answerable:
                top = set(run[case.id][:k])
                shares.append(sum(bool(chunks & top) for chunks in relevant[case.id].values()) / len(case.evidence))
            return sum(shares) / len(shares) if shares else 0.0

        retrieval[mode] = _retrieval_metrics(qrels, run, evidence_recall(10))
        curves[mode] = {k: round(evidence_recall(k), 4) for k in CURVE_KS}
        latency[f"search_{mode}"] = _timings(times)

    say("answers")
    pipeline.retriever.clear_cache()
    answers: dict[str, Answer] = {}
    ask_times = []
    for case in cases:
        started = time.perf_counter()
        answers[case.id] = pipeline.ask(case.question, history=case.history)
        ask_times.append((time.perf_counter() - started) * 1000)
    latency["ask"] = _timings(ask_times)

    def held(case: EvalCase, require_all: bool = False) -> bool:
        found = [evidence_in_answer(e, answers[case.id], pipeline.documents.get(e.doc_id)) for e in case.evidence]
        return all(found) if require_all else any(found)

    unanswerable = [c for c in cases if not c.answerable]
    share = lambda xs: round(sum(xs) / len(xs), 4) if xs else 0.0  # noqa: E731
    answer_metrics = {
        "evidence_held": share([held(c) for c in answerable]),
        "all_evidence_held": share([held(c, True) for c in answerable]),
        "refusal_unanswerable": share([answers[c.id].refused for c in unanswerable]),
        "false_refusal": share([answers[c.id].refused for c in answerable]),
        "with_conflict_note": share([bool(answers[c.id].conflicts) for c in answerable if c.type == "multi"]),
        "partial_unanswerable": share([answers[c.id].status == "partial" for c in unanswerable]),
        "followups": float(sum(1 for c in cases if c.history)),
        # A follow-up is resolved when its answer holds the evidence, or, unanswerable, is not answered.
        "followups_resolved": share([
            held(c) if c.answerable else answers[c.id].refused for c in cases if c.history
        ]),
        "answerable_n": float(len(answerable)),
        "unanswerable_n": float(len(unanswerable)),
    }

    breakdown: dict[str, dict[str, dict[str, float]]] = {}
    hybrid = runs["hybrid"]
    for attribute in ("type", "persona", "style", "category"):
        groups: dict[str, list[EvalCase]] = defaultdict(list)
        for case in cases:
            groups[getattr(case, attribute)].append(case)
        breakdown[attribute] = {}
        for name, members in sorted(groups.items()):
            judged = [c for c in members if c.answerable]
            sub_qrels = {c.id: qrels[c.id] for c in judged}
            row = {"n": float(len(members))}
            if judged:
                row.update(
                    {
                        "hit@5": round(hit_rate(sub_qrels, hybrid, 5), 4),
                        "mrr@10": round(mrr(sub_qrels, hybrid, 10), 4),
                        "evidence_held": share([held(c) for c in judged]),
                        "false_refusal": share([answers[c.id].refused for c in judged]),
                    }
                )
            others = [c for c in members if not c.answerable]
            if others:
                row["refusal_unanswerable"] = share([answers[c.id].refused for c in others])
            breakdown[attribute][name] = row

    chunk_by_id = {c.id: c for c in pipeline.index.chunks}

    def first_rank(case: EvalCase) -> int:
        return next((i for i, p in enumerate(hybrid[case.id][:10], 1) if qrels[case.id].get(p)), 99)

    worst_rows = []
    for case in sorted(answerable, key=lambda c: (-first_rank(c), held(c)))[:worst]:
        got = [chunk_by_id[p] for p in hybrid[case.id][:3]]
        worst_rows.append(
            {
                "id": case.id,
                "question": case.question,
                "first_relevant_rank": first_rank(case),
                "expected": [f"{e.doc_id}: {e.quote}" for e in case.evidence],
                "got": [f"{c.doc_id}: {c.text[:80]}" for c in got],
                "answer": answers[case.id].answer[:160],
                "refused": answers[case.id].refused,
            }
        )
    failures = {
        "false_refusals": [c.id for c in answerable if answers[c.id].refused],
        "answered_unanswerable": [c.id for c in unanswerable if not answers[c.id].refused],
        "evidence_missing": [c.id for c in answerable if not held(c) and not answers[c.id].refused],
    }
    m = pipeline.index.manifest
    return EvalReport(
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        cases=len(cases),
        answerable=len(answerable),
        index={"model": m.model, "documents": m.documents, "chunks": m.chunks, "chunking": m.chunking,
               "corpus_hash": m.corpus_hash, "fusion_weights": asdict(pipeline.retriever.weights)},
        retrieval={mode: {k: round(v, 4) for k, v in r.items()} for mode, r in retrieval.items()},
        curves=curves,
        answers=answer_metrics,
        latency_ms=latency,
        breakdown=breakdown,
        worst=worst_rows,
        failures=failures,
        reliability=[
            (answers[c.id].confidence, int(c.answerable and held(c))) for c in cases if not answers[c.id].refused
        ],
    )


def _markdown(report: EvalReport) -> str:
    lines = [
        "# Evaluation report",
        "",
        f"{report.created_at} · {report.cases} questions ({report.answerable} answerable) · "
        f"model `{report.index['model']}` · {report.index['chunks']} chunks · fusion weights {report.index['fusion_weights']}",
        "",
        "## Retrieval and answers",
        "",
        report.summary_table(),
        "",
        "Recall@10 is the share of evidence passages found in the top 10; Hit@k counts a question when any "
        "relevant passage is in the top k.",
        "",
        "![Recall@k](recall_at_k.png)",
        "",
        "Confidence against the share of answered questions that hold their evidence:",
        "",
        "![Reliability](reliability.png)",
        "",
        "## Breakdown (hybrid retrieval, composer)",
    ]
    for attribute, groups in report.breakdown.items():
        lines += ["", f"### by {attribute}", "", "| group | n | Hit@5 | MRR@10 | evidence held | false refusal | refused (unanswerable) |", "|---|---|---|---|---|---|---|"]
        for name, row in groups.items():
            cells = [f"{row[key]:.3f}" if key in row else "–" for key in ("hit@5", "mrr@10", "evidence_held", "false_refusal", "refusal_unanswerable")]
            lines.append(f"| {name} | {int(row['n'])} | " + " | ".join(cells) + " |")
    lines += ["", "## Worst questions (hybrid)", ""]
    for worst in report.worst:
        lines.append(f"- **{worst['id']}** {worst['question']} — first relevant rank {worst['first_relevant_rank']}, "
                     f"refused={worst['refused']}")
        lines.append(f"  - expected: {'; '.join(worst['expected'])}")  # type: ignore[arg-type]
        lines.append(f"  - got: {' | '.join(worst['got'])}")  # type: ignore[arg-type]
    lines += ["", "## Failures", ""]
    for name, ids in report.failures.items():
        lines.append(f"- {name}: {', '.join(ids) if ids else 'none'}")
    return "\n".join(lines) + "\n"


def write_report(report: EvalReport, out_dir: Path) -> list[Path]:
    """Write ``eval.json``, ``eval.md`` and the Recall@k chart into ``out_dir``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out_dir.mkdir(parents=True, exist_ok=True)
    json_path, md_path, png_path = out_dir / "eval.json", out_dir / "eval.md", out_dir / "recall_at_k.png"
    json_path.write_text(json.dumps(asdict(report), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    md_path.write_text(_markdown(report), encoding="utf-8")
    figure, axes = plt.subplots(figsize=(6, 4))
    for mode, curve in report.curves.items():
        axes.plot(list(curve), list(curve.values()), marker="o", label=mode)
    axes.set_xlabel("k")
    axes.set_ylabel("evidence recall@k")
    axes.set_ylim(0, 1)
    axes.grid(alpha=0.3)
    axes.legend()
    axes.set_title("Recall@k per retrieval mode")
    figure.tight_layout()
    figure.savefig(png_path, dpi=110)
    plt.close(figure)
    reliability_path = out_dir / "reliability.png"
    plot_reliability(report.reliability, reliability_path, "answered questions")
    return [json_path, md_path, png_path, reliability_path]


def reliability_bins(pairs: Sequence[tuple[float, int]], bins: int = 10) -> list[tuple[float, float, int]]:
    """(mean confidence, share correct, count) per confidence bin of width 1/bins; empty bins left out."""
    rows = []
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        members = [(p, y) for p, y in pairs if low <= p < high or (b == bins - 1 and p == 1.0)]
        if members:
            rows.append((sum(p for p, _ in members) / len(members), sum(y for _, y in members) / len(members), len(members)))
    return rows


def plot_reliability(pairs: Sequence[tuple[float, int]], path: Path, title: str) -> None:
    """A reliability diagram: the share of correct answers against the stated confidence."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = reliability_bins(pairs)
    figure, axes = plt.subplots(figsize=(4.5, 4.5))
    axes.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfect calibration")
    if rows:
        axes.plot([r[0] for r in rows], [r[1] for r in rows], marker="o", label="observed")
        for confidence, correct, count in rows:
            axes.annotate(str(count), (confidence, correct), textcoords="offset points", xytext=(4, -10), fontsize=7)
    axes.set_xlabel("confidence")
    axes.set_ylabel("share holding the evidence")
    axes.set_xlim(0, 1)
    axes.set_ylim(0, 1)
    axes.grid(alpha=0.3)
    axes.legend(loc="upper left")
    axes.set_title(f"Reliability: {title}")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def export_beir(pipeline: Pipeline, cases: Iterable[EvalCase], out_dir: Path) -> None:
    """Write corpus.jsonl, queries.jsonl and qrels/test.tsv for other tools (BEIR format)."""
    cases = [c for c in cases if c.answerable]
    (out_dir / "qrels").mkdir(parents=True, exist_ok=True)
    with (out_dir / "corpus.jsonl").open("w", encoding="utf-8") as handle:
        for chunk in pipeline.index.chunks:
            title = pipeline.documents[chunk.doc_id].title
            handle.write(json.dumps({"_id": chunk.id, "title": title, "text": chunk.text}, ensure_ascii=False) + "\n")
    with (out_dir / "queries.jsonl").open("w", encoding="utf-8") as handle:
        for case in cases:
            handle.write(json.dumps({"_id": case.id, "text": case.question}, ensure_ascii=False) + "\n")
    with (out_dir / "qrels" / "test.tsv").open("w", encoding="utf-8") as handle:
        handle.write("query-id\tcorpus-id\tscore\n")
        for case in cases:
            for chunk_id in sorted({c for chunks in relevant_chunks(case, pipeline).values() for c in chunks}):
                handle.write(f"{case.id}\t{chunk_id}\t1\n")
