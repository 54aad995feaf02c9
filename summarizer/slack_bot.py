"""The Slack bot itself: a Bolt app whose listeners ack at once and hand each brief to the bot's own pool,
and the work that pool does (placeholder, brief, Block Kit reply, evidence, ephemeral notices).

Built from the environment by `make_bot` / `create_app`; served by `slack_http`.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from .errors import ConfigError, SummarizerError, scrub
from .pipeline import Summarizer
from .schemas import Brief
from .slack_ask import SLACK_FILE_ORIGINS, Ask, load_article, parse_request
from .slack_blocks import SHOW_EVIDENCE, brief_blocks, brief_text, escape, evidence_messages
from .slack_jobs import Jobs, Loop
from .slack_memory import Seen, Store
from .sources import Article

__all__ = ["BUSY", "DEFAULT_API_URL", "BriefBot", "create_app", "make_bot"]

# the bot's one logger name, whichever module logs: the CLI's log format shows it
log = logging.getLogger("summarizer.slack")

DEFAULT_API_URL = "https://slack.com/api/"
BUSY = "I'm busy with other briefs right now. Try again in a minute."
_SLACK_ID = re.compile(r"[A-Z0-9]{2,32}")
_NO_ACCESS = {"not_in_channel", "channel_not_found", "is_archived", "restricted_action", "cannot_reply_to_message"}


@dataclass(frozen=True)
class _Where:
    """Where an answer goes and who asked."""

    channel: str
    user: str
    thread_ts: str | None = None
    response_url: str | None = None
    surface: str = "command"  # command | shortcut | mention | action


def _drop_client_token_warning(record: logging.LogRecord) -> bool:
    return not str(record.msg).startswith("As you gave `client` as well")


class _CannotPost(Exception):
    """The bot may not post in this conversation."""


@dataclass
class BriefBot:
    """A Bolt app wired to a Summarizer, with the pool, loop, retry filter and brief store it needs.

    `client` is a WebClient carrying the bot token; `signing_secret` verifies HTTP requests (Socket Mode needs
    none). `make_bot` / `create_app` build both from the environment. Tests keep the bot to `join()` it.
    """

    summarizer: Summarizer
    client: WebClient
    signing_secret: str | None = None
    workers: int = 4
    queue_size: int = 16
    store_size: int = 256
    brief_timeout: float = 600.0
    file_max_bytes: int = 2_000_000
    file_origins: tuple[str, ...] = SLACK_FILE_ORIGINS
    command: str = "/brief"
    shortcut_id: str = "brief_this"
    app: App = field(init=False)

    def __post_init__(self) -> None:
        self._jobs = Jobs(self.workers, self.queue_size, "brief")
        # busy notices get their own tiny pool, so telling users "busy" never waits on briefs
        self._notices = Jobs(2, 64, "brief-notice")
        self._loop = Loop()
        self._seen = Seen()
        self._store = Store(self.store_size)
        # Listeners only ack and enqueue, so finishing them before the HTTP response costs nothing and keeps
        # all work off Bolt's listener threads (process_before_response=True; the same in Socket Mode).
        # Bolt warns that SLACK_BOT_TOKEN from the environment is unused when a client is given; it is the
        # client's token, so the warning is noise.
        logging.getLogger("slack_bolt.App").addFilter(_drop_client_token_warning)
        self.app = App(
            client=self.client,
            signing_secret=self.signing_secret or "",
            process_before_response=True,
            name="summarizer.slack",
        )
        self.app.middleware(self._drop_repeats)
        self.app.command(self.command)(self._on_command)
        self.app.shortcut(self.shortcut_id)(self._on_shortcut)
        self.app.event("app_mention")(self._on_mention)
        self.app.action(SHOW_EVIDENCE)(self._on_show_evidence)

    @property
    def token(self) -> str | None:
        return self.client.token

    # -- listeners: ack, parse, enqueue; nothing here may block -------------------------------------------

    def _drop_repeats(self, body: dict[str, Any], next: Callable[[], BoltResponse]) -> BoltResponse | None:
        """Answer a retried delivery (same event_id, or same trigger_id) with 200 and do nothing else."""
        key = None
        if body.get("event_id"):
            key = f"event:{body['event_id']}"
        elif body.get("trigger_id"):
            key = f"trigger:{body['trigger_id']}"
        if key and self._seen.check_and_add(key):
            log.info("ignoring a repeated delivery (%s)", key)
            return BoltResponse(status=200, body="")
        return next()

    def _on_command(self, ack: Callable[..., Any], command: dict[str, Any]) -> None:
        try:
            ask = parse_request(command.get("text"))
        except SummarizerError as exc:
            ack(text=escape(scrub(str(exc), self.token)), response_type="ephemeral")
            return
        ack()
        where = _Where(channel=command["channel_id"], user=command["user_id"],
                       response_url=command.get("response_url"), surface="command")
        self._enqueue(self._run_brief, ask, where)

    def _on_shortcut(self, ack: Callable[..., Any], body: dict[str, Any]) -> None:
        ack()
        message = body.get("message") or {}
        channel = (body.get("channel") or {}).get("id")
        where = _Where(channel=channel or "", user=body["user"]["id"], thread_ts=message.get("thread_ts") or message.get("ts"),
                       response_url=body.get("response_url"), surface="shortcut")
        if not channel or not message:
            self._notify(where, "Use *Brief this* from a message's ⋮ menu.")
            return
        try:
            ask = parse_request(message.get("text"), message.get("files"))
        except SummarizerError as exc:
            self._notify(where, str(exc))
            return
        self._enqueue(self._run_brief, ask, where)

    def _on_mention(self, ack: Callable[..., Any], event: dict[str, Any], context: Any) -> None:
        ack()
        where = _Where(channel=event["channel"], user=event.get("user", ""), thread_ts=event.get("thread_ts") or event.get("ts"),
                       surface="mention")
        text = (event.get("text") or "").replace(f"<@{context.bot_user_id}>", " ")
        try:
            ask = parse_request(text, event.get("files"))
        except SummarizerError as exc:
            self._notify(where, str(exc).replace("`/brief ", "`@brief "))
            return
        self._enqueue(self._run_brief, ask, where)

    def _on_show_evidence(self, ack: Callable[..., Any], body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        message = body.get("message") or {}
        container = body.get("container") or {}
        channel = (body.get("channel") or {}).get("id") or container.get("channel_id", "")
        where = _Where(channel=channel, user=body["user"]["id"],
                       thread_ts=message.get("thread_ts") or container.get("thread_ts") or message.get("ts") or container.get("message_ts"),
                       response_url=body.get("response_url"), surface="action")
        self._enqueue(self._post_evidence, str(action.get("value") or ""), where)

    def _enqueue(self, fn: Callable[..., Any], *args: Any) -> None:
        where: _Where = args[-1]
        if not self._jobs.submit(fn, *args):
            log.warning("pool full; told %s to try again", where.user)
            self._notify(where, BUSY)

    def _notify(self, where: _Where, text: str) -> None:
        """An ephemeral line for the user, sent from the notice pool (never from an ack thread)."""
        if not self._notices.submit(self._tell, where, text):
            log.warning("notice pool full; dropped a notice for %s", where.user)

    # -- work on the bot's pool -----------------------------------------------------------------------

    def _run_brief(self, ask: Ask, where: _Where) -> None:
        placeholder: str | None = None
        try:
            if ask.url is None:
                # local input fails fast, before anything shows in the channel
                article = self._article(ask)
                placeholder = self._placeholder(ask, where)
            else:
                placeholder = self._placeholder(ask, where)
                article = self._article(ask)
            brief = self._loop.run(self.summarizer.abrief_article(article), timeout=self.brief_timeout)
            self._deliver(brief, where, placeholder)
        except SummarizerError as exc:
            self._discard(where, placeholder)
            message = str(exc)
            self._tell(where, f"Could not brief {message if message.startswith(ask.name) else f'{ask.label}: {message}'}")
        except _CannotPost as exc:
            self._tell(where, str(exc))
        except SlackApiError as exc:
            error = exc.response.get("error") if exc.response is not None else "unknown"
            log.error("Slack refused a message: %s", scrub(str(error), self.token))
            self._discard(where, placeholder)
            self._tell(where, f"Slack refused the brief ({error}).")
        except Exception as exc:
            log.exception("brief of %s failed", scrub(ask.label, self.token))
            self._discard(where, placeholder)
            self._tell(where, f"Something went wrong while briefing ({type(exc).__name__}); the bot's log has details.")

    def _article(self, ask: Ask) -> Article:
        return load_article(ask, fetcher=self.summarizer.fetcher, client=self.client,
                            file_origins=self.file_origins, file_max_bytes=self.file_max_bytes)

    def _placeholder(self, ask: Ask, where: _Where) -> str | None:
        """Post "Briefing …" and return its ts; None when a slash command must answer via response_url."""
        who = f" for <@{where.user}>" if _SLACK_ID.fullmatch(where.user) else ""
        text = f":hourglass_flowing_sand: Briefing {escape(ask.label[:200])}{who}…"
        try:
            response = self.client.chat_postMessage(channel=where.channel, thread_ts=where.thread_ts, text=text,
                                                    unfurl_links=False, unfurl_media=False)
        except SlackApiError as exc:
            error = exc.response.get("error") if exc.response is not None else None
            if error not in _NO_ACCESS:
                raise
            if where.surface == "command" and where.response_url:
                return None  # slash commands can always answer through their response_url
            raise _CannotPost("I can't post in this conversation. Invite me first (`/invite @Brief`) and try again.") from None
        return str(response["ts"])

    def _deliver(self, brief: Brief, where: _Where, placeholder: str | None) -> None:
        brief_id = self._store.put(brief)
        blocks, text = brief_blocks(brief, brief_id), brief_text(brief)
        if placeholder is not None:
            self.client.chat_update(channel=where.channel, ts=placeholder, text=text, blocks=blocks)
            return
        answer = WebhookClient(str(where.response_url)).send(
            text=text, blocks=blocks, response_type="in_channel", replace_original=False
        )
        if answer.status_code != 200:
            raise SlackApiError("response_url refused the brief", {"ok": False, "error": f"http_{answer.status_code}"})

    def _discard(self, where: _Where, placeholder: str | None) -> None:
        if placeholder is None:
            return
        try:
            self.client.chat_delete(channel=where.channel, ts=placeholder)
        except SlackApiError as exc:
            log.warning("could not delete the placeholder: %s", exc.response.get("error"))

    def _post_evidence(self, brief_id: str, where: _Where) -> None:
        stored = self._store.get(brief_id)
        if stored is None:
            self._tell(where, "That brief is no longer in my memory (I keep the most recent ones). Run `/brief` again.")
            return
        if stored.evidence_posted:
            self._tell(where, "The evidence is already in this thread.")
            return
        messages = evidence_messages(stored.brief)
        stored.evidence_posted = True  # set first: a double click must not post the evidence twice
        try:
            for text, blocks in messages:
                self.client.chat_postMessage(channel=where.channel, thread_ts=where.thread_ts, text=text, blocks=blocks,
                                             unfurl_links=False, unfurl_media=False)
        except SlackApiError as exc:
            stored.evidence_posted = False
            if where.response_url is None:
                raise
            log.info("evidence in thread refused (%s); sending it ephemerally", exc.response.get("error"))
            for text, blocks in messages:
                WebhookClient(where.response_url).send(text=text, blocks=blocks, response_type="ephemeral",
                                                       replace_original=False)

    def _tell(self, where: _Where, text: str) -> None:
        """One ephemeral line to the user who asked: in the thread when possible, else via response_url."""
        line = escape(scrub(" ".join(text.split()), self.token))[:2900]
        if where.surface != "command" or not where.response_url:
            try:
                self.client.chat_postEphemeral(channel=where.channel, user=where.user, text=line, thread_ts=where.thread_ts)
                return
            except SlackApiError as exc:
                if not where.response_url:
                    log.warning("could not tell %s: %s", where.user, exc.response.get("error"))
                    return
        answer = WebhookClient(where.response_url).send(text=line, response_type="ephemeral", replace_original=False)
        if answer.status_code != 200:
            log.warning("could not tell %s: response_url answered %s", where.user, answer.status_code)

    # -- lifecycle ------------------------------------------------------------------------------------

    def join(self, timeout: float | None = None) -> bool:
        """Wait until every queued brief and notice is finished."""
        return self._jobs.join(timeout) and self._notices.join(timeout)

    def close(self) -> None:
        self._jobs.shutdown()
        self._notices.shutdown()
        self._loop.close()


def _api_url(api_url: str | None) -> str:
    url = (api_url or DEFAULT_API_URL).strip()
    return url if url.endswith("/") else url + "/"


def create_app(
    summarizer: Summarizer | None = None,
    *,
    client: WebClient | None = None,
    token: str | None = None,
    signing_secret: str | None = None,
    api_url: str | None = None,
    **options: Any,
) -> App:
    """The Bolt app for both Socket Mode and HTTP. Missing values come from SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET
    and SLACK_API_URL; `options` go to BriefBot (workers, queue_size, store_size, file_max_bytes, ...)."""
    return make_bot(summarizer, client=client, token=token, signing_secret=signing_secret, api_url=api_url, **options).app


def make_bot(
    summarizer: Summarizer | None = None,
    *,
    client: WebClient | None = None,
    token: str | None = None,
    signing_secret: str | None = None,
    api_url: str | None = None,
    **options: Any,
) -> BriefBot:
    """The BriefBot behind `create_app`, kept whole so callers can `join()` and `close()` it."""
    if client is None:
        token = token or os.environ.get("SLACK_BOT_TOKEN")
        if not token:
            raise ConfigError("SLACK_BOT_TOKEN is not set: copy the Bot User OAuth Token (xoxb-...) from your app's "
                              "OAuth & Permissions page")
        client = WebClient(token=token, base_url=_api_url(api_url or os.environ.get("SLACK_API_URL")))
    secret = signing_secret if signing_secret is not None else os.environ.get("SLACK_SIGNING_SECRET")
    return BriefBot(summarizer or Summarizer(), client, signing_secret=secret, **options)
