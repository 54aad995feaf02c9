"""Fakes for tests and benchmarks: a scripted OpenAI-compatible chat model.

Everything it answers is written by us. It is a fake, never a recording: cassettes under `cassettes/` hold
recordings of real servers.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["FakeModel", "FakeError", "FakeServer", "fake_async_client", "fake_sync_client", "completion", "quoting_answer"]

Reply = "dict[str, Any] | FakeError | Callable[[dict[str, Any]], Any]"


@dataclass
class FakeError:
    """An HTTP error the fake answers with instead of a completion."""

    status: int
    message: str = "fake error"
    headers: dict[str, str] = field(default_factory=dict)
    code: str | None = None  # OpenAI's error code, e.g. "insufficient_quota"


def completion(arguments: dict[str, Any] | str, *, model: str = "fake-model", prompt_tokens: int = 100,
               completion_tokens: int = 50, tool_name: str = "Draft") -> dict[str, Any]:
    """A chat.completion body whose single tool call carries `arguments`."""
    args = arguments if isinstance(arguments, str) else json.dumps(arguments)
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": [
            {
                "index": 0,
                "finish_reason": "tool_calls",
                "message": {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [
                        {"id": "call_fake", "type": "function", "function": {"name": tool_name, "arguments": args}}
                    ],
                },
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


class FakeModel:
    """Answers chat.completions requests from a script.

    `script` is a list consumed in order (the last entry repeats) or a single callable. Each entry is a
    tool-call arguments dict, a FakeError, or a callable taking the request body and returning either.
    Every request body is kept in `requests`, unless `keep_requests` is False (a benchmark's thousands of
    requests, whose bodies are about 10 kB each).
    """

    def __init__(self, script: Any, *, latency: float = 0.0, keep_requests: bool = True):
        self.script = script
        self.latency = latency
        self.keep_requests = keep_requests
        self.requests: list[dict[str, Any]] = []
        self._calls = 0
        self._lock = threading.Lock()
        self.in_flight = 0
        self.max_in_flight = 0

    @property
    def calls(self) -> int:
        # the kept bodies when there are (a caller may clear them to count from a point on)
        return len(self.requests) if self.keep_requests else self._calls

    def respond(self, body: dict[str, Any]) -> tuple[int, dict[str, str], dict[str, Any]]:
        with self._lock:
            index = self._calls
            self._calls += 1
            if self.keep_requests:
                self.requests.append(body)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.latency:
                time.sleep(self.latency)
            entry = self.script
            if isinstance(entry, list):
                entry = entry[min(index, len(entry) - 1)]
            if callable(entry) and not isinstance(entry, FakeError):
                entry = entry(body)
            if isinstance(entry, FakeError):
                return entry.status, entry.headers, {"error": {"message": entry.message, "type": entry.code or "fake", "code": entry.code}}
            if isinstance(entry, dict) and entry.get("object") == "chat.completion":
                return 200, {}, entry
            return 200, {}, completion(entry, model=body.get("model", "fake-model"))
        finally:
            with self._lock:
                self.in_flight -= 1


def _mock_transport(fake: FakeModel, httpx2: Any) -> Any:
    def handler(request: Any) -> Any:
        body = json.loads(request.content or b"{}")
        status, headers, payload = fake.respond(body)
        return httpx2.Response(status, json=payload, headers=headers)

    return httpx2.MockTransport(handler)


def fake_async_client(fake: FakeModel, **options: Any) -> Any:
    """An openai.AsyncOpenAI whose HTTP goes to `fake` in-process (no sockets)."""
    import httpx2
    import openai

    # MockTransport handlers are sync; run the fake's latency off the event loop
    transport = _mock_transport(fake, httpx2)

    class _Async(httpx2.AsyncBaseTransport):
        async def handle_async_request(self, request: Any) -> Any:
            import asyncio

            await request.aread()
            return await asyncio.to_thread(transport.handle_request, request)

    return openai.AsyncOpenAI(
        api_key="fake-key", base_url="http://fake.invalid/v1", max_retries=0,
        http_client=httpx2.AsyncClient(transport=_Async()), **options,
    )


def fake_sync_client(fake: FakeModel, **options: Any) -> Any:
    import httpx2
    import openai

    return openai.OpenAI(
        api_key="fake-key", base_url="http://fake.invalid/v1", max_retries=0,
        http_client=httpx2.Client(transport=_mock_transport(fake, httpx2)), **options,
    )


class _QuietServer(ThreadingHTTPServer):
    # socketserver's default backlog of 5 drops the SYNs of a client opening 64 connections at once, and a
    # dropped SYN is resent after 1 s: a benchmark at concurrency 64 then measures the kernel's retry timer
    request_queue_size = 1024

    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        # a client that gave up (a timeout under test) closes its end: expected, not worth a traceback
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class FakeServer:
    """The fake behind a real HTTP socket on 127.0.0.1, for the CLI, batch runs and benchmarks."""

    def __init__(self, fake: FakeModel):
        self.fake = fake
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # headers and body go out in two writes; with Nagle on, the body can wait ~40 ms for a delayed ACK
            disable_nagle_algorithm = True

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("content-length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                status, headers, payload = outer.fake.respond(body)
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    def __enter__(self) -> FakeServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def quoting_answer(body: dict[str, Any]) -> dict[str, Any]:
    """A fake answer built from the article in the request: the first sentences quoted as evidence.

    Generic enough for any article, so batch and long-document tests need no hand-written answer.
    """
    import re

    user = next(m["content"] for m in body["messages"] if m["role"] == "user")
    inner = re.search(r"<(article-[0-9a-f]+)>\n(.*)\n</\1>", user, flags=re.DOTALL)
    text = inner.group(2) if inner else user
    # sentences of the body: headings (short lines without a full stop) are skipped, as a reader would
    lines = [ln for ln in text.splitlines() if ln.strip() and (ln.rstrip()[-1:] in ".!?\"”’" or len(ln.split()) > 14)]
    found = [s.strip() for s in re.split(r"(?<=[.!?])\s+", "\n".join(lines)) if len(s.split()) >= 5]
    if not found:
        found = [text.strip()]
    first = found[0][:200]
    names = re.findall(r"\b([A-Z][a-z]+ [A-Z][a-z]+)\b", text)
    return {
        "headline": first.split(",")[0][:80],
        "who": [{"name": n, "role": _words_after(_sentence_with(found, n), n), "evidence": [_sentence_with(found, n)]}
                for n in dict.fromkeys(names[:3])],
        "what": {"summary": " ".join(first.split()[:8]), "evidence": [first]},
        "background": [{"point": " ".join(s.split()[:6]), "evidence": [s[:200]]} for s in found[1:3]],
        "proposed_responses": [],
        "key_figures": [],
    }


def _words_after(sentence: str, name: str) -> str:
    """The article's own words around a name, as its role (a fake must not invent one)."""
    after = sentence.split(name, 1)[-1].strip(" ,.;:").split()
    before = sentence.split(name, 1)[0].split()
    return " ".join(after[:4] or before[-4:]) or name


def _sentence_with(sentences: list[str], name: str) -> str:
    return next((s for s in sentences if name in s), name)[:200]
