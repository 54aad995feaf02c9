"""What the model fills in. Kept terse on purpose: every description here is paid for in tokens on each call.

The grounding gate (`schemas.grounding`) validates a draft against the article bound for the current call.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, model_validator

from .brief import ResponseKind, ResponseStatus
from .grounding import current_gate

__all__ = ["Draft", "DraftActor", "DraftWhat", "DraftPoint", "DraftResponse", "DraftFigure"]

Quotes = list[str]
# No bound on evidence in the schema: each bound costs tokens on every call; the gate keeps at most three.
_EVIDENCE = Field(min_length=1)


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
    """Article brief."""

    headline: str
    who: list[DraftActor]
    what: DraftWhat
    background: list[DraftPoint]
    proposed_responses: list[DraftResponse]
    key_figures: list[DraftFigure] = Field(default_factory=list)

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:  # type: ignore[override]
        """The schema the model is shown: pydantic's, without titles, defaults and single-use $defs.

        Validation is unchanged; this only trims what every request pays for in tokens.
        """
        schema = super().model_json_schema(*args, **kwargs)
        title = schema.get("title", cls.__name__)
        compact = _compact(schema, schema.get("$defs", {}))
        compact["title"] = title
        compact["required"] = schema.get("required", [])
        return compact

    @model_validator(mode="after")
    def _grounded(self) -> Draft:
        gate = current_gate()
        if gate is not None:
            gate.enforce(self)
        return self


def _compact(node: Any, defs: dict[str, Any]) -> Any:
    if isinstance(node, list):
        return [_compact(n, defs) for n in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return _compact(defs[node["$ref"].rsplit("/", 1)[-1]], defs)
    out: dict[str, Any] = {}
    for key, value in node.items():
        # nested "required" lists go too: validation still demands every field and re-asks if one is missing
        if key in ("title", "default", "$defs", "minItems", "required"):
            continue
        if key == "anyOf" and {"type": "null"} in value and len(value) == 2:
            # Optional[str]: shown as a plain string; the validator still accepts null
            out.update(_compact(next(v for v in value if v != {"type": "null"}), defs))
            continue
        if key == "properties":
            out[key] = {name: _compact(prop, defs) for name, prop in value.items()}
            continue
        out[key] = _compact(value, defs)
    return out
