"""The Slack bot's workers: a bounded thread pool that refuses work when full, and the one event loop that
every worker's model calls run on (one AsyncOpenAI client must stay on one loop).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from .errors import SummarizerError, scrub

__all__ = ["Jobs", "Loop"]

# the bot's one logger name, whichever module logs: the CLI's log format shows it
log = logging.getLogger("summarizer.slack")
T = TypeVar("T")


class Jobs:
    """A thread pool that refuses work instead of queueing without bound."""

    def __init__(self, workers: int, queue_size: int, name: str) -> None:
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=name)
        self._slots = threading.BoundedSemaphore(workers + queue_size)
        self._idle = threading.Condition()
        self._pending = 0

    def submit(self, fn: Callable[..., Any], *args: Any) -> bool:
        if not self._slots.acquire(blocking=False):
            return False
        with self._idle:
            self._pending += 1
        try:
            self._executor.submit(self._run, fn, args)
        except RuntimeError:  # shut down
            self._done()
            return False
        return True

    def _run(self, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
        try:
            fn(*args)
        except Exception as exc:  # a job's own handler reports to the user; this is the last resort
            log.error("job %s failed: %s", getattr(fn, "__name__", fn), scrub(f"{type(exc).__name__}: {exc}"))
        finally:
            self._done()

    def _done(self) -> None:
        self._slots.release()
        with self._idle:
            self._pending -= 1
            self._idle.notify_all()

    def join(self, timeout: float | None = None) -> bool:
        """Wait until no job is queued or running (tests, shutdown)."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


class Loop:
    """One asyncio loop on a daemon thread; workers block on their own coroutine's result."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="brief-loop", daemon=True)
        self._thread.start()

    def run(self, coro: Coroutine[Any, Any, T], timeout: float) -> T:
        future = asyncio.run_coroutine_threadsafe(coro, self.loop)
        try:
            return future.result(timeout)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise SummarizerError(f"the brief took longer than {timeout:g} s; try a shorter article") from None

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
