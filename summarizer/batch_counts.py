"""What a folder run counts as it goes: the report's numbers (kept current, so an interrupted run still has
them), and which failures are the model server's, the rule that stops a run."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .batch_files import ERRORS_NAME, INDEX_NAME
from .batch_run import BatchResult
from .errors import ModelAuthError, ModelRequestError, ModelUnavailableError

__all__ = ["BatchReport", "STOP_AFTER", "server_failed"]


@dataclass
class BatchReport:
    """Counts and costs of one folder run, kept current while it runs (so an interrupted run still has one)."""

    folder: Path
    out: Path
    total: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    ok: int = 0
    cached: int = 0
    unchanged: int = 0
    failed: int = 0
    model_answers: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    unpriced: int = 0  # new briefs from a model without a known price
    queued: int = 0  # articles whose calls wait in a Batch API job
    wall_s: float = 0.0  # from the first article on
    warm_s: float = 0.0  # before it: loading what the model layer loads on first use (once per process)
    interrupted: bool = False
    stopped: str | None = None  # why the run gave up early: the model server failed every article for a while
    # "<file>: cannot write (<why>)" when the index, errors.jsonl or the report could not be rewritten at the end
    unwritten: str | None = None

    @property
    def done(self) -> int:
        return self.ok + self.cached + self.unchanged

    @property
    def finished(self) -> int:
        return self.done + self.failed

    @property
    def left(self) -> int:
        return self.total - self.finished - self.queued

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    @property
    def index_path(self) -> Path:
        return self.out / INDEX_NAME

    @property
    def errors_path(self) -> Path:
        return self.out / ERRORS_NAME

    def add(self, result: BatchResult) -> None:
        if result.status == "queued":
            self.queued += 1
        elif result.status == "failed":
            self.failed += 1
            spent = getattr(result.error, "usage", None)
            if spent is not None:  # the model answered, the gate kept nothing: still billed
                self.model_answers += getattr(result.error, "attempts", 0)
                self.prompt_tokens += spent.prompt_tokens
                self.completion_tokens += spent.completion_tokens
        elif result.status == "unchanged":
            self.unchanged += 1
        elif result.status == "cached":
            self.cached += 1
        else:
            self.ok += 1
            # only briefs made in this run cost anything now; a cached brief's provenance is its first cost
            if result.brief is not None:
                p = result.brief.provenance
                self.model_answers += p.attempts
                self.prompt_tokens += p.usage.prompt_tokens
                self.completion_tokens += p.usage.completion_tokens
                if p.cost_usd is None:
                    self.unpriced += 1
                else:
                    self.cost_usd += p.cost_usd


STOP_AFTER = 8  # (or the concurrency, if larger) articles in a row failed at the model server: the run stops


def server_failed(result: BatchResult) -> bool:
    """The article failed at the model server (credentials, quota, no such model, down), not on its own."""
    return result.status == "failed" and isinstance(result.error, (ModelAuthError, ModelRequestError,
                                                                   ModelUnavailableError))
