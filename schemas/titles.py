"""An office and what qualifies it: the portfolio or the place of a minister, a mayor, a spokesperson ("Estmark's
fisheries minister", "Brennick Mayor", "mayor of Brennick"). A model that keeps the office and changes what
qualifies it ("foreign minister" for the fisheries minister, "Mayor of Carrow" for Brennick's) tells a lie in
the article's own words: every word of it stands somewhere in the article, most of them beside the person.
`title_changed` compares the role with the titles the article writes right beside the person's name. Only
reads sentences.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .roles import distinctive
from .signals import GENERIC, VERB, Sentence, same_word, sentence_of
from .vocabulary import COMMON

if TYPE_CHECKING:
    from .support import Passages

__all__ = ["title_changed"]

# offices that are told apart by a portfolio or a place ("health minister", "mayor of Brennick")
OFFICES = {"minister", "ministers", "secretary", "spokesman", "spokeswoman", "spokesperson", "mayor", "commissioner",
           "ambassador", "governor"}
_BACK = 4  # words before an office that may qualify it


def title_changed(p: Passages, name: str, role: str) -> bool:
    """True if the article gives the person the role's office right beside their name with other qualifiers,
    and the role puts one of its own in the place of one of those: a substitution ("foreign minister" where
    the article has "fisheries minister, Ingrid Halvorsen"), not an omission ("minister") or an addition
    ("national infrastructure minister" for "infrastructure minister"). Titles written elsewhere in the
    article, or no title beside the name, decide nothing here."""
    said = sentence_of(role)
    office = next((k for k in range(len(said.low) - 1, -1, -1) if said.low[k] in OFFICES), None)
    if office is None:
        return False
    # ("government minister" for the finance minister: a kind of body says no more than the office does)
    person = set(distinctive(name))
    own = person | GENERIC
    mine = _qualifiers(said, office) - own
    if not mine:
        return False
    theirs: set[str] = set()
    for i in p.having(said.low[office]):
        sentence = p.sentences[i]
        if person.isdisjoint(sentence.low_set):
            continue  # (it does not name them: no title of theirs stands in it)
        for k in _offices_beside(sentence, person):
            if same_word(sentence.low[k], said.low[office]):
                theirs |= _qualifiers(sentence, k)
    theirs -= own
    if not theirs:
        return False
    added = [w for w in mine if not any(same_word(w, t) for t in theirs)]
    left_out = [t for t in theirs if not any(same_word(t, w) for w in mine)]
    return bool(added and left_out)


def _offices_beside(sentence: Sentence, own: set[str]) -> list[int]:
    """The tokens of an office that stands right beside the person's name: just before it ("fisheries
    minister, Ingrid Halvorsen", "Brennick Mayor Tomas Albescu") or after it and a comma ("Rui Calado, the
    infrastructure minister")."""
    tokens, low, text = sentence.tokens, sentence.low, sentence.text
    found = []
    for k, w in enumerate(low):
        if w not in OFFICES:
            continue
        nxt = k + 1
        if nxt < len(tokens) and text[tokens[k].end() : tokens[nxt].start()] in (" ", ", ") and low[nxt] in own:
            found.append(k)
            continue
        # back from the office over its qualifiers and "the", then a comma and the end of the name
        j = k - 1
        while j >= 0 and k - j <= _BACK + 1 and text[tokens[j].end() : tokens[j + 1].start()] == " ":
            j -= 1
        if j >= 0 and low[j] in own and text[tokens[j].end() : tokens[j + 1].start()] == ", ":
            found.append(k)
    return found


def _qualifiers(sentence: Sentence, office: int) -> set[str]:
    """The words that qualify an office: those right before it (a possessive, an adjective, a noun, up to a
    word like "the" or a verb) and the name or noun after "of" ("mayor of Brennick", "minister of fisheries")."""
    tokens, low, text = sentence.tokens, sentence.low, sentence.text
    out: set[str] = set()
    j = office - 1
    capital = tokens[office].group()[0].isupper()  # "Foreign Minister": the title-case run alone qualifies
    while j >= 0 and office - j <= _BACK and text[tokens[j].end() : tokens[j + 1].start()] == " ":
        word = tokens[j].group()
        if low[j] in COMMON or VERB.fullmatch(word) or (capital and not word[0].isupper()):
            break
        out.add(low[j])
        j -= 1
    k = office + 1
    if k + 1 < len(tokens) and low[k] == "of" and text[tokens[office].end() : tokens[k].start()] == " ":
        k += 1 + (low[k + 1] == "the" and k + 2 < len(tokens))
        while k < len(tokens) and low[k] not in COMMON and text[tokens[k - 1].end() : tokens[k].start()] == " ":
            out.add(low[k])
            k += 1
    return out
