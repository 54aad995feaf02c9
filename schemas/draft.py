"""What the model fills in. Kept terse on purpose: every description here is paid for in tokens on each call.

The grounding gate (`schemas.grounding`) validates a draft against the article bound for the current call.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from pydantic import BaseModel, Field, ValidationError, model_validator

from .brief import Dropped, ResponseKind, ResponseStatus
from .grounding import current_gate

__all__ = ["Draft", "DraftActor", "DraftWhat", "DraftPoint", "DraftResponse", "DraftFigure", "salvage"]

Quotes = list[str]
# No bound on evidence in the schema: each bound costs tokens on every call; the gate keeps at most three.
_EVIDENCE = Field(min_length=1)
_SCHEMAS: dict[tuple[Any, ...], dict[str, Any]] = {}  # instructor asks for the schema on every call


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
    what: DraftWhat | None  # required in the schema shown; None only when salvaged from an incomplete answer
    background: list[DraftPoint]
    proposed_responses: list[DraftResponse]
    key_figures: list[DraftFigure] = Field(default_factory=list)

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:  # type: ignore[override]
        """The schema the model is shown: pydantic's, without titles, defaults and single-use $defs.

        Validation is unchanged; this only trims what every request pays for in tokens.
        """
        # keyed by shape, not class: Instructor may wrap Draft in a fresh subclass with the same fields
        cache_key = (cls.__name__, tuple(cls.model_fields), repr(args), repr(sorted(kwargs.items())))
        if cache_key in _SCHEMAS:
            return copy.deepcopy(_SCHEMAS[cache_key])
        schema = super().model_json_schema(*args, **kwargs)
        title = schema.get("title", cls.__name__)
        compact = _compact(schema, schema.get("$defs", {}))
        compact["title"] = title
        compact["required"] = sorted({*schema.get("required", []), "what"})
        _SCHEMAS[cache_key] = compact
        return copy.deepcopy(compact)

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


_LISTS: dict[str, type[BaseModel]] = {
    "who": DraftActor,
    "background": DraftPoint,
    "proposed_responses": DraftResponse,
    "key_figures": DraftFigure,
}


def _describe(item: Any) -> str:
    if isinstance(item, dict):
        for key in ("name", "proposed_by", "summary", "point", "action", "value"):
            if isinstance(item.get(key), str):
                return item[key][:500]
    return json.dumps(item, ensure_ascii=False)[:500]


def _reason(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err.get("loc", ())) or "item"
    return f"incomplete answer: {where}: {err.get('msg', 'invalid')}"


def salvage(raw: str) -> tuple[Draft, list[Dropped]] | None:
    """The usable part of an answer that failed validation: each item checked on its own.

    Small models leave out fields or put raw newlines in strings; one bad item should cost that item, not
    the brief. Returns None when the answer is not a JSON object at all. The gate is not applied here.
    """
    try:
        data = json.loads(raw, strict=False)  # strict=False: tolerate raw control characters in strings
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    dropped: list[Dropped] = []
    fields: dict[str, Any] = {}
    for name, model in _LISTS.items():
        items = data.get(name)
        kept = []
        for i, item in enumerate(items if isinstance(items, list) else []):
            try:
                kept.append(model.model_validate(item))
            except ValidationError as exc:
                dropped.append(Dropped(item=f"{name}[{i}]", text=_describe(item), reason=_reason(exc)))
        fields[name] = kept
    what = data.get("what")
    try:
        fields["what"] = DraftWhat.model_validate(what) if what is not None else None
    except ValidationError as exc:
        fields["what"] = None
        dropped.append(Dropped(item="what", text=_describe(what), reason=_reason(exc)))
    headline = data.get("headline")
    fields["headline"] = headline if isinstance(headline, str) else ""
    return Draft.model_construct(**fields), dropped
