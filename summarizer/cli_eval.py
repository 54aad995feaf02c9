"""The `summarizer eval` command: run models over a folder, score against references, show them side by side."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import click

from .cli_common import fail
from .cli_common import quiet_dependencies as _quiet_dependencies
from .defaults import DEFAULT_RETRIES
from .errors import SummarizerError

__all__ = ["eval_command"]

EXIT_SOME_FAILED = 3


@click.command("eval")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--model", "-m", "models", multiple=True, required=True, metavar="NAME[@BASE_URL]",
              help="A model to evaluate; repeat for more. `local` is the bundled local model; NAME@BASE_URL "
                   "puts a model on its own OpenAI-compatible server.")
@click.option("--base-url", envvar="OPENAI_BASE_URL",
              help="Server for models given without @BASE_URL [env OPENAI_BASE_URL].")
@click.option("--out", "-o", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for eval.json and eval.html (created if missing); without it only the table is printed.")
@click.option("--concurrency", "-c", type=click.IntRange(1, 256),
              help="Articles at once per model [default: as batch; 1 for a server on this machine].")
@click.option("--timeout", "article_timeout", type=click.FloatRange(min=1),
              help="Give up on one article after this many seconds [default: as batch].")
@click.option("--retries", type=click.IntRange(0, 10), default=DEFAULT_RETRIES, show_default=True,
              help="Tries again for an article the server kept refusing (429/5xx), as batch does.")
@click.option("--reasks", type=click.IntRange(0, 5), help="Re-asks after the gate removes items [default: per model].")
@click.option("--force", is_flag=True, help="Ask the models again, ignoring cached briefs.")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the brief cache.")
@click.option("--cache", "cache_path", type=click.Path(dir_okay=False, path_type=Path), envvar="SUMMARIZER_CACHE",
              help="Cache file, shared with brief and batch [env SUMMARIZER_CACHE].")
@click.option("--language", "-l", default="en", show_default=True, help="Language of the briefs.")
@click.option("--max-input-tokens", type=click.IntRange(min=500), envvar="SUMMARIZER_MAX_INPUT_TOKENS",
              help="Input tokens one request may carry [default: per model].")
@click.option("--show-dropped", is_flag=True, help="Keep what the model wrote in removed items (in eval.json).")
@click.option("--verbose", "-v", is_flag=True, help="Log each model call and retry to stderr.")
def eval_command(folder: Path, models: tuple[str, ...], base_url: str | None, out: Path | None,
                 concurrency: int | None, article_timeout: float | None, retries: int, reasks: int | None,
                 force: bool, no_cache: bool, cache_path: Path | None, language: str, max_input_tokens: int | None,
                 show_dropped: bool, verbose: bool) -> None:
    """Brief every article under FOLDER with each --model and measure the briefs against references.

    References sit beside an article: NAME.ref.txt (a human summary, scored by ROUGE-L against the headline
    and what happened) and NAME.ref.json ({"who": [{"name"}], "key_figures": [{"value"}],
    "proposed_responses": [{"proposed_by"}]}: the share of each the brief holds). Per article and model:
    briefed or why not, items kept and removed by the gate, evidence quoted vs located, coverage, calls,
    seconds, tokens and cost. Same pipeline and cache as batch: a rerun costs nothing.

    Exit status: 0 every article briefed by every model, 3 some failed or a model was unreachable, 1 nothing ran.

    \b
    Example:
        summarizer eval articles/ --model gpt-4o-mini --model local --out eval/
        summarizer eval articles/ -m llama3.1@http://localhost:11434/v1 -m qwen2.5@http://gpu:8000/v1 -o eval/
    """
    from .eval_report import write_reports
    from .evaluate import ModelSpec, evaluate, find_articles

    _quiet_dependencies(verbose)
    specs = [ModelSpec.parse(m, base_url) for m in models]
    if len({s.label for s in specs}) < len(specs):
        fail("the same --model is given twice")
    options: dict[str, Any] = {"language": language, "max_input_tokens": max_input_tokens, "show_dropped": show_dropped}
    if reasks is not None:
        options["reasks"] = reasks
    try:
        if not find_articles(folder, out):
            fail(f"{folder}: no articles (.txt, .md, .html) to evaluate")
        runs = asyncio.run(evaluate(
            folder, specs, cache=False if no_cache else (cache_path or True), concurrency=concurrency,
            article_timeout=article_timeout, retries=retries, force=force, exclude=out, on_row=_progress_line,
            **options,
        ))
    except SummarizerError as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        fail("interrupted", 130)
    _print_tables(runs)
    if out is not None:
        try:
            json_path, html_path = write_reports(runs, folder, out)
        except OSError as exc:
            fail(f"{out}: cannot write ({exc.strerror or exc})")
        click.echo(f"Wrote {json_path} and {html_path}", err=True)
    if any(run.unreachable or any(r.status != "briefed" for r in run.rows) for run in runs):
        raise SystemExit(EXIT_SOME_FAILED)


def _progress_line(row: Any) -> None:
    if row.status == "briefed":
        what = (f"kept {row.kept:>2}  dropped {row.dropped:>2}  quoted {row.quoted:>2}  located {row.located:>2}  "
                f"calls {row.calls}  {row.seconds:6.1f} s" + ("  (cached)" if row.cached else ""))
    else:
        what = f"failed: {row.reason}"
    click.echo(f"[{row.model}] {row.article:<26} {what}", err=True)


def _print_tables(runs: list[Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    from .eval_report import article_lines, summary_lines

    console = Console()
    if not console.is_terminal:
        console = Console(width=200)  # a pipe or a file: whole lines, not an 80-column wrap
    for title, (header, rows) in (("Totals", summary_lines(runs)), ("Per article", article_lines(runs))):
        table = Table(title=title, title_justify="left")
        for i, name in enumerate(header):
            table.add_column(name, style="bold" if i == 0 else None, overflow="fold")
        for row in rows:
            table.add_row(*row)
        console.print(table)
