"""Whether a claim states as done what its passage only asks for or allows: "The court ordered an audit" over
"asks the court to order an audit", "imposed a fine" over "could impose fines". Only reads text.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .normal import cached, fold

__all__ = ["pending", "proposed_as_done"]

_WORD = re.compile(r"[a-z]+")
# what puts a verb in the future or the conditional, or makes it something asked for
_NOT_YET = frozenset({"to", "could", "would", "might", "may", "will", "can", "should", "must", "shall"})
# "voted to extend" and "decided to close" do decide it: a claim that it was extended or closed stands
_DECIDED = frozenset({"voted", "decided", "resolved", "moved"})
_IRREGULAR = {"sent": "send", "made": "make", "took": "take", "gave": "give", "paid": "pay", "sold": "sell",
              "built": "build", "held": "hold", "brought": "bring", "bought": "buy", "won": "win", "set": "set",
              "put": "put", "shut": "shut", "began": "begin", "froze": "freeze", "withdrew": "withdraw",
              "struck": "strike", "spent": "spend", "lent": "lend", "left": "leave", "lifted": "lift"}


def _bases(word: str) -> set[str]:
    """The plain forms a past tense may come from: designated -> designate, ordered -> order, banned -> ban,
    carried -> carry."""
    if word in _IRREGULAR:
        return {_IRREGULAR[word]}
    if not word.endswith("ed") or len(word) < 5:
        return set()
    stem = word[:-2]
    out = {stem, word[:-1]}
    if len(stem) > 2 and stem[-1] == stem[-2]:
        out.add(stem[:-1])
    if stem.endswith("i"):
        out.add(stem[:-1] + "y")
    return out


@cached(4096)  # one claim is held against candidate after candidate
def _past(claim: str) -> tuple[tuple[str, frozenset[str]], ...]:
    """The claim's words that may be a verb in the past, each with the plain forms it may come from."""
    return tuple((w, frozenset(b)) for w in dict.fromkeys(_WORD.findall(fold(claim))) if (b := _bases(w)))


def pending(words: list[str]) -> frozenset[str]:
    """The words of a sentence (folded, in order) that stand after "to", "could", "would", "will" ...: what
    it asks for, plans or allows rather than reports (but "voted to extend" does extend)."""
    return frozenset(w for k, w in enumerate(words) if k and words[k - 1] in _NOT_YET
                     and not (words[k - 1] == "to" and _DECIDED.intersection(words[max(0, k - 5) : k - 1])))


def proposed_as_done(claim: str, asked: Callable[[], frozenset[str]], present: Callable[[], set[str]]) -> bool:
    """True if the claim has a verb in the past that the passage never puts in the past, only after "to" or
    "could", "would", "will" ... (`asked`: the passage's `pending` words; `present`: all its words; each
    asked for only when needed): the passage asks for it, plans it or allows it; the claim says it happened."""
    past = _past(claim)
    if not past:
        return False
    asked_for = asked()
    if not asked_for or not any(bases & asked_for for _, bases in past):
        return False
    there = present()
    return any(word not in there and bases & asked_for for word, bases in past)
