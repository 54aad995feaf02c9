"""Who a paragraph names, and whether it goes on from the one before: what lets a claim or a proposal take a
name from around its sentence. Only reads text.
"""

from __future__ import annotations

import re

from .normal import cached, folded_words
from .text import fold
from .vocabulary import COMMON, PERSON

__all__ = ["person_runs", "goes_on", "names_any"]

@cached(512)
def person_runs(paragraph: str) -> tuple[frozenset[str], ...]:
    """The folded words of each run of capitalized words in a paragraph, and of each speaker it names by one
    word ("...,” Kovac told reporters"), which every claim tested against one of its sentences asks about."""
    runs = [frozenset(fold(t) for t in m.group().split()) for m in PERSON.finditer(paragraph)]
    for m in _SPEAKER.finditer(paragraph):
        name = fold(m.group(1) or m.group(2))
        if name not in COMMON:
            runs.append(frozenset({name}))
    return tuple(runs)


# a paragraph that goes on from the one before: it opens with a quotation or a pronoun
_GOES_ON = re.compile(r"\s*(?:[“\"‘'«]|(?:He|She|They|It|His|Her|Their|Its|We|I)\b)")


def goes_on(own: str, before: str) -> bool:
    """The paragraph goes on from the one before: it opens with a quotation or a pronoun, or with "The X"
    where the paragraph before has an X ("The airline said ..." after "Irish regional airline Aerlink ...";
    not "The researchers recommended ..." after a health department's paragraph)."""
    if _GOES_ON.match(own):
        return True
    subject = _THE_NOUN.match(own)
    return subject is not None and subject.group(1).lower() in set(folded_words(before))


_THE_NOUN = re.compile(r"\s*The\s+([a-z]+)\b")


def names_any(text: str, tokens: list[str]) -> bool:
    words = set(folded_words(text))
    return any(t in words for t in tokens)


# one capitalized word that speaks: "Kovac told reporters", "said Maris" (not "He said": COMMON words are left out)
_SPEAKER = re.compile(r"\b([A-Z][\w’'\-]+)\s+(?:said|says|told|added|asked|wrote|argued|warned|insisted)\b"
                      r"|\b(?:said|says|told|added)\s+([A-Z][\w’'\-]+)\b(?!\s+[A-Z])")
