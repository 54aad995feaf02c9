"""An embedded SQLite cache of finished briefs, shared by the library, `brief`, `batch` and the bot.

Key: hash of (cleaned text, schema, prompt version, model, base URL, parameters). Only successful briefs are
stored. Writes are single transactions, so a killed process never leaves a torn entry.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
from functools import lru_cache
from pathlib import Path
from typing import Any

from .schemas import Brief, Draft

__all__ = ["Cache", "cache_key", "default_cache_path", "schema_fingerprint"]


def default_cache_path() -> Path:
    if os.environ.get("SUMMARIZER_CACHE"):
        return Path(os.environ["SUMMARIZER_CACHE"]).expanduser()
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "summarizer" / "briefs.sqlite3"


@lru_cache(maxsize=1)
def schema_fingerprint() -> str:
    """Changes whenever what the model is asked for, or what a brief holds, changes."""
    payload = json.dumps([Draft.model_json_schema(), Brief.model_json_schema()], sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def cache_key(text_sha256: str, *, prompt_version: str, model: str, params: dict[str, Any]) -> str:
    material = json.dumps(
        {
            "text": text_sha256,
            "schema": schema_fingerprint(),
            "prompt": prompt_version,
            "model": model,
            "params": params,
        },
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(material.encode()).hexdigest()


class Cache:
    """Briefs by key in one SQLite file; safe to share between threads of one process and between processes."""

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path is not None else default_cache_path()
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None

    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, check_same_thread=False, timeout=30, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute(
                "CREATE TABLE IF NOT EXISTS briefs (key TEXT PRIMARY KEY, created REAL NOT NULL, brief TEXT NOT NULL)"
            )
            self._conn = conn
        return self._conn

    def get(self, key: str) -> Brief | None:
        with self._lock:
            row = self._db().execute("SELECT brief FROM briefs WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        try:
            return Brief.model_validate_json(row[0])
        except ValueError:
            return None  # written by an incompatible version: treat as a miss

    def put(self, key: str, brief: Brief) -> None:
        with self._lock:
            self._db().execute(
                "INSERT OR REPLACE INTO briefs (key, created, brief) VALUES (?, ?, ?)",
                (key, time.time(), brief.model_dump_json()),
            )

    def __len__(self) -> int:
        with self._lock:
            return self._db().execute("SELECT COUNT(*) FROM briefs").fetchone()[0]

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
