"""Client CPU per brief: the grounding gate alone, and the whole client. Prints numbers; not a test.

    python bench/gate_cpu.py [--rounds 7]

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
        the request and encodes its reply), so the figure is if anything high.
loop    the same briefs, the CPU of the event-loop thread alone (time.thread_time): the client without the
        fake server's thread.

Both are CPU time (time.process_time) per brief, with every cache of the gate emptied first, as for an
article never seen; one warm-up brief per case is not counted; the figure is the median over the rounds.
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

from summarizer.batch_run import warm_up  # noqa: E402
from summarizer.llm import LLM  # noqa: E402
from summarizer.pipeline import Summarizer  # noqa: E402
from summarizer.render import to_json  # noqa: E402
from summarizer.schemas import Draft, ground  # noqa: E402
from summarizer.schemas.draft import salvage  # noqa: E402
from summarizer.schemas.text import clear_caches  # noqa: E402
from summarizer.sources import Article, from_text  # noqa: E402
from summarizer.testing import FakeModel, fake_async_client  # noqa: E402

RECORDS = [*sorted((ROOT / "tests" / "real_answers").glob("*.json")), ROOT / "bench" / "articles" / "rail_landslide.draft.json"]


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


async def _client(raw: str, text: str, rounds: int) -> list[tuple[float, float]]:
    """(process CPU, event-loop thread CPU) per brief, after the batch's own warm-up."""
    summarizer = Summarizer(LLM(fake_async_client(FakeModel(raw)), model="fake-model"), cache=None, reasks=0)
    warm_up(summarizer)
    times = []
    try:
        for _ in range(rounds + 1):
            clear_caches()
            started, loop_started = time.process_time(), time.thread_time()
            brief = await summarizer.abrief_article(Article(text=text, label="article.txt"))
            to_json(brief)
            times.append((time.process_time() - started, time.thread_time() - loop_started))
    finally:
        await summarizer.aclose()
    return times[1:]


def _calibration() -> float:
    """CPU ms of a fixed pure-Python loop, the best of five: how fast this machine is right now."""
    best = float("inf")
    for _ in range(5):
        started = time.process_time()
        total = 0
        for i in range(1_000_000):
            total += i
        best = min(best, time.process_time() - started)
    return best * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    cases = _cases()
    calibration = _calibration()
    print(f"{'case':<36} {'words':>5} {'items':>5} {'gate ms':>8} {'client ms':>9} {'loop ms':>8}")
    real_gate, real_client, real_loop = [], [], []
    for name, raw, text in cases:
        draft, _ = _draft(raw)
        items = len(draft.who) + len(draft.background) + len(draft.proposed_responses) + len(draft.key_figures) + 1
        gate = statistics.median(_gate(raw, text, args.rounds)) * 1000
        client_times = asyncio.run(_client(raw, text, args.rounds))
        client = statistics.median(t for t, _ in client_times) * 1000
        loop = statistics.median(t for _, t in client_times) * 1000
        if "fake" not in name:
            real_gate.append(gate)
            real_client.append(client)
            real_loop.append(loop)
        print(f"{name:<36} {len(text.split()):>5} {items:>5} {gate:8.1f} {client:9.1f} {loop:8.1f}")
    print(f"\nmedian over the {len(real_gate)} real answers: gate {statistics.median(real_gate):.1f} ms, "
          f"client {statistics.median(real_client):.1f} ms, loop thread {statistics.median(real_loop):.1f} ms per brief")
    print(f"CPU time, median of {args.rounds} rounds after a warm-up, caches emptied before each; "
          f"loop ms: the event-loop thread alone (client less the fake server's thread). "
          f"This machine ran a fixed 1M-step Python loop in {calibration:.0f} ms.")


if __name__ == "__main__":
    main()
