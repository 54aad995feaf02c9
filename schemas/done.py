"""Whether a claim states as done what its passage only asks for or allows: "The court ordered an audit" over
"asks the court to order an audit", "imposed a fine" over "could impose fines", "have been allowed to return"
over "would be allowed to return", "was fined 250,000 euros" over "faces a fine of up to 250,000 euros".
Only reads text.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .normal import cached, digit_numbers, fold

__all__ = ["pending", "proposed_as_done", "put_off_as_done", "ceiling_as_amount", "ceilings"]

_WORD = re.compile(r"[a-z]+")
# what puts a verb in the future or the conditional, or makes it something asked for
_MODALS = frozenset({"could", "would", "might", "may", "will", "can", "should", "must", "shall"})
_NOT_YET = _MODALS | {"to"}
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
    it asks for, plans or allows rather than reports (but "voted to extend" does extend); and the plain forms
    of what it only weighs ("had considered dropping out": drop)."""
    out = {w for k, w in enumerate(words) if k and words[k - 1] in _NOT_YET
           and not (words[k - 1] == "to" and _DECIDED.intersection(words[max(0, k - 5) : k - 1]))}
    for k, w in enumerate(words[1:], 1):
        if words[k - 1] in _WEIGHED and w.endswith("ing") and len(w) > 5:
            stem = w[:-3]
            out |= {stem, stem + "e", stem[:-1] if stem[-1:] == stem[-2:-1] else stem}
    return frozenset(out)


# verbs that weigh a doing without doing it: "considered dropping out", "threatened closing"
_WEIGHED = frozenset({"considered", "considering", "considers", "consider", "contemplated", "contemplating",
                      "threatened", "threatening", "discussed", "discussing", "mulled", "mulling", "weighed",
                      "weighing", "proposed", "proposing", "suggested", "suggesting", "recommended", "recommending"})


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


_BETWEEN = frozenset({"be", "have", "been", "not", "also", "only", "then", "soon", "still", "likely", "probably"})
_DONE_AUX = frozenset({"was", "were", "been"})  # "was allowed", "have been allowed", "had been allowed"
_ADVERBS = frozenset({"already", "also", "just", "finally", "since", "now", "formally", "officially"})


def _followers(words: list[str], heads: frozenset[str], skipping: frozenset[str]) -> list[int]:
    """The positions of the words that follow each of `heads`, past any of `skipping` (words of four letters or
    more: no "be", no "a")."""
    out = []
    for k, w in enumerate(words):
        if w in heads:
            j = k + 1
            while j < len(words) and words[j] in skipping:
                j += 1
            if j < len(words) and len(words[j]) >= 4:
                out.append(j)
    return out


def _put_off(words: list[str]) -> set[int]:
    """Where a modal puts off a passive: the participle of "would be allowed", "could have been avoided"."""
    return {j for j in _followers(words, _MODALS, _BETWEEN) if words[j - 1] in ("be", "been")}


def _stated_done(words: list[str]) -> set[str]:
    """The participles a text states as done: after "was", "were" or "been" ("have already been allowed")."""
    return {words[j] for j in _followers(words, _DONE_AUX, _ADVERBS)}


def put_off_as_done(claim_words: list[str], passages: list[list[str]]) -> bool:
    """True if the claim states as done ("have been allowed to return") what the passage only puts after a
    modal ("would be allowed to return once ..."), and nowhere states so itself. (Words folded, in order.)"""
    if _DONE_AUX.isdisjoint(claim_words):
        return False  # (most claims state nothing done in the passive)
    # ("could have been prevented" puts it off in the claim too)
    done = _stated_done(claim_words) - {claim_words[j] for j in _put_off(claim_words)}
    if not done:
        return False
    for words in passages:
        if _MODALS.isdisjoint(words):
            continue
        later = _put_off(words)
        if not later:
            continue
        off = {words[j] for j in later}
        settled = {w for k, w in enumerate(words) if k not in later}
        if done & (off - settled):
            return True
    return False


# a number the passage gives only as a ceiling: "a fine of up to 250,000 euros", "as many as 40", "at most 3%"
_CEILING = re.compile(r"\b(?:up\s+to|as\s+(?:much|many|high)\s+as|a\s+maximum\s+of|at\s+most|no\s+more\s+than)\s+"
                      r"(?:[€$£]\s*)?(\d[\d.,]*)", re.IGNORECASE)
_CEILING_HINTS = ("up to", "as much", "as many", "as high", "maximum", "at most", "no more")
# what keeps a number a possibility in the claim too: "faces a fine of 250,000 euros", "could cost"
_HEDGES = re.compile(r"\b(?:up\s+to|as\s+(?:much|many|high)\s+as|maximum|at\s+most|no\s+more\s+than|faces?|facing|"
                     r"could|may|might|would|risks?|possible|potential|limit|ceiling|cap)\b", re.IGNORECASE)


def ceilings(text: str) -> set[str]:
    """The numbers (canonical) the text gives as a ceiling: "up to £2.5 million", "as many as 40"."""
    low = text.lower()
    if not any(hint in low for hint in _CEILING_HINTS):
        return set()
    return {digits for m in _CEILING.finditer(text) for digits in digit_numbers(m.group(1))}


def ceiling_as_amount(claim: str, passages: list[str]) -> bool:
    """True if the claim states, with nothing to hedge it, a number that the passage gives only as a ceiling:
    "The skipper has been fined 250,000 euros" over "its skipper faces a fine of up to 250,000 euros"."""
    capped = {text: found for text in passages if (found := ceilings(text))}
    if not capped or _HEDGES.search(claim):
        return False
    stated = {digits for text in capped for digits in digit_numbers(_CEILING.sub(" ", text))}
    return bool((digit_numbers(claim) & set().union(*capped.values())) - stated)
