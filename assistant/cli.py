"""Command line: ``python -m assistant ingest|documents|build|search|ask|eval|bench|serve|feedback``.

Settings are read here (arguments over ``MINZHENG_*`` environment variables) and passed down.
Library errors become one line on stderr and a non-zero exit code; no tracebacks.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TextIO

from .answer import Answer
from .collection import BeforeCommit, Change, add_files, list_documents, remove_documents
from .documents import KINDS, Document
from .errors import AssistantError, IndexMissingError, InputError
from .index import corpus_hash, read_manifest
from .ingest import MAX_FILE_BYTES
from .pipeline import Pipeline, build
from .retriever import MAX_K, MODES, SearchResult, validate_question
from .settings import Settings
from .understanding import MAX_HISTORY

EXIT_USAGE = 2


class UsageError(InputError):
    """Arguments that argparse accepted but that do not make sense together."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)


def _add_settings(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--documents", help="documents folder (default: documents, or $MINZHENG_DOCUMENTS)")
    parser.add_argument("--index", help="index folder (default: index, or $MINZHENG_INDEX)")
    parser.add_argument("--model", help="sentence-transformers model: hub name or local path "
                        "(default: the bundled multilingual-e5-small, or $MINZHENG_MODEL)")


def _add_change_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-build", action="store_true",
                        help="leave the index alone (by default it follows when it was built from these documents)")
    _add_settings(parser)


def _add_query(parser: argparse.ArgumentParser, default_k: int) -> None:
    parser.add_argument("question", nargs="?", help="the question, in quotes")
    parser.add_argument("--file", type=Path, help="batch mode: one question per line, or a JSON line "
                        '{"question": ..., "history": [earlier questions]}; writes one JSON line each')
    parser.add_argument("--k", type=int, default=default_k, help=f"passages to retrieve (1–{MAX_K})")
    parser.add_argument("--year", type=int, help="only documents of this year")
    parser.add_argument("--kind", choices=KINDS, help="only documents of this kind")
    parser.add_argument("--mode", choices=MODES, default="hybrid", help="retrieval mode")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")


def make_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m assistant", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = commands.add_parser("ingest", help="turn .txt/.md/.html/.pdf/.docx files into documents/")
    p.add_argument("paths", nargs="+", type=Path, help="files or folders")
    p.add_argument("--max-bytes", type=int, default=MAX_FILE_BYTES, help="skip files larger than this")
    p.add_argument("--replace", action="store_true", help="a new version of an ingested file replaces it (ids kept)")
    p.add_argument("--prune", action="store_true", help="remove documents whose source file is not among PATHS")
    p.add_argument("--no-ocr", action="store_true", help="do not read scanned PDF pages with Tesseract")
    _add_change_options(p)

    p = commands.add_parser("documents", help="list or remove documents")
    p.add_argument("action", choices=["list", "remove"])
    p.add_argument("ids", nargs="*", help="document ids to remove")
    p.add_argument("--json", action="store_true", help="list as JSON")
    _add_change_options(p)

    p = commands.add_parser("build", help="build or update the index from documents/")
    _add_settings(p)

    p = commands.add_parser("search", help="find passages for a question")
    _add_query(p, default_k=10)
    _add_settings(p)

    p = commands.add_parser("ask", help="answer a question from the documents, with citations")
    _add_query(p, default_k=8)
    _add_settings(p)

    p = commands.add_parser("eval", help="score retrieval and answers on the evaluation set")
    p.add_argument("--questions", type=Path, default=Path("eval/questions"), help="evaluation set (file or folder)")
    p.add_argument("--out", type=Path, default=Path("eval/reports"), help="report folder")
    p.add_argument("--export-beir", type=Path, metavar="DIR", help="write corpus/queries/qrels in BEIR format and stop")
    p.add_argument("--worst", type=int, default=15, help="worst questions to list")
    _add_settings(p)

    p = commands.add_parser("bench", help="measure build time, throughput, latency and memory")
    p.add_argument("--out", type=Path, default=Path("eval/reports"), help="report folder")
    p.add_argument("--scale", action="store_true",
                   help="also run the product's search and ask on synthetic 100k/1M-chunk corpora")
    p.add_argument("--scale-engines", action="store_true",
                   help="also time the bare engines (FAISS flat/HNSW/IVF, bm25s) on synthetic data")
    p.add_argument("--scale-sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    p.add_argument("--scale-dir", type=Path, metavar="DIR",
                   help="keep the synthetic corpora in DIR; one built there by an earlier run is queried again")
    p.add_argument("--queries", type=int, default=200, help="timed queries per mode")
    _add_settings(p)

    p = commands.add_parser("serve", help="run the web service (citizen chat, staff view, JSON API)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--feedback-db", help="SQLite file for feedback (default: feedback.sqlite3)")
    p.add_argument("--workers", type=int, default=None,
                   help="server processes, each answering on one core (default: one per core; "
                        "one with MINZHENG_QDRANT_PATH)")
    _add_settings(p)

    p = commands.add_parser("feedback", help="feedback collected by the web service")
    p.add_argument("action", choices=["export"])
    p.add_argument("--feedback-db", help="SQLite file (default: feedback.sqlite3)")
    p.add_argument("--out", type=Path, help="JSON lines file (default: standard output)")
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.from_env(
        documents=getattr(args, "documents", None),
        index=getattr(args, "index", None),
        model=getattr(args, "model", None),
        feedback_db=getattr(args, "feedback_db", None),
    )


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Query:
    question: str
    history: tuple[str, ...] = ()


def _query_line(line: str) -> Query:
    """A plain question, or a JSON line {"question": ..., "history": [...]}."""
    if not line.lstrip().startswith("{"):
        return Query(validate_question(line))
    try:
        row = json.loads(line)
    except ValueError as exc:
        raise InputError(f"not valid JSON ({exc}); write a plain question or {{\"question\": ..., \"history\": [...]}}") from exc
    history = row.get("history", []) if isinstance(row, dict) else None
    if not isinstance(row, dict) or not isinstance(history, list) or not all(isinstance(h, str) for h in history):
        raise InputError('a JSON line needs "question" (text) and optionally "history" (a list of earlier questions)')
    if len(history) > MAX_HISTORY:
        raise InputError(f"history holds {len(history)} questions; keep the last {MAX_HISTORY}")
    return Query(validate_question(row.get("question")), tuple(validate_question(h) for h in history if h.strip()))


def _questions(args: argparse.Namespace) -> list[Query]:
    """The question, or every question of the batch file; all are checked before any is answered."""
    if args.file is not None and args.question is not None:
        raise UsageError("give either a question or --file, not both")
    if args.file is None:
        if args.question is None:
            raise UsageError("give a question in quotes, or --file QUESTIONS.txt")
        return [Query(validate_question(args.question))]
    try:
        lines = args.file.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read questions file {str(args.file)!r}: {exc}") from exc
    questions = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            questions.append(_query_line(line))
        except InputError as exc:
            raise InputError(f"{args.file}, line {number}: {exc}") from exc
    if not questions:
        raise InputError(f"questions file {str(args.file)!r} holds no questions")
    return questions


def _page(documents: dict[str, Document], doc_id: str, offset: int) -> str:
    """" 第N页" for a passage of a paged (PDF) source, else ""."""
    document = documents.get(doc_id)
    page = document.page_of(offset) if document else None
    return f" 第{page}页" if page else ""


def _print_hits(result: SearchResult, out: TextIO, documents: dict[str, Document]) -> None:
    if not result.hits:
        print("没有找到相关段落。(no passages matched)", file=out)
    for rank, hit in enumerate(result.hits, start=1):
        number = f" 第{hit.number}号" if hit.number else ""
        print(f"[{rank}] 《{hit.title}》{hit.kind}{number} {hit.date}{_page(documents, hit.doc_id, hit.start)}"
              f"  score={hit.score:.3f}", file=out)
        if hit.heading:
            print(f"    {hit.heading}", file=out)
        print("    " + hit.text.replace("\n", "\n    "), file=out)
        print(file=out)


def _print_answer(answer: Answer, out: TextIO, documents: dict[str, Document]) -> None:
    print(answer.answer, file=out)
    if answer.facts:
        print("\n要点:", file=out)
        for label, facts in answer.facts_by_label().items():
            print(f"  {label}: {'；'.join(f'{f.value} [{f.citation}]' for f in facts)}", file=out)
    notes = [c.note for c in answer.conflicts if c.note not in answer.answer]
    if notes:
        print(file=out)
        for note in notes:
            print(note, file=out)
    if answer.citations:
        print("\n出处:", file=out)
        for c in answer.citations:
            number = f" 第{c.number}号" if c.number else ""
            print(f"  [{c.n}] 《{c.title}》{c.kind}{number} {c.date}{_page(documents, c.doc_id, c.start)}  {c.heading}",
                  file=out)
    if answer.related:
        print("\n相关文件:", file=out)
        for r in answer.related:
            print(f"  《{r.title}》{r.kind} {r.date}", file=out)


def _run_queries(args: argparse.Namespace, handle: Callable[[Pipeline, Query], object]) -> int:
    questions = _questions(args)
    pipeline = Pipeline.load(_settings(args), progress=_progress)
    results = [handle(pipeline, q) for q in questions]  # all answered before anything is written
    out = sys.stdout
    for query, result in zip(questions, results, strict=True):
        question = query.question
        if isinstance(result, SearchResult):
            if args.json or args.file:
                row = {"question": question, "hits": [h.to_json() for h in result.hits]}
                print(json.dumps(row, ensure_ascii=False), file=out)
            else:
                _print_hits(result, out, pipeline.documents)
        elif isinstance(result, Answer):
            if args.json or args.file:
                print(json.dumps(result.to_json(), ensure_ascii=False), file=out)
            else:
                _print_answer(result, out, pipeline.documents)
    return 0


def _index_follows(args: argparse.Namespace, settings: Settings) -> BeforeCommit | None:
    """Rebuild the index from the staged documents before they are committed, when the index
    was built from the current documents (another corpus's index is left alone)."""
    if args.no_build:
        return None
    try:
        in_sync = read_manifest(settings.index).corpus_hash == corpus_hash(list_documents(settings.documents))
    except IndexMissingError:
        return None
    if not in_sync:
        print(f"note: the index in {settings.index} was built from other documents; it is left alone "
              "(run `python -m assistant build`)", file=sys.stderr)
        return None

    def rebuild(documents: Sequence[Document]) -> None:
        if documents:
            build(settings, progress=_progress, documents=documents)

    return rebuild


def _print_change(change: Change, settings: Settings) -> None:
    for skipped in change.skipped:
        print(f"skipped: {skipped.reason}", file=sys.stderr)
    print(f"{settings.documents}: {len(change.added)} added, {len(change.replaced)} replaced, "
          f"{len(change.removed)} removed, {len(change.unchanged)} unchanged, {len(change.skipped)} files skipped")
    for label, ids in (("added", change.added), ("replaced", change.replaced), ("removed", change.removed)):
        if ids:
            print(f"  {label}: {' '.join(ids)}")


def cmd_ingest(args: argparse.Namespace) -> int:
    settings = _settings(args)
    change = add_files(
        list(args.paths), settings.documents, replace=args.replace, prune=args.prune,
        max_bytes=args.max_bytes, ocr=not args.no_ocr, before_commit=_index_follows(args, settings),
    )
    _print_change(change, settings)
    return 0 if change.changed or change.unchanged else 1


def cmd_documents(args: argparse.Namespace) -> int:
    settings = _settings(args)
    if args.action == "remove":
        if not args.ids:
            raise UsageError("give the ids of the documents to remove (`documents list` shows them)")
        _print_change(remove_documents(args.ids, settings.documents,
                                       before_commit=_index_follows(args, settings)), settings)
        return 0
    if args.ids:
        raise UsageError("`documents list` takes no ids")
    documents = list_documents(settings.documents)
    rows = [
        {"id": d.id, "kind": d.kind, "title": d.title, "date": d.date, "number": d.number,
         "source": d.source, "chars": len(d.text), "pages": len(d.pages)}
        for d in documents
    ]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    for row in rows:
        print(f"{row['id']}\t{row['kind']}\t{row['date'] or '-'}\t{row['source'] or '-'}\t{row['title']}")
    print(f"{len(rows)} documents in {settings.documents}", file=sys.stderr)
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    index = build(_settings(args), progress=_progress)
    m = index.manifest
    print(f"index {index.folder}: {m.documents} documents, {m.chunks} chunks, model {m.model}, "
          f"{m.embedded} embedded, {m.reused} reused, {m.build_seconds:.1f} s")
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    return _run_queries(
        args, lambda p, q: p.search(q.question, args.k, year=args.year, kind=args.kind, mode=args.mode, history=q.history)
    )


def cmd_ask(args: argparse.Namespace) -> int:
    return _run_queries(
        args, lambda p, q: p.ask(q.question, k=args.k, year=args.year, kind=args.kind, mode=args.mode, history=q.history)
    )


def cmd_eval(args: argparse.Namespace) -> int:
    from .evaluation import export_beir, load_eval_set, run_evaluation, write_report

    settings = _settings(args)
    cases = load_eval_set(args.questions)
    pipeline = Pipeline.load(settings, progress=_progress)
    if args.export_beir:
        export_beir(pipeline, cases, args.export_beir)
        print(f"BEIR files written to {args.export_beir}")
        return 0
    report = run_evaluation(pipeline, cases, worst=args.worst, progress=_progress)
    paths = write_report(report, args.out)
    print(report.summary_table())
    print("report: " + ", ".join(str(p) for p in paths))
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from .benchmark import run_benchmark

    paths = run_benchmark(
        _settings(args), args.out, queries=args.queries,
        scale_sizes=args.scale_sizes if args.scale else (),
        engine_sizes=args.scale_sizes if args.scale_engines else (), progress=_progress,
        scale_dir=args.scale_dir,
    )
    print("report: " + ", ".join(str(p) for p in paths))
    return 0


def _local_qdrant(settings: Settings) -> bool:
    """Whether the settings open a Qdrant folder in-process (local mode or Edge: one process only)."""
    return settings.backend != "files" and settings.qdrant_path is not None


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from .app import create_app

    settings = _settings(args)
    if args.workers is None:
        args.workers = os.cpu_count() or 1
        if _local_qdrant(settings):
            args.workers = 1
            _progress(f"MINZHENG_QDRANT_PATH={settings.qdrant_path}: Qdrant's local mode opens its folder "
                      "in one process only; serving with --workers 1")
    if args.workers < 1:
        raise InputError(f"--workers {args.workers}: give at least 1")
    if args.workers > 1 and _local_qdrant(settings):
        raise InputError(
            f"--workers {args.workers} with MINZHENG_QDRANT_PATH={settings.qdrant_path}: Qdrant's local mode "
            "opens its folder in one process only; use --workers 1, or a Qdrant server (MINZHENG_QDRANT_URL)"
        )
    # uvicorn's own X-Forwarded-For handling would trust 127.0.0.1; the app trusts only
    # MINZHENG_TRUSTED_PROXIES. Shutdown waits for requests in flight, at most 30 s.
    options = {"host": args.host, "port": args.port, "log_level": "info", "proxy_headers": False,
               "timeout_graceful_shutdown": 30}
    if args.workers == 1:
        # One process: one single-threaded encode per core, side by side.
        uvicorn.run(create_app(replace(settings, parallel_encodes=os.cpu_count() or 1)), **options)
        return 0
    # Worker processes read their settings from the environment: pass the flags on.
    for flag, variable in (("documents", "MINZHENG_DOCUMENTS"), ("index", "MINZHENG_INDEX"),
                           ("model", "MINZHENG_MODEL"), ("feedback_db", "MINZHENG_FEEDBACK_DB")):
        if getattr(args, flag, None):
            os.environ[variable] = str(getattr(args, flag))
    os.environ.setdefault("MINZHENG_ENCODER_THREADS", "1")  # a worker per core, one thread each
    # Each worker listens at once; the first installs the shipped index or builds, the others
    # wait for that build and load it (keeper.py).
    uvicorn.run("assistant.app:create_app_from_env", factory=True, workers=args.workers, **options)
    return 0


def cmd_feedback(args: argparse.Namespace) -> int:
    from .feedback import FeedbackStore

    store = FeedbackStore(_settings(args).feedback_db)
    if args.out:
        with args.out.open("w", encoding="utf-8") as handle:
            count = store.export(handle)
        print(f"{count} feedback records written to {args.out}")
    else:
        store.export(sys.stdout)
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "ingest": cmd_ingest,
    "documents": cmd_documents,
    "build": cmd_build,
    "search": cmd_search,
    "ask": cmd_ask,
    "eval": cmd_eval,
    "bench": cmd_bench,
    "serve": cmd_serve,
    "feedback": cmd_feedback,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return its exit code."""
    try:
        args = make_parser().parse_args(argv)
        return COMMANDS[args.command](args)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # noqa: BLE001 - the last line of defence against tracebacks
        if os.environ.get("MINZHENG_DEBUG"):
            raise
        print(f"internal error: {type(exc).__name__}: {exc} (set MINZHENG_DEBUG=1 for details)", file=sys.stderr)
        return 1
