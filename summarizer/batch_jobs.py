"""The Files and Batches endpoints for one output folder's ledger: upload, create, poll, read, cancel.

Each step is recorded in the ledger as soon as it happened, and a step whose answer was lost is looked up
before it is taken again (a batch created but never recorded is found by its input file), so a kill at any
point costs at most an orphan upload, never a second payment.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
import time
from collections.abc import Callable
from typing import Any, TypeVar

import openai
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential

from .batch_ledger import OPEN, TERMINAL, Ledger, Queued, chunks, parse_results
from .errors import ModelRequestError, SummarizerError, scrub
from .model_errors import transient as _transient
from .model_errors import translate as _translate

__all__ = ["Jobs", "ENDPOINT", "MAX_REQUESTS", "MAX_BYTES", "describe", "client_for"]

log = logging.getLogger("summarizer.batch")

ENDPOINT = "/v1/chat/completions"
WINDOW = "24h"
# OpenAI's limits for one input file are 50,000 requests and 200 MB; a margin under the second.
MAX_REQUESTS = 50_000
MAX_BYTES = 190 * 1024 * 1024
T = TypeVar("T")


class Jobs:
    """The Batch API jobs of `ledger`, through `client` (a sync openai.OpenAI)."""

    def __init__(self, client: openai.OpenAI, ledger: Ledger, *, model: str, attempts: int = 5,
                 wait_s: float = 1.0, max_requests: int = MAX_REQUESTS, max_bytes: int = MAX_BYTES):
        self.client = client
        self.ledger = ledger
        self.model = model
        self.attempts = attempts
        self.wait_s = wait_s
        self.max_requests = max_requests
        self.max_bytes = max_bytes
        # names this folder's uploads and batches, so a look-up never adopts another folder's batch
        self.tag = hashlib.sha256(str(ledger.out.resolve()).encode("utf-8")).hexdigest()[:12]

    def _call(self, what: str, fn: Callable[[], T]) -> T:
        """One API call, retried on 429/5xx/timeouts with tenacity; other failures become one-line errors."""
        retrying = Retrying(
            stop=stop_after_attempt(self.attempts),
            wait=wait_exponential(multiplier=self.wait_s, max=30),
            retry=retry_if_exception(_transient),
            reraise=True,
        )
        try:
            return retrying(fn)
        except openai.NotFoundError as exc:
            if what == "upload":
                raise ModelRequestError(
                    f"the server at {scrub(str(self.client.base_url))} has no Batch API (no /files endpoint); "
                    "run the batch live, without --batch-api"
                ) from None
            raise _translate(exc, self.model, self.attempts, str(self.client.base_url)) from None
        except openai.APIError as exc:
            raise _translate(exc, self.model, self.attempts, str(self.client.base_url)) from None

    # --- submitting -----------------------------------------------------------------------------------------

    def submit(self, queued: list[Queued]) -> list[dict[str, Any]]:
        """Upload `queued` as one or more jobs and create their batches; each recorded as it happens."""
        made = []
        for group in chunks(queued, ENDPOINT, max_requests=self.max_requests, max_bytes=self.max_bytes):
            # an unlinked temporary file: a kill before the upload leaves no copy of the requests behind
            with tempfile.TemporaryFile() as handle:
                for q in group:
                    handle.write(q.line(ENDPOINT).encode("utf-8") + b"\n")
                size = handle.tell()
                handle.seek(0)
                name = f"summarizer-{self.tag}-job-{len(self.ledger.jobs) + 1:04d}.jsonl"
                uploaded = self._call("upload", lambda h=handle, n=name: self.client.files.create(
                    file=(n, h, "application/jsonl"), purpose="batch"))
            job = self.ledger.add_job(group, file_id=uploaded.id, requests_bytes=size)
            job["uploaded_at"] = getattr(uploaded, "created_at", None)
            self._create(job, look_first=False)  # a file uploaded a moment ago has no batch yet
            log.info("Batch API %s (%s): %d requests submitted", job["name"], job["batch_id"], job["requests"])
            made.append(job)
        return made

    def _create(self, job: dict[str, Any], *, look_first: bool = True) -> None:
        """Create the batch of an uploaded job, unless one exists already (its creation's answer was lost)."""
        for attempt in range(self.attempts):
            found = self._find(job) if look_first or attempt else None
            if found is not None:
                self._update(job, found)
                return
            try:
                batch = self.client.batches.create(
                    input_file_id=job["file_id"], endpoint=ENDPOINT, completion_window=WINDOW,
                    metadata={"summarizer_job": job["name"], "summarizer_out": self.tag},
                )
            except openai.APIError as exc:
                if not _transient(exc) or attempt == self.attempts - 1:
                    raise _translate(exc, self.model, attempt + 1, str(self.client.base_url)) from None
                time.sleep(min(30.0, self.wait_s * 2**attempt))
                continue
            self._update(job, batch)
            return

    def _find(self, job: dict[str, Any]) -> Any:
        """The batch created from this job's input file, if there is one."""
        page = self._call("list", lambda: self.client.batches.list(limit=100))
        since = job.get("uploaded_at")
        for batch in page:  # newest first; the SDK follows the pages
            if batch.input_file_id == job["file_id"]:
                return batch
            if since and batch.created_at < since:
                return None  # older than the upload: it cannot be this file's batch, nor can any after it
        return None

    # --- following ----------------------------------------------------------------------------------------

    def refresh(self, *, create: bool = True) -> None:
        """Bring every unfinished job's status up to date (and create a batch an earlier run did not)."""
        for job in self.ledger.jobs:
            if job.get("batch_id") is None:
                if create:
                    self._create(job)
                continue
            if job.get("status") in TERMINAL:
                continue
            batch = self._call("retrieve", lambda j=job: self.client.batches.retrieve(j["batch_id"]))
            self._update(job, batch)

    def _update(self, job: dict[str, Any], batch: Any) -> None:
        job["batch_id"] = batch.id
        job["status"] = batch.status
        counts = getattr(batch, "request_counts", None)
        job["counts"] = ({"completed": counts.completed, "failed": counts.failed, "total": counts.total}
                         if counts is not None else None)
        job["output_file_id"] = getattr(batch, "output_file_id", None)
        job["error_file_id"] = getattr(batch, "error_file_id", None)
        errors = getattr(getattr(batch, "errors", None), "data", None) or []
        if errors:
            first = errors[0]
            job["error"] = scrub(f"{getattr(first, 'code', '') or ''}: {getattr(first, 'message', '') or ''}")[:200]
        self.ledger.save()

    def fetch(self, job: dict[str, Any]) -> tuple[dict[str, Any], dict[str, tuple[str, str]]]:
        """A finished job's answers and failures, read from its output and error files."""
        texts = []
        for key in ("output_file_id", "error_file_id"):
            file_id = job.get(key)
            texts.append(self._call("download", lambda f=file_id: self.client.files.content(f).text) if file_id else "")
        return parse_results(*texts)

    def cancel(self) -> list[dict[str, Any]]:
        """Cancel every job still running; what finished before stays usable."""
        cancelled = []
        for job in self.ledger.jobs:
            if job.get("batch_id") and job.get("status") in OPEN - {"cancelling"}:
                batch = self._call("cancel", lambda j=job: self.client.batches.cancel(j["batch_id"]))
                self._update(job, batch)
                cancelled.append(job)
        return cancelled


def describe(job: dict[str, Any]) -> str:
    """'job-0001 (batch_abc) in_progress: 12 done, 1 failed of 40 requests'."""
    counts = job.get("counts") or {}
    total = counts.get("total") or job.get("requests", 0)
    done = f"{counts.get('completed', 0)} done, {counts.get('failed', 0)} failed of {total} requests"
    reasks = f" ({job['reasks']} re-asks)" if job.get("reasks") else ""
    error = f"; {job['error']}" if job.get("error") else ""
    return f"{job['name']} ({job.get('batch_id') or 'not created yet'}) {job.get('status')}: {done}{reasks}{error}"


def client_for(base_url: str | None, api_key: str | None, timeout: float = 120.0) -> openai.OpenAI:
    """A sync client for the job endpoints, on the same server and key as the model's calls."""
    if not api_key and not base_url:
        raise SummarizerError("--batch-api needs OPENAI_API_KEY (or OPENAI_BASE_URL of a server with a Batch API)")
    return openai.OpenAI(api_key=api_key or "unused", base_url=base_url, max_retries=0, timeout=timeout)
