"""Benchmark of `summarizer batch` against a local fake model server (no network).

    /work/venv/bin/python bench/batch_bench.py [--n 200] [--latency 0.5] [--concurrency 8]

The fake (summarizer.testing.FakeServer on 127.0.0.1, in a child process so it does not compete with the
client for the GIL) answers every request after a fixed latency with a grounded draft built by quoting the
article in the request, so every brief passes the grounding gate. Each
case gets its own output folder and brief cache. Measured: a folder run against the ideal
ceil(N/concurrency) * latency; a sequential loop (on fewer articles, extrapolated); a rerun (index and cache);
and a run with 429s injected.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import math
import multiprocessing
import re
import sys
import tempfile
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

from summarizer.batch import BatchReport, FolderBatch
from summarizer.llm import LLM
from summarizer.pipeline import Summarizer
from summarizer.testing import FakeError, FakeModel, FakeServer

FIRST = ["Anna", "Boris", "Clara", "Dmitri", "Elif", "Farid", "Greta", "Hugo"]
LAST = ["Novak", "Lindholm", "Okafor", "Petrescu", "Quinn", "Rahman", "Silva", "Tanaka"]
TOWNS = ["Arden", "Belmora", "Corvik", "Dunmere", "Eskholt", "Falwick", "Gorsk"]
_TAGGED = re.compile(r"<(article[^<>\s]*)>\n(.*)\n</\1>", re.S)
_ACTOR = re.compile(r"^([A-Z]\w+ [A-Z]\w+), ([^,\n]+),", re.M)
T = TypeVar("T")
MODEL = "gpt-4o-mini"  # a priced name, so the cost column shows the list-price estimate of the fake's usage


def article(i: int) -> str:
    town, person = TOWNS[i % len(TOWNS)], f"{FIRST[i % 8]} {LAST[(i // 8) % 8]}"
    return (
        f"The council of {town} approved tram line number {i} on Monday after a long debate about its cost.\n\n"
        f"{person}, mayor of {town}, said the line would open within three years and serve the northern districts.\n\n"
        "Opponents argued that the money should go to road repairs instead, and residents planned a petition.\n"
    )


def quoting_answer(body: dict[str, Any]) -> dict[str, Any]:
    """A grounded draft for the article in the request: every quote is copied from it."""
    user = [m["content"] for m in body["messages"] if m["role"] == "user"][-1]
    found = _TAGGED.search(user)
    text = found.group(2) if found else user
    first = next(line.strip() for line in text.splitlines() if line.strip())
    actor = _ACTOR.search(text)
    who = [{"name": actor.group(1), "role": actor.group(2), "evidence": [actor.group(0).rstrip(",")]}] if actor else []
    return {"headline": first, "who": who, "what": {"summary": first, "evidence": [first]},
            "background": [], "proposed_responses": []}


def _serve(latency: float, nth: int, retry_after: str, calls: Any, errors: Any, ready: Any, stop: Any,
           capacity: int = 0, answer: Callable[[dict[str, Any]], Any] | None = None, peak: Any = None,
           warm: Callable[[], None] | None = None) -> None:
    """The fake model server, in a process of its own so its work does not share the client's GIL.

    `nth`: every nth request is refused with 429 whatever the load. `capacity`: a request that finds more
    than `capacity` others in flight is refused at once with 429, like a server at its limit. `answer`: what
    a request is answered with (a module-level function, so it crosses to the child); the tram draft when None.
    `peak`: the most requests the server held at once. `warm`: run before the server says it is ready."""
    reply = answer or quoting_answer
    if warm is not None:
        warm()

    def respond(body: dict[str, Any]) -> Any:
        with calls.get_lock():
            calls.value += 1
            hit = bool(nth) and calls.value % nth == 0
        if peak is not None:
            with peak.get_lock():
                peak.value = max(peak.value, model.in_flight)
        if capacity and model.in_flight > capacity:
            hit = True
        if hit:
            with errors.get_lock():
                errors.value += 1
            return FakeError(429, "rate limited", headers={"retry-after": retry_after})
        time.sleep(latency)
        return reply(body)

    model = FakeModel(respond, keep_requests=False)
    with FakeServer(model) as server:
        ready.put(server.base_url)
        stop.wait()


class ServerProcess:
    """A FakeServer in a child process; every `nth` request (0: none) answers 429 with `retry_after`; each
    request gets `answer(body)` after `latency` seconds (`answer` and `warm`, module-level functions)."""

    def __init__(self, latency: float, *, nth: int = 0, retry_after: str = "0", capacity: int = 0,
                 answer: Callable[[dict[str, Any]], Any] | None = None, warm: Callable[[], None] | None = None):
        ctx = multiprocessing.get_context("spawn")
        self._calls, self._errors, self._peak = ctx.Value("i", 0), ctx.Value("i", 0), ctx.Value("i", 0)
        self._ready, self._stop = ctx.Queue(), ctx.Event()
        self._process = ctx.Process(
            target=_serve,
            args=(latency, nth, retry_after, self._calls, self._errors, self._ready, self._stop, capacity, answer,
                  self._peak, warm),
            daemon=True,
        )
        self.base_url = ""

    @property
    def calls(self) -> int:
        return int(self._calls.value)

    @property
    def errors(self) -> int:
        return int(self._errors.value)

    @property
    def peak(self) -> int:
        """The most requests the server held at once."""
        return int(self._peak.value)

    def __enter__(self) -> ServerProcess:
        self._process.start()
        self.base_url = self._ready.get(timeout=30)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._process.join(timeout=10)


def summarizer(base_url: str, cache: Path, concurrency: int) -> Summarizer:
    return Summarizer(LLM(base_url=base_url, api_key="fake", model=MODEL, max_concurrency=concurrency), cache=cache)


def run_closing(s: Summarizer, coro: Coroutine[Any, Any, T]) -> T:
    """asyncio.run, closing the model client in the same loop (its connections belong to that loop)."""

    async def go() -> T:
        try:
            return await coro
        finally:
            await s.llm.client.close()

    return asyncio.run(go())


def folder_run(folder: Path, out: Path, base_url: str, cache: Path, concurrency: int) -> BatchReport:
    s = summarizer(base_url, cache, concurrency)
    return run_closing(s, FolderBatch(folder, out, summarizer=s, concurrency=concurrency).run())


async def sequential(s: Summarizer, paths: list[Path]) -> float:
    started = time.monotonic()
    for path in paths:
        await s.abrief(path)
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.5)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--sequential-n", type=int, default=20, help="articles for the sequential baseline")
    args = parser.parse_args()
    # Retries are expected in the 429 case; keep the table readable (summarizer.llm still logs at ERROR).
    logging.basicConfig(level=logging.ERROR, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("instructor").setLevel(logging.CRITICAL)
    n, lat, c = args.n, args.latency, args.concurrency
    rows: list[tuple[str, str, str, str, str]] = []

    with tempfile.TemporaryDirectory(prefix="batch-bench-") as tmp:
        root = Path(tmp)
        folder = root / "articles"
        for i in range(n):
            sub = folder / f"part{i % 4}"
            sub.mkdir(parents=True, exist_ok=True)
            (sub / f"story{i:04d}.txt").write_text(article(i), encoding="utf-8")
        paths = sorted(folder.rglob("*.txt"))

        with ServerProcess(lat) as server:
            # Warm-up, untimed: the first brief imports instructor and compiles the schema (~1 s, once per process).
            warm = summarizer(server.base_url, root / "warm.sqlite3", 1)
            run_closing(warm, warm.abrief(article(10_000)))

            calls = server.calls
            report = folder_run(folder, root / "out", server.base_url, root / "cache.sqlite3", c)
            ideal = math.ceil(n / c) * lat
            batch_s, batch_calls = report.wall_s, server.calls - calls
            assert report.done == n, f"only {report.done} of {n} briefed"
            rows.append((f"batch, concurrency {c}", f"{batch_s:.2f} s", f"{batch_calls}",
                         f"{n / batch_s:.1f}/s", f"ideal ceil({n}/{c})*{lat} = {ideal:.2f} s -> {batch_s / ideal:.3f}x"))

            m = min(args.sequential_n, n)
            seq = summarizer(server.base_url, root / "seq.sqlite3", 1)
            seq_s = run_closing(seq, sequential(seq, paths[:m]))
            seq_total = seq_s * n / m
            rows.append((f"sequential loop, {m} articles", f"{seq_s:.2f} s", f"{m}", f"{m / seq_s:.1f}/s",
                         f"extrapolated to {n}: {seq_total:.1f} s; batch is {seq_total / batch_s:.1f}x faster; "
                         f"client overhead {1000 * (seq_s / m - lat):.0f} ms/article"))

            calls = server.calls
            report = folder_run(folder, root / "out", server.base_url, root / "cache.sqlite3", c)
            rows.append(("rerun, same --out (index)", f"{report.wall_s:.2f} s", f"{server.calls - calls}",
                         f"{n / report.wall_s:.0f}/s", f"{report.unchanged} unchanged, {report.ok} redone"))

            calls = server.calls
            report = folder_run(folder, root / "out2", server.base_url, root / "cache.sqlite3", c)
            rows.append(("rerun, new --out (cache)", f"{report.wall_s:.2f} s", f"{server.calls - calls}",
                         f"{n / report.wall_s:.0f}/s", f"{report.cached} from the SQLite cache"))

        with ServerProcess(lat, nth=5, retry_after="0.2") as server:
            s = summarizer(server.base_url, root / "cache429.sqlite3", c)
            job = FolderBatch(folder, root / "out429", summarizer=s, concurrency=c)
            report = run_closing(s, job.run())
            rows.append(("batch, every 5th request 429 (retry-after 0.2 s)", f"{report.wall_s:.2f} s", f"{server.calls}",
                         f"{n / report.wall_s:.1f}/s",
                         f"{report.done}/{n} briefed, {report.failed} failed, {server.errors} x 429 answered; "
                         f"throttle ended at {s.llm.throttle.limit:.1f} of {c}; "
                         f"{report.wall_s / batch_s:.2f}x the clean run"))

        cap = 4
        with ServerProcess(lat, capacity=cap, retry_after="0.2") as server:
            s = summarizer(server.base_url, root / "cachecap.sqlite3", c)
            job = FolderBatch(folder, root / "outcap", summarizer=s, concurrency=c)
            report = run_closing(s, job.run())
            ideal = math.ceil(n / cap) * lat
            rows.append((f"batch, server admits {cap} at once (429 beyond, retry-after 0.2 s)", f"{report.wall_s:.2f} s",
                         f"{server.calls}", f"{n / report.wall_s:.1f}/s",
                         f"{report.done}/{n} briefed, {report.failed} failed, {server.errors} x 429; "
                         f"ideal at capacity {cap}: {ideal:.1f} s -> {report.wall_s / ideal:.2f}x; "
                         f"throttle went down to {s.llm.throttle.lowest:.1f}, ended at {s.llm.throttle.limit:.1f} of {c}"))

    headers = ("case", "wall", "model calls", "throughput", "notes")
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    print(f"\nN={n} articles, latency {lat} s per call, concurrency {c}, fake server in its own process on 127.0.0.1, Python {sys.version.split()[0]}\n")
    print("| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print("| " + " | ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)) + " |")
    within = rows[0][4].rsplit("-> ", 1)[1]
    print(f"\ntarget: batch within 1.2x of ideal -> {within}; rerun model calls target 0 -> {rows[2][2]} and {rows[3][2]}")


if __name__ == "__main__":
    main()
