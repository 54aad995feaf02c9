"""A claim that is its sentence with a few words turned the other way: a word put in place of its opposite,
another number, another span of time, numbers between the same words in another order. A lying model keeps
every other word, so only the words it changed, lined up against the sentence's, give it away. Reads text;
knows nothing of drafts (`schemas.support` refuses a claim for it).
"""

from __future__ import annotations

import re
from bisect import bisect_right

from .amounts import values_in
from .direction import OPPOSITES
from .edits import pair_matcher
from .normal import NUMBER, SPELLED, canon_number, numbers_in
from .signals import Sentence, sentence_of
from .text import cached, fold
from .units import TIME_UNITS

__all__ = ["contrary_edit"]


# Opposites too common to judge a claim on by themselves, as `reversed_direction` judges its pairs ("for" a
# motion, "for" a week): only where claim and sentence line up word for word around them
_ALIGNED = [(frozenset(one.split()), frozenset(other.split())) for one, other in (
    ("for", "against"), ("right correct", "wrong"), ("more", "less fewer"), ("before", "after"), ("above", "below"),
    ("up", "down"), ("first", "last"), ("on", "off"), ("north northern", "south southern"),
    ("east eastern", "west western"), ("upstream", "downstream"), ("minimum", "maximum"), ("inside", "outside"))]
# moved one way or the other, or not at all ("expected rates to rise" over "to stay on hold")
_STILL = (OPPOSITES[0][0] | OPPOSITES[0][1], frozenset({"hold", "unchanged", "steady", "stay", "stayed", "flat"}))
_OPPOSED = [*OPPOSITES, *_ALIGNED, _STILL]
_TURNING = frozenset().union(*(one | other for one, other in _OPPOSED))
# spans of time, and the words that say "per" one of them ("€15 million a week", "weekly")
_PERIOD = {**TIME_UNITS, "hourly": "h", "daily": "d", "weekly": "w", "monthly": "mo", "yearly": "y", "annual": "y",
           "annually": "y"}
_SPELLED = frozenset(SPELLED)
_HEDGES = frozenset(["expected", "expects", "could", "may", "might", "likely", "hopes", "hoped", "plans", "planned",
                     "aims", "intends", "possibly", "probably"])


def contrary_edit(claim: str, sentence: Sentence) -> bool:
    """True if the claim is the sentence with a few words put in place of their opposite ("voted 5-2 against
    the increase" over "voted 5-2 for the increase", "ended" over "began"), of another number ("for three days"
    over "for nine days") or of another span of time ("€15 million a week" over "a day"), where the words either
    side are the sentence's own: a lie that keeps every other word, however many words each side holds of the
    other pair."""
    mine = sentence_of(claim)
    ops = pair_matcher(tuple(mine.folded), tuple(sentence.folded)).get_opcodes()
    for k, (op, i1, i2, j1, j2) in enumerate(ops):
        # (difflib puts a stretch both sides repeat either side of every replace but at the ends)
        if op != "replace" or i2 - i1 > 3 or sum(ops[n][2] - ops[n][1] for n in (k - 1, k + 1) if 0 <= n < len(ops)) < 2:
            continue
        # "will" where the sentence's words right before what both go on to say hedge it: "expected to lift"
        if "will" in mine.folded[i1:i2] and k + 1 < len(ops) and not _HEDGES.isdisjoint(
                sentence.folded[max(j1, j2 - (i2 - i1) - 2) : j2]) and _HEDGES.isdisjoint(mine.folded[i1:i2]):
            return True
        if j2 - j1 > 3:
            continue
        said, there = set(mine.folded[i1:i2]), set(sentence.folded[j1:j2])
        if not said.isdisjoint(_TURNING) and not there.isdisjoint(_TURNING) and any(
                (said & one and there & other and not said & other and not there & one)
                or (said & other and there & one and not said & one and not there & other) for one, other in _OPPOSED):
            return True
        # the text the words stand in, with the numbers written beside them ("72-hour", "€15 million a day")
        ours = _stretch(claim, mine.tokens, i1, i2)
        if said.isdisjoint(_SPELLED) and said.isdisjoint(_PERIOD) and _DIGIT.search(ours) is None:
            continue  # (most replaced words: no number, no span of time)
        counted, theirs = numbers_in(fold(ours)), numbers_in(fold(_stretch(sentence.text, sentence.tokens, j1, j2)))
        if counted:
            if theirs and not counted & theirs and not counted & (sentence.digits | sentence.spelled) and (
                    not values_in(ours) & values_in(sentence.text)):  # (not "31.4 thousand" for "31,400")
                return True
            continue  # a quantity said in other words ("a three-day strike" for "a 72-hour strike")
        periods = {_PERIOD[w] for w in said if w in _PERIOD}
        if periods and not theirs and (other := {_PERIOD[w] for w in there if w in _PERIOD}) and not periods & other:
            return True
    if _DIGIT.search(claim) is None:
        return False
    # numbers in digits are no tokens: between two words both sides repeat, the same ones in the same order
    # ("a cut in VAT on food from 12% to 5%", not "from 5% to 12%")
    for g in _digit_gaps(claim, mine):
        for op, i1, i2, j1, _ in ops:
            if op == "equal" and i1 <= g < i2 - 1:
                ours_n = _between(claim, mine.tokens, g)
                theirs_n = _between(sentence.text, sentence.tokens, j1 + g - i1)
                if ours_n and theirs_n and ours_n != theirs_n:
                    return True
                break
    return False


@cached(4096)  # one claim, against candidate after candidate
def _digit_gaps(claim: str, mine: Sentence) -> tuple[int, ...]:
    """The k for which digits stand between the claim's tokens k and k + 1."""
    ends = [t.end() for t in mine.tokens]
    gaps = (bisect_right(ends, m.start()) - 1 for m in NUMBER.finditer(claim))
    return tuple(dict.fromkeys(k for k in gaps if 0 <= k < len(ends) - 1))


_DIGIT = re.compile(r"\d")


def _between(text: str, tokens: list[re.Match[str]], k: int) -> list[str]:
    """The numbers written between token k and the next, in order."""
    return [canon_number(n) for n in NUMBER.findall(text, tokens[k].end(), tokens[k + 1].start())]


def _stretch(text: str, tokens: list[re.Match[str]], i1: int, i2: int) -> str:
    """The text of tokens i1:i2 with what stands between them and their neighbours (numbers are no tokens)."""
    return text[tokens[i1 - 1].end() if i1 else 0 : tokens[i2].start() if i2 < len(tokens) else len(text)]
