"""The Slack bot: `/brief`, a "Brief this" message shortcut and @mentions, over Socket Mode or HTTP.

Slack wants every request acknowledged within 3 seconds and Bolt acks on a few threads of its own, while a
brief takes seconds to minutes. So each listener acks at once and hands the work to the bot's own bounded
pool (full pool: the user is told "busy, try again"). Model calls from all workers run on one event-loop
thread, because one AsyncOpenAI client must stay on one loop. Page fetches and parsing run in the workers.

`slack_bolt` is an optional extra: this module imports it, `import summarizer` does not.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import os
import re
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from socketserver import ThreadingMixIn
from typing import Any, TypeVar
from urllib.parse import urlsplit
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import httpx
from slack_bolt import App, BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from .errors import ConfigError, EmptyArticleError, FetchError, SummarizerError, UnreadableSourceError, scrub
from .pipeline import Summarizer
from .schemas import Brief
from .slack_blocks import SHOW_EVIDENCE, brief_blocks, brief_text, escape, evidence_messages
from .sources import Article, from_bytes, load

__all__ = ["BriefBot", "create_app", "make_bot", "serve_http", "run_socket_mode", "parse_request", "Ask"]

log = logging.getLogger("summarizer.slack")
T = TypeVar("T")

DEFAULT_API_URL = "https://slack.com/api/"
SLACK_FILE_ORIGINS = ("https://files.slack.com",)
BUSY = "I'm busy with other briefs right now. Try again in a minute."
USAGE = "Give me a link or paste the article: `/brief https://example.com/story` or `/brief <article text>`."
_TEXT_MIMETYPES = ("text/", "application/xhtml+xml", "application/xml", "application/json")
_SLACK_LINK = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")
_BARE_URL = re.compile(r"https?://[^\s<>]+", re.IGNORECASE)
_SLACK_ID = re.compile(r"[A-Z0-9]{2,32}")
_NO_ACCESS = {"not_in_channel", "channel_not_found", "is_archived", "restricted_action", "cannot_reply_to_message"}


# --- what to brief ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ask:
    """What a user asked to brief: exactly one of a URL, text, or a Slack file object."""

    url: str | None = None
    text: str | None = None
    file: dict[str, Any] | None = None

    @property
    def name(self) -> str:
        """What error messages from the engine start with (the article's label)."""
        if self.url:
            return self.url
        if self.file:
            return str(self.file.get("name") or "file")
        return "pasted text"

    @property
    def label(self) -> str:
        return self.name if not self.text else f"pasted text ({len(self.text.split())} words)"


def _unescape(text: str) -> str:
    # Slack escapes exactly these three in message and command text
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _plain(text: str) -> tuple[str, list[str]]:
    """Slack message markup to plain text, plus the http(s) links it holds (in order)."""
    urls: list[str] = []

    def unwrap(m: re.Match[str]) -> str:
        target, label = m.group(1), m.group(2)
        if target.lower().startswith(("http://", "https://")):
            urls.append(_unescape(target))
            return label or target
        if target.startswith(("@", "!")):  # user mentions and <!here>-style specials carry no content
            return label or ""
        if target.startswith("#"):
            return "#" + (label or "")
        if target.startswith("mailto:"):
            return label or target[7:]
        return label or target

    plain = _unescape(_SLACK_LINK.sub(unwrap, text))
    for url in _BARE_URL.findall(plain):
        url = url.rstrip(".,;:!?)]'\"")
        if url not in urls:
            urls.append(url)
    return plain.strip(), urls


def _is_text_file(file: dict[str, Any]) -> bool:
    mimetype = str(file.get("mimetype") or "").lower()
    return mimetype.startswith(_TEXT_MIMETYPES) or file.get("filetype") in ("text", "html", "markdown", "post")


def parse_request(text: str | None, files: list[dict[str, Any]] | None = None) -> Ask:
    """Decide what a message asks for: an attached text/HTML file, else a link (when the words around it
    are too few to be an article), else the text itself. Raises a SummarizerError for nothing usable."""
    files = [f for f in files or [] if f.get("mode") != "tombstone"]
    for file in files:
        if _is_text_file(file):
            return Ask(file=file)
    plain, urls = _plain(text or "")
    rest = plain
    for url in urls:
        rest = rest.replace(url, " ")
    if urls and len(rest.split()) < 20:
        return Ask(url=urls[0])
    if plain:
        return Ask(text=plain)
    if files:
        kind = files[0].get("pretty_type") or files[0].get("filetype") or files[0].get("mimetype") or "binary"
        raise UnreadableSourceError(f"{files[0].get('name', 'the file')}: only text or HTML files can be briefed (this is {kind})")
    raise EmptyArticleError("nothing to brief. " + USAGE)


# --- the bot's own machinery: a bounded pool, one event loop, a retry filter, recent briefs -----------


class _Jobs:
    """A thread pool that refuses work instead of queueing without bound."""

    def __init__(self, workers: int, queue_size: int, name: str):
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=name)
        self._slots = threading.BoundedSemaphore(workers + queue_size)
        self._idle = threading.Condition()
        self._pending = 0

    def submit(self, fn: Callable[..., Any], *args: Any) -> bool:
        if not self._slots.acquire(blocking=False):
            return False
        with self._idle:
            self._pending += 1
        try:
            self._executor.submit(self._run, fn, args)
        except RuntimeError:  # shut down
            self._done()
            return False
        return True

    def _run(self, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
        try:
            fn(*args)
        except Exception as exc:  # a job's own handler reports to the user; this is the last resort
            log.error("job %s failed: %s", getattr(fn, "__name__", fn), scrub(f"{type(exc).__name__}: {exc}"))
        finally:
            self._done()

    def _done(self) -> None:
        self._slots.release()
        with self._idle:
            self._pending -= 1
            self._idle.notify_all()

    def join(self, timeout: float | None = None) -> bool:
        """Wait until no job is queued or running (tests, shutdown)."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


class _Loop:
    """One asyncio loop on a daemon thread; workers block on their own coroutine's result."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="brief-loop", daemon=True)
        self._thread.start()

    def run(self, coro: Coroutine[Any, Any, T], timeout: float) -> T:
        future = asyncio.run_coroutine_threadsafe(coro, self.loop)
        try:
            return future.result(timeout)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise SummarizerError(f"the brief took longer than {timeout:g} s; try a shorter article") from None

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)


class _Seen:
    """Keys seen in the last `ttl` seconds, bounded; Slack retries an event for about 5 minutes."""

    def __init__(self, ttl: float = 900.0, size: int = 10_000):
        self.ttl, self.size = ttl, size
        self._keys: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def check_and_add(self, key: str) -> bool:
        now = time.monotonic()
        with self._lock:
            while self._keys and (len(self._keys) >= self.size or next(iter(self._keys.values())) < now):
                self._keys.popitem(last=False)
            if key in self._keys:
                return True
            self._keys[key] = now + self.ttl
            return False


@dataclass
class _Stored:
    brief: Brief
    evidence_posted: bool = False


class _Store:
    """The most recent briefs by id, so "Show evidence" can find them (lost on restart, by design)."""

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict[str, _Stored] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, brief: Brief) -> str:
        # the article text is not needed to show evidence; dropping it keeps the store small
        slim = brief.model_copy(update={"source": brief.source.model_copy(update={"text": ""})})
        key = uuid.uuid4().hex
        with self._lock:
            self._items[key] = _Stored(slim)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return key

    def get(self, key: str) -> _Stored | None:
        with self._lock:
            return self._items.get(key)


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


# --- the bot -----------------------------------------------------------------------------------------


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
        self._jobs = _Jobs(self.workers, self.queue_size, "brief")
        # busy notices get their own tiny pool, so telling users "busy" never waits on briefs
        self._notices = _Jobs(2, 64, "brief-notice")
        self._loop = _Loop()
        self._seen = _Seen()
        self._store = _Store(self.store_size)
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
        if ask.url:
            # the engine's SSRF-safe fetcher; a URL string never reaches the local-path branch of `load`
            return load(ask.url, fetcher=self.summarizer.fetcher)
        if ask.file:
            file, data = self._download(ask.file)
            name = str(file.get("name") or ask.name)
            html = "html" in str(file.get("mimetype") or "").lower() or file.get("filetype") == "html"
            return from_bytes(data, name, html=True if html else None)
        # Never pass user text to `Summarizer.abrief(str)`: a one-line string naming a local file is read as a path.
        return from_bytes((ask.text or "").encode("utf-8"), "pasted text")

    def _download(self, file: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
        """A file shared in Slack, fetched with the bot token from Slack's file host and nowhere else."""
        if not (file.get("url_private_download") or file.get("url_private")) and file.get("id"):
            file = self.client.files_info(file=file["id"])["file"]
        name = str(file.get("name") or "file")
        url = str(file.get("url_private_download") or file.get("url_private") or "")
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}".lower() not in self.file_origins or parts.username or parts.password:
            raise FetchError(f"{name}: not a Slack file URL; only files hosted by Slack are downloaded")
        if int(file.get("size") or 0) > self.file_max_bytes:
            raise UnreadableSourceError(f"{name}: the file is {int(file['size']):,} bytes; the limit is {self.file_max_bytes:,}")
        headers = {"Authorization": f"Bearer {self.token}"}
        try:
            # no redirects: a redirect would carry the token elsewhere (and Slack redirects to a login page)
            with httpx.Client(timeout=20.0, follow_redirects=False, trust_env=False) as http, \
                    http.stream("GET", url, headers=headers) as response:
                if response.status_code != 200:
                    raise FetchError(f"{name}: Slack answered HTTP {response.status_code} for the file (the app needs the files:read scope)")
                ctype = response.headers.get("content-type", "")
                if "text/html" in ctype and "html" not in str(file.get("mimetype") or ""):
                    raise FetchError(f"{name}: Slack sent a login page instead of the file (the app needs the files:read scope)")
                chunks, size = [], 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > self.file_max_bytes:
                        raise UnreadableSourceError(f"{name}: the file is larger than {self.file_max_bytes:,} bytes")
                    chunks.append(chunk)
        except httpx.HTTPError as exc:
            raise FetchError(f"{name}: could not download the file from Slack ({type(exc).__name__})") from None
        return file, b"".join(chunks)

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
    if client is None:
        token = token or os.environ.get("SLACK_BOT_TOKEN")
        if not token:
            raise ConfigError("SLACK_BOT_TOKEN is not set: copy the Bot User OAuth Token (xoxb-...) from your app's "
                              "OAuth & Permissions page")
        client = WebClient(token=token, base_url=_api_url(api_url or os.environ.get("SLACK_API_URL")))
    secret = signing_secret if signing_secret is not None else os.environ.get("SLACK_SIGNING_SECRET")
    return BriefBot(summarizer or Summarizer(), client, signing_secret=secret, **options)


# --- serving -----------------------------------------------------------------------------------------


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
