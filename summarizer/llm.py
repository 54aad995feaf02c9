"""The one path to the model: an OpenAI-compatible client, transport retries, Instructor re-asks.

Layers, one job each: tenacity retries transport failures (429 honouring Retry-After, 5xx, timeouts) around
each single HTTP call, with the SDK's own retries off; Instructor re-asks when a parsed answer fails
validation. An API error is never turned into a re-ask, and a re-ask never repeats a transport retry.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import time
import weakref
from collections.abc import Callable
from functools import lru_cache
from typing import Any, TypeVar

import openai
from pydantic import BaseModel, ValidationError
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt, stop_after_delay

from . import local
from .aio import ARTICLE
from .costs import CallStats, estimate_cost
from .errors import (
    ConfigError,
    ModelError,
    ModelUnavailableError,
    SummarizerError,
    scrub,
)
from .local import NO_MODEL
from .model_errors import loopback, retry_after, transient, translate
from .schemas import Usage
from .throttle import SLOT_GRANTED, Throttle

__all__ = ["LLM", "CallStats", "DEFAULT_MODEL", "estimate_cost", "Throttle", "SLOT_GRANTED"]

log = logging.getLogger("summarizer.llm")
# A library never prints on its own: without a handler of the application's, these records go nowhere
# (and not to logging's last-resort stderr handler). The CLI sets up what to show.
logging.getLogger("summarizer").addHandler(logging.NullHandler())

DEFAULT_MODEL = "gpt-4o-mini"
# A local server works on one request at a time, for 30-40 s on 2 cores: a long read timeout, no re-sends.
LOCAL_TIMEOUT_S = 900.0
M = TypeVar("M", bound=BaseModel)

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
        self.on_this_machine = self.local is not None or loopback(self.base_url)
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
            hinted = retry_after(exc) if exc is not None else None
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
                lambda exc: transient(exc) and not (self.on_this_machine and isinstance(exc, openai.APITimeoutError))
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
                            completion = await _create(client, create, kwargs)
                        else:
                            completion = await asyncio.to_thread(create, **kwargs)
                        self.throttle.succeeded()
        except openai.APIError as exc:
            # (a second for a server that is dying: its crash can reach us before its exit does)
            died = local.stopped(self.local, wait=1.0) if self.local is not None else None
            if died is not None:  # "connection error" would hide that the server it talked to has crashed
                raise ModelUnavailableError(died) from None
            raise translate(exc, self.model, stats.transport_retries + 1, _server(client)) from None
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


# What Instructor sends: plain JSON values, which the SDK's own walk over the request would leave as they are
_PLAIN_BODY = frozenset({"messages", "model", "temperature", "max_tokens", "tools", "tool_choice", "top_p", "seed"})


async def _create(client: openai.AsyncOpenAI, create: Callable[..., Any], kwargs: dict[str, Any]) -> Any:
    """`client.chat.completions.create(**kwargs)`, posted as the same JSON body without the SDK first walking
    every value of the request against its parameter types: for a body of plain JSON (the messages and the
    tool's schema) that walk changes nothing and cost about 0.8 ms of a brief's CPU (bench/gate_cpu.py).
    Anything else goes through `create`."""
    if not kwargs.keys() <= _PLAIN_BODY:
        return await create(**kwargs)
    from openai.types.chat import ChatCompletion

    return await client.post("/chat/completions", body=kwargs, cast_to=ChatCompletion)


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
