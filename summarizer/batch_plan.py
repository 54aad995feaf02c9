"""`summarizer batch --dry-run`: what a folder run would do and roughly cost, without a model call or a write.

Every input is read and cleaned exactly as a run would (so "would fail" is the same verdict), split into the
parts a run would send, and counted with the model's tokenizer plus the prompt around each part. Output
tokens cannot be known before the model answers: they are assumed (`ASSUMED_COMPLETION_TOKENS` per call, the
middle of what real briefs take), and re-asks are not counted, so the cost is an estimate of the least.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .batch_files import read_index
from .batch_run import failure_detail
from .llm import estimate_cost
from .pipeline import prompt_overhead
from .schemas import Usage
from .tokens import count_tokens

if TYPE_CHECKING:
    from .batch import FolderBatch

__all__ = ["Plan", "plan", "describe", "ASSUMED_COMPLETION_TOKENS"]

# Real briefs take 250-780 output tokens a call (README, Models); the middle of that, per call.
ASSUMED_COMPLETION_TOKENS = 500


@dataclass
class Plan:
    """What `FolderBatch.run` would do now."""

    model: str
    total: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    already_done: int = 0
    cached: int = 0
    to_brief: int = 0
    would_fail: list[tuple[str, str]] = field(default_factory=list)
    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    price_factor: float = 1.0  # of the list price: 0.5 through the Batch API
    via: str = ""

    @property
    def cost_usd(self) -> float | None:
        """List-price estimate (times `price_factor`); None when the model has no known price."""
        listed = estimate_cost(self.model, Usage(prompt_tokens=self.prompt_tokens,
                                                 completion_tokens=self.completion_tokens))
        return None if listed is None else listed * self.price_factor


def plan(job: FolderBatch, *, batch_api: bool = False) -> Plan:
    """Read and count every input of `job`; calls no model, starts no server, writes nothing."""
    job.scan(check_model=False)
    assert job.inputs is not None
    s = job.summarizer
    model = s.llm.model
    result = Plan(model=model, total=len(job.inputs), skipped=list(job.report.skipped))
    if batch_api:
        result.price_factor, result.via = 0.5, " at Batch API prices (half the list price)"
    previous = {} if job.force else read_index(job.report.index_path)
    overhead = prompt_overhead(model, s.language_name)
    for item in job.inputs:
        label = str(item.path)  # as the run labels an input until it is read
        try:
            # the run's own reader and its checks (size, type, encoding, emptiness...), not a copy of them
            article = s.read_file(item.path)
            label = article.label
            key = s.key(article)
            if not job.force and job._still_valid(previous.get(item.rel), key, item, article.sha256):
                result.already_done += 1
                continue
            if not job.force and s.cache is not None and s.cache.has(key):
                result.cached += 1
                continue
            s.check_length(article)
            parts = s.split(article)
        except Exception as exc:  # as in the run, where any error fails its input and never the batch
            result.would_fail.append((item.rel, failure_detail(label, exc)))
            continue
        result.to_brief += 1
        result.calls += len(parts)
        result.prompt_tokens += sum(count_tokens(p.text, model) + overhead for p in parts)
        result.completion_tokens += ASSUMED_COMPLETION_TOKENS * len(parts)
    return result


def describe(p: Plan, out: str) -> str:
    """The terminal summary of a plan."""
    lines = [
        f"Dry run, nothing sent to the model and nothing written: {p.total} articles, "
        f"{p.to_brief} to brief, {p.already_done} already done in {out}, {p.cached} cached, "
        f"{len(p.would_fail)} would fail"
        + (f", {len(p.skipped)} other file{'s' if len(p.skipped) > 1 else ''} skipped" if p.skipped else "") + "."
    ]
    lines += [f"  would fail {rel}: {reason}" for rel, reason in p.would_fail[:10]]
    lines += [f"  skipped {rel}: {reason}" for rel, reason in p.skipped[:10]]
    if len(p.skipped) > 10 or len(p.would_fail) > 10:
        lines.append("  ... (the first 10 of each shown)")
    cost = p.cost_usd
    price = f"estimated cost ${cost:.4f}{p.via}" if cost is not None else f"unknown price for {p.model}"
    lines.append(
        f"Model calls: {p.calls} at least; tokens: about {p.prompt_tokens + p.completion_tokens:,} "
        f"({p.prompt_tokens:,} in, counted; {p.completion_tokens:,} out, assumed {ASSUMED_COMPLETION_TOKENS} a call; "
        f"re-asks not counted); {price}."
    )
    return "\n".join(lines)
