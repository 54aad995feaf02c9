"""Ack latency of the Slack bot under a burst of slow briefs.

Starts the bot's HTTP adapter on 127.0.0.1 against a local fake of the Slack Web API and a fake model that
takes `--latency` seconds per call, fires `--n` signed /brief commands at once over real HTTP, and prints
the ack latency (p50 / p99 / max) plus how long the briefs themselves took. Slack gives up on an ack after
3 s, so p99 must stay far below that while every worker is busy.

    python bench/slack_ack.py                 # 20 commands, 2 s model, 4 workers
    python bench/slack_ack.py --n 50 --latency 3
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # for tests.slack_fakes, the fake Slack Web API

from slack_sdk import WebClient  # noqa: E402

from summarizer.llm import LLM  # noqa: E402
from summarizer.pipeline import Summarizer  # noqa: E402
from summarizer.slack import make_bot, serve_http  # noqa: E402
from summarizer.testing import FakeModel, fake_async_client  # noqa: E402
from tests.slack_fakes import (  # noqa: E402
    BOT_TOKEN,
    SIGNING_SECRET,
    FakeSlack,
    command_request,
    harbour_draft,
    signed_headers,
)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile: with 20 samples, p99 is the slowest one."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=20, help="concurrent /brief commands")
    parser.add_argument("--latency", type=float, default=2.0, help="seconds per fake model call")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--queue", type=int, default=16)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)  # "pool full" warnings would drown the numbers

    article = (ROOT / "tests" / "articles" / "harbour_strike.txt").read_text(encoding="utf-8")
    model = FakeModel([harbour_draft()], latency=args.latency)
    with FakeSlack() as slack:
        summarizer = Summarizer(LLM(fake_async_client(model)), cache=False)
        bot = make_bot(summarizer, client=WebClient(token=BOT_TOKEN, base_url=slack.api_url),
                       signing_secret=SIGNING_SECRET, workers=args.workers, queue_size=args.queue)
        server = serve_http(bot.app, host="127.0.0.1", port=0)
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_port}/slack/events"
        # warm up: Bolt's first request runs auth.test; not what this measures
        warm = command_request("", hook=slack.hook("warm"))
        httpx.post(url, content=warm, headers=signed_headers(warm), timeout=10)

        bodies = [command_request(article, hook=slack.hook(f"c{i}"), channel=f"C{i:07d}") for i in range(args.n)]
        gate = threading.Barrier(args.n)
        acks: list[float] = []
        statuses: list[int] = []
        lock = threading.Lock()

        def send(body: str) -> None:
            headers = signed_headers(body)
            with httpx.Client(timeout=30) as http:
                gate.wait()
                started = time.perf_counter()
                status = http.post(url, content=body, headers=headers).status_code
                elapsed = time.perf_counter() - started
            with lock:
                acks.append(elapsed)
                statuses.append(status)

        burst = time.perf_counter()
        threads = [threading.Thread(target=send, args=(b,)) for b in bodies]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        bot.join(600)
        total = time.perf_counter() - burst
        delivered = len(slack.calls_to("chat.update"))
        busy = len([c for c in slack.calls_to("hook") if c.params.get("text", "").startswith("I'm busy")])
        server.shutdown()
        server.server_close()
        bot.close()

    ms = [a * 1000 for a in acks]
    print(f"{args.n} concurrent /brief over HTTP, fake model {args.latency:g} s/call, "
          f"{args.workers} workers + queue {args.queue}")
    print(f"ack latency: p50 {percentile(ms, 50):.1f} ms  p99 {percentile(ms, 99):.1f} ms  "
          f"max {max(ms):.1f} ms  mean {statistics.mean(ms):.1f} ms")
    print(f"HTTP statuses: {sorted(set(statuses))}  (all 200: {statuses.count(200) == len(statuses)})")
    print(f"briefs delivered: {delivered}  told busy: {busy}  model peak concurrency: {model.max_in_flight}  "
          f"all done after {total:.1f} s")


if __name__ == "__main__":
    main()
