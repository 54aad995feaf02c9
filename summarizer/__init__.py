"""summarizer: news articles in, grounded briefs out.

    from summarizer import summarize
    brief = summarize(open("article.txt").read())
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .batch import asummarize_many, summarize_many
    from .errors import SummarizerError
    from .pipeline import Summarizer, asummarize, summarize
    from .schemas import Brief
    from .sources import Article

__all__ = [
    "Article",
    "Brief",
    "Summarizer",
    "SummarizerError",
    "asummarize",
    "asummarize_many",
    "summarize",
    "summarize_many",
]
__version__ = "0.1.0"

# Imported on first use: `summarizer --help` or `summarizer.schemas` should not pay for openai and instructor.
_HOME = {
    "Article": ".sources",
    "Brief": ".schemas",
    "Summarizer": ".pipeline",
    "SummarizerError": ".errors",
    "asummarize": ".pipeline",
    "asummarize_many": ".batch",
    "summarize": ".pipeline",
    "summarize_many": ".batch",
}


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module 'summarizer' has no attribute {name!r}")
    value = getattr(import_module(_HOME[name], __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
