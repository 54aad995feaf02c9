"""Which way a claim says things went: up or down, accepted or refused, won or lost. A lying model keeps every
word of a sentence but one ("raised its rate to 5.25%" becomes "cut its rate to 5.25%"), so the words a claim
shares with its passage cannot tell; the one word it changed can. Only reads text; knows nothing of claims'
kinds or of the gate.
"""

from __future__ import annotations

from collections.abc import Iterable

from .normal import cached, folded_words

__all__ = ["OPPOSITES", "reversed_direction"]


def _forms(*stems: str) -> frozenset[str]:
    """Each stem with its usual endings written out ("rais|e" -> raise, raises, raised, raising)."""
    out: set[str] = set()
    for stem in stems:
        base, sep, tail = stem.partition("|")
        if not sep:
            out.add(base)
            continue
        for ending in tail.split(","):
            out.add(base + ending)
    return frozenset(out)


_E = "e,es,ed,ing"  # raise: raise, raises, raised, raising
_S = ",s,ed,ing"  # jump: jump, jumps, jumped, jumping

# Each pair: (one way, the other way). A word may stand in more than one pair ("declined" a rate, "declined" an
# offer). Words that mostly mean something else are left out: "up" (set up), "more" (more than), "end" (by the
# end of), "firms", "growth", "right".
OPPOSITES: list[tuple[frozenset[str], frozenset[str]]] = [
    (
        _forms(f"rais|{_E}", f"increas|{_E}", f"jump|{_S}", f"climb|{_S}", f"surg|{_E}", f"hik|{_E}", f"soar|{_S}",
               f"boost|{_S}", f"strengthen|{_S}", f"rebound|{_S}", f"expand|{_S}", "gained", "gaining", "firmed",
               "rise", "rises", "rose", "risen", "rising", "grow", "grows", "grew", "grown", "growing", "higher",
               "highest", "widened", "widening"),
        _forms(f"decreas|{_E}", f"declin|{_E}", f"reduc|{_E}", "slash|,es,ed,ing", f"slump|{_S}", f"plung|{_E}",
               f"tumbl|{_E}", f"weaken|{_S}", "drop|,s,ped,ping", "dip|,s,ped,ping", "fall", "falls", "fell",
               "fallen", "falling", "cut", "cuts", "cutting", "shrink", "shrinks", "shrank", "shrunk", "shrinking",
               "slid", "sliding", "lowered", "lowering", "lower", "lowest", "narrowed", "narrowing"),
    ),
    (
        _forms(f"accept|{_S}", "agree", "agrees", "agreed", "agreeing", f"approv|{_E}", f"endors|{_E}",
               "ratif|y,ies,ied,ying", "welcomed", "embraced", "supported", "supporting", "supports", "backed",
               "favoured", "favored"),
        _forms(f"reject|{_S}", f"refus|{_E}", f"oppos|{_E}", "dismiss|,es,ed,ing", f"spurn|{_S}", "vetoed",
               "vetoes", "declined", "declines", "rebuffed", f"disput|{_E}", "contested", "contests"),
    ),
    (_forms("likely", "probable", "probably"), _forms("unlikely", "improbable")),
    (_forms("win", "wins", "winning", "won"), _forms("lose", "loses", "losing", "lost")),
    (_forms(f"succeed|{_S}", "successful", "successfully"), _forms(f"fail|{_S}", "unsuccessful", "collapsed")),
    (_forms("begin", "begins", "began", "begun", "beginning", f"start|{_S}", "launch|,es,ed,ing"),
     _forms("ended", "ending", f"halt|{_S}", "stop|,s,ped,ping", f"suspend|{_S}")),
    (_forms("open", "opens", "opened", "opening", "reopen|,s,ed,ing"), _forms("closed", "closes", "closing", "shut|,s,ting")),
    (_forms("convicted", "guilty"), _forms("acquitted", "innocent")),
    (_forms("profit", "profits", "profitable", "surplus"), _forms("loss", "losses", "loss-making", "deficit")),
]



@cached(4096)  # one claim is held against candidate after candidate
def _turns(claim: str) -> tuple[tuple[frozenset[str], frozenset[str]], ...]:
    """(the claim's side, the other side) of every pair the claim takes one side of."""
    said = set(folded_words(claim))
    out = []
    for one, other in OPPOSITES:
        mine, opposite = said & one, said & other
        if mine and not opposite:
            out.append((one, other))
        elif opposite and not mine:
            out.append((other, one))
    return tuple(out)


def reversed_direction(claim: str, passage: Iterable[set[str]]) -> bool:
    """True if the claim says one way where the passage (its sentences' folded words) says only the other: it
    holds a word of one side of a pair, the passage holds a word of the other side and none of the claim's
    side ("cut" over "raised", "rejected" over "accepted", "likely" over "unlikely"). A claim with words of
    both sides of a pair is not judged on it."""
    turns = _turns(claim)
    if not turns:
        return False
    there = set().union(*passage)
    return any(there & other and not there & mine for mine, other in turns)
