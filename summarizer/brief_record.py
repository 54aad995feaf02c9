"""The parts of a brief that come from the article rather than the model: where it came from (`source`), the
headline to show when the model's did not pass the gate, and a cached brief presented as another input's."""

from __future__ import annotations

import re

from .schemas import Brief, Grounded, Source
from .sources import Article

__all__ = ["headline_of", "relabel", "source_record"]


def headline_of(g: Grounded, article: Article) -> str:
    """The model's headline when it passed the gate; else the page's title; else the first sentence of what
    happened, never a paragraph."""
    if g.headline:
        return g.headline
    if article.title and article.title.strip():
        return article.title.strip()
    if g.what is not None:
        first = re.split(r"(?<=[.!?])\s", g.what.summary.strip(), maxsplit=1)[0]
        return first if len(first) <= 140 else first[:140].rsplit(" ", 1)[0] + "…"
    return "Untitled brief"


def source_record(article: Article) -> Source:
    """Where the article came from, as a brief's `source` holds it (`summarizer extract -f json` prints it)."""
    return Source(
        label=article.label,
        url=article.url,
        title=article.title,
        outlet=article.outlet,
        author=article.author,
        date=article.date,
        language=article.language,
        words=article.words,
        text=article.text,
        sha256=article.sha256,
    )


def relabel(brief: Brief, article: Article) -> Brief:
    """A cached brief, presented as the answer for this input (same text, maybe another path or URL)."""
    source = brief.source.model_copy(update={"label": article.label, "url": article.url or brief.source.url})
    provenance = brief.provenance.model_copy(update={"cached": True})
    return brief.model_copy(update={"source": source, "provenance": provenance})
