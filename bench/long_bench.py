"""Long documents: calls, the largest request against the budget, wall time against one call's latency.

Runs offline against the scripted fake model (summarizer.testing) behind a real 127.0.0.1 socket.
Usage: python bench/long_bench.py [--words 15000] [--budget 6000] [--latency 0.5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import time

import openai

from summarizer import Summarizer
from summarizer.llm import LLM
from summarizer.testing import FakeModel, FakeServer, quoting_answer
from summarizer.tokens import count_tokens, encoding_name

PEOPLE = ["Mara Voss", "Jonas Reyes", "Elena Maris", "Tomas Lindqvist", "Ana Kovac"]


def make_document(words: int, seed: int = 3) -> str:
    rng = random.Random(seed)
    paragraphs, n = [], 0
    i = 0
    while n < words:
        who = rng.choice(PEOPLE)
        p = (f"Update {i}. {who} told the inquiry that crane {i} had {rng.randint(0, 9)} faults in week {i % 52 + 1}. "
             f"The board said repairs to crane {i} would cost {rng.randint(1, 90)} million euros and take "
             f"{rng.randint(2, 30)} weeks, while unions asked for an independent review of the automation plan.")
        paragraphs.append(p)
        n += len(p.split())
        i += 1
    return "\n\n".join(paragraphs)


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--words", type=int, default=15_000)
    ap.add_argument("--budget", type=int, default=6_000)
    ap.add_argument("--latency", type=float, default=0.5)
    args = ap.parse_args()
    text = make_document(args.words)
    fake = FakeModel(quoting_answer, latency=args.latency)
    with FakeServer(fake) as server:
        client = openai.AsyncOpenAI(base_url=server.base_url, api_key="bench", max_retries=0)
        s = Summarizer(LLM(client, model="bench-model", max_concurrency=16), cache=False, max_input_tokens=args.budget)
        # warm up once (language model and tokenizer load lazily on first use), then measure
        await s.abrief(make_document(300, seed=9))
        fake.requests.clear()
        t0 = time.perf_counter()
        brief = await s.abrief(text)
        wall = time.perf_counter() - t0
    sizes = [
        sum(count_tokens(m["content"], "bench-model") for m in r["messages"])
        + count_tokens(json.dumps(r["tools"], separators=(",", ":")), "bench-model")
        for r in fake.requests
    ]
    offsets_ok = all(
        brief.source.text[e.start : e.end] == e.quote
        for item in [*brief.who, *brief.background, *( [brief.what] if brief.what else [])]
        for e in item.evidence
    )
    print(f"document: {len(text.split()):,} words, {count_tokens(text, 'bench-model'):,} tokens ({encoding_name('bench-model')})")
    print(f"input budget per request: {args.budget:,} tokens")
    print(f"model calls (parts): {fake.calls} (brief says parts={brief.provenance.parts})")
    print(f"largest request: {max(sizes):,} tokens = {max(sizes) / args.budget:.0%} of budget")
    print(f"wall time: {wall:.2f} s = {wall / args.latency:.2f}x one call's latency ({args.latency} s); "
          f"sequential would be ~{fake.calls * args.latency:.1f} s")
    print(f"max concurrent requests at the server: {fake.max_in_flight}")
    print(f"merged brief: {len(brief.who)} actors, {len(brief.background)} background points; "
          f"all evidence offsets point into the original: {offsets_ok}")


if __name__ == "__main__":
    asyncio.run(main())
