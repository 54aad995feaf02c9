"""The judges: for each kind of item, whether the article supports it and with which passages.

Each returns (the evidence chosen, None) or ([], (reason for the report, hint for a re-ask)). A plain claim
needs `Passages.supports`; an actor a sentence that names them and a role that is not someone else's; a
proposed response a passage that proposes it and names who did; a figure a passage with its number that
speaks of what it counts (see `schemas.support` for what support is).
"""

from __future__ import annotations

import re

from .amounts import SCALE_WORDS as _SCALE
from .amounts import values_in
from .direction import reversed_direction
from .done import ceiling_as_amount, ceilings
from .figures import compared, end_of, other_end
from .normal import american, digit_numbers, folded_words, spelled_numbers
from .proposing import proposes
from .roles import TITLE_SYNONYMS, addressed, body_role_clash, role_elsewhere
from .signals import (
    CALENDAR,
    GENERIC,
    JOINS,
    NUMBER_WORDS,
    RATE,
    RATE_VALUE,
    REFUSAL,
    SENTENCES,
    TITLES,
    Sentence,
    content_words,
    find_cue,
    miscounts,
    same_word,
)
from .support import LOCATED_SHARE, QUOTED_SHARE, Failure, Passage, Passages
from .text import NUMBER, WORD, Locator, canon_number, fold
from .titles import title_changed
from .units import changed_unit, unit_given
from .vocabulary import COMMON, PERSON

__all__ = ["judge_claim", "judge_actor", "judge_response", "judge_figure"]

_SUBJECT = re.compile(r"(?:[A-Z][\w’'\-]+\s+){0,3}[A-Z][\w’'\-]+")  # a sentence's leading capitalized words
_QUOTATION = re.compile(r"[“\"][^”\"]*[”\"]")
_REASON = re.compile(r",\s*(?:saying|adding|arguing|because|as)\b")
_AND_VERB = re.compile(r",?\s+and\s+(?=(?:to\s+)?[a-z]{3,}\s)")
_VERB_FIRST = re.compile(r"\s*(?:to\s+)?[a-z]{3,}\b")



def judge_claim(p: Passages, claim: str, quoted: list[Passage], near: int, *, strict_words: bool = True
                ) -> tuple[list[Passage], Failure | None]:
    """A plain claim (what happened, a background point). A claim of several sentences needs support for
    each of them; its evidence is their passages together."""
    pieces = SENTENCES.split(claim.strip()) if strict_words else [claim]
    pieces = [c for c in pieces if content_words(c) or NUMBER.search(c)] or [claim]
    chosen: list[Passage] = []
    for piece in pieces:
        found = _support_one(p, piece, quoted, near, strict_words) or (strict_words and _support_clauses(p, piece, quoted, near))
        if not found:
            return [], ("no passage of the article supports it",
                        "no sentence of the article says this; state only what the article says, in its words")
        chosen += [f for f in found if all((f.start, f.end) != (c.start, c.end) for c in chosen)]
    return sorted(chosen, key=lambda c: c.start), None


def _support_clauses(p: Passages, piece: str, quoted: list[Passage], near: int) -> list[Passage]:
    """A sentence joining two facts ("He confirmed X and stressed Y"), each supported on its own. Later
    clauses keep the sentence's subject, so "Rutte confirmed X and stressed Y" needs Rutte beside Y too."""
    clauses = [c for c in JOINS.split(piece) if c.strip()]
    if len(clauses) < 2:
        return []
    subject = _SUBJECT.match(piece)
    lead = subject.group(0) + " " if subject and subject.group(0).lower() not in COMMON else ""
    chosen: list[Passage] = []
    for k, clause in enumerate(clauses):
        found = _support_one(p, clause if k == 0 else lead + clause, quoted, near, True)
        if not found:
            return []
        chosen += found
    return chosen


def _support_one(p: Passages, claim: str, quoted: list[Passage], near: int, strict_words: bool) -> list[Passage]:
    if strict_words and len(content_words(claim)) < 3 and not NUMBER.search(claim):
        return []  # "Background", "Pressure at home": a heading, not a claim
    good = [q for q in quoted if p.body(q) and p.supports(claim, p.indices(q.start, q.end), QUOTED_SHARE)]
    if good or not strict_words:
        return good
    return p.locate(claim, near, lambda idxs: p.supports(claim, idxs, LOCATED_SHARE)) or []


def judge_actor(p: Passages, name: str, role: str, quoted: list[Passage], near: int
                ) -> tuple[list[Passage], Failure | None]:
    """An actor: evidence is a sentence that names them; a role the article gives someone else is refused."""
    if p.strict and role_elsewhere(p, name, role):
        return [], ("the article gives this role to someone else",
                    f"the article gives the role {role!r} to someone else, not to {name!r}")
    if p.strict and title_changed(p, name, role):
        return [], ("a title the article gives them otherwise",
                    f"the article does not call {name!r} {role!r}: give the title it writes beside their name")
    if (clash := body_role_clash(name, role)) is not None:
        return [], (clash, f"{name!r} is not a {role!r}: give the role the article gives this body")
    specific = [w for w in content_words(role) if w not in GENERIC and w not in TITLES]
    if p.strict and specific and not any(p.loc.has_word(w) for w in specific):
        return [], ("a role the article does not give", f"the article does not call {name!r} {role!r}")
    # what the role says of them must be said where they are named ("mediator", "arrested"); a name in it may
    # be the story's setting, which a paragraph names once for all ("Mayor of Riverton")
    own = set(folded_words(name))
    described = [w for w in specific if w in _lower_words(role) and w not in own]
    # "head of the national labour council": the title must stand where they are named, whatever the body
    if p.strict and (title := _title_of(role)) and not any(
            p.names(name, [i], paragraph=False) for word in TITLE_SYNONYMS.get(title, (title,))
            for i in _role_word_in(p, word)):
        return [], ("a role the article does not give them", f"the article does not call {name!r} {title!r}")
    if p.strict and described and not _role_beside(p, name, described):
        return [], ("a role the article does not give them",
                    f"the article does not call {name!r} {role!r} where it names them")
    good = [q for q in quoted if p.names(name, p.indices(q.start, q.end), paragraph=False)]
    if good:
        return good, None
    role_words = content_words(role)
    naming = [i for i in p.order(near) if p.names(name, [i], paragraph=False)]
    if naming:
        best = max(naming, key=lambda i: (i not in p.headings, sum(1 for w in role_words if p.sentences[i].has(w)), -naming.index(i)))
        return p.passage([best]), None
    return [], ("no sentence of the article names them",
                f"quote the sentence of the article that names {name!r}")


def _title_of(role: str) -> str | None:
    """The title a role of the form "<title> of/for/at <body>" gives ("head", "secretary", "CEO"), if it is one."""
    m = _TITLE_OF.match(role)
    title = fold(m.group(1)) if m else None
    return title if title in TITLES or title in TITLE_SYNONYMS else None


_TITLE_OF = re.compile(r"\s*(?:[\w’'\-]+\s+){0,3}?([\w’'\-]+)\s+(?:of|for|at)\s+", re.IGNORECASE)


def _lower_words(text: str) -> set[str]:
    """The words the text writes in lower case, folded."""
    return {fold(w) for w in WORD.findall(text) if w[0].islower()}


def _role_word_in(p: Passages, word: str) -> set[int]:
    """The sentences holding a word of a role in some form; for a doer ("mediator", "director", "organiser")
    only in its own forms: "mediation" or "direction" calls nobody a mediator or a director."""
    found = p.having(word)
    if not word.endswith(_DOERS) or not found:
        return found
    forms = {form + end for form in (word, american(word)) for end in ("", "s", "'s", "’s")}
    return {j for j in found if not p.sentences[j].words.isdisjoint(forms)}


_DOERS = ("or", "er", "ist")


def _role_beside(p: Passages, name: str, words: list[str]) -> bool:
    """True if the words of the role stand, in some form (`same_word`), in the paragraphs that name its holder:
    one of every two (a model's role may sum up the story: "reported the first deployment"). True also when
    no sentence names them: the caller refuses the item for that."""
    # from the paragraphs holding the words to whether they name the holder: few paragraphs hold a role's
    # words, and asking every sentence of the article for the name is what costs
    named: dict[tuple[int, int], bool] = {}
    met = 0
    for w in words:
        for j in sorted(_role_word_in(p, w)):
            span = p.paragraph_span([j])
            if span not in named:
                named[span] = any(p.names(name, [k], paragraph=False) for k in range(*span))
            if named[span]:
                met += 1
                break
    if met >= max(1, len(words) // 2):
        return True
    return not any(p.names(name, [i], paragraph=False) for i in range(len(p.spans)))


_JOINT = re.compile(r"\s*(?:,\s*(?:and\s+)?|\band\b|&)\s*")


def joint_names(loc: Locator, name: str) -> list[str]:
    """The people a proposer names: "Berglund and Vos" is two, where the article has no such name but has each
    of them; "Ministry of Trade and Industry" is one."""
    if loc.has_name(name):
        return [name]
    parts = [x for x in _JOINT.split(name) if x]
    return parts if len(parts) > 1 and all(x[0].isupper() and loc.has_name(x) for x in parts) else [name]


def judge_response(p: Passages, proposer: str, action: str, status: str, quoted: list[Passage], near: int, *,
                   strict_words: bool = True) -> tuple[list[Passage], Failure | None]:
    """A proposed response: a passage that proposes it (urges, calls for, plans ...) and names who did (each of
    them, for a joint proposal)."""
    proposer, *others = joint_names(p.loc, proposer)

    first = folded_words(action)[:1]
    if first and REFUSAL.match(first[0]):
        return [], ("a refusal, not a proposal",
                    "list under proposed_responses only what someone proposed, not what they rejected")

    # what is proposed, without the quote or the reason the model added ("..., saying the last inspection was
    # in 2019. "People deserve to know," Osei said."): the cue must stand by the proposal itself
    core = _REASON.split(_QUOTATION.sub(" ", action))[0]
    in_action = frozenset(folded_words(action))

    def ok(idxs: list[int], share: float) -> bool:
        if not p.shares(action, idxs, share):
            return False  # `supports` would say no, and this is the cheap part of it
        # the cues are English: for a brief in another language than the article only the rest is checked
        if p.strict and not all(proposes(p, idxs, content_words(part), proposer) for part in _conjuncts(core)):
            return False
        if p.strict and any(addressed(p.sentences[i], proposer, in_action) for i in idxs):
            return False  # "he proposed that the union suspend strikes": the union is asked, not asking
        if p.strict and _proposed_by_another(p, idxs, proposer):
            return False
        return (p.names(proposer, idxs, paragraph=True, besides=in_action)
                and all(p.names(x, idxs, paragraph=True, besides=in_action) for x in others)
                and p.supports(action, idxs, share, attributed=True))

    good = [q for q in quoted if p.body(q) and ok(p.indices(q.start, q.end), QUOTED_SHARE)]
    if good:
        return good, None
    if strict_words:
        found = p.locate(action, near, lambda idxs: ok(idxs, LOCATED_SHARE))
        if found:
            return found, None
    return [], ("no passage shows them proposing it",
                f"no sentence of the article shows {proposer!r} proposing, urging or calling for this; list only "
                "actions that someone proposed, credited to whoever proposed them")


def _proposed_by_another(p: Passages, idxs: list[int], proposer: str) -> bool:
    """True if each sentence of the passage that holds a cue names someone else before it, and not the
    proposer: the proposal is theirs ("Opposition councillor Grace Mbeki ... proposed that the city take ..."
    is not the mayor's, whom the next sentence names)."""
    cued = [(i, cue) for i in idxs if (cue := find_cue(p.sentences[i].text)) is not None]
    return bool(cued) and all(PERSON.search(p.sentences[i].text, 0, cue.start()) is not None
                              and not p.names(proposer, [i], paragraph=False) for i, cue in cued)


def _conjuncts(action: str) -> list[str]:
    """"summon the ambassador and call for sanctions": two actions, each of which must be a proposal."""
    parts = [x for x in _AND_VERB.split(action) if content_words(x)]
    return parts if len(parts) > 1 and all(_VERB_FIRST.match(x) for x in parts) else [action]


def judge_figure(p: Passages, value: str, label: str, quoted: list[Passage], near: int
                 ) -> tuple[list[Passage], Failure | None]:
    """A key figure: its number stands in the passage, and the passage speaks of what it counts."""
    # a year or other number in the label ("rate in 2022") must stand in the passage too
    numbers = {canon_number(m.group()) for m in NUMBER.finditer(fold(f"{value} {label}"))}
    # ("million" of "€40 million" says nothing of what it counts: a passage with "€40 million" has it anyway)
    label_words = [w for w in content_words(f"{label} {value}") if w not in _SCALE]
    own = [w for w in content_words(label) if w not in content_words(value) and w not in _SCALE]
    # so must a day or month ("length of the June warning strike" is not the strike that began on Tuesday)
    dates = [w for w in folded_words(label) if w in CALENDAR]
    if RATE.search(label) and not RATE_VALUE.search(value):
        return [], ("the figure is a count, not a rate", "a rate or share needs the article's % or 'per'")
    if (not numbers and not NUMBER_WORDS.search(value)) or len(value.split()) > 14:
        return [], ("not a figure", "key_figures are numbers as the article writes them, with a short label")

    # "5% offered by union": who did it is part of the figure ("9% offered by union" where the union seeks 9%)
    agent = _AGENT.search(f"{value} {label}")
    done_by = (fold(agent.group(1)), [w for w in folded_words(agent.group(2)) if w not in COMMON]) if agent else None

    # its amounts whatever their form ("€2,400,000" is the passage's "2.4 million euros", "twenty-three" its "23"):
    # sought only for a figure whose digits the article lacks, and whose amounts it has
    amounts: set[str] = set()
    if not numbers or not numbers <= p.loc.numbers:
        amounts = values_in(f"{value} {label}")
        amounts = amounts if amounts <= p.loc.amounts else set()

    told, end = compared(f"{value} {label}"), end_of(label)  # (which way and which end the label says)
    floor = not _FLOOR.isdisjoint(folded_words(label))

    def ok(idxs: list[int]) -> bool:
        # (a figure without a quote is sought sentence by sentence: each keeps its numbers)
        if len(idxs) == 1:  # (most: every sentence of the article, for a figure without a quote)
            one = p.sentences[idxs[0]]
            text, digits = one.text, one.digits
            held = numbers <= digits or numbers <= digits | one.spelled
        else:
            text = " ".join(p.sentences[i].text for i in idxs)
            folded = fold(text)
            digits = digit_numbers(folded)
            held = numbers <= digits or numbers <= digits | spelled_numbers(folded)
        if numbers:
            held = held or (bool(amounts) and amounts <= values_in(text) | digits)
        else:
            held = all(any(p.sentences[i].has(w) for i in idxs) for w in content_words(value)) or (
                bool(amounts) and amounts <= values_in(text) | digits)
        if not held:
            return False
        if any(miscounts(text, n, label) for n in numbers) or changed_unit(f"{value} {label}", [text]):
            return False
        if not unit_given(value, text) or ceiling_as_amount(f"{value} {label}", [text]):
            return False  # "3 miles" where no mile is written; "€2 million fine imposed" over "a fine of up to"
        if reversed_direction(f"{value} {label}", [p.sentences[i].low_set for i in idxs]):
            return False  # "rise in the share price" over "shares fell 6.3 percent"
        if told and (there := compared(text, numbers)) and told != there:
            return False  # "76 more beds" over "520 beds, 76 fewer than the 596 ..."
        if floor and numbers & ceilings(text):
            return False  # "the minimum fine: £2.5 million" over "a fine of up to £2.5 million"
        if other_end(text, numbers, end):
            return False  # "the current fee: €2,300" over "would rise from €1,450 a year to €2,300"
        if done_by is not None and not any(_done_by(p.sentences[i], *done_by) for i in idxs):
            return False
        if dates and not all(any(w in p.sentences[i].words for i in idxs) for w in dates):
            return False
        if not label_words:
            return True
        if not any(p.sentences[i].has(w) for i in idxs for w in label_words):
            return False
        # another figure's label: words the passage lacks that one other sentence holds together, beside a
        # number of its own ("cost of the retraining fund" for the strike's €15 million a day, where the
        # fund is €40 million); names are context a label may add ("Aerlink Atlantic")
        lacking = [w for w in own if w not in p.proper and not any(p.sentences[i].has(w) for i in idxs)]
        return len(lacking) < 2 or not any(p.sentences[j].digits - numbers for j in
                                           set.intersection(*(p.having(w) for w in lacking)).difference(idxs))

    good = [q for q in quoted if ok(p.indices(q.start, q.end))]
    if good:
        return good, None
    holding = [i for i in p.order(near) if ok([i])]
    if holding:
        best = max(holding, key=lambda i: (sum(1 for w in label_words if p.sentences[i].has(w)), -holding.index(i)))
        return p.passage([best]), None
    return [], ("the figure is not in a passage about it",
                f"the article does not give {value!r} as {label!r}; copy figures as the article writes them")


_FLOOR = frozenset({"minimum", "least", "floor", "lowest"})  # a label's words for a number that is a floor

# a figure's doer: "offered by union", "grounded by the strike", "offered by the Irish Cabin Crew Union" (group
# 1 the verb, group 2 the doer: a word, or a run of capitalized ones)
_AGENT = re.compile(r"\b([a-z]{3,}(?:ed|en))\s+by\s+(?:the\s+)?((?:[A-Z][\w’'\-]+\s+){0,4}[A-Za-z][\w’'\-]+)")


def _done_by(sentence: Sentence, verb: str, doer: list[str]) -> bool:
    """The sentence has the doer do it: the verb with a word of the doer at most five words before it ("the
    union has offered", "Aerlink says it has offered"), or after it, passive ("offered by the union")."""
    low = sentence.low

    def near(words: list[str]) -> bool:
        return any(same_word(x, d) for x in words for d in doer)

    return any(same_word(w, verb) and (near(low[max(0, k - 5) : k]) or (low[k + 1 : k + 2] == ["by"] and near(low[k + 2 : k + 7])))
               for k, w in enumerate(low))

