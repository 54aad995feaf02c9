"""Batch defaults, apart from the batch runner so that the commands' help can show them without importing
the model layer (openai, instructor) before a flag is parsed."""

from __future__ import annotations

__all__ = ["DEFAULT_ARTICLE_TIMEOUT", "DEFAULT_CONCURRENCY", "DEFAULT_RETRIES"]

DEFAULT_CONCURRENCY = 4
# Per-article wall-clock budget, every retry included. The LLM's own retry budget (6 tries, 300 s) bounds each
# HTTP call; this bounds the article as a whole, so one stuck input cannot hold a batch.
DEFAULT_ARTICLE_TIMEOUT = 600.0
# An article whose calls stayed unavailable (429/5xx/timeouts) through all transport retries is tried again
# this many times, after a pause, before it is recorded as failed. Only then: other errors are deterministic.
DEFAULT_RETRIES = 1
