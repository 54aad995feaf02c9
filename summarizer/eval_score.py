"""Scoring one brief against its references: names, figures and proposers found, ROUGE-L, what the gate did.

A reference is what a reader expects: `NAME.ref.txt` (a human summary) and `NAME.ref.json` (`who` names,
`key_figures` values, `proposed_responses` proposers). The matching rules are `name_matches` and
`figure_matches`; ROUGE-L is Google's `rouge-score`, not ours.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import SummarizerError, UnreadableSourceError, scrub
from .schemas import Brief
from .schemas.shown import OFFICER_SHOWN

__all__ = ["References", "Row", "load_references", "score", "name_matches", "figure_matches", "rouge_l",
           "brief_items", "renamed_labels"]

# Words that say nothing about who someone is: "Mr Šimek" is "Pavel Šimek", "the Civic Democrats" the party.
_FILLER = frozenset(("the", "of", "a", "an", "and", "for", "mr", "mrs", "ms", "dr", "prof", "sir", "dame"))
# Number words as digits, so "eight kilometres" finds "8 km" and "third incident" finds "3rd".
_UNITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
          "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty")
_TENS = ("thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")
_NUMBER_WORDS = {
    **{w: str(i) for i, w in enumerate(_UNITS)},
    **{w: str(10 * i) for i, w in enumerate(_TENS, 3)},
    **{w: str(i) for i, w in enumerate(_ORDINALS, 1)},
}
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")



@dataclass
class References:
    """What a reader expects of an article's brief; any part may be missing."""

    summary: str | None = None
    who: list[str] = field(default_factory=list)
    figures: list[str] = field(default_factory=list)
    proposers: list[str] = field(default_factory=list)


@dataclass
class Row:
    """One article under one model: what became of it, what the gate did, how much of the references it holds."""

    article: str
    model: str
    status: str = "failed"  # briefed or failed
    reason: str | None = None
    cached: bool = False
    kept: int = 0
    dropped: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    quoted: int = 0
    located: int = 0
    who: tuple[int, int] = (0, 0)  # (found, expected); (0, 0) when the reference has none
    figures: tuple[int, int] = (0, 0)
    proposers: tuple[int, int] = (0, 0)
    rouge_l: float | None = None  # None without a .ref.txt
    calls: int = 0
    seconds: float = 0.0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float | None = None
    items: list[tuple[str, str]] = field(default_factory=list)  # (kind, label) of every kept item
    renamed: list[str] = field(default_factory=list)  # kept items the gate renamed, labelled as the model did
    removed: list[str] = field(default_factory=list)  # what the gate removed (text only with show_dropped)


def load_references(article: Path) -> References:
    """`NAME.ref.txt` and `NAME.ref.json` beside `article`; keys other than who/key_figures/proposed_responses
    are ignored. A reference that cannot be read is an error naming the file."""
    refs = References()
    text_path = article.with_name(article.with_suffix("").name + ".ref.txt")
    json_path = text_path.with_suffix(".json")
    try:
        if text_path.is_file():
            refs.summary = text_path.read_text(encoding="utf-8").strip() or None
        if json_path.is_file():
            data = json.loads(json_path.read_text(encoding="utf-8"))
            refs.who = _unique(str(a.get("name", "")) for a in data.get("who", []))
            refs.figures = _unique(str(f.get("value", "")) for f in data.get("key_figures", []))
            refs.proposers = _unique(str(p.get("proposed_by", "")) for p in data.get("proposed_responses", []))
    except (OSError, UnicodeDecodeError) as exc:
        raise UnreadableSourceError(f"{json_path if json_path.exists() else text_path}: cannot read ({exc})") from None
    except (ValueError, AttributeError, TypeError) as exc:
        raise UnreadableSourceError(f"{json_path}: not a reference ({' '.join(str(exc).split())[:200]})") from None
    return refs


def _unique(values: Any) -> list[str]:
    # a proposer with three proposals is one proposer to find
    return list(dict.fromkeys(v.strip() for v in values if v and v.strip()))


# --- matching --------------------------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    """Lower-case words without accents: "Ondřej Kratochvíl's" -> ["ondrej", "kratochvil", "s"]."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))
    return re.findall(r"\w+", bare)


def _name_words(name: str) -> set[str]:
    words = _words(re.sub(r"['’]s\b", "", name))  # "Aerlink's" is Aerlink
    return {w for w in words if w not in _FILLER}


def name_matches(reference: str, candidate: str) -> bool:
    """True when one name's words are all among the other's, case and accents aside, honorifics and "the"
    ignored: "Dvořáková" and "Governor Milena Dvořáková" both find "Milena Dvořáková" (a surname counts),
    "Aerlink" finds "Aerlink Atlantic"; "Milena Novak" does not find "Milena Dvořáková"."""
    ref, cand = _name_words(reference), _name_words(candidate)
    return bool(ref and cand) and (ref <= cand or cand <= ref)


def _numbers(text: str) -> list[str]:
    """The numbers of a figure as digits: "1,150" -> "1150", "4,8" -> "4.8", "eight" -> "8"."""
    found = []
    for raw in _NUMBER.findall(text):
        # a comma before exactly three digits groups thousands; any other comma is a decimal point
        found.append(re.sub(r",(?=\d{3}(?!\d))", "", raw).replace(",", "."))
    found += [_NUMBER_WORDS[w] for w in _words(text) if w in _NUMBER_WORDS]
    return found


def figure_matches(reference: str, candidate: str) -> bool:
    """True when every number of the reference value is among the candidate's ("28,000 passengers" finds
    "28000"; "between 8 and 12" needs both). Units and multipliers are not compared ("£17.5m" finds
    "17.5 million"). A value without numbers needs all its words in the candidate."""
    ref = _numbers(reference)
    if ref:
        return set(ref) <= set(_numbers(candidate))
    words = set(_words(reference))
    return bool(words) and words <= set(_words(candidate))


def _coverage(expected: list[str], found: list[str], matches: Any) -> tuple[int, int]:
    return sum(any(matches(e, f) for f in found) for e in expected), len(expected)


_scorer: Any = None


class _Words:
    """Unicode words for rouge-score: its default tokenizer keeps only a-z0-9 ("Dvořáková" -> "dvo k kov")."""

    def __init__(self) -> None:
        from nltk.stem import porter

        self._stem = porter.PorterStemmer()

    def tokenize(self, text: str) -> list[str]:
        return [self._stem.stem(w) if len(w) > 3 else w for w in _words(text)]


def rouge_l(candidate: str, reference: str) -> float:
    """ROUGE-L F-measure (rouge-score, Porter-stemmed words): 1.0 for the same text, 0.0 for no word in common."""
    global _scorer
    if _scorer is None:
        from rouge_score import rouge_scorer

        _scorer = rouge_scorer.RougeScorer(["rougeL"], tokenizer=_Words())
    return float(_scorer.score(reference, candidate)["rougeL"].fmeasure)


# --- scoring ---------------------------------------------------------------------------------------------


def brief_items(brief: Brief) -> list[tuple[str, str, list[Any]]]:
    """Every kept item as (kind, label, evidence); labels as the reader's judgments name them."""
    out = [("what", brief.what.summary, brief.what.evidence)] if brief.what else []
    out += [("who", f"{a.name}: {a.role}", a.evidence) for a in brief.who]
    out += [("background", p.point, p.evidence) for p in brief.background]
    out += [("proposed_responses", f"{r.proposed_by}: {r.action}", r.evidence) for r in brief.proposed_responses]
    out += [("key_figures", f"{f.value}: {f.label}", f.evidence) for f in brief.key_figures]
    return out


def renamed_labels(brief: Brief) -> list[str]:
    """The model's labels of the kept actors and proposals the gate shows under another name (a title the
    model gave as a name, shown as the person): a reader's judgments of the model's answer name them so. Not
    a body the model gave its officer's title: the officer shown is another claim than the model's label, which
    a reader judges as the body's (and the brief does not show)."""
    return [d.text for d in brief.provenance.dropped if d.item.endswith((".name", ".proposed_by")) and d.text
            and not any(r.startswith(OFFICER_SHOWN) for r in d.reasons)]


def score(article: str, model: str, brief: Brief | None, refs: References, *, error: BaseException | None = None,
          seconds: float = 0.0) -> Row:
    """The row for one brief (or the error that stopped it) against its references. A failed brief holds
    nothing: it scores 0 of every expected name and figure, so a model is not flattered by what it failed."""
    row = Row(article=article, model=model)
    if refs.summary is not None:
        row.rouge_l = 0.0
    if brief is None:
        row.reason = _one_line(error, article)
        row.seconds = round(seconds, 3)
        row.calls = getattr(error, "attempts", 0) or 0
        usage = getattr(error, "usage", None)
        row.prompt_tokens, row.completion_tokens = getattr(usage, "prompt_tokens", 0), getattr(usage, "completion_tokens", 0)
        row.who, row.figures, row.proposers = (0, len(refs.who)), (0, len(refs.figures)), (0, len(refs.proposers))
        return row
    items = brief_items(brief)
    evidence = [e for _, _, ev in items for e in ev]
    prov = brief.provenance
    row.status, row.cached = "briefed", prov.cached
    row.kept, row.dropped = len(items), sum(not d.corrected for d in prov.dropped)  # (a corrected field: kept)
    row.reasons = dict(Counter(r for d in prov.dropped for r in d.reasons).most_common())
    row.located = sum(e.match == "located" for e in evidence)
    row.quoted = len(evidence) - row.located
    row.who = _coverage(refs.who, [a.name for a in brief.who], name_matches)
    row.figures = _coverage(refs.figures, [f.value for f in brief.key_figures], figure_matches)
    row.proposers = _coverage(refs.proposers, [r.proposed_by for r in brief.proposed_responses], name_matches)
    if refs.summary is not None:
        row.rouge_l = round(rouge_l(" ".join([brief.headline, brief.what.summary if brief.what else ""]), refs.summary), 4)
    # what the brief cost when it was made, also when it comes from the cache now: reruns compare the same
    row.calls, row.seconds = prov.attempts, round(prov.duration_s, 3)
    row.prompt_tokens, row.completion_tokens, row.cost_usd = prov.usage.prompt_tokens, prov.usage.completion_tokens, prov.cost_usd
    row.items = [(kind, label) for kind, label, _ in items]
    row.renamed = renamed_labels(brief)
    row.removed = [d.text or f"{d.item}: {'; '.join(d.reasons)}" for d in prov.dropped]
    return row


def _one_line(error: BaseException | None, article: str) -> str:
    if error is None:
        return "failed"
    message = str(error) if isinstance(error, SummarizerError) else f"unexpected {type(error).__name__}: {error}"
    message = " ".join(scrub(message).split())
    # errors start with the input's path when they have one; the row already names the article
    head, sep, rest = message.partition(": ")
    return rest if sep and Path(article).name in head else message


