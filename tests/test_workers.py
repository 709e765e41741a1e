"""Serving on every core: worker processes, the feedback file shared by them, trusted proxies."""

from __future__ import annotations

import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import replace
from pathlib import Path

from fastapi.testclient import TestClient

from assistant.app import create_app
from assistant.feedback import FeedbackRecord, FeedbackStore
from assistant.pipeline import Pipeline
from assistant.settings import Settings

REPO = Path(__file__).resolve().parents[1]


def _write_feedback(path: str, worker: int) -> None:
    store = FeedbackStore(Path(path))
    for n in range(25):
        store.add(FeedbackRecord(question=f"问题{worker}-{n}", answer="答", rating=1))


def test_feedback_from_several_processes_at_once_is_all_kept(tmp_path: Path) -> None:
    path = tmp_path / "feedback.sqlite3"
    context = multiprocessing.get_context("spawn")
    writers = [context.Process(target=_write_feedback, args=(str(path), w)) for w in range(4)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(60)
    assert [w.exitcode for w in writers] == [0, 0, 0, 0]
    assert len(FeedbackStore(path).records()) == 100


def _first_feedback(path: str, start: object) -> None:
    start.wait()  # type: ignore[attr-defined]
    FeedbackStore(Path(path)).add(FeedbackRecord(question="问题", answer="答", rating=1))


def test_processes_opening_a_new_feedback_file_at_once_all_write(tmp_path: Path) -> None:
    # switching a new file to WAL takes its lock without waiting: every opener must wait its turn
    context = multiprocessing.get_context("fork")
    for trial in range(10):
        path = tmp_path / f"feedback-{trial}.sqlite3"
        start = context.Event()
        writers = [context.Process(target=_first_feedback, args=(str(path), start)) for _ in range(6)]
        for writer in writers:
            writer.start()
        start.set()
        for writer in writers:
            writer.join(60)
        assert [w.exitcode for w in writers] == [0] * 6
        assert len(FeedbackStore(path).records()) == 6


def _hit(path: str, results: object, start: object) -> None:
    from assistant.ratelimit import RateLimiter

    limiter = RateLimiter(10, Path(path))
    start.wait(120)  # type: ignore[attr-defined]
    results.put(sum(limiter.hit("203.0.113.5") == 0.0 for _ in range(5)))  # type: ignore[attr-defined]


def test_the_rate_limit_holds_across_processes(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    # All three hit at once: spread over a busy machine's seconds, the sliding window's earlier
    # minute would weigh less by the last hit and let an eleventh through, by design.
    start = context.Barrier(4)
    workers = [
        context.Process(target=_hit, args=(str(tmp_path / "limits.sqlite3"), results, start)) for _ in range(3)
    ]
    for worker in workers:
        worker.start()
    start.wait(120)
    allowed = sum(results.get(timeout=120) for _ in workers)
    for worker in workers:
        worker.join(30)
    assert allowed == 10, "15 questions from one client to three workers: exactly the limit of 10 pass"


def test_the_rate_limit_holds_across_the_threads_of_a_worker(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from assistant.ratelimit import RateLimiter

    limiter = RateLimiter(20, tmp_path / "limits.sqlite3")  # each thread keeps its own connection
    with ThreadPoolExecutor(8) as pool:
        passed = list(pool.map(lambda n: limiter.hit("203.0.113.7") == 0.0, range(40)))
    assert sum(passed) == 20, "40 questions from one client over 8 threads: exactly the limit of 20 pass"
    assert limiter.hit("198.51.100.2") == 0.0 and limiter.hit("203.0.113.7") >= 1.0


def test_trusted_proxies_setting_is_read_from_the_environment(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("MINZHENG_TRUSTED_PROXIES", "10.0.0.1, 192.168.0.0/16")
    assert Settings.from_env().trusted_proxies == ("10.0.0.1", "192.168.0.0/16")
    monkeypatch.delenv("MINZHENG_TRUSTED_PROXIES")
    assert Settings.from_env().trusted_proxies == ()


def _ask_twice(app: object, peer: str, forwarded: tuple[str, str]) -> list[int]:
    with TestClient(app, client=(peer, 50000)) as client:  # type: ignore[arg-type]
        return [
            client.post("/api/ask", json={"question": "低保怎么申请？"}, headers={"X-Forwarded-For": f}).status_code
            for f in forwarded
        ]


def test_forwarded_addresses_count_only_from_trusted_proxies(settings_seed: Settings, pipeline_seed: Pipeline) -> None:
    settings = replace(settings_seed, rate_limit_per_minute=1, trusted_proxies=("10.0.0.1",))
    two_clients = ("203.0.113.5", "203.0.113.6")
    # behind the trusted proxy, two clients each get their own limit
    assert _ask_twice(create_app(settings, pipeline=pipeline_seed), "10.0.0.1", two_clients) == [200, 200]
    # anyone else sending the header is one client: the header is ignored
    assert _ask_twice(create_app(settings, pipeline=pipeline_seed), "10.0.0.9", two_clients) == [200, 429]
    # no proxies configured: the header is ignored even from 10.0.0.1
    plain = replace(settings, trusted_proxies=())
    assert _ask_twice(create_app(plain, pipeline=pipeline_seed), "10.0.0.1", two_clients) == [200, 429]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_with_two_workers_answers_and_shuts_down_gracefully(settings_seed: Settings, pipeline_seed: Pipeline) -> None:
    port = _free_port()
    env = {**os.environ, "MINZHENG_INDEX": str(settings_seed.index), "MINZHENG_FEEDBACK_DB": str(settings_seed.feedback_db)}
    server = subprocess.Popen(
        [sys.executable, "-m", "assistant", "serve", "--workers", "2", "--port", str(port)],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        deadline = time.monotonic() + 240
        ready = 0
        while time.monotonic() < deadline and ready < 2:
            time.sleep(1)
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
                    ready = ready + 1 if response.status == 200 and b"ok" in response.read() else 0
            except OSError:
                continue
        assert ready == 2, "the server did not become ready"
        children = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()
        assert len(children) >= 2, "two worker processes"
        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=60)
    finally:
        if server.poll() is None:
            server.kill()
            server.communicate()
    assert server.returncode == 0, output
    assert "Finished server process" in output
