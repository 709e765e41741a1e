"""Imports flow one way along the data path; nothing imports the API or CLI."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "assistant"

# Each module may import only modules of a lower layer (or its own).
LAYERS = [
    {"errors"},
    {"documents", "settings_base", "ocr", "formats"},
    {"ingest", "chunking", "vocabulary", "facts", "answer", "metrics", "places", "answerability"},
    {"tokenizer", "spelling", "lexical", "bundled_model", "onnx_model", "scale", "collection", "chunk_table"},
    {"embedding"},
    {"settings"},
    {"index"},
    {"understanding", "candidates"},
    {"qdrant_store"},
    {"retriever"},
    {"agreement"},
    {"composer"},
    {"pipeline", "feedback", "suggestions"},
    {"unanswered"},
    {"evaluation", "benchmark", "drafts", "keeper", "library", "synthetic"},
    {"rendering", "middleware", "ratelimit"},
    {"service"},
    {"access"},
    {"api", "pages", "admin"},
    {"app"},
    {"cli"},
    {"__main__"},
]


def _layer(module: str) -> int:
    for number, names in enumerate(LAYERS):
        if module in names:
            return number
    raise AssertionError(f"assistant/{module}.py is not placed in a layer of tests/test_architecture.py")


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module:
            found.add(node.module.split(".")[0])
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("assistant."):
            found.add(node.module.split(".")[1])
    return found


def test_imports_only_go_down_the_data_path():
    backwards = []
    for path in sorted(PACKAGE.glob("*.py")):
        if path.stem == "__init__":
            continue
        own = _layer(path.stem)
        for imported in _imports(path):
            if _layer(imported) > own:
                backwards.append(f"{path.stem} imports {imported}")
    assert backwards == []


def test_importing_the_package_loads_no_model():
    import subprocess
    import sys

    code = ("import sys, assistant.cli, assistant.app; "
            "print('torch' in sys.modules, 'sentence_transformers' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False"], "a module imports torch or sentence-transformers at import time"
