"""A batch's progress: a live bar with an estimate of the time left on a terminal, one line per input otherwise;
and the summary printed at the end."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import click

from .cli_common import logs_above
from .errors import scrub

if TYPE_CHECKING:
    from .batch import BatchReport, BatchResult

__all__ = ["progress", "EtaClock", "tally", "summary"]

_SHOW_SKIPPED = 10


@contextlib.contextmanager
def progress(report: BatchReport, concurrency: int = 1) -> Iterator[Callable[[BatchResult], None]]:
    """A live bar on a terminal; one plain line per input otherwise (logs, CI, pipes)."""
    from rich.console import Console

    console = Console(stderr=True)
    if not console.is_terminal:
        yield lambda result: _log_line(report, result)
        return
    from rich.markup import escape
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )
    from rich.text import Text

    class _EtaColumn(ProgressColumn):
        # recomputed at every refresh, so the estimate counts down between results
        def __init__(self, clock: EtaClock):
            super().__init__()
            self.clock = clock

        def render(self, task: Any) -> Text:
            return Text(self.clock.text(), style="progress.remaining")

    clock = EtaClock(report, concurrency)

    progress = Progress(
        SpinnerColumn(),
        TextColumn("briefing"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[counts]}"),
        TimeElapsedColumn(),
        _EtaColumn(clock),
        console=console,
    )
    task = progress.add_task("batch", total=report.total, counts=_counts(report))

    def on_result(result: BatchResult) -> None:
        clock.observe(result)
        progress.update(task, advance=1, counts=_counts(report))
        if not result.ok and result.status != "queued":
            progress.console.print(f"[red]failed[/red] {escape(result.folder_reason or result.label)}")

    with progress, logs_above(progress):
        yield on_result


def _counts(report: BatchReport) -> str:
    # the words and numbers of the summary's first line (see `_tally`), so bar and summary never disagree
    return " · ".join(f"{word} {n}" for word, n in tally(report))


def tally(report: BatchReport) -> list[tuple[str, int]]:
    """new: the model made it now; cached: from the brief cache; already done: the brief was in OUT already."""
    tally = [("new", report.ok), ("cached", report.cached), ("already done", report.unchanged),
             ("failed", report.failed)]
    return tally + [("queued", report.queued)] if report.queued else tally


class EtaClock:
    """Time left, from the articles this run worked on (not those found already done, which take no time).

    Hidden until it means something: the first results of a concurrent run arrive together, and a rate taken
    from two of them promised "eta 0:00:01" with minutes to go. So it waits for a full round of the
    concurrency (at least 3 articles) before it shows anything.
    """

    def __init__(self, report: BatchReport, concurrency: int = 1, clock: Callable[[], float] | None = None):
        self.report = report
        self.concurrency = max(1, concurrency)
        self._now = clock or time.monotonic
        self._started = self._now()
        self._worked = 0

    def observe(self, result: BatchResult) -> None:
        if result.status != "unchanged":
            self._worked += 1
        elif self._worked == 0:
            self._started = self._now()  # already-done inputs up front: the clock starts with the real work

    def seconds_left(self) -> float | None:
        left = self.report.left
        needed = max(3, self.concurrency)
        if left <= 0 or self._worked < needed:
            return None
        return (self._now() - self._started) / self._worked * left

    def text(self) -> str:
        seconds = self.seconds_left()
        if seconds is None:
            return ""
        minutes, secs = divmod(int(seconds + 0.5), 60)
        hours, minutes = divmod(minutes, 60)
        return f"about {hours}:{minutes:02d}:{secs:02d} left"


def _log_line(report: BatchReport, result: BatchResult) -> None:
    width = len(str(report.total))
    head = f"[{result.position or report.finished:>{width}}/{report.total}]"
    if result.status == "queued":
        return  # a Batch API round: the job's own lines say what waits
    if result.ok:
        where = f" -> {result.output}" if result.output is not None else ""
        click.echo(f"{head} {result.status:<9} {result.path}{where}", err=True)
    else:
        # named as the ok lines name theirs, relative to the folder, not by the path the folder was given as
        click.echo(f"{head} {'FAILED':<9} {result.folder_reason}", err=True)


def summary(report: BatchReport) -> str:
    lines = []
    head = "Interrupted" if report.interrupted else "Stopped" if report.stopped else "Finished"
    lines.append(
        f"{head} in {report.wall_s:.1f} s: {report.done} of {report.total} articles briefed "
        f"({report.ok} new, {report.cached} cached, {report.unchanged} already done), {report.failed} failed"
        + (f", {len(report.skipped)} other file{'s' if len(report.skipped) > 1 else ''} skipped" if report.skipped else "")
        + "."
    )
    for rel, reason in report.skipped[:_SHOW_SKIPPED]:
        lines.append(f"  skipped {rel}: {reason}")
    if len(report.skipped) > _SHOW_SKIPPED:
        lines.append(f"  ... and {len(report.skipped) - _SHOW_SKIPPED} more skipped (see the index)")
    if report.interrupted:
        lines.append(f"Left: {report.left} articles not finished; run the same command again to finish them.")
    elif report.stopped:
        lines.append(f"Stopped: {report.stopped}. {report.left} articles were not sent; fix the model server or "
                     f"its settings, then run the same command again to finish them.")
    tokens = f"Tokens: {report.total_tokens:,} ({report.prompt_tokens:,} in, {report.completion_tokens:,} out)"
    if report.ok and report.unpriced == report.ok:
        cost = "cost unknown (no list price for this model)"
    else:
        cost = f"estimated cost ${report.cost_usd:.4f}" + (
            f" (+{report.unpriced} briefs from an unpriced model)" if report.unpriced else ""
        )
    lines.append(f"{tokens}; {report.model_answers} model answers; {cost}.")
    lines.append(f"Briefs: {report.out}/  Index: {report.index_path}")
    if report.failed:
        lines.append(f"Failures: {report.errors_path} ({report.failed} inputs, path and reason per line)")
    return scrub("\n".join(lines))
