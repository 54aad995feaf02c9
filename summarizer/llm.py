"""The one path to the model: an OpenAI-compatible client, transport retries, Instructor re-asks.

Layers, one job each: tenacity retries transport failures (429 honouring Retry-After, 5xx, timeouts) around
each single HTTP call, with the SDK's own retries off; Instructor re-asks when a parsed answer fails
validation. An API error is never turned into a re-ask, and a re-ask never repeats a transport retry.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import email.utils
import logging
import os
import random
import time
import weakref
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, TypeVar

import openai
from pydantic import BaseModel, ValidationError
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt, stop_after_delay

from . import local
from .aio import ARTICLE
from .errors import (
    ConfigError,
    ModelAuthError,
    ModelError,
    ModelRequestError,
    ModelUnavailableError,
    SummarizerError,
    scrub,
)
from .local import NO_MODEL
from .schemas import Usage

__all__ = ["LLM", "CallStats", "DEFAULT_MODEL", "estimate_cost", "Throttle", "SLOT_GRANTED"]

log = logging.getLogger("summarizer.llm")
# A library never prints on its own: without a handler of the application's, these records go nowhere
# (and not to logging's last-resort stderr handler). The CLI sets up what to show.
logging.getLogger("summarizer").addHandler(logging.NullHandler())

DEFAULT_MODEL = "gpt-4o-mini"
# A local server works on one request at a time, for 30-40 s on 2 cores: a long read timeout, no re-sends.
LOCAL_TIMEOUT_S = 900.0
M = TypeVar("M", bound=BaseModel)

# USD per million tokens (input, output), list prices; used only for an estimate in provenance.
_PRICES = {
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-4.1-nano": (0.10, 0.40),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1": (2.00, 8.00),
    "gpt-5-nano": (0.05, 0.40),
    "gpt-5-mini": (0.25, 2.00),
    "gpt-5": (1.25, 10.00),
    "o4-mini": (1.10, 4.40),
}


def estimate_cost(model: str, usage: Usage) -> float | None:
    """List-price estimate in USD, or None when the model's price is unknown (e.g. a local server)."""
    for prefix in sorted(_PRICES, key=len, reverse=True):
        if model == prefix or model.startswith(prefix + "-"):
            cin, cout = _PRICES[prefix]
            return round((usage.prompt_tokens * cin + usage.completion_tokens * cout) / 1e6, 6)
    return None


@dataclass
class CallStats:
    """What one logical request cost: answers received, usage summed over them, transport retries."""

    attempts: int = 0
    usage: Usage = field(default_factory=Usage)
    transport_retries: int = 0
    completions: list[Any] = field(default_factory=list)

    def absorb(self, other: CallStats) -> None:
        """Add another request's stats to these (a re-ask is another request)."""
        self.attempts += other.attempts
        self.usage = self.usage + other.usage
        self.transport_retries += other.transport_retries
        self.completions += other.completions

    def add(self, completion: Any) -> None:
        self.attempts += 1
        self.completions.append(completion)
        u = getattr(completion, "usage", None)
        if u is not None:
            self.usage = self.usage + Usage(
                prompt_tokens=getattr(u, "prompt_tokens", 0) or 0,
                completion_tokens=getattr(u, "completion_tokens", 0) or 0,
                total_tokens=getattr(u, "total_tokens", 0) or 0,
            )


# Set by a caller that wants to know when the first model call made in its context got a slot: a batch starts
# an article's time budget then, not while the article waits its turn behind other articles' calls.
SLOT_GRANTED: ContextVar[asyncio.Event | None] = ContextVar("summarizer_slot_granted", default=None)


class Throttle:
    """Concurrency that adapts to the server: a 429 halves the allowed calls, successes win them back.

    Shared by every call of one LLM, so a batch slows down as a whole when the server pushes back. A freed slot
    goes straight to the call that has waited longest (a FIFO of futures, not a condition every waiter wakes
    on), and the call that freed it steps back for a few turns of the event loop, so the next request is on
    the wire before the answer just received is validated and grounded: that takes tens of milliseconds of
    the one event-loop thread, and a burst of answers would otherwise hold every next request behind it.
    """

    # Turns of the event loop a call that freed a slot steps back for: a request on a kept-alive connection is
    # written 2-4 turns after its slot is granted, on a new connection 11-13 (bench/batch_limit.py, C=8).
    HANDOFF_TURNS = 16

    def __init__(self, limit: int, cooldown: float = 1.0):
        self.max = max(1, limit)
        self.limit = float(self.max)
        self.active = 0
        self.cooldown = cooldown
        self.lowest = self.limit  # the tightest the server pushed us, for reports
        self._last_cut = float("-inf")
        self._waiters: collections.deque[asyncio.Future[None]] = collections.deque()

    async def __aenter__(self) -> Throttle:
        if self.active < int(self.limit) and not self._waiters:
            self.active += 1
            self._granted()
            return self
        slot = asyncio.get_running_loop().create_future()
        self._waiters.append(slot)
        try:
            await slot  # resolved by _wake with the slot already counted
        except asyncio.CancelledError:
            if slot.done() and not slot.cancelled():
                self._release()  # granted, then cancelled before it could run: hand it on
            else:
                with contextlib.suppress(ValueError):
                    self._waiters.remove(slot)
            raise
        self._granted()
        return self

    def _granted(self) -> None:
        started = SLOT_GRANTED.get()
        if started is not None and not started.is_set():
            started.set()

    async def __aexit__(self, exc_type: type[BaseException] | None, *exc: object) -> None:
        if self._release() and exc_type is None:
            for _ in range(self.HANDOFF_TURNS):
                await asyncio.sleep(0)

    def _release(self) -> bool:
        self.active -= 1
        return self._wake()

    def _wake(self) -> bool:
        """Give free slots to waiters, longest first; True if any got one."""
        woke = False
        while self._waiters and self.active < int(self.limit):
            slot = self._waiters.popleft()
            if slot.done() or slot.get_loop().is_closed():
                continue  # its call was cancelled, or its event loop is gone
            self.active += 1
            slot.set_result(None)
            woke = True
        return woke

    def pushed_back(self) -> None:
        # One burst of 429s from calls already in flight is one signal, not eight: halve once per cooldown.
        now = time.monotonic()
        if now - self._last_cut >= self.cooldown:
            self._last_cut = now
            self.limit = max(1.0, self.limit / 2)
            self.lowest = min(self.lowest, self.limit)

    def succeeded(self) -> None:
        # additive increase: about one more slot per `limit` successes; a slot won back goes to a waiter now
        if self.limit < self.max:
            self.limit = min(float(self.max), self.limit + 1.0 / max(1.0, self.limit))
            self._wake()


def _retry_after(exc: BaseException) -> float | None:
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if not headers:
        return None
    ms = headers.get("retry-after-ms")
    if ms:
        try:
            return float(ms) / 1000
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value)
        return max(0.0, parsed.timestamp() - time.time()) if parsed else None


def _transient(exc: BaseException) -> bool:
    if isinstance(exc, (openai.APITimeoutError, openai.RateLimitError, openai.InternalServerError)):
        return True
    if isinstance(exc, openai.APIConnectionError):
        # a refused connection is nobody listening: asking again in a second would only make the user wait
        return not _cassette_miss(exc) and not _refused(exc)
    return isinstance(exc, openai.APIStatusError) and (exc.status_code in (408, 409, 425, 429) or exc.status_code >= 500)


def _loopback(base_url: str | None) -> bool:
    """True for a server on this machine (http://127.0.0.1:8080/v1, http://localhost:11434/v1)."""
    if not base_url:
        return False
    from urllib.parse import urlsplit

    host = (urlsplit(base_url).hostname or "").lower()
    return host in ("localhost", "::1") or host.startswith("127.")


def _refused(exc: BaseException) -> bool:
    """True when the server's port refused the connection (ECONNREFUSED), somewhere in the cause chain."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ConnectionRefusedError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _cassette_miss(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if type(seen).__name__ == "CannotOverwriteExistingCassetteException":
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _reason(exc: BaseException) -> str:
    """The server's own short message ("context length exceeded"), not its whole error body."""
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        message = inner.get("message") if isinstance(inner, dict) else inner
        if isinstance(message, str) and message.strip():
            return message
    text = str(getattr(exc, "message", None) or exc)
    return text.split(" - {", 1)[0] if " - {" in text else text


def _translate(exc: BaseException, model: str, attempts: int, server: str | None = None) -> SummarizerError:
    detail = scrub(" ".join(_reason(exc).split()))[:200]
    if _cassette_miss(exc):
        return ModelError("no recorded response matches this request in the cassette (re-record it, see README)")
    if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
        return ModelAuthError(
            f"the model server rejected the credentials (HTTP {exc.status_code}); check OPENAI_API_KEY"
        )
    if isinstance(exc, openai.NotFoundError):
        return ModelRequestError(f"model {model!r} not found on the server (HTTP 404): {detail}")
    if isinstance(exc, openai.APIStatusError) and not _transient(exc):
        return ModelRequestError(f"the model server rejected the request (HTTP {exc.status_code}): {detail}")
    if isinstance(exc, openai.APIStatusError):
        return ModelUnavailableError(
            f"the model server kept failing (HTTP {exc.status_code}) after {attempts} attempts: {detail}"
        )
    if isinstance(exc, openai.APITimeoutError):
        return ModelUnavailableError(f"the model server timed out {attempts} times")
    at = f" at {scrub(server)}" if server else ""
    if isinstance(exc, openai.APIConnectionError) and _refused(exc):
        return ModelUnavailableError(f"cannot reach the model server{at}: connection refused (is it running?)")
    if isinstance(exc, openai.APIConnectionError):
        tries = f" after {attempts} attempts" if attempts > 1 else ""
        return ModelUnavailableError(f"cannot reach the model server{tries}{at}: {detail}")
    return ModelError(f"model call failed: {type(exc).__name__}: {detail}")


class LLM:
    """An OpenAI-compatible chat model. The client is passed in or built on first use, never at import."""

    def __init__(
        self,
        client: openai.AsyncOpenAI | openai.OpenAI | None = None,
        *,
        model: str | None = None,
        base_url: str | None = None,
        api_key: str | None = None,
        timeout: float | None = None,
        transport_attempts: int | None = None,
        transport_budget_s: float = 300.0,
        max_concurrency: int | None = None,
        sleep: Callable[[float], Any] | None = None,
    ):
        """`model` `local` or `local:/path/to/x.gguf` (or nothing configured at all: no client, no key, no base
        URL, no model) means the local model (see summarizer.local), served on first use of `client`.

        For the local model the defaults fit a slow server that works on one request at a time: `timeout`
        900 s (env SUMMARIZER_LOCAL_TIMEOUT), one transport attempt (a re-send would queue behind the first),
        `max_concurrency` 1. Otherwise 120 s, 6 attempts, 8 calls at once.
        """
        self.local = local.choose(model, base_url=base_url, api_key=api_key, client=client is not None)
        if self.local is not None:
            # the label, not the server's port: provenance and cache keys stay the same from run to run
            self.model, self.base_url = self.local.label, None
        else:
            self.model = model or os.environ.get("SUMMARIZER_MODEL") or DEFAULT_MODEL
            self.base_url = base_url or os.environ.get("OPENAI_BASE_URL") or None
        self._api_key = api_key
        self._client = client.with_options(max_retries=0) if client is not None else None
        # clients we build are per event loop: an async HTTP pool cannot be shared across asyncio.run calls
        self._own: dict[int, tuple[asyncio.AbstractEventLoop, openai.AsyncOpenAI]] = {}
        if client is not None and self.base_url is None:
            self.base_url = str(getattr(client, "base_url", "") or "") or None
        # a server on this machine (llama.cpp, Ollama, LM Studio) is as slow as the local model: a timeout there
        # means it is still working, so it gets the long read timeout and a timed-out call is never re-sent
        self.on_this_machine = self.local is not None or _loopback(self.base_url)
        if timeout is None:
            local_timeout = float(os.environ.get("SUMMARIZER_LOCAL_TIMEOUT") or LOCAL_TIMEOUT_S)
            timeout = local_timeout if self.on_this_machine else 120.0
        self.timeout = timeout
        self.transport_attempts = transport_attempts or (1 if self.local else 6)
        self.transport_budget_s = transport_budget_s
        self.throttle = Throttle(max_concurrency or (1 if self.local else 8))
        self._sleep = sleep if sleep is not None else asyncio.sleep

    # What this way of calling the model costs against the list price (the Batch API: half).
    price_factor: float = 1.0
    # Set for a Batch API run (summarizer.batch_ledger.AnswerBook): answers calls from finished jobs.
    batch_answers: Any = None

    def cost(self, usage: Usage) -> float | None:
        """The estimated USD cost of `usage` through this LLM, or None when the model's price is unknown."""
        listed = estimate_cost(self.model, usage)
        return None if listed is None else round(listed * self.price_factor, 6)

    @property
    def client(self) -> openai.AsyncOpenAI | openai.OpenAI:
        if self._client is not None:
            return self._client
        key = self._api_key or os.environ.get("OPENAI_API_KEY")
        base_url: str | None = self.base_url
        timeout: float | openai.Timeout = self.timeout
        if self.local is not None:
            # started (and its file checked) on first use; restarted on a new port if it died
            base_url, key = local.serve(self.local), None
            timeout = openai.Timeout(self.timeout, connect=10.0)
        elif not key and not base_url:
            raise ConfigError(NO_MODEL)
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        slot = id(loop)
        held = self._own.get(slot)
        moved = self.local is not None and held is not None and str(held[1].base_url).rstrip("/") != base_url
        if held is None or held[0] is not loop or moved:
            for stale in [k for k, (lp, _) in self._own.items() if lp is not None and lp.is_closed()]:
                del self._own[stale]
            # local servers ignore the key, but the SDK insists on one
            client = openai.AsyncOpenAI(api_key=key or "unused", base_url=base_url, max_retries=0, timeout=timeout)
            self._own[slot] = held = (loop, client)  # type: ignore[assignment]
        return held[1]

    async def aclose(self) -> None:
        """Close the HTTP clients this LLM built in the running event loop (not one passed in).

        A client's connections belong to the loop that opened them: closed from another loop they fail with
        "Event loop is closed". Those of a loop that has already ended are only forgotten; those of another
        loop that still runs are left to it.
        """
        try:
            running: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        for slot, (loop, client) in list(self._own.items()):
            if loop is running or loop is None or loop.is_closed():
                del self._own[slot]
                if loop is running:
                    await client.close()

    def _secret(self) -> str | None:
        return self._api_key or os.environ.get("OPENAI_API_KEY")

    async def _send(self, stats: CallStats, kwargs: dict[str, Any]) -> Any:
        if self.batch_answers is not None:
            # a Batch API run: the answer comes from a finished job, or the call is queued for the next one
            # (BatchPendingError); None sends this one live
            answered = self.batch_answers.answer(kwargs)
            if answered is not None:
                stats.add(answered)
                return answered
        client = self.client
        create = client.chat.completions.create

        def wait(state: RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome else None
            hinted = _retry_after(exc) if exc is not None else None
            if hinted is not None:
                # a little jitter so calls told the same Retry-After don't return in lockstep
                return min(hinted, 60.0) * (1 + 0.2 * random.random())
            return min(30.0, 0.5 * 2 ** (state.attempt_number - 1)) * (0.5 + random.random() / 2)

        def before_sleep(state: RetryCallState) -> None:
            stats.transport_retries += 1
            exc = state.outcome.exception() if state.outcome else None
            if isinstance(exc, openai.RateLimitError) or getattr(exc, "status_code", None) == 429:
                self.throttle.pushed_back()
            log.warning(
                "%smodel call failed (%s); retry %d/%d in %.1f s",
                _about(),
                scrub(type(exc).__name__ + (f" {exc.status_code}" if hasattr(exc, "status_code") else "")),
                state.attempt_number,
                self.transport_attempts - 1,
                state.next_action.sleep if state.next_action else 0.0,
            )

        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.transport_attempts) | stop_after_delay(self.transport_budget_s),
            retry=retry_if_exception(
                lambda exc: _transient(exc) and not (self.on_this_machine and isinstance(exc, openai.APITimeoutError))
            ),
            wait=wait,
            before_sleep=before_sleep,
            sleep=self._sleep,
            reraise=True,
        )
        started = time.monotonic()
        try:
            async for attempt in retrying:
                with attempt:
                    async with self.throttle:
                        if isinstance(client, openai.AsyncOpenAI):
                            completion = await create(**kwargs)
                        else:
                            completion = await asyncio.to_thread(create, **kwargs)
                        self.throttle.succeeded()
        except openai.APIError as exc:
            raise _translate(exc, self.model, stats.transport_retries + 1, _server(client)) from None
        stats.add(completion)
        u = getattr(completion, "usage", None)
        log.info("%smodel call answered in %.1f s: %s prompt + %s completion tokens%s", _about(),
                 time.monotonic() - started, f"{getattr(u, 'prompt_tokens', 0) or 0:,}",
                 f"{getattr(u, 'completion_tokens', 0) or 0:,}",
                 f" ({stats.transport_retries} transport retries)" if stats.transport_retries else "")
        return completion

    async def structured(
        self,
        messages: list[dict[str, str]],
        response_model: type[M],
        *,
        reasks: int = 2,
        temperature: float = 0.0,
        max_tokens: int = 2048,
    ) -> tuple[M | None, CallStats, list[str]]:
        """Ask for `response_model`; Instructor re-asks up to `reasks` times when validation fails.

        Returns the validated model (or None when no answer validated: the caller salvages what it can), the
        call's stats, and the raw arguments of every answer received, in order.
        """
        import instructor
        from instructor.core.exceptions import InstructorRetryException
        from instructor.v2.core.patch import patch_v2

        stats = CallStats()
        _quiet_instructor()

        async def create(*args: Any, **kwargs: Any) -> Any:
            return await self._send(stats, kwargs)

        patched = patch_v2(func=create, provider=instructor.Provider.OPENAI, mode=instructor.Mode.TOOLS)
        try:
            result = await patched(
                response_model=_prepared(response_model),
                messages=messages,
                model=self.model,
                max_retries=reasks,
                temperature=temperature,
                max_tokens=max_tokens,
            )
            return result, stats, _raw(stats)
        except SummarizerError:
            raise
        except InstructorRetryException as exc:
            cause = exc.__cause__
            if isinstance(cause, SummarizerError):
                raise cause from None
            if not isinstance(cause, (ValidationError, ValueError)) and stats.attempts == 0:
                raise ModelError(f"model call failed: {scrub(str(cause))[:300]}") from None
            return None, stats, _raw(stats)


def _server(client: Any) -> str | None:
    url = getattr(client, "base_url", None)
    return str(url) if url else None


def _about() -> str:
    """"a.txt: " when a log line belongs to one article (set by the pipeline), so a batch's lines name it."""
    label = ARTICLE.get()
    return f"{label}: " if label else ""


def _raw(stats: CallStats) -> list[str]:
    return [a for a in (_arguments(c) for c in stats.completions) if a]


@lru_cache(maxsize=16)
def _prepared(model: type[M]) -> type[M]:
    """The response model as Instructor wants it, built once: Instructor otherwise wraps the model in a new
    class (and regenerates its schema) on every call."""
    from instructor.v2.core.function_calls import response_schema

    _check_async_validators_once()
    return response_schema(model)


def _check_async_validators_once() -> None:
    """Instructor looks for async validators in the response model six times per call, walking every
    attribute of every class in it (about a millisecond of CPU a call); a class's answer never changes, so
    each class that passed is not walked again. A no-op on an Instructor without that check."""
    try:
        from instructor.v2.core import patch
        from instructor.v2.validation import async_validators
    except ImportError:
        return
    check = getattr(async_validators, "reject_async_validators", None)
    if check is None or getattr(check, "once", False):
        return
    passed: weakref.WeakSet[type] = weakref.WeakSet()

    def once(model: Any) -> None:
        if isinstance(model, type) and model in passed:
            return
        check(model)
        if isinstance(model, type):
            passed.add(model)

    once.once = True  # type: ignore[attr-defined]
    async_validators.reject_async_validators = once
    if getattr(patch, "reject_async_validators", None) is check:
        patch.reject_async_validators = once


def _quiet_instructor() -> None:
    # Instructor logs each exhausted re-ask at ERROR with the model's whole answer, inventions included;
    # the gate reports those in provenance instead. A level the application set itself is left alone.
    retry_log = logging.getLogger("instructor.v2.retry")
    if retry_log.level == logging.NOTSET:
        retry_log.setLevel(logging.CRITICAL)


def _arguments(completion: Any) -> str | None:
    """The JSON the model produced in one completion (tool call arguments, or message content)."""
    try:
        message = completion.choices[0].message
    except (AttributeError, IndexError):
        return None
    calls = getattr(message, "tool_calls", None) or []
    for call in calls:
        args = getattr(getattr(call, "function", None), "arguments", None)
        if args:
            return args
    content = getattr(message, "content", None)
    if content:
        text = content.strip()
        if text.startswith("```"):
            text = text.strip("`").removeprefix("json").strip()
        return text
    return None
