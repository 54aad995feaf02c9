"""Where a model's quote stands in an article: verbatim, then after normalizing typography (curly quotes,
dashes, whitespace, case, ellipses), then by a bounded fuzzy match whose differences may only be British or
American spellings of the same words: never a changed number, another word, an added or removed "not". User
text is never compiled into a regex. `schemas.text.Locator` answers with these; they read only its text, its
folded text and the offsets between them.
"""

from __future__ import annotations

import difflib
import re
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import islice

from rapidfuzz import fuzz

from .normal import fold, same_words
from .runs import WORD, lowered_words

__all__ = ["EDGE", "FUZZY_MAX_CHARS", "FUZZY_THRESHOLD", "MIN_QUOTE_WORDS", "QuoteSearch", "Span", "WORD",
           "at_least_words"]

FUZZY_THRESHOLD = 90.0
FUZZY_MAX_CHARS = 600  # longer quotes must match after normalization; fuzzy search cost grows with length
MIN_QUOTE_WORDS = 2
EDGE = " \"'.,;:!?-()[]"  # what a quote or word may carry at its ends that is not part of it
# what may stand just before and after text that begins and ends with a whole word: not "1,300" for "300",
# "300-metre" for "metre" or "O'Brien" for "Brien"
_OPENING = frozenset(' ("[')
_CLOSING = frozenset(' )"];:!?')
_ELLIPSIS = re.compile(r"\s*(?:\[\s*(?:\.\.\.|…)\s*\]|\.\.\.|…)\s*")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    match: str


class QuoteSearch:
    """Finding quotes, for a `Locator`: `text`, its folded `norm` and `_index` (each folded character's offset
    in `text`) are the Locator's."""

    text: str
    norm: str
    _index: array[int]
    _found: dict[tuple[str, int], Span | None]  # quotes already sought (a small model gives one for several items)

    def find_quote(self, quote: str, near: int = 0) -> Span | None:
        """Locate a quote (possibly with ellipses for omissions) in the article; None if it is not there.

        `near` is where to look first (the start of the part the model saw); the whole text is the fallback.
        """
        key = (quote, near)
        if key in self._found:
            return self._found[key]
        if len(self._found) >= 4096:
            self._found.clear()
        span = self._found[key] = (self._find_from(quote, near) if near else None) or self._find_from(quote, 0)
        return span

    def verbatim(self, text: str) -> bool:
        """True if `text` stands in the article as it is, but for typography and case, beginning and ending
        where words do: every word, name and number of it is then the article's."""
        said = fold(text)
        if not said:
            return False
        norm = self.norm
        at = norm.find(said)
        while at >= 0:
            end = at + len(said)
            if (at == 0 or norm[at - 1] in _OPENING or not said[0].isalnum()) and (
                    end == len(norm) or norm[end] in _CLOSING or not said[-1].isalnum()
                    or (norm[end] in ".," and not norm[end + 1 : end + 2].isalnum())):
                return True
            at = norm.find(said, at + 1)
        return False

    def _find_from(self, quote: str, cursor: int) -> Span | None:
        # (every omission mark holds one of the two: without them the split is the quote, found faster)
        pieces = _ELLIPSIS.split(quote) if "..." in quote or "…" in quote else [quote]
        fragments = [f for f in pieces if f.strip(EDGE + " ")]
        if not fragments:
            return None
        if not at_least_words(fragments, MIN_QUOTE_WORDS):
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

    def _to_source(self, start: int, end: int, match: str) -> Span:
        return Span(self._index[start], self._index[end - 1] + 1, match)

    def _find_fragment(self, fragment: str, cursor: int) -> Span | None:
        raw = fragment.strip().strip(EDGE)
        if raw:
            at = self.text.find(raw, cursor)
            if at >= 0:
                return Span(at, at + len(raw), "exact")
        folded = fold(fragment).strip(EDGE)
        if not folded:
            return None
        norm_cursor = self._norm_offset(cursor)
        at = self.norm.find(folded, norm_cursor)
        if at >= 0:
            return self._to_source(at, at + len(folded), "normalized")
        if len(folded) > FUZZY_MAX_CHARS or len(lowered_words(folded)) < 3:
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
        q_tokens = lowered_words(folded)
        window = [(m.group(), lo + m.start(), lo + m.end()) for m in WORD.finditer(self.norm[lo:hi])]
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
        if not same_words(q_tokens, w_tokens[b_lo:b_hi]):
            return None
        return self._to_source(window[b_lo][1], window[b_hi - 1][2], "fuzzy")


def at_least_words(texts: Iterable[str], n: int) -> bool:
    """The texts hold `n` words (runs of \\w) or more: counted up to `n`, not to the end."""
    return sum(1 for _ in islice((w for t in texts for w in WORD.finditer(t)), n)) >= n
