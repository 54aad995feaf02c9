"""Files of a folder batch that survive a kill: atomic writes, an fsync-ed append-only journal, the index
reader, the one-batch-per-folder lock and the sweep of temp files a killed run left."""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from .errors import SummarizerError

__all__ = ["INDEX_NAME", "ERRORS_NAME", "LOCK_NAME", "atomic_write", "json_line", "jsonl", "Journal", "read_index",
           "exclusive", "sweep_temp"]

INDEX_NAME = "index.jsonl"
ERRORS_NAME = "errors.jsonl"
LOCK_NAME = ".summarizer-batch.lock"
_TEMP = re.compile(r"^\..+\.[0-9a-f]{8}\.tmp$")



def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return  # not possible on every platform; the rename itself is still atomic
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write(path: Path, text: str | Iterable[str]) -> None:
    """Write `text` (a string, or its pieces in order) so that `path` holds either its old content or all of
    the new, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # 0o666: the umask applies, unlike mkstemp
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            if isinstance(text, str):
                f.write(text)
            else:
                f.writelines(text)  # pieces: a long file is never one string in memory
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            # named after the file it was for, not its temp file: the one name a user can look for
            exc.filename, exc.filename2 = os.fspath(path), None
        raise
    _fsync_dir(path.parent)


def json_line(record: dict[str, Any]) -> bytes:
    """One JSONL line, as the index, the errors file and `jsonl` write it."""
    return (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")


def jsonl(records: Iterable[dict[str, Any]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


class Journal:
    """An append-only JSONL file: one write, flush and fsync per line, so a kill leaves at most a torn last line."""

    def __init__(self, path: Path):
        self._file = path.open("ab")  # bytes: `write` says where each line starts, to read it back by offset

    def write(self, record: dict[str, Any]) -> tuple[int, int]:
        """Append `record`; returns the line's (offset, length) in bytes."""
        line = json_line(record)
        offset = self._file.tell()
        self._file.write(line)
        self._file.flush()
        os.fsync(self._file.fileno())
        return offset, len(line)

    def close(self) -> None:
        self._file.close()


def read_index(path: Path) -> dict[str, dict[str, Any]]:
    """The latest record per input path of an index.jsonl; unparsable lines (a torn last line) are skipped."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return {}
    return {record["path"]: record for record in index_records(data)}


def index_records(raw: bytes) -> Iterator[dict[str, Any]]:
    """The records in index.jsonl bytes, in order: a torn or hand-broken line, or one without a path, is none."""
    for line in raw.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and isinstance(record.get("path"), str):
            yield record


@contextlib.contextmanager
def exclusive(out: Path) -> Iterator[None]:
    """One batch per output folder at a time; the OS drops the lock when the process dies, even by kill -9.

    The lock file is removed on the way out, while still locked: a clean run leaves nothing behind. A batch that
    opened the file just before it went would then hold a lock on a file no longer there, so after locking each
    run checks that the path still names the file it locked, and starts over if not.
    """
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks here; run one batch per folder
        yield
        return
    path = out / LOCK_NAME
    while True:
        handle = path.open("a")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise SummarizerError(f"{out}: another batch is writing to this folder") from None
        try:
            same = os.path.samestat(os.fstat(handle.fileno()), os.stat(path))
        except FileNotFoundError:
            same = False
        if same:
            break
        handle.close()  # the holder removed it between our open and our lock: lock the new one
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            path.unlink()
        handle.close()  # closing drops the lock


def sweep_temp(out: Path) -> None:
    """Remove temp files a killed run left behind (only ours: `.<name>.<8 hex>.tmp`)."""
    for tmp in out.rglob(".*.tmp"):
        if _TEMP.match(tmp.name) and tmp.is_file():
            with contextlib.suppress(OSError):
                tmp.unlink()
