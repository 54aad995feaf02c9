"""How a claim differs from the sentence it was made from, when most of its words are the sentence's: one
name put in another's place, a verb given another speaker or subject, a negation added or dropped, somebody's
quoted words stated as fact. `schemas.support` refuses a claim for any of these; nothing here knows of drafts.
"""

from __future__ import annotations

import difflib
import re
from bisect import bisect_left, bisect_right

from .normal import folded_words
from .runs import lowered_words
from .signals import (
    CALENDAR,
    JOINS,
    NEG_WORDS,
    TITLES,
    VERB,
    Sentence,
    clauses,
    content_words,
    cue_clauses,
    negated,
    same_word,
    sentence_of,
)
from .text import cached, fold
from .vocabulary import COMMON, FUNCTION_WORDS, token_re

__all__ = ["pair_matcher", "negation_edit", "quoted_opinion", "repeats", "roles_swapped", "same_polarity", "undenied", "speaker_swap", "subject_swap", "swapped_name"]

_NEG_OR_T = NEG_WORDS | {"t"}  # "t": what is left of "n't" by \w+
_QUOTED = re.compile(r"[“\"]([^”\"]+)[”\"]")


@cached(2048)
def pair_matcher(a: tuple[str, ...], b: tuple[str, ...]) -> difflib.SequenceMatcher[str]:
    """One matcher per pair of token sequences: several tests compare the same claim with the same sentence,
    often in the same words, and a matcher keeps what it has worked out."""
    return difflib.SequenceMatcher(None, a, b, autojunk=False)


def _similar(matcher: difflib.SequenceMatcher[str], bound: float) -> bool:
    """`matcher.ratio() >= bound`, trying its cheap upper bounds first (most pairs fail those)."""
    return matcher.real_quick_ratio() >= bound and matcher.quick_ratio() >= bound and matcher.ratio() >= bound


def swapped_name(claim: str, sentence: str | Sentence, proper: set[str]) -> bool:
    """True if the claim is the sentence with one name put in place of another ("Kessel mayor Helen Marsh
    called for ..." where the article has "Kessel mayor Ingrid Solheim called for ..."): how a true passage is
    handed to the wrong person. (Given a `Sentence`, its tokens are read off it.)"""
    mine, theirs = sentence_of(claim), sentence if isinstance(sentence, Sentence) else Sentence(sentence)
    a, b, la, lb = mine.raw, theirs.raw, mine.folded, theirs.folded
    ops = pair_matcher(tuple(la), tuple(lb)).get_opcodes()
    for k, (op, i1, i2, j1, j2) in enumerate(ops):
        # where the claim leaves out a long stretch of the sentence, only the sentence's words beside what it
        # repeats stand in for the claim's: "La Ronge, vice-president ..." over "... road, while Marc Dufresne,
        # vice-president ..." (those after the stretch; at the claim's end, those before it)
        if op == "replace" and j2 - j1 > max(20, i2 - i1 + 2):
            j1, j2 = _standing_in(j1, j2, i2 - i1, at_end=k == len(ops) - 1)
        if op != "replace" or i2 - i1 > 6 or j2 - j1 > 20:
            continue
        # a claim's first word is capitalized anyway ("Calls for sanctions"): a name only if the article's
        mine = _named(a[i1:i2], la[i1:i2], proper if i1 == 0 else None)
        theirs = _named(b[j1:j2], lb[j1:j2], proper if j1 == 0 else None)
        if mine and theirs and not _parts(mine) & _parts(theirs) and not any(same_word(x, y) for x in mine for y in theirs) and (
                # in another order the names meet elsewhere ("The town of Tarn will close its Main Street ... on
                # Monday" for "Main Street in the town of Tarn will close on Monday"): nobody is put in their place
                not mine <= set(lb) or not theirs <= set(la)):
            return True
    return False


def _parts(names: set[str]) -> set[str]:
    """The names and the parts of those joined by a hyphen: "Brennick-Carrow" (a route) names Brennick too; a
    month is also its short form ("December" for "Dec.")."""
    return (names | {part for name in names if "-" in name for part in name.split("-") if part}
            | {name[:3] for name in names if name in CALENDAR and len(name) > 3})


def speaker_swap(claim: str, sentence: str) -> bool:
    """True if the claim gives a verb of the sentence another subject: "Health Minister warned that ..." where
    the article has "..., while WHO country representative Dr. Severin Kamau warned that ..."."""
    for verb, mine in _speakers(claim):
        for there in re.finditer(r"\b" + re.escape(verb) + r"\b", sentence):
            theirs = _subject(sentence, there.start())
            if theirs and not mine & theirs and not any(same_word(x, y) for x in mine for y in theirs):
                return True
    return False


@cached(4096)  # one claim is held against candidate after candidate
def _speakers(claim: str) -> tuple[tuple[str, frozenset[str]], ...]:
    """The claim's speech verbs that have a subject, each with its subject (see `_subject`)."""
    return tuple((verb.group(), frozenset(mine)) for verb in VERB.finditer(claim) if (mine := _subject(claim, verb.start())))


def _subject(text: str, at: int) -> set[str]:
    """The capitalized words right before offset `at` (the run of a name or title), folded."""
    head = text[:at]
    words = list(token_re(head).finditer(head))[-6:]
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
    return (caps - TITLES) or caps


def quoted_opinion(words: list[str], sentence: str) -> bool:
    """True if most of the claim's words that the sentence holds stand inside its quotation marks."""
    inside = " ".join(_QUOTED.findall(sentence))
    if not inside:
        return False
    whole, quoted = sentence_of(sentence), sentence_of(inside)
    there = [w for w in words if whole.has(w)]
    return len(there) >= 2 and sum(quoted.has(w) for w in there) >= 0.6 * len(there)


def repeats(claim: str, sentences: list[Sentence]) -> bool:
    """True if the claim is, give or take a few words, the passage itself."""
    a = tuple(folded_words(claim))
    return any(_similar(pair_matcher(a, tuple(folded_words(s.text))), 0.8) for s in sentences)


def negation_edit(claim: str, sentence: str) -> bool:
    """True if the claim is the sentence with a "not" (or "no", "never" ...) put in or taken out."""
    (a, negates), (b, denied) = _lowered(claim), _lowered(sentence)
    if not negates and not denied:
        return False  # no negation on either side: no edit of the two can differ in one
    matcher = pair_matcher(a, b)
    if not _similar(matcher, 0.5):
        return False  # not the same sentence: polarity is judged by clauses instead
    ops = matcher.get_opcodes()
    for k, (op, i1, i2, j1, j2) in enumerate(ops):
        if op == "delete" and k in (0, len(ops) - 1):
            continue  # the sentence goes on before or after the part the claim repeats
        if op == "insert" and k == len(ops) - 1 and k:
            continue  # the sentence goes on after all the claim says: "should start this week, not next month"
        # where the claim begins (or ends) within the sentence, only the sentence's words that stand in for the
        # claim's, and two more, are its edit: "... could not afford it and proposed spending the money" is not
        # "spend the money" with its "not" taken out, but "did not confirm the deal" is "confirmed the deal"
        if (k == 0 and len(ops) > 1) or (k == len(ops) - 1 and k):
            j1, j2 = _standing_in(j1, j2, i2 - i1, at_end=k > 0)
        theirs = b[j1:j2]
        if op == "insert" and len(theirs) > 4:
            # a clause of the sentence the claim leaves out, "not" and all, edits none of the claim's words: only
            # the words either side of the claim's count ("will not stay", "... and")
            theirs = theirs[:2] + theirs[-2:]
        if op != "equal" and sum(w in NEG_WORDS or w == "t" for w in a[i1:i2]) != sum(
            w in NEG_WORDS or w == "t" for w in theirs
        ):
            return True
    return False


@cached(4096)  # a claim is held against candidate after candidate, a sentence against claim after claim
def _lowered(text: str) -> tuple[tuple[str, ...], bool]:
    """(the words of the lowered text, whether one of them is a negation or the "t" of "n't")."""
    words = tuple(lowered_words(text))
    return words, not _NEG_OR_T.isdisjoint(words)


def _standing_in(j1: int, j2: int, size: int, *, at_end: bool) -> tuple[int, int]:
    """Of the sentence's words j1:j2, those that stand in for `size` words of the claim, and two more: the
    last of them, right before what the claim goes on to repeat, or with `at_end` (the claim's last edit) the
    first, right after what it repeated."""
    return (j1, min(j2, j1 + size + 2)) if at_end else (max(j1, j2 - size - 2), j2)


def subject_swap(claim: str, sentence: str) -> bool:
    """True if the claim is the sentence with its subject put in place of another ("The airline last struck
    in 2019, ..." where the article has "Cabin crew last struck in 2019, ...")."""
    a, b = folded_words(claim), folded_words(sentence)
    if a and b and a[0] == b[0]:
        return False  # the same first word: the matcher pairs them, so the opcodes cannot open with a replace
    matcher = pair_matcher(tuple(a), tuple(b))
    if not _similar(matcher, 0.6):
        return False
    op, i1, i2, j1, j2 = matcher.get_opcodes()[0]
    if op != "replace" or i1 or j1 or i2 > 4 or j2 > 4:
        return False
    mine = {w for w in a[i1:i2] if len(w) > 2 and w not in COMMON}
    theirs = {w for w in b[j1:j2] if len(w) > 2 and w not in COMMON}
    return bool(mine and theirs) and not any(same_word(x, y) for x in mine for y in theirs)


# verbs whose doer and other party may trade places without changing what happened
_SYMMETRIC = {"meet", "meets", "met", "meeting", "talk", "talks", "talked", "speak", "spoke", "negotiate",
              "negotiated", "negotiating", "clash", "clashed", "merge", "merged", "marry", "married", "agree", "agreed",
              "sign", "signed", "play", "played", "draw", "drew", "tie", "tied", "fight", "fought", "discuss",
              "discussed", "join", "joined", "border", "borders", "bordered", "share", "shared", "shares"}
_BE = {"is", "are", "was", "were", "be", "been", "being"}
_REACH = 6  # tokens either side of the verb in which its parties are looked for


def roles_swapped(claim: str, sentence: Sentence) -> bool:
    """True if the claim has a verb of the sentence with who does it and to whom the other way round:
    "Clearbrook sued the council" where the article has "Riverton City Council has sued Clearbrook" (a passive
    on either side, "was sued by", is read the other way)."""
    mine = sentence_of(claim)
    verbs = _verbs(mine)
    if not verbs:
        return False
    # the parties: words either side writes as a name ("the council" is the sentence's "City Council")
    names = _capitalized(sentence, 0) | _capitalized(mine, 1)
    # the claim's verbs with a party on each side, worked out once for every place the sentence may have them
    # (where its names stand, first: most verbs have none within reach on one side or the other)
    at_names = [k for k, w in enumerate(mine.low) if w in names]
    if len(at_names) < 2:
        return False
    sides = [(i, verb, _parties(mine.low, i, names)) for i, verb in verbs
             if verb not in names and _flanked(at_names, i)]
    if not sides:
        return False  # (most claims and candidate passages)
    low = sentence.low
    at = _by_prefix(sentence)
    for _, verb, (before, after) in sides:
        for j in at.get(verb[:4], ()):
            if low[j] in names or not same_word(verb, low[j]):
                continue
            their_before, their_after = _parties(low, j, names)
            if before & their_after and after & their_before and not before & their_before and not after & their_after:
                return True
    return False


@cached(4096)
def _capitalized(sentence: Sentence, skip: int) -> frozenset[str]:
    """The sentence's words written capitalized (after its first `skip`), but for titles and function words."""
    return frozenset(w for raw, w in zip(sentence.raw[skip:], sentence.low[skip:], strict=True)
                     if raw[0].isupper()) - COMMON - TITLES - CALENDAR  # ("X on Monday sued Y": the day is nobody's)


@cached(4096)
def _verbs(sentence: Sentence) -> list[tuple[int, str]]:
    """The claim's words that may be its verb: in lower case, four letters or more, not one of `_SYMMETRIC`
    nor a function word ("with", "against": "X negotiated with Y" has no doer)."""
    return [(i, w) for i, (raw, w) in enumerate(zip(sentence.raw, sentence.low, strict=True))
            if not raw[0].isupper() and len(w) >= 4 and w not in _SYMMETRIC and w not in FUNCTION_WORDS]


@cached(4096)
def _by_prefix(sentence: Sentence) -> dict[str, list[int]]:
    """The positions of the sentence's lower-case tokens by their first four letters (where `same_word` can
    pair a word of four letters or more with them)."""
    at: dict[str, list[int]] = {}
    for j, (raw, w) in enumerate(zip(sentence.raw, sentence.low, strict=True)):
        if not raw[0].isupper() and len(w) >= 4:
            at.setdefault(w[:4], []).append(j)
    return at


def _flanked(at_names: list[int], at: int) -> bool:
    """True if `_parties` finds a name on both sides of position `at`, given the (ascending) positions of the
    names and that `at` holds none."""
    first = bisect_left(at_names, at - _REACH)  # the first name in reach before it, if it is before it
    after = bisect_right(at_names, at)
    return first < len(at_names) and at_names[first] < at and after < len(at_names) and at_names[after] <= at + _REACH


def _parties(low: list[str], at: int, names: set[str]) -> tuple[set[str], set[str]]:
    """(the name words before the verb at `at`, those after it), the doer first: "X was sued by Y" gives
    ({Y}, {X})."""
    before = {w for w in low[max(0, at - _REACH) : at] if w in names}
    after = {w for w in low[at + 1 : at + 1 + _REACH] if w in names}
    passive = at + 1 < len(low) and low[at + 1] == "by" and any(w in _BE for w in low[max(0, at - 2) : at])
    return (after, before) if passive else (before, after)


def same_polarity(claim: str, text: str, shared: list[str]) -> bool:
    """A negation on one side is a negation on the other: "did not confirm" is not "confirmed", and
    "the bridge would not stay closed" is not "would stay closed"."""
    if not negated(text) and not negated(claim):
        # (most passages: a negated clause or piece is a negated stretch of the whole, whose cuts stand
        # between words, so the whole's search finds it too; with none on either side there is nothing to match)
        return True
    # (a clause cut again where "and" joins a second verb: "could not afford it and proposed spending ...")
    denials = [sentence_of(piece) for c in clauses(text) if c and negated(c)
               for piece in JOINS.split(c) if piece and negated(piece)]
    claimed = [c for c in cue_clauses(claim) if c and negated(c)]
    if claimed:
        # what the claim denies, the passage must deny too
        for clause in claimed:
            # what was said, not who said it: "Maris said the union is not against machines"
            speech = [m.end() for m in VERB.finditer(clause.lower())]
            words = (content_words(clause[speech[-1]:]) if speech else ()) or content_words(clause)
            if words and not any(sum(n.has(w) for w in words) * 2 >= len(words) for n in denials):
                return False
        return True
    for inside in denials:
        overlap = [w for w in shared if inside.has(w)]
        if len(overlap) >= 2 and len(overlap) >= 0.5 * len(shared):
            return False  # the article says it is not so
        own = content_words(inside.text)
        if own and sum(sentence_of(claim).has(w) for w in own) >= max(2, 0.6 * len(own)):
            return False  # the claim repeats a denied clause without its denial
    return True


# a negation and the two words after it, one of which carries meaning ("not against machines")
# (led by its literal "n", the search skips from one "n" to the next in C; an assertion first would have it try
# every position)
_DENIED_PAIR = re.compile(r"n(?:(?<!\w.)ot|(?<!\w.)ever|[’']t)\s+(\w+)\s+(\w+)")


def undenied(claim: str, denial: str) -> bool:
    """True if the claim has the two words that follow a "not" or "never" of the denial, with no negation just
    before them: a short denied clause ("We are not against machines") holds too few words for the overlap
    tests to weigh."""
    pairs = _denied_pairs(denial)
    if not pairs:
        return False
    said = _words(claim)
    for k in range(len(said) - 1):
        if (said[k], said[k + 1]) in pairs and _NEG_OR_T.isdisjoint(said[max(0, k - 2) : k]):
            return True
    return False


@cached(4096)
def _denied_pairs(denial: str) -> frozenset[tuple[str, str]]:
    """The pairs of words right after each "not" or "never" of the text that carry meaning (not "only ...")."""
    return frozenset(pair for m in _DENIED_PAIR.finditer(fold(denial)) if (pair := m.group(1, 2))[0] != "only"
                     and any(len(w) >= 4 and w not in FUNCTION_WORDS for w in pair))


@cached(4096)
def _words(text: str) -> list[str]:
    return folded_words(text)
