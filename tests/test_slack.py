"""The Slack bot against a local fake of the Slack Web API, with signed requests and a scripted model."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

pytest.importorskip("slack_bolt")

from slack_bolt import BoltRequest, BoltResponse  # noqa: E402
from slack_sdk import WebClient  # noqa: E402

from summarizer.errors import EmptyArticleError, UnreadableSourceError  # noqa: E402
from summarizer.fetch import Fetcher  # noqa: E402
from summarizer.llm import LLM  # noqa: E402
from summarizer.pipeline import Summarizer  # noqa: E402
from summarizer.schemas import (  # noqa: E402
    Actor,
    BackgroundPoint,
    Brief,
    Evidence,
    ProposedResponse,
    Provenance,
    Source,
    What,
)
from summarizer.slack import BUSY, BriefBot, make_bot, parse_request, serve_http  # noqa: E402
from summarizer.slack_blocks import (  # noqa: E402
    MAX_BLOCKS,
    MAX_HEADER_TEXT,
    MAX_SECTION_TEXT,
    MESSAGE_TEXT_BUDGET,
    brief_blocks,
    brief_text,
    escape,
    evidence_messages,
)
from summarizer.testing import FakeError, FakeModel, fake_async_client  # noqa: E402

from .slack_fakes import (  # noqa: E402
    BOT_TOKEN,
    BOT_USER,
    SIGNING_SECRET,
    FakeSlack,
    action_request,
    command_request,
    harbour_draft,
    mention_request,
    shortcut_request,
    signed_headers,
)

# The fake Slack server and the bot's HTTP adapter live on 127.0.0.1; everything else stays blocked.
pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])

FORM = "application/x-www-form-urlencoded"
STORY_URL = "https://news.example/valmora-strike"


# --- fixtures and helpers ----------------------------------------------------------------------------


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake


def _story_fetcher(text: str, seen: list[str]) -> Fetcher:
    """The engine's SSRF-safe Fetcher, resolving to a public address and answering from memory."""

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(f"{request.headers['host']}{request.url.path}")
        return httpx.Response(200, content=text.encode(), headers={"content-type": "text/plain; charset=utf-8"})

    async def resolver(host: str, port: int) -> list[str]:
        return ["93.184.216.34"]

    return Fetcher(transport=httpx.MockTransport(handler), resolver=resolver)


Make = Callable[..., tuple[BriefBot, FakeModel]]


@pytest.fixture
def make(slack: FakeSlack) -> Iterator[Make]:
    bots: list[BriefBot] = []

    def build(script: Any = None, *, latency: float = 0.0, fetcher: Fetcher | None = None, show_dropped: bool = False,
              **options: Any):
        model = FakeModel(script if script is not None else [harbour_draft()], latency=latency)
        summarizer = Summarizer(LLM(fake_async_client(model)), cache=False, fetcher=fetcher, show_dropped=show_dropped)
        client = WebClient(token=BOT_TOKEN, base_url=slack.api_url)
        bot = make_bot(summarizer, client=client, signing_secret=SIGNING_SECRET, file_origins=(slack.url,), **options)
        bots.append(bot)
        return bot, model

    yield build
    for bot in bots:
        bot.close()


def dispatch(bot: BriefBot, body: str, *, content_type: str = FORM, **headers: str) -> BoltResponse:
    all_headers = signed_headers(body, content_type=content_type)
    all_headers.update({k.replace("_", "-"): v for k, v in headers.items()})
    return bot.app.dispatch(BoltRequest(body=body, headers=all_headers))


def texts(blocks: list[dict[str, Any]]) -> list[str]:
    """Every text string in a list of blocks."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("text"), str):
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(blocks)
    return found


def mrkdwn(blocks: list[dict[str, Any]]) -> list[str]:
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "mrkdwn":
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(blocks)
    return found


def button_value(blocks: list[dict[str, Any]]) -> str:
    for block in blocks:
        for element in block.get("elements", []):
            if element.get("action_id") == "show_evidence":
                return element["value"]
    raise AssertionError("no Show evidence button")


def all_payloads(slack: FakeSlack) -> str:
    return json.dumps([c.params for c in slack.calls])


# --- /brief ------------------------------------------------------------------------------------------


def test_slash_command_posts_placeholder_then_the_brief(slack: FakeSlack, make: Make, article_text: str) -> None:
    bot, model = make()
    response = dispatch(bot, command_request(article_text, hook=slack.hook("cmd")))
    assert response.status == 200 and response.body == ""
    assert bot.join(10)

    [placeholder] = slack.calls_to("chat.postMessage")
    assert placeholder.params["channel"] == "C0000001"
    assert "Briefing pasted text" in placeholder.params["text"] and "<@U0000001>" in placeholder.params["text"]
    [update] = slack.calls_to("chat.update")
    assert update.params["ts"] and update.params["channel"] == "C0000001"
    blocks = update.params["blocks"]
    assert blocks[0] == {"type": "header", "text": {"type": "plain_text", "text": "Valmora dock workers strike over automation", "emoji": False}}
    body = "\n".join(texts(blocks))
    for expected in ("*What happened*", "72-hour strike", "*Who*", "Elena Maris", "*Background*", "€310 million",
                     "*Proposed responses*", "retraining fund", "_(economic, proposed)_", "*Key figures*",
                     "model gpt-4o-mini", "Show evidence", "pasted text"):
        assert expected in body
    assert update.params["text"] == "Brief: Valmora dock workers strike over automation"
    assert model.calls == 1
    assert not slack.calls_to("hook") and not slack.calls_to("chat.postEphemeral")


def test_slash_command_without_text_answers_usage_in_the_ack(slack: FakeSlack, make: Make) -> None:
    bot, model = make()
    response = dispatch(bot, command_request("   ", hook=slack.hook("cmd")))
    assert response.status == 200
    ack = json.loads(response.body)
    assert ack["response_type"] == "ephemeral"
    assert ack["text"].startswith("nothing to brief.") and "/brief https://example.com/story" in ack["text"]
    assert bot.join(5)
    assert not slack.calls_to("chat.postMessage") and model.calls == 0


def test_a_pasted_url_goes_through_the_engines_fetcher(slack: FakeSlack, make: Make, article_text: str) -> None:
    seen: list[str] = []
    bot, _ = make(fetcher=_story_fetcher(article_text, seen))
    assert dispatch(bot, command_request(STORY_URL, hook=slack.hook("cmd"))).status == 200
    assert bot.join(10)
    assert seen == ["news.example/valmora-strike"]
    [placeholder] = slack.calls_to("chat.postMessage")
    assert f"Briefing {STORY_URL}" in placeholder.params["text"]
    [update] = slack.calls_to("chat.update")
    assert f"<{STORY_URL}|" in "\n".join(texts(update.params["blocks"]))


@pytest.mark.parametrize("url", ["http://169.254.169.254/latest/meta-data/", "http://127.0.0.1:9/admin"])
def test_private_and_metadata_urls_are_refused_ephemerally(slack: FakeSlack, make: Make, url: str) -> None:
    bot, model = make()
    assert dispatch(bot, command_request(url, hook=slack.hook("cmd"))).status == 200
    assert bot.join(10)
    [hook] = slack.calls_to("hook")
    assert hook.params["response_type"] == "ephemeral"
    assert hook.params["text"].startswith(f"Could not brief {url}: refusing to fetch from a non-public address")
    assert "\n" not in hook.params["text"]
    # the placeholder went away again and nothing reached the model
    assert len(slack.calls_to("chat.postMessage")) == 1
    [delete] = slack.calls_to("chat.delete")
    assert delete.params["channel"] == "C0000001" and delete.params["ts"].startswith("1700000000.")
    assert model.calls == 0 and not slack.calls_to("chat.update")


def test_model_failure_reaches_only_the_asker_and_never_shows_a_token(
    slack: FakeSlack, make: Make, article_text: str, caplog: pytest.LogCaptureFixture
) -> None:
    bot, _ = make([FakeError(400, message=f"bad request near {BOT_TOKEN}")])
    with caplog.at_level(logging.DEBUG):
        dispatch(bot, command_request(article_text, hook=slack.hook("cmd")))
        assert bot.join(10)
    [hook] = slack.calls_to("hook")
    assert hook.params["response_type"] == "ephemeral"
    assert hook.params["text"].startswith("Could not brief pasted text (")
    assert "rejected the request (HTTP 400)" in hook.params["text"]
    assert not slack.calls_to("chat.update")
    assert BOT_TOKEN not in all_payloads(slack) and BOT_TOKEN not in caplog.text


def test_empty_message_text_is_refused_before_anything_is_posted(slack: FakeSlack, make: Make) -> None:
    bot, model = make()
    dispatch(bot, command_request("too short to brief", hook=slack.hook("cmd")))
    assert bot.join(10)
    [hook] = slack.calls_to("hook")
    assert hook.params["text"] == "Could not brief pasted text: only 4 words of text; too short to brief"
    assert hook.params["response_type"] == "ephemeral"
    assert not slack.calls_to("chat.postMessage") and model.calls == 0


def test_falls_back_to_response_url_where_the_bot_may_not_post(slack: FakeSlack, make: Make, article_text: str) -> None:
    bot, _ = make()
    slack.errors["chat.postMessage"] = "not_in_channel"
    dispatch(bot, command_request(article_text, hook=slack.hook("cmd")))
    assert bot.join(10)
    [hook] = slack.calls_to("hook")
    assert hook.params["response_type"] == "in_channel"
    assert hook.params["blocks"][0]["type"] == "header"


# --- concurrency: acks stay fast while the model is slow -----------------------------------------------


def test_a_full_pool_tells_the_user_busy(slack: FakeSlack, make: Make, article_text: str) -> None:
    bot, model = make(latency=0.6, workers=1, queue_size=0)
    first = dispatch(bot, command_request(article_text, hook=slack.hook("first")))
    started = time.monotonic()
    second = dispatch(bot, command_request(article_text, hook=slack.hook("second")))
    assert time.monotonic() - started < 0.5
    assert first.status == second.status == 200
    assert bot.join(10)
    [busy] = slack.calls_to("hook:second")
    assert busy.params == {"text": BUSY, "response_type": "ephemeral", "replace_original": False}
    assert len(slack.calls_to("chat.update")) == 1 and model.calls == 1


def test_more_concurrent_commands_than_workers_are_all_acked_fast_over_http(
    slack: FakeSlack, make: Make, article_text: str
) -> None:
    bot, model = make(latency=1.0, workers=2, queue_size=10)
    server = serve_http(bot.app, host="127.0.0.1", port=0)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/slack/events"
    latencies: list[float] = []
    statuses: list[int] = []
    lock = threading.Lock()

    def send(n: int) -> None:
        body = command_request(article_text, hook=slack.hook(f"c{n}"), channel=f"C{n:07d}")
        started = time.monotonic()
        response = httpx.post(url, content=body, headers=signed_headers(body), timeout=10)
        with lock:
            latencies.append(time.monotonic() - started)
            statuses.append(response.status_code)

    try:
        threads = [threading.Thread(target=send, args=(n,)) for n in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert statuses == [200] * 8
        assert max(latencies) < 3.0, latencies
        assert bot.join(30)
    finally:
        server.shutdown()
        server.server_close()
    assert len(slack.calls_to("chat.update")) == 8
    assert model.max_in_flight <= 2  # the bot's pool bounds the model work, not Bolt's threads
    assert not slack.calls_to("hook")


# --- message shortcut --------------------------------------------------------------------------------


def test_shortcut_briefs_the_message_text_in_its_thread(slack: FakeSlack, make: Make, article_text: str) -> None:
    bot, _ = make()
    message = {"ts": "1699990000.000200", "text": article_text}
    assert dispatch(bot, shortcut_request(message, hook=slack.hook("sc"))).status == 200
    assert bot.join(10)
    [placeholder] = slack.calls_to("chat.postMessage")
    assert placeholder.params["thread_ts"] == "1699990000.000200"
    [update] = slack.calls_to("chat.update")
    assert "Elena Maris" in "\n".join(texts(update.params["blocks"]))


def test_shortcut_on_a_threaded_message_answers_in_that_thread(slack: FakeSlack, make: Make, article_text: str) -> None:
    seen: list[str] = []
    bot, _ = make(fetcher=_story_fetcher(article_text, seen))
    message = {"ts": "1699990000.000300", "thread_ts": "1699990000.000100",
               "text": f"worth a read &amp; a think: <{STORY_URL}|Valmora strike>"}
    dispatch(bot, shortcut_request(message, hook=slack.hook("sc")))
    assert bot.join(10)
    assert seen == ["news.example/valmora-strike"]
    [placeholder] = slack.calls_to("chat.postMessage")
    assert placeholder.params["thread_ts"] == "1699990000.000100"
    assert len(slack.calls_to("chat.update")) == 1


def test_shortcut_downloads_an_attached_file_with_the_bot_token(slack: FakeSlack, make: Make, article_text: str) -> None:
    bot, _ = make()
    data = article_text.encode()
    slack.files["harbour.txt"] = (data, "text/plain")
    message = {"ts": "1699990000.000400", "text": "",
               "files": [{"id": "F1", "name": "harbour.txt", "mimetype": "text/plain", "filetype": "text",
                          "size": len(data), "url_private_download": f"{slack.url}/files/harbour.txt"}]}
    dispatch(bot, shortcut_request(message, hook=slack.hook("sc")))
    assert bot.join(10)
    [download] = slack.calls_to("file:harbour.txt")
    assert download.headers["authorization"] == f"Bearer {BOT_TOKEN}"
    [placeholder] = slack.calls_to("chat.postMessage")
    assert "Briefing harbour.txt" in placeholder.params["text"]
    [update] = slack.calls_to("chat.update")
    assert "harbour.txt" in "\n".join(texts(update.params["blocks"]))


def test_a_file_without_urls_is_looked_up_with_files_info(slack: FakeSlack, make: Make, article_text: str) -> None:
    bot, _ = make()
    slack.files["F2"] = (article_text.encode(), "text/plain")
    message = {"ts": "1699990000.000500", "text": "", "files": [{"id": "F2", "mimetype": "text/plain"}]}
    dispatch(bot, shortcut_request(message, hook=slack.hook("sc")))
    assert bot.join(10)
    assert slack.calls_to("files.info")[0].params["file"] == "F2"
    assert len(slack.calls_to("file:F2")) == 1 and len(slack.calls_to("chat.update")) == 1


@pytest.mark.parametrize(
    ("file", "expected"),
    [
        ({"url_private_download": "https://evil.example/files/a.txt"}, "not a Slack file URL"),
        ({"url_private_download": "https://files.slack.com.evil.example/a.txt"}, "not a Slack file URL"),
        ({"size": 50_000_000}, "the file is 50,000,000 bytes; the limit is 2,000,000"),
    ],
)
def test_files_are_fetched_only_from_slack_and_within_the_cap(
    slack: FakeSlack, make: Make, file: dict[str, Any], expected: str
) -> None:
    bot, model = make()
    entry = {"id": "F3", "name": "a.txt", "mimetype": "text/plain", "size": 10,
             "url_private_download": f"{slack.url}/files/a.txt", **file}
    dispatch(bot, shortcut_request({"ts": "1699990000.000600", "text": "", "files": [entry]}, hook=slack.hook("sc")))
    assert bot.join(10)
    [told] = slack.calls_to("chat.postEphemeral")
    assert expected in told.params["text"] and told.params["user"] == "U0000001"
    assert told.params["thread_ts"] == "1699990000.000600"
    assert not [c for c in slack.calls if c.method.startswith("file:")]
    assert model.calls == 0 and not slack.calls_to("chat.postMessage")


def test_a_binary_attachment_is_refused_with_a_clear_line(slack: FakeSlack, make: Make) -> None:
    bot, _ = make()
    files = [{"id": "F4", "name": "scan.pdf", "mimetype": "application/pdf", "filetype": "pdf", "pretty_type": "PDF"}]
    dispatch(bot, shortcut_request({"ts": "1699990000.000700", "text": "", "files": files}, hook=slack.hook("sc")))
    assert bot.join(10)
    [told] = slack.calls_to("chat.postEphemeral")
    assert told.params["text"] == "scan.pdf: only text or HTML files can be briefed (this is PDF)"


# --- @mention ----------------------------------------------------------------------------------------


def test_mention_answers_in_the_mentions_thread(slack: FakeSlack, make: Make, article_text: str) -> None:
    bot, _ = make()
    body = mention_request(f"<@{BOT_USER}> {article_text}", ts="1699990000.000800")
    assert dispatch(bot, body, content_type="application/json").status == 200
    assert bot.join(10)
    [placeholder] = slack.calls_to("chat.postMessage")
    assert placeholder.params["thread_ts"] == "1699990000.000800"
    assert len(slack.calls_to("chat.update")) == 1


def test_a_bare_mention_gets_usage_ephemerally(slack: FakeSlack, make: Make) -> None:
    bot, _ = make()
    dispatch(bot, mention_request(f"<@{BOT_USER}>", ts="1699990000.000900"), content_type="application/json")
    assert bot.join(10)
    [told] = slack.calls_to("chat.postEphemeral")
    assert told.params["text"].startswith("nothing to brief.") and "`@brief https://" in told.params["text"]


def test_a_retried_event_is_answered_once(slack: FakeSlack, make: Make, article_text: str) -> None:
    bot, model = make()
    body = mention_request(f"<@{BOT_USER}> {article_text}", event_id="EvRETRY1")
    first = dispatch(bot, body, content_type="application/json")
    retry = dispatch(bot, body, content_type="application/json", x_slack_retry_num="1", x_slack_retry_reason="http_timeout")
    assert first.status == retry.status == 200
    assert bot.join(10)
    assert len(slack.calls_to("chat.postMessage")) == 1 and model.calls == 1


def test_a_repeated_command_delivery_is_answered_once(slack: FakeSlack, make: Make, article_text: str) -> None:
    bot, model = make()
    body = command_request(article_text, hook=slack.hook("cmd"))
    dispatch(bot, body)
    dispatch(bot, body)
    assert bot.join(10)
    assert len(slack.calls_to("chat.postMessage")) == 1 and model.calls == 1


# --- Show evidence -----------------------------------------------------------------------------------


def test_show_evidence_posts_the_quotes_in_the_briefs_thread(slack: FakeSlack, make: Make, article_text: str) -> None:
    bot, _ = make()
    dispatch(bot, command_request(article_text, hook=slack.hook("cmd")))
    assert bot.join(10)
    [update] = slack.calls_to("chat.update")
    ts, value = update.params["ts"], button_value(update.params["blocks"])

    assert dispatch(bot, action_request(value, hook=slack.hook("act"), message_ts=ts)).status == 200
    assert bot.join(10)
    evidence = [c for c in slack.calls_to("chat.postMessage") if c.params.get("thread_ts") == ts]
    assert len(evidence) == 1
    shown = "\n".join(texts(evidence[0].params["blocks"]))
    assert ">Dock workers at the Port of Valmora began a 72-hour strike on Tuesday" in shown
    assert "*Who · Elena Maris*" in shown and "€15 million a day" in shown

    # a second click does not post it twice
    dispatch(bot, action_request(value, hook=slack.hook("act2"), message_ts=ts))
    assert bot.join(10)
    [told] = slack.calls_to("chat.postEphemeral")
    assert told.params["text"] == "The evidence is already in this thread."


def test_show_evidence_where_the_bot_may_not_post_goes_to_the_clicker(
    slack: FakeSlack, make: Make, article_text: str
) -> None:
    bot, _ = make()
    slack.errors["chat.postMessage"] = "not_in_channel"
    dispatch(bot, command_request(article_text, hook=slack.hook("cmd")))
    assert bot.join(10)
    [brief] = slack.calls_to("hook:cmd")
    dispatch(bot, action_request(button_value(brief.params["blocks"]), hook=slack.hook("act"), message_ts="1699990000.000001"))
    assert bot.join(10)
    [evidence] = slack.calls_to("hook:act")
    assert evidence.params["response_type"] == "ephemeral" and evidence.params["replace_original"] is False
    assert "Elena Maris" in "\n".join(texts(evidence.params["blocks"]))


def test_inventions_never_reach_a_channel_even_when_kept_for_the_operator(
    slack: FakeSlack, make: Make, article_text: str
) -> None:
    from tests.drafts import harbour_with_inventions

    bot, _ = make([harbour_with_inventions()], show_dropped=True)  # the engine keeps the text; the bot never shows it
    dispatch(bot, command_request(article_text, hook=slack.hook("cmd")))
    assert bot.join(10)
    [update] = slack.calls_to("chat.update")
    ts, value = update.params["ts"], button_value(update.params["blocks"])
    dispatch(bot, action_request(value, hook=slack.hook("act"), message_ts=ts))
    assert bot.join(10)
    posted = all_payloads(slack)
    assert "Elena Maris" in posted and "removed as unsupported" in posted
    for invented in ("Sergei Petrov", "Petrov", "2,400", "declared illegal"):
        assert invented not in posted


def test_show_evidence_for_a_forgotten_brief_says_so(slack: FakeSlack, make: Make) -> None:
    bot, _ = make()
    dispatch(bot, action_request("0" * 32, hook=slack.hook("act"), message_ts="1699990000.001000"))
    assert bot.join(10)
    [told] = slack.calls_to("chat.postEphemeral")
    assert "no longer in my memory" in told.params["text"]
    assert not slack.calls_to("chat.postMessage")


# --- request verification ------------------------------------------------------------------------------


def test_forged_and_stale_requests_get_401(slack: FakeSlack, make: Make, article_text: str) -> None:
    bot, model = make()
    body = command_request(article_text, hook=slack.hook("cmd"))
    forged = signed_headers(body, secret="not-the-secret")
    stale = signed_headers(body, timestamp=int(time.time()) - 6 * 60)
    assert bot.app.dispatch(BoltRequest(body=body, headers=forged)).status == 401
    assert bot.app.dispatch(BoltRequest(body=body, headers=stale)).status == 401
    unsigned = {"content-type": FORM}
    assert bot.app.dispatch(BoltRequest(body=body, headers=unsigned)).status == 401

    server = serve_http(bot.app, host="127.0.0.1", port=0)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/slack/events"
    try:
        assert httpx.post(url, content=body, headers=forged).status_code == 401
        assert httpx.post(url, content=body, headers=stale).status_code == 401
        tampered = body.replace("brief", "brieg", 1)
        assert httpx.post(url, content=tampered, headers=signed_headers(body)).status_code == 401
        assert httpx.get(url).status_code == 404
    finally:
        server.shutdown()
        server.server_close()
    assert bot.join(5)
    assert model.calls == 0 and not slack.calls_to("chat.postMessage")


# --- Block Kit -----------------------------------------------------------------------------------------


def _evidence(quote: str) -> list[Evidence]:
    return [Evidence(quote=quote, start=0, end=len(quote), match="exact")]


def _brief(**fields: Any) -> Brief:
    base: dict[str, Any] = {
        "headline": "Headline",
        "source": Source(label="<text>", text="x", sha256="0" * 64, words=1),
        "provenance": Provenance(model="fake-model", prompt_version="p1", attempts=1,
                                 created_at=datetime.now(timezone.utc)),
    }
    base.update(fields)
    return Brief(**base)


def _check_limits(blocks: list[dict[str, Any]]) -> None:
    assert len(blocks) <= MAX_BLOCKS
    assert sum(len(t) for t in texts(blocks)) <= MESSAGE_TEXT_BUDGET
    for block in blocks:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= MAX_SECTION_TEXT
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= MAX_HEADER_TEXT


def test_a_huge_brief_stays_within_block_kit_limits() -> None:
    long = "word & <tag> " * 300
    brief = _brief(
        headline="H" * 400,
        who=[Actor(name=f"Actor {i} " + "n" * 200, role=long, evidence=_evidence(long) * 3) for i in range(40)],
        what=What(summary=long * 2, where="W" * 300, when="T", evidence=_evidence(long)),
        background=[BackgroundPoint(point=long, evidence=_evidence(long)) for _ in range(30)],
        proposed_responses=[ProposedResponse(proposed_by="P", action=long, kind="other", status="proposed",
                                             evidence=_evidence(long)) for _ in range(30)],
    )
    blocks = brief_blocks(brief, "abc123")
    _check_limits(blocks)
    assert blocks[0]["type"] == "header" and blocks[0]["text"]["text"].endswith("…")
    assert button_value(blocks) == "abc123" and blocks[-1]["type"] == "context"
    shown = "\n".join(texts(blocks))
    # every part still shows, and what did not fit is counted rather than silently cut
    for title in ("*What happened*", "*Who*", "*Background*", "*Proposed responses*"):
        assert title in shown
    assert "more not shown here" in shown
    messages = evidence_messages(brief)
    assert 1 < len(messages) <= 5
    for _, evidence_blocks in messages:
        _check_limits(evidence_blocks)
    assert "not shown" in "\n".join(texts(messages[-1][1]))
    # entities are never cut in half
    for text in texts(blocks) + [t for _, b in messages for t in texts(b)]:
        assert not any(text.endswith(e) for e in ("&", "&a", "&am", "&l", "&g", "&lt", "&gt", "&amp"))


INJECTIONS = "<!channel> <!here|here> <@U999> <http://evil.example|your bank> a & b > c"


def test_model_output_cannot_mention_everyone_or_forge_links() -> None:
    brief = _brief(
        headline=f"Alert {INJECTIONS}",
        who=[Actor(name="<!everyone>", role=INJECTIONS, evidence=_evidence(INJECTIONS))],
        what=What(summary=f"@channel {INJECTIONS}", where="<#C123>", evidence=_evidence(INJECTIONS)),
    )
    blocks = brief_blocks(brief, "id")
    evidence = [b for _, m in evidence_messages(brief) for b in m]
    for text in mrkdwn(blocks) + mrkdwn(evidence) + [brief_text(brief)]:
        assert "<!" not in text and "<@" not in text and "<http" not in text and "<#" not in text
        assert "@channel" not in text
    shown = "\n".join(mrkdwn(blocks))
    assert "&lt;!channel&gt;" in shown and "&lt;http://evil.example|your bank&gt;" in shown and "a &amp; b &gt; c" in shown
    assert all(t.get("verbatim") is True for b in blocks + evidence for t in _text_objects(b) if t["type"] == "mrkdwn")
    # the header is plain_text, which Slack never parses for mentions or links
    assert blocks[0]["text"]["type"] == "plain_text"
    assert escape("@here & @everyone") == "@\u200bhere &amp; @\u200beveryone"


def _text_objects(block: dict[str, Any]) -> list[dict[str, Any]]:
    found = [block["text"]] if isinstance(block.get("text"), dict) else []
    return found + [e for e in block.get("elements", []) if e.get("type") in ("mrkdwn", "plain_text")]


def test_injection_in_a_real_brief_is_escaped_end_to_end(slack: FakeSlack, make: Make, article_text: str) -> None:
    draft = harbour_draft()
    # the grounding gate drops invented names, numbers and prose, so the injection uses the article's words
    draft["headline"] = "Dock workers at the Port of Valmora began a 72-hour strike <!channel> & <!here>"
    draft["who"][0]["role"] = "general secretary <!channel> <!here> & <http://port.valmora|strike>"
    bot, _ = make([draft])
    dispatch(bot, command_request(article_text, hook=slack.hook("cmd")))
    assert bot.join(10)
    [update] = slack.calls_to("chat.update")
    # a plain_text header is shown as written, never parsed for mentions: the rest must be escaped
    sent = json.dumps(update.params).replace(
        '"plain_text", "text": "Dock workers at the Port of Valmora began a 72-hour strike <!channel> & <!here>', "")
    assert "<!channel>" not in sent and "<!here>" not in sent and "|strike>" not in sent
    assert "general secretary &lt;!channel&gt; &lt;!here&gt; &amp; &lt;http://port.valmora|strike&gt;" in sent
    assert update.params["text"] == ("Brief: Dock workers at the Port of Valmora began a 72-hour strike &lt;!channel&gt; "
                                     "&amp; &lt;!here&gt;")


def test_a_source_url_is_linked_safely() -> None:
    brief = _brief(source=Source(label="u", url="https://news.example/a?x=1&y=<2>", title="A <b> title",
                                 text="x", sha256="0" * 64, words=5))
    context = mrkdwn(brief_blocks(brief, "id"))[0]
    assert "<https://news.example/a?x=1&amp;y=<2>|" not in context  # an unsafe URL is not turned into a link
    assert "A &lt;b&gt; title" in context
    ok = _brief(source=Source(label="u", url="https://news.example/a?x=1&y=2", title="T", text="x", sha256="0" * 64))
    assert "<https://news.example/a?x=1&amp;y=2|T>" in mrkdwn(brief_blocks(ok, "id"))[0]


# --- parsing what a message asks for ---------------------------------------------------------------------


def test_parse_request_picks_file_then_link_then_text(article_text: str) -> None:
    assert parse_request(f"<{STORY_URL}|the story>").url == STORY_URL
    assert parse_request(f"  {STORY_URL}  ").url == STORY_URL
    assert parse_request("<https://a.example/x?a=1&amp;b=2>").url == "https://a.example/x?a=1&b=2"
    assert parse_request(f"<@{BOT_USER}> have a look at <{STORY_URL}> please").url == STORY_URL
    long_text = article_text + f"\nmore at <{STORY_URL}|the site>"
    ask = parse_request(long_text)
    assert ask.url is None and ask.text and ask.text.endswith("more at the site")
    assert parse_request("a &lt;b&gt; &amp; c " * 10).text.startswith("a <b> & c")  # type: ignore[union-attr]
    text_file = {"id": "F", "name": "a.txt", "mimetype": "text/plain"}
    assert parse_request(STORY_URL, [text_file]).file == text_file
    assert parse_request(STORY_URL, [{"id": "P", "mimetype": "application/pdf"}]).url == STORY_URL
    with pytest.raises(EmptyArticleError):
        parse_request(f"<@{BOT_USER}>  <!here>")
    with pytest.raises(UnreadableSourceError):
        parse_request("", [{"id": "P", "name": "x.png", "mimetype": "image/png", "filetype": "png"}])


def test_pasted_text_is_never_read_as_a_local_path(slack: FakeSlack, make: Make, tmp_path: Any) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET " * 50)
    bot, model = make()
    dispatch(bot, command_request(str(secret), hook=slack.hook("cmd")))
    assert bot.join(10)
    [hook] = slack.calls_to("hook")
    assert "too short to brief" in hook.params["text"]
    assert model.calls == 0 and "TOP SECRET" not in all_payloads(slack)


# --- the command line ------------------------------------------------------------------------------------


def _cli(args: list[str], env: dict[str, str]) -> Any:
    from summarizer.cli import cli

    return CliRunner().invoke(cli, ["slack", *args], env=env)


def test_cli_names_the_missing_tokens() -> None:
    result = _cli([], {})
    assert result.exit_code == 1
    assert "SLACK_BOT_TOKEN" in result.output and "SLACK_SIGNING_SECRET" in result.output
    result = _cli([], {"SLACK_BOT_TOKEN": BOT_TOKEN})
    assert result.exit_code == 1
    assert "SLACK_BOT_TOKEN" not in result.output and "SLACK_APP_TOKEN" in result.output
    assert BOT_TOKEN not in result.output


def test_cli_without_slack_bolt_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "slack_bolt", None)
    result = _cli([], {"SLACK_BOT_TOKEN": BOT_TOKEN})
    assert result.exit_code == 1 and 'pip install "summarizer[slack]"' in result.output


def test_cli_picks_socket_mode_with_an_app_token_and_http_otherwise(
    slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    import summarizer.slack as slack_module

    started: list[tuple[str, Any]] = []
    monkeypatch.setattr(slack_module, "run_socket_mode", lambda app, token: started.append(("socket", token)))

    class Server:
        server_port = 3999

        def serve_forever(self) -> None:
            raise KeyboardInterrupt

    def fake_serve(app: Any, **kw: Any) -> Server:
        started.append(("http", kw))
        return Server()

    monkeypatch.setattr(slack_module, "serve_http", fake_serve)
    env = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_API_URL": slack.api_url, "OPENAI_BASE_URL": "http://127.0.0.1:9/v1"}
    assert _cli([], {**env, "SLACK_APP_TOKEN": "xapp-1-fake"}).exit_code == 0
    assert _cli(["--http", "--port", "3999"], {**env, "SLACK_APP_TOKEN": "xapp-1-fake", "SLACK_SIGNING_SECRET": "s"}).exit_code == 0
    assert started == [("socket", "xapp-1-fake"), ("http", {"host": "0.0.0.0", "port": 3999})]
    # the app checked the token against SLACK_API_URL, the fake
    assert slack.calls_to("auth.test")


def test_cli_reports_a_rejected_token_in_one_line(slack: FakeSlack) -> None:
    env = {"SLACK_BOT_TOKEN": "xoxb-wrong-token", "SLACK_APP_TOKEN": "xapp-1-fake", "SLACK_API_URL": slack.api_url,
           "OPENAI_BASE_URL": "http://127.0.0.1:9/v1"}
    result = _cli([], env)
    assert result.exit_code == 1 and result.output.startswith("error: cannot start the Slack app")
    assert "xoxb-wrong-token" not in result.output


def test_importing_the_package_does_not_need_slack_bolt() -> None:
    code = ("import sys; sys.modules['slack_bolt'] = None; sys.modules['slack_sdk'] = None\n"
            "import summarizer, summarizer.cli, summarizer.slack_blocks\n"
            "assert 'slack' in summarizer.cli.cli.commands")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_log_lines_are_scrubbed() -> None:
    from summarizer.cli_slack import ScrubFilter

    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "token %s leaked", (BOT_TOKEN,), None)
    assert ScrubFilter().filter(record)
    assert BOT_TOKEN not in record.getMessage() and "***" in record.getMessage()


# --- issue 9: oversized bodies ----------------------------------------------------------------------------


def test_an_oversized_body_is_refused_before_a_byte_of_it_is_read(make: Make) -> None:
    import socket

    from summarizer.slack import MAX_BODY_BYTES, limit_body

    class Unreadable:
        def read(self, *args: Any) -> bytes:  # pragma: no cover - must not be reached
            raise AssertionError("the body was read")

    statuses: list[str] = []
    app = limit_body(lambda environ, start: pytest.fail("reached the app"))
    for length in (str(MAX_BODY_BYTES + 1), "400000000", "-5", "nonsense"):
        app({"CONTENT_LENGTH": length, "wsgi.input": Unreadable()}, lambda status, headers: statuses.append(status))
    assert statuses == ["413 Payload Too Large", "413 Payload Too Large", "400 Bad Request", "400 Bad Request"]

    bot, model = make()
    server = serve_http(bot.app, host="127.0.0.1", port=0)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        # claims 400 MB and sends only the headers: the answer comes at once, without waiting for the body
        with socket.create_connection(("127.0.0.1", server.server_port), timeout=5) as conn:
            conn.sendall(b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                         b"Content-Length: 400000000\r\n\r\n{")
            assert conn.recv(200).startswith(b"HTTP/1.0 413")
        ok = httpx.post(f"http://127.0.0.1:{server.server_port}/slack/events", content=b"{}",
                        headers={"content-type": "application/json"})
        assert ok.status_code == 401  # a small body still reaches Bolt's signature check
    finally:
        server.shutdown()
        server.server_close()
    assert bot.join(5) and model.calls == 0
