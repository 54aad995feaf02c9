"""A local fake of the Slack Web API and signed Slack requests, for the bot's tests and benchmark.

The fake is a real HTTP server on 127.0.0.1:0 (the way bolt-python tests its apps): Web API methods under
/api/, response_url hooks under /hooks/, and shared files under /files/. Every call is recorded.
"""

from __future__ import annotations

import copy
import itertools
import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode

from slack_sdk.signature import SignatureVerifier

__all__ = [
    "FakeSlack",
    "Call",
    "BOT_TOKEN",
    "SIGNING_SECRET",
    "BOT_USER",
    "signed_headers",
    "command_request",
    "shortcut_request",
    "mention_request",
    "action_request",
    "harbour_draft",
]

BOT_TOKEN = "xoxb-1111-2222-fakebottoken"
SIGNING_SECRET = "fake-signing-secret-0123456789"
BOT_USER = "UBOT0001"
BOT_ID = "BBOT0001"
TEAM = "T0000001"


@dataclass
class Call:
    method: str  # a Web API method ("chat.postMessage"), "hook:<id>" or "file:<name>"
    params: dict[str, Any]
    headers: dict[str, str]


class FakeSlack:
    """The Slack Web API, response_url hooks and file downloads, answered locally and recorded.

    `errors["chat.postMessage"] = "not_in_channel"` makes that method fail; `files[name] = (bytes, type)`
    serves a file at /files/<name> to requests that carry the bot token.
    """

    def __init__(self, token: str = BOT_TOKEN):
        self.token = token
        self.calls: list[Call] = []
        self.errors: dict[str, str] = {}
        self.files: dict[str, tuple[bytes, str]] = {}
        self._ts = itertools.count(1)
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length).decode("utf-8")
                if "json" in (self.headers.get("content-type") or ""):
                    params = json.loads(raw or "{}")
                else:
                    params = {k: v[0] for k, v in parse_qs(raw).items()}
                headers = {k.lower(): v for k, v in self.headers.items()}
                if self.path.startswith("/hooks/"):
                    outer._record(Call(f"hook:{self.path[len('/hooks/'):]}", params, headers))
                    self._send(200, b"ok", "text/plain")
                    return
                method = self.path.split("?")[0].removeprefix("/api/")
                outer._record(Call(method, params, headers))
                self._send(200, json.dumps(outer.answer(method, params, headers)).encode(), "application/json")

            def do_GET(self) -> None:  # noqa: N802
                name = self.path.removeprefix("/files/")
                headers = {k.lower(): v for k, v in self.headers.items()}
                outer._record(Call(f"file:{name}", {}, headers))
                if headers.get("authorization") != f"Bearer {outer.token}":
                    self._send(302, b"", "text/html", {"location": "https://slack.com/signin"})
                elif name not in outer.files:
                    self._send(404, b"not found", "text/plain")
                else:
                    data, ctype = outer.files[name]
                    self._send(200, data, ctype)

            def _send(self, status: int, data: bytes, ctype: str, extra: dict[str, str] | None = None) -> None:
                self.send_response(status)
                self.send_header("content-type", ctype)
                self.send_header("content-length", str(len(data)))
                for k, v in (extra or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    # -- answers --------------------------------------------------------------------------------------

    def answer(self, method: str, params: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
        if headers.get("authorization") != f"Bearer {self.token}":
            return {"ok": False, "error": "invalid_auth"}
        if method in self.errors:
            return {"ok": False, "error": self.errors[method]}
        if method == "auth.test":
            return {"ok": True, "url": "https://fake.slack.com/", "team": "Fake", "user": "brief",
                    "team_id": TEAM, "user_id": BOT_USER, "bot_id": BOT_ID}
        if method == "chat.postMessage":
            ts = f"1700000000.{next(self._ts):06d}"
            return {"ok": True, "channel": params.get("channel"), "ts": ts,
                    "message": {"ts": ts, "text": params.get("text"), "bot_id": BOT_ID}}
        if method == "chat.update":
            return {"ok": True, "channel": params.get("channel"), "ts": params.get("ts"), "text": params.get("text")}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"1700000001.{next(self._ts):06d}"}
        if method == "files.info":
            name = str(params.get("file"))
            return {"ok": True, "file": {"id": name, "name": name, "mimetype": "text/plain",
                                         "url_private_download": f"{self.url}/files/{name}"}}
        return {"ok": True}

    # -- recording ------------------------------------------------------------------------------------

    def _record(self, call: Call) -> None:
        with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method or (method == "hook" and c.method.startswith("hook:"))]

    def wait_for(self, method: str, count: int = 1, timeout: float = 10.0) -> list[Call]:
        """Block until `count` calls to `method` arrived; fail loudly otherwise."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = [c for c in self.calls if c.method == method or (method == "hook" and c.method.startswith("hook:"))]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [c.method for c in self.calls]
                    raise AssertionError(f"expected {count} call(s) to {method} within {timeout} s; saw {seen}")
                self._changed.wait(left)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    def hook(self, name: str) -> str:
        return f"{self.url}/hooks/{name}"

    def __enter__(self) -> FakeSlack:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


# --- signed requests ---------------------------------------------------------------------------------


def signed_headers(body: str, *, secret: str = SIGNING_SECRET, timestamp: int | None = None,
                   content_type: str = "application/x-www-form-urlencoded") -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    return {"content-type": content_type, "x-slack-request-timestamp": ts, "x-slack-signature": signature}


_trigger = itertools.count(1)


def command_request(text: str, *, hook: str, channel: str = "C0000001", user: str = "U0000001",
                    command: str = "/brief") -> str:
    """A form-encoded slash command body."""
    return urlencode({
        "token": "legacy-verification-token", "team_id": TEAM, "team_domain": "fake", "channel_id": channel,
        "channel_name": "news", "user_id": user, "user_name": "ana", "command": command, "text": text,
        "api_app_id": "A0000001", "response_url": hook, "trigger_id": f"trigger.{next(_trigger)}",
    })


def shortcut_request(message: dict[str, Any], *, hook: str, channel: str = "C0000001", user: str = "U0000001",
                     callback_id: str = "brief_this") -> str:
    payload = {
        "type": "message_action", "callback_id": callback_id, "trigger_id": f"trigger.{next(_trigger)}",
        "response_url": hook, "team": {"id": TEAM, "domain": "fake"}, "channel": {"id": channel, "name": "news"},
        "user": {"id": user, "name": "ana", "team_id": TEAM}, "message_ts": message.get("ts"),
        "message": {"type": "message", "user": "U0000009", **message}, "token": "legacy-verification-token",
    }
    return urlencode({"payload": json.dumps(payload)})


def mention_request(text: str, *, event_id: str = "Ev0000001", channel: str = "C0000001", user: str = "U0000001",
                    ts: str = "1699999999.000100", thread_ts: str | None = None) -> str:
    event: dict[str, Any] = {"type": "app_mention", "user": user, "text": text, "ts": ts, "channel": channel,
                             "event_ts": ts}
    if thread_ts:
        event["thread_ts"] = thread_ts
    return json.dumps({
        "token": "legacy-verification-token", "team_id": TEAM, "api_app_id": "A0000001", "event": event,
        "type": "event_callback", "event_id": event_id, "event_time": int(time.time()),
        "authorizations": [{"team_id": TEAM, "user_id": BOT_USER, "is_bot": True}],
    })


def action_request(value: str, *, hook: str, message_ts: str, channel: str = "C0000001", user: str = "U0000001",
                   thread_ts: str | None = None) -> str:
    message: dict[str, Any] = {"type": "message", "ts": message_ts, "bot_id": BOT_ID, "text": "Brief"}
    if thread_ts:
        message["thread_ts"] = thread_ts
    payload = {
        "type": "block_actions", "trigger_id": f"trigger.{next(_trigger)}", "response_url": hook,
        "team": {"id": TEAM}, "user": {"id": user, "team_id": TEAM}, "channel": {"id": channel},
        "container": {"type": "message", "message_ts": message_ts, "channel_id": channel, "is_ephemeral": False},
        "message": message, "api_app_id": "A0000001", "token": "legacy-verification-token",
        "actions": [{"type": "button", "action_id": "show_evidence", "block_id": "brief_actions", "value": value,
                     "action_ts": "1700000002.000001", "text": {"type": "plain_text", "text": "Show evidence"}}],
    }
    return urlencode({"payload": json.dumps(payload)})


# --- a model answer ----------------------------------------------------------------------------------

_HARBOUR = {
    "headline": "Valmora dock workers strike over automation",
    "who": [
        {"name": "Elena Maris", "role": "general secretary of the Valmora Dockworkers’ Union",
         "evidence": ["Elena Maris, general secretary of the Valmora Dockworkers’ Union, said the union had offered a phased plan"]},
        {"name": "Tomas Lindqvist", "role": "port authority chief executive",
         "evidence": ["Port authority chief executive Tomas Lindqvist said the automation programme was “essential for the port to remain competitive”"]},
        {"name": "Ana Kovac", "role": "regional transport minister",
         "evidence": ["The regional transport minister, Ana Kovac, called on both sides to accept mediation by the national labour council"]},
    ],
    "what": {"summary": "Dock workers began a 72-hour strike after talks over automated cranes broke down.",
             "where": "Port of Valmora", "when": "Tuesday",
             "evidence": ["Dock workers at the Port of Valmora began a 72-hour strike on Tuesday"]},
    "background": [
        {"point": "In March the port authority announced a €310 million investment in automated cranes.",
         "evidence": ["In March, the port authority announced a €310 million investment in automated cranes, to be completed by 2027."]},
    ],
    "proposed_responses": [
        {"proposed_by": "Ana Kovac", "action": "A state-backed €40 million retraining fund and mediation",
         "kind": "economic", "status": "proposed", "evidence": ["proposed a state-backed retraining fund of €40 million"]},
    ],
    "key_figures": [
        {"value": "€15 million", "label": "daily cost to the regional economy",
         "evidence": ["the strike could cost the regional economy €15 million a day"]},
    ],
}


def harbour_draft(**changes: Any) -> dict[str, Any]:
    """A valid model answer for tests/articles/harbour_strike.txt (quotes copied verbatim)."""
    draft = copy.deepcopy(_HARBOUR)
    draft.update(changes)
    return draft
