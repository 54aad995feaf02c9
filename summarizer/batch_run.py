"""Many articles through the one pipeline at once: bounded concurrency, results as they finish.

    from summarizer.batch import summarize_many
    for result in summarize_many([Path("a.txt"), Path("b.html")], concurrency=8):
        print(result.label, result.status, result.reason or result.brief.headline)

`summarizer.batch.FolderBatch` (what `summarizer batch` runs) and `summarizer eval` build on this runner.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import ctypes.util
import gc
import itertools
import logging
import queue
import random
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import aclosing
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from .defaults import DEFAULT_ARTICLE_TIMEOUT, DEFAULT_CONCURRENCY, DEFAULT_RETRIES
from .errors import ModelUnavailableError, SummarizerError, scrub
from .language import detect_language
from .llm import LLM, SLOT_GRANTED
from .pipeline import Summarizer, prompt_overhead
from .schemas import Brief
from .schemas.text import clear_caches
from .sources import Article

__all__ = ["BatchResult", "failure_detail", "asummarize_many", "summarize_many", "DEFAULT_CONCURRENCY",
           "DEFAULT_ARTICLE_TIMEOUT", "DEFAULT_RETRIES", "SUCCESS"]

# the same logger as before the split: log filters and tests name "summarizer.batch"
log = logging.getLogger("summarizer.batch")


RETRY_PAUSE_S = 2.0
SUCCESS = frozenset({"ok", "cached", "unchanged"})

Source = Article | Path | str | bytes
T = TypeVar("T")
R = TypeVar("R")


@dataclass
class BatchResult:
    """What became of one input: a brief, or the error that stopped it. `status` is one of
    ok (the model made it), cached (from the brief cache), unchanged (a folder run found the brief already
    written for the same text and settings), failed."""

    index: int
    source: Any
    label: str
    status: str = "failed"
    brief: Brief | None = None
    error: Exception | None = None
    key: str | None = None
    duration_s: float = 0.0
    path: str | None = None  # folder runs: the input relative to the folder, as stored in the index
    output: Path | None = None  # folder runs: where the brief is (or would have been) written
    position: int = 0  # folder runs: how many inputs had finished when this one did, itself included

    @property
    def ok(self) -> bool:
        return self.status in SUCCESS

    @property
    def reason(self) -> str | None:
        """One line naming the input and what went wrong; None on success."""
        return None if self.error is None else f"{_one_line(self.label)}: {failure_detail(self.label, self.error)}"

    @property
    def folder_reason(self) -> str | None:
        """`reason` with the input named as a folder run names it everywhere else (relative to the folder, as
        `path`); `reason` for an input of no folder."""
        if self.error is None or self.path is None:
            return self.reason
        return f"{_one_line(self.path)}: {failure_detail(self.label, self.error)}"


def failure_detail(label: str, error: BaseException) -> str:
    """What went wrong with the input labelled `label`, on one line and without the input's name (the caller
    names it: by its path, or relative to its folder). A run's failure lines and a dry run's "would fail"
    lines both come from here, so they read the same."""
    if not isinstance(error, SummarizerError):
        return _one_line(f"unexpected {type(error).__name__}: {error}")
    message = str(error)
    # source errors name their input; model errors ("the server kept failing ...") do not
    return _one_line(message[len(label) + 1:] if message.startswith(f"{label}:") else message)


def _one_line(text: str) -> str:
    return " ".join(scrub(text).split())



# --- running many at once -------------------------------------------------------------------------------


async def _as_finished(items: Iterable[T], work: Callable[[T], Awaitable[R]], limit: int) -> AsyncIterator[R]:
    """Run `work` over `items`, at most `limit` at a time, yielding each result as it finishes.

    Items are drawn lazily, so a million paths never become a million tasks. Closing the iterator cancels
    whatever is still running.
    """
    feed = iter(items)
    pending: set[asyncio.Task[R]] = set()

    def top_up() -> None:
        for item in itertools.islice(feed, max(0, limit - len(pending))):
            pending.add(asyncio.ensure_future(work(item)))

    try:
        top_up()
        while pending:
            done, _ = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            pending.difference_update(done)
            top_up()  # refill before handing results out, so no slot idles while the caller works
            for task in done:
                yield task.result()
    finally:
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)


def _io_pool(concurrency: int) -> ThreadPoolExecutor:
    # Reading files (trafilatura on HTML) and fsync-ed writes block for milliseconds each; on the event loop
    # they would stall every call in flight. A pool of its own, because the default one (cpu + 4 threads)
    # also carries the calls of a sync OpenAI client. Two threads: the GIL gives a third no CPU, two fsyncs
    # still overlap, and each thread's malloc arena keeps its own high-water mark, which climbed with the
    # run's length (eight threads: 2,000 articles peaked 1.5 MiB above 200; two: within the noise).
    return ThreadPoolExecutor(max_workers=min(2, concurrency), thread_name_prefix="summarizer-io")


async def _load(summarizer: Summarizer, source: Source, pool: ThreadPoolExecutor) -> Article:
    if isinstance(source, Path):
        return await asyncio.get_running_loop().run_in_executor(pool, summarizer.read_file, source)
    return await summarizer.load(source)


# The gate's caches (words, sentences, paragraphs; each bounded by entries) pay off within an article and its
# re-asks, hardly across articles. Emptied every this many briefs (with the C heap's free pages handed back),
# they never hold more than a few articles' worth, whatever the folder's size: a 2,000-article run peaks 0.6%
# above a 200-article one (bench/batch_memory.py; emptied every 64 it crept further). The CPU per brief is
# measured with them emptied before every brief anyway.
CACHE_LIFE = 16
_briefs_begun = itertools.count(1)


def tidy() -> None:
    """What a batch does every CACHE_LIFE briefs: empty the gate's caches, collect the two younger
    generations, hand the freed pages back. With the young generation collected only every 10,000 allocations
    (`warm_up`), cyclic garbage that lived through one pass waited long for the next: a 2,000-article run
    peaked 4 MiB above a 200-article one (1.016x). This pass, about 0.3 ms every 16 briefs, keeps them level."""
    clear_caches()
    gc.collect(1)
    release_free_memory()


def release_free_memory() -> None:
    """Hand the C heap's free pages back to the system (glibc's malloc_trim; elsewhere nothing). Texts and
    lists of finished articles are freed between blocks still in use, and the heap cannot shrink around
    those: without this a long run's resident memory creeps up by megabytes (bench/batch_memory.py)."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@lru_cache(maxsize=1)
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim  # type: ignore[no-any-return]
    except (OSError, AttributeError):  # not glibc (musl, macOS, Windows)
        return None


async def _brief(summarizer: Summarizer, article: Article, *, force: bool, timeout: float | None,
                 retries: int) -> Brief:
    if next(_briefs_begun) % CACHE_LIFE == 0:
        tidy()
    return await _brief_once(summarizer, article, force=force, timeout=timeout, retries=retries)


async def _brief_once(summarizer: Summarizer, article: Article, *, force: bool, timeout: float | None,
                      retries: int) -> Brief:
    async def tries() -> Brief:
        attempt = 0
        while True:
            try:
                return await summarizer.abrief_article(article, force=force)
            except ModelUnavailableError as exc:
                if attempt >= retries:
                    raise ModelUnavailableError(
                        f"{article.label}: {exc}" + (f" (article tried {attempt + 1} times)" if attempt else "")
                    ) from None
                # A pause with jitter lets the server recover and breaks lockstep with other retries.
                await asyncio.sleep(RETRY_PAUSE_S * 2**attempt * (0.5 + random.random()))
                attempt += 1

    if timeout is None:
        return await tries()
    # The budget runs from the article's first model call: a batch reads articles ahead, and the wait for a
    # call slot behind other articles' calls is the batch's queue, not this article's time. Waiting is bounded
    # too (by one budget), should calls never reach the throttle.
    started = asyncio.Event()
    token = SLOT_GRANTED.set(started)
    try:
        work = asyncio.ensure_future(tries())
    finally:
        SLOT_GRANTED.reset(token)
    try:
        turn = asyncio.ensure_future(started.wait())
        try:
            await asyncio.wait({work, turn}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            turn.cancel()
        return await asyncio.wait_for(work, timeout)
    except asyncio.TimeoutError:  # the builtin TimeoutError from Python 3.11 on
        raise ModelUnavailableError(
            f"{article.label}: no brief after {timeout:g} s (the per-article budget, retries included)"
        ) from None
    finally:
        if not work.done():
            work.cancel()


def _label(source: Any) -> str:
    if isinstance(source, Article):
        return source.label
    if isinstance(source, Path):
        return str(source)
    if isinstance(source, bytes):
        return "<bytes>"
    if isinstance(source, str) and "\n" not in source and len(source) < 300:
        return source
    return "<text>"


def _failed(result: BatchResult, exc: Exception) -> None:
    result.status, result.error, result.brief = "failed", exc, None
    if not isinstance(exc, SummarizerError):
        log.error("%s: unexpected error", result.label, exc_info=exc)


def _check_config(summarizer: Summarizer) -> None:
    # Raises ConfigError now, once, instead of once per article.
    _ = summarizer.llm.client


def warm_up(summarizer: Summarizer) -> float:
    """Do now, in the running event loop, what the first brief of a process would do while every other
    article waits for it: the SDK's resource modules (openai loads them on first use), Instructor, the
    tokenizer, the prompt templates and the tool schema, the language identifier. About 1.5 s on 2 cores,
    once per process; returns the seconds it took."""
    started = time.monotonic()
    try:
        # first, while the process is small: loading the language identifier briefly holds its 37 MB table
        # twice (py3langid copies it out of numpy), and that moment was the peak of a whole batch's RSS
        detect_language(_SAMPLE)
        client = summarizer.llm.client
        _ = client.chat.completions
        import instructor.v2.core.patch  # noqa: F401  (what LLM.structured imports on its first call)

        prompt_overhead(summarizer.llm.model, summarizer.language_name)
    except Exception as exc:  # only a head start: whatever fails here fails again, properly, in the first brief
        log.debug("warm-up stopped early: %s", scrub(str(exc)))
    # What is loaded by now (the SDKs, the schemas, the language model: some 140,000 objects) lives as long as
    # the process. Frozen, it is left out of the collector's full passes, which otherwise walked all of it every
    # few dozen briefs: 3-4 ms a brief on average (timed with gc.callbacks), a fifth of the client's CPU.
    gc.collect()
    gc.freeze()
    # A brief holds a few thousand new containers at a time (the article's sentences and indexes, the
    # draft), all freed by reference counting when it ends. At the default threshold (700) the collector
    # scanned them about 8 times a brief, moving the survivors up to be scanned again: 5% of the client's CPU
    # (bench/gate_cpu.py). At 10,000 a brief seldom starts a pass; higher gained nothing measurable. (What
    # lives through a pass then waits long for the next: `tidy` collects it every CACHE_LIFE briefs.)
    gc.set_threshold(_YOUNG_THRESHOLD, *gc.get_threshold()[1:])
    release_free_memory()
    return time.monotonic() - started


_YOUNG_THRESHOLD = 10_000
_SAMPLE = "The council approved the new tram line on Monday after a long debate about its cost."


async def _close(summarizer: Summarizer) -> None:
    # Only for a summarizer built here: an async client's connections belong to this loop, and closing them
    # after the loop is gone logs "Event loop is closed".
    await summarizer.llm.aclose()


async def asummarize_many(
    sources: Iterable[Source],
    *,
    summarizer: Summarizer | None = None,
    concurrency: int = DEFAULT_CONCURRENCY,
    force: bool = False,
    article_timeout: float | None = DEFAULT_ARTICLE_TIMEOUT,
    retries: int = DEFAULT_RETRIES,
) -> AsyncIterator[BatchResult]:
    """Brief every source (Path, URL, text, bytes, Article), `concurrency` at a time; yield one BatchResult per
    input as each finishes. A bad input yields a failed result and never stops the rest.

    Without `summarizer`, one is built from the environment (OPENAI_API_KEY / OPENAI_BASE_URL) with
    `concurrency` model calls allowed at once. Raises ConfigError before any work when no model is configured.
    """
    owned = summarizer is None
    summarizer = summarizer or Summarizer(LLM(max_concurrency=concurrency))
    _check_config(summarizer)

    async def one(item: tuple[int, Source]) -> BatchResult:
        index, source = item
        started = time.monotonic()
        result = BatchResult(index=index, source=source, label=_label(source))
        try:
            article = await _load(summarizer, source, pool)
            result.label, result.key = article.label, summarizer.key(article)
            result.brief = await _brief(summarizer, article, force=force, timeout=article_timeout, retries=retries)
            result.status = "cached" if result.brief.provenance.cached else "ok"
        except Exception as exc:
            _failed(result, exc)
        result.duration_s = round(time.monotonic() - started, 3)
        return result

    pool = _io_pool(max(1, concurrency))
    try:
        async with aclosing(_as_finished(enumerate(sources), one, max(1, concurrency))) as results:
            async for result in results:
                yield result
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
        if owned:
            await _close(summarizer)


@dataclass
class _Raised:
    error: BaseException


def summarize_many(sources: Iterable[Source], **options: Any) -> Iterator[BatchResult]:
    """Synchronous `asummarize_many` (same options).

    The work runs on an event loop in a background thread, so it keeps going while the caller handles each
    result, and this works from code that already runs a loop. Leaving the loop early cancels what is left.
    """
    results: queue.Queue[Any] = queue.Queue()
    end = object()
    box: dict[str, Any] = {}
    ready = threading.Event()

    async def pump() -> None:
        box["loop"], box["task"] = asyncio.get_running_loop(), asyncio.current_task()
        ready.set()
        async with aclosing(asummarize_many(sources, **options)) as stream:
            async for result in stream:
                results.put(result)

    def runner() -> None:
        try:
            asyncio.run(pump())
        except asyncio.CancelledError:
            pass
        except BaseException as exc:  # re-raised in the caller's thread
            results.put(_Raised(exc))
        finally:
            ready.set()
            results.put(end)

    thread = threading.Thread(target=runner, name="summarizer-batch", daemon=True)
    thread.start()
    try:
        while (item := results.get()) is not end:
            if isinstance(item, _Raised):
                raise item.error
            yield item
    finally:
        ready.wait()
        if thread.is_alive() and "task" in box:
            with contextlib.suppress(RuntimeError):  # the loop may have closed in between
                box["loop"].call_soon_threadsafe(box["task"].cancel)
        thread.join()
