"""How many model calls run at once: a limit that adapts to the server's 429s and hands a freed slot on fairly."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import time
from contextvars import ContextVar

__all__ = ["Throttle", "SLOT_GRANTED"]

# Set by a caller that wants to know when the first model call made in its context got a slot: a batch starts
# an article's time budget then, not while the article waits its turn behind other articles' calls.
SLOT_GRANTED: ContextVar[asyncio.Event | None] = ContextVar("summarizer_slot_granted", default=None)


class Throttle:
    """Concurrency that adapts to the server: a 429 halves the allowed calls, successes win them back.

    Shared by every call of one LLM, so a batch slows down as a whole when the server pushes back. A freed slot
    goes straight to the call that has waited longest (a FIFO of futures, not a condition every waiter wakes
    on), and the call that freed it steps back for a few turns of the event loop, so the next request is on
    the wire before the answer just received is validated and grounded: that takes tens of milliseconds of
    the one event-loop thread, and a burst of answers would otherwise hold every next request behind it.
    """

    # Turns of the event loop a call that freed a slot steps back for: a request on a kept-alive connection is
    # written 2-4 turns after its slot is granted, on a new connection 11-13 (bench/batch_limit.py, C=8).
    HANDOFF_TURNS = 16

    def __init__(self, limit: int, cooldown: float = 1.0):
        self.max = max(1, limit)
        self.limit = float(self.max)
        self.active = 0
        self.cooldown = cooldown
        self.lowest = self.limit  # the tightest the server pushed us, for reports
        self._last_cut = float("-inf")
        self._waiters: collections.deque[asyncio.Future[None]] = collections.deque()

    async def __aenter__(self) -> Throttle:
        if self.active < int(self.limit) and not self._waiters:
            self.active += 1
            self._granted()
            return self
        slot = asyncio.get_running_loop().create_future()
        self._waiters.append(slot)
        try:
            await slot  # resolved by _wake with the slot already counted
        except asyncio.CancelledError:
            if slot.done() and not slot.cancelled():
                self._release()  # granted, then cancelled before it could run: hand it on
            else:
                with contextlib.suppress(ValueError):
                    self._waiters.remove(slot)
            raise
        self._granted()
        return self

    def _granted(self) -> None:
        started = SLOT_GRANTED.get()
        if started is not None and not started.is_set():
            started.set()

    async def __aexit__(self, exc_type: type[BaseException] | None, *exc: object) -> None:
        if self._release() and exc_type is None:
            for _ in range(self.HANDOFF_TURNS):
                await asyncio.sleep(0)

    def _release(self) -> bool:
        self.active -= 1
        return self._wake()

    def _wake(self) -> bool:
        """Give free slots to waiters, longest first; True if any got one."""
        woke = False
        while self._waiters and self.active < int(self.limit):
            slot = self._waiters.popleft()
            if slot.done() or slot.get_loop().is_closed():
                continue  # its call was cancelled, or its event loop is gone
            self.active += 1
            slot.set_result(None)
            woke = True
        return woke

    def pushed_back(self) -> None:
        # One burst of 429s from calls already in flight is one signal, not eight: halve once per cooldown.
        now = time.monotonic()
        if now - self._last_cut >= self.cooldown:
            self._last_cut = now
            self.limit = max(1.0, self.limit / 2)
            self.lowest = min(self.lowest, self.limit)

    def succeeded(self) -> None:
        # additive increase: about one more slot per `limit` successes; a slot won back goes to a waiter now
        if self.limit < self.max:
            self.limit = min(float(self.max), self.limit + 1.0 / max(1.0, self.limit))
            self._wake()
