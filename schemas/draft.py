"""What the model fills in. Kept terse on purpose: every description here is paid for in tokens on each call.

The grounding gate (`schemas.grounding`) validates a draft against the article bound for the current call.
"""

from __future__ import annotations

from pydantic import BaseModel, Field, model_validator

from .brief import ResponseKind, ResponseStatus
from .grounding import current_gate

__all__ = ["Draft", "DraftActor", "DraftWhat", "DraftPoint", "DraftResponse", "DraftFigure"]

Quotes = list[str]
_EVIDENCE = Field(min_length=1, max_length=3)


class DraftActor(BaseModel):
    name: str
    role: str
    evidence: Quotes = _EVIDENCE


class DraftWhat(BaseModel):
    summary: str
    where: str | None = None
    when: str | None = None
    evidence: Quotes = _EVIDENCE


class DraftPoint(BaseModel):
    point: str
    evidence: Quotes = _EVIDENCE


class DraftResponse(BaseModel):
    proposed_by: str
    action: str
    kind: ResponseKind
    status: ResponseStatus
    evidence: Quotes = _EVIDENCE


class DraftFigure(BaseModel):
    value: str
    label: str
    evidence: Quotes = _EVIDENCE


class Draft(BaseModel):
    """Brief of the article. Every evidence item is an exact quote from it."""

    headline: str
    who: list[DraftActor] = Field(max_length=12)
    what: DraftWhat
    background: list[DraftPoint] = Field(max_length=8)
    proposed_responses: list[DraftResponse] = Field(max_length=10)
    key_figures: list[DraftFigure] = Field(default_factory=list, max_length=6)

    @model_validator(mode="after")
    def _grounded(self) -> Draft:
        gate = current_gate()
        if gate is not None:
            gate.enforce(self)
        return self
