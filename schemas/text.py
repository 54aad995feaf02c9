"""Finding text in an article: quotes (`schemas.quotes`), words, names, numbers, sentences, paragraphs, and the
page furniture (bylines, credits, "Source:" lines) that is never evidence. Nothing here judges whether a claim
is true; `schemas.grounding` does that with these answers."""

from __future__ import annotations

import bisect
import re
from array import array
from collections.abc import Iterator
from itertools import compress, count
from operator import itemgetter

from .amounts import numbers_written, spelled_words, values_in, written_values
from .initials import abbreviation
from .layout import split
from .names import cannot_name, cased_word, same_stem
from .normal import (
    MONTHS,
    NEGATIONS,
    NUMBER,
    SPELLED,
    TRANSLIT,
    american,
    cached,
    cached_property,
    canon_number,
    clear_caches,
    digit_numbers,
    fold,
    fold_words,
    has_cyrillic,
    normalize,
    numbers_in,
    spelled_numbers,
)
from .quotes import EDGE as _EDGE
from .quotes import WORD, QuoteSearch, Span, at_least_words
from .runs import alnum_words, lowered_words
from .vocabulary import COMMON, PERSON, SAME_PLACE, token_re

__all__ = ["Locator", "Span", "at_least_words", "locator", "small_locator", "tokens_of", "NEGATIONS", "NUMBER", "american", "canon_number", "fold",
           "normalize", "numbers_in", "clear_caches", "fold_words", "WORD"]

_WORD_SET_FROM = 2000  # characters of folded text from which `has_word` first looks in a set of its words
_MEMO = 8192  # answers a Locator keeps per question (has_word, has_name) before starting afresh

LETTERS4 = re.compile(r"[^\W\d_]{4,}")  # words of four letters or more: the ones that carry a claim
_ALNUM_CHAR = re.compile(r"[^\W_]")  # what str.isalnum() calls alphanumeric: \w without the underscore
_ALNUM_RUN = re.compile(r"[^\W_]*")  # a run of them
_GROUP = re.Match.group
_WORD_JOINS = re.compile(r"[-'’]")
_POSSESSIVE = re.compile(r"['’]s\b")
_NAME_DEBRIS = re.compile(r"[{}\[\]<>|=;@#$%^*_~\\/`]|\s{2,}\S|^\W|\W$(?<![.)’'])")
_PARAGRAPH = re.compile(r"\n\s*\n")


class Locator(QuoteSearch):
    """Answers, for one article, where a quote stands and whether a name or number appears in it."""

    def __init__(self, text: str, *, _norm: str | None = None):
        self.text = text
        # the folded text is all most views need; the offsets only to place a quote, so they wait until then
        self.norm = fold(text) if _norm is None else _norm
        self._offsets: array[int] | None = None if _norm is None else array("q")
        self._breaks: list[int] | None = None
        self._word_cache: list[str] | None = None
        self._stems: dict[str | tuple[str], list[int]] | None = None
        self._latin: Locator | None | bool = None
        self._sentences: list[tuple[int, int]] | None = None
        self._furniture: list[tuple[int, int]] | None = None
        self._starts: list[int] | None = None
        # the same words and names are asked of the same article item after item, draft after draft
        self._has_word: dict[str, bool] = {}
        self._has_name: dict[tuple[str, int], bool] = {}
        self._found = {}

    @cached_property
    def _digits(self) -> set[str]:
        """The numbers the text writes in digits, canonical (see `numbers_in`)."""
        return digit_numbers(self.norm)

    @cached_property
    def _spelled(self) -> set[str]:
        """The numbers it spells out: sought only for a number its digits lack."""
        return spelled_numbers(self.norm)

    @property
    def _index(self) -> array[int]:
        if self._offsets is None:
            self._offsets = normalize(self.text)[1]
        return self._offsets

    def _latin_view(self) -> Locator | None:
        """The article transliterated to Latin letters, for names only; None for non-Cyrillic articles."""
        if self._latin is None:
            self._latin = Locator(self.text, _norm=self.norm.translate(TRANSLIT)) if has_cyrillic(self.norm) else False
        return self._latin or None

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
            end = _ALNUM_RUN.match(self.norm, at + len(stem)).end()  # type: ignore[union-attr]
            if end - at - len(stem) <= slack:
                return True
        return False

    @cached_property
    def _word_set(self) -> frozenset[str]:
        """The folded text's words (its runs of letters and digits: each starts a word, as `_starts_word`
        has it)."""
        return frozenset(alnum_words(self.norm))

    def has_word(self, word: str) -> bool:
        """True if the article uses the word, or the same stem with another short ending (Korea/Korean)."""
        known = self._has_word.get(word)
        if known is None:
            if len(self._has_word) >= _MEMO:
                self._has_word.clear()
            known = self._has_word[word] = self._uses_word(word)
        return known

    def _uses_word(self, word: str) -> bool:
        # (an ASCII word of letters and digits folds to its lower case: no call to the folding cache)
        w = (word.lower() if word.isascii() and word.isalnum() else fold(word)).strip(_EDGE)
        if w.endswith("'s"):
            w = w[:-2]
        if not w:
            return True
        if len(self.norm) > _WORD_SET_FROM and w in self._word_set:
            return True  # (a word of the text itself: most words asked of an article are)
        if self._starts_word(w, 3 if len(w) >= 4 else 0):
            return True
        if any(len(w) - cut >= 4 and self._starts_word(w[:-cut], 3) for cut in (1, 2, 3)):
            return True
        if any(self._starts_word(alt, 0) for alt in SAME_PLACE.get(w, ())):
            return True  # "Spanish" where the article writes "Spain"
        if w in MONTHS and len(w) > 3 and self._starts_word(w[:3], 0):
            return True  # "December" where the article writes "Dec. 9"
        latin = self._latin_view()
        return latin is not None and not has_cyrillic(w) and latin.has_word(w)

    def has_name(self, name: str, slack: int = 2) -> bool:
        """True if the name stands in the article, whole or with all its words within `slack` words of
        each other (not counting "of", "the" and the like)."""
        known = self._has_name.get((name, slack))
        if known is None:
            if len(self._has_name) >= _MEMO:
                self._has_name.clear()
            # most texts asked (a sentence, a paragraph) lack even the start of the name's first word
            absent = cannot_name(self.norm, name)
            known = self._has_name[name, slack] = False if absent else self._names(name, slack)
        return known

    def _names(self, name: str, slack: int) -> bool:
        if _NAME_DEBRIS.search(name) or len(name) > 120:
            return False  # JSON or markup debris, or a sentence posing as a name
        n = fold(name).strip(_EDGE)
        if n.startswith("the "):
            n = n[4:]
        if _ALNUM_CHAR.search(n) is None:  # (nothing alphanumeric: also the empty name)
            return False
        bare = name.strip(_EDGE)
        if bare.isupper() and bare.isalpha() and len(bare) <= 6:
            return cased_word(self.text, bare)  # an acronym: "WHO" is not the word "who"
        if next(self._word_prefix_positions(n), None) is not None:
            return True
        tokens = [self._as_here(t) for t in lowered_words(n) if t not in COMMON and not (len(t) == 1 and t.isalpha())]
        if not tokens or not all(self.has_word(t) for t in tokens):
            return False
        # all its words within a few words of each other: "President Biden" in "US President Joe Biden", but
        # not "Peter Hall" from "Peter Smith reopened the Town Hall"
        reach = len(tokens) - 1 + slack
        for view in (self, self._latin_view()):
            if view is None:
                continue
            hits = [view._stem_positions(t) for t in tokens]
            for i in hits[0]:
                if all(any(abs(j - i) <= reach for j in others) for others in hits[1:]):
                    return True
        return False

    def _as_here(self, token: str) -> str:
        """The token, or the country or nationality the text writes for it ("spain" for "spanish" where the
        text has "Spain's government" and no "Spanish")."""
        if token in SAME_PLACE and not self._stem_positions(token):
            return next((alt for alt in SAME_PLACE[token] if self._stem_positions(alt)), token)
        return token

    def _words(self) -> list[str]:
        if self._word_cache is None:
            self._word_cache = [w for w in lowered_words(self.norm) if len(w) > 1 and w not in COMMON]
        return self._word_cache

    def _stem_positions(self, token: str) -> list[int]:
        """The positions in `_words()` of the words that are `token` by `_same_stem`, in order. A token of
        four letters or more can only match words that share its first four, so words are indexed by those
        (and shorter words whole) once per article instead of every word being compared with every token."""
        if self._stems is None:
            self._stems = {}
            for i, w in enumerate(self._words()):
                self._stems.setdefault(w[:4] if len(w) >= 4 else (w,), []).append(i)
        if len(token) < 4:
            return list(self._stems.get((token,), ()))
        words = self._word_cache
        assert words is not None
        return [i for i in self._stems.get(token[:4], ()) if same_stem(words[i], token)]

    # -- sentences, paragraphs, furniture -------------------------------------------------------------
    @property
    def sentences(self) -> list[tuple[int, int]]:
        """(start, end) of every sentence of the article outside page furniture, in order."""
        if self._sentences is None:
            self._split()
        return self._sentences  # type: ignore[return-value]

    def is_furniture(self, start: int, end: int) -> bool:
        """True if text[start:end] overlaps a byline, a credit, a "Source:" line or other page furniture."""
        if self._furniture is None:
            self._split()
        return any(s < end and start < e for s, e in self._furniture or [])

    def sentence_index(self, pos: int) -> int:
        """Index of the sentence holding offset `pos` (or the last one starting before it)."""
        if self._starts is None:
            self._starts = [s for s, _ in self.sentences]
        return max(0, bisect.bisect_right(self._starts, pos) - 1)

    def _split(self) -> None:
        self._sentences, self._furniture = split(self.text)

    def paragraph_span(self, start: int, end: int, back: int = 1) -> tuple[int, int, int]:
        """(start of the paragraph(s) holding text[start:end], their end, start of the `back`-th paragraph
        before them)."""
        if self._breaks is None:
            self._breaks = [0, *(m.end() for m in _PARAGRAPH.finditer(self.text)), len(self.text)]
        breaks = self._breaks
        first = bisect.bisect_right(breaks, start) - 1
        hi = next((b for b in breaks if b >= end), len(self.text))
        return breaks[first], hi, breaks[max(0, first - back)]

    def unsupported_words(self, content: list[str]) -> list[str]:
        """Of the content words of model prose (four letters or more, no function words), those the article
        never uses, in any inflection; each once."""
        return [w for w in dict.fromkeys(content) if not self.has_word(w)]

    def unknown_numbers(self, text: str) -> list[str]:
        # most numbers of a claim stand in digits where they stand at all: the spelled ones are sought after
        missing = [number for number, n in numbers_written(text) if n not in self._digits and n not in self._spelled]
        if missing:  # the same amount written another way: "2,400,000" for "2.4 million"
            found = self._found_values(text)
            missing = [number for number in missing if not any(w.startswith(number) for w in found)]
        return missing

    def unknown_spelled(self, text: str) -> list[str]:
        """The numbers from three up that `text` spells out and this text holds in neither way ("nearly four
        times the limit" where it has "three times"); "one", "two", "hundreds" and "a dozen" are too often
        no count of anything ("the two sides")."""
        missing = [w for w in spelled_words(text) if SPELLED[w] not in self._digits and SPELLED[w] not in self._spelled]
        if missing:  # a number spelled in more than one word: "twenty-three" for 23, "twelve hundred" for 1,200
            found = set(re.split(r"[\s-]+", " ".join(self._found_values(text))))
            missing = [w for w in missing if w not in found]
        return missing

    @property
    def numbers(self) -> set[str]:
        """The numbers the text writes in digits or spells out, canonical (see `numbers_in`)."""
        return self._digits | self._spelled

    @cached_property
    def amounts(self) -> set[str]:
        """The values of the numbers the text writes whatever their form, and its numbers (see `schemas.amounts`)."""
        return values_in(self.norm) | self._digits

    def _found_values(self, text: str) -> list[str]:
        """The numbers of `text` (as written, folded, with their scale) whose value this text writes too."""
        return [w for w, value in written_values(text) if value in self.amounts]

    def unknown_names(self, text: str, runs: bool = True) -> list[str]:
        """Capitalized words in model prose that the article never uses (invented people, places, bodies).

        With `runs`, a run of capitalized words must also stand together in the article; headlines, often
        in title case, are checked word by word only."""
        missing: list[str] = []
        words = tokens_of(text)
        # (the capitalized tokens' positions, found in C: most tokens of prose are not)
        for i in compress(count(), map(str.isupper, map(itemgetter(0), map(_GROUP, words)))):
            m = words[i]
            word = m.group()
            if word.lower().strip("'’") in COMMON:
                continue
            # what stands before it, as far back as the last character that is no whitespace (a long
            # prose would otherwise be copied once per capitalized word)
            before = text[max(0, m.start() - 64) : m.start()].rstrip()
            if not before and m.start() > 64:
                before = text[: m.start()].rstrip()
            sentence_start = not before or before[-1] in ".!?:;\"“”•-–—\n(" or before.endswith("\n")
            if sentence_start:
                nxt = words[i + 1] if i + 1 < len(words) else None
                adjacent = nxt is not None and text[m.end() : nxt.start()].strip() == ""
                if not (adjacent and nxt.group()[0].isupper()):
                    continue  # a lone capital at a sentence start is ordinary prose
            if abbreviation(word, self.norm) and not self.has_word(word):
                continue
            # a word cut short with a stop ("Brenvik Technical Univ."): the article's word it begins
            if text[m.end() : m.end() + 1] == "." and len(word) >= 3 and self._starts_word(word.lower(), 12):
                continue
            for part in _WORD_JOINS.split(word):
                if part and part[0].isupper() and not self.has_word(part) and word not in missing:
                    missing.append(word)
        # each word may be the article's and the name still invented ("Peter Hall" from "Peter" and "Town
        # Hall"): a run of capitalized words must stand together in the article as a name
        if not missing and runs:
            for run in PERSON.finditer(text):
                # "Lithuania's NATO envoy" is two names, not one
                for piece in _POSSESSIVE.split(run.group()):
                    words_in_run = [w for w in piece.split() if w.lower().strip("'’") not in COMMON]
                    if len(words_in_run) >= 2 and not self.has_name(" ".join(words_in_run), slack=1):
                        missing.append(" ".join(words_in_run))
        return missing


@cached(4096)  # a claim's prose is checked, then its names read (`Sentence.tokens`)
def tokens_of(text: str) -> list[re.Match[str]]:
    """`list(TOKEN.finditer(text))`, kept per text (read only)."""
    return list(token_re(text).finditer(text))






@cached(512)
def small_locator(text: str) -> Locator:
    """Paragraph-sized views, reused across items and re-asks."""
    return Locator(text)


@cached(16)  # whole articles: few, but large
def locator(text: str) -> Locator:
    return Locator(text)


# -- the gate ---------------------------------------------------------------------------------------
