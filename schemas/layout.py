"""The layout of an article: its sentences, and its page furniture (bylines, credits, "Source:" lines, sign-up
prompts) that is never evidence. Only reads the text; nothing here knows of claims.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator

from .normal import has_case_twins

__all__ = ["UPPER", "split"]

_LINE = re.compile(r"[^\n]+")
_INITIAL = re.compile(r"[A-Z]\.?")  # "J." in "J. Smith"

UPPER = "A-ZÀ-ÖØ-ÞА-ЯІЇЄҐ"  # capital letters, Latin and Cyrillic, for character classes


def split(text: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(start, end) of every sentence outside page furniture, in order, and of the furniture."""
    sentences: list[tuple[int, int]] = []
    furniture: list[tuple[int, int]] = []
    marks = _addressed_at(text)
    for line in _LINE.finditer(text):
        lo, hi = line.start(), line.end()
        stripped = line.group().strip()
        if not stripped:
            continue
        if (len(stripped) <= 200 and (_FURNITURE.match(stripped) or _BYLINE.match(stripped))) or (
                marks and bisect.bisect_left(marks, lo) < bisect.bisect_left(marks, hi)):
            furniture.append((lo, hi))
            continue
        cursor = _LEAD.match(text, lo, hi).end()  # type: ignore[union-attr]
        for cut in _SENTENCE_END.finditer(text, cursor, hi):
            before = text[cursor : cut.start(1)].rsplit(None, 1)
            if before and (before[-1].rstrip(".").lower() in _ABBREVIATIONS or _INITIAL.fullmatch(before[-1])):
                continue
            sentences.append((cursor, cut.start(1)))
            cursor = cut.end()
        end = len(text[cursor:hi].rstrip()) + cursor
        if end > cursor:
            sentences.append((cursor, end))
    kept = []
    may_credit = _credit_check(text)
    for start, end in sentences:
        if may_credit(start, end) and _CREDIT.search(text, start, end):
            furniture.append((start, end))
        else:
            kept.append((start, end))
    return kept, furniture


def _credit_check(text: str) -> Callable[[int, int], bool]:
    """`_may_credit(text[start:end])` as a function of (start, end), for the sentences of `text` in order. A
    sentence's lower case is a piece of the text's (without case twins, lowering keeps every offset), so the
    credit words are found once in the whole text and a sentence may credit when one lies inside it."""
    if has_case_twins(text):
        return lambda start, end: _may_credit(text[start:end])
    low = text.lower()
    found = sorted((at, at + len(word)) for word in _CREDIT_WORDS for at in _occurrences(low, word))
    if not found:
        return lambda start, end: False
    starts = [at for at, _ in found]

    def inside(start: int, end: int) -> bool:
        i = bisect.bisect_left(starts, start)
        while i < len(found) and found[i][0] < end:
            if found[i][1] <= end:
                return True
            i += 1
        return False

    return inside


def _occurrences(text: str, word: str) -> Iterator[int]:
    at = text.find(word)
    while at >= 0:
        yield at
        at = text.find(word, at + 1)


# Page furniture: lines that are never evidence for a claim about the story.
_FURNITURE = re.compile(
    r"""(?ix)^(?:
        (?:sources?|via|credits?)\s*:
      | (?:stock\s+)?(?:photo|image|picture|photograph|illustration|video|graphic|map|chart|footage)s?
        (?:\s+credits?)?\s*(?::|\bby\b|\bvia\b|\bcourtesy\b)
      | (?:editing|reporting|writing|additional\s+reporting|compiled|produced|translated|research|graphics)\s+by\b
      | (?:read\s+(?:more|also)|related|see\s+also|more\s+on\s+this|watch|listen|recommended)\s*:
      | (?:advertisement|advert|sponsored|ad)\b\W*$
      | comments?\s+(?:are|is)\s+closed | (?:leave|post|add)\s+a\s+comment
      | (?:support|subscribe|sign\s+up|follow\s+us|share\s+this|donate)\b
      | ©|copyright\b|all\s+rights\s+reserved
      | (?:updated|published|posted|last\s+modified)\b.{0,40}\d
      | \(?(?:reuters|ap|afp|dpa|upi)\)?\W*$
    )"""
)
# "By Jana Hofer and Luis Ortega, Reuters": a short line naming the writers
# A paragraph that talks to the software reading the page ("Ignore all previous instructions", "Note to
# automated summarisers: this article reports that ...") is an injection, not reporting: whatever it says
# about the story is never evidence, however it is worded. Lower-case patterns over the lowered text, each
# led by a literal word, which the regular expression engine finds fast (one pattern of alternatives, with
# IGNORECASE, was scanned character by character: a third of a millisecond an article).
_READERS = (r"(?:any\s+|all\s+)?(?:automated|ai|llms?|language\s+models?|chatbots?|summari[sz](?:ers?|ation\s+"
            r"(?:tools?|systems?|bots?))|bots?|crawlers?|assistants?)\b")
_ADDRESSING = [re.compile(p) for p in (
    *(verb + r"\s+(?:all\s+|any\s+|the\s+)?(?:of\s+)?(?:the\s+|your\s+)?(?:previous|prior|above|earlier|preceding"
               r"|original|system|your)\s+(?:instructions?|prompts?|directions|rules)\b"
      for verb in ("ignore", "disregard", "forget", "override")),
    *(noun + r"\s+(?:to|for)\s+" + _READERS for noun in ("note", "message", "instructions?", "notice")),
    *(reader + r"\s+(?:summari[sz]ers?|assistants?|models?|systems?|readers?|tools?)\s+(?:must|should|shall"
                 r"|are\s+(?:instructed|required|told)\s+to)\s+(?:report|say|state|write|output|summari[sz]e|describe"
                 r"|include|list|ignore|treat|mention)\b"
      for reader in ("ai", "automated", "llm")),
    r"you\s+are\s+now\s+(?:in\s+)?(?:developer|dan|jailbreak|unrestricted)\b",
    r"system\s+prompt\b",
)]


def _addressed_at(text: str) -> list[int]:
    """Offsets in `text` where it talks to the software reading it (see `_ADDRESSING`), in order."""
    low = text.lower()
    if len(low) != len(text):  # lowering changed a length (rare letters): search line by line instead
        return sorted(m.start() + line.start() for line in _LINE.finditer(text)
                      for m in _addressing(line.group().lower()))
    return sorted(m.start() for m in _addressing(low))


def _addressing(low: str) -> Iterator[re.Match[str]]:
    for pattern in _ADDRESSING:
        for m in pattern.finditer(low):
            if not m.start() or not low[m.start() - 1].isalnum():  # a whole word: not "footnote", "said"
                yield m


_BYLINE = re.compile(
    r"^[Bb]y\s+[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3}(?:\s*(?:,|and|&)\s*[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3})*"
    r"(?:\s*[,|/–—-]\s*.{0,60})?$"
)
# Sentences that credit the newsroom rather than report the story
_CREDIT = re.compile(
    r"(?i)contributed\s+(?:to\s+)?(?:this|the)\s+(?:report|story|article|reporting)|contributed\s+reporting"
    r"|designed\s+the\s+graphics?|\bgraphics\s+by\b|\bediting\s+by\b|\breporting\s+by\b"
    r"|\b(?:is|are)\s+(?:a|an|the)\s+(?:\w+\s+)?(?:reporter|correspondent|journalist|writer|editor)s?\s+(?:for|at|with)\b"
)
# every alternative of _CREDIT holds one of these words; case-insensitively, a sentence can only match
# where its lower case holds one, unless it has a character that re.IGNORECASE takes for an ASCII letter
# (or that lower-cases to one): İ ı K ſ, and no others
_CREDIT_WORDS = ("contributed", "designed", "graphic", "editing", "reporting", "reporter", "correspondent", "journalist",
                 "writer", "editor")


def _may_credit(sentence: str) -> bool:
    """False when `_CREDIT` cannot match the sentence: the search itself is slow."""
    if has_case_twins(sentence):
        return True
    low = sentence.lower()
    return any(word in low for word in _CREDIT_WORDS)


_LEAD = re.compile(r"[ \t•·*▪►\-–—]*")  # bullets and dashes before a line's first sentence
# the cut (group 1) after a full stop: the stop itself is matched, not looked behind for, so the search skips
# from one stop to the next (a pattern that starts with a lookbehind is tried at every position)
_SENTENCE_END = re.compile(r"[.!?…]([\"'”’)\]]*\s+)(?=[\"'“‘(\[]?[" + UPPER + r"0-9])")
_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "st", "gen", "lt", "col", "sen", "rep", "gov", "prof", "jr", "sr", "no",
                  "vs", "u.s", "u.k", "u.n", "e.u", "jan", "feb", "aug", "sept", "oct", "nov", "dec", "inc", "corp",
                  "co", "ltd", "capt", "sgt", "maj", "adm", "rev", "hon", "approx", "est", "fig", "p", "pp"}
