"""The status a proposed response is shown with: "agreed" and "rejected" only where its passage says so, and
where the model's own action says what became of the proposal ("a phased plan that the port authority
rejected"), that fate rather than "proposed". `schemas.shown` asks this of every kept proposal; it reads only
the passages and the action it is given.
"""

from __future__ import annotations

import re

from .signals import clauses, negated
from .support import Passage, Passages

__all__ = ["judge_status"]

# What "agreed" and "rejected" say beyond a proposal: the passage must say it too, in a clause it does not deny.
# Done forms only: "called on both sides to accept mediation" and "a state-backed fund" agree to nothing, and
# "the opposition proposed" rejects nothing.
_AGREED = re.compile(r"(?i)\b(?:agreed|agrees|agreement|approved|approves|approval|accepted|accepts|adopted|adopts"
                     r"|signed|signs|endorsed|endorses|ratified|ratifies|passed|settled)\b")
_REJECTED = re.compile(r"(?i)\b(?:rejected|rejects|rejection|refused|refuses|refusal|declined|declines|dismissed"
                       r"|dismisses|opposed|opposes|vetoed|vetoes|spurned|spurns|turn(?:s|ed)?\s+(?:it\s+|them\s+)?down"
                       r"|rul(?:es|ed)\s+(?:it\s+|them\s+)?out)\b")
_CUES = {"agreed": _AGREED, "rejected": _REJECTED}

# A relative clause of the action that tells what became of the proposal, somebody or a passive before its
# verb: "that the port authority rejected on Monday", "which was approved by the council". Without either,
# the clause is what is proposed ("a plan that rejected job cuts", "a deal that accepted ..."), not its fate.
_FATE = re.compile(r"\b(?:that|which)\s+(?:[\w’'\-]+\s+){1,6}?(?P<verb>rejected|refused|turned\s+down"
                   r"|dismissed|vetoed|spurned|ruled\s+out|agreed\s+to|approved|accepted|adopted|signed|endorsed"
                   r"|ratified|passed)\b", re.IGNORECASE)
_AGREEING = ("agreed", "approved", "accepted", "adopted", "signed", "endorsed", "ratified", "passed")


def judge_status(p: Passages, status: str, evidence: list[Passage], action: str = "") -> str:
    """The status of a proposed response as its passages give it: "agreed" and "rejected" only where a clause
    of them says so (agreed, approved, signed ...; rejected, refused, turned down ...) without denying it;
    otherwise "proposed", which the passage already shows (see `judge_response`). "proposed" and "called_for"
    stand as the model gave them. Whatever the model gave, an action that tells the proposal's fate, where the
    passage says it too, is shown with it: "offer a phased plan that the port authority rejected on Monday
    evening" is rejected, though the model called it proposed or agreed."""
    if status in _CUES and _said(p, status, evidence):
        return status
    fate = _fate(action)
    if fate is not None and _said(p, fate, evidence):
        return fate
    return "proposed" if status in _CUES else status


def _fate(action: str) -> str | None:
    """"rejected" or "agreed" when a relative clause of the action says so, without a negation; else None."""
    found = _FATE.search(action)
    if found is None or negated(found.group()):
        return None
    return "agreed" if found.group("verb").lower().startswith(_AGREEING) else "rejected"


def _said(p: Passages, status: str, evidence: list[Passage]) -> bool:
    """A clause of the evidence's sentences says `status` ("agreed", "rejected") and does not deny it."""
    text = " ".join(p.sentences[i].text for e in evidence for i in p.indices(e.start, e.end))
    return any(_CUES[status].search(clause) and not negated(clause) for clause in clauses(text) if clause)
