"""The grounding gate: a deterministic check of a model's draft against the article it claims to describe.

A quote is found verbatim, then after normalizing typography (curly quotes, dashes, whitespace, case,
ellipses), then by a bounded fuzzy match whose differences may only be British/American spellings of the
same words: never a changed number, another word, an added or removed "not". A name must stand in the
article and be named where its quotes stand. Every number in the model's prose must be the article's; for
English briefs of English articles, so must its proper names and most of its words, and each claim must
share words with its own quotes. User text is never compiled into a regex.

`Gate.enforce` raises (so Instructor re-asks, naming each offending quote); `ground` drops what fails and
reports it.
"""

from __future__ import annotations

import bisect
import contextvars
import difflib
import re
import unicodedata
from array import array
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from rapidfuzz import fuzz

from .brief import (
    Actor,
    BackgroundPoint,
    Dropped,
    Evidence,
    KeyFigure,
    ProposedResponse,
    What,
)

if TYPE_CHECKING:
    from .draft import Draft

__all__ = ["Locator", "Gate", "Grounded", "Problem", "ground", "bind_gate", "current_gate", "normalize"]

FUZZY_THRESHOLD = 90.0
FUZZY_MAX_CHARS = 600  # longer quotes must match after normalization; fuzzy search cost grows with length
MIN_QUOTE_WORDS = 2

_CHAR_MAP = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u00b4`\u2039\u203a", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
    "\u2026": "...",
}
_DROP_CHARS = set("\u200b\u200c\u200d\u2060\ufeff\u00ad")
_WORD = re.compile(r"\w+")
_ELLIPSIS = re.compile(r"\s*(?:\[\s*(?:\.\.\.|…)\s*\]|\.\.\.|…)\s*")
_NUMBER = re.compile(r"\d+(?:[.,\u00a0\u202f ]\d{3})*(?:[.,]\d+)?")
_EDGE = " \"'.,;:!?-()[]"
_NAME_DEBRIS = re.compile(r"[{}\[\]<>|=;@#$%^*_~\\/`]|\s{2,}\S|^\W|\W$(?<![.)’'])")
_PARAGRAPH = re.compile(r"\n\s*\n")
_UPPER = "A-ZÀ-ÖØ-ÞА-ЯІЇЄҐ"
# two or more capitalized words in a row: somebody named (a person, a body, a state)
_PERSON = re.compile(rf"[{_UPPER}][\w’'\-]+(?:\s+[{_UPPER}][\w’'\-]+)+")
_NEGATIONS = {"no", "not", "never", "none", "nor", "without", "nicht", "kein", "keine", "не", "ні"}
# Capitalized words that say nothing about who is involved: sentence openers, titles, months, days.
_COMMON = set(
    ["a", "an", "the", "and", "or", "but", "if", "in", "on", "at", "of", "to", "for", "by", "from", "with", "as", "into", "over", "after", "before", "during", "amid", "following", "according", "while", "when", "where", "this", "that", "these", "those", "it", "its", "he", "she", "they", "we", "his", "her", "their", "our", "there", "here", "also", "meanwhile", "however", "both", "all", "some", "many", "several", "more", "most", "other", "another", "each", "new", "i", "mr", "mrs", "ms", "dr"]
)


def _norm_char(ch: str) -> str:
    if ch in _DROP_CHARS:
        return ""
    mapped = _CHAR_MAP.get(ch)
    if mapped is None:
        mapped = unicodedata.normalize("NFKC", ch) if ord(ch) > 127 else ch
    return mapped.lower()


def normalize(text: str) -> tuple[str, array[int]]:
    """Fold typography, whitespace and case; return the folded text and each character's source offset."""
    out: list[str] = []
    index: array[int] = array("q")
    space = True  # drop leading whitespace
    for i, ch in enumerate(text):
        if ch.isspace():
            if not space:
                out.append(" ")
                index.append(i)
                space = True
            continue
        for c in _norm_char(ch):
            if c.isspace():
                if space:
                    continue
                space = True
            else:
                space = False
            out.append(c)
            index.append(i)
    while out and out[-1] == " ":
        out.pop()
        index.pop()
    return "".join(out), index


def _fold(text: str) -> str:
    return normalize(text)[0]


# Cyrillic to Latin (Ukrainian national system, with Russian letters), so an English brief of a Ukrainian or
# Russian article may name "Olena Maris" where the article has "Олена Маріс".
_TRANSLIT = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie", "ж": "zh", "з": "z",
        "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
        "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
        "щ": "shch", "ь": "", "ю": "iu", "я": "ia", "ы": "y", "э": "e", "ё": "e", "ъ": "", "'": "",
    }
)


def _has_cyrillic(text: str) -> bool:
    return any("\u0400" <= c <= "\u04ff" for c in text)


def _canon_number(token: str) -> str:
    digits = "".join(c for c in token if c.isdigit())
    return digits.lstrip("0") or "0"


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    match: str


class Locator:
    """Answers, for one article, where a quote stands and whether a name or number appears in it."""

    def __init__(self, text: str, *, _norm: str | None = None):
        self.text = text
        if _norm is None:
            self.norm, self._index = normalize(text)
        else:
            self.norm, self._index = _norm, array("q")
        self._breaks: list[int] | None = None
        self._word_cache: list[str] | None = None
        self.numbers = {_canon_number(m.group()) for m in _NUMBER.finditer(self.norm)}
        self._latin: Locator | None | bool = None

    def _latin_view(self) -> Locator | None:
        """The article transliterated to Latin letters, for names only; None for non-Cyrillic articles."""
        if self._latin is None:
            self._latin = Locator(self.text, _norm=self.norm.translate(_TRANSLIT)) if _has_cyrillic(self.norm) else False
        return self._latin or None

    # -- quotes -------------------------------------------------------------------------------------
    def find_quote(self, quote: str, near: int = 0) -> Span | None:
        """Locate a quote (possibly with ellipses for omissions) in the article; None if it is not there.

        `near` is where to look first (the start of the part the model saw); the whole text is the fallback.
        """
        return (self._find_from(quote, near) if near else None) or self._find_from(quote, 0)

    def _find_from(self, quote: str, cursor: int) -> Span | None:
        fragments = [f for f in _ELLIPSIS.split(quote) if f.strip(_EDGE + " ")]
        if not fragments:
            return None
        words = sum(len(_WORD.findall(f)) for f in fragments)
        if words < MIN_QUOTE_WORDS:
            return None
        spans: list[Span] = []
        for fragment in fragments:
            span = self._find_fragment(fragment, cursor)
            if span is None:
                return None
            spans.append(span)
            cursor = span.end
        worst = max(spans, key=lambda s: ("exact", "normalized", "fuzzy").index(s.match)).match
        return Span(spans[0].start, spans[-1].end, worst)

    def quote_text(self, span: Span) -> str:
        return self.text[span.start : span.end]

    def _to_source(self, start: int, end: int, match: str) -> Span:
        return Span(self._index[start], self._index[end - 1] + 1, match)

    def _find_fragment(self, fragment: str, cursor: int) -> Span | None:
        raw = fragment.strip().strip(_EDGE)
        if raw:
            at = self.text.find(raw, cursor)
            if at >= 0:
                return Span(at, at + len(raw), "exact")
        folded = _fold(fragment).strip(_EDGE)
        if not folded:
            return None
        norm_cursor = self._norm_offset(cursor)
        at = self.norm.find(folded, norm_cursor)
        if at >= 0:
            return self._to_source(at, at + len(folded), "normalized")
        if len(folded) > FUZZY_MAX_CHARS or len(_WORD.findall(folded)) < 3:
            return None
        return self._fuzzy(folded, norm_cursor)

    def _norm_offset(self, source_offset: int) -> int:
        if source_offset == 0:
            return 0
        # first normalized position whose source offset is at or past the cursor
        lo, hi = 0, len(self._index)
        while lo < hi:
            mid = (lo + hi) // 2
            if self._index[mid] < source_offset:
                lo = mid + 1
            else:
                hi = mid
        return lo

    def _fuzzy(self, folded: str, norm_cursor: int) -> Span | None:
        haystack = self.norm[norm_cursor:]
        hit = fuzz.partial_ratio_alignment(folded, haystack, score_cutoff=FUZZY_THRESHOLD)
        if hit is None:
            return None
        # widen to whole words, then demand the same words in the same order, up to near-spellings
        start = norm_cursor + hit.dest_start
        end = norm_cursor + hit.dest_end
        lo = max(norm_cursor, start - 40)
        hi = min(len(self.norm), end + 40)
        q_tokens = _WORD.findall(folded)
        window = [(m.group(), lo + m.start(), lo + m.end()) for m in _WORD.finditer(self.norm[lo:hi])]
        w_tokens = [t for t, _, _ in window]
        matcher = difflib.SequenceMatcher(None, q_tokens, w_tokens, autojunk=False)
        blocks = [b for b in matcher.get_matching_blocks() if b.size]
        if not blocks:
            return None
        first, last = blocks[0], blocks[-1]
        # a differing first or last word sits outside the matching blocks: extend by the same count
        b_lo = first.b - first.a
        b_hi = last.b + last.size + (len(q_tokens) - last.a - last.size)
        if b_lo < 0 or b_hi > len(w_tokens):
            return None
        if not _same_words(q_tokens, w_tokens[b_lo:b_hi]):
            return None
        return self._to_source(window[b_lo][1], window[b_hi - 1][2], "fuzzy")

    # -- names and numbers --------------------------------------------------------------------------
    def _word_prefix_positions(self, needle: str) -> Iterator[int]:
        at = self.norm.find(needle)
        while at >= 0:
            if at == 0 or not self.norm[at - 1].isalnum():
                yield at
            at = self.norm.find(needle, at + 1)

    def _starts_word(self, stem: str, slack: int) -> bool:
        """True if some article word begins with `stem` and is at most `slack` characters longer."""
        for at in self._word_prefix_positions(stem):
            end = at + len(stem)
            while end < len(self.norm) and self.norm[end].isalnum():
                end += 1
            if end - at - len(stem) <= slack:
                return True
        return False

    def has_word(self, word: str) -> bool:
        """True if the article uses the word, or the same stem with another short ending (Korea/Korean)."""
        w = _fold(word).strip(_EDGE)
        if w.endswith("'s"):
            w = w[:-2]
        if not w:
            return True
        if self._starts_word(w, 3 if len(w) >= 4 else 0):
            return True
        if any(len(w) - cut >= 4 and self._starts_word(w[:-cut], 3) for cut in (1, 2, 3)):
            return True
        latin = self._latin_view()
        return latin is not None and not _has_cyrillic(w) and latin.has_word(w)

    def has_name(self, name: str, slack: int = 2) -> bool:
        """True if the name stands in the article, whole or with all its words within `slack` words of
        each other (not counting "of", "the" and the like)."""
        if _NAME_DEBRIS.search(name) or len(name) > 120:
            return False  # JSON or markup debris, or a sentence posing as a name
        n = _fold(name).strip(_EDGE)
        if n.startswith("the "):
            n = n[4:]
        if not n or not any(c.isalnum() for c in n):
            return False
        if next(self._word_prefix_positions(n), None) is not None:
            return True
        tokens = [t for t in _WORD.findall(n) if t not in _COMMON and not (len(t) == 1 and t.isalpha())]
        if not tokens or not all(self.has_word(t) for t in tokens):
            return False
        # all its words within a few words of each other: "President Biden" in "US President Joe Biden", but
        # not "Peter Hall" from "Peter Smith reopened the Town Hall"
        reach = len(tokens) - 1 + slack
        for view in (self, self._latin_view()):
            if view is None:
                continue
            words = view._words()
            hits = [[i for i, w in enumerate(words) if _same_stem(w, t)] for t in tokens]
            for i in hits[0]:
                if all(any(abs(j - i) <= reach for j in others) for others in hits[1:]):
                    return True
        return False

    def _words(self) -> list[str]:
        if self._word_cache is None:
            self._word_cache = [w for w in _WORD.findall(self.norm) if len(w) > 1 and w not in _COMMON]
        return self._word_cache

    def _paragraphs(self, start: int, end: int) -> tuple[str, str]:
        """(the paragraph(s) holding text[start:end], the paragraph before them)."""
        if self._breaks is None:
            self._breaks = [0, *(m.end() for m in _PARAGRAPH.finditer(self.text)), len(self.text)]
        breaks = self._breaks
        first = bisect.bisect_right(breaks, start) - 1
        hi = next((b for b in breaks if b >= end), len(self.text))
        before = self.text[breaks[first - 1] : breaks[first]] if first > 0 else ""
        return self.text[breaks[first] : hi], before

    def mentioned_near(self, name: str, evidence: list[Evidence]) -> bool:
        """True if the article names `name` where one of the quotes stands: in its paragraph, or in the one
        before when the quote's paragraph names nobody else ("...," he said)."""
        tokens = [t for t in _WORD.findall(_fold(name)) if t not in _COMMON and len(t) > 1]
        if not tokens:
            return True
        for e in evidence:
            paragraph, before = self._paragraphs(e.start, e.end)
            if any(_small_locator(paragraph).has_word(t) for t in tokens):
                return True
            if before and not _PERSON.search(paragraph) and any(_small_locator(before).has_word(t) for t in tokens):
                return True
        return False

    def supports(self, claim: str, evidence: list[Evidence], needed: int = 2) -> bool:
        """True if the quotes share `needed` content words with the claim (or all of a shorter claim): a real
        quote beside an unrelated claim does not make the claim grounded."""
        words = list(dict.fromkeys(w for w in re.findall(r"[^\W\d_]{4,}", claim.lower()) if w not in _FUNCTION_WORDS))
        if not words:
            return True
        around = _small_locator("\n\n".join(e.quote for e in evidence))
        shared = sum(1 for w in words if around.has_word(w))
        return shared >= min(needed, len(words))

    def unsupported_words(self, text: str) -> list[str]:
        """Content words of model prose that the article never uses, in any inflection."""
        words = [w for w in re.findall(r"[^\W\d_]{4,}", text.lower()) if w not in _FUNCTION_WORDS]
        return [w for w in dict.fromkeys(words) if not self.has_word(w)]

    def unknown_numbers(self, text: str) -> list[str]:
        return [m.group() for m in _NUMBER.finditer(_fold(text)) if _canon_number(m.group()) not in self.numbers]

    def unknown_names(self, text: str) -> list[str]:
        """Capitalized words in model prose that the article never uses (invented people, places, bodies)."""
        missing: list[str] = []
        words = list(re.finditer(r"[^\W\d_][\w'’\-]*", text))
        for i, m in enumerate(words):
            word = m.group()
            if not word[0].isupper() or word.lower().strip("'’") in _COMMON:
                continue
            before = text[: m.start()].rstrip()
            sentence_start = not before or before[-1] in ".!?:;\"“”•-–—\n(" or before.endswith("\n")
            if sentence_start:
                nxt = words[i + 1] if i + 1 < len(words) else None
                adjacent = nxt is not None and text[m.end() : nxt.start()].strip() == ""
                if not (adjacent and nxt.group()[0].isupper()):
                    continue  # a lone capital at a sentence start is ordinary prose
            for part in re.split(r"[-'’]", word):
                if part and part[0].isupper() and not self.has_word(part) and word not in missing:
                    missing.append(word)
        # each word may be the article's and the name still invented ("Peter Hall" from "Peter" and "Town
        # Hall"): a run of capitalized words must stand together in the article as a name
        if not missing:
            for run in _PERSON.finditer(text):
                # "Lithuania's NATO envoy" is two names, not one
                for piece in re.split(r"['’]s\b", run.group()):
                    words_in_run = [w for w in piece.split() if w.lower().strip("'’") not in _COMMON]
                    if len(words_in_run) >= 2 and not self.has_name(" ".join(words_in_run), slack=1):
                        missing.append(" ".join(words_in_run))
        return missing


# Words of four letters or more that carry no claim; everything else in model prose must be the article's.
_FUNCTION_WORDS = set(
    ["that", "with", "from", "this", "have", "been", "were", "will", "would", "could", "should", "their", "there", "they", "them", "than", "then", "into", "over", "about", "after", "before", "also", "more", "most", "some", "such", "only", "other", "which", "while", "what", "when", "where", "said", "says", "amid", "against", "under", "between", "during", "including", "because", "being", "does", "made", "make", "many", "much", "very", "both", "each", "here", "these", "those", "since", "until", "upon", "within", "without", "whose", "whom", "again", "further", "once", "same", "just", "like", "part", "parts", "following", "according"]
)
PROSE_UNSUPPORTED_MIN = 3  # and at least this share of the prose's content words
PROSE_UNSUPPORTED_SHARE = 0.34


def _same_stem(word: str, token: str) -> bool:
    """The article's `word` is the name's `token`, give or take a short ending (Korea/Korean, Kovac/Kovach)."""
    if len(token) < 4:
        return word == token
    stem = token[: max(4, len(token) - 3)]
    return word.startswith(stem) and abs(len(word) - len(token)) <= 3


_VARIANTS = [  # British -> American spellings; both sides are mapped, then must be equal
    (re.compile(r"(?<=\w{2})our(?=s?$|ed$|ing$|ite)"), "or"),  # labour, colours, favoured, favourite
    (re.compile(r"(?<=\w)is(e|ed|es|ing|ation|ations)$"), r"iz\1"),  # organise, organisation
    (re.compile(r"(?<=\w)ys(e|ed|es|ing)$"), r"yz\1"),  # analyse
    (re.compile(r"(?<=[aeiou])ll(ed|ing|er|ers)$"), r"l\1"),  # travelled, modelling
    (re.compile(r"(?<=\w{3}[^aeiou])re(s?)$"), r"er\1"),  # centre, theatres
    (re.compile(r"(?<=\w{4})(?:mme|ue)(s?)$"), lambda m: ("m" if m.group(0).startswith("mme") else "") + m.group(1)),
    (re.compile(r"ence(s?)$"), r"ense\1"),  # defence, licence
    (re.compile(r"dgement"), "dgment"),  # judgement
]


def _american(word: str) -> str:
    for pattern, repl in _VARIANTS:
        word = pattern.sub(repl, word)
    return word


def _spelling_variant(x: str, y: str) -> bool:
    """defence/defense, centre/center, programme/program, labour/labor, yes; secretly/secretary,
    mediation/meditation, labour/labourer, no."""
    return x == y or _american(x) == _american(y)


def _same_words(a: list[str], b: list[str]) -> bool:
    if len(a) != len(b):
        return False
    for x, y in zip(a, b, strict=True):
        if x == y:
            continue
        if any(c.isdigit() for c in x + y) or x in _NEGATIONS or y in _NEGATIONS:
            return False
        if min(len(x), len(y)) < 4 or not _spelling_variant(x, y):
            return False
    return True


@lru_cache(maxsize=512)
def _small_locator(text: str) -> Locator:
    """Paragraph-sized views, reused across items and re-asks."""
    return Locator(text)


@lru_cache(maxsize=16)  # whole articles: few, but large
def _locator(text: str) -> Locator:
    return Locator(text)


# -- the gate ---------------------------------------------------------------------------------------


@dataclass
class Problem:
    item: str
    text: str
    reason: str
    fatal: bool  # True: the whole item goes; False: only this quote


@dataclass
class _Review:
    evidence: dict[str, list[Evidence]] = field(default_factory=dict)
    fatal: set[str] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)


def _items(draft: Draft) -> Iterator[tuple[str, Any, list[str], list[str]]]:
    """(path, item, names that must appear, prose to check) for every evidenced item of a draft."""
    w = draft.what
    if w is not None:
        yield "what", w, [], [w.summary, w.where or "", w.when or ""]
    for i, a in enumerate(draft.who):
        yield f"who[{i}]", a, [a.name], [a.role]
    for i, p in enumerate(draft.background):
        yield f"background[{i}]", p, [], [p.point]
    for i, r in enumerate(draft.proposed_responses):
        yield f"proposed_responses[{i}]", r, [r.proposed_by], [r.action]
    for i, f in enumerate(draft.key_figures):
        yield f"key_figures[{i}]", f, [], [f.value, f.label]


def _check_prose(loc: Locator, path: str, texts: list[str], names_in_prose: bool) -> list[Problem]:
    problems = []
    for text in texts:
        for number in loc.unknown_numbers(text):
            problems.append(Problem(path, number, f"the number {number!r} does not appear in the article", True))
        if names_in_prose:
            for name in loc.unknown_names(text):
                problems.append(Problem(path, name, f"{name!r} does not appear in the article", True))
            unknown = loc.unsupported_words(text)
            content = [w for w in re.findall(r"[^\W\d_]{4,}", text.lower()) if w not in _FUNCTION_WORDS]
            if len(unknown) >= PROSE_UNSUPPORTED_MIN and len(unknown) >= PROSE_UNSUPPORTED_SHARE * len(set(content)):
                problems.append(
                    Problem(path, text, f"the article does not say this (words not in it: {', '.join(unknown[:6])})", True)
                )
    return problems


def _review(draft: Draft, loc: Locator, names_in_prose: bool, near: int = 0) -> _Review:
    review = _Review()
    for path, item, names, texts in _items(draft):
        problems: list[Problem] = []
        for name in names:
            if not loc.has_name(name):
                problems.append(Problem(path, name, f"the name {name!r} does not appear in the article", True))
        problems += _check_prose(loc, path, texts, names_in_prose)
        kept: list[Evidence] = []
        origin: dict[int, int] = {}  # id of a kept Evidence -> its index in the model's list
        for j, quote in enumerate(item.evidence):
            span = loc.find_quote(quote, near)
            if span is None:
                problems.append(
                    Problem(f"{path}.evidence[{j}]", quote, "this quote is not in the article word for word", False)
                )
            elif all((e.start, e.end) != (span.start, span.end) for e in kept):
                kept.append(Evidence(quote=loc.quote_text(span), start=span.start, end=span.end, match=span.match))
                origin[id(kept[-1])] = j
        if path.startswith("key_figures"):
            quoted = {_canon_number(m.group()) for e in kept for m in _NUMBER.finditer(_fold(e.quote))}
            for m in _NUMBER.finditer(_fold(item.value)):
                if _canon_number(m.group()) not in quoted:
                    problems.append(Problem(path, item.value, "the figure is not in its evidence quotes", True))
                    break
        if not kept:
            problems.append(Problem(path, _summary_of(item), "no evidence quote was found in the article", True))
        else:
            claim = _claim_of(item)
            # a figure's label only names what the number counts; the number itself is checked above
            needed = 1 if path.startswith("key_figures") else 2
            if names_in_prose and claim and not loc.supports(claim, kept, needed):
                problems.append(Problem(path, claim, "the evidence does not support this; quote the passage that says it", True))
            elif names_in_prose and claim and not names and len(kept) > 1:
                # keep only the quotes that speak to the claim; a stray name or phrase is no evidence
                related = [e for e in kept if loc.supports(claim, [e], 1)]
                for e in kept:
                    if e not in related:
                        where = f"{path}.evidence[{origin[id(e)]}]"
                        problems.append(Problem(where, e.quote, "this quote says nothing of the item", False))
                kept = related
            for name in names:
                if not loc.mentioned_near(name, kept):
                    problems.append(
                        Problem(path, name, f"the evidence does not mention {name!r}; quote where the article names them", True)
                    )
        review.evidence[path] = kept
        if any(p.fatal for p in problems):
            review.fatal.add(path)
        review.problems += problems
    headline_problems = _check_prose(loc, "headline", [draft.headline], names_in_prose)
    if headline_problems:
        review.fatal.add("headline")
        review.problems += headline_problems
    return review


def _claim_of(item: Any) -> str:
    """The prose an item asserts (besides names and roles): what its evidence has to back.

    A role is left out: an actor's evidence must name them (see `mentioned_near`), and roles are often
    stated elsewhere in the article than the quote.
    """
    for attr in ("summary", "point", "action", "label"):
        if isinstance(getattr(item, attr, None), str):
            return getattr(item, attr)
    return ""


def _summary_of(item: Any) -> str:
    for attr in ("name", "summary", "point", "action", "value"):
        if hasattr(item, attr):
            return str(getattr(item, attr))
    return ""


def reask_message(problems: list[Problem], limit: int = 15) -> str:
    lines = [f"- {p.item}: {p.reason}: {p.text[:200]!r}" for p in problems[:limit]]
    if len(problems) > limit:
        lines.append(f"- ...and {len(problems) - limit} more")
    return (
        "These parts are not supported by the article. Copy evidence character for character from the "
        "article, use only names and numbers that appear in it, or leave the item out:\n" + "\n".join(lines)
    )


@dataclass
class Grounded:
    """The parts of a brief that survived the gate, and what was dropped."""

    headline: str | None
    who: list[Actor]
    what: What | None
    background: list[BackgroundPoint]
    proposed_responses: list[ProposedResponse]
    key_figures: list[KeyFigure]
    dropped: list[Dropped]

    @property
    def empty(self) -> bool:
        return self.what is None and not (self.who or self.background or self.proposed_responses)


def ground(
    draft: Draft,
    text: str,
    *,
    names_in_prose: bool = True,
    near: int = 0,
    dropped: list[Dropped] | None = None,
    gate: Gate | None = None,
) -> Grounded:
    """Keep what the article supports, with each quote located in `text` (first from offset `near`);
    list the rest as dropped (after any `dropped` already found, e.g. incomplete items). A `gate` that has
    just reviewed this very draft against this very text lends its review instead of a second pass."""
    review = gate.review_of(draft, text, names_in_prose) if gate is not None else None
    if review is None:
        review = _review(draft, _locator(text), names_in_prose, near)

    def ev(path: str) -> list[Evidence]:
        return review.evidence[path]

    def keep(path: str) -> bool:
        return path not in review.fatal

    w = draft.what
    what = (
        What(summary=w.summary, where=w.where, when=w.when, evidence=ev("what"))
        if w is not None and keep("what")
        else None
    )
    return Grounded(
        headline=draft.headline if keep("headline") else None,
        who=[
            Actor(name=a.name, role=a.role, evidence=ev(f"who[{i}]"))
            for i, a in enumerate(draft.who)
            if keep(f"who[{i}]")
        ],
        what=what,
        background=[
            BackgroundPoint(point=p.point, evidence=ev(f"background[{i}]"))
            for i, p in enumerate(draft.background)
            if keep(f"background[{i}]")
        ],
        proposed_responses=[
            ProposedResponse(
                proposed_by=r.proposed_by, action=r.action, kind=r.kind, status=r.status, evidence=ev(path)
            )
            for i, r in enumerate(draft.proposed_responses)
            if keep(path := f"proposed_responses[{i}]")
        ],
        key_figures=[
            KeyFigure(value=f.value, label=f.label, evidence=ev(f"key_figures[{i}]"))
            for i, f in enumerate(draft.key_figures)
            if keep(f"key_figures[{i}]")
        ],
        dropped=[*(dropped or []), *(Dropped(item=p.item, text=p.text, reason=p.reason) for p in review.problems)],
    )


@dataclass
class Gate:
    """Binds one article to the draft validator for the duration of one model call."""

    text: str
    names_in_prose: bool = True
    _last: tuple[int, _Review] | None = field(default=None, repr=False)

    def enforce(self, draft: Draft) -> None:
        review = _review(draft, _locator(self.text), self.names_in_prose)
        self._last = (id(draft), review)
        if review.problems:
            raise ValueError(reask_message(review.problems))

    def review_of(self, draft: Draft, text: str, names_in_prose: bool) -> _Review | None:
        if self._last is None or self._last[0] != id(draft) or text != self.text or names_in_prose != self.names_in_prose:
            return None
        return self._last[1]


_gate: contextvars.ContextVar[Gate | None] = contextvars.ContextVar("summarizer_gate", default=None)


def current_gate() -> Gate | None:
    return _gate.get()


@contextmanager
def bind_gate(gate: Gate) -> Iterator[Gate]:
    token = _gate.set(gate)
    try:
        yield gate
    finally:
        _gate.reset(token)
