"""Whether a passage of the article supports a claim, and finding the passage that does.

Support, for a claim and a sentence (or two adjacent ones): every number of the claim stands in the
sentence's paragraph, every name in it or the paragraph before, most of the claim's content words stand in
the sentence itself (a word matches another inflection of it: Korea/Korean, deployed/deployment), and a
negation on one side is a negation on the other. Actors, proposed responses and figures add their own rules
(see `schemas.judges`). Everything here is deterministic and reads only the article.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from .amounts import NUMBER_NAMES
from .changes import edited
from .edits import same_polarity
from .initials import abbreviation
from .names import might_name
from .normal import cached_property, folded_words, respellings
from .paragraphs import goes_on, names_any, person_runs
from .roles import distinctive
from .signals import (
    TITLES,
    Sentence,
    capitalized_inside,
    content_words,
    cue_clauses,
    fill_low,
    heading,
    negated,
    same_word,
    sentence_of,
)
from .text import Locator, cached, fold, locator, small_locator
from .vocabulary import COMMON

__all__ = ["Passage", "Passages", "Failure", "QUOTED_SHARE", "LOCATED_SHARE", "CANDIDATES"]

QUOTED_SHARE = 0.5  # at least half of the claim's content words, in the sentence of a quote the model gave
LOCATED_SHARE = 0.51  # more than half, in a sentence the tool picks itself
CANDIDATES = 8  # best-scoring sentences tried when locating

Failure = tuple[str, str]  # (reason for the report, hint for a re-ask)


@dataclass(frozen=True)
class Passage:
    start: int
    end: int
    match: str  # exact / normalized / fuzzy (the model's quote) or located (found by the tool)


class Passages:
    """The article's sentences, paragraphs and the judgments over them. One per article (cached)."""

    def __init__(self, loc: Locator, strict: bool):
        self.loc = loc
        self.strict = strict  # False: the brief is in another language than the article, words can't be compared
        self.spans = loc.sentences
        self._claims: dict[str, tuple[list[list[str]], list[str]]] = {}
        self._having: dict[str, set[int]] = {}
        self._verdicts: dict[tuple[str, tuple[int, ...], bool], bool] = {}
        self._counts: dict[str, dict[int, int]] = {}
        self.sentences = [Sentence(loc.text[s:e]) for s, e in self.spans]
        fill_low(self.sentences)
        # headlines and section headings ("Pressure at home", "Background"): they name things but state
        # nothing a reader can check, so they are no evidence for a claim
        self.headings = {i for i, (s, e) in enumerate(self.spans) if heading(loc.text, s, e)}
        # words the article writes capitalized inside a sentence: its proper names
        self.proper = capitalized_inside(self.sentences) - COMMON

    def claim_names(self, claim: str) -> list[list[str]]:
        """The names a claim uses, each as the words of one run of capitalized words (or a single word the
        article writes as a name)."""
        runs: list[list[str]] = []
        last_end: int | None = None  # where the run being read ends; None after a word that is no name
        # (the claim's tokens, folded without a possessive, as its Sentence has them: other tests read it too)
        parsed = sentence_of(claim)
        for k, (t, word) in enumerate(zip(parsed.tokens, parsed.low, strict=True)):
            named = word not in COMMON and len(word) > 1 and (word in self.proper or (k and t.group()[0].isupper()))
            # ("GPs" for the article's "general practitioners": no name, where the article does not write it)
            if not named or (abbreviation(t.group(), self.loc.norm) and not self.loc.has_word(t.group())):
                last_end = None
                continue
            if last_end is not None and not claim[last_end : t.start()].strip():
                runs[-1].append(word)
            else:
                runs.append([word])
            last_end = t.end()
        return runs

    @classmethod
    def of(cls, loc: Locator, strict: bool = True) -> Passages:
        """The article's Passages, built once per article (and strictness) and kept like its Locator."""
        return _passages(loc.text, strict)

    # -- geometry -----------------------------------------------------------------------------------
    @cached_property
    def _bounds(self) -> tuple[list[int], list[int]]:
        """The sentences' starts and ends, each ascending (sentences follow one another without overlap)."""
        return [s for s, _ in self.spans], [e for _, e in self.spans]

    def indices(self, start: int, end: int) -> list[int]:
        """The sentences that text[start:end] overlaps (the one holding it when it is inside one)."""
        if not self.spans:
            return []
        starts, ends = self._bounds
        first = bisect_right(ends, start)  # the first sentence that ends after `start`
        last = bisect_left(starts, end, first)  # and the first from there that starts at `end` or later
        return list(range(first, last)) or [self.loc.sentence_index(start)]

    def paragraph(self, idxs: list[int], back: int = 1) -> tuple[str, str]:
        """(the paragraph holding the sentences, the `back` paragraphs before it)."""
        start, end = self.spans[idxs[0]][0], self.spans[idxs[-1]][1]
        lo, hi, before = self.loc.paragraph_span(start, end, back)
        return self.loc.text[lo:hi], self.loc.text[before:lo]

    def order(self, near: int) -> list[int]:
        """Sentence indices from the part the model saw (`near`) onwards, then the rest."""
        first = self.loc.sentence_index(near) if near else 0
        return [*range(first, len(self.spans)), *range(0, first)]

    def passage(self, idxs: list[int]) -> list[Passage]:
        return [Passage(*self.spans[i], "located") for i in idxs]

    @cached_property
    def _rank_cache(self) -> dict[tuple[str, int], list[int]]:
        return {}

    def rank(self, words: Sequence[str], near: int, *, cue: bool = False) -> list[int]:
        """Sentences by how many of `words` they hold (ties: nearer the part first)."""
        key = (" ".join(words) + ("|cue" if cue else ""), near)
        if key not in self._rank_cache:
            if len(self._rank_cache) >= 4096:
                self._rank_cache.clear()
            score = [0] * len(self.sentences)
            for w in words:
                for i in self.having(w):
                    score[i] += 1
            scored = [(-score[i], pos, i) for pos, i in enumerate(self.order(near))
                      if score[i] and not (cue and not self.sentences[i].cue)]
            self._rank_cache[key] = [i for _, _, i in sorted(scored)]
        return self._rank_cache[key]

    @cached_property
    def _where(self) -> tuple[dict[str, list[int]], dict[str, list[str]]]:
        """Every word of the article's sentences with the sentences holding it, and the words by their first
        four letters (the only other words `Sentence.has` lets stand for one)."""
        # (defaultdicts: `setdefault(w, [])` would build a list for every word it finds already there;
        # readers only `get` or index words that are there, so nothing is added after this)
        where: dict[str, list[int]] = defaultdict(list)
        for i, s in enumerate(self.sentences):
            for w in s.words:
                where[w].append(i)
        by_prefix: dict[str, list[str]] = defaultdict(list)
        for w in where:
            by_prefix[w[:4]].append(w)
        return where, by_prefix

    def having(self, word: str) -> set[int]:
        """The sentences `i` for which `self.sentences[i].has(word)`, from an index instead of asking each."""
        known = self._having.get(word)
        if known is None:
            if len(self._having) >= 4096:
                self._having.clear()
            where, by_prefix = self._where
            known = set(where.get(word, ()))
            for v in by_prefix.get(word[:4], ()):
                if v != word and same_word(word, v):
                    known.update(where[v])
            self._having[word] = known
        return known

    # -- support ------------------------------------------------------------------------------------
    def supports(self, claim: str, idxs: list[int], share: float, *, attributed: bool = False) -> bool:
        """True if the sentences support the claim (see the module's docstring). `attributed`: the claim is
        credited to someone outside its text (a proposed response), so quoted words may back it."""
        if self._verbatim(claim, idxs):
            return True  # the article's own sentences word for word: every test below would pass them
        # names may stand a little earlier: the speaker of a quote, the place a story opened with
        if not self.shares(claim, idxs, share):
            return False  # the cheapest test that fails most candidates, first: every test must pass
        # the rest does not depend on the share: a candidate tried again with a higher one (a quote, then
        # the same sentence located) is judged once
        key = (claim, tuple(idxs), attributed)
        known = self._verdicts.get(key)
        if known is None:
            if len(self._verdicts) >= 4096:
                self._verdicts.clear()
            known = self._verdicts[key] = self._supports(claim, idxs, attributed)
        return known

    @cached_property
    def _folded(self) -> list[str]:
        """Each sentence folded, without its closing stop."""
        return [fold(s.text).rstrip(" .") for s in self.sentences]

    def _verbatim(self, claim: str, idxs: list[int]) -> bool:
        """True if the claim is the sentences themselves, but for typography and a closing stop."""
        said = fold(claim).rstrip(" .")
        folded = self._folded
        if len(idxs) == 1:
            return said == folded[idxs[0]]
        return said == fold(" ".join(self.sentences[i].text for i in idxs)).rstrip(" .")

    def _supports(self, claim: str, idxs: list[int], attributed: bool) -> bool:
        """`supports` past its share test."""
        paragraph, before = self.paragraph(idxs, back=2)
        context = small_locator(paragraph)
        if context.unknown_numbers(claim):
            return False
        if not self.strict:
            return True
        if context.unknown_spelled(claim):
            return False  # (English number words: a brief in another language has its own)
        runs, words = self._claim_words(claim)
        # an earlier paragraph may supply a name only when this one names nobody else: "He confirmed ..."
        # continues the last speaker, but "Tomas Lindqvist" cannot borrow what Ana Kovac's paragraph says
        mine = {w for run in runs for w in run}
        others = any(not (run & mine) for run in person_runs(paragraph))
        around = [context] + ([small_locator(before)] if before and not others else [])
        for run in runs:
            # one word of a name suffices ("the bank" for "Czech National Bank"), but not a title alone
            words = [w for w in run if w not in TITLES] or run
            # ("Brennick-Carrow", a route: each of the names it joins)
            if not any(all(view.has_word(x) for x in w.split("-") if x) for view in around for w in words):
                return False
        if not words:
            return True
        sentences = [self.sentences[i] for i in idxs]
        if edited(claim, sentences, paragraph, self.proper, words, attributed, lambda: self.denies(claim)):
            return False
        shared = [w for w in words if not self.having(w).isdisjoint(idxs)]
        return same_polarity(claim, " ".join(s.text for s in sentences), shared)

    def _claim_words(self, claim: str) -> tuple[list[list[str]], list[str]]:
        """(the claim's names, its content words that are not names), asked of every candidate passage."""
        known = self._claims.get(claim)
        if known is None:
            if len(self._claims) >= 4096:  # one article, briefed again and again: bounded all the same
                self._claims.clear()
            runs = self.claim_names(claim)
            # names are checked on their own; the share is of what the claim says about them ("Maris resigned"
            # must find "resigned", not just "Maris")
            named = {w for run in runs for w in run}
            # (and numbers in words, which the number checks judge: "twelve hundred" for "1,200")
            known = self._claims[claim] = (runs, [w for w in content_words(claim) if w not in named and w not in NUMBER_NAMES])
        return known

    def shares(self, claim: str, idxs: list[int], share: float) -> bool:
        """False if the sentences hold too few of the claim's words for `supports` to hold (at least two, and
        `share` of them): a test that `supports` makes, and the one most candidates fail."""
        if not self.strict:
            return True
        words = self._claim_words(claim)[1]
        if not words:
            return True
        if len(idxs) == 1:
            shared = self._shared(claim, words).get(idxs[0], 0)
        else:
            shared = sum(1 for w in words if not self.having(w).isdisjoint(idxs))
        return not (shared < min(2, len(words)) or shared < share * len(words))

    def _shared(self, claim: str, words: list[str]) -> dict[int, int]:
        """How many of the claim's `words` each sentence holds (those that hold any): one pass over the
        index for a claim tried against candidate after candidate."""
        known = self._counts.get(claim)
        if known is None:
            if len(self._counts) >= 4096:
                self._counts.clear()
            known = self._counts[claim] = {}
            for w in words:
                for i in self.having(w):
                    known[i] = known.get(i, 0) + 1
        return known

    @cached_property
    def _denied(self) -> list[tuple[frozenset[str], float]]:
        """The content words of each negated clause of the article (three or more), with how many of them a
        claim must repeat to repeat the clause."""
        out = []
        # a clause's words are its sentence's: a sentence without a negation has no negated clause
        for sentence in (s for s in self.sentences if negated(s.text)):
            for clause in cue_clauses(sentence.text):
                if clause and negated(clause):
                    words = content_words(clause)  # each word once
                    if len(words) >= 3:
                        out.append((frozenset(words), max(3, 0.75 * len(words))))
        return out

    def denies(self, claim: str) -> bool:
        """True if the article denies what the claim asserts: the claim repeats a negated clause of the
        article ("its aircraft did not violate Finnish airspace") without the negation."""
        denied = self._denied
        if not denied:
            return False
        said = set(folded_words(claim))
        return any(len(said & words) >= enough for words, enough in denied)

    def names(self, name: str, idxs: list[int], *, paragraph: bool, besides: frozenset[str] = frozenset()) -> bool:
        """True if the sentences name `name`; with `paragraph`, also their paragraph, or the paragraph before
        when theirs names nobody else ("...," he said). `besides`: folded words that do not name them there
        while the name has others (a proposal's own words: "a shuttle bus between Brennick and Carrow" names
        no Carrow Town Council)."""
        text = " ".join(self.sentences[i].text for i in idxs)
        if might_name(text, name) and small_locator(text).has_name(name):
            return True
        if not paragraph:
            return False
        # a word of the name that tells it from others ("Matulionis", "Aerlink"): "the union" alone is anyone's
        # as written (a possessive aside), not as an inflection: "the region" is not "regional health department"
        tokens = distinctive(name)
        tokens = [t for t in tokens if t not in besides] or tokens
        own, before = self.paragraph(idxs)
        if names_any(own, tokens):
            return True
        # the paragraph before, when this one goes on from it ("“...,” he said", "They also called for ...")
        # and names nobody else: a paragraph that brings in its own subject ("The researchers recommended")
        # does not take one from before
        if not before or person_runs(own) or not goes_on(own, before):
            return False
        return names_any(before, tokens)

    def body(self, passage: Passage) -> bool:
        """True if the passage stands in the article's body, not only in a headline or heading."""
        return not set(self.indices(passage.start, passage.end)) <= self.headings

    def paragraph_span(self, idxs: list[int]) -> tuple[int, int]:
        """The range of sentence indices in the paragraph of the given sentences."""
        lo, hi, _ = self.loc.paragraph_span(self.spans[idxs[0]][0], self.spans[idxs[-1]][1])
        starts, ends = self._bounds
        first, last = bisect_left(starts, lo), bisect_right(ends, hi)  # those that start at lo or later, end by hi
        return (first, last) if first < last else (idxs[0], idxs[-1] + 1)

    def locate(self, claim: str, near: int, ok: callable, *, cue: bool = False) -> list[Passage] | None:  # type: ignore[valid-type]
        """The best sentence (or two adjacent ones in a paragraph) for which `ok` holds."""
        ranked = self.rank(content_words(claim) or [w for w in folded_words(claim) if len(w) > 1], near, cue=cue)
        ranked = [i for i in ranked if i not in self.headings]
        for i in ranked[:CANDIDATES]:
            if ok([i]):
                return self.passage([i])
        for i in ranked[: CANDIDATES // 2]:
            for pair in ([i - 1, i], [i, i + 1]):
                if pair[0] < 0 or pair[1] >= len(self.spans) or set(pair) & self.headings or self.loc.text.count(
                    "\n\n", self.spans[pair[0]][1], self.spans[pair[1]][0]
                ):
                    continue
                if ok(pair):
                    return self.passage(pair)
        return None

    # -- roles --------------------------------------------------------------------------------------
    @cached_property
    def low_vocab(self) -> tuple[list[str], dict[str, set[str]]]:
        """Every token of the article's sentences (folded, no possessive), sorted, so that the ones `same_word`
        can pair with a word (the same first four letters) are found by bisection; and for the few that British
        spelling changes, the tokens by their American spelling."""
        vocab = sorted({w for s in self.sentences for w in s.low})
        return vocab, respellings(vocab)

    def low_tokens(self, word: str) -> list[str]:
        """The article's tokens (as in `low_vocab`) with the first four letters of `word` (the word itself
        when it is shorter)."""
        vocab, key = self.low_vocab[0], word[:4]
        found, at = [], bisect_left(vocab, key)
        while at < len(vocab) and vocab[at].startswith(key):
            if len(key) == 4 or vocab[at] == key:
                found.append(vocab[at])
            at += 1
        return found


@cached(16)  # whole articles, as `locator` keeps them
def _passages(text: str, strict: bool) -> Passages:
    # kept here, not on the Locator: a Locator holding its Passages, which hold it, made each article a
    # reference cycle that only the collector's passes freed (some 1,500 objects an article, for dozens of
    # articles between passes)
    return Passages(locator(text), strict)
