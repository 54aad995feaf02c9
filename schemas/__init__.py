"""Pydantic models of a brief and the grounding validators. Import as `summarizer.schemas`."""

from .brief import (
    SCHEMA_VERSION,
    Actor,
    BackgroundPoint,
    Brief,
    Dropped,
    Evidence,
    KeyFigure,
    ProposedResponse,
    Provenance,
    Source,
    Usage,
    What,
)
from .draft import Draft
from .grounding import Grounded, feedback, ground
from .text import Locator

__all__ = [
    "SCHEMA_VERSION",
    "Actor",
    "BackgroundPoint",
    "Brief",
    "Draft",
    "Dropped",
    "Evidence",
    "Grounded",
    "KeyFigure",
    "Locator",
    "ProposedResponse",
    "Provenance",
    "Source",
    "Usage",
    "What",
    "feedback",
    "ground",
]
