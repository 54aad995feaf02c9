"""Whether a passage of the article supports a claim, and finding the passage that does.

Support, for a claim and a sentence (or two adjacent ones): every number of the claim stands in the
sentence's paragraph, every name in it or the paragraph before, most of the claim's content words stand in
the sentence itself (a word matches another inflection of it: Korea/Korean, deployed/deployment), and a
negation on one side is a negation on the other. Actors, proposed responses and figures add their own rules
(see the `judge_*` functions). Everything here is deterministic and reads only the article.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

from .text import (
    COMMON,
    FUNCTION_WORDS,
    NEGATIONS,
    NUMBER,
    PERSON,
    WORD,
    Locator,
    american,
    canon_number,
    fold,
    small_locator,
)

__all__ = ["Passage", "Passages", "judge_claim", "judge_actor", "judge_response", "judge_figure"]

QUOTED_SHARE = 0.5  # at least half of the claim's content words, in the sentence of a quote the model gave
LOCATED_SHARE = 0.51  # more than half, in a sentence the tool picks itself
CANDIDATES = 8  # best-scoring sentences tried when locating

Failure = tuple[str, str]  # (reason for the report, hint for a re-ask)

# Words a role uses that say nothing about whose role it is.
_GENERIC = {"country", "countries", "state", "states", "nation", "group", "body", "organization", "organisation",
            "official", "officials", "person", "people", "party", "parties", "involved", "member", "members",
            "side", "actor", "entity", "institution", "government", "authority", "authorities", "agency", "role",
            "leader", "figure", "company", "firm", "business", "corporation", "airline", "carrier", "operator",
            "supplier", "union", "employer", "provider"}
# Capitalized words that are titles rather than names of anyone.
_TITLES = {"president", "minister", "secretary", "general", "chief", "executive", "director", "governor", "head",
           "chair", "chairman", "chairwoman", "spokesman", "spokeswoman", "spokesperson", "ambassador", "prime",
           "deputy", "senior", "former", "mayor", "premier", "commissioner", "officer", "king", "queen", "prince",
           "judge", "justice", "senator", "representative", "permanent", "foreign", "defence", "defense",
           "finance", "health", "interior", "vice", "acting", "professor", "doctor", "sir", "lord", "lady"}
# A proposal: somebody proposes, urges, calls for, demands, plans, offers, says something should be done.
_CUES = re.compile(
    r"\b(?:propos\w*|urg\w*|call(?:s|ed|ing)?\s+(?:for|on|upon)|demand\w*|plan(?:s|ned|ning)?\b|offer\w*|should"
    r"|must|need(?:s|ed)?\s+(?:to|for)|the\s+need|suggest\w*|recommend\w*|want(?:s|ed)?\s+to|ask(?:s|ed)?\s+\w+\s+to"
    r"|press(?:es|ed)?\s+for|push(?:es|ed)?\s+for|seek\w*|sought|intend\w*|pledg\w*|promis\w*|vow\w*|agree\w*"
    r"|approv\w*|appeal\w*|encourag\w*|advocat\w*|insist\w*|hope[sd]?\s+(?:that|to)"
    r"|(?:is|are|was|were)\s+(?:going|set|expected|ready|prepared)\s+to|will\s+(?:seek|ask|introduce|propose|table)"
    r"|important|necessary|consider\w*|aim(?:s|ed)?\s+to|threaten\w*|back(?:s|ed)?\s+(?:a|an|the)\b)",
    re.IGNORECASE,
)
_REFUSAL = re.compile(r"(?:reject|refus|declin|dismiss|oppos|turn(?:s|ed)?$|denie|deny|spurn|vetoe)")
_CUE_CLAUSE = re.compile(r"[,;:–—]|\b(?:and|but|while|although|though|whereas)\b", re.IGNORECASE)
_CLAUSE = re.compile(r"[,;:–—.!?]|\b(?:but|while|although|though|however|whereas)\b", re.IGNORECASE)
_NEGATED = re.compile(r"n[’']t\b", re.IGNORECASE)
_NEG_WORDS = NEGATIONS | {"neither", "cannot", "nobody", "nothing"}
_TOKEN = re.compile(r"[^\W\d_][\w'’\-]*")
_NUMBER_WORDS = re.compile(
    r"(?i)\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundreds?"
    r"|thousands?|millions?|billions?|dozens?|half|third|quarter|percent|several)\b"
)
# where one sentence of a claim joins two facts: "... and stresses ...", "...; ...", "..., while ..."
_JOINS = re.compile(r",?\s+and\s+(?=[a-z]+(?:s|ed)\b)|;\s+|,\s+while\s+")
_SPEECH_VERBS = (r"(?:said|says|say|told|tells|added|adds|warned|warns|stressed|stresses|emphasi[sz]ed|noted|notes|argued"
                 r"|insisted|wrote|writes|announced|announces|confirmed|confirms|claimed|claims|explained|stated|states"
                 r"|believes|believed|thinks|described|called|urged|acknowledged|admitted|denied|replied|responded)")
_VERB = re.compile(r"\b" + _SPEECH_VERBS + r"\b")
_SPEAKS = re.compile(r"^\s*(?:[A-Z][\w’'\-]+\s+){1,5}" + _SPEECH_VERBS + r"\b")  # "Brook Hill said ..."
_SPEECH = re.compile(r"\b" + _SPEECH_VERBS + r"\b|[“”\"]|\baccording\s+to\b", re.IGNORECASE)
_SENTENCES = re.compile(r"(?<=[.!?])\s+(?=[A-Z])|;\s+")


@dataclass(frozen=True)
class Passage:
    start: int
    end: int
    match: str  # exact / normalized / fuzzy (the model's quote) or located (found by the tool)


def content_words(text: str) -> list[str]:
    """The words that carry a claim: four letters or more, not function words, folded and in American spelling."""
    words = (w for w in re.findall(r"[^\W\d_]{4,}", fold(text)) if w not in FUNCTION_WORDS)
    return list(dict.fromkeys(words))


@lru_cache(maxsize=8192)
def _same_word(a: str, b: str) -> bool:
    """The same word give or take an ending (Korea/Korean, called/calls) or a British spelling."""
    if a == b:
        return True
    if american(a) == american(b):
        return True
    if min(len(a), len(b)) < 4 or abs(len(a) - len(b)) > 4:
        return False
    need = max(4, min(len(a), len(b)) - 3)
    return a[:need] == b[:need]


def _negated(text: str) -> bool:
    return bool(_NEGATED.search(text)) or any(w in _NEG_WORDS for w in WORD.findall(text.lower()))


class _Sentence:
    """One sentence with what support needs of it, computed once per article."""

    def __init__(self, text: str):
        self.text = text
        self.words = {w for w in WORD.findall(fold(text)) if len(w) > 1}
        self._by_prefix: dict[str, list[str]] = {}
        for w in self.words:
            self._by_prefix.setdefault(w[:4], []).append(w)
        self.cue = bool(_CUES.search(text))

    def has(self, word: str) -> bool:
        return word in self.words or any(_same_word(word, w) for w in self._by_prefix.get(word[:4], ()))


class Passages:
    """The article's sentences, paragraphs and the judgments over them. One per article (cached)."""

    def __init__(self, loc: Locator, strict: bool):
        self.loc = loc
        self.strict = strict  # False: the brief is in another language than the article, words can't be compared
        self.spans = loc.sentences
        self.sentences = [_Sentence(loc.text[s:e]) for s, e in self.spans]
        # headlines and section headings ("Pressure at home", "Background"): they name things but state
        # nothing a reader can check, so they are no evidence for a claim
        self.headings = {i for i, (s, e) in enumerate(self.spans) if _heading(loc.text, s, e)}
        # words the article writes capitalized inside a sentence: its proper names
        self.proper = {
            fold(t.group()).removesuffix("’s").removesuffix("'s")
            for s, e in self.spans
            for k, t in enumerate(_TOKEN.finditer(loc.text, s, e))
            if k and t.group()[0].isupper()
        } - COMMON

    def claim_names(self, claim: str) -> list[list[str]]:
        """The names a claim uses, each as the words of one run of capitalized words (or a single word the
        article writes as a name)."""
        runs: list[list[str]] = []
        last_end = -2
        for k, t in enumerate(_TOKEN.finditer(claim)):
            word = fold(t.group()).removesuffix("’s").removesuffix("'s")
            named = word not in COMMON and len(word) > 1 and (word in self.proper or (k and t.group()[0].isupper()))
            if not named:
                last_end = -2
                continue
            if runs and not claim[last_end : t.start()].strip():
                runs[-1].append(word)
            else:
                runs.append([word])
            last_end = t.end()
        return runs

    @classmethod
    def of(cls, loc: Locator, strict: bool = True) -> Passages:
        cache = loc.__dict__.setdefault("_passages", {})
        if strict not in cache:
            cache[strict] = cls(loc, strict)
        return cache[strict]

    # -- geometry -----------------------------------------------------------------------------------
    def indices(self, start: int, end: int) -> list[int]:
        """The sentences that text[start:end] overlaps (the one holding it when it is inside one)."""
        hit = [i for i, (s, e) in enumerate(self.spans) if s < end and start < e]
        return hit or [self.loc.sentence_index(start)] if self.spans else []

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

    def rank(self, words: list[str], near: int, *, cue: bool = False) -> list[int]:
        """Sentences by how many of `words` they hold (ties: nearer the part first)."""
        key = (" ".join(words) + ("|cue" if cue else ""), near)
        if key not in self._rank_cache:
            scored = []
            for pos, i in enumerate(self.order(near)):
                s = self.sentences[i]
                if cue and not s.cue:
                    continue
                score = sum(1 for w in words if s.has(w))
                if score:
                    scored.append((-score, pos, i))
            self._rank_cache[key] = [i for _, _, i in sorted(scored)]
        return self._rank_cache[key]

    # -- support ------------------------------------------------------------------------------------
    def supports(self, claim: str, idxs: list[int], share: float, *, attributed: bool = False) -> bool:
        """True if the sentences support the claim (see the module's docstring). `attributed`: the claim is
        credited to someone outside its text (a proposed response), so quoted words may back it."""
        # names may stand a little earlier: the speaker of a quote, the place a story opened with
        paragraph, before = self.paragraph(idxs, back=2)
        context = small_locator(paragraph)
        if context.unknown_numbers(claim):
            return False
        if not self.strict:
            return True
        runs = self.claim_names(claim)
        # an earlier paragraph may supply a name only when this one names nobody else: "He confirmed ..."
        # continues the last speaker, but "Tomas Lindqvist" cannot borrow what Ana Kovac's paragraph says
        mine = {w for run in runs for w in run}
        others = any(not ({fold(t) for t in m.group().split()} & mine) for m in PERSON.finditer(paragraph))
        around = [context] + ([small_locator(before)] if before and not others else [])
        for run in runs:
            # one word of a name suffices ("the bank" for "Czech National Bank"), but not a title alone
            words = [w for w in run if w not in _TITLES] or run
            if not any(view.has_word(w) for view in around for w in words):
                return False
        # names are checked above; the share is of what the claim says about them ("Maris resigned" must
        # find "resigned", not just "Maris")
        named = {w for run in runs for w in run}
        words = [w for w in content_words(claim) if w not in named]
        if not words:
            return True
        sentences = [self.sentences[i] for i in idxs]
        if any(_swapped_name(claim, s.text, self.proper) or _negation_edit(claim, s.text) or _speaker_swap(claim, s.text)
               for s in sentences):
            return False
        if _SPEAKS.search(claim) and not any(_SPEECH.search(s.text) for s in sentences):
            return False  # "X said ...": the passage must be someone saying it
        if not attributed and not _SPEECH.search(claim) and any(_quoted_opinion(words, s.text) for s in sentences):
            return False  # somebody's words in quotation marks, stated as fact without them
        if not _negated(claim) and not _repeats(claim, sentences) and self.denies(claim):
            return False
        shared = [w for w in words if any(s.has(w) for s in sentences)]
        if len(shared) < min(2, len(words)) or len(shared) < share * len(words):
            return False
        return self._same_polarity(claim, " ".join(s.text for s in sentences), shared)

    @staticmethod
    def _same_polarity(claim: str, text: str, shared: list[str]) -> bool:
        """A negation on one side is a negation on the other: "did not confirm" is not "confirmed", and
        "the bridge would not stay closed" is not "would stay closed"."""
        negated = [_Sentence(c) for c in _CLAUSE.split(text) if c and _negated(c)]
        claimed = [c for c in _CUE_CLAUSE.split(claim) if c and _negated(c)]
        if claimed:
            # what the claim denies, the passage must deny too
            for clause in claimed:
                words = content_words(clause)
                if words and not any(sum(n.has(w) for w in words) * 2 >= len(words) for n in negated):
                    return False
            return True
        for inside in negated:
            overlap = [w for w in shared if inside.has(w)]
            if len(overlap) >= 2 and len(overlap) >= 0.5 * len(shared):
                return False  # the article says it is not so
            own = content_words(inside.text)
            if own and sum(_Sentence(claim).has(w) for w in own) >= max(2, 0.6 * len(own)):
                return False  # the claim repeats a denied clause without its denial
        return True

    @cached_property
    def _denied(self) -> list[tuple[list[str], _Sentence]]:
        out = []
        for sentence in self.sentences:
            for clause in _CUE_CLAUSE.split(sentence.text):
                if clause and _negated(clause):
                    words = content_words(clause)
                    if len(words) >= 3:
                        out.append((words, sentence))
        return out

    def denies(self, claim: str) -> bool:
        """True if the article denies what the claim asserts: the claim repeats a negated clause of the
        article ("its aircraft did not violate Finnish airspace") without the negation."""
        said = set(WORD.findall(fold(claim)))
        return any(sum(w in said for w in words) >= max(3, 0.75 * len(words)) for words, _ in self._denied)

    def names(self, name: str, idxs: list[int], *, paragraph: bool) -> bool:
        """True if the sentences name `name`; with `paragraph`, also their paragraph, or the paragraph before
        when theirs names nobody else ("...," he said)."""
        text = " ".join(self.sentences[i].text for i in idxs)
        if small_locator(text).has_name(name):
            return True
        if not paragraph:
            return False
        tokens = [t for t in WORD.findall(fold(name)) if t not in COMMON and len(t) > 1]
        own, before = self.paragraph(idxs)
        if any(small_locator(own).has_word(t) for t in tokens):
            return True
        others = re.search(r"[A-Z][\w’'\-]+\s+[A-Z][\w’'\-]+", own)
        return bool(before) and not others and any(small_locator(before).has_word(t) for t in tokens)

    def body(self, passage: Passage) -> bool:
        """True if the passage stands in the article's body, not only in a headline or heading."""
        return not set(self.indices(passage.start, passage.end)) <= self.headings

    def proposes(self, idxs: list[int], words: list[str], proposer: str) -> bool:
        """True if the sentences propose the action: a cue (urges, calls for, should ...) in the clause that
        holds most of its words, or before them. "X summoned the envoy and called for sanctions" proposes
        sanctions, not the summoning. A sentence without any cue may borrow one from its neighbour in the
        paragraph that names the proposer ("There is also the issue of sanctions. And, importantly, ...,"
        Matulionis added)."""
        for i in idxs:
            text = self.sentences[i].text
            if not self.sentences[i].cue:
                continue
            for clause in _CUE_CLAUSE.split(text):
                inside = _Sentence(clause)
                if inside.cue and words and sum(inside.has(w) for w in words) * 2 >= len(words):
                    return True
            first_cue = _CUES.search(text)
            positions = [m.start() for m in _TOKEN.finditer(text) if any(_same_word(fold(m.group()), w) for w in words)]
            enough = sum(self.sentences[i].has(w) for w in words) * 2 >= len(words)
            if first_cue and positions and enough and first_cue.start() < min(positions):
                return True
        if any(self.sentences[i].cue for i in idxs):
            return False
        lo, hi = self.paragraph_span(idxs)
        return any(
            self.sentences[j].cue and self.names(proposer, [j], paragraph=False)
            for j in (idxs[0] - 1, idxs[-1] + 1)
            if lo <= j < hi
        )

    def paragraph_span(self, idxs: list[int]) -> tuple[int, int]:
        """The range of sentence indices in the paragraph of the given sentences."""
        lo, hi, _ = self.loc.paragraph_span(self.spans[idxs[0]][0], self.spans[idxs[-1]][1])
        inside = [k for k, (s, e) in enumerate(self.spans) if lo <= s and e <= hi]
        return (inside[0], inside[-1] + 1) if inside else (idxs[0], idxs[-1] + 1)

    def locate(self, claim: str, near: int, ok: callable, *, cue: bool = False) -> list[Passage] | None:  # type: ignore[valid-type]
        """The best sentence (or two adjacent ones in a paragraph) for which `ok` holds."""
        ranked = self.rank(content_words(claim) or [w for w in WORD.findall(fold(claim)) if len(w) > 1], near, cue=cue)
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
    def role_elsewhere(self, name: str, role: str) -> bool:
        """True if the article gives the role to someone else: its words stand beside another name and never
        beside this one ("Finance Minister A ..., while Central Bank Governor B" makes B the governor)."""
        mine = {t for t in WORD.findall(fold(name)) if t not in COMMON and len(t) > 1}
        words = [w for w in content_words(role) if w not in _GENERIC and not any(_same_word(w, t) for t in mine)]
        if not words:
            return False
        own = other = 0
        for s in self.sentences:
            side = _attached(s.text, words, mine)
            own += side == "own"
            other += side == "other"
        return other > 0 and own == 0


def _swapped_name(claim: str, sentence: str, proper: set[str]) -> bool:
    """True if the claim is the sentence with one name put in place of another ("Kessel mayor Helen Marsh
    called for ..." where the article has "Kessel mayor Ingrid Solheim called for ..."): how a true passage is
    handed to the wrong person."""
    a = [t.group() for t in _TOKEN.finditer(claim)]
    b = [t.group() for t in _TOKEN.finditer(sentence)]
    la, lb = [fold(t) for t in a], [fold(t) for t in b]
    matcher = difflib.SequenceMatcher(None, la, lb, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op != "replace" or i2 - i1 > 6 or j2 - j1 > 20:
            continue
        # a claim's first word is capitalized anyway ("Calls for sanctions"): a name only if the article's
        mine = _named(a[i1:i2], la[i1:i2], proper if i1 == 0 else None)
        theirs = _named(b[j1:j2], lb[j1:j2], proper if j1 == 0 else None)
        if mine and theirs and not mine & theirs and not any(_same_word(x, y) for x in mine for y in theirs):
            return True
    return False


def _speaker_swap(claim: str, sentence: str) -> bool:
    """True if the claim gives a verb of the sentence another subject: "Health Minister warned that ..." where
    the article has "..., while WHO country representative Dr. Severin Kamau warned that ..."."""
    for verb in _VERB.finditer(claim):
        mine = _subject(claim, verb.start())
        if not mine:
            continue
        for there in re.finditer(r"\b" + re.escape(verb.group()) + r"\b", sentence):
            theirs = _subject(sentence, there.start())
            if theirs and not mine & theirs and not any(_same_word(x, y) for x in mine for y in theirs):
                return True
    return False


def _subject(text: str, at: int) -> set[str]:
    """The capitalized words right before offset `at` (the run of a name or title), folded."""
    words = [t for t in _TOKEN.finditer(text[:at])][-6:]
    run: list[str] = []
    edge = at
    for t in reversed(words):
        if text[t.end() : edge].strip(" .") or not t.group()[0].isupper():
            break
        run.append(fold(t.group()).removesuffix("’s").removesuffix("'s"))
        edge = t.start()
    return {w for w in run if w not in COMMON}


def _named(tokens: list[str], low: list[str], proper: set[str] | None = None) -> set[str]:
    """The capitalized words of a stretch of text; titles only when there is nothing else. With `proper`, the
    stretch opens a sentence, and its first word counts only if the article writes it as a name."""
    caps = {w for k, (t, w) in enumerate(zip(tokens, low, strict=True))
            if t[0].isupper() and w not in COMMON and (k or proper is None or w in proper)}
    return (caps - _TITLES) or caps


def _quoted_opinion(words: list[str], sentence: str) -> bool:
    """True if most of the claim's words that the sentence holds stand inside its quotation marks."""
    inside = " ".join(re.findall(r"[“\"]([^”\"]+)[”\"]", sentence))
    if not inside:
        return False
    whole, quoted = _Sentence(sentence), _Sentence(inside)
    there = [w for w in words if whole.has(w)]
    return len(there) >= 2 and sum(quoted.has(w) for w in there) >= 0.6 * len(there)


def _repeats(claim: str, sentences: list[_Sentence]) -> bool:
    """True if the claim is, give or take a few words, the passage itself."""
    a = WORD.findall(fold(claim))
    return any(difflib.SequenceMatcher(None, a, WORD.findall(fold(s.text)), autojunk=False).ratio() >= 0.8 for s in sentences)


def _negation_edit(claim: str, sentence: str) -> bool:
    """True if the claim is the sentence with a "not" (or "no", "never" ...) put in or taken out."""
    a = [t.lower() for t in WORD.findall(claim)]
    b = [t.lower() for t in WORD.findall(sentence)]
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.ratio() < 0.5:
        return False  # not the same sentence: polarity is judged by clauses instead
    ops = matcher.get_opcodes()
    for k, (op, i1, i2, j1, j2) in enumerate(ops):
        if op == "delete" and k in (0, len(ops) - 1):
            continue  # the sentence goes on before or after the part the claim repeats
        if op != "equal" and sum(w in _NEG_WORDS or w == "t" for w in a[i1:i2]) != sum(
            w in _NEG_WORDS or w == "t" for w in b[j1:j2]
        ):
            return True
    return False


def _heading(text: str, start: int, end: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    line = text[line_start:line_end].strip()
    if text[start:end].strip() != line or len(line.split()) > 14 or line[-1:] in ".!?\"”’:;)":
        return False
    before = text[max(0, line_start - 2) : line_start]
    after = text[line_end : line_end + 2]
    return (line_start == 0 or before.endswith("\n\n") or not before.strip()) and (after in ("", "\n") or after == "\n\n")


def _attached(text: str, role: list[str], mine: set[str]) -> str | None:
    """Whose the role words in one sentence are: 'own', 'other' or None (not there, or nobody near)."""
    tokens = list(_TOKEN.finditer(text))
    low = [fold(t.group()).removesuffix("’s").removesuffix("'s") for t in tokens]
    at = {i for i, w in enumerate(low) if any(_same_word(w, r) for r in role)}
    if len({low[i] for i in at}) < max(1, (len(role) + 1) // 2):
        return None
    others: list[int] = []
    i = 0
    while i < len(tokens):
        if not tokens[i].group()[0].isupper():
            i += 1
            continue
        j = i
        while j + 1 < len(tokens) and tokens[j + 1].group()[0].isupper() and not text[tokens[j].end() : tokens[j + 1].start()].strip():
            j += 1
        run = range(i, j + 1)
        titled = [k for k in run if k in at]
        # "NATO Secretary General Mark Rutte": the name follows the title; "Valmora Dockworkers' Union" is the
        # role's own phrase (its last role word is no title), so nobody in it holds the role
        if titled and low[max(titled)] not in _TITLES:
            i = j + 1
            continue
        for k in (k for k in run if k > max(titled)) if titled else run:
            if low[k] in COMMON or low[k] in _TITLES or low[k] in mine or text[tokens[k].end() : tokens[k].end() + 1] == ":":
                continue
            others.append(k)
        i = j + 1
    own = [i for i, w in enumerate(low) if w in mine and not (tokens[i].group().endswith(("’s", "'s")) and i + 1 in at)]
    if not own and not others:
        return None
    # "WHO country representative Dr. Severin Kamau": the name right after the title holds it
    k = max(at) + 1 if low[max(at)] in _TITLES else len(tokens)
    while k < len(tokens) and low[k] in _TITLES | {"dr", "mr", "mrs", "ms"} and not text[tokens[k - 1].end() : tokens[k].start()].strip(" ."):
        k += 1
    if k < len(tokens) and tokens[k].group()[0].isupper() and not text[tokens[k - 1].end() : tokens[k].start()].strip(" ."):
        if k in own:
            return "own"
        if k in others:
            return "other"
    center = sum(at) / len(at)
    d_own = min((abs(i - center) for i in own), default=float("inf"))
    d_other = min((abs(i - center) for i in others), default=float("inf"))
    return "own" if d_own <= d_other else "other"


# -- the judges: (chosen evidence, None) or ([], (reason, hint)) ---------------------------------------


def judge_claim(p: Passages, claim: str, quoted: list[Passage], near: int, *, strict_words: bool = True
                ) -> tuple[list[Passage], Failure | None]:
    """A plain claim (what happened, a background point). A claim of several sentences needs support for
    each of them; its evidence is their passages together."""
    pieces = _SENTENCES.split(claim.strip()) if strict_words else [claim]
    pieces = [c for c in pieces if content_words(c) or NUMBER.search(c)] or [claim]
    chosen: list[Passage] = []
    for piece in pieces:
        found = _support_one(p, piece, quoted, near, strict_words) or (strict_words and _support_clauses(p, piece, quoted, near))
        if not found:
            return [], ("no passage of the article supports it",
                        "no sentence of the article says this; state only what the article says, in its words")
        chosen += [f for f in found if all((f.start, f.end) != (c.start, c.end) for c in chosen)]
    return sorted(chosen, key=lambda c: c.start), None


def _support_clauses(p: Passages, piece: str, quoted: list[Passage], near: int) -> list[Passage]:
    """A sentence joining two facts ("He confirmed X and stressed Y"), each supported on its own. Later
    clauses keep the sentence's subject, so "Rutte confirmed X and stressed Y" needs Rutte beside Y too."""
    clauses = [c for c in _JOINS.split(piece) if c.strip()]
    if len(clauses) < 2:
        return []
    subject = re.match(r"(?:[A-Z][\w’'\-]+\s+){0,3}[A-Z][\w’'\-]+", piece)
    lead = subject.group(0) + " " if subject and subject.group(0).lower() not in COMMON else ""
    chosen: list[Passage] = []
    for k, clause in enumerate(clauses):
        found = _support_one(p, clause if k == 0 else lead + clause, quoted, near, True)
        if not found:
            return []
        chosen += found
    return chosen


def _support_one(p: Passages, claim: str, quoted: list[Passage], near: int, strict_words: bool) -> list[Passage]:
    if strict_words and len(content_words(claim)) < 3 and not NUMBER.search(claim):
        return []  # "Background", "Pressure at home": a heading, not a claim
    good = [q for q in quoted if p.body(q) and p.supports(claim, p.indices(q.start, q.end), QUOTED_SHARE)]
    if good or not strict_words:
        return good
    return p.locate(claim, near, lambda idxs: p.supports(claim, idxs, LOCATED_SHARE)) or []


def judge_actor(p: Passages, name: str, role: str, quoted: list[Passage], near: int
                ) -> tuple[list[Passage], Failure | None]:
    """An actor: evidence is a sentence that names them; a role the article gives someone else is refused."""
    if p.strict and p.role_elsewhere(name, role):
        return [], ("the article gives this role to someone else",
                    f"the article gives the role {role!r} to someone else, not to {name!r}")
    specific = [w for w in content_words(role) if w not in _GENERIC]
    if p.strict and specific and not any(p.loc.has_word(w) for w in specific):
        return [], ("a role the article does not give", f"the article does not call {name!r} {role!r}")
    good = [q for q in quoted if p.names(name, p.indices(q.start, q.end), paragraph=False)]
    if good:
        return good, None
    role_words = content_words(role)
    naming = [i for i in p.order(near) if p.names(name, [i], paragraph=False)]
    if naming:
        best = max(naming, key=lambda i: (i not in p.headings, sum(1 for w in role_words if p.sentences[i].has(w)), -naming.index(i)))
        return p.passage([best]), None
    return [], ("no sentence of the article names them",
                f"quote the sentence of the article that names {name!r}")


def judge_response(p: Passages, proposer: str, action: str, status: str, quoted: list[Passage], near: int, *,
                   strict_words: bool = True) -> tuple[list[Passage], Failure | None]:
    """A proposed response: a passage that proposes it (urges, calls for, plans ...) and names who did."""

    words = content_words(action)
    first = WORD.findall(fold(action))[:1]
    if first and _REFUSAL.match(first[0]):
        return [], ("a refusal, not a proposal",
                    "list under proposed_responses only what someone proposed, not what they rejected")

    def ok(idxs: list[int], share: float) -> bool:
        # the cues are English: for a brief in another language than the article only the rest is checked
        if p.strict and not p.proposes(idxs, words, proposer):
            return False
        return p.names(proposer, idxs, paragraph=True) and p.supports(action, idxs, share, attributed=True)

    good = [q for q in quoted if p.body(q) and ok(p.indices(q.start, q.end), QUOTED_SHARE)]
    if good:
        return good, None
    if strict_words:
        found = p.locate(action, near, lambda idxs: ok(idxs, LOCATED_SHARE))
        if found:
            return found, None
    return [], ("no passage shows them proposing it",
                f"no sentence of the article shows {proposer!r} proposing, urging or calling for this; list only "
                "actions that someone proposed, credited to whoever proposed them")


def judge_figure(p: Passages, value: str, label: str, quoted: list[Passage], near: int
                 ) -> tuple[list[Passage], Failure | None]:
    """A key figure: its number stands in the passage, and the passage speaks of what it counts."""
    # a year or other number in the label ("rate in 2022") must stand in the passage too
    numbers = {canon_number(m.group()) for m in NUMBER.finditer(fold(f"{value} {label}"))}
    label_words = content_words(f"{label} {value}")
    if (not numbers and not _NUMBER_WORDS.search(value)) or len(value.split()) > 8:
        return [], ("not a figure", "key_figures are numbers as the article writes them, with a short label")

    def ok(idxs: list[int]) -> bool:
        text = " ".join(p.sentences[i].text for i in idxs)
        there = {canon_number(m.group()) for m in NUMBER.finditer(fold(text))}
        if not numbers <= there:
            return False
        if not numbers and not all(any(p.sentences[i].has(w) for i in idxs) for w in content_words(value)):
            return False
        return not label_words or any(p.sentences[i].has(w) for i in idxs for w in label_words)

    good = [q for q in quoted if ok(p.indices(q.start, q.end))]
    if good:
        return good, None
    holding = [i for i in p.order(near) if ok([i])]
    if holding:
        best = max(holding, key=lambda i: (sum(1 for w in label_words if p.sentences[i].has(w)), -holding.index(i)))
        return p.passage([best]), None
    return [], ("the figure is not in a passage about it",
                f"the article does not give {value!r} as {label!r}; copy figures as the article writes them")
