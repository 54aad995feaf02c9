"""Resumable folder runs: `FolderBatch` (what `summarizer batch` runs), on the runner in batch_run.py.

    from summarizer.batch import summarize_many
    for result in summarize_many([Path("a.txt"), Path("b.html")], concurrency=8):
        print(result.label, result.status, result.reason or result.brief.headline)

`FolderBatch` is what `summarizer batch` runs: a folder in; one brief per article, `index.jsonl` and
`errors.jsonl` out. Every brief is written atomically (temp file, fsync, os.replace) and the index is
append-only with an fsync per line, so a kill at any moment loses at most the articles in flight, and a rerun
does only what is missing: the index stores each brief's cache key (text, schema, prompt, model, settings).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import aclosing
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .batch_counts import STOP_AFTER, BatchReport, server_failed
from .batch_files import (
    ERRORS_NAME,
    INDEX_NAME,
    atomic_write,
    exclusive,
    read_index,
    sweep_temp,
)
from .batch_inputs import _Input, _Inputs, _is_output_folder, _rel, _walk, suffix_and_stem
from .batch_report import digest, write_report
from .batch_run import (
    DEFAULT_ARTICLE_TIMEOUT,
    DEFAULT_CONCURRENCY,
    DEFAULT_RETRIES,
    SUCCESS,
    BatchResult,
    _as_finished,
    _brief,
    _check_config,
    _close,
    _failed,
    _io_pool,
    _load,
    asummarize_many,
    summarize_many,
    warm_up,
)
from .batch_state import IndexState
from .errors import (
    BatchPendingError,
    SourceError,
    SummarizerError,
    UnreadableSourceError,
)
from .llm import LLM
from .pipeline import Summarizer
from .render import to_json, to_markdown
from .schemas import Brief
from .sources import SUPPORTED_SUFFIXES, read_bounded, regular_file_problem

__all__ = [
    "BatchResult",
    "BatchReport",
    "FolderBatch",
    "asummarize_many",
    "summarize_many",
    "read_index",
    "INDEX_NAME",
    "ERRORS_NAME",
    "DEFAULT_CONCURRENCY",
    "DEFAULT_ARTICLE_TIMEOUT",
    "DEFAULT_RETRIES",
]

# A brief holds its article (at most 20 MB) plus items and provenance; larger is not one of ours.
_BRIEF_MAX_BYTES = 100_000_000


def _written_brief(path: Path, sha256: str | None) -> Brief | None:
    """The brief in `path` if it is a whole, valid brief (of the text with this sha256, when given)."""
    try:
        brief = Brief.model_validate_json(read_bounded(path, _BRIEF_MAX_BYTES))
    except (SummarizerError, ValueError):
        return None
    return brief if sha256 is None or brief.source.sha256 == sha256 else None


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class FolderBatch:
    """One run of `summarizer batch` (make a new one per run): every article under `folder` briefed into `out`.

    Layout of `out`: `<relative path without extension>.json` per article (and `.md` beside it with
    `markdown`), `index.jsonl` (one line per input: status, cache key, output, provenance or error) and
    `errors.jsonl` (one line per input that failed: path and reason). A rerun skips inputs whose brief is
    already there for the same text and settings; `force` redoes everything, without the brief cache.
    """

    def __init__(
        self,
        folder: Path | str,
        out: Path | str,
        *,
        summarizer: Summarizer | None = None,
        concurrency: int = DEFAULT_CONCURRENCY,
        force: bool = False,
        markdown: bool = False,
        article_timeout: float | None = DEFAULT_ARTICLE_TIMEOUT,
        retries: int = DEFAULT_RETRIES,
    ):
        self.folder = Path(folder)
        self.out = Path(out)
        self.concurrency = max(1, concurrency)
        self._owned = summarizer is None
        self.summarizer = summarizer or Summarizer(LLM(max_concurrency=self.concurrency))
        self.force = force
        self.markdown = markdown
        self.article_timeout = article_timeout
        self.retries = retries
        self.report = BatchReport(folder=self.folder, out=self.out)
        self.inputs: _Inputs | None = None
        self._state = IndexState(self.out)
        self._on_result: Callable[[BatchResult], None] | None = None
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()  # index, errors and report are written from the I/O threads
        # rel -> status for inputs an earlier round of the same Batch API run briefed (see batch_api)
        self.carried: dict[str, str] = {}

    def scan(self, *, check_model: bool = True) -> BatchReport:
        """Check the folder and the model configuration and list the inputs; writes nothing.

        `check_model=False` (a dry run) leaves the model alone: checking it would start the local server.

        Raises SummarizerError (ConfigError, UnreadableSourceError) for what must stop a batch before it starts.
        """
        if self.inputs is not None:
            return self.report
        if not self.folder.exists():
            raise UnreadableSourceError(f"{self.folder}: no such folder")
        if not self.folder.is_dir():
            raise UnreadableSourceError(f"{self.folder}: not a folder (use `summarizer brief` for one file)")
        folder, out = self.folder.resolve(), self.out.resolve()
        if out == folder:
            raise SummarizerError(f"{self.out}: the output folder must differ from the input folder")
        if folder.is_relative_to(out):
            # a brief's name mirrors its article's path: written under `out`, it could replace an article
            raise SummarizerError(f"{self.out}: holds the input folder {self.folder}, so a brief could overwrite an "
                                  f"article; choose an output folder outside it (or inside the input folder)")
        if check_model:
            _check_config(self.summarizer)
        skipped: list[tuple[str, str]] = []
        supported: list[str] = []
        if _is_output_folder(self.folder):
            raise SummarizerError(f"{self.folder}: is the output folder of an earlier batch, not a folder of articles")
        for path, rel in _walk(self.folder, out, skipped):
            suffix, stem = suffix_and_stem(rel.rpartition("/")[2])
            suffix = suffix.lower()
            if suffix not in SUPPORTED_SUFFIXES:
                skipped.append((rel, f"unsupported file type {suffix or '(no extension)'}"))
            elif stem.lower().endswith(".ref"):
                # NAME.ref.txt beside NAME.txt is a reference summary for `summarizer eval`, not an article
                skipped.append((rel, "a reference summary (NAME.ref.*), not an article"))
            elif (problem := regular_file_problem(path)) is not None:
                # a FIFO would block its reader for good and a device never ends: only regular files are read
                skipped.append((rel, problem.removeprefix(f"{path}: ")))
            else:
                supported.append(rel)
        self.inputs = _Inputs(supported, self.folder, self.out)
        self.report.total = len(self.inputs)
        self.report.skipped = skipped
        return self.report

    async def run(self, on_result: Callable[[BatchResult], None] | None = None) -> BatchReport:
        """Brief what is missing; call `on_result` after each input's outputs and index line are written.

        Cancelling the task (Ctrl-C under asyncio.run) abandons the articles in flight and keeps every
        finished one; `self.report` then says what is left.
        """
        self.scan()
        assert self.inputs is not None
        report, started = self.report, time.monotonic()
        self._on_result = on_result
        self.out.mkdir(parents=True, exist_ok=True)
        with exclusive(self.out):
            sweep_temp(self.out)
            done = self._state.start(self.inputs.rels, report.skipped)
            # a rerun that finds every input done in the index loads no model layer
            if self.force or done < len(self.inputs):
                # once per process and off the batch's clock (not the command's): the first brief would
                # otherwise hold every other article behind these imports
                report.warm_s = round(warm_up(self.summarizer), 3)
            self._pool = _io_pool(self.concurrency)
            try:
                running = self.concurrency + self._ahead()
                streak = 0
                async with aclosing(_as_finished(self.inputs, self._one, running)) as results:
                    # each worker writes its outputs and its index line itself, in an I/O thread
                    async for result in results:
                        if server_failed(result):
                            streak += 1
                        elif result.status != "failed":
                            streak = 0  # (an article failing on its own, e.g. empty, neither adds nor resets)
                        if streak >= max(STOP_AFTER, self.concurrency):
                            # a key without quota, a model that does not exist, a server that is down: the
                            # rest would fail the same way after their own retries; a rerun goes on from here
                            report.stopped = (f"{streak} articles in a row failed at the model server, the last "
                                              f"with: {result.reason}")
                            break
            except asyncio.CancelledError:
                report.interrupted = True
                raise
            finally:
                # Let writes already started finish (milliseconds), so every brief on disk is in the index.
                self._pool.shutdown(wait=True, cancel_futures=True)
                report.wall_s = round(time.monotonic() - started - report.warm_s, 3)
                self._finish(report)
                if self._owned:
                    await _close(self.summarizer)
        return report

    def _finish(self, report: BatchReport) -> None:
        """Compact the index, rewrite errors.jsonl and the report (from the compacted index, also when
        interrupted: it shows what is on disk).

        A file that cannot be written now (a directory where index.md goes, a full disk) loses nothing already
        written: every brief and its index line are on disk, and a rerun rewrites all three. Raised here, it
        would take the run's counts with it (and replace a Ctrl-C on its way out), so it goes into
        `report.unwritten`, for the summary to name."""
        try:
            write_report(self.out, self._state.finish(), _run_line(report))
        except OSError as exc:
            report.unwritten = f"{exc.filename or self.out}: cannot write ({exc.strerror or exc})"

    async def _one(self, item: _Input) -> BatchResult:
        assert self._pool is not None
        started = time.monotonic()
        result = BatchResult(index=item.order, source=item.path, label=str(item.path), path=item.rel,
                             output=item.output)
        loop = asyncio.get_running_loop()
        previous = None
        try:
            if item.rel in self._state:  # read back from the index: a run keeps no record in memory
                previous = await loop.run_in_executor(self._pool, self._state.previous, item.rel)
            article = await _load(self.summarizer, item.path, self._pool)
            result.label, result.key = article.label, self.summarizer.key(article)
            if not self.force and await loop.run_in_executor(
                self._pool, self._still_valid, previous, result.key, item, article.sha256
            ):
                result.status = "unchanged"
                if item.rel in self.carried:  # briefed by an earlier round of this run: reported as then
                    result.brief = await loop.run_in_executor(self._pool, _written_brief, item.output, article.sha256)
                    if result.brief is not None:
                        result.status = self.carried[item.rel]
            else:
                result.brief = await _brief(self.summarizer, article, force=self.force,
                                            timeout=self.article_timeout, retries=self.retries)
                result.status = "cached" if result.brief.provenance.cached else "ok"
        except BatchPendingError as exc:
            result.status, result.error = "queued", exc  # a Batch API run: its calls go in the next job
        except Exception as exc:
            _failed(result, exc)
        result.duration_s = round(time.monotonic() - started, 3)
        # Once started, the write and its index line complete even if this task is cancelled meanwhile.
        await asyncio.get_running_loop().run_in_executor(self._pool, self._persist, result, item, previous)
        if self._on_result is not None:
            self._on_result(result)
        return result

    def _ahead(self) -> int:
        """Articles read and keyed ahead of the model calls, so a freed call slot goes at once to an article
        ready to send instead of one that is still to be read after the last one is written. They wait in the
        LLM's throttle, so only while that holds the calls to `concurrency` (the CLI's throttle does)."""
        return self.concurrency if self.summarizer.llm.throttle.max <= self.concurrency else 0

    def _still_valid(self, previous: dict[str, Any] | None, key: str, item: _Input, sha256: str) -> bool:
        """The index says this input is done with these settings, and its file is a whole brief of this text
        (a truncated or hand-edited file is redone, not reported unchanged)."""
        return (
            previous is not None
            and previous.get("status") in SUCCESS
            and previous.get("key") == key
            and previous.get("output") == _rel(item.output, self.out)
            and _written_brief(item.output, sha256) is not None
        )

    def _persist(self, result: BatchResult, item: _Input, previous: dict[str, Any] | None) -> None:
        """Write the outputs, then the index line (an I/O thread): a brief on disk is always in the index."""
        try:
            if result.brief is not None:
                atomic_write(item.output, to_json(result.brief) + "\n")
                if self.markdown:
                    atomic_write(item.markdown, to_markdown(result.brief))
            elif result.status == "unchanged" and self.markdown:
                # re-rendered every time: a torn or deleted .md is repaired from its (checked) JSON brief
                written = _written_brief(item.output, None)
                if written is not None:
                    atomic_write(item.markdown, to_markdown(written))
            elif result.status == "failed" and isinstance(result.error, SourceError):
                # the file is no article now (emptied, unreadable): a brief of what it held before would be
                # taken for its brief; a model failure leaves the last good brief where it is
                for stale in (item.output, item.markdown):
                    stale.unlink(missing_ok=True)
        except OSError as exc:
            _failed(result, SummarizerError(f"{result.label}: cannot write {item.output} ({exc.strerror or exc})"))
        except Exception as exc:
            _failed(result, exc)
        record = self._record(result, item, previous)
        with self._lock:
            self._state.append(record)
            self.report.add(result)
            result.position = self.report.finished  # read under the lock: progress lines never repeat a count

    def _record(self, result: BatchResult, item: _Input, previous: dict[str, Any] | None) -> dict[str, Any]:
        record: dict[str, Any] = {"path": item.rel, "status": result.status, "key": result.key}
        if result.status == "unchanged" and previous is not None:
            record = {**previous, **record}
            if "items" not in record:  # an index from before the report: its digest, read once from the brief
                written = _written_brief(item.output, None)
                if written is not None:
                    record.update(digest(written))
            if self.markdown:
                record["markdown"] = _rel(item.markdown, self.out)
        elif result.brief is not None:
            p = result.brief.provenance
            record.update(
                output=_rel(item.output, self.out),
                markdown=_rel(item.markdown, self.out) if self.markdown else None,
                headline=result.brief.headline,
                **digest(result.brief),
                sha256=result.brief.source.sha256,
                # removed items only: a corrected field (a name, status or kind) belongs to a kept item
                provenance={**p.model_dump(mode="json", exclude={"dropped"}),
                            "dropped": sum(not d.corrected for d in p.dropped)},
            )
        elif result.status == "queued":
            record.update(requests=getattr(result.error, "requests", 1))
        else:
            record.update(error=result.reason, error_type=type(result.error).__name__)
        record.update(duration_s=result.duration_s, finished_at=_now())
        return record


def _run_line(report: BatchReport) -> str:
    head = (f"interrupted ({report.left} not finished)" if report.interrupted
            else f"stopped ({report.left} not started)" if report.stopped else "finished")
    cost = "" if report.unpriced and report.unpriced == report.ok else f", ${report.cost_usd:.4f}"
    queued = f", {report.queued} waiting for the Batch API" if report.queued else ""
    warm = f" (after {report.warm_s:.1f} s loading the model layer)" if report.warm_s else ""
    return (f"{_now()}, {head} in {report.wall_s:.2f} s{warm}: {report.ok} new, {report.cached} cached, "
            f"{report.unchanged} already done, {report.failed} failed{queued}; {report.total_tokens:,} tokens{cost}")
