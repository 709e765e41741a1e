"""The pipeline the service answers from, and the background work that loads or replaces it.

The web app starts listening at once: the first load (installing the bundled index, or building
one) runs in a background thread while pages show its progress. A rebuild also runs in the
background; questions keep being answered from the previous pipeline, and the new one takes its
place in one assignment once it is loaded, so a request sees either the old index or the new
one, never a mix. One job runs at a time.

Several server workers share one index folder: when another one rebuilt it, `follow` (called
on requests) notices that ``CURRENT`` names another build and loads that one in the background.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Literal

from .errors import AssistantError, IndexMismatchError
from .index import BuildStep, Progress, Steps, current_build
from .pipeline import Pipeline, build
from .settings import Settings

State = Literal["loading", "building", "ready", "failed"]
FOLLOW_SECONDS = 5.0  # how often `follow` looks whether another process switched the index
# A replaced pipeline's search-server connection is closed this long after the swap, when the
# requests that took the old pipeline are done (the graceful shutdown waits as long).
RETIRE_SECONDS = 30.0
Loader = Callable[[Settings, Progress, Steps], Pipeline]
Builder = Callable[[Settings, Progress, Steps], object]


def load_pipeline(settings: Settings, progress: Progress, steps: Steps) -> Pipeline:
    """The real loader: the index (bundled or built when missing), the models, warmed."""
    return Pipeline.load(settings, build_if_missing=True, progress=progress, steps=steps)


def build_index_of(settings: Settings, progress: Progress, steps: Steps) -> object:
    """The real builder: a new build of the documents folder, made current when complete."""
    return build(settings, progress, steps)


@dataclass(frozen=True)
class IndexStatus:
    """What the service is doing with its index, for /healthz, /api/index/status and pages.

    ``state`` is ``loading`` (nothing to answer from yet, no build needed so far), ``building``
    (an index build runs: the first one, or a rebuild while ``serving`` is true), ``ready`` or
    ``failed`` (nothing to answer from; ``error`` says why). ``progress`` is the share of the
    running build done (0 to 1), None when no build runs.
    """

    state: State
    serving: bool  # a pipeline answers questions
    stage: str = ""  # the last progress line of the running job
    progress: float | None = None
    eta_seconds: float | None = None
    started_at: str = ""  # when the running (or last) job started, UTC ISO 8601
    seconds: float | None = None  # how long the last finished job took
    error: str = ""  # why the last job failed ("" when it did not)
    built_at: str = ""  # the serving index's build time
    build_seconds: float | None = None  # how long the serving index took to build
    documents: int | None = None
    chunks: int | None = None

    @property
    def percent(self) -> int | None:
        return None if self.progress is None else int(self.progress * 100)

    def to_json(self) -> dict[str, object]:
        return {
            "state": self.state,
            "serving": self.serving,
            "stage": self.stage,
            "progress": None if self.progress is None else round(self.progress, 3),
            "percent": self.percent,
            "eta_seconds": None if self.eta_seconds is None else round(self.eta_seconds),
            "started_at": self.started_at,
            "seconds": self.seconds,
            "error": self.error,
            "built_at": self.built_at,
            "build_seconds": self.build_seconds,
            "documents": self.documents,
            "chunks": self.chunks,
        }


class PipelineKeeper:
    """Holds the serving pipeline; loads it and rebuilds its index in a background thread.

    Args:
        settings: where the documents and the index are, which model.
        pipeline: an already loaded pipeline to serve (then `start` does nothing).
        say: where progress lines go (the server's log).
        load, build: the loading and building functions; tests pass small ones.
        reuse_models: a rebuild loads the new index with the serving pipeline's models
            (:meth:`Pipeline.rebuilt`) instead of ``build`` then ``load``: no second model in
            memory, and one new letter is searchable in seconds.
        retire_after: seconds between a swap and closing the replaced pipeline's connections.
    """

    def __init__(
        self,
        settings: Settings,
        pipeline: Pipeline | None = None,
        *,
        say: Progress | None = None,
        load: Loader = load_pipeline,
        build: Builder = build_index_of,
        reuse_models: bool = False,
        retire_after: float = RETIRE_SECONDS,
    ) -> None:
        self.settings = settings
        self._retire_after = retire_after
        self._reuse_models = reuse_models
        self._say = say or (lambda message: None)
        self._load = load
        self._build = build
        self._pipeline = pipeline
        self._lock = threading.Lock()
        self._job: threading.Thread | None = None
        self._status = IndexStatus(state="ready" if pipeline else "loading", serving=pipeline is not None)
        self._embed_started: float | None = None
        self._serving_build = self._build_name() if pipeline else None
        self._looked_at = time.monotonic()

    @property
    def pipeline(self) -> Pipeline | None:
        """The pipeline to answer from; None until the first load is done (or when it failed)."""
        return self._pipeline

    @property
    def error(self) -> str:
        return self._status.error

    def status(self) -> IndexStatus:
        """A snapshot of the state, with the serving index's manifest."""
        with self._lock:
            status = self._status
        current = self._pipeline
        if current is None:
            return status
        manifest = current.index.manifest
        return replace(
            status,
            built_at=manifest.built_at,
            build_seconds=manifest.build_seconds,
            documents=manifest.documents,
            chunks=manifest.chunks,
        )

    def start(self) -> bool:
        """Load the pipeline in the background (building the index if needed); False if loaded or busy."""
        if self._pipeline is not None:
            return False
        return self._run("loading", self._first_load)

    def rebuild(self) -> bool:
        """Rebuild the index from the documents folder in the background; False if a job runs.

        The current pipeline keeps answering until the new one is loaded.
        """
        return self._run("building", self._rebuild)

    def follow(self) -> bool:
        """Load the index another process made current, if any (at most every few seconds).

        Returns True when a reload started.
        """
        now = time.monotonic()
        if self._pipeline is None or now - self._looked_at < FOLLOW_SECONDS:
            return False
        self._looked_at = now
        if self._build_name() in (self._serving_build, None):
            return False
        return self._run("loading", self._reload)

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the running job; True when none runs any more."""
        job = self._job
        if job is not None:
            job.join(timeout)
            return not job.is_alive()
        return True

    def _run(self, state: State, work: Callable[[], Pipeline]) -> bool:
        with self._lock:
            if self._job is not None and self._job.is_alive():
                return False
            self._status = IndexStatus(
                state=state,
                serving=self._pipeline is not None,
                started_at=datetime.now(UTC).isoformat(timespec="seconds"),
                progress=0.0 if state == "building" else None,
            )
            self._embed_started = None
            self._job = threading.Thread(target=self._job_body, args=(work,), name="index-job", daemon=True)
            self._job.start()
        return True

    def _job_body(self, work: Callable[[], Pipeline]) -> None:
        started = time.perf_counter()
        try:
            ready = work()
            # read after loading: if the index changed meanwhile, `follow` loads it again
            serving_build = self._build_name()
        except AssistantError as exc:
            self._finish(started, error=str(exc))
            self._say(f"cannot load the assistant: {exc}")
        except Exception as exc:  # noqa: BLE001 - a thread's error would otherwise vanish
            self._finish(started, error=f"{type(exc).__name__}: {exc}")
            self._say(f"cannot load the assistant: {type(exc).__name__}: {exc}")
        else:
            replaced, self._pipeline = self._pipeline, ready  # one assignment: requests see one or the other
            if replaced is not None:
                retire = threading.Timer(self._retire_after, replaced.close, args=(ready,))
                retire.daemon = True
                retire.start()
            self._serving_build = serving_build
            self._finish(started)
            manifest = ready.index.manifest
            self._say(
                f"ready: {manifest.documents} documents, {manifest.chunks} chunks, "
                f"built {manifest.built_at}, loaded in {time.perf_counter() - started:.1f} s"
            )

    def _finish(self, started: float, error: str = "") -> None:
        with self._lock:
            serving = self._pipeline is not None
            self._status = replace(
                self._status,
                state="ready" if serving else "failed",
                serving=serving,
                stage=self._status.stage if error else "",
                progress=None,
                eta_seconds=None,
                seconds=round(time.perf_counter() - started, 2),
                error=error,
            )

    def _first_load(self) -> Pipeline:
        try:
            return self._load(self.settings, self._line, self._step)
        except IndexMismatchError as exc:
            # The documents or the model changed since the last build: build for them now.
            self._line(f"the index does not fit: {exc}; building a new one")
            self._build(self.settings, self._line, self._step)
            return self._load(self.settings, self._line, self._step)

    def _rebuild(self) -> Pipeline:
        current = self._pipeline
        if self._reuse_models and current is not None:
            return current.rebuilt(self._line, self._step)
        self._build(self.settings, self._line, self._step)
        with self._lock:
            self._status = replace(self._status, progress=1.0, eta_seconds=0.0)
        self._line("loading the new index")
        return self._load(self.settings, self._line, self._step)

    def _reload(self) -> Pipeline:
        self._line("another process rebuilt the index; loading it")
        return self._load(self.settings, self._line, self._step)

    def _build_name(self) -> str | None:
        build = current_build(self.settings.index)
        return build.name if build else None

    def _line(self, message: str) -> None:
        with self._lock:
            self._status = replace(self._status, stage=message)
        self._say(message)

    def _step(self, step: BuildStep) -> None:
        now = time.perf_counter()
        eta = None
        if step.stage == "embedding" and step.total:
            if self._embed_started is None or step.done == 0:
                self._embed_started = now
            elif step.done:
                eta = (now - self._embed_started) / step.done * (step.total - step.done)
        with self._lock:
            self._status = replace(self._status, state="building", progress=step.fraction, eta_seconds=eta)
