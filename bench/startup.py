"""Wall time of the commands that should answer at once: `--help`, `schema`. Prints numbers; not a test.

    python bench/startup.py [--runs 7]

Each command runs as a fresh process (the installed `summarizer` entry point) `--runs` times; the median
and the slowest are printed beside a bare `python -c pass`, the floor no command can go under. Also shown:
which heavy modules the command imported (none of openai, instructor, pydantic, trafilatura, tiktoken
should load to print help).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time

HEAVY = ("openai", "instructor", "pydantic", "trafilatura", "tiktoken", "httpx", "slack_bolt", "llama_cpp")
COMMANDS = [["--help"], ["schema"], ["batch", "--help"], ["brief", "--help"], ["eval", "--help"]]


def timed(argv: list[str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - started)
    return times


def heavy_imports(args: list[str]) -> list[str]:
    probe = ("import sys, runpy; sys.argv = ['summarizer', *sys.argv[1:]]\n"
             "try:\n    runpy.run_module('summarizer', run_name='__main__')\nexcept SystemExit:\n    pass\n"
             f"print(','.join(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True)
    return [m for m in done.stderr.strip().splitlines()[-1].split(",") if m] if done.stderr.strip() else []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    exe = shutil.which("summarizer") or sys.exit("the summarizer entry point is not installed (pip install -e .)")
    floor = timed([sys.executable, "-c", "pass"], args.runs)
    print(f"\n{args.runs} runs each, Python {sys.version.split()[0]}; target: at most 0.3 s\n")
    print("| command | median | slowest | heavy modules imported |\n|---|---|---|---|")
    print(f"| python -c pass (the floor) | {statistics.median(floor):.3f} s | {max(floor):.3f} s | |")
    for command in COMMANDS:
        times = timed([exe, *command], args.runs)
        print(f"| summarizer {' '.join(command)} | {statistics.median(times):.3f} s | {max(times):.3f} s | "
              f"{', '.join(heavy_imports(command)) or 'none'} |")


if __name__ == "__main__":
    main()
