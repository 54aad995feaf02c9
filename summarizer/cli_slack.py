"""The `summarizer slack` command (placeholder until it is built)."""

import click


@click.command()
def slack() -> None:
    """Not built yet."""
    raise SystemExit("summarizer slack: not built yet")
