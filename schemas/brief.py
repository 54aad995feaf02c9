"""The brief a reader gets: every claim carries evidence located in the cleaned article."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "Evidence",
    "Actor",
    "What",
    "BackgroundPoint",
    "ProposedResponse",
    "KeyFigure",
    "Source",
    "Usage",
    "Dropped",
    "Provenance",
    "Brief",
    "ResponseKind",
    "ResponseStatus",
    "SCHEMA_VERSION",
]

SCHEMA_VERSION = "2"

ResponseKind = Literal["military", "sanctions", "diplomatic", "economic", "humanitarian", "other"]
ResponseStatus = Literal["proposed", "called_for", "agreed", "rejected"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Evidence(_Model):
    """A verbatim passage of the cleaned article, located by character offsets."""

    quote: str = Field(description="The passage exactly as it stands in the article text.")
    start: int = Field(ge=0, description="Offset of the first character in Source.text.")
    end: int = Field(ge=0, description="Offset one past the last character in Source.text.")
    match: Literal["exact", "normalized", "fuzzy", "located"] = Field(
        description="How the evidence was found: the model's quote verbatim, after normalizing typography, or by a "
        "bounded fuzzy match; or 'located': the tool found the sentence that supports the claim itself."
    )


class Actor(_Model):
    """A person, group, state or institution involved in the story."""

    name: str
    role: str
    evidence: list[Evidence] = Field(min_length=1)


class What(_Model):
    """The central event."""

    summary: str
    where: str | None = None
    when: str | None = None
    evidence: list[Evidence] = Field(min_length=1)


class BackgroundPoint(_Model):
    """Context that came before or explains the event."""

    point: str
    evidence: list[Evidence] = Field(min_length=1)


class ProposedResponse(_Model):
    """A response that somebody proposed, called for or agreed, attributed to them."""

    proposed_by: str
    action: str
    kind: ResponseKind
    status: ResponseStatus
    evidence: list[Evidence] = Field(min_length=1)


class KeyFigure(_Model):
    """A number that matters to the story, as the article states it."""

    value: str
    label: str
    evidence: list[Evidence] = Field(min_length=1)


class Source(_Model):
    """Where the article came from; filled by the extractor, never by the model."""

    label: str = Field(description="The input as the user named it: a path, a URL, '<stdin>' or '<text>'.")
    url: str | None = None
    title: str | None = None
    outlet: str | None = None
    author: str | None = None
    date: str | None = None
    language: str | None = Field(default=None, description="Detected language of the article (ISO 639-1).")
    words: int = 0
    text: str = Field(description="The cleaned article text the model saw; evidence offsets point into it.")
    sha256: str = Field(description="SHA-256 of the cleaned text the model saw.")


class Usage(_Model):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            total_tokens=self.total_tokens + other.total_tokens,
        )


class Dropped(_Model):
    """An item of the model's answer that the grounding gate removed, with every reason it failed; or, for a
    path to one field of a kept item ('who[1].name', 'proposed_responses[0].status'), what the model gave in
    it, which the brief shows otherwise (the reason says as what)."""

    item: str = Field(description="Where it stood in the model's answer (not the brief), e.g. 'who[3]' or 'headline'; "
                      "'who[1].name' for a field of a kept item that the brief shows otherwise.")
    reasons: list[str] = Field(description="Why it was removed; never the model's own words.")
    text: str | None = Field(
        default=None,
        description="What the model wrote (a name, a claim): absent unless asked for (show_dropped), since it "
        "is what the article does not support.",
    )

    @property
    def corrected(self) -> bool:
        """A field of a kept item, shown otherwise ('who[1].name'), not a removed item ('who[1]')."""
        return "." in self.item.rpartition("]")[2]


class Provenance(_Model):
    """How the brief was made."""

    model: str
    prompt_version: str
    schema_version: str = SCHEMA_VERSION
    attempts: int = Field(description="Model calls that produced an answer, over all re-asks and parts.")
    usage: Usage = Field(default_factory=Usage)
    cost_usd: float | None = Field(default=None, description="Estimated from list prices; None for unknown models.")
    dropped: list[Dropped] = Field(default_factory=list)
    quotes_rejected: int = Field(
        default=0, description="Quotes the model gave for kept items that were not used (not verbatim, a byline, beside the point)."
    )
    evidence_located: int = Field(default=0, description="Evidence passages the tool located itself ('located').")
    cached: bool = False
    parts: int = Field(default=1, description="Parts a long article was split into, each briefed by its own call.")
    source_language: str | None = Field(default=None, description="Detected language of the article.")
    brief_language: str = "en"
    created_at: datetime
    duration_s: float = 0.0


class Brief(_Model):
    """A structured, grounded brief of one news article."""

    headline: str
    who: list[Actor] = Field(default_factory=list)
    what: What | None = None
    background: list[BackgroundPoint] = Field(default_factory=list)
    proposed_responses: list[ProposedResponse] = Field(default_factory=list)
    key_figures: list[KeyFigure] = Field(default_factory=list)
    source: Source
    provenance: Provenance

    def __repr__(self) -> str:
        # the default repr carries the whole article (source.text): 10 KB in a notebook or a traceback
        n = f"who={len(self.who)}, background={len(self.background)}, proposed_responses={len(self.proposed_responses)}"
        return (f"Brief({self.headline!r}, {n}, key_figures={len(self.key_figures)}, "
                f"removed={len(self.provenance.dropped)}, model={self.provenance.model!r})")

    def to_markdown(self) -> str:
        """The brief as Markdown, as `summarizer brief --format markdown` prints it."""
        from ..render import to_markdown  # lazily: rendering depends on the schema, never the other way

        return to_markdown(self)

    def _repr_markdown_(self) -> str:
        """What a Jupyter notebook shows for a brief."""
        return self.to_markdown()
