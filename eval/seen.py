"""Answer every seen question set and compare two runs question by question.

    python eval/seen.py dump OUT.jsonl [--sets FILE ...]   # one line per question: outcome and answer
    python eval/seen.py compare BASE.jsonl NEW.jsonl       # which questions got better or worse

A change to a shared mechanism is judged by what it does across every set already read (the
project's own, the hold-out, the public probe and every blind round after first contact), not by
the one failure it was written for: ``compare`` lists the questions whose outcome flipped, so a fix
that breaks two others shows at once. An answerable question is right when its answer holds its
evidence; an unanswerable one when it is refused (a partial answer counts as refused, as in
``python -m assistant eval``). Blind sets not yet scored at first contact must not be passed here.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.evaluation import evidence_in_answer, load_eval_set  # noqa: E402
from assistant.pipeline import Pipeline  # noqa: E402
from assistant.settings import Settings  # noqa: E402

SEEN = ("eval/questions/*.jsonl", "eval/holdout/*.jsonl", "eval/probe/*.jsonl", "eval/blind*/set-*.jsonl")


def _read_after_first_contact(readme: Path) -> bool:
    """A round is seen once its README has a section after its first-contact one (its reading)."""
    text = readme.read_text(encoding="utf-8") if readme.is_file() else ""
    first = text.find("## First contact")
    return first >= 0 and "\n## " in text[first + 1:]


def seen_sets() -> list[Path]:
    """Every question set that has been read (a blind round's README says when it was)."""
    sets = []
    for pattern in SEEN:
        for path in sorted(ROOT.glob(pattern)):
            if path.parent.name.startswith("blind") and not _read_after_first_contact(path.parent / "README.md"):
                continue  # not yet scored at first contact, or scored and not read: still blind
            sets.append(path)
    return sets


def dump(out: Path, sets: list[Path]) -> None:
    pipeline = Pipeline.load(Settings.from_env())
    started = time.perf_counter()
    count = 0
    with out.open("w", encoding="utf-8") as sink:
        for path in sets:
            for case in load_eval_set(path):
                answer = pipeline.ask(case.question, history=case.history)
                held = any(evidence_in_answer(e, answer, pipeline.documents.get(e.doc_id)) for e in case.evidence)
                right = held if case.answerable else answer.refused
                record = {
                    "id": case.id, "set": str(path.relative_to(ROOT)), "answerable": case.answerable,
                    "right": right, "status": answer.status, "held": held, "question": case.question,
                    "answer": answer.answer,
                }
                sink.write(json.dumps(record, ensure_ascii=False) + "\n")
                count += 1
    print(f"{count} questions of {len(sets)} sets in {time.perf_counter() - started:.0f} s -> {out}")


def _read(path: Path) -> dict[tuple[str, str], dict]:
    rows = (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return {(r["set"], r["id"]): r for r in rows}


def compare(base_path: Path, new_path: Path) -> None:
    base, new = _read(base_path), _read(new_path)
    shared = sorted(base.keys() & new.keys())
    better = [k for k in shared if new[k]["right"] and not base[k]["right"]]
    worse = [k for k in shared if base[k]["right"] and not new[k]["right"]]
    changed = [k for k in shared if base[k]["answer"] != new[k]["answer"] or base[k]["status"] != new[k]["status"]]
    right = sum(new[k]["right"] for k in shared), sum(base[k]["right"] for k in shared)
    print(f"{len(shared)} questions: right {right[1]} -> {right[0]}; {len(better)} better, {len(worse)} worse, "
          f"{len(changed)} answers changed")
    for label, keys in (("BETTER", better), ("WORSE", worse)):
        for k in keys:
            b, n = base[k], new[k]
            print(f"\n{label} {k[1]} ({k[0]}) {b['question']}")
            print(f"  was {b['status']}: {b['answer'][:200]}")
            print(f"  now {n['status']}: {n['answer'][:200]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    d = commands.add_parser("dump", help="answer every seen set; one JSON line per question")
    d.add_argument("out", type=Path)
    d.add_argument("--sets", type=Path, nargs="*", help="these sets instead of every seen one")
    c = commands.add_parser("compare", help="questions whose outcome flipped between two dumps")
    c.add_argument("base", type=Path)
    c.add_argument("new", type=Path)
    args = parser.parse_args(argv)
    if args.command == "dump":
        dump(args.out, [p.resolve() for p in args.sets] if args.sets else seen_sets())
    else:
        compare(args.base, args.new)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
