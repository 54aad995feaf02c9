"""`summarizer batch --batch-api` against the Files/Batches stand-in: kill -9 between submission and completion,
rerun, and compare with a live run of the same folder. Prints numbers; not a test.

    python bench/batch_api.py [--n 40]

N distinct news articles (the repo's test articles, each copy with a line of its own) are briefed twice: live
against the chat stand-in, and through the Batch API stand-in, whose first job is held until the command
was killed with SIGKILL while polling. The rerun must resume (no request sent twice) and end with the same
briefs and report as the live run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from summarizer.batch import FolderBatch  # noqa: E402
from summarizer.llm import LLM  # noqa: E402
from summarizer.pipeline import Summarizer  # noqa: E402
from summarizer.testing import FakeModel, FakeServer, quoting_answer  # noqa: E402
from summarizer.testing_batches import FakeBatchServer, comparable_briefs, comparable_report  # noqa: E402

MODEL = "gpt-4o-mini"
ARTICLES = ROOT / "tests" / "articles"


def folder_of(root: Path, n: int) -> Path:
    english = sorted(p for p in ARTICLES.glob("*.txt")
                     if ".ref" not in p.name and p.stem not in ("de_hafenstreik", "uk_strajk"))
    folder = root / "in"
    folder.mkdir(parents=True)
    for i in range(n):
        src = english[i % len(english)]
        (folder / f"{i:04d}_{src.stem}.txt").write_text(
            src.read_text(encoding="utf-8").rstrip() + f"\n\nFiled under reference {i:04d}.\n", encoding="utf-8")
    return folder






def live(folder: Path, out: Path) -> tuple[float, float]:
    with FakeServer(FakeModel(quoting_answer)) as server:
        s = Summarizer(LLM(base_url=server.base_url, api_key="k", model=MODEL), cache=None)

        async def go() -> Any:
            try:
                return await FolderBatch(folder, out, summarizer=s, concurrency=8).run()
            finally:
                await s.aclose()

        started = time.monotonic()
        r = asyncio.run(go())
        return time.monotonic() - started, r.cost_usd


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="batch-api-bench-") as tmp:
        root = Path(tmp)
        folder = folder_of(root, args.n)
        live_s, live_cost = live(folder, root / "live")
        out = root / "out"
        model = FakeModel(quoting_answer)
        with FakeBatchServer(model, hold=True) as server:
            env = {**os.environ, "OPENAI_BASE_URL": server.base_url, "OPENAI_API_KEY": "sk-bench",
                   "HOME": str(root), "SUMMARIZER_MODEL": MODEL}
            command = [sys.executable, "-m", "summarizer", "batch", str(folder), "--out", str(out), "--batch-api",
                       "--poll", "0.05", "--no-cache"]
            started = time.monotonic()
            proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            jobs_file = out / ".batch-api" / "jobs.json"
            while not (jobs_file.exists() and json.loads(jobs_file.read_text())["jobs"][0].get("batch_id")):
                time.sleep(0.02)
            submit_s = time.monotonic() - started
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            batches_at_kill = len(server.batches)
            server.release()
            started = time.monotonic()
            rerun = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
            rerun_s = time.monotonic() - started
            lines = {b: server.lines(b) for b in server.batches}
        ids = [line["custom_id"] for ls in lines.values() for line in ls]
        index = [json.loads(x) for x in (out / "index.jsonl").read_text().splitlines()]
        cost = sum(r["provenance"]["cost_usd"] for r in index if r.get("provenance"))
        print(f"\nN={args.n} articles, Batch API stand-in (summarizer.testing_batches) on 127.0.0.1, the real openai client\n")
        print("| measure | value |\n|---|---|")
        rows = [
            ("submitted (scan, round 1, upload, create) before the kill", f"{submit_s:.2f} s"),
            ("batches on the server at the kill -9", str(batches_at_kill)),
            ("rerun: exit status", str(rerun.returncode)),
            ("rerun: wall (poll, download, re-ask job, rounds)", f"{rerun_s:.2f} s"),
            ("jobs in all (first answers, re-asks)", " + ".join(str(len(ls)) for ls in lines.values())),
            ("requests sent twice", str(len(ids) - len(set(ids)))),
            ("valid briefs", f"{len(comparable_briefs(out))}/{args.n}"),
            ("briefs identical to the live run's (less times and cost)", str(comparable_briefs(out) == comparable_briefs(root / 'live'))),
            ("report identical to the live run's (less times and cost)", str(comparable_report(out) == comparable_report(root / 'live'))),
            ("cost: Batch API / live", f"${cost:.4f} / ${live_cost:.4f} = {cost / live_cost:.2f}x"),
            ("live run of the same folder (concurrency 8, no latency)", f"{live_s:.2f} s"),
        ]
        for name, value in rows:
            print(f"| {name} | {value} |")
        if rerun.returncode:
            print(rerun.stderr[-2000:])


if __name__ == "__main__":
    main()
