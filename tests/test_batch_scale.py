"""What lets a batch run at the model's limit, as behaviour: the throttle's hand-off, the articles read ahead,
the per-article budget that starts with the article's first call. (Speed itself is measured by
bench/batch_limit.py, not here.)"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest

import summarizer.batch as batch_mod
from summarizer.batch import FolderBatch, asummarize_many
from summarizer.llm import SLOT_GRANTED, Throttle
from summarizer.testing import FakeModel, FakeServer
from tests.test_batch import LOCAL, article, invoke, make_summarizer, quoting_answer, run, write_folder

# --- the throttle -------------------------------------------------------------------------------------------


async def test_a_freed_slot_goes_to_the_longest_waiter_and_never_past_the_limit() -> None:
    throttle = Throttle(2)
    entered: list[int] = []
    active: list[int] = []

    async def call(i: int) -> None:
        async with throttle:
            entered.append(i)
            active.append(throttle.active)
            await asyncio.sleep(0.01)

    tasks = []
    for i in range(7):
        tasks.append(asyncio.ensure_future(call(i)))
        await asyncio.sleep(0)  # queued in this order
    await asyncio.gather(*tasks)
    assert entered == list(range(7)) and max(active) == 2 and throttle.active == 0


async def test_a_cancelled_waiter_keeps_no_slot() -> None:
    throttle = Throttle(1)

    async def hold() -> None:
        async with throttle:
            await asyncio.sleep(1)

    async with throttle:
        waiting = asyncio.ensure_future(hold())
        await asyncio.sleep(0)
        waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    assert throttle.active == 0
    # granted on release, cancelled before it ran: the slot is handed on, not lost
    await throttle.__aenter__()
    granted = asyncio.ensure_future(throttle.__aenter__())
    await asyncio.sleep(0)
    await throttle.__aexit__(RuntimeError, None, None)  # a failed call: the slot goes on without a pause
    granted.cancel()
    with pytest.raises(asyncio.CancelledError):
        await granted
    assert throttle.active == 0
    await asyncio.wait_for(throttle.__aenter__(), 0.1)  # and it is free
    await throttle.__aexit__(None, None, None)


async def test_a_slot_won_back_after_429s_goes_to_a_waiter_at_once() -> None:
    throttle = Throttle(2)
    throttle.pushed_back()
    assert int(throttle.limit) == 1
    await throttle.__aenter__()
    waiting = asyncio.ensure_future(throttle.__aenter__())
    await asyncio.sleep(0)
    assert not waiting.done()
    throttle.succeeded()  # additive increase: at 1, one success wins a slot back
    await asyncio.wait_for(waiting, 0.1)
    assert throttle.active == 2


async def test_the_first_slot_is_announced_to_whoever_asked() -> None:
    throttle = Throttle(1)
    started = asyncio.Event()
    token = SLOT_GRANTED.set(started)
    try:
        async with throttle:
            assert started.is_set()
    finally:
        SLOT_GRANTED.reset(token)


# --- reading ahead, and the budget ----------------------------------------------------------------------------


def test_articles_are_read_ahead_but_calls_stay_within_the_concurrency(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "in"
    write_folder(src, 8)
    loaded: list[float] = []
    load = batch_mod._load

    async def timed(*args: Any) -> Any:
        article = await load(*args)
        loaded.append(time.monotonic())
        return article

    monkeypatch.setattr(batch_mod, "_load", timed)
    fake = FakeModel(quoting_answer, latency=0.3)
    report = run(FolderBatch(src, tmp_path / "out", summarizer=make_summarizer(fake, concurrency=2), concurrency=2))
    assert report.ok == 8 and fake.max_in_flight == 2
    # the 3rd and 4th articles were read while the first two calls (0.3 s) were still out
    first, _, _, fourth = sorted(loaded)[:4]
    assert fourth - first < 0.25


async def test_waiting_for_a_call_slot_is_not_the_articles_time(tmp_path: Path) -> None:
    fake = FakeModel(quoting_answer, latency=0.3)
    summ = make_summarizer(fake, concurrency=1)
    results = [r async for r in asummarize_many([article(1), article(2)], summarizer=summ, concurrency=2,
                                               article_timeout=0.45)]
    # the second waited 0.3 s for the one slot, then took 0.3 s itself: within its own 0.45 s
    assert [r.status for r in results] == ["ok", "ok"] and fake.max_in_flight == 1


def test_a_rerun_with_nothing_to_do_loads_no_model_layer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    write_folder(src, 3)
    warmed: list[Any] = []
    monkeypatch.setattr(batch_mod, "warm_up", lambda s: warmed.append(s) or 0.5)
    fake = FakeModel(quoting_answer)
    first = run(FolderBatch(src, out, summarizer=make_summarizer(fake)))
    assert "(after 0.5 s loading the model layer)" in (out / "index.md").read_text(encoding="utf-8")
    again = run(FolderBatch(src, out, summarizer=make_summarizer(fake)))
    assert (first.ok, first.warm_s, again.unchanged, again.warm_s, len(warmed)) == (3, 0.5, 3, 0.0, 1)


@LOCAL
def test_cli_concurrency_is_model_calls_at_once_by_default_too(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    filler = " ".join(f"Paragraph {k} of the council minutes records a vote on item {k} of the agenda." for k in range(60))
    for i in range(6):  # each split in parts, and the parts of one article are asked for at once
        (src / f"long{i}.txt").write_text(article(i) + "\n\n" + filler + "\n", encoding="utf-8")
    fake = FakeModel(quoting_answer, latency=0.2)
    with FakeServer(fake) as server:
        result = invoke(str(src), "--out", str(tmp_path / "out"), "--base-url", server.base_url, "--model",
                        "fake-model", "--no-cache", "--max-input-tokens", "1000")
    assert result.exit_code == 0, result.output
    assert fake.calls > 6 and fake.max_in_flight == 4  # DEFAULT_CONCURRENCY, though the LLM's own default is 8


def test_the_warm_up_freezes_what_is_loaded_and_spaces_out_the_young_collections() -> None:
    import gc

    from summarizer.batch_run import warm_up

    before = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)
        warm_up(make_summarizer(FakeModel(quoting_answer)))
        # what the process had loaded is out of the collector's way, and a brief's few thousand containers
        # no longer start a pass of the youngest generation every 700
        assert gc.get_freeze_count() > 1000 and gc.get_threshold() == (10_000, 10, 10)
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
