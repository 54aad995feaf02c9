"""Client CPU per brief: the grounding gate alone, and the whole client. Prints numbers; not a test.

    python bench/gate_cpu.py [--rounds 30] [--only rail]

Cases: every recorded answer in tests/real_answers/ (Qwen2.5-Coder-1.5B drafts of the repo's articles),
and bench/articles/rail_landslide.txt, a ~1,100-word article written for this benchmark, with a FAKE
full draft of 22 items written by hand (bench/articles/rail_landslide.draft.json says what is in it).

gate    `ground(draft, article)` alone, on the draft as the pipeline gets it (salvaged when it does not
        validate).
client  `Summarizer(...).abrief_article(article)` with cache=None and reasks=0 against the in-process fake
        client replying with the recorded answer (latency 0), then `to_json(brief)`: the OpenAI SDK's
        request and response, Instructor's parse and pydantic validation of the Draft, `salvage` when it
        does not validate, the gate, the Brief, its JSON. A fresh Article each time, so its language is
        detected again. process_time counts every thread of the process, the fake server's too (it decodes
        the request and encodes its reply), so the figure is if anything high. The client is built for
        gpt-4o-mini (`--model`): the batches where client CPU limits the rate are those against a hosted
        model (a local model takes a minute a brief), whose input budget needs no token count for an
        article of this length. `--model qwen2.5-coder-1.5b-instruct` gives a local model's 6,000-token
        budget, which a 6,580-byte article exceeds in bytes, so it is counted (about 0.3 ms).
loop    the same briefs, the CPU of the event-loop thread alone (time.thread_time): the client without the
        fake server's thread.

All are CPU time per brief, with every cache of the gate emptied first, as for an article never seen; one
warm-up brief per case is not counted. The medians leave out the briefs during which the garbage collector
made a full pass; `loop mean` is the event-loop thread's CPU over all the briefs divided by their number, the
collector included: the figure a batch pays. The client runs after the batch's own warm-up
(`summarizer.batch_run.warm_up`), which freezes what the process has loaded so full passes skip it and
collects the young generation every 10,000 allocations instead of 700; every CACHE_LIFE-th brief also pays
for the batch's `tidy` (a collection of the younger generations).

The machine's speed moves from minute to minute (a shared virtual machine): the calibration loop printed at
the end says how fast it was during the run. `idle ms` puts a number on it: before each client brief the
calibration loop runs once more (100,000 steps), and the brief's event-loop CPU is divided by that run's;
the median of those ratios times the 1M-step loop's time on an idle day (21-25 ms) is what the brief would
take on an idle machine, as far as the load slows both alike (it does not quite: the estimate still moves
with the load). For comparisons between two versions of the code, run both back to back, or count
instructions with valgrind (`--tool=callgrind`), which does not depend on load.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from summarizer.batch_run import CACHE_LIFE, tidy, warm_up  # noqa: E402
from summarizer.llm import LLM  # noqa: E402
from summarizer.pipeline import Summarizer  # noqa: E402
from summarizer.render import to_json  # noqa: E402
from summarizer.schemas import Draft, ground  # noqa: E402
from summarizer.schemas.draft import salvage  # noqa: E402
from summarizer.schemas.text import clear_caches  # noqa: E402
from summarizer.sources import Article, from_text  # noqa: E402
from summarizer.testing import FakeModel, fake_async_client  # noqa: E402
from summarizer.tokens import input_budget  # noqa: E402

HOSTED, LOCAL = "gpt-4o-mini", "qwen2.5-coder-1.5b-instruct"
RECORDS = [*sorted((ROOT / "tests" / "real_answers").glob("*.json")), *sorted((ROOT / "bench" / "articles").glob("*.draft.json"))]


def _cases() -> list[tuple[str, str, str]]:
    """(name, raw answer, article text) for every record whose article is here."""
    cases = []
    for path in RECORDS:
        if path.name.startswith("judgments"):
            continue
        record = json.loads(path.read_text(encoding="utf-8"))
        article = (ROOT / record["article"]).resolve()
        if article.exists():
            name = path.stem.removesuffix(".draft") + (" (fake draft)" if "FAKE" in record.get("note", "") else "")
            cases.append((name, record["answer"], from_text(article.read_text(encoding="utf-8")).text))
    return cases


def _draft(raw: str) -> tuple[Draft, list]:
    try:
        return Draft.model_validate_json(raw), []
    except ValueError:
        salvaged = salvage(raw)
        assert salvaged is not None
        return salvaged


def _gate(raw: str, text: str, rounds: int) -> list[float]:
    draft, lost = _draft(raw)
    times = []
    for _ in range(rounds + 1):
        clear_caches()
        started = time.process_time()
        ground(draft, text, dropped=lost)
        times.append(time.process_time() - started)
    return times[1:]


async def _client(raw: str, text: str, rounds: int, model: str) -> list[tuple[float, float, float]]:
    """(process CPU, event-loop thread CPU, that divided by a 1M-step loop's CPU timed just before) per
    brief, after the batch's own warm-up."""
    summarizer = Summarizer(LLM(fake_async_client(FakeModel(raw)), model=model), cache=None, reasks=0)
    warm_up(summarizer)
    times = []
    try:
        for k in range(1, rounds + 2):
            step = _loop(100_000) * 10
            clear_caches()
            started, loop_started = time.process_time(), time.thread_time()
            if k % CACHE_LIFE == 0:
                tidy()  # what a batch does every CACHE_LIFE briefs (a collection of the younger generations)
            brief = await summarizer.abrief_article(Article(text=text, label="article.txt"))
            to_json(brief)
            loop = time.thread_time() - loop_started
            times.append((time.process_time() - started, loop, loop / step))
    finally:
        await summarizer.aclose()
    return times[1:]


def _loop(steps: int) -> float:
    """CPU seconds of a fixed pure-Python loop of `steps` additions."""
    started = time.process_time()
    total = 0
    for i in range(steps):
        total += i
    return time.process_time() - started


def _calibration() -> float:
    """CPU ms of a fixed pure-Python loop, the best of five: how fast this machine is right now."""
    return min(_loop(1_000_000) for _ in range(5)) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--only", help="run only the cases whose name contains this")
    parser.add_argument("--model", default=HOSTED, help=f"the model name the client is built with (default "
                        f"{HOSTED}: its input budget is {input_budget(HOSTED):,} tokens, so a 1,000-word article is "
                        f"never counted; a local model's ({LOCAL!r}, {input_budget(LOCAL):,} tokens) counts it)")
    args = parser.parse_args()
    cases = [c for c in _cases() if not args.only or args.only in c[0]]
    calibration = _calibration()
    print(f"{'case':<30} {'words':>5} {'items':>5} {'gate ms':>8} {'client ms':>9} {'loop ms':>8} {'loop mean':>9} "
          f"{'idle ms':>9}")
    real: dict[str, list[float]] = {"gate": [], "client": [], "loop": [], "mean": [], "idle": []}
    for name, raw, text in cases:
        draft, _ = _draft(raw)
        items = len(draft.who) + len(draft.background) + len(draft.proposed_responses) + len(draft.key_figures) + 1
        client_times = asyncio.run(_client(raw, text, args.rounds, args.model))  # its warm-up freezes what is loaded, as a batch's
        gate = statistics.median(_gate(raw, text, args.rounds)) * 1000
        row = {"gate": gate, "client": statistics.median(t for t, _, _ in client_times) * 1000,
               "loop": statistics.median(t for _, t, _ in client_times) * 1000,
               "mean": sum(t for _, t, _ in client_times) / len(client_times) * 1000,
               "idle": statistics.median(r for _, _, r in client_times)}  # (per 1M-step loop ms)
        if "fake" not in name:
            for k, v in row.items():
                real[k].append(v)
        print(f"{name:<30} {len(text.split()):>5} {items:>5} {row['gate']:8.1f} {row['client']:9.1f} {row['loop']:8.1f} "
              f"{row['mean']:9.1f} {row['idle'] * 21:4.1f}-{row['idle'] * 25:<4.1f}", flush=True)
    if real["gate"]:
        print(f"\nmedian over the {len(real['gate'])} real answers: gate {statistics.median(real['gate']):.1f} ms, client "
              f"{statistics.median(real['client']):.1f} ms, loop thread {statistics.median(real['loop']):.1f} ms "
              f"(mean {statistics.median(real['mean']):.1f} ms) per brief; on an idle machine about "
              f"{statistics.median(real['idle']) * 21:.1f}-{statistics.median(real['idle']) * 25:.1f} ms")
    print(f"CPU time per brief, client built for model {args.model!r}, {args.rounds} briefs per case after a warm-up, caches emptied before each. gate, client, "
          f"loop: medians; loop mean: the event-loop thread's total over all the briefs, divided by their number, "
          f"collector passes included (what a batch pays); idle ms: the loop thread's CPU as on an idle machine (each "
          f"brief against a calibration loop timed just before it). This machine ran a fixed 1M-step Python loop in "
          f"{calibration:.0f} ms (21-25 ms when idle).")


if __name__ == "__main__":
    main()
