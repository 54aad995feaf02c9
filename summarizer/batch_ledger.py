"""What a Batch API run keeps in OUT/.batch-api, and how the pipeline's calls are answered from finished jobs.

The ledger (`jobs.json` and one `*.map.jsonl` per job) holds ids, counts and which request of which input and
part each line of a job is: never an article's text nor a model's words. The answers themselves stay on the
API's side and are read again, job by job, when a run needs them: a model's inventions are not kept in OUT
(they reach no file unless the gate lets them through).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .aio import ARTICLE, PART
from .batch_files import atomic_write
from .errors import BatchPendingError, ModelError, SummarizerError, UnreadableSourceError, scrub
from .sources import read_bounded

__all__ = ["Ledger", "AnswerBook", "Queued", "request_digest", "TERMINAL", "OPEN", "LEDGER_DIR"]

log = logging.getLogger("summarizer.batch")

LEDGER_DIR = ".batch-api"
JOBS_NAME = "jobs.json"
TERMINAL = frozenset({"completed", "expired", "cancelled", "failed"})
OPEN = frozenset({"validating", "in_progress", "finalizing", "cancelling"})
# Failures that say the request itself went wrong (as opposed to a job that ran out of time or was cancelled):
# a request gets one more try after the first of these, and its article fails after the second.
COUNTED = frozenset({"error", "missing"})
MAX_LEDGER_BYTES = 64 * 1024 * 1024


def request_digest(body: dict[str, Any]) -> str:
    """A request's identity: the same article, part and conversation give the same digest in every run."""
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Queued:
    """A call the pipeline made that no finished job answers: a line of the next job."""

    digest: str
    body: dict[str, Any]
    path: str
    part: int
    attempt: int

    @property
    def custom_id(self) -> str:
        # unique per request (the digest), and readable: which part and which answer of the conversation
        return f"p{self.part}-a{self.attempt}-{self.digest[:32]}"

    def line(self, endpoint: str) -> str:
        return json.dumps({"custom_id": self.custom_id, "method": "POST", "url": endpoint, "body": self.body},
                          ensure_ascii=False)

    def mapping(self) -> dict[str, Any]:
        return {"custom_id": self.custom_id, "digest": self.digest, "path": self.path, "part": self.part,
                "attempt": self.attempt}


class Ledger:
    """OUT/.batch-api: the jobs submitted for OUT, and for each the requests it holds."""

    def __init__(self, out: Path, *, readonly: bool = False):
        self.out = Path(out)
        self.readonly = readonly  # `--status`: looks while another run may be writing
        self.root = self.out / LEDGER_DIR
        self.jobs: list[dict[str, Any]] = []
        self.by_digest: dict[str, list[str]] = {}  # digest -> names of the jobs that hold it, oldest first
        self.maps: dict[str, dict[str, dict[str, Any]]] = {}  # job name -> digest -> mapping (custom_id, path, ...)

    @property
    def exists(self) -> bool:
        return (self.root / JOBS_NAME).exists()

    def load(self) -> Ledger:
        path = self.root / JOBS_NAME
        if not path.exists():
            return self
        try:
            data = json.loads(read_bounded(path, MAX_LEDGER_BYTES))
            jobs = data["jobs"]
            if not isinstance(jobs, list):
                raise TypeError("jobs is not a list")
            for job in jobs:
                self._read_map(job)
        except (OSError, ValueError, KeyError, TypeError, UnreadableSourceError) as exc:
            # unlike the brief cache this cannot be carried on without: it is what stops a second payment
            raise SummarizerError(f"{path}: the Batch API ledger cannot be read ({exc}); it records the jobs "
                                  "already paid for, so it was left as it is") from None
        self.jobs = jobs
        return self

    def _read_map(self, job: dict[str, Any]) -> None:
        entries: dict[str, dict[str, Any]] = {}
        path = self.root / job["map"]
        for raw in read_bounded(path, MAX_LEDGER_BYTES).decode("utf-8").splitlines():
            try:
                entry = json.loads(raw)
            except ValueError:
                continue  # a torn last line: the job was never created from it (the map is written first)
            entries[entry["digest"]] = entry
            self.by_digest.setdefault(entry["digest"], []).append(job["name"])
        self.maps[job["name"]] = entries

    def save(self) -> None:
        if self.readonly:
            return
        atomic_write(self.root / JOBS_NAME, json.dumps({"version": 1, "jobs": self.jobs}, indent=1) + "\n")

    def job(self, name: str) -> dict[str, Any]:
        return next(j for j in self.jobs if j["name"] == name)

    def open_jobs(self) -> list[dict[str, Any]]:
        return [j for j in self.jobs if j.get("status") not in TERMINAL]

    def add_job(self, queued: list[Queued], *, file_id: str, requests_bytes: int) -> dict[str, Any]:
        """Record a job whose input file is uploaded, before the batch is created: its map, then the job."""
        name = f"job-{len(self.jobs) + 1:04d}"
        lines = "".join(json.dumps(q.mapping()) + "\n" for q in queued)
        atomic_write(self.root / f"{name}.map.jsonl", lines)
        job = {"name": name, "map": f"{name}.map.jsonl", "file_id": file_id, "batch_id": None,
               "status": "uploaded", "requests": len(queued), "bytes": requests_bytes,
               "reasks": sum(q.attempt > 0 for q in queued), "counts": None}
        self.jobs.append(job)
        self._read_map(job)
        self.save()
        return job


class AnswerBook:
    """The pipeline's model calls in a Batch API run (set as `LLM.batch_answers`).

    A call some finished job answered gets that answer; one whose request failed twice fails its article; any
    other is queued (the article waits: BatchPendingError) for the next job. `fetch(job)` reads a finished
    job's answers, (custom_id -> completion body or None) and failures (custom_id -> (kind, message)); it is
    called once per job, the first time a call needs it.
    """

    def __init__(self, ledger: Ledger, fetch: Callable[[dict[str, Any]], tuple[dict[str, Any], dict[str, Any]]],
                 *, live_reasks: bool = False):
        self.ledger = ledger
        self.fetch = fetch
        self.live_reasks = live_reasks
        self.queued: dict[str, Queued] = {}
        self._read: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}

    def answer(self, body: dict[str, Any]) -> Any:
        from openai.types.chat import ChatCompletion

        digest = request_digest(body)
        attempt = sum(1 for m in body.get("messages", []) if m.get("role") == "assistant")
        failures: list[tuple[str, str]] = []
        for name in self.ledger.by_digest.get(digest, []):
            job = self.ledger.job(name)
            if job.get("status") not in TERMINAL:
                raise BatchPendingError(f"{ARTICLE.get()}: waiting for Batch API job {name}")
            answered, failed = self._results(job)
            custom_id = self.ledger.maps[name][digest]["custom_id"]
            if custom_id in answered:
                try:
                    return ChatCompletion.model_validate(answered[custom_id])
                except ValueError:  # pydantic's ValidationError: a line that is no chat completion
                    failures.append(("error", f"job {name} answered with something that is not a chat completion"))
                    continue
            failures.append(failed.get(custom_id) or _unfinished(job))
        counted = [message for kind, message in failures if kind in COUNTED]
        if len(counted) >= 2:
            raise ModelError(f"{ARTICLE.get()}: the Batch API failed this request twice ({counted[-1]})")
        if attempt and self.live_reasks:
            return None
        self.queued.setdefault(digest, Queued(digest, body, ARTICLE.get() or "", PART.get(), attempt))
        raise BatchPendingError(f"{ARTICLE.get()}: queued for the Batch API")

    def _results(self, job: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        name = job["name"]
        if name not in self._read:
            self._read[name] = self.fetch(job)
        return self._read[name]


def _unfinished(job: dict[str, Any]) -> tuple[str, str]:
    """Why a finished job has neither an answer nor an error line for a request it held."""
    status = job.get("status")
    if status in ("expired", "cancelled"):
        return status, f"job {job['name']} {status} before this request ran"
    if status == "failed":
        return "error", f"job {job['name']} failed: {job.get('error') or 'rejected by the API'}"
    return "missing", f"job {job['name']} completed without an answer or an error for this request"


def parse_results(output: str, errors: str) -> tuple[dict[str, Any], dict[str, tuple[str, str]]]:
    """A job's output and error files: custom_id -> completion body, and custom_id -> (kind, message)."""
    answered: dict[str, Any] = {}
    failed: dict[str, tuple[str, str]] = {}
    for line in _lines(output + "\n" + errors):
        custom_id = line.get("custom_id")
        if not isinstance(custom_id, str):
            continue
        response = line.get("response") or {}
        error = line.get("error")
        if response.get("status_code") == 200 and isinstance(response.get("body"), dict) and not error:
            answered[custom_id] = response["body"]
            continue
        if isinstance(error, dict) and error.get("code") == "batch_expired":
            failed[custom_id] = ("expired", "the job expired before this request ran")
            continue
        if isinstance(error, dict) and error.get("code") == "batch_cancelled":
            failed[custom_id] = ("cancelled", "the job was cancelled before this request ran")
            continue
        failed[custom_id] = ("error", _message(response, error))
    return answered, failed


def _lines(text: str) -> Iterator[dict[str, Any]]:
    for raw in text.splitlines():
        if raw.strip():
            try:
                value = json.loads(raw)
            except ValueError:
                continue
            if isinstance(value, dict):
                yield value


def _message(response: dict[str, Any], error: Any) -> str:
    """The API's own short reason for a failed request (never its whole body)."""
    status = response.get("status_code")
    body = response.get("body")
    detail = ""
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        detail = str(body["error"].get("message") or body["error"].get("code") or "")
    elif isinstance(error, dict):
        detail = str(error.get("message") or error.get("code") or "")
    head = f"HTTP {status}" if status else "error"
    return scrub(f"{head}: {detail}" if detail else head)[:200]


def chunks(queued: Iterable[Queued], endpoint: str, *, max_requests: int, max_bytes: int) -> Iterator[list[Queued]]:
    """Requests in groups one job can take (the API's limits: requests and bytes per input file)."""
    group: list[Queued] = []
    size = 0
    for q in queued:
        n = len(q.line(endpoint).encode("utf-8")) + 1
        if group and (len(group) >= max_requests or size + n > max_bytes):
            yield group
            group, size = [], 0
        group.append(q)
        size += n
    if group:
        yield group
