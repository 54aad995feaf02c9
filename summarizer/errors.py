"""The error tree. Every failure a user can cause or meet is one of these.

Surfaces (the CLI, the batch runner, the Slack bot) translate them to one line with `str(error)`;
messages never carry secrets (see `scrub`).
"""

from __future__ import annotations

import logging
import os
import re
from typing import Any

__all__ = [
    "SummarizerError",
    "SourceError",
    "EmptyArticleError",
    "UnreadableSourceError",
    "NotAnArticleError",
    "FetchError",
    "BlockedURLError",
    "ArticleTooLongError",
    "ConfigError",
    "ModelError",
    "ModelAuthError",
    "ModelRequestError",
    "ModelUnavailableError",
    "ModelOutputError",
    "GroundingError",
    "BatchPendingError",
    "scrub",
    "ScrubFilter",
    "install_scrubber",
]


class SummarizerError(Exception):
    """Base of every error this package raises on purpose."""

    # What the model calls behind the failure cost, when there were any (a failed brief still bills).
    usage: Any = None
    attempts: int = 0


class SourceError(SummarizerError):
    """The input could not be turned into an article."""


class EmptyArticleError(SourceError):
    """The input holds no article text."""


class UnreadableSourceError(SourceError):
    """The input is missing, binary or not decodable as text."""


class NotAnArticleError(SourceError):
    """The page is a block page, paywall stub or has no article body."""


class FetchError(SourceError):
    """A URL could not be fetched."""


class BlockedURLError(FetchError):
    """A URL points at a private, loopback, link-local or metadata address."""


class ArticleTooLongError(SourceError):
    """The document is too large to be worth briefing."""


class ConfigError(SummarizerError):
    """The model cannot be reached as configured (no key, no base URL)."""


class ModelError(SummarizerError):
    """The model server failed or refused the request."""


class ModelAuthError(ModelError):
    """The server rejected the credentials (401/403)."""


class ModelRequestError(ModelError):
    """The server rejected the request itself (400, 404, 422)."""


class ModelUnavailableError(ModelError):
    """The server stayed unreachable, overloaded or rate-limited after retries."""


class GroundingError(SummarizerError):
    """Nothing in the model's answer could be verified against the article."""


class BatchPendingError(SummarizerError):
    """The article's model calls wait in a Batch API job: its brief comes once the job is done."""

    def __init__(self, message: str, requests: int = 1):
        super().__init__(message)
        self.requests = requests


_SECRET_PATTERNS = [
    re.compile(r"sk-[A-Za-z0-9_\-*]{6,}"),
    re.compile(r"xox[abposr]-[A-Za-z0-9\-]+"),
    re.compile(r"xapp-[A-Za-z0-9\-]+"),
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._\-]+"),
]
_SECRET_ENV = ("OPENAI_API_KEY", "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET")


def scrub(text: str, *secrets: str | None) -> str:
    """Remove API keys and tokens (known ones and anything shaped like one) from text."""
    for value in (*secrets, *(os.environ.get(name) for name in _SECRET_ENV)):
        if value and len(value) >= 6:
            text = text.replace(value, "***")
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(lambda m: (m.group(1) if m.groups() else "") + "***", text)
    return text


class ModelOutputError(ModelError):
    """The model's answers never fit the brief's schema."""


class ScrubFilter(logging.Filter):
    """Removes keys and tokens from every log record a handler emits, tracebacks included. On handlers, so it
    also covers records of libraries (the OpenAI SDK's debug lines echo headers and bodies a server sent)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = scrub(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        return True


def install_scrubber(logger: logging.Logger | None = None) -> None:
    """Put a ScrubFilter on every handler of `logger` (the root logger by default), once each."""
    for handler in (logger or logging.getLogger()).handlers:
        if not any(isinstance(f, ScrubFilter) for f in handler.filters):
            handler.addFilter(ScrubFilter())
