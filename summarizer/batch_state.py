"""A folder run's state is its index on disk: memory holds only where each input's latest line is.

A run compacts `index.jsonl` to one line per input (in path order) when it starts, appends one line per
input as it finishes, and compacts again at the end, writing `errors.jsonl` and the report from the
compacted file. Every one of these passes streams the file: a run over a million articles keeps a million
(offset, length) pairs, not a million records, and no record outlives the write of its line.
"""

from __future__ import annotations

import os
from array import array
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from .batch_files import ERRORS_NAME, INDEX_NAME, Journal, atomic_write, index_records, json_line

__all__ = ["IndexState", "IndexRecords", "Positions", "error_line"]

_SUCCESS = frozenset({"ok", "cached", "unchanged"})


def error_line(record: dict[str, Any]) -> dict[str, Any]:
    """The errors.jsonl line of a failed input: the same names as its index line, so one query reads either."""
    return {"path": record["path"], "error": record.get("error"), "error_type": record.get("error_type"),
            "finished_at": record.get("finished_at")}


class IndexRecords:
    """The records of a compacted index, read from the file afresh at each iteration (the report reads them
    several times over, and never needs them all at once)."""

    def __init__(self, path: Path):
        self.path = path

    def __iter__(self) -> Iterator[dict[str, Any]]:
        try:
            with self.path.open("rb") as f:
                for raw in f:
                    yield from index_records(raw)
        except FileNotFoundError:
            return


class IndexState:
    """`out`'s index.jsonl and errors.jsonl during a run: `start`, then `append` per finished input (from any
    thread, one at a time), and `finish`; `previous(rel)` reads an input's latest line back from the file."""

    def __init__(self, out: Path):
        self.index_path = out / INDEX_NAME
        self.errors_path = out / ERRORS_NAME
        self._where = Positions(())  # where each input's latest index line is
        self._index: Journal | None = None
        self._errors: Journal | None = None
        self._reader: int | None = None

    def __contains__(self, rel: object) -> bool:
        return rel in self._where

    def start(self, inputs: Iterable[str], skipped: Iterable[tuple[str, str]]) -> int:
        """Compact the index to the latest line of each of `inputs`, plus a `skipped` line for each of those,
        and open it for appends. Returns how many of `inputs` the index has as done.

        Compacting also drops a torn last line a killed run left, so appends start on a clean line."""
        keep = {rel: rel for rel in inputs}  # each path to the walk's own string, so the index shares it
        latest: dict[str, tuple[int, int]] = {}
        try:
            with self.index_path.open("rb") as f:
                offset = 0
                for raw in f:
                    for record in index_records(raw):
                        if record["path"] in keep:
                            latest[keep[record["path"]]] = (offset, len(raw))
                    offset += len(raw)
        except FileNotFoundError:
            pass
        reasons = dict(skipped)
        done = 0

        def records() -> Iterator[tuple[str, dict[str, Any]]]:
            nonlocal done
            old = self.index_path.open("rb") if latest else None
            try:
                for rel in sorted(latest.keys() | reasons.keys()):
                    rel = keep.get(rel, rel)
                    if rel in reasons:
                        yield rel, {"path": rel, "status": "skipped", "reason": reasons[rel]}
                        continue
                    assert old is not None
                    record = _read_back(old, latest[rel], rel)
                    done += record.get("status") in _SUCCESS
                    yield rel, record
            finally:
                if old is not None:
                    old.close()

        self._rewrite(records(), [*keep, *(rel for rel in reasons if rel not in keep)])
        self._index, self._errors = Journal(self.index_path), Journal(self.errors_path)
        self._reader = os.open(self.index_path, os.O_RDONLY)
        return done

    def _rewrite(self, records: Iterable[tuple[str, dict[str, Any]]], paths: Iterable[str]) -> None:
        """Write the (path, record) pairs (in path order) as the index, noting where each path's line is
        (`paths`: every path the run may write a line for); then errors.jsonl from it."""
        where = Positions(paths)
        offset = 0

        def lines() -> Iterator[str]:
            nonlocal offset
            for rel, record in records:
                line = json_line(record)
                where.set(rel, offset, len(line))
                offset += len(line)
                yield line.decode("utf-8")

        atomic_write(self.index_path, lines())
        self._where = where
        failed = (error_line(r) for r in IndexRecords(self.index_path) if r.get("status") == "failed")
        atomic_write(self.errors_path, (json_line(r).decode("utf-8") for r in failed))

    def previous(self, rel: str) -> dict[str, Any] | None:
        """The latest index record of `rel` (None when it has none)."""
        found = self._where.get(rel)
        if found is None or self._reader is None:
            return None
        offset, length = found
        records = [r for r in index_records(os.pread(self._reader, length, offset)) if r["path"] == rel]
        return records[-1] if records else None

    def append(self, record: dict[str, Any]) -> None:
        """One input's index line, and a failed input's errors line; each fsync-ed before this returns. The
        caller holds its lock: lines of two inputs never interleave."""
        assert self._index is not None and self._errors is not None
        self._where.set(record["path"], *self._index.write(record))
        if record["status"] == "failed":
            self._errors.write(error_line(record))

    def close(self) -> None:
        for journal in (self._index, self._errors):
            if journal is not None:
                journal.close()
        self._index = self._errors = None
        if self._reader is not None:
            os.close(self._reader)
            self._reader = None

    def finish(self) -> IndexRecords:
        """Close, compact the index (one line per input, in path order), rewrite errors.jsonl from it; the
        compacted records, to build the report from."""
        self.close()
        where = self._where

        def records() -> Iterator[tuple[str, dict[str, Any]]]:
            with self.index_path.open("rb") as f:
                for rel in where.paths():
                    found = where.get(rel)
                    assert found is not None
                    yield rel, _read_back(f, found, rel)

        self._rewrite(records(), where.paths())
        return IndexRecords(self.index_path)


class Positions:
    """Where each path's latest index line is, (offset, length), for the paths a run was started with: one
    array of int pairs, indexed by the path's place among them. Noting a line writes into the array and makes
    no object, so a run keeps no object per input among the briefs' short-lived ones (16 bytes an input in
    all). A path it was not started with is kept aside, in a dict."""

    def __init__(self, paths: Iterable[str]):
        self._slot = {rel: i for i, rel in enumerate(paths)}
        self._at = array("q", [-1]) * (2 * len(self._slot))
        self._other: dict[str, tuple[int, int]] = {}

    def set(self, rel: str, offset: int, length: int) -> None:
        i = self._slot.get(rel)
        if i is None:
            self._other[rel] = (offset, length)
        else:
            self._at[2 * i], self._at[2 * i + 1] = offset, length

    def get(self, rel: str) -> tuple[int, int] | None:
        i = self._slot.get(rel)
        if i is None:
            return self._other.get(rel)
        return (self._at[2 * i], self._at[2 * i + 1]) if self._at[2 * i] >= 0 else None

    def __contains__(self, rel: object) -> bool:
        return isinstance(rel, str) and self.get(rel) is not None

    def __len__(self) -> int:
        return sum(1 for i in range(0, len(self._at), 2) if self._at[i] >= 0) + len(self._other)

    def paths(self) -> list[str]:
        """The paths with a line, in path order."""
        return sorted([rel for rel, i in self._slot.items() if self._at[2 * i] >= 0] + list(self._other))


def _read_back(f: IO[bytes], where: tuple[int, int], rel: str) -> dict[str, Any]:
    f.seek(where[0])
    # the last record for `rel` on that line is the one read_index would keep
    return [r for r in index_records(f.read(where[1])) if r["path"] == rel][-1]
