"""The `summarizer batch` command (placeholder until it is built)."""

import click


@click.command()
def batch() -> None:
    """Not built yet."""
    raise SystemExit("summarizer batch: not built yet")
