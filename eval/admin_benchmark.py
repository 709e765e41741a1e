"""Time from upload to searchable (and from delete to gone) for one letter, through the admin API.

Copies the documents and the index into a temporary folder, serves the app in-process with the
real model, and for a few letters: POST /api/documents?wait=true, then /api/search until the
letter is the top hit; DELETE it the same way. Writes eval/reports/admin.md.

    python eval/admin_benchmark.py [--documents documents] [--index index] [--rounds 3]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from assistant.app import create_app
from assistant.pipeline import Pipeline
from assistant.settings import Settings

TOKEN = "benchmark-admin-token-0123456789"
REPORT = Path(__file__).resolve().parent / "reports" / "admin.md"
LETTERS = [
    ("社区长者饭堂", "长者饭堂每餐补贴多少钱", "六十周岁以上老年人在社区长者饭堂就餐每餐补贴五元"),
    ("困境儿童助学", "困境儿童助学金每学期多少", "困境儿童在校就读的每学期发放助学金一千二百元"),
    ("婚姻登记预约", "婚姻登记周末可以预约吗", "婚姻登记处在每月第一个周六开放预约办理结婚登记"),
    ("殡葬惠民补贴", "殡葬惠民补贴包括哪些项目", "殡葬惠民补贴包括遗体接运、暂存、火化和骨灰寄存四项基本服务"),
    ("养老床位运营", "养老机构床位运营补贴标准", "养老机构每张护理型床位每月给予运营补贴三百元"),
]


def letter(title: str, sentence: str) -> str:
    return f"关于{title}的说明\n发布时间：2026-11-01\n为回应群众关切，现就{title}有关事项说明如下：{sentence}。\n"


def top_title(client: TestClient, question: str) -> str:
    hits = client.get("/api/search", params={"q": question, "k": 1}).json()["hits"]
    return str(hits[0]["title"]) if hits else ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=Path, default=Path("documents"))
    parser.add_argument("--index", type=Path, default=Path("index"))
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="admin-bench-") as folder:
        root = Path(folder)
        shutil.copytree(args.documents, root / "documents")
        shutil.copytree(args.index, root / "index")
        settings = Settings(
            documents=root / "documents", index=root / "index", feedback_db=root / "feedback.sqlite3",
            admin_token=TOKEN, rate_limit_per_minute=100_000,
        )
        started = time.perf_counter()
        pipeline = Pipeline.load(settings, build_if_missing=False)
        load_seconds = time.perf_counter() - started
        rows = []
        headers = {"Authorization": f"Bearer {TOKEN}"}
        with TestClient(create_app(settings, pipeline=pipeline)) as client:
            for title, question, sentence in LETTERS[: args.rounds]:
                files = {"file": (f"{title}.txt", letter(title, sentence).encode(), "text/plain")}
                t0 = time.perf_counter()
                body = client.post("/api/documents?wait=true", files=files, headers=headers).json()
                found = top_title(client, question) == f"关于{title}的说明"
                t1 = time.perf_counter()
                client.delete(f"/api/documents/{body['ids'][0]}?wait=true", headers=headers)
                gone = top_title(client, question) != f"关于{title}的说明"
                t2 = time.perf_counter()
                rows.append((title, t1 - t0, float(body["index"]["seconds"]), found, t2 - t1, gone))
                print(f"{title}: searchable after {t1 - t0:.2f} s (top hit: {found}); gone after {t2 - t1:.2f} s")
    lines = [
        "# Admin: time from upload to searchable",
        "",
        f"`python eval/admin_benchmark.py --rounds {args.rounds}`: the seed corpus ({pipeline.index.manifest.documents} "
        f"documents, {pipeline.index.manifest.chunks} chunks), the bundled model, the app in-process "
        f"(TestClient), one short letter per round; pipeline loaded in {load_seconds:.1f} s first.",
        "Upload = `POST /api/documents?wait=true` until the rebuilt index serves, then `/api/search`",
        "(the letter must be the top hit); delete = `DELETE /api/documents/{id}?wait=true` and search again.",
        "",
        "| letter | upload → searchable s | of which rebuild s | top hit | delete → gone s | gone |",
        "|---|---|---|---|---|---|",
    ]
    for title, up, rebuild, found, down, gone in rows:
        lines.append(f"| {title} | {up:.2f} | {rebuild:.2f} | {'yes' if found else 'no'} | {down:.2f} | {'yes' if gone else 'no'} |")
    lines += [
        "",
        f"Median upload → searchable {statistics.median(r[1] for r in rows):.2f} s, "
        f"delete → gone {statistics.median(r[4] for r in rows):.2f} s (2-core machine shared with other work).",
        "",
    ]
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {REPORT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
