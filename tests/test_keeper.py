"""The keeper: background first load and rebuilds, progress, and the swap to the new pipeline.

Fast tests drive it with small loading and building functions that wait on events, so each
state can be looked at while it lasts; tests/test_startup.py runs it with the real pipeline.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest
from fastapi.testclient import TestClient

from assistant.app import create_app
from assistant.errors import IndexMismatchError, IndexMissingError
from assistant.index import BuildStep, Progress, Steps
from assistant.keeper import PipelineKeeper
from assistant.pipeline import Pipeline
from assistant.settings import Settings

WAIT = 10.0
TOKEN = "index-status-test-token-0123456789"  # the admin refuses tokens under 16 characters


def _pipeline(built_at: str) -> Pipeline:
    manifest = SimpleNamespace(built_at=built_at, build_seconds=1.5, documents=3, chunks=7)
    closed: list[object] = []  # the successor each close was called with
    return cast(Pipeline, SimpleNamespace(index=SimpleNamespace(manifest=manifest), closed=closed, close=closed.append))


class Script:
    """Loading and building functions that stop halfway until the test lets them go on."""

    def __init__(self) -> None:
        self.halfway = threading.Event()
        self.go_on = threading.Event()
        self.loads = 0
        self.builds = 0
        self.fail_build = ""
        self.mismatch_first = False

    def load(self, settings: Settings, progress: Progress, steps: Steps) -> Pipeline:
        self.loads += 1
        if self.mismatch_first and self.loads == 1:
            raise IndexMismatchError("index 'x' was built from other documents")
        if self.builds == 0 and not self.mismatch_first:  # the first start builds inside load
            self._embed(progress, steps)
        return _pipeline(f"build {self.builds}")

    def build(self, settings: Settings, progress: Progress, steps: Steps) -> object:
        self.builds += 1
        self._embed(progress, steps)
        if self.fail_build:
            raise IndexMissingError(self.fail_build)
        return None

    def _embed(self, progress: Progress, steps: Steps) -> None:
        progress("embedding 100 texts")
        steps(BuildStep("embedding", 50, 100))
        self.halfway.set()
        assert self.go_on.wait(WAIT)
        steps(BuildStep("embedding", 100, 100))


@pytest.fixture()
def script() -> Script:
    return Script()


def _keeper(script: Script, pipeline: Pipeline | None = None) -> PipelineKeeper:
    lines: list[str] = []
    return PipelineKeeper(Settings(), pipeline, say=lines.append, load=script.load, build=script.build)


def test_the_first_load_runs_in_the_background_and_reports_its_progress(script: Script) -> None:
    keeper = _keeper(script)
    assert keeper.status().state == "loading" and keeper.pipeline is None

    assert keeper.start()
    assert script.halfway.wait(WAIT)
    building = keeper.status()
    script.go_on.set()
    assert keeper.wait(WAIT)

    assert building.state == "building" and not building.serving
    assert building.percent == 48  # embedding is 2..95 % of a build; half of it is done
    assert building.stage == "embedding 100 texts"
    ready = keeper.status()
    assert ready.state == "ready" and ready.serving and ready.error == ""
    assert ready.built_at == "build 0" and ready.chunks == 7 and ready.progress is None
    assert keeper.pipeline is not None and not keeper.start(), "a loaded keeper does not load again"


def test_a_rebuild_keeps_answering_from_the_old_pipeline_then_swaps(script: Script) -> None:
    old = _pipeline("old build")
    keeper = _keeper(script, old)

    assert keeper.rebuild()
    assert script.halfway.wait(WAIT)
    during = keeper.status()
    served_during = keeper.pipeline
    second_start = keeper.rebuild()
    script.go_on.set()
    assert keeper.wait(WAIT)

    assert served_during is old
    assert during.state == "building" and during.serving and during.built_at == "old build"
    assert not second_start, "one job at a time"
    assert keeper.pipeline is not old and keeper.status().built_at == "build 1"
    assert keeper.status().state == "ready" and keeper.status().seconds is not None


def test_a_failed_rebuild_keeps_the_old_pipeline_and_says_why(script: Script) -> None:
    old = _pipeline("old build")
    keeper = _keeper(script, old)
    script.fail_build = "no documents to index"
    script.go_on.set()

    assert keeper.rebuild() and keeper.wait(WAIT)

    status = keeper.status()
    assert keeper.pipeline is old
    assert status.state == "ready" and status.serving and status.error == "no documents to index"


def test_a_first_load_that_fails_leaves_the_reason(script: Script) -> None:
    def broken(settings: Settings, progress: Progress, steps: Steps) -> Pipeline:
        raise IndexMissingError("documents folder 'nowhere' does not exist")

    keeper = PipelineKeeper(Settings(), load=broken, build=script.build)

    assert keeper.start() and keeper.wait(WAIT)

    assert keeper.status().state == "failed" and keeper.pipeline is None
    assert keeper.error == "documents folder 'nowhere' does not exist"


def test_an_index_that_no_longer_fits_is_rebuilt_at_the_first_start(script: Script) -> None:
    script.mismatch_first = True
    script.go_on.set()
    keeper = _keeper(script)

    assert keeper.start() and keeper.wait(WAIT)

    assert script.builds == 1 and script.loads == 2
    assert keeper.status().state == "ready"


def test_an_index_another_worker_made_current_is_followed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("build-a", "build-b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "manifest.json").write_text("{}", encoding="utf-8")
    (tmp_path / "CURRENT").write_text("build-a\n", encoding="utf-8")
    loaded: list[str] = []

    def load(settings: Settings, progress: Progress, steps: Steps) -> Pipeline:
        name = (settings.index / "CURRENT").read_text(encoding="utf-8").strip()
        loaded.append(name)
        return _pipeline(name)

    monkeypatch.setattr("assistant.keeper.FOLLOW_SECONDS", 0.0)
    keeper = PipelineKeeper(Settings(index=tmp_path), load=load, retire_after=0.0)
    assert keeper.start() and keeper.wait(WAIT)
    first = keeper.pipeline

    unchanged = keeper.follow()
    (tmp_path / "CURRENT").write_text("build-b\n", encoding="utf-8")  # another worker's rebuild
    changed = keeper.follow()
    assert keeper.wait(WAIT)

    assert not unchanged and changed
    assert loaded == ["build-a", "build-b"] and keeper.status().built_at == "build-b"
    assert not keeper.follow(), "the build it serves is current again"
    retired = cast(Any, first).closed
    deadline = time.monotonic() + WAIT
    while not retired and time.monotonic() < deadline:
        time.sleep(0.01)
    assert retired == [keeper.pipeline], "the replaced pipeline's connections are closed after the swap"


def test_while_building_pages_show_progress_and_the_api_answers_503(
    script: Script, tmp_path: Path
) -> None:
    settings = Settings(feedback_db=tmp_path / "feedback.sqlite3", admin_token=TOKEN)
    keeper = PipelineKeeper(settings, load=script.load, build=script.build)
    app = create_app(settings, keeper=keeper)

    with TestClient(app) as client:
        assert script.halfway.wait(WAIT)
        page = client.get("/", headers={"Accept": "text/html"})
        document = client.get("/documents", headers={"Accept": "text/html"})
        ask = client.post("/api/ask", json={"question": "低保怎么申请？"})
        health = client.get("/healthz")
        anonymous = client.get("/api/index/status")
        status = client.get("/api/index/status", headers={"Authorization": f"Bearer {TOKEN}"})
        script.go_on.set()
        assert keeper.wait(WAIT)

    assert page.status_code == 503 and page.headers["Retry-After"] == "5"
    assert '<meta http-equiv="refresh" content="5">' in page.text
    assert "服务正在启动" in page.text and "已完成 48%" in page.text
    assert "<script" not in page.text.split("</main>")[0], "the progress page needs no script"
    assert document.status_code == 503 and "服务正在启动" in document.text
    assert ask.status_code == 503 and ask.headers["Retry-After"] == "5"
    assert ask.json()["detail"] == "问答服务正在准备中：正在建立文件索引，已完成 48%。"
    assert ask.json()["code"] == "building"
    assert health.status_code == 503
    assert health.json() == {
        "status": "building",
        "loaded": False,
        "percent": 48,
        "detail": "building the index, 48 % done",
    }
    assert anonymous.status_code == 401, "the index status is for scripts with the admin token"
    body: dict[str, Any] = status.json()
    assert status.status_code == 200 and body["state"] == "building" and body["percent"] == 48
    assert body["serving"] is False and body["started_at"]


def test_a_real_rebuild_answers_from_the_old_index_until_the_new_one_is_loaded(
    settings_seed: Settings, pipeline_seed: Pipeline, tmp_path: Path
) -> None:
    settings = replace(
        settings_seed, index=tmp_path / "index", feedback_db=tmp_path / "f.sqlite3", admin_token=TOKEN
    )
    keeper = PipelineKeeper(settings, pipeline_seed)
    app = create_app(replace(settings, rate_limit_per_minute=0), keeper=keeper)
    answered_during = []

    with TestClient(app) as client:
        assert keeper.rebuild()
        while keeper.status().state == "building":
            response = client.post("/api/ask", json={"question": "低保怎么申请？"})
            answered_during.append((response.status_code, keeper.pipeline is pipeline_seed))
        assert keeper.wait(300)
        status = client.get("/api/index/status", headers={"Authorization": f"Bearer {TOKEN}"}).json()

    assert answered_during and all(code == 200 for code, _ in answered_during)
    assert any(old for _, old in answered_during), "the old pipeline answered while the new one was built"
    assert keeper.pipeline is not pipeline_seed and keeper.pipeline is not None
    assert keeper.pipeline.index.folder == tmp_path / "index"
    assert status["state"] == "ready" and status["error"] == "" and status["seconds"] > 0
    assert status["chunks"] == pipeline_seed.index.manifest.chunks
