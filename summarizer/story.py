"""The pipeline's -v story lines that need more than one call: counts by the gate's reasons, never the model's
words (what it invented must not reach a log)."""

from __future__ import annotations

import logging
from typing import Any

from .schemas import Grounded

__all__ = ["by_reason", "log_gate", "evidence_of"]

log = logging.getLogger("summarizer.pipeline")


def evidence_of(g: Grounded) -> list[Any]:
    items: list[Any] = [*g.who, *g.background, *g.proposed_responses, *g.key_figures]
    if g.what is not None:
        items.append(g.what)
    return [e for item in items for e in item.evidence]


def by_reason(reasons: list[str]) -> str:
    """'2 × a name that is not in the article, 1 × no supporting passage': counts, most frequent first."""
    from collections import Counter

    return ", ".join(f"{n} × {reason}" for reason, n in Counter(reasons).most_common())


def log_gate(label: str, g: Grounded) -> None:
    """One -v line: what the gate kept and removed, by reason (the gate's words, never the model's)."""
    kept = g.kept
    gone = [d for d in g.dropped if not d.corrected]
    removed = by_reason([r for d in gone for r in d.reasons])
    fixed = len(g.dropped) - len(gone)
    located = sum(e.match == "located" for e in evidence_of(g))
    log.info("%s: gate kept %s, removed %s%s%s; %s not used, %s located by the tool", label, _n(kept, "item"),
             _n(len(gone), "item"), f" ({removed})" if removed else "",
             f", corrected {_n(fixed, 'field')} to the article" if fixed else "",
             _n(g.quotes_rejected, "quote"), _n(located, "passage"))


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"
