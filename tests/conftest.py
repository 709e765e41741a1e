"""Shared fixtures: the real seed corpus, indexed once per test session.

The session's index starts as a copy of the index shipped in index/bundled/ (as at a first
start); only when that no longer fits the documents is it rebuilt, which embeds what changed with
the real model. Set MINZHENG_TEST_INDEX to a folder to keep that index between sessions (loading
checks that it still matches the corpus and model).
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest

from assistant.errors import IndexMismatchError
from assistant.pipeline import Pipeline, build
from assistant.places import Gazetteer
from assistant.settings import Settings
from assistant.tokenizer import Tokenizer
from assistant.understanding import Understander
from assistant.vocabulary import load_vocabulary

REPO = Path(__file__).resolve().parents[1]
SEED_DOCUMENTS = REPO / "documents"


@pytest.fixture(scope="session")
def settings_seed(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings for the seed documents, with the index and feedback file in session folders."""
    kept = os.environ.get("MINZHENG_TEST_INDEX")
    index = Path(kept) if kept else tmp_path_factory.mktemp("seed-index")
    return Settings(
        documents=SEED_DOCUMENTS,
        index=index,
        feedback_db=tmp_path_factory.mktemp("feedback") / "feedback.sqlite3",
        bundled_index=REPO / "index" / "bundled",  # installed when index is empty, as at a first start
    )


@pytest.fixture(scope="session")
def pipeline_seed(settings_seed: Settings) -> Pipeline:
    """The real pipeline over the seed documents (index built on first use, rebuilt when stale)."""
    try:
        return Pipeline.load(settings_seed, build_if_missing=True)
    except IndexMismatchError:  # a kept MINZHENG_TEST_INDEX from older code or documents
        build(settings_seed)
        return Pipeline.load(settings_seed, build_if_missing=False)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that need the real seed index are slow: `make test-fast` leaves them out."""
    for item in items:
        if {"pipeline_seed", "settings_seed", "seed_index"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def samples(tmp_path_factory: pytest.TempPathFactory):
    """Real PDF, DOCX and HTML files (and bad ones) made with real libraries, once per session."""
    from tests.sample_files import make_samples

    try:
        return make_samples(tmp_path_factory.mktemp("samples"))
    except FileNotFoundError as exc:  # no CJK font (or no fc-list): make browser-deps installs one
        pytest.skip(f"cannot make the sample files: {exc}")


@pytest.fixture(scope="session")
def knowing() -> Understander:
    """An understander to which every word is one of the documents' (no index needed)."""
    vocabulary = load_vocabulary()
    return Understander(
        vocabulary, Tokenizer(vocabulary), None, lambda word: 5, Gazetteer(), today=datetime.date(2026, 11, 29)
    )
