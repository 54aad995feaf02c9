"""The Slack bot: `/brief`, a "Brief this" message shortcut and @mentions, over Socket Mode or HTTP.

Slack wants every request acknowledged within 3 seconds and Bolt acks on a few threads of its own, while a
brief takes seconds to minutes. So each listener acks at once and hands the work to the bot's own bounded
pool (full pool: the user is told "busy, try again"). Model calls from all workers run on one event-loop
thread, because one AsyncOpenAI client must stay on one loop. Page fetches and parsing run in the workers.

The parts, each importing only those before it: `slack_ask` (what a message asks for, and its article),
`slack_blocks` (Block Kit), `slack_jobs` (the pool and the loop), `slack_memory` (retries seen, recent briefs),
`slack_bot` (the Bolt app and its work), `slack_http` (serving it). This module is the one to import.

`slack_bolt` is an optional extra: this module imports it, `import summarizer` does not.
"""

from __future__ import annotations

from .slack_ask import SLACK_FILE_ORIGINS, USAGE, Ask, parse_request
from .slack_bot import BUSY, DEFAULT_API_URL, BriefBot, create_app, make_bot
from .slack_http import MAX_BODY_BYTES, limit_body, run_socket_mode, serve_http

__all__ = ["BUSY", "DEFAULT_API_URL", "MAX_BODY_BYTES", "SLACK_FILE_ORIGINS", "USAGE", "Ask", "BriefBot", "create_app",
           "limit_body", "make_bot", "parse_request", "run_socket_mode", "serve_http"]
