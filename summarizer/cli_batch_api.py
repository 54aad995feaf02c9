"""`summarizer batch --batch-api`, `--status OUT` and `--cancel OUT`: parse, call batch_api, print."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .errors import SummarizerError, scrub

if TYPE_CHECKING:
    from .batch import BatchReport, BatchResult, FolderBatch

__all__ = ["run_api", "show_status", "cancel"]


def run_api(make_batch: Callable[[], FolderBatch], *, wait: bool, poll_s: float, live_reasks: bool,
            concurrency: int) -> tuple[str, BatchReport | None, list[dict[str, Any]]]:
    """Run the folder through the Batch API; returns the outcome's state, the last round's report, the jobs."""
    from .batch_api import BatchApiRun
    from .cli_progress import progress

    rounds: list[Any] = []

    def on_round(batch: FolderBatch) -> Callable[[BatchResult], None] | None:
        # each round is a FolderBatch over the folder: its own bar (fast: no model call waits in it)
        if rounds:
            rounds.pop().__exit__(None, None, None)
        bar = progress(batch.scan(), concurrency)
        callback = bar.__enter__()
        rounds.append(bar)
        return callback

    with _jobs_view() as on_jobs:
        run = BatchApiRun(make_batch, wait=wait, poll_s=poll_s, live_reasks=live_reasks, on_jobs=on_jobs,
                          on_round=on_round)
        try:
            outcome = run.run()
        finally:
            while rounds:
                rounds.pop().__exit__(None, None, None)
    return outcome.state, outcome.report, outcome.jobs


@contextlib.contextmanager
def _jobs_view() -> Iterator[Callable[[list[dict[str, Any]]], None]]:
    """A line on stderr whenever a job's status or counts change (submitted, running, finished)."""
    from .batch_jobs import describe

    shown: dict[str, str] = {}

    def on_jobs(jobs: list[dict[str, Any]]) -> None:
        for job in jobs:
            line = describe(job)
            if shown.get(job["name"]) != line:
                shown[job["name"]] = line
                click.echo(f"Batch API {scrub(line)}", err=True)

    yield on_jobs


def summary_lines(state: str, report: BatchReport | None, jobs: list[dict[str, Any]], out: Path) -> str:
    """What the run left: the live batch's summary when it is done, else which jobs run and how to go on."""
    from .batch_jobs import describe

    lines = []
    if state == "waiting" and report is not None:
        lines.append(f"{report.done} of {report.total} articles briefed so far, {report.failed} failed, "
                     f"{report.queued} waiting for the Batch API.")
    elif report is not None:
        from .cli_progress import summary

        lines.append(summary(report))
    if state == "waiting":
        lines.extend(f"  {describe(job)}" for job in jobs if job.get("status") not in ("completed", "expired",
                                                                                       "cancelled", "failed"))
        lines.append(f"Jobs run on the API's side (up to 24 h). Rerun the same command to collect the briefs, "
                     f"or `summarizer batch --status {out}`.")
    else:
        paid = sum(job.get("requests", 0) for job in jobs)
        lines.append(f"Batch API: {len(jobs)} job{'s' if len(jobs) != 1 else ''}, {paid} requests; costs above are at "
                     "batch prices (half the list price).")
    return scrub("\n".join(lines))


def show_status(out: Path, summarizer: Any) -> str:
    """`--status OUT`: every job of OUT as the API sees it now, and the articles by status in the index."""
    from .batch_api import job_status
    from .batch_files import INDEX_NAME, read_index
    from .batch_jobs import client_for, describe

    llm = summarizer.llm
    jobs = job_status(out, client_for(llm.base_url, llm._secret()), llm.model)
    counts: dict[str, int] = {}
    for record in read_index(out / INDEX_NAME).values():
        counts[record.get("status", "?")] = counts.get(record.get("status", "?"), 0) + 1
    lines = [f"Batch API jobs of {out}:"] + [f"  {describe(job)}" for job in jobs]
    if counts:
        lines.append("Articles: " + ", ".join(f"{n} {status}" for status, n in sorted(counts.items())))
    if any(job.get("status") not in ("completed", "expired", "cancelled", "failed") for job in jobs):
        lines.append("Rerun the batch command with --batch-api to collect what finished.")
    return scrub("\n".join(lines))


def cancel(out: Path, summarizer: Any) -> str:
    """`--cancel OUT`: cancel the running jobs; answers already finished are kept for the next run."""
    from .batch_api import cancel_jobs
    from .batch_jobs import client_for, describe

    llm = summarizer.llm
    before = {j["name"]: j.get("status") for j in _jobs_or_none(out)}
    jobs = cancel_jobs(out, client_for(llm.base_url, llm._secret()), llm.model)
    changed = [j for j in jobs if before.get(j["name"]) != j.get("status")]
    if not changed:
        return scrub(f"Nothing to cancel in {out}: " + "; ".join(describe(j) for j in jobs))
    return scrub("Cancelled:\n" + "\n".join(f"  {describe(j)}" for j in changed)
                 + "\nA rerun with --batch-api briefs what finished and submits the rest again.")


def _jobs_or_none(out: Path) -> list[dict[str, Any]]:
    from .batch_ledger import Ledger

    try:
        return Ledger(out, readonly=True).load().jobs
    except SummarizerError:
        return []
