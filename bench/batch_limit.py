"""A batch at its limit: wall time against ceil(N/C)·L, the least a batch of N articles can take at concurrency C
when every model call takes L seconds. Prints numbers; not a test.

    python bench/batch_limit.py                          # N=40 C=8 L=0.5 and N=256 C=64 L=2, both answer modes
    python bench/batch_limit.py --case 40x8x0.5 --answers kept --skip-inprocess

Articles: the repo's 700-800-word `tests/articles/news_*.txt`, copied into N distinct files (bench/standin.py).
The stand-in model, summarizer.testing.FakeServer in its own process (the machine has 2 cores: it must not
share the client's GIL), answers every request after L seconds with a full draft for the article in it:

* `recorded`: the real model's recorded answer for that article (tests/real_answers). The gate removes
  something from every one, so every article is asked again once and gets the same answer: 2 calls per
  article, whose least is ceil(N/C)·2L.
* `kept`: that answer without what the gate removes, as from a model right the first time: 1 call per
  article, so the least is the issue's ceil(N/C)·L.

Each case is measured twice. `command`: `summarizer batch` as a fresh process, as a user runs it, with
OPENAI_BASE_URL / --model pointing at the stand-in and a fresh --cache and --out: the wall time of the whole
command and the time inside the batch (its "Finished in X s", BatchReport.wall_s), and the process's CPU.
`in-process`: FolderBatch.run in this (warmed-up) process, for its exact wall_s and the CPU per brief split
into the gate (`ground`, on the event loop thread) and everything else.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from functools import wraps
from pathlib import Path
from typing import Any

from batch_bench import MODEL, ServerProcess, run_closing, summarizer
from standin import ANSWER_MODES, write_copies

import summarizer.pipeline as pipeline
from summarizer.batch import DEFAULT_ARTICLE_TIMEOUT, FolderBatch

_FINISHED = re.compile(r"Finished in ([\d.]+) s: (\d+) of (\d+) articles briefed")


@dataclass
class Run:
    label: str
    inside_s: float
    whole_s: float | None
    calls: int
    peak: int
    cpu_s: float
    gate_s: float | None = None


def command(folder: Path, out: Path, cache: Path, base_url: str, c: int) -> tuple[float, float, float]:
    """`summarizer batch` as a fresh process: (inside the batch, the whole command, its CPU), in seconds."""
    exe = shutil.which("summarizer", path=str(Path(sys.executable).parent))
    head = [exe] if exe else [sys.executable, "-m", "summarizer"]
    cmd = [*head, "batch", str(folder), "--out", str(out), "--concurrency", str(c), "--model", MODEL,
           "--cache", str(cache)]
    env = {**os.environ, "OPENAI_BASE_URL": base_url, "OPENAI_API_KEY": "stand-in"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    whole = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    found = _FINISHED.search(done.stdout)
    if done.returncode != 0 or found is None or found.group(2) != found.group(3):
        raise SystemExit(f"summarizer batch failed ({done.returncode}):\n{done.stdout}\n{done.stderr[-2000:]}")
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return float(found.group(1)), whole, cpu


class GateClock:
    """CPU the grounding gate spends, on the thread that runs it (the event loop's)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.calls = 0
        self._ground = pipeline.ground

    def __enter__(self) -> GateClock:
        inner = self._ground

        @wraps(inner)
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.thread_time()
            try:
                return inner(*args, **kwargs)
            finally:
                self.seconds += time.thread_time() - started
                self.calls += 1

        pipeline.ground = timed
        return self

    def __exit__(self, *exc: object) -> None:
        pipeline.ground = self._ground


def in_process(folder: Path, out: Path, cache: Path, server: ServerProcess, c: int, n: int) -> Run:
    """FolderBatch.run here, after a warm-up brief (imports, schema, tokenizer: once per process)."""
    base_url = server.base_url
    warm = summarizer(base_url, cache.with_suffix(".warm"), 1)
    run_closing(warm, warm.abrief(next(folder.rglob("*.txt"))))
    calls = server.calls
    s = summarizer(base_url, cache, c)
    job = FolderBatch(folder, out, summarizer=s, concurrency=c, article_timeout=DEFAULT_ARTICLE_TIMEOUT)
    with GateClock() as gate:
        cpu = time.process_time()
        report = run_closing(s, job.run())
        cpu = time.process_time() - cpu
    assert report.done == n, f"only {report.done} of {n} briefed ({report.failed} failed)"
    return Run("in-process", report.wall_s, None, server.calls - calls, server.peak, cpu, gate.seconds)


def case(n: int, c: int, latency: float, mode: str, *, run_command: bool, run_inprocess: bool) -> list[Run]:
    answer, warm = ANSWER_MODES[mode]
    runs = []
    with tempfile.TemporaryDirectory(prefix="batch-limit-") as tmp:
        root = Path(tmp)
        write_copies(root / "articles", n)
        with ServerProcess(latency, answer=answer, warm=warm) as server:
            if run_command:
                calls = server.calls
                inside, whole, cpu = command(root / "articles", root / "out-cmd", root / "cmd.sqlite3",
                                             server.base_url, c)
                runs.append(Run("command", inside, whole, server.calls - calls, server.peak, cpu))
            if run_inprocess:
                runs.append(in_process(root / "articles", root / "out-lib", root / "lib.sqlite3", server, c, n))
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--case", action="append", metavar="NxCxL",
                        help="articles x concurrency x latency (repeatable) [default: 40x8x0.5 and 256x64x2]")
    parser.add_argument("--answers", default="kept,recorded", help="answer modes, comma-separated: kept, recorded")
    parser.add_argument("--skip-command", action="store_true")
    parser.add_argument("--skip-inprocess", action="store_true")
    args = parser.parse_args()
    cases = [tuple(x.split("x")) for x in (args.case or ["40x8x0.5", "256x64x2"])]
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores; stand-in in its own process on 127.0.0.1\n")
    header = ("case", "answers", "run", "calls", "peak", "inside", "whole", "least", "inside/least", "whole/least",
              "CPU/brief", "gate/brief")
    rows = []
    for n_, c_, lat_ in cases:
        n, c, lat = int(n_), int(c_), float(lat_)
        for mode in args.answers.split(","):
            for r in case(n, c, lat, mode, run_command=not args.skip_command, run_inprocess=not args.skip_inprocess):
                per = r.calls / n  # calls per article, one after another: each is a full latency
                least = math.ceil(n / c) * lat * max(1, round(per))
                rows.append((f"N={n} C={c} L={lat:g}", mode, r.label, f"{r.calls} ({per:.2f}/article)",
                             str(r.peak), f"{r.inside_s:.2f} s", f"{r.whole_s:.2f} s" if r.whole_s else "-",
                             f"{least:.2f} s", f"{r.inside_s / least:.2f}x",
                             f"{r.whole_s / least:.2f}x" if r.whole_s else "-", f"{1000 * r.cpu_s / n:.0f} ms",
                             f"{1000 * r.gate_s / n:.0f} ms" if r.gate_s is not None else "-"))
                print("  ".join(rows[-1]), flush=True)
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(header)]
    print("\n| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print("| " + " | ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)) + " |")
    print("\nleast: ceil(N/C)·L per call an article needs in turn (kept: 1, the issue's limit; recorded: 2, the "
          "re-ask). Target: inside/least <= 1.2. CPU/brief: the command's whole process CPU over N (startup "
          "included); in-process: this process's CPU during the batch over N, gate/brief the part in `ground`.")


if __name__ == "__main__":
    main()
