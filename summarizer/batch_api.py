"""`summarizer batch --batch-api`: a folder briefed through OpenAI's Batch API, at half the price.

A run goes in rounds. Each round is an ordinary `FolderBatch` over the folder, on the same pipeline, with
the model's calls answered from the jobs already finished (`LLM.batch_answers`). A call no job answers is queued
and its article waits; at the end of the round the queued calls are submitted as the next job. So the
requests are exactly those a live batch sends (prompt, schema, parts of long articles, re-asks), and every
answer goes through the same gate into the same briefs, index and report. Re-asks for answers the gate
rejected make the second, smaller job; requests that errored are sent once more; an expired job's
unfinished requests go again.

All state is in OUT/.batch-api (see batch_ledger): a rerun of the same command, after a crash or kill -9,
picks the jobs up where they are and never submits an input twice.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .aio import run_stoppable
from .batch_files import exclusive
from .batch_jobs import Jobs, client_for
from .batch_ledger import AnswerBook, Ledger
from .errors import ConfigError, SummarizerError

if TYPE_CHECKING:
    import openai

    from .batch import BatchReport, BatchResult, FolderBatch

__all__ = ["BatchApiRun", "ApiOutcome", "BATCH_PRICE", "job_status", "cancel_jobs"]

BATCH_PRICE = 0.5  # of the list price, per OpenAI's Batch API pricing
MAX_ROUNDS = 12  # first answers, re-asks, one resubmission each, expiries: far more than a run needs


@dataclass
class ApiOutcome:
    """Where a Batch API run stopped: `done` (nothing left to ask), `waiting` (jobs still running, --no-wait)."""

    state: str
    jobs: list[dict[str, Any]] = field(default_factory=list)
    report: BatchReport | None = None
    rounds: int = 0


class BatchApiRun:
    """One `summarizer batch --batch-api` run over the folder of `make_batch()`.

    `make_batch` builds a fresh FolderBatch (one per round) on the same Summarizer. `client` is a sync
    openai.OpenAI for the job endpoints (built from the model's settings when not given). `wait`: poll until
    every job is finished and briefed; otherwise stop after submitting or one look at running jobs.
    `live_reasks`: send re-asks to the model directly instead of as a second job. `on_jobs` is told the jobs
    after every look; `on_round(batch)` before each round runs, and may return the round's on_result.
    """

    def __init__(self, make_batch: Callable[[], FolderBatch], *, client: openai.OpenAI | None = None,
                 wait: bool = True, poll_s: float = 30.0, live_reasks: bool = False,
                 on_jobs: Callable[[list[dict[str, Any]]], None] | None = None,
                 on_round: Callable[[FolderBatch], Callable[[BatchResult], None] | None] | None = None,
                 sleep: Callable[[float], Any] = time.sleep):
        self.make_batch = make_batch
        self.client = client
        self.wait = wait
        self.poll_s = poll_s
        self.live_reasks = live_reasks
        self.on_jobs = on_jobs
        self.on_round = on_round
        self.sleep = sleep

    def run(self) -> ApiOutcome:
        started = time.monotonic()
        batch = self.make_batch()
        llm = batch.summarizer.llm
        if llm.local is not None:
            raise ConfigError("--batch-api needs OpenAI or a server with a Batch API; the local model has none "
                              "(run the batch without --batch-api)")
        batch.scan()
        client = self.client or client_for(llm.base_url, llm._secret())
        ledger = Ledger(batch.out)
        ledger.root.mkdir(parents=True, exist_ok=True)
        with exclusive(ledger.root):
            ledger.load()
            jobs = Jobs(client, ledger, model=llm.model)
            rounds = 0
            carried: dict[str, str] = {}
            while True:
                jobs.refresh()
                if self.on_jobs is not None:
                    self.on_jobs(ledger.jobs)
                if ledger.open_jobs():
                    if not self.wait:
                        return ApiOutcome("waiting", ledger.jobs, rounds=rounds)
                    self.sleep(self.poll_s)
                    continue
                book = AnswerBook(ledger, jobs.fetch, live_reasks=self.live_reasks)
                report = self._round(batch, book, carried)
                rounds += 1
                if not book.queued:
                    report.wall_s = round(time.monotonic() - started, 3)  # this run's, waits and rounds in all
                    return ApiOutcome("done", ledger.jobs, report, rounds)
                if rounds >= MAX_ROUNDS:
                    raise SummarizerError(f"{batch.out}: still {len(book.queued)} requests to ask after "
                                          f"{rounds} rounds of Batch API jobs; stopped")
                jobs.submit(list(book.queued.values()))
                if self.on_jobs is not None:
                    self.on_jobs(ledger.jobs)
                if not self.wait:
                    return ApiOutcome("waiting", ledger.jobs, report, rounds)
                batch = self.make_batch()
                batch.carried = carried

    def _round(self, batch: FolderBatch, book: AnswerBook, carried: dict[str, str]) -> BatchReport:
        llm = batch.summarizer.llm
        told = self.on_round(batch) if self.on_round is not None else None

        def on_result(result: BatchResult) -> None:
            if result.status in ("ok", "cached"):
                carried[result.path] = result.status  # the last round reports it as briefed, not unchanged
            if told is not None:
                told(result)

        async def go() -> BatchReport:
            try:
                return await batch.run(on_result)
            finally:
                await llm.aclose()

        # the brief's whole cost at batch prices: with --reask-live its live re-asks are under-priced by half
        llm.batch_answers, llm.price_factor = book, BATCH_PRICE
        try:
            return run_stoppable(go())  # SIGTERM stops a round as Ctrl-C does
        finally:
            llm.batch_answers, llm.price_factor = None, 1.0


def job_status(out: Path, client: openai.OpenAI, model: str) -> list[dict[str, Any]]:
    """The jobs of OUT with their status brought up to date (nothing is created, downloaded or briefed)."""
    ledger = Ledger(out, readonly=True).load()
    if not ledger.exists:
        raise SummarizerError(f"{out}: no Batch API jobs here (OUT/.batch-api/jobs.json is missing)")
    Jobs(client, ledger, model=model).refresh(create=False)
    return ledger.jobs


def cancel_jobs(out: Path, client: openai.OpenAI, model: str) -> list[dict[str, Any]]:
    """Cancel OUT's running jobs; the answers they finished stay usable by the next run."""
    ledger = Ledger(out)
    if not ledger.exists:
        raise SummarizerError(f"{out}: no Batch API jobs here (OUT/.batch-api/jobs.json is missing)")
    with exclusive(ledger.root):
        ledger.load()
        jobs = Jobs(client, ledger, model=model)
        jobs.refresh(create=False)
        jobs.cancel()
        return ledger.jobs
