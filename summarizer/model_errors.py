"""Reading what went wrong in a model call: whether to try again, when, and the one-line error a user sees.
Knows the OpenAI SDK's exceptions, nothing of the client that raised them."""

from __future__ import annotations

import email.utils
import math
import time

import openai

from .errors import (
    ModelAuthError,
    ModelError,
    ModelRequestError,
    ModelUnavailableError,
    SummarizerError,
    scrub,
)

__all__ = ["retry_after", "transient", "loopback", "refused", "cassette_miss", "translate"]


def retry_after(exc: BaseException) -> float | None:
    """Seconds the server asked us to wait, or None when it did not say, or said nothing usable ("soon", "nan",
    a negative number): the caller's own backoff then applies."""
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if not headers:
        return None
    ms = headers.get("retry-after-ms")
    if ms and (wait := _seconds(ms)) is not None:
        return wait / 1000
    value = headers.get("retry-after")
    if not value:
        return None
    wait = _seconds(value)
    if wait is not None:
        return wait
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return max(0.0, parsed.timestamp() - time.time()) if parsed else None


def _seconds(value: str) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) and number >= 0 else None


def out_of_quota(exc: BaseException) -> bool:
    """OpenAI's 429 for an account with no credit left: no wait will help."""
    return isinstance(exc, openai.APIStatusError) and exc.status_code == 429 and "insufficient_quota" in (
        str(getattr(exc, "code", "") or ""), str(getattr(exc, "type", "") or ""))


def transient(exc: BaseException) -> bool:
    if out_of_quota(exc):
        return False
    if isinstance(exc, (openai.APITimeoutError, openai.RateLimitError, openai.InternalServerError)):
        return True
    if isinstance(exc, openai.APIConnectionError):
        # a refused connection is nobody listening: asking again in a second would only make the user wait
        return not cassette_miss(exc) and not refused(exc)
    return isinstance(exc, openai.APIStatusError) and (exc.status_code in (408, 409, 425, 429) or exc.status_code >= 500)


def loopback(base_url: str | None) -> bool:
    """True for a server on this machine (http://127.0.0.1:8080/v1, http://localhost:11434/v1)."""
    if not base_url:
        return False
    from urllib.parse import urlsplit

    host = (urlsplit(base_url).hostname or "").lower()
    return host in ("localhost", "::1") or host.startswith("127.")


def refused(exc: BaseException) -> bool:
    """True when the server's port refused the connection (ECONNREFUSED), somewhere in the cause chain."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ConnectionRefusedError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def cassette_miss(exc: BaseException) -> bool:
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


def translate(exc: BaseException, model: str, attempts: int, server: str | None = None) -> SummarizerError:
    detail = scrub(" ".join(_reason(exc).split()))[:200]
    if cassette_miss(exc):
        return ModelError("no recorded response matches this request in the cassette (re-record it, see README)")
    if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
        return ModelAuthError(
            f"the model server rejected the credentials (HTTP {exc.status_code}); check OPENAI_API_KEY"
        )
    if out_of_quota(exc):
        return ModelAuthError("the account behind OPENAI_API_KEY has no quota left (HTTP 429 insufficient_quota); "
                              "check its plan and billing")
    if isinstance(exc, openai.NotFoundError):
        return ModelRequestError(f"model {model!r} not found on the server (HTTP 404): {detail}")
    if isinstance(exc, openai.APIStatusError) and not transient(exc):
        return ModelRequestError(f"the model server rejected the request (HTTP {exc.status_code}): {detail}")
    if isinstance(exc, openai.APIStatusError):
        return ModelUnavailableError(
            f"the model server kept failing (HTTP {exc.status_code}) after {attempts} attempts: {detail}"
        )
    if isinstance(exc, openai.APITimeoutError):
        return ModelUnavailableError(f"the model server timed out {attempts} times")
    at = f" at {scrub(server)}" if server else ""
    if isinstance(exc, openai.APIConnectionError) and refused(exc):
        return ModelUnavailableError(f"cannot reach the model server{at}: connection refused (is it running?)")
    if isinstance(exc, openai.APIConnectionError):
        tries = f" after {attempts} attempts" if attempts > 1 else ""
        return ModelUnavailableError(f"cannot reach the model server{tries}{at}: {detail}")
    return ModelError(f"model call failed: {type(exc).__name__}: {detail}")
