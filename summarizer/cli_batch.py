"""The `summarizer batch` command: parse, run `FolderBatch`, show progress, print a summary."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .aio import run_stoppable, sigterm_interrupts
from .cli_common import build_summarizer, fail, model_options
from .cli_progress import progress, summary
from .defaults import DEFAULT_ARTICLE_TIMEOUT, DEFAULT_CONCURRENCY, DEFAULT_RETRIES
from .errors import SummarizerError, scrub

if TYPE_CHECKING:
    from .batch_counts import BatchReport

__all__ = ["batch", "EXIT_OK", "EXIT_FATAL", "EXIT_SOME_FAILED", "EXIT_INTERRUPTED"]

EXIT_OK = 0
EXIT_FATAL = 1
EXIT_SOME_FAILED = 3
EXIT_INTERRUPTED = 130


@click.command()
@click.argument("folder", type=click.Path(file_okay=True, path_type=Path), required=False)
@click.option("--out", "-o", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the briefs, index.jsonl and errors.jsonl (created if missing).")
@click.option("--concurrency", "-c", type=click.IntRange(1, 256),
              help=f"Model calls at once (fewer while the server answers 429) [default: {DEFAULT_CONCURRENCY}; "
                   "1 for the local model].")
@click.option("--markdown", is_flag=True, help="Also write a Markdown brief beside each JSON one.")
@click.option("--dry-run", is_flag=True,
              help="Count the inputs, what is already done or cached, the tokens and the estimated cost; call no "
                   "model and write nothing.")
@click.option("--force", is_flag=True, help="Redo every article, ignoring briefs already written and the cache.")
@click.option("--timeout", "article_timeout", type=click.FloatRange(min=1),
              help="Give up on one article after this many seconds, retries included "
                   f"[default: {DEFAULT_ARTICLE_TIMEOUT:g}; none for the local model, whose every call has its own "
                   "900 s limit and is never sent twice].")
@click.option("--retries", type=click.IntRange(0, 10), default=DEFAULT_RETRIES, show_default=True,
              help="Tries again, after a pause, for an article the server kept refusing (429/5xx) through all "
                   "transport retries.")
@click.option("--batch-api", is_flag=True,
              help="Send the requests as OpenAI Batch API jobs (half the price, answers within 24 h). The same "
                   "command again resumes: it never submits an input twice.")
@click.option("--wait/--no-wait", default=True, show_default=True,
              help="With --batch-api: poll until the jobs are done and briefed, or return once they are submitted.")
@click.option("--poll", "poll_s", type=click.FloatRange(min=0.05), default=30.0, show_default=True,
              envvar="SUMMARIZER_BATCH_POLL", help="With --batch-api: seconds between looks at running jobs.")
@click.option("--reask-live", is_flag=True,
              help="With --batch-api: re-ask the answers the gate rejected live, not as a second job.")
@click.option("--status", "status_of", type=click.Path(file_okay=False, path_type=Path), metavar="OUT",
              help="Show the Batch API jobs of OUT and its articles by status, then exit.")
@click.option("--cancel", "cancel_of", type=click.Path(file_okay=False, path_type=Path), metavar="OUT",
              help="Cancel the running Batch API jobs of OUT (finished answers are kept), then exit.")
@model_options
def batch(folder: Path | None, out: Path | None, concurrency: int | None, markdown: bool, dry_run: bool, force: bool,
          article_timeout: float | None, retries: int, batch_api: bool, wait: bool, poll_s: float,
          reask_live: bool, status_of: Path | None, cancel_of: Path | None, **options: Any) -> None:
    """Brief every article under FOLDER (.txt, .md, .html, recursively) into --out.

    Each article gets OUT/<path without extension>.json (and .md with --markdown); OUT/index.jsonl lists
    every input with its status and provenance, OUT/errors.jsonl every failure with its reason. Other files
    are listed as skipped; hidden files and folders are ignored. A rerun skips articles already briefed with
    the same text and settings, so after a crash or Ctrl-C the same command finishes the rest.

    OUT/index.md and OUT/index.html are the report of the whole folder (headline, source, who, what, items and
    removed claims per article; failures; tokens and cost), rewritten at the end of every run. --dry-run says
    what a run would do and cost, reading the inputs only.

    Exit status: 0 all briefed, 3 some inputs failed, 1 nothing could run (or the model server failed 8
    articles in a row, and the run stopped, or the index or report could not be written), 130 interrupted.

    \b
    Example:
        summarizer batch articles/ --out briefs/                  # the local model, one article at a time
        export OPENAI_API_KEY=sk-...        # or OPENAI_BASE_URL=http://localhost:11434/v1
        summarizer batch articles/ --out briefs/ --concurrency 8
        summarizer batch articles/ --out briefs/ --markdown --model gpt-4o-mini
        summarizer batch articles/ --out briefs/ --model gpt-4o --dry-run   # tokens and cost first
        summarizer batch articles/ --out briefs/ --batch-api     # OpenAI's Batch API, half the price
        summarizer batch --status briefs/                        # its jobs, and the articles by status
    """
    if status_of is not None or cancel_of is not None:
        _jobs_command(status_of, cancel_of, options)
    if folder is None or out is None:
        fail("batch needs FOLDER and --out OUT (or --status OUT / --cancel OUT); see --help")
    assert folder is not None and out is not None
    if (wait is False or reask_live) and not batch_api:
        fail("--no-wait and --reask-live go with --batch-api")
    try:
        summarizer = build_summarizer(**options, max_concurrency=concurrency)
        # a local server works on one request at a time: one article at a time, and no budget cutting a call
        # short that the server would finish anyway
        is_local = summarizer.llm.local is not None
        concurrency = concurrency or (1 if is_local else DEFAULT_CONCURRENCY)
        if summarizer.llm.throttle.max != concurrency:  # --concurrency is model calls at once, the default too
            from .llm import Throttle

            summarizer.llm.throttle = Throttle(concurrency)
        if article_timeout is None and not is_local:
            article_timeout = DEFAULT_ARTICLE_TIMEOUT
        from .batch import FolderBatch  # the model layer loads only when a batch runs

        def make_batch() -> FolderBatch:
            return FolderBatch(folder, out, summarizer=summarizer, concurrency=concurrency, force=force,
                               markdown=markdown, article_timeout=article_timeout, retries=retries)

        job = make_batch()
        if batch_api and not dry_run:
            _batch_api(make_batch, out, wait=wait, poll_s=poll_s, live_reasks=reask_live, concurrency=concurrency)
        if dry_run:
            from .batch_plan import describe, plan

            click.echo(describe(plan(job, batch_api=batch_api), str(out)))
            raise SystemExit(EXIT_OK)
        report = job.scan()
    except SummarizerError as exc:
        fail(str(exc))
    except KeyboardInterrupt:  # while the folder is read: nothing sent, nothing written (not click's "Aborted!")
        fail("interrupted before any article was sent; nothing was written", EXIT_INTERRUPTED)
    # SIGTERM (`timeout`, `docker stop`, systemd) ends the run as Ctrl-C does: the summary, the report, the lock
    try:
        with progress(report, concurrency) as on_result:
            run_stoppable(job.run(on_result))
    except KeyboardInterrupt:
        job.report.interrupted = True
    except SummarizerError as exc:
        fail(str(exc))
    except OSError as exc:  # the output folder itself failed us (disk full, permissions): nothing more can run
        fail(f"{out}: cannot write ({exc.strerror or exc})")
    click.echo(summary(job.report))
    unwritten = _say_unwritten(job.report)
    if job.report.interrupted:
        raise SystemExit(EXIT_INTERRUPTED)
    if unwritten or (job.report.failed and not job.report.done) or job.report.stopped:
        # nothing could run (no server, no key), the server gave out midway, or the output folder failed us:
        # its index or report is stale, so not 3, which says "the folder is right, these inputs failed"
        raise SystemExit(EXIT_FATAL)
    raise SystemExit(EXIT_SOME_FAILED if job.report.failed else EXIT_OK)


def _say_unwritten(report: BatchReport | None) -> bool:
    """Name the file a run could not write at its end, after the summary (which it must not cost); whether
    there was one."""
    if report is None or report.unwritten is None:
        return False
    click.echo(f"error: {scrub(report.unwritten)}. The briefs are on disk; once that is fixed, the same command "
               f"writes it (nothing is briefed again).", err=True)
    return True


def _jobs_command(status_of: Path | None, cancel_of: Path | None, options: dict[str, Any]) -> None:
    from .cli_batch_api import cancel, show_status

    try:
        summarizer = build_summarizer(**options)
        if cancel_of is not None:
            click.echo(cancel(cancel_of, summarizer))
        else:
            assert status_of is not None
            click.echo(show_status(status_of, summarizer))
    except SummarizerError as exc:
        fail(str(exc))
    raise SystemExit(EXIT_OK)


def _batch_api(make_batch: Callable[[], Any], out: Path, *, wait: bool, poll_s: float, live_reasks: bool,
               concurrency: int) -> None:
    from .cli_batch_api import run_api, summary_lines

    try:
        with sigterm_interrupts():  # SIGTERM while polling stops as Ctrl-C does, not with no word said
            state, report, jobs = run_api(make_batch, wait=wait, poll_s=poll_s, live_reasks=live_reasks,
                                          concurrency=concurrency)
    except KeyboardInterrupt:
        click.echo(f"Interrupted. Submitted jobs keep running; rerun the same command to resume, or "
                   f"`summarizer batch --status {out}`.", err=True)
        raise SystemExit(EXIT_INTERRUPTED) from None
    except SummarizerError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"{out}: cannot write ({exc.strerror or exc})")
    click.echo(summary_lines(state, report, jobs, out))
    unwritten = _say_unwritten(report)
    if state == "waiting" or report is None:
        raise SystemExit(EXIT_FATAL if unwritten else EXIT_OK)
    if unwritten or (report.failed and not report.done):
        raise SystemExit(EXIT_FATAL)
    raise SystemExit(EXIT_SOME_FAILED if report.failed else EXIT_OK)
