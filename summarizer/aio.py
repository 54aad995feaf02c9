"""Running the async pipeline from sync code (and stopping it on SIGTERM as on Ctrl-C), and the language table:
small seams kept out of pipeline.py."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import threading
from collections.abc import Coroutine, Iterator
from contextvars import ContextVar
from typing import Any, TypeVar

__all__ = ["run_sync", "run_stoppable", "sigterm_interrupts", "LANGUAGES", "language", "ARTICLE", "PART"]

# The article being briefed, for log lines: tasks copy the context, so each article of a batch has its own.
ARTICLE: ContextVar[str | None] = ContextVar("summarizer_article", default=None)
# Which part of a long article a model call is for: a Batch API request names its input and part.
PART: ContextVar[int] = ContextVar("summarizer_part", default=0)

T = TypeVar("T")

LANGUAGES = {
    "en": "English",
    "de": "German",
    "uk": "Ukrainian",
    "fr": "French",
    "es": "Spanish",
    "it": "Italian",
    "pl": "Polish",
    "ru": "Russian",
    "lt": "Lithuanian",
    "nl": "Dutch",
    "pt": "Portuguese",
    "ja": "Japanese",
    "ko": "Korean",
    "zh": "Chinese",
}


def language(value: str) -> tuple[str, str]:
    """(code, name) for a code like 'de' or a name like 'German'."""
    v = value.strip()
    if v.lower() in LANGUAGES:
        return v.lower(), LANGUAGES[v.lower()]
    for code, name in LANGUAGES.items():
        if name.lower() == v.lower():
            return code, name
    return v.lower(), v


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion from sync code, also when an event loop is already running here."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    box: dict[str, Any] = {}

    def runner() -> None:
        try:
            box["value"] = asyncio.run(coro)
        except BaseException as exc:  # re-raised in the caller's thread
            box["error"] = exc

    thread = threading.Thread(target=runner, name="summarizer-sync")
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box["value"]


def run_stoppable(coro: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run`, which SIGTERM (`timeout`, `kill`, docker stop, systemd) stops as Ctrl-C does: the running
    task is cancelled, so it winds down as it would for Ctrl-C, and KeyboardInterrupt is raised here. SIGTERM
    gets its own handler because a shell starts a script's background job with SIGINT ignored: a SIGTERM
    passed on as a SIGINT would be ignored too, and the run could not be stopped but by SIGKILL."""
    stopped = False

    async def main() -> T:
        nonlocal stopped
        task, loop = asyncio.current_task(), asyncio.get_running_loop()

        def stop() -> None:
            nonlocal stopped
            stopped = True
            if task is not None:
                task.cancel()

        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):  # (Windows; not the main thread)
            loop.add_signal_handler(signal.SIGTERM, stop)
        try:
            return await coro
        except asyncio.CancelledError:
            if not stopped:
                raise
            raise KeyboardInterrupt from None
        finally:
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.remove_signal_handler(signal.SIGTERM)

    previous = signal.getsignal(signal.SIGTERM)  # (the local model's server may have one: stop it at exit)
    try:
        result = asyncio.run(main())
    finally:
        if previous is not None and threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, previous)
    if stopped:  # the task wound down and returned: stopped all the same
        raise KeyboardInterrupt
    return result


@contextlib.contextmanager
def sigterm_interrupts() -> Iterator[None]:
    """While inside, SIGTERM raises KeyboardInterrupt as Ctrl-C does, for sync code that waits (the Batch API's
    polling); `run_stoppable` inside it still stops its loop its own way."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
