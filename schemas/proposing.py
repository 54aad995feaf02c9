"""Whether a passage proposes an action, and whose proposal it is: a cue ("urges", "calls for", "should") by
the action's words, in the clause that holds them. `schemas.judges` asks this of a proposed response's
candidate passages; it only reads sentences.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .signals import acted_on, cue_clauses, find_cue, same_word, sentence_of

if TYPE_CHECKING:
    from .support import Passages

__all__ = ["proposes"]


def proposes(p: Passages, idxs: list[int], words: Sequence[str], proposer: str) -> bool:
    """True if the sentences propose the action: a cue (urges, calls for, should ...) in the clause that
    holds most of its words, or before them. "X summoned the envoy and called for sanctions" proposes
    sanctions, not the summoning. A sentence without any cue may borrow one from its neighbour in the
    paragraph that names the proposer ("There is also the issue of sanctions. And, importantly, ...,"
    Matulionis added)."""
    for i in idxs:
        sentence = p.sentences[i]
        text = sentence.text
        if not sentence.cue:
            continue
        for clause in cue_clauses(text):
            inside = sentence_of(clause)
            if inside.cue and words and sum(inside.has(w) for w in words) * 2 >= len(words) and not acted_on(
                    clause, inside, words):
                return True
        first_cue = find_cue(text)
        if not first_cue or sum(sentence.has(w) for w in words) * 2 < len(words):
            continue
        # the first token that is one of the words (tokens come in order: the first is the least)
        first = next((t.start() for t, f in zip(sentence.tokens, sentence.folded, strict=True)
                      if any(same_word(f, w) for w in words)), None)
        if first is not None and first_cue.start() < first:
            return True
    if any(p.sentences[i].cue for i in idxs):
        return False
    lo, hi = p.paragraph_span(idxs)
    return any(
        p.sentences[j].cue and p.names(proposer, [j], paragraph=False)
        for j in (idxs[0] - 1, idxs[-1] + 1)
        if lo <= j < hi
    )
