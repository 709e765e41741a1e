"""Load test: drive an already running server with concurrent clients; report throughput and latency.

Start the server yourself, with a rate limit above what the run will send, for example:

    MINZHENG_RATE_LIMIT=1000000 python -m assistant serve --port 8000

then run, from the repository root:

    python eval/load_test.py --url http://127.0.0.1:8000 --clients 8 32 --seconds 20

Each setting runs N clients, each sending one request at a time, for a bounded duration and a
bounded number of requests, asking a rotating list of realistic questions (the evaluation set's
questions when eval/questions is there). Results go to eval/reports/load.json and load.md.
Only loopback hosts are accepted: this is a benchmark of one's own server, not of anyone else's.
"""

from __future__ import annotations

import argparse
import http.client
import ipaddress
import json
import os
import platform
import statistics
import sys
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import httpx

MAX_SECONDS = 60.0
MAX_REQUESTS = 20_000
MAX_CLIENTS = 256
REPORTS = Path(__file__).resolve().parent / "reports"
QUESTIONS = Path(__file__).resolve().parent / "questions"
FALLBACK_QUESTIONS = (
    "我爸85了有没有高龄补贴？",
    "低保怎么申请？",
    "家里老人做适老化改造能补多少？",
    "养老护理员有什么补贴？",
    "高龄津贴怎么领？",
    "深圳的长者饭堂有多少家？",
    "困境儿童有什么保障？",
    "社工的人才住房怎么申请？",
    "居家养老服务补贴每月多少钱？",
    "社会组织办公场地有什么支持？",
    "慈善信托备案了多少单？",
    "非深户的困境儿童能享受什么政策？",
)


@dataclass
class Sample:
    endpoint: str
    status: int  # 0 when the request failed without a response
    ms: float
    error: str = ""  # the exception's class name when status is 0


@dataclass
class SettingResult:
    clients: int
    questions: str  # "repeat": the list over and over; "unique": every question text new
    endpoints: list[str]
    seconds: float
    requests: int
    throughput_rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float
    status_2xx: int
    status_4xx: int
    status_5xx: int
    errors: int
    error_kinds: dict[str, int] = field(default_factory=dict)
    load_average: tuple[float, float, float] = (0.0, 0.0, 0.0)  # 1-minute figure at the end
    by_endpoint: dict[str, dict[str, float]] = field(default_factory=dict)
    stopped_by: str = "time"  # or "request budget"
    client_cpu_share: float = 0.0  # the load client's own CPU time over (seconds x cores)


def check_url(url: str) -> str:
    """Return the URL without a trailing slash; refuse anything but http(s) on a loopback host."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SystemExit(f"--url {url!r} is not an http URL such as http://127.0.0.1:8000")
    host = parts.hostname
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise SystemExit(
            f"--url host {host!r} is not loopback; this tool only drives a local server"
        )
    return url.rstrip("/")


def load_questions(folder: Path = QUESTIONS) -> list[str]:
    """The evaluation set's questions, or a built-in list when it is not there."""
    questions: list[str] = []
    for path in sorted(folder.glob("*.jsonl")) if folder.is_dir() else []:
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                question = json.loads(line).get("question")
            except (json.JSONDecodeError, AttributeError):
                continue
            if isinstance(question, str) and question.strip():
                questions.append(question.strip())
    return questions or list(FALLBACK_QUESTIONS)


def percentile(sorted_ms: list[float], q: float) -> float:
    """Linear-interpolated percentile of an already sorted list (0 when empty)."""
    if not sorted_ms:
        return 0.0
    position = (len(sorted_ms) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(sorted_ms) - 1)
    return sorted_ms[low] + (sorted_ms[high] - sorted_ms[low]) * (position - low)


def summarize(
    clients: int,
    mode: str,
    endpoints: list[str],
    samples: list[Sample],
    seconds: float,
    stopped_by: str,
) -> SettingResult:
    def stats(group: list[Sample]) -> dict[str, float]:
        ms = sorted(s.ms for s in group if s.status)
        return {
            "requests": len(group),
            "p50_ms": round(percentile(ms, 50), 1),
            "p95_ms": round(percentile(ms, 95), 1),
            "p99_ms": round(percentile(ms, 99), 1),
        }

    answered = sorted(s.ms for s in samples if s.status)
    return SettingResult(
        clients=clients,
        questions=mode,
        endpoints=endpoints,
        seconds=round(seconds, 2),
        requests=len(samples),
        throughput_rps=round(len(samples) / seconds, 1) if seconds else 0.0,
        p50_ms=round(percentile(answered, 50), 1),
        p95_ms=round(percentile(answered, 95), 1),
        p99_ms=round(percentile(answered, 99), 1),
        mean_ms=round(statistics.fmean(answered), 1) if answered else 0.0,
        max_ms=round(answered[-1], 1) if answered else 0.0,
        status_2xx=sum(200 <= s.status < 300 for s in samples),
        status_4xx=sum(400 <= s.status < 500 for s in samples),
        status_5xx=sum(s.status >= 500 for s in samples),
        errors=sum(s.status == 0 for s in samples),
        error_kinds=dict(Counter(s.error for s in samples if s.status == 0)),
        load_average=os.getloadavg(),
        by_endpoint={e: stats([s for s in samples if s.endpoint == e]) for e in endpoints},
        stopped_by=stopped_by,
    )


def run_setting(
    url: str,
    clients: int,
    mode: str,
    endpoints: list[str],
    questions: list[str],
    seconds: float,
    budget: int,
) -> SettingResult:
    """N clients, each with one request in flight, until the time or the request budget runs out.

    Each client is a thread with one keep-alive ``http.client`` connection: the client shares the
    machine's cores with the server under test, and with httpx's asyncio client the same server
    answered 71 requests/s against 81 with this one, side by side; this one takes about 1 % of
    two cores, recorded as ``client_cpu_share``.
    """
    parts = urlsplit(url)
    samples: list[Sample] = []
    counter = 0
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client_loop() -> None:
        nonlocal counter
        connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port or 80, timeout=30.0)
        try:
            while time.perf_counter() < deadline:
                with lock:
                    if counter >= budget:
                        return
                    n = counter
                    counter += 1
                question = questions[n % len(questions)]
                if mode == "unique":
                    # The retriever caches question vectors; a new text makes the model run each time.
                    question = f"{question}（{n}）"
                endpoint = endpoints[n % len(endpoints)]
                started = time.perf_counter()
                try:
                    if endpoint == "ask":
                        body = json.dumps({"question": question}).encode("utf-8")
                        connection.request("POST", "/api/ask", body, {"Content-Type": "application/json"})
                    else:
                        connection.request("GET", "/api/search?" + urlencode({"q": question, "k": 8}))
                    response = connection.getresponse()
                    response.read()
                    status, error = response.status, ""
                except (OSError, http.client.HTTPException) as exc:
                    status, error = 0, type(exc).__name__
                    connection.close()  # reconnects on the next request
                sample = Sample(endpoint, status, (time.perf_counter() - started) * 1000, error)
                with lock:
                    samples.append(sample)
        finally:
            connection.close()

    threads = [threading.Thread(target=client_loop, daemon=True) for _ in range(clients)]
    cpu_before = time.process_time()
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_before
    stopped_by = "request budget" if counter >= budget else "time"
    result = summarize(clients, mode, endpoints, samples, elapsed, stopped_by)
    result.client_cpu_share = round(cpu / (elapsed * (os.cpu_count() or 1)), 3) if elapsed else 0.0
    return result


def server_info(url: str) -> dict[str, object]:
    """What /healthz says about the server under test."""
    try:
        response = httpx.get(f"{url}/healthz", timeout=10.0)
    except httpx.HTTPError as exc:
        raise SystemExit(
            f"no server answers at {url} ({exc}); start it first (see --help)"
        ) from exc
    if response.status_code != 200:
        raise SystemExit(f"{url}/healthz answered {response.status_code}: {response.text[:200]}")
    data: dict[str, object] = response.json()
    return data


@dataclass
class LoadReport:
    timestamp: str
    url: str
    endpoints: list[str]
    questions: int
    seconds_per_setting: float
    server: dict[str, object]
    machine: dict[str, object]
    results: list[SettingResult]


def write_reports(report: LoadReport, out: Path) -> tuple[Path, Path]:
    """Write load.json and load.md into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    json_path = out / "load.json"
    json_path.write_text(
        json.dumps(asdict(report), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    machine, server, results = report.machine, report.server, report.results
    lines = [
        "# Load test",
        "",
        f"{report.timestamp} · {report.url} · endpoints: {', '.join(report.endpoints)}"
        f" · {report.questions} rotating questions · {report.seconds_per_setting:.0f} s per setting",
        "",
        f"Server: {server.get('documents')} documents, {server.get('chunks')} chunks, "
        f"model {server.get('model')}. Machine: {machine['cpu_count']} CPUs, "
        f"Python {machine['python']}, {machine['platform']} (client and server on the same machine).",
        "",
        "`repeat` asks the rotating questions over and over, as a hotline hears the same questions;",
        "the retriever then serves most question vectors from its cache. `unique` makes every",
        "question text new, so the embedding model runs for each request.",
        "",
        "| clients | questions | seconds | requests | req/s | p50 ms | p95 ms | p99 ms | max ms "
        "| 2xx | 4xx | 5xx | errors | load avg | client CPU % |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.clients} | {r.questions} | {r.seconds:.1f} | {r.requests:,} | {r.throughput_rps:.1f} | {r.p50_ms:.1f} "
            f"| {r.p95_ms:.1f} | {r.p99_ms:.1f} | {r.max_ms:.1f} | {r.status_2xx:,} | {r.status_4xx:,} "
            f"| {r.status_5xx:,} | {r.errors:,} | {r.load_average[0]:.1f} | {r.client_cpu_share * 100:.1f} |"
        )
    if any(len(r.endpoints) > 1 for r in results):
        lines += [
            "",
            "| clients | questions | endpoint | requests | p50 ms | p95 ms | p99 ms |",
            "|---:|---|---|---:|---:|---:|---:|",
        ]
        for r in results:
            for endpoint, s in r.by_endpoint.items():
                lines.append(
                    f"| {r.clients} | {r.questions} | {endpoint} | {int(s['requests']):,} | {s['p50_ms']:.1f} "
                    f"| {s['p95_ms']:.1f} | {s['p99_ms']:.1f} |"
                )
    for r in results:
        if r.error_kinds:
            kinds = ", ".join(f"{name} × {count}" for name, count in r.error_kinds.items())
            lines += ["", f"Errors at {r.clients} clients ({r.questions}): {kinds}."]
    lines += [
        "",
        "`load avg` is the machine's 1-minute load average at the end of the run. It counts the",
        "server's and the client's own threads too; the two share the CPUs with whatever else runs.",
        "`client CPU %` is the load client's own CPU time over the run's seconds times the cores.",
    ]
    if any(r.status_4xx for r in results):
        lines += [
            "",
            "4xx answers were seen: if they are 429s, restart the server with a higher MINZHENG_RATE_LIMIT.",
        ]
    md_path = out / "load.md"
    md_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return json_path, md_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--url", default="http://127.0.0.1:8000", help="running server (loopback only)"
    )
    parser.add_argument(
        "--clients", type=int, nargs="+", default=[8, 32], help="concurrent clients, one run each"
    )
    parser.add_argument(
        "--seconds",
        type=float,
        default=20.0,
        help=f"duration of each run (at most {MAX_SECONDS:.0f})",
    )
    parser.add_argument(
        "--max-requests",
        type=int,
        default=MAX_REQUESTS,
        help=f"request budget for all runs (at most {MAX_REQUESTS})",
    )
    parser.add_argument(
        "--endpoints",
        nargs="+",
        choices=["ask", "search"],
        default=["ask"],
        help="endpoints to alternate between",
    )
    parser.add_argument(
        "--questions",
        nargs="+",
        choices=["repeat", "unique"],
        default=["repeat", "unique"],
        help="repeat the question list (cached vectors) and/or make every question new",
    )
    parser.add_argument("--out", type=Path, default=REPORTS, help="report folder")
    args = parser.parse_args(argv)

    url = check_url(args.url)
    if not 0 < args.seconds <= MAX_SECONDS:
        parser.error(f"--seconds must be above 0 and at most {MAX_SECONDS:.0f}")
    if not 0 < args.max_requests <= MAX_REQUESTS:
        parser.error(f"--max-requests must be from 1 to {MAX_REQUESTS}")
    if not all(0 < c <= MAX_CLIENTS for c in args.clients):
        parser.error(f"--clients must be from 1 to {MAX_CLIENTS}")

    server = server_info(url)
    questions = load_questions()
    budget = args.max_requests // (len(args.clients) * len(args.questions))
    print(
        f"{url}: {server.get('documents')} documents, {server.get('chunks')} chunks; "
        f"{len(questions)} questions; {args.seconds:.0f} s or {budget:,} requests per setting",
        file=sys.stderr,
    )
    httpx.post(f"{url}/api/ask", json={"question": questions[0]}, timeout=30.0)  # warm up

    results = []
    for mode in args.questions:
        for clients in args.clients:
            result = run_setting(url, clients, mode, args.endpoints, questions, args.seconds, budget)
            results.append(result)
            print(
                f"{clients:>4} clients, {mode} questions: {result.requests:,} requests in "
                f"{result.seconds:.1f} s = {result.throughput_rps:.1f}/s; p50 {result.p50_ms:.1f} ms, "
                f"p95 {result.p95_ms:.1f} ms, p99 {result.p99_ms:.1f} ms; 2xx {result.status_2xx}, "
                f"4xx {result.status_4xx}, 5xx {result.status_5xx}, errors {result.errors}"
            )

    report = LoadReport(
        timestamp=datetime.now(UTC).isoformat(timespec="seconds"),
        url=url,
        endpoints=args.endpoints,
        questions=len(questions),
        seconds_per_setting=args.seconds,
        server=server,
        machine={
            "cpu_count": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(terse=True),
            "httpx": httpx.__version__,
        },
        results=results,
    )
    json_path, md_path = write_reports(report, args.out)
    print(f"reports written to {json_path} and {md_path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
