"""Long articles: split on paragraph boundaries to fit a token budget, and merge the parts' briefs.

Parts break a sentence only when one sentence alone is past the budget (text without sentence breaks): then
at the last whitespace that fits, and mid-word only for a run with no whitespace at all. No part is ever
past the budget. Evidence is grounded against the whole article, so every offset in a merged brief points
into the original text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .schemas import Actor, BackgroundPoint, Dropped, Grounded, KeyFigure, ProposedResponse
from .schemas.text import WORD as _WORD
from .schemas.text import cached, fold

__all__ = ["Part", "split_text", "merge"]

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|(?<=[.!?…][\"'”’»)\]])\s+")


@dataclass(frozen=True)
class Part:
    """A slice of the article: text[start:end] of the original."""

    start: int
    end: int
    text: str


def _units(text: str) -> list[tuple[int, int]]:
    """Paragraph spans (split on blank lines and headings' line breaks), in order."""
    spans = []
    for m in re.finditer(r"\S(?:.*?\S)?(?=\n\s*\n|\Z)", text, flags=re.DOTALL):
        spans.append((m.start(), m.end()))
    return spans


def _sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans = []
    cursor = start
    for m in _SENTENCE_END.finditer(text, start, end):
        if m.start() > cursor:
            spans.append((cursor, m.start()))
        cursor = m.end()
    if cursor < end:
        spans.append((cursor, end))
    return spans


def _fit(text: str, start: int, end: int, budget: int, count: Callable[[str], int]) -> list[tuple[int, int]]:
    """text[start:end] as spans of at most `budget` tokens each, cut at the last whitespace that fits."""
    spans: list[tuple[int, int]] = []
    while start < end:
        if count(text[start:end]) <= budget:
            spans.append((start, end))
            break
        # Guess the longest prefix that fits from the ratio of tokens to characters, and correct the guess a
        # few times: each count is of about one part, never of the whole rest (which would be quadratic).
        n = min(end - start, budget * 4)
        for _ in range(8):
            tokens = count(text[start:start + n])
            if tokens > budget:
                n = max(1, min(n - 1, int(n * budget / tokens * 0.97)))
            elif tokens >= budget * 0.9 or start + n >= end:
                break
            else:
                n = min(end - start, int(n * budget / max(tokens, 1) * 0.97) + 1)
        while n > 1 and count(text[start:start + n]) > budget:
            n = max(1, int(n * 0.9))
        cut = start + n
        space = max(text.rfind(c, start + 1, cut + 1) for c in " \n\t\r\u00a0")
        if space > start:
            piece_end, next_start = space, space
        else:  # one run without whitespace longer than the budget: cut it where it fits
            piece_end, next_start = cut, cut
        while piece_end > start and text[piece_end - 1].isspace():
            piece_end -= 1
        spans.append((start, piece_end))
        start = next_start
        while start < end and text[start].isspace():
            start += 1
    return spans


def split_text(text: str, budget: int, count: Callable[[str], int]) -> list[Part]:
    """Greedy parts of at most `budget` tokens, cut between paragraphs (or, for a giant paragraph, sentences;
    for a giant sentence, at whitespace)."""
    # a byte-level BPE never makes more tokens than bytes: short texts need no counting at all
    if len(text.encode("utf-8")) <= budget or count(text) <= budget:
        return [Part(0, len(text), text)]
    pieces: list[tuple[int, int]] = []
    for start, end in _units(text):
        if count(text[start:end]) <= budget:
            pieces.append((start, end))
        else:
            for s_start, s_end in _sentences(text, start, end):
                pieces.extend(_fit(text, s_start, s_end, budget, count))
    # Token counts of adjacent pieces add up to within a token or two of the joined count; sum them (plus a
    # margin per join) instead of re-counting ever-longer prefixes, which would be quadratic.
    parts: list[Part] = []
    cur_start: int | None = None
    cur_end = 0
    cur_tokens = 0
    for start, end in pieces:
        tokens = count(text[start:end]) + 2
        if cur_start is not None and cur_tokens + tokens <= budget:
            cur_end, cur_tokens = end, cur_tokens + tokens
            continue
        if cur_start is not None:
            parts.append(Part(cur_start, cur_end, text[cur_start:cur_end]))
        cur_start, cur_end, cur_tokens = start, end, tokens
    if cur_start is not None:
        parts.append(Part(cur_start, cur_end, text[cur_start:cur_end]))
    return parts


@cached(4096)  # names and claims, compared pairwise as the parts are merged
def _key(text: str) -> str:
    return " ".join(_WORD.findall(fold(text)))


def _same_actor(a: str, b: str) -> bool:
    """'Elena Maris' and 'Maris' (or 'Ms Maris') are one person; 'Elena Maris' and 'Ana Maris' are not."""
    ta, tb = _key(a).split(), _key(b).split()
    if not ta or not tb:
        return False
    if ta == tb:
        return True
    short, long_ = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    titles = {"mr", "mrs", "ms", "dr", "president", "minister", "the"}
    short = [t for t in short if t not in titles]
    return bool(short) and short[-1] == long_[-1] and all(t in long_ for t in short)


def merge(parts: list[Grounded], *, prefix: str = "part") -> Grounded:
    """One brief from several briefs of one article (its parts, or successive answers to re-asks), in
    order: actors deduplicated, background kept in order, responses kept with their attribution, figures
    deduplicated. A removed item that a later brief got right, or that a later answer repeats, is listed once
    or not at all."""
    who: list[Actor] = []
    for actor in (a for g in parts for a in g.who):
        twin = next((i for i, seen in enumerate(who) if _same_actor(seen.name, actor.name)), None)
        if twin is None:
            who.append(actor)
            continue
        seen = who[twin]
        name = max(seen.name, actor.name, key=lambda n: len(_key(n).split()))
        evidence = seen.evidence + [e for e in actor.evidence if (e.start, e.end) not in {(x.start, x.end) for x in seen.evidence}]
        who[twin] = Actor(name=name, role=seen.role, evidence=evidence[:3])
    background: list[BackgroundPoint] = []
    points: set[str] = set()
    for point in (p for g in parts for p in g.background):
        if _key(point.point) not in points:
            background.append(point)
            points.add(_key(point.point))
    responses: list[ProposedResponse] = []
    for r in (r for g in parts for r in g.proposed_responses):
        if not any(_same_actor(r.proposed_by, s.proposed_by) and _key(r.action) == _key(s.action) for s in responses):
            responses.append(r)
    figures: list[KeyFigure] = []
    values: set[str] = set()
    for f in (f for g in parts for f in g.key_figures):
        if _key(f.value) not in values:
            figures.append(f)
            values.add(_key(f.value))
    kept = {_key(x) for x in [*(a.name for a in who), *(p.point for p in background),
                              *(r.action for r in responses), *(f.value for f in figures)]}
    what = next((g.what for g in parts if g.what is not None), None)
    if what is not None:
        kept.add(_key(what.summary))
    dropped: list[Dropped] = []
    seen_text: set[str] = set()
    for i in reversed(range(len(parts))):
        for d in parts[i].dropped:
            # an actor is one item whatever role each answer gave it ("Name: role")
            text = (d.text or "").split(":")[0] if d.item.split("[")[0] == "who" else (d.text or "")
            key = _key(text)
            if key and (key in kept or key in seen_text):
                continue
            seen_text.add(key)
            item = f"{prefix}[{i}].{d.item}" if len(parts) > 1 else d.item
            dropped.append(d.model_copy(update={"item": item}))
    dropped.reverse()
    return Grounded(
        headline=next((g.headline for g in parts if g.headline), None),
        who=who,
        what=what,
        background=background,
        proposed_responses=responses,
        key_figures=figures,
        dropped=dropped,
        quotes_rejected=sum(g.quotes_rejected for g in parts),
    )
