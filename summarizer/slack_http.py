"""Serving the Slack bot's Bolt app: a threaded HTTP server that refuses oversized bodies before reading them
(Bolt checks the signing secret after), or Socket Mode, which needs no public URL.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from slack_bolt import App

__all__ = ["MAX_BODY_BYTES", "limit_body", "run_socket_mode", "serve_http"]

# the bot's one logger name, whichever module logs: the CLI's log format shows it
log = logging.getLogger("summarizer.slack")


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    # Slack can send bursts; the default backlog of 5 drops connections under 20 concurrent commands
    request_queue_size = 128


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        log.debug("http: " + format, *args)


# Slack's own payloads (a slash command, an event, a shortcut with its message) are a few KB; anything much
# larger is not Slack, and is refused before a byte of it is read (the signature is checked only after).
MAX_BODY_BYTES = 1_000_000
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Any]


def limit_body(inner: WSGIApp, max_bytes: int = MAX_BODY_BYTES) -> WSGIApp:
    """A WSGI app that answers 413 to a body over `max_bytes` (by its Content-Length) without reading it."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        declared = str(environ.get("CONTENT_LENGTH") or "0").strip()
        if not declared.isdigit():
            start_response("400 Bad Request", [("Content-Type", "text/plain")])
            return [b"invalid Content-Length\n"]
        if int(declared) > max_bytes:
            log.warning("refused a %s-byte request body (the limit is %s)", declared, max_bytes)
            start_response("413 Payload Too Large", [("Content-Type", "text/plain")])
            return [b"request body too large\n"]
        return inner(environ, start_response)

    return app


def serve_http(app: App, *, host: str = "0.0.0.0", port: int = 3000, path: str = "/slack/events",
               max_body_bytes: int = MAX_BODY_BYTES) -> WSGIServer:
    """A threaded HTTP server for the app at `path` (Bolt's default /slack/events); call serve_forever()."""
    from slack_bolt.adapter.wsgi import SlackRequestHandler

    return make_server(host, port, limit_body(SlackRequestHandler(app, path=path), max_body_bytes),
                       server_class=_ThreadingWSGIServer, handler_class=_QuietHandler)


def run_socket_mode(app: App, app_token: str) -> None:
    """Connect out to Slack over a WebSocket (no public URL needed) and serve until interrupted."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    SocketModeHandler(app, app_token).start()
