"""What a model call cost: tokens per request, summed over re-asks, and a list-price estimate in USD."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .schemas import Usage

__all__ = ["CallStats", "estimate_cost"]

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
