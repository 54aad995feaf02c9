"""What the model fills in. Kept terse on purpose: every description here is paid for in tokens on each call.

The schema the model is shown keeps every `required` and `minItems`: grammar-constrained servers (llama.cpp,
vLLM, OpenAI's strict mode) compile it into a grammar, and a dropped bound lets the model leave evidence out.
The grounding gate (`schemas.grounding`) judges a draft against the article afterwards.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from .brief import Dropped, ResponseKind, ResponseStatus

__all__ = ["Draft", "DraftActor", "DraftWhat", "DraftPoint", "DraftResponse", "DraftFigure", "salvage"]

Quotes = list[str]
# At least one quote; no upper bound (the gate keeps at most three).
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


def _compact(node: Any, defs: dict[str, Any]) -> Any:
    if isinstance(node, list):
        return [_compact(n, defs) for n in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return _compact(defs[node["$ref"].rsplit("/", 1)[-1]], defs)
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in ("title", "default", "$defs"):
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
    return f"incomplete item: {where} {'missing' if err.get('type') == 'missing' else 'invalid'}"


def _closed(text: str) -> str | None:
    """`text` with its open string and brackets closed, or None if it is not JSON cut off mid-way."""
    stack: list[str] = []
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "{[":
            stack.append("}" if ch == "{" else "]")
        elif ch in "}]" and (not stack or stack.pop() != ch):
            return None
    tail = ('"' if in_string else "") + "".join(reversed(stack))
    return text.rstrip().rstrip(",") + tail if tail else text


def _loads(raw: str) -> Any:
    """The answer as JSON; an answer cut off at the token limit (or trailing off into junk) is closed after
    its last complete value, so the items it finished still count."""
    try:
        return json.loads(raw, strict=False)  # strict=False: tolerate raw control characters in strings
    except ValueError:
        pass
    text = raw.strip().strip("`").strip()
    cuts = [m.end() for m in _CUT.finditer(text)][-400:]
    tails = _tails(text, cuts)
    for cut in reversed(cuts):
        tail = tails[cut]
        if tail is None:
            continue
        closed = text[:cut].rstrip().rstrip(",") + tail if tail else text[:cut]
        try:
            return json.loads(closed, strict=False)
        except ValueError:
            continue
    return None


def _tails(text: str, cuts: list[int]) -> dict[int, str | None]:
    """For each cut, what `_closed(text[:cut])` appends (None: not JSON cut off there), from one pass over
    the text that jumps from one character that matters to the next (a regex search) instead of one
    `_closed` per cut, each a loop over every character before it."""
    wanted = set(cuts)
    tails: dict[int, str | None] = {}
    stack: list[str] = []
    at = 0
    while (m := _STRUCTURE.search(text, at)) is not None:
        i, ch = m.start(), m.group()
        at = i + 1
        if ch in "{[":
            stack.append("}" if ch == "{" else "]")
            continue
        if ch in "}]":
            if not stack or stack.pop() != ch:  # not JSON from here on
                tails.update((cut, None) for cut in wanted if cut > i)
                break
            if at in wanted:
                tails[at] = "".join(reversed(stack))
            continue
        # a string: every cut inside it is closed by a quote; it ends at the first quote not escaped
        inside = '"' + "".join(reversed(stack))
        if at in wanted:
            tails[at] = inside
        while (m := _IN_STRING.search(text, at)) is not None:
            k, c = m.start(), m.group()
            if c == "\\":
                at = k + 2  # the character after it is escaped, whatever it is
                if at in wanted and at <= len(text):
                    tails[at] = inside
                continue
            at = k + 1
            if c == '"':
                if at in wanted:
                    tails[at] = "".join(reversed(stack))
                break
            if at in wanted:
                tails[at] = inside
        else:
            break  # cut off inside the string: no cut is left after it
    return tails


_CUT = re.compile(r'[}\]"]')  # where an answer may have been cut off after a complete value
_STRUCTURE = re.compile(r'["{}\[\]]')
_IN_STRING = re.compile(r'[\\"}\]]')


def _quotes(value: Any) -> list[str]:
    """Evidence as the model gave it, as strings: a string, a list of strings, or of {"quote": ...} objects."""
    if isinstance(value, str):
        return [value] if value.strip() else []
    if not isinstance(value, list):
        return []
    out = []
    for v in value:
        if isinstance(v, dict):
            v = next((v[k] for k in ("quote", "text", "evidence") if isinstance(v.get(k), str)), None)
        if isinstance(v, str) and v.strip():
            out.append(v)
    return out


def _item(model: type[BaseModel], item: Any) -> BaseModel:
    """One item, validated; missing or malformed evidence is left empty for the gate to locate."""
    if not isinstance(item, dict):
        return model.model_validate(item)
    quotes = _quotes(item.get("evidence"))
    checked = model.model_validate({**item, "evidence": quotes or ["-"]})
    return checked if quotes else checked.model_copy(update={"evidence": []})


def salvage(raw: str) -> tuple[Draft, list[Dropped]] | None:
    """The usable part of an answer that failed validation: each item checked on its own.

    Small models leave out fields, give no evidence or put raw newlines in strings; one bad item should
    cost that item, not the brief, and a claim without quotes is still worth the gate's search for a
    passage that supports it. Returns None when the answer is not a JSON object at all.
    """
    data = _loads(raw)
    if not isinstance(data, dict):
        return None
    dropped: list[Dropped] = []
    fields: dict[str, Any] = {}
    for name, model in _LISTS.items():
        items = data.get(name)
        kept = []
        for i, item in enumerate(items if isinstance(items, list) else []):
            try:
                kept.append(_item(model, item))
            except ValidationError as exc:
                dropped.append(Dropped(item=f"{name}[{i}]", text=_describe(item), reasons=[_reason(exc)]))
        fields[name] = kept
    what = data.get("what")
    try:
        fields["what"] = _item(DraftWhat, what) if what is not None else None
    except ValidationError as exc:
        fields["what"] = None
        dropped.append(Dropped(item="what", text=_describe(what), reasons=[_reason(exc)]))
    headline = data.get("headline")
    fields["headline"] = headline if isinstance(headline, str) else ""
    if not dropped and fields["what"] is None and not any(fields[name] for name in _LISTS):
        return None  # nothing of the brief in it: not an answer to salvage
    return Draft.model_construct(**fields), dropped
