"""What the Slack bot remembers: deliveries it has seen (Slack retries an event it thinks was lost) and its
most recent briefs (for "Show evidence"). Both are bounded and live only as long as the process.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass

from .schemas import Brief

__all__ = ["Seen", "Store", "Stored"]


class Seen:
    """Keys seen in the last `ttl` seconds, bounded; Slack retries an event for about 5 minutes."""

    def __init__(self, ttl: float = 900.0, size: int = 10_000) -> None:
        self.ttl, self.size = ttl, size
        self._keys: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def check_and_add(self, key: str) -> bool:
        now = time.monotonic()
        with self._lock:
            while self._keys and (len(self._keys) >= self.size or next(iter(self._keys.values())) < now):
                self._keys.popitem(last=False)
            if key in self._keys:
                return True
            self._keys[key] = now + self.ttl
            return False


@dataclass
class Stored:
    brief: Brief
    evidence_posted: bool = False


class Store:
    """The most recent briefs by id, so "Show evidence" can find them (lost on restart, by design)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[str, Stored] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, brief: Brief) -> str:
        # the article text is not needed to show evidence; dropping it keeps the store small
        slim = brief.model_copy(update={"source": brief.source.model_copy(update={"text": ""})})
        key = uuid.uuid4().hex
        with self._lock:
            self._items[key] = Stored(slim)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return key

    def get(self, key: str) -> Stored | None:
        with self._lock:
            return self._items.get(key)
