"""The grounding gate: judges a model's draft against the article it claims to describe.

The claim is what a reader sees; evidence is the tool's proof of it. For every item the gate first tries the
model's own quotes (found verbatim, normalized or by a bounded fuzzy match, see `schemas.text`); when they
are missing, wrong or only nearly verbatim, it looks for the sentence of the article that supports the claim
itself and uses that, verbatim with offsets, marked `located`. Only what no passage supports is dropped.

A passage supports a claim when every number and name of the claim stands in it or its paragraph, most of
the claim's content words stand in it, and a negation on one side is a negation on the other (see
`schemas.support`). On top of that: an actor's evidence names the actor, and a role that the article gives
to someone else is not theirs; a proposed response needs a passage that proposes (urges, calls for, plans,
says something should be done) and names whoever is credited with it; bylines, credits and "Source:" lines
are never evidence. Names, numbers and most words of the model's prose must be the article's.

`ground` returns what survived and, per removed item, why; `feedback` turns the failures into a re-ask a
model can act on.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .amounts import NUMBER_NAMES
from .brief import Actor, BackgroundPoint, Dropped, Evidence, KeyFigure, ProposedResponse, What
from .judges import joint_names, judge_actor, judge_claim, judge_figure, judge_response
from .names import cased_word
from .runs import letter_words
from .shown import Shown, bare_names
from .signals import content_words, looks_like_name
from .support import Passage, Passages
from .text import LETTERS4, Locator, at_least_words, locator, small_locator
from .vocabulary import FUNCTION_WORDS, PROSE_UNSUPPORTED_MIN, PROSE_UNSUPPORTED_SHARE

if TYPE_CHECKING:
    from .draft import Draft

__all__ = ["Grounded", "Problem", "ground", "feedback", "MAX_EVIDENCE"]

MAX_EVIDENCE = 3


@dataclass
class Problem:
    """Why an item (or one of its quotes) was not kept. `text` is the model's own words, for re-asks and
    for users who ask to see what was removed; `reason` never contains it."""

    item: str
    text: str
    reason: str
    fatal: bool  # True: the whole item goes; False: only this quote
    hint: str = ""  # what the model should do about it, for a re-ask


@dataclass
class Grounded:
    """The parts of a brief that survived the gate, what was dropped, and how the evidence was found."""

    headline: str | None
    who: list[Actor]
    what: What | None
    background: list[BackgroundPoint]
    proposed_responses: list[ProposedResponse]
    key_figures: list[KeyFigure]
    dropped: list[Dropped]
    problems: list[Problem] = field(default_factory=list)
    quotes_rejected: int = 0

    @property
    def empty(self) -> bool:
        return self.what is None and not (self.who or self.background or self.proposed_responses)

    @property
    def kept(self) -> int:
        return (self.what is not None) + len(self.who) + len(self.background) + len(self.proposed_responses) + len(
            self.key_figures
        )


def _items(draft: Draft) -> Iterator[tuple[str, str, Any]]:
    """(path, kind, item) for every evidenced item of a draft."""
    if draft.what is not None:
        yield "what", "what", draft.what
    for kind in ("who", "background", "proposed_responses", "key_figures"):
        for i, item in enumerate(getattr(draft, kind)):
            yield f"{kind}[{i}]", kind, item


def _names(kind: str, item: Any) -> list[str]:
    if kind == "who":
        return [item.name]
    if kind == "proposed_responses":
        return [item.proposed_by]
    return []


def _prose(kind: str, item: Any) -> list[str]:
    if kind == "what":
        return [item.summary, item.where or "", item.when or ""]
    if kind == "who":
        return [item.role]
    if kind == "background":
        return [item.point]
    if kind == "proposed_responses":
        return [item.action]
    return [item.value, item.label]


def _label(kind: str, item: Any) -> str:
    for attr in ("name", "summary", "point", "action", "value"):
        if hasattr(item, attr):
            return str(getattr(item, attr))
    return ""


def check_prose(loc: Locator, path: str, texts: list[str], names_in_prose: bool, runs: bool = True) -> list[Problem]:
    """Numbers, names and most words of the model's own prose must be the article's."""
    problems = []
    for text in texts:
        if loc.verbatim(text):
            continue  # the article's own words: every number, name and word of them is in it
        for number in loc.unknown_numbers(text):
            problems.append(Problem(path, number, "a number that is not in the article", True,
                                    f"the number {number!r} is not in the article"))
        if not names_in_prose:
            continue
        for name in loc.unknown_names(text, runs=runs):
            problems.append(Problem(path, name, "a name that is not in the article", True,
                                    f"{name!r} is not in the article"))
        # (numbers in words are the number checks' to judge: "twelve hundred" is no word the article lacks)
        content = [w for w in letter_words(text, 4) if w not in FUNCTION_WORDS and w not in NUMBER_NAMES]
        unknown = loc.unsupported_words(content)
        if len(unknown) >= PROSE_UNSUPPORTED_MIN and len(unknown) >= PROSE_UNSUPPORTED_SHARE * len(set(content)):
            problems.append(Problem(path, text, "words the article does not use", True,
                                    f"the article does not say this (not in it: {', '.join(unknown[:4])})"))
    return problems


def check_headline(loc: Locator, passages: Passages, headline: str, names_in_prose: bool, near: int) -> list[Problem]:
    """Grounded like other prose: its numbers and names are the article's and a passage supports it. A
    title-case headline ("Premier Offers Sobering Assessment") capitalizes ordinary words: those the article
    writes in lower case are read in lower case, so they are not taken for names."""
    words = LETTERS4.findall(headline)
    title_case = bool(words) and sum(w[0].isupper() for w in words) >= 0.6 * len(words)
    if title_case:
        headline = re.sub(r"[^\W\d_][\w'’\-]*", lambda m: _lower_if_plain(loc.text, m.group()), headline)
    problems = check_prose(loc, "headline", [headline], names_in_prose, runs=False)
    # the article's own headline line supports a headline, though it is no evidence for claims
    echoed = any(passages.supports(headline, [i], 0.51) for i in passages.headings)
    if names_in_prose and not problems and not echoed:
        _, failure = judge_claim(passages, headline, [], near)
        if failure is not None:
            problems.append(Problem("headline", headline, failure[0], True, failure[1]))
    return problems


def _lower_if_plain(text: str, word: str) -> str:
    """`word` in lower case if the article writes it so ("Offers" -> "offers"); a name stays as it is."""
    return word.lower() if word != word.lower() and cased_word(text, word.lower()) else word


def _quoted(loc: Locator, path: str, quotes: list[str], near: int) -> tuple[list[Passage], list[Problem]]:
    """The model's quotes that stand in the article and are not page furniture."""
    found: list[Passage] = []
    problems: list[Problem] = []
    for j, quote in enumerate(quotes):
        where = f"{path}.evidence[{j}]"
        span = loc.find_quote(quote, near) if isinstance(quote, str) else None
        if span is None:
            problems.append(Problem(where, str(quote), "a quote that is not in the article word for word", False))
        elif loc.is_furniture(span.start, span.end):
            problems.append(Problem(where, quote, "a byline, credit or source line, not evidence", False))
        elif all((p.start, p.end) != (span.start, span.end) for p in found):
            found.append(Passage(span.start, span.end, span.match))
    return found, problems


def _judge(loc: Locator, passages: Passages, path: str, kind: str, item: Any, near: int,
           names_in_prose: bool) -> tuple[list[Evidence], list[Problem]]:
    problems: list[Problem] = []
    for name in (one for named in _names(kind, item) for one in joint_names(loc, named)):
        if not looks_like_name(name):
            problems.append(Problem(path, name, "not a name", True, f"{name!r} is not the name of anyone"))
        elif not loc.has_name(name):
            problems.append(Problem(path, name, "a name that is not in the article", True,
                                    f"the name {name!r} is not in the article"))
    problems += check_prose(loc, path, _prose(kind, item), names_in_prose)
    if any(p.fatal for p in problems):
        return [], problems
    quoted, quote_problems = _quoted(loc, path, list(item.evidence or []), near)
    problems += quote_problems
    if kind == "who":
        chosen, failure = judge_actor(passages, item.name, item.role, quoted, near)
    elif kind == "proposed_responses":
        chosen, failure = judge_response(passages, item.proposed_by, item.action, item.status, quoted, near,
                                         strict_words=names_in_prose)
    elif kind == "key_figures":
        chosen, failure = judge_figure(passages, item.value, item.label, quoted, near)
    else:
        claim = item.summary if kind == "what" else item.point
        chosen, failure = judge_claim(passages, claim, quoted, near, strict_words=names_in_prose)
    if failure is not None:
        reason, hint = failure
        problems.append(Problem(path, _label(kind, item), reason, True, hint))
        return [], problems
    used = {(p.start, p.end) for p in chosen}
    # a real quote the tool did not need (it supports nothing of the item) is reported, not shown
    for p in quoted:
        if (p.start, p.end) not in used:
            problems.append(Problem(f"{path}.evidence", loc.text[p.start : p.end], "a quote that does not support the item", False))
    shown = list(dict.fromkeys(_shown(passages, p) for p in chosen))
    evidence = [
        Evidence(quote=loc.text[p.start : p.end], start=p.start, end=p.end, match=p.match) for p in shown[:MAX_EVIDENCE]
    ]
    return evidence, problems


MIN_SHOWN_WORDS = 5


def _setting(passages: Passages, value: str | None, evidence: list[Evidence]) -> str | None:
    """What happened's place or time as the model gave it, if the paragraph of its evidence or the next one
    gives it too; else None. A place or time from elsewhere in the article may be another event's ("when:
    Monday" for a strike that began on Tuesday, after a Monday meeting). What must stand there: the numbers and
    words of its first part, except the kinds of place ("Kursk Oblast, Russia" needs "Kursk" there; "Oblast"
    and "Russia" may stand elsewhere in the article)."""
    if value is None or not value.strip():
        return None
    loc = passages.loc
    first, _, rest = value.partition(",")
    words = content_words(first)
    kinds = [w for w in words if w in _PLACE_KINDS]
    if not all(loc.has_word(w) for w in [*kinds, *content_words(rest)]):
        return None
    for e in evidence:
        lo, hi, _ = loc.paragraph_span(e.start, e.end)
        if hi < len(loc.text):  # "..., the operator said on Sunday." and then "on Saturday"
            hi = loc.paragraph_span(hi, hi + 1)[1]
        around = small_locator(loc.text[lo:hi])
        if not around.unknown_numbers(first) and all(around.has_word(w) for w in words if w not in kinds):
            return value
    return None


_PLACE_KINDS = frozenset({
    "port", "oblast", "province", "region", "county", "city", "state", "district", "river", "island", "islands",
    "bay", "airport", "station", "street", "road", "square", "valley", "coast", "capital", "town", "village",
    "north", "south", "east", "west", "northern", "southern", "eastern", "western", "central",
})


def _shown(passages: Passages, quoted: Passage) -> Passage:
    """What a reader is shown for a passage the gate accepted: a quote of fewer than five words ("Elena
    Maris", "Tomas Lindqvist") proves nothing to a reader on its own, so its sentence is shown instead (the
    one the gate judged), marked as found by the tool."""
    if quoted.match == "located" or at_least_words([passages.loc.text[quoted.start : quoted.end]], MIN_SHOWN_WORDS):
        return quoted
    idxs = passages.indices(quoted.start, quoted.end)
    start, end = passages.spans[idxs[0]][0], passages.spans[idxs[-1]][1]
    return quoted if (start, end) == (quoted.start, quoted.end) else Passage(start, end, "located")


def ground(
    draft: Draft,
    text: str,
    *,
    names_in_prose: bool = True,
    near: int = 0,
    dropped: list[Dropped] | None = None,
) -> Grounded:
    """Keep what the article supports, with evidence located in `text` (first from offset `near`); report the
    rest, one entry per removed item with all its reasons (after any `dropped` already found, e.g. items
    that did not fit the schema). Quotes of kept items that were not used are counted, not listed."""
    loc = locator(text)
    passages = Passages.of(loc, names_in_prose)
    draft, renamed = bare_names(draft, loc)
    kept: dict[str, list[Evidence]] = {}
    problems: list[Problem] = []
    shown = Shown(draft, passages, names_in_prose)
    for path, kind, item in _items(draft):
        evidence, item_problems = _judge(loc, passages, path, kind, item, near, names_in_prose)
        problems += item_problems
        if evidence:
            kept[path] = evidence
            shown.note(path, kind, item, evidence)
    headline = draft.headline if isinstance(draft.headline, str) else ""
    headline_problems = check_headline(loc, passages, headline, names_in_prose, near) if headline.strip() else []
    problems += headline_problems
    removed = [*(dropped or []), *renamed]
    by_item: dict[str, list[Problem]] = {}
    for p in problems:
        if p.fatal:
            by_item.setdefault(p.item, []).append(p)
    for path, item_problems in by_item.items():
        reasons = list(dict.fromkeys(p.reason for p in item_problems))
        label = headline if path == "headline" else _label_at(draft, path)
        removed.append(Dropped(item=path, reasons=reasons, text=label))
    removed += shown.reported(lambda path: _label_at(draft, path))

    def ev(path: str) -> list[Evidence]:
        return kept[path]

    what = draft.what
    where = when = None
    if what is not None and "what" in kept:
        where, when = (_setting(passages, value, kept["what"]) for value in (what.where, what.when))
        removed += [Dropped(item=f"what.{name}", reasons=[reason], text=value)
                    for name, value, shown_value, reason in (
                        ("where", what.where, where, "a place the passage of what happened does not give"),
                        ("when", what.when, when, "a time the passage of what happened does not give"))
                    if value and value.strip() and shown_value is None]
    return Grounded(
        headline=headline.strip() if headline.strip() and not headline_problems else None,
        who=[shown.actor(p, a, ev(p)) for i, a in enumerate(draft.who) if (p := f"who[{i}]") in kept],
        what=What(summary=what.summary, where=where, when=when, evidence=ev("what"))
        if what is not None and "what" in kept
        else None,
        background=[
            BackgroundPoint(point=b.point, evidence=ev(p))
            for i, b in enumerate(draft.background)
            if (p := f"background[{i}]") in kept
        ],
        proposed_responses=[
            shown.proposal(p, r, ev(p)) for i, r in enumerate(draft.proposed_responses)
            if (p := f"proposed_responses[{i}]") in kept
        ],
        key_figures=[
            KeyFigure(value=f.value, label=f.label, evidence=ev(p))
            for i, f in enumerate(draft.key_figures)
            if (p := f"key_figures[{i}]") in kept
        ],
        dropped=removed,
        problems=problems,
        quotes_rejected=sum(1 for p in problems if not p.fatal),
    )


def _label_at(draft: Draft, path: str) -> str:
    if path == "what":
        return draft.what.summary if draft.what is not None else ""
    kind, _, index = path.partition("[")
    items = getattr(draft, kind, [])
    i = int(index.rstrip("]"))
    if i >= len(items):
        return ""
    # an actor is reported with the role it was given: often the role is what failed
    return f"{items[i].name}: {items[i].role}" if kind == "who" else _label(kind, items[i])


def feedback(problems: list[Problem], limit: int = 12) -> str:
    """A re-ask naming only the items that were removed, each with what to do about it."""
    fatal = [p for p in problems if p.fatal]
    lines: list[str] = []
    seen: set[str] = set()
    for p in fatal:
        if p.item in seen:
            continue
        seen.add(p.item)
        lines.append(f"- {p.item} ({p.text[:120]!r}): {p.hint or p.reason}")
        if len(lines) == limit:
            break
    if len(seen) < len({p.item for p in fatal}):
        lines.append(f"- and {len({p.item for p in fatal}) - len(seen)} more")
    return (
        "Some items of your answer were removed because the article does not support them:\n"
        + "\n".join(lines)
        + "\nCall the tool again with the whole brief: keep the other items as they were, correct these using "
        "only what the article says (copy each evidence quote word for word from the article), or leave them out."
    )
