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
import statistics
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
_LAST_RUN = re.compile(r"finished in ([\d.]+) s(?: \(after ([\d.]+) s loading)?")


@dataclass
class Run:
    label: str
    inside_s: float
    whole_s: float | None
    calls: int
    peak: int
    cpu_s: float
    gate_s: float | None = None
    warm_s: float = 0.0


def command(folder: Path, out: Path, cache: Path, base_url: str, c: int) -> tuple[float, float, float, float]:
    """`summarizer batch` as a fresh process: (inside the batch, the whole command, its CPU, its warm-up), in
    seconds; inside and warm-up as the report's "Last run" line has them, to the hundredth."""
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
    last = _LAST_RUN.search((out / "index.md").read_text(encoding="utf-8"))
    assert last is not None, "no 'Last run' line in index.md"
    return float(last.group(1)), whole, cpu, float(last.group(2) or 0)


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
    return Run("in-process", report.wall_s, None, server.calls - calls, server.peak, cpu, gate.seconds,
               report.warm_s)


def case(n: int, c: int, latency: float, mode: str, *, run_command: bool, run_inprocess: bool,
         repeat: int) -> list[list[Run]]:
    """Each kind of run `repeat` times, each time into a fresh output folder and cache."""
    answer, warm = ANSWER_MODES[mode]
    kinds: list[list[Run]] = [[] for _ in range(run_command + run_inprocess)]
    with tempfile.TemporaryDirectory(prefix="batch-limit-") as tmp:
        root = Path(tmp)
        write_copies(root / "articles", n)
        with ServerProcess(latency, answer=answer, warm=warm) as server:
            for i in range(repeat):
                if run_command:
                    calls = server.calls
                    inside, whole, cpu, warm_s = command(root / "articles", root / f"out-cmd{i}",
                                                         root / f"cmd{i}.sqlite3", server.base_url, c)
                    kinds[0].append(Run("command", inside, whole, server.calls - calls, server.peak, cpu,
                                        warm_s=warm_s))
                if run_inprocess:
                    kinds[-1].append(in_process(root / "articles", root / f"out-lib{i}", root / f"lib{i}.sqlite3",
                                                server, c, n))
    return kinds


def _s(values: list[float]) -> str:
    """median, and the best run in brackets when there are several (another process on these 2 cores only
    ever makes a run slower)."""
    med = statistics.median(values)
    return f"{med:.2f} s" + (f" ({min(values):.2f})" if len(values) > 1 else "")


def _x(values: list[float], least: float) -> str:
    med = statistics.median(values) / least
    return f"{med:.2f}x" + (f" ({min(values) / least:.2f})" if len(values) > 1 else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--case", action="append", metavar="NxCxL",
                        help="articles x concurrency x latency (repeatable) [default: 40x8x0.5 and 256x64x2]")
    parser.add_argument("--answers", default="kept,recorded", help="answer modes, comma-separated: kept, recorded")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each kind; the median is shown, the best in ()")
    parser.add_argument("--skip-command", action="store_true")
    parser.add_argument("--skip-inprocess", action="store_true")
    args = parser.parse_args()
    cases = [tuple(x.split("x")) for x in (args.case or ["40x8x0.5", "256x64x2"])]
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} "
          f"at the start; stand-in in its own process on 127.0.0.1; {args.repeat} runs of each kind\n")
    header = ("case", "answers", "run", "calls", "peak", "inside", "whole", "least", "inside/least", "whole/least",
              "warm-up", "CPU/brief", "gate/brief")
    rows = []
    for n_, c_, lat_ in cases:
        n, c, lat = int(n_), int(c_), float(lat_)
        for mode in args.answers.split(","):
            kinds = case(n, c, lat, mode, run_command=not args.skip_command, run_inprocess=not args.skip_inprocess,
                         repeat=args.repeat)
            for runs in kinds:
                r = runs[0]
                per = r.calls / n  # calls per article, one after another: each is a full latency
                least = math.ceil(n / c) * lat * max(1, round(per))
                inside = [x.inside_s for x in runs]
                whole = [x.whole_s for x in runs if x.whole_s is not None]
                gate = [x.gate_s for x in runs if x.gate_s is not None]
                rows.append((f"N={n} C={c} L={lat:g}", mode, r.label, f"{r.calls} ({per:.2f}/article)",
                             str(max(x.peak for x in runs)), _s(inside), _s(whole) if whole else "-",
                             f"{least:.2f} s", _x(inside, least), _x(whole, least) if whole else "-",
                             f"{statistics.median(x.warm_s for x in runs):.2f} s",
                             f"{1000 * statistics.median(x.cpu_s for x in runs) / n:.0f} ms",
                             f"{1000 * statistics.median(gate) / n:.0f} ms" if gate else "-"))
                print("  ".join(rows[-1]), flush=True)
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(header)]
    print("\n| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print("| " + " | ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)) + " |")
    print(f"\nload average {os.getloadavg()[0]:.2f} at the end. least: ceil(N/C)·L for each call an article "
          "needs in turn (kept: 1, the issue's limit; recorded: 2, the re-ask). Target: inside/least <= 1.2. "
          "inside: BatchReport.wall_s (the command's from its report); warm-up: loading the model layer before "
          "the first article, once per process, not in inside (in whole). CPU/brief: command, the whole "
          "process's CPU over N (startup included); in-process, this process's CPU during the batch over N, "
          "gate/brief the part in `ground`.")


if __name__ == "__main__":
    main()
