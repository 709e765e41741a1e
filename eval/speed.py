"""One run of the speed measures of issue 12, on this machine, side by side; report as ratios.

    python eval/speed.py [--questions 100] [--seconds 15] [--no-builds]

Measures, in this order and in one run:
  1. query embedding, one thread, torch vs ONNX fp32 vs ONNX int8 (same questions);
  2. cold builds of the seed corpus into scratch folders with torch and with ONNX;
  3. in-process single-thread `ask` p50/p95 (ONNX, new questions);
  4. HTTP: `serve --workers <cores>` on 127.0.0.1, 8 and 32 clients with new questions
     (eval/load_test.py's client, bounded by time and requests), and the ratio of requests/s at
     8 clients to cores x 1000 / in-process p50.
Writes eval/reports/speed.json and speed.md. Other sessions share the machine: the load average
is recorded next to the numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "eval"))

from load_test import load_questions, run_setting  # noqa: E402

from assistant.bundled_model import bundled_model_path  # noqa: E402
from assistant.documents import load_documents  # noqa: E402
from assistant.embedding import SentenceTransformerEmbedder  # noqa: E402
from assistant.index import build_index  # noqa: E402
from assistant.onnx_model import OnnxEncoder  # noqa: E402
from assistant.pipeline import Pipeline  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from assistant.tokenizer import Tokenizer  # noqa: E402
from assistant.vocabulary import load_vocabulary  # noqa: E402


def _p(values: list[float], q: float) -> float:
    return round(float(np.percentile(values, q)), 2)


def embedding_speed(questions: list[str]) -> dict[str, dict[str, float]]:
    import torch

    torch.set_num_threads(1)
    out = {}
    int8 = OnnxEncoder(bundled_model_path(), "int8", threads=1)  # measured, not offered as a setting
    for encoder in ("torch", "onnx", "onnx-int8"):
        embed = (
            (lambda texts: int8.encode([f"query: {t}" for t in texts])) if encoder == "onnx-int8"
            else SentenceTransformerEmbedder(encoder=encoder, threads=1).embed_queries  # type: ignore[arg-type]
        )
        embed(["预热"])
        times = []
        for question in questions:
            started = time.perf_counter()
            embed([question])
            times.append((time.perf_counter() - started) * 1000)
        out[encoder] = {"p50_ms": _p(times, 50), "p95_ms": _p(times, 95)}
    return out


def build_speed(settings: Settings, limit: int | None) -> dict[str, float]:
    documents = load_documents(settings.documents)[:limit]
    tokenizer = Tokenizer(load_vocabulary())
    out = {}
    for encoder in ("torch", "onnx"):
        with tempfile.TemporaryDirectory(prefix="speed-build-") as scratch:
            embedder = SentenceTransformerEmbedder(encoder=encoder)  # type: ignore[arg-type]
            embedder.embed_passages(["预热"])  # model load (and first export) is not the build
            started = time.perf_counter()
            build_index(documents, Path(scratch), embedder, tokenizer)
            out[f"{encoder}_seconds"] = round(time.perf_counter() - started, 1)
    out["documents"] = len(documents)
    return out


def in_process(settings: Settings, questions: list[str]) -> dict[str, float]:
    pipeline = Pipeline.load(replace(settings, encoder_threads=1), build_if_missing=False)
    times = []
    cpu_before = time.process_time()
    for n, question in enumerate(questions):
        started = time.perf_counter()
        pipeline.ask(f"{question}（{n}）")
        times.append((time.perf_counter() - started) * 1000)
    cpu_ms = (time.process_time() - cpu_before) * 1000 / len(questions)
    return {"ask_p50_ms": _p(times, 50), "ask_p95_ms": _p(times, 95), "ask_cpu_ms": round(cpu_ms, 2),
            "load_average": round(os.getloadavg()[0], 2)}


def _cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and its children still running, from /proc."""
    total = 0.0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return total


def http(settings: Settings, questions: list[str], seconds: float, workers: int) -> list[dict[str, object]]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # The run's unanswered questions and rate counters go to a scratch file, not the feedback file.
    scratch = Path(tempfile.mkdtemp(prefix="minzheng-speed-"))
    env = {**os.environ, "MINZHENG_RATE_LIMIT": "1000000", "MINZHENG_INDEX": str(settings.index),
           "MINZHENG_FEEDBACK_DB": str(scratch / "feedback.sqlite3")}
    server = subprocess.Popen(
        [sys.executable, "-m", "assistant", "serve", "--workers", str(workers), "--port", str(port)],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        ok = 0
        while ok < 3 * workers and time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=5) as response:
                    ok += response.status == 200
            except OSError:
                time.sleep(1)
        results = []
        for clients in (8, 32):
            server_cpu = _cpu_seconds(server.pid)
            result = run_setting(url, clients, "unique", ["ask"], questions, seconds, 5_000)
            server_cpu = _cpu_seconds(server.pid) - server_cpu
            results.append({
                "clients": clients, "requests": result.requests, "requests_per_s": result.throughput_rps,
                "p50_ms": result.p50_ms, "p95_ms": result.p95_ms, "p99_ms": result.p99_ms,
                "non_2xx": result.requests - result.status_2xx, "client_cpu_share": result.client_cpu_share,
                "load_average": round(result.load_average[0], 2),
                "server_cpu_ms_per_request": round(server_cpu * 1000 / max(result.requests, 1), 2),
            })
        return results
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(60)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(scratch, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--no-builds", action="store_true", help="skip the two cold seed builds")
    parser.add_argument("--build-documents", type=int, help="build only the first N seed documents (a busy machine)")
    parser.add_argument("--out", type=Path, default=REPO / "eval" / "reports")
    args = parser.parse_args()
    settings = Settings.from_env()
    cores = os.cpu_count() or 1
    questions = load_questions()[: args.questions]
    report: dict[str, object] = {"created_at": datetime.now(UTC).isoformat(timespec="seconds"), "cores": cores}
    print("query embedding", file=sys.stderr)
    report["embedding"] = embedding_speed(questions)
    if not args.no_builds:
        print("seed builds", file=sys.stderr)
        report["build"] = build_speed(settings, args.build_documents)
    print("in-process ask", file=sys.stderr)
    report["in_process"] = in_process(settings, questions)
    print("HTTP", file=sys.stderr)
    report["http"] = http(settings, questions, args.seconds, cores)
    report["load_average_end"] = round(os.getloadavg()[0], 2)
    embedding = report["embedding"]
    assert isinstance(embedding, dict)
    report["embedding_speedup_onnx"] = round(embedding["torch"]["p50_ms"] / embedding["onnx"]["p50_ms"], 2)
    report["embedding_speedup_int8"] = round(embedding["torch"]["p50_ms"] / embedding["onnx-int8"]["p50_ms"], 2)
    if "build" in report:
        build = report["build"]
        assert isinstance(build, dict)
        report["build_speedup_onnx"] = round(build["torch_seconds"] / build["onnx_seconds"], 2)
    in_proc = report["in_process"]
    http_results = report["http"]
    assert isinstance(in_proc, dict) and isinstance(http_results, list)
    report["http_ratio_8_clients"] = round(http_results[0]["requests_per_s"] / (cores * 1000 / in_proc["ask_p50_ms"]), 2)
    # Other sessions' processes take cores from the two workers but hardly from the one in-process
    # thread: CPU time per question does not depend on what else runs.
    report["http_cpu_ratio_8_clients"] = round(in_proc["ask_cpu_ms"] / http_results[0]["server_cpu_ms_per_request"], 2)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "speed.json").write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    lines = [
        "# Speed (issue 12): one run, side by side",
        "",
        f"{report['created_at']}, {cores} cores, 1-minute load average {report['load_average_end']} at the end "
        "(the machine is shared with other sessions: compare the ratios, not the absolute times).",
        "",
        "| measure | value |",
        "|---|---|",
    ]
    for encoder, values in embedding.items():
        lines.append(f"| query embedding, {encoder}, one thread, p50 / p95 | {values['p50_ms']} / {values['p95_ms']} ms |")
    lines.append(f"| query embedding speed-up, ONNX fp32 / int8 vs torch | {report['embedding_speedup_onnx']}× / "
                 f"{report['embedding_speedup_int8']}× |")
    if "build" in report:
        lines.append(f"| seed build, torch vs ONNX (model load excluded) | {report['build']} → "  # type: ignore[index]
                     f"{report['build_speedup_onnx']}× |")
    lines.append(f"| in-process ask, one thread, p50 / p95 | {in_proc['ask_p50_ms']} / {in_proc['ask_p95_ms']} ms "
                 f"(load average {in_proc.get('load_average')}) |")
    for row in http_results:
        lines.append(f"| HTTP, {cores} workers, {row['clients']} clients, new questions: req/s, p50 / p95 / p99 "
                     f"| {row['requests_per_s']}/s, {row['p50_ms']} / {row['p95_ms']} / {row['p99_ms']} ms "
                     f"({row['requests']} requests, {row['non_2xx']} not 2xx; load client "
                     f"{row.get('client_cpu_share', 0) * 100:.1f} % of the cores; load average {row.get('load_average')}) |")
    lines.append(f"| ratio: req/s at 8 clients / (cores × 1000 / in-process p50) | {report['http_ratio_8_clients']} |")
    lines.append(f"| CPU per question: in-process ask / server workers per HTTP request at 8 clients | "
                 f"{in_proc['ask_cpu_ms']} / {http_results[0]['server_cpu_ms_per_request']} ms → "
                 f"{report['http_cpu_ratio_8_clients']} |")
    (args.out / "speed.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print((args.out / "speed.md").read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
