"""Memory of a folder run against its size: peak RSS of `summarizer batch` over N articles, for a small and a
large N. Prints numbers; not a test.

    python bench/batch_memory.py                       # 200 and 2,000 articles, kept and recorded answers
    python bench/batch_memory.py --sizes 200,2000 --answers kept --skip-inprocess
    python bench/batch_memory.py --inprocess-n 1000    # only the in-process slope

Articles: distinct copies of the repo's 700-800-word news articles (bench/standin.py); the stand-in model
(bench/batch_bench.py's ServerProcess, in its own process) answers after `--latency` seconds. `kept`: one call
per article; `recorded`: every article is re-asked once (two calls).

`command`: `summarizer batch` as a fresh process, as a user runs it, with a fresh --out and --cache. Its peak
RSS is the child's own ru_maxrss, from os.wait4 on that one child (RUSAGE_CHILDREN would be the largest of
every child so far, the stand-in included once it exits); its RSS is also sampled from /proc every 0.2 s, and
shown at each fifth of its life, to tell growth during the run from a step at the start or the end.

`in-process`: FolderBatch.run in this process, sampling every `--every` articles the bytes Python has
allocated (tracemalloc, after a collection) and the RSS. The slope of a least-squares line through the
samples is what each further article costs: flat memory is a slope of (close to) 0 bytes per article.
`--top N` also prints the N allocation sites that grew most between a quarter of the run and its end (with
16 frames each: several times slower).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

from batch_bench import MODEL, ServerProcess, run_closing, summarizer
from batch_limit import _FINISHED
from standin import ANSWER_MODES, write_copies

from summarizer.batch import FolderBatch
from summarizer.batch_run import BatchResult


@dataclass
class Measured:
    n: int
    mode: str
    peak_kib: int
    wall_s: float
    briefed: int
    calls: int
    curve: str
    threads: int


def _page_kib() -> int:
    return os.sysconf("SC_PAGE_SIZE") // 1024


def rss_kib() -> int:
    """This process's resident set now (not its peak), from /proc (Linux)."""
    with open("/proc/self/statm", encoding="ascii") as f:
        return int(f.read().split()[1]) * _page_kib()


def command(folder: Path, out: Path, cache: Path, base_url: str, c: int) -> tuple[int, float, int, list[int], int]:
    """`summarizer batch` as a fresh process: (its own peak RSS in KiB, the whole command's wall, briefed, its
    RSS in KiB sampled every `_POLL_S` while it ran, the most threads it was seen with)."""
    exe = shutil.which("summarizer", path=str(Path(sys.executable).parent))
    head = [exe] if exe else [sys.executable, "-m", "summarizer"]
    cmd = [*head, "batch", str(folder), "--out", str(out), "--concurrency", str(c), "--model", MODEL,
           "--cache", str(cache)]
    env = {**os.environ, "OPENAI_BASE_URL": base_url, "OPENAI_API_KEY": "stand-in"}
    samples: list[int] = []
    threads = 0
    started = time.monotonic()
    with tempfile.TemporaryFile() as stdout, tempfile.TemporaryFile() as stderr:
        child = subprocess.Popen(cmd, env=env, stdout=stdout, stderr=stderr)
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            with contextlib.suppress(OSError, ValueError, IndexError), \
                    open(f"/proc/{child.pid}/statm", encoding="ascii") as f:
                samples.append(int(f.read().split()[1]) * _page_kib())
            with contextlib.suppress(OSError, ValueError), open(f"/proc/{child.pid}/status", encoding="ascii") as f:
                threads = max(threads, *(int(line.split()[1]) for line in f if line.startswith("Threads:")))
            time.sleep(_POLL_S)
        child.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait for it again
        wall = time.monotonic() - started
        stdout.seek(0)
        text = stdout.read().decode("utf-8", "replace")
        stderr.seek(0)
        err = stderr.read().decode("utf-8", "replace")
    found = _FINISHED.search(text)
    if child.returncode != 0 or found is None:
        raise SystemExit(f"summarizer batch failed ({child.returncode}):\n{text}\n{err[-2000:]}")
    return usage.ru_maxrss, wall, int(found.group(2)), samples, threads  # ru_maxrss: KiB on Linux


_POLL_S = 0.2


def _curve(samples: list[int]) -> str:
    """The child's RSS at each fifth of its life, in MiB: a run that grows climbs, a flat one levels off."""
    if not samples:
        return "-"
    picks = [samples[min(len(samples) - 1, len(samples) * k // 5)] for k in range(1, 5)] + [samples[-1]]
    return " ".join(f"{x / 1024:.0f}" for x in picks)


def run_command(n: int, mode: str, latency: float, c: int, root: Path) -> Measured:
    folder = root / f"articles{n}"
    if not folder.exists():
        write_copies(folder, n)
    answer, warm = ANSWER_MODES[mode]
    with ServerProcess(latency, answer=answer, warm=warm) as server:
        peak, wall, briefed, samples, threads = command(folder, root / f"out-{mode}-{n}", root / f"cache-{mode}-{n}.sqlite3",
                                               server.base_url, c)
        calls = server.calls
    return Measured(n, mode, peak, wall, briefed, calls, _curve(samples), threads)


def slope(points: list[tuple[int, int]]) -> float:
    """Least-squares bytes per article through (articles done, bytes) samples."""
    if len(points) < 2:
        return 0.0
    mx = sum(x for x, _ in points) / len(points)
    my = sum(y for _, y in points) / len(points)
    sxx = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / sxx if sxx else 0.0


def in_process(n: int, mode: str, latency: float, c: int, every: int, root: Path, top: int = 0) -> None:
    folder = root / f"articles{n}"
    if not folder.exists():
        write_copies(folder, n)
    answer, warm = ANSWER_MODES[mode]
    traced: list[tuple[int, int]] = []
    rss: list[tuple[int, int]] = []
    snapshots: list[tracemalloc.Snapshot] = []

    def sample(result: BatchResult) -> None:
        if result.position % every == 0:
            gc.collect()
            traced.append((result.position, tracemalloc.get_traced_memory()[0]))
            rss.append((result.position, rss_kib() * 1024))
        if top and result.position in (n // 4, n - c):  # both in the steady state, before the drain
            gc.collect()
            snapshots.append(tracemalloc.take_snapshot())

    with ServerProcess(latency, answer=answer, warm=warm) as server:
        s = summarizer(server.base_url, root / f"inproc-{mode}-{n}.sqlite3", c)
        job = FolderBatch(folder, root / f"out-inproc-{mode}-{n}", summarizer=s, concurrency=c)
        tracemalloc.start(16 if top else 1)
        try:
            report = run_closing(s, job.run(sample))
        finally:
            tracemalloc.stop()
    # the first samples still hold the warm-up's one-off allocations and the first fill of every pool: the
    # slope is taken over the second half, where a run that grows still grows and a flat one is flat
    half = [p for p in traced if p[0] > n // 2]
    half_rss = [p for p in rss if p[0] > n // 2]
    print(f"in-process {mode} N={n}: {report.done} briefed in {report.wall_s:.1f} s; traced "
          f"{traced[0][1] / 2**20:.1f} MiB at {traced[0][0]} -> {traced[-1][1] / 2**20:.1f} MiB at {traced[-1][0]}; "
          f"slope over the second half {slope(half):.0f} B/article traced, {slope(half_rss):.0f} B/article RSS")
    for (x, y), (_, r) in zip(traced, rss, strict=True):
        print(f"  {x:>6} articles  traced {y / 2**20:7.2f} MiB  rss {r / 2**20:7.1f} MiB")
    if len(snapshots) == 2:
        span = n - c - n // 4
        print(f"  what grew between article {n // 4} and {n - c} ({span} articles), largest first:")
        for stat in snapshots[1].compare_to(snapshots[0], "traceback")[:top]:
            where = " <- ".join(f"{Path(f.filename).name}:{f.lineno}" for f in list(stat.traceback)[::-1][:5])
            print(f"    {stat.size_diff / span:8.0f} B/article  {stat.count_diff:+7d} blocks  {where}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="200,2000", help="article counts, comma-separated; the ratio is last/first")
    parser.add_argument("--answers", default="kept,recorded", help="answer modes, comma-separated: kept, recorded")
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--repeat", type=int, default=1, help="command runs per size; the median peak is shown")
    parser.add_argument("--inprocess-n", type=int, default=2000, help="articles for the in-process slope")
    parser.add_argument("--every", type=int, default=100, help="in-process: sample every this many articles")
    parser.add_argument("--top", type=int, default=0,
                        help="in-process: the N places that allocated most between a quarter and the end")
    parser.add_argument("--skip-command", action="store_true")
    parser.add_argument("--skip-inprocess", action="store_true")
    args = parser.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    modes = args.answers.split(",")
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores; latency {args.latency} s, concurrency "
          f"{args.concurrency}; stand-in in its own process\n", flush=True)
    with tempfile.TemporaryDirectory(prefix="batch-memory-") as tmp:
        root = Path(tmp)
        if not args.skip_command:
            rows = []
            for mode in modes:
                by_size: dict[int, list[Measured]] = {}
                for n in sizes:
                    for i in range(args.repeat):
                        m = run_command(n, mode, args.latency, args.concurrency, root / f"r{i}")
                        by_size.setdefault(n, []).append(m)
                        print(f"command {mode} N={n}: peak RSS {m.peak_kib / 1024:.1f} MiB, wall {m.wall_s:.1f} s, "
                              f"{m.briefed}/{n} briefed, {m.calls} calls; RSS at each fifth of the run "
                              f"{m.curve} MiB; at most {m.threads} threads", flush=True)
                peaks = {n: sorted(x.peak_kib for x in ms)[len(ms) // 2] for n, ms in by_size.items()}
                ratio = peaks[sizes[-1]] / peaks[sizes[0]]
                for n in sizes:
                    ms = by_size[n]
                    rows.append((mode, str(n), f"{peaks[n] / 1024:.1f} MiB",
                                 f"{sorted(x.wall_s for x in ms)[len(ms) // 2]:.1f} s",
                                 f"{ms[0].briefed}", f"{ms[0].calls}",
                                 f"{ratio:.3f}x" if n == sizes[-1] else ""))
            header = ("answers", "articles", "peak RSS", "wall", "briefed", "calls", f"{sizes[-1]}/{sizes[0]}")
            widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
            print("\n| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |")
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
            for row in rows:
                print("| " + " | ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)) + " |")
            print(f"\ntarget: peak RSS at {sizes[-1]} <= peak RSS at {sizes[0]} (ratio <= 1.0)\n", flush=True)
        if not args.skip_inprocess:
            for mode in modes:
                in_process(args.inprocess_n, mode, args.latency, args.concurrency, args.every, root, args.top)


if __name__ == "__main__":
    main()
