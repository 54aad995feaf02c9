"""What a claim changes in the passage it was made from, when most of its words are the passage's: a name, a
speaker or a subject put in another's place, a negation, a direction, a unit, a hedge or a ceiling dropped,
somebody's words stated as fact, a denial undone. `schemas.support` asks this of every candidate passage that
holds enough of a claim's words; it reads only the texts it is given.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .contrary import contrary_edit
from .direction import reversed_direction
from .done import ceiling_as_amount, proposed_as_done, put_off_as_done
from .edits import (
    negation_edit,
    quoted_opinion,
    repeats,
    roles_swapped,
    speaker_swap,
    subject_swap,
    swapped_name,
    undenied,
)
from .signals import SPEAKS, Sentence, has_speech, negated, sentence_of, without_dateline
from .text import fold
from .units import changed_unit

__all__ = ["edited"]

# a passive with its agent: "was called by", "were rejected by", "is run by" (group 1: the verb)
_DONE_BY = re.compile(r"\b(?:was|were|is|are|been|being|be)\s+(?:\w+ly\s+)?([a-z]{3,})\s+by\s", re.IGNORECASE)


def edited(claim: str, sentences: list[Sentence], paragraph: str, proper: set[str], words: list[str],
           attributed: bool, denied: Callable[[], bool]) -> bool:
    """True if the claim is its passage (`sentences`, in `paragraph`) with something changed: see the module's
    docstring. `proper`: the article's names; `words`: the claim's content words that are no names;
    `attributed`: the claim is credited to someone outside its text, so quoted words may back it; `denied`:
    whether the article denies what the claim asserts (asked last: it reads the whole article)."""
    if any(swapped_name(claim, s, proper) or negation_edit(claim, s.text) or speaker_swap(claim, s.text)
           or subject_swap(claim, s.text) or roles_swapped(claim, s)
           or contrary_edit(claim, s)
           for s in map(without_dateline, sentences)):
        return True
    if reversed_direction(claim, [s.low_set for s in sentences]):
        return True  # "cut its rate to 5.25%" over "raised its rate to 5.25%": one word, the other way
    if changed_unit(claim, [s.text for s in sentences]):
        return True  # "€15 billion a day" over "€15 million a day"
    if proposed_as_done(claim, lambda: frozenset().union(*(s.pending for s in sentences)),
                        lambda: set().union(*(s.low_set for s in sentences))):
        return True  # "The court ordered an audit" over "asks the court to order an audit"
    if put_off_as_done(sentence_of(claim).low, [s.low for s in sentences]):
        return True  # "have been allowed to return home" over "would be allowed to return home once ..."
    if ceiling_as_amount(claim, [s.text for s in sentences]):
        return True  # "has been fined 250,000 euros" over "faces a fine of up to 250,000 euros"
    # "The strike was called by a mediator, Kieran Fennelly, who wrote to both sides ...": who did what is
    # the claim's own, and its verb must be the passage's, though most of its other words are
    if " by" in claim.lower() and (agent := _DONE_BY.search(claim)) and not any(s.has(fold(agent.group(1))) for s in sentences):
        return True
    if SPEAKS.search(claim) and not any(has_speech(s.text) for s in sentences):
        return True  # "X said ...": the passage must be someone saying it
    if not attributed and not has_speech(claim) and any(quoted_opinion(words, s.text) for s in sentences):
        return True  # somebody's words in quotation marks, stated as fact without them
    # (denies before repeats: the same test, with the cheap half first)
    if not negated(claim) and denied() and not repeats(claim, sentences):
        return True
    # "the union is against machines" where the paragraph has "We are not against machines"
    return undenied(claim, paragraph)
