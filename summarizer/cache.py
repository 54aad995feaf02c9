"""An embedded SQLite cache of finished briefs, shared by the library, `brief`, `batch` and the bot.

Key: hash of (cleaned text, the page's metadata (`Article.meta`, when the caller passes it), schema, the
prompt templates' content and version, the grounding gate's code, model, base URL, parameters). A brief is what
the gate kept, so one made by another version of the gate is made again, never served: a gate that learns to
catch a new kind of invention must not hand out what its predecessor let through. Only successful briefs are
stored. Writes are single transactions, so a killed process never leaves a torn entry.

The cache is an optimisation: a file that cannot be opened, read or written (random bytes, truncated,
corrupt pages, read-only, an unwritable home) is reported once and the run carries on without it; it never
costs a brief.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import sqlite3
import threading
import time
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .schemas import Brief, Draft

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

__all__ = ["Cache", "cache_key", "default_cache_path", "gate_fingerprint", "schema_fingerprint", "prompt_fingerprint",
           "templates_digest"]

log = logging.getLogger("summarizer.cache")


def default_cache_path() -> Path:
    if os.environ.get("SUMMARIZER_CACHE"):
        return Path(os.environ["SUMMARIZER_CACHE"]).expanduser()
    try:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    except RuntimeError:  # no HOME and no passwd entry: a relative path would scatter caches; use /tmp's
        import tempfile

        base = Path(tempfile.gettempdir())
    return base / "summarizer" / "briefs.sqlite3"


@lru_cache(maxsize=1)
def schema_fingerprint() -> str:
    """Changes whenever what the model is asked for, or what a brief holds, changes."""
    payload = json.dumps([Draft.model_json_schema(), Brief.model_json_schema()], sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def templates_digest(root: Traversable) -> str:
    """A digest of the bytes of every template and Python module in `root`."""
    digest = hashlib.sha256()
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if entry.name.endswith((".j2", ".py")) and entry.is_file():
            digest.update(entry.name.encode() + b"\0" + entry.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


@lru_cache(maxsize=1)
def prompt_fingerprint() -> str:
    """The prompt templates' content: editing one changes every key even if PROMPT_VERSION is not bumped by
    hand (the version stays in the key too, for a change of meaning outside the templates)."""
    return templates_digest(resources.files("summarizer.prompts"))


@lru_cache(maxsize=1)
def gate_fingerprint() -> str:
    """The code of the models and the grounding gate (`summarizer.schemas`): what decides what a brief keeps."""
    return templates_digest(resources.files("summarizer.schemas"))


def cache_key(
    text_sha256: str,
    *,
    prompt_version: str,
    model: str,
    params: dict[str, Any],
    meta: dict[str, Any] | None = None,
) -> str:
    """The key of a brief. `meta` is what the extractor found besides the text (title, outlet, author, date):
    the title reaches the prompt and all of it reaches the brief, so two pages with one body never share."""
    material = json.dumps(
        {
            "text": text_sha256,
            "meta": meta or {},
            "schema": schema_fingerprint(),
            "prompt": prompt_version,
            "templates": prompt_fingerprint(),
            "gate": gate_fingerprint(),
            "model": model,
            "params": params,
        },
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(material.encode()).hexdigest()


class Cache:
    """Briefs by key in one SQLite file; safe to share between threads of one process and between processes.

    Every failure of the file itself turns the cache off for this process, with one warning: `get` then
    misses and `put` does nothing, so a brief the model was paid for is always returned.
    """

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path is not None else default_cache_path()
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self.broken: str | None = None  # why the cache is off, once it is

    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, check_same_thread=False, timeout=30, isolation_level=None)
            try:
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
                # each brief is looked up and stored once per run, by key: sqlite's default 2 MB page cache
                # only filled up with briefs never read again (the OS caches the file anyway)
                conn.execute("PRAGMA cache_size=-128")
                conn.execute(
                    "CREATE TABLE IF NOT EXISTS briefs (key TEXT PRIMARY KEY, created REAL NOT NULL, brief TEXT NOT NULL)"
                )
            except BaseException:
                conn.close()
                raise
            self._conn = conn
        return self._conn

    def _off(self, exc: BaseException, doing: str) -> None:
        """Say once why the cache is unusable, and stop using it."""
        if self.broken is None:
            self.broken = (exc.strerror or str(exc)) if isinstance(exc, OSError) else str(exc)
            log.warning("brief cache %s cannot be %s (%s); carrying on without it", self.path, doing, self.broken)
        if self._conn is not None:
            with contextlib.suppress(sqlite3.Error):
                self._conn.close()
            self._conn = None

    def get(self, key: str) -> Brief | None:
        with self._lock:
            if self.broken is not None:
                return None
            try:
                row = self._db().execute("SELECT brief FROM briefs WHERE key = ?", (key,)).fetchone()
            except (sqlite3.Error, OSError) as exc:
                self._off(exc, "read")
                return None
        if row is None:
            return None
        try:
            return Brief.model_validate_json(row[0])
        except ValueError:
            return None  # written by an incompatible version: treat as a miss

    def put(self, key: str, brief: Brief) -> bool:
        """Store a brief; False (after one warning) when the cache cannot be written."""
        with self._lock:
            if self.broken is not None:
                return False
            try:
                self._db().execute(
                    "INSERT OR REPLACE INTO briefs (key, created, brief) VALUES (?, ?, ?)",
                    (key, time.time(), brief.model_dump_json()),
                )
            except (sqlite3.Error, OSError) as exc:
                self._off(exc, "written")
                return False
            return True

    def __len__(self) -> int:
        with self._lock:
            if self.broken is not None:
                return 0
            try:
                return self._db().execute("SELECT COUNT(*) FROM briefs").fetchone()[0]
            except (sqlite3.Error, OSError) as exc:
                self._off(exc, "read")
                return 0

    def has(self, key: str) -> bool:
        """Whether a brief is stored under `key` (where a brief can be found again after a failed write)."""
        return self.get(key) is not None

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
