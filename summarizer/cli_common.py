"""What every command shares: the model options, building the Summarizer from them, one-line failures, and
log lines that print above a live progress display. The command modules import this; it imports none of them."""

from __future__ import annotations

import contextlib
import functools
import logging
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from .errors import install_scrubber, scrub

__all__ = ["fail", "model_options", "build_summarizer", "quiet_dependencies", "logs_above"]


def fail(message: str, code: int = 1) -> None:
    click.echo(f"error: {scrub(message)}", err=True)
    raise SystemExit(code)


def quiet_dependencies(verbose: int) -> None:
    """0: warnings only; 1 (-v): the tool's own story and one line per HTTP request; 2 (-vv): the SDKs' debug
    output too, request bodies included (the article, and after a re-ask what the model invented)."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("summarizer").setLevel(logging.INFO if verbose else logging.WARNING)
    # Instructor logs every failed validation at ERROR with the model's whole answer: never shown. The SDKs'
    # debug lines carry every request body (a re-ask holds the model's inventions): only on -vv, asked for.
    sdk = logging.DEBUG if verbose >= 2 else logging.INFO if verbose else logging.CRITICAL
    for name in ("httpx", "httpx2", "httpcore", "httpcore2", "openai"):
        # -v keeps httpx's one line per request ("HTTP Request: POST ... 200 OK"); openai's INFO adds nothing
        level = sdk if verbose != 1 or name.startswith("httpx") else logging.WARNING
        logging.getLogger(name).setLevel(level)
    for name in ("instructor", "trafilatura", "htmldate", "courlan"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    # every command's log lines, the SDKs' included, lose keys and tokens a server may echo back
    install_scrubber()
    for name in ("openai", "httpx"):
        install_scrubber(logging.getLogger(name))


def model_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The options every command that calls the model shares."""

    @click.option("--model", "-m", envvar="SUMMARIZER_MODEL",
                  help="Model name; `local` for the bundled local model, `local:/path/to/model.gguf` for another "
                  "GGUF [env SUMMARIZER_MODEL; default gpt-4o-mini with OPENAI_API_KEY, else the local model].")
    @click.option("--base-url", envvar="OPENAI_BASE_URL", help="OpenAI-compatible server, e.g. http://localhost:11434/v1 [env OPENAI_BASE_URL].")
    @click.option("--language", "-l", default="en", show_default=True, help="Language of the brief (code or name); evidence stays verbatim.")
    @click.option("--max-input-tokens", type=click.IntRange(min=500), envvar="SUMMARIZER_MAX_INPUT_TOKENS",
                  help="Input tokens one request may carry; longer articles are split into parts "
                  "[default: per model, 6000 for unknown models].")
    @click.option("--no-cache", is_flag=True, help="Neither read nor write the brief cache.")
    @click.option("--cache", "cache_path", type=click.Path(dir_okay=False, path_type=Path), envvar="SUMMARIZER_CACHE",
                  help="Cache file [env SUMMARIZER_CACHE; default ~/.cache/summarizer/briefs.sqlite3].")
    @click.option("--show-dropped", is_flag=True,
                  help="Keep what the model wrote in each item the gate removed, and list them (never in Slack).")
    @click.option("--verbose", "-v", count=True,
                  help="-v: one line per step on stderr (source read, model and server, each call's seconds and "
                  "tokens, re-asks and why, what the gate removed, cache hit or miss). -vv adds the SDK's debug "
                  "output (keys scrubbed), which carries whole requests: the article and, after a re-ask, what "
                  "the model invented.")
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        quiet_dependencies(kwargs["verbose"])
        return func(*args, **kwargs)

    return wrapper


def build_summarizer(*, model: str | None, base_url: str | None, language: str, no_cache: bool,
                     cache_path: Path | None, max_input_tokens: int | None = None, max_concurrency: int | None = None,
                     progress: Callable[[int, int], None] | None = None, show_dropped: bool = False,
                     **_: Any) -> Any:
    from .llm import LLM
    from .pipeline import Summarizer

    llm = LLM(model=model, base_url=base_url, max_concurrency=max_concurrency)
    cache: Any = False if no_cache else (cache_path or True)
    return Summarizer(llm, cache=cache, language=language, max_input_tokens=max_input_tokens, progress=progress,
                      show_dropped=show_dropped)


@contextlib.contextmanager
def logs_above(progress: Any) -> Iterator[None]:
    # Retry warnings go to the stderr captured when logging was configured, which would tear the live bar;
    # point them at rich's redirected stderr so they print above it.
    handlers = [h for h in logging.getLogger().handlers if isinstance(h, logging.StreamHandler)]
    saved = [h.stream for h in handlers]
    for handler in handlers:
        if handler.stream in (sys.__stderr__, progress.console.file):
            handler.setStream(sys.stderr)
    try:
        yield
    finally:
        for handler, stream in zip(handlers, saved, strict=True):
            handler.setStream(stream)
