"""Whose a role or a proposal is, read off one sentence: the name a title stands beside, the words of a name
that tell it from others, and the party a proposal is made to rather than by. `schemas.support` and
`schemas.judges` use these; they only read sentences.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .layout import UPPER
from .normal import folded_words
from .signals import CALENDAR, GENERIC, SPEECH_VERBS, TITLES, Sentence, content_words, find_cue, same_word
from .text import american
from .vocabulary import COMMON

if TYPE_CHECKING:
    from .support import Passages

__all__ = ["TITLE_SYNONYMS", "RANKS", "role_elsewhere", "addressed", "attached", "attached_at", "body_role_clash", "distinctive", "glued_title", "person_behind",
           "title_holder", "officer_of"]

# the words an article may write for a title a model gives ("head of the federation" for its president, "CEO"
# for the chief executive); each title stands for itself too
TITLE_SYNONYMS = {
    "head": ("head", "president", "chair", "chairman", "chairwoman", "chairperson", "director", "leader", "chief",
             "governor", "executive"),
    "ceo": ("ceo", "executive"),
    "boss": ("boss", "head", "president", "chair", "chairman", "chairwoman", "director", "leader", "chief",
             "executive"),
    "chief": ("chief", "head", "executive"),
    "leader": ("leader", "head", "president", "chair", "chairman", "chairwoman"),
}
# ranks written between a title and a name ("Coast guard spokeswoman Commander Elin Strand"): no one else's name
RANKS = frozenset({"commander", "captain", "colonel", "lieutenant", "sergeant", "major", "admiral", "inspector",
                   "superintendent", "constable", "detective", "corporal", "brigadier", "marshal", "rev", "reverend",
                   "father", "sister", "prof", "professor"})

# a speech verb soon after a name ("..., the union urged"), or just before it ('"...," said Kovac')
_SPEAKER_AFTER = re.compile(r"[\w’'\-\s]{0,40}?\b" + SPEECH_VERBS + r"\b")
_SPEAKER_BEFORE = re.compile(SPEECH_VERBS + r"\s+(?:[\w’'\-]+\s+){0,3}$")
_ASKED_TO = re.compile(r"\s+to\s+[a-z]")  # after a name: the one asked to do it


def attached(text: str, role: list[str], mine: set[str]) -> str | None:
    """Whose the role words in one sentence are: 'own', 'other' or None (not there, or nobody near)."""
    sentence = Sentence(text)
    at = {i for i, w in enumerate(sentence.low) if any(same_word(w, r) for r in role)}
    return attached_at(sentence, at, len(role), mine)


def attached_at(sentence: Sentence, at: set[int], roles: int, mine: set[str]) -> str | None:
    """`attached`, given which tokens of the sentence are the role's words (`at`) and how many words the role
    has: a caller judging one role against every sentence of an article matches its words once."""
    text, tokens, low = sentence.text, sentence.tokens, sentence.low
    if len({low[i] for i in at}) < max(1, (roles + 1) // 2):
        return None
    others: list[int] = []
    i = 0
    while i < len(tokens):
        if not tokens[i].group()[0].isupper():
            i += 1
            continue
        j = i
        while j + 1 < len(tokens) and tokens[j + 1].group()[0].isupper() and not text[tokens[j].end() : tokens[j + 1].start()].strip():
            j += 1
        run = range(i, j + 1)
        titled = [k for k in run if k in at]
        # "NATO Secretary General Mark Rutte": the name follows the title; "Valmora Dockworkers' Union" is the
        # role's own phrase (its last role word is no title), so nobody in it holds the role
        if titled and low[max(titled)] not in TITLES:
            i = j + 1
            continue
        for k in (k for k in run if k > max(titled)) if titled else run:
            if low[k] in COMMON or low[k] in TITLES or low[k] in RANKS or low[k] in mine or text[tokens[k].end() : tokens[k].end() + 1] == ":":
                continue
            others.append(k)
        i = j + 1
    own = [i for i, w in enumerate(low) if w in mine and not (tokens[i].group().endswith(("’s", "'s")) and i + 1 in at)]
    for r in sorted(at):
        # "the island of Skarva" names the island; "general secretary of the union" is a title (see below)
        if low[r] in TITLES or r + 1 >= len(tokens) or low[r + 1] != "of":
            continue
        k = r + 2 + (r + 2 < len(tokens) and low[r + 2] == "the")
        # (but "Anders Kjelby, rector of Brenvik Technical University" names the role's own body: its holder is
        # the one named beside it)
        if k < len(tokens) and tokens[k].group()[0].isupper() and low[k] not in COMMON and not (
                k in at and own and tokens[r].group()[0].islower()):
            return "own" if k in own else "other"
    if not own and not others:
        return None
    # "WHO country representative Dr. Severin Kamau": the name right after the title holds it (the last title of
    # each run of the role's words: "Foreign Minister Tomas Berglund ... in Estmark's waters" is Berglund's)
    holders = [_after_title(sentence, r) for r in sorted(at) if low[r] in TITLES and r + 1 not in at]
    if any(k in own for k in holders):
        return "own"
    if any(k in others for k in holders):
        return "other"
    center = sum(at) / len(at)
    d_own = min((abs(i - center) for i in own), default=float("inf"))
    d_other = min((abs(i - center) for i in others), default=float("inf"))
    return "own" if d_own <= d_other else "other"


def _after_title(sentence: Sentence, r: int) -> int | None:
    """The token of the name written right after the title at token `r`, past other titles and ranks ("Coast
    guard spokeswoman Commander Elin Strand"); None when no capitalized word follows it."""
    text, tokens, low = sentence.text, sentence.tokens, sentence.low
    k = r + 1
    while k < len(tokens) and (low[k] in TITLES or low[k] in RANKS or low[k] in _HONORIFICS) and not text[
            tokens[k - 1].end() : tokens[k].start()].strip(" ."):
        k += 1
    if k < len(tokens) and tokens[k].group()[0].isupper() and not text[tokens[k - 1].end() : tokens[k].start()].strip(" ."):
        return k
    return None


def distinctive(name: str) -> list[str]:
    """The words of a name that tell it from others: not "the", not a title, not "union" or "council"."""
    tokens = [t for t in folded_words(name) if t not in COMMON and len(t) > 1]
    return [t for t in tokens if t not in GENERIC and t not in TITLES] or tokens


def addressed(sentence: str | Sentence, proposer: str, action: frozenset[str] = frozenset()) -> bool:
    """True if the proposer stands in the sentence only after its proposal cue, and not as its speaker: the
    one a proposal is made to ("he proposed that the union suspend ..."), not the one who makes it. (Given a
    `Sentence`, its tokens are read off it.) Words of the proposer's name that the action itself holds
    (`action`, folded) do not count while others are left: "the group called for a shuttle bus between
    Brennick and Carrow" asks nothing of the Brennick Patients' Alliance."""
    parsed = sentence if isinstance(sentence, Sentence) else Sentence(sentence)
    sentence = parsed.text
    cue = find_cue(sentence)
    named = distinctive(proposer)
    words = [w for w in named if w not in action] or named
    if cue is None or not words:
        return False
    at = [t for t, low in zip(parsed.tokens, parsed.low, strict=True) if any(same_word(low, w) for w in words)]
    if not at or any(t.start() < cue.start() for t in at):
        return False
    # "..., the union urged." or '"...," Kovac said': the speaker stands after the quote; but "urged the
    # government to designate ..." asks the government
    return not any((_SPEAKER_AFTER.match(sentence[t.end() :]) or _SPEAKER_BEFORE.search(sentence[: t.start()]))
                   and not _ASKED_TO.match(sentence, t.end()) for t in at)


# two to four capitalized words: a person's name as a sentence writes it after a title ("chief executive
# Tomas Lindqvist"), or between commas after it ("The regional transport minister, Ana Kovac, called ...")
_CAP = rf"[{UPPER}][\w’'\-]+"  # a capitalized word, as `text.PERSON` reads one ("Émile", "Олена")
_HOLDER = re.compile(rf"\s+({_CAP}(?:\s+{_CAP}){{1,3}})|,\s+({_CAP}(?:\s+{_CAP}){{1,2}}),")


def title_holder(name: str, text: str) -> str | None:
    """The person a passage names with a title the model gave as a name: for "Port Authority chief executive"
    and "Port authority chief executive Tomas Lindqvist said ...", "Tomas Lindqvist". None when the name
    does not end with a title ("Tomas Lindqvist", "Ministry of Transport"), or the passage does not write
    the title, word for word, right before a name of its own (or before one between commas)."""
    words = name.split()
    if not words or words[-1].lower().strip(".,") not in TITLES:
        return None
    title = re.compile(r"(?<![\w’'\-])" + r"\s+".join(re.escape(w) for w in words), re.IGNORECASE)
    for m in title.finditer(text):
        after = _HOLDER.match(text, m.end())
        if after is None:
            continue
        holder = (after.group(1) or after.group(2)).split()
        while holder and holder[-1].lower() in COMMON:
            holder.pop()  # "... Tomas Lindqvist On" cannot end a name
        # "Health Director Anna Berg": a title goes on, so the name is the director's, not the ministry's;
        # "the minister, Port Authority, ...": a body is no one's name
        if len(holder) >= 2 and not any(w.lower() in TITLES or w.lower() in COMMON or w.lower() in GENERIC
                                        for w in holder):
            return " ".join(holder)
    return None


def glued_title(name: str, text: str) -> tuple[str, str] | None:
    """(the title, the person) for a name the model gave with its title in front ("Chief Operating Officer
    Niamh Cotter", "Chief executive Dr Miriam Okafor"), when the text writes the name so. None when no title
    word stands before two to four capitalized words that end the name, they end as a place or a body does
    ("King Abdullah University"), or the text writes neither the whole name nor the title and then the
    person between commas."""
    words = name.split()
    last = max((i for i, w in enumerate(words[:-1]) if w.lower().strip(".,") in TITLES), default=-1)
    if last < 0:
        return None
    person = words[last + 1 :]
    bare = person[1:] if person[0].lower().rstrip(".") in _HONORIFICS else person
    if not 2 <= len(bare) <= 4 or bare[-1].lower() in _INSTITUTIONS or not all(
            w[0].isupper() and w.lower() not in TITLES and w.lower() not in COMMON and w.lower() not in GENERIC
            for w in bare):
        return None
    title = " ".join(words[: last + 1]).rstrip(",")
    whole = re.compile(r"(?<![\w’'\-])" + r"\s+".join(map(re.escape, words)) + r"(?![\w’'\-])", re.IGNORECASE)
    # as the model wrote it, or with the name between commas ("the hospital's IT director, Samuel Reyes, said")
    if whole.search(text) is None and title_holder(title, text) != " ".join(person):
        return None
    return title, " ".join(person)


def officer_of(name: str, role: str, text: str) -> tuple[str, str] | None:
    """(the person, the title as the text writes it) when the model gave a body the title of someone who holds
    it there ("Valmora Dockworkers' Union" as "general secretary") and the text names that person beside the
    title and the body: "Elena Maris, general secretary of the Valmora Dockworkers’ Union, said ..." or
    "Valmora Dockworkers’ Union general secretary Elena Maris". None for a name that is no body, a role that
    is no person's title, or a text that names nobody so."""
    words, titles = name.split(), role.split()
    if _body_kind(name) is None or not titles or titles[-1].lower().strip(".,") not in TITLES | _PERSONAL:
        return None
    body, title = _phrase(words), _phrase(titles)
    person = rf"(?P<person>{_CAP}(?:[^\S\n]+{_CAP}){{1,4}})"  # (on one line: a byline above is no part of it)
    for pattern in (rf"{person},\s+(?P<title>(?i:(?:the\s+)?{title}\s+(?:of|at|for)\s+(?:the\s+)?{body}))(?![\w’'\-])",
                    rf"(?P<title>(?i:{body}(?:['’]s?)?\s+{title})),?\s+{person}"):
        for m in re.finditer(pattern, text):
            held = m.group("person").split()
            while held and held[0].lower() in COMMON | CALENDAR:
                held.pop(0)  # "On Monday Elena Maris, general secretary of ...": the name is the last words
            while held and held[-1].lower() in COMMON:
                held.pop()
            if 2 <= len(held) <= 4 and not any(w.lower() in TITLES or w.lower() in GENERIC for w in held):
                return " ".join(held), m.group("title").removeprefix("the ").removeprefix("The ")
    return None


def _phrase(words: list[str]) -> str:
    """The words as a pattern, any run of spaces between them and either apostrophe in them."""
    return r"\s+".join(_APOSTROPHE.sub("['’]", re.escape(w)) for w in words)


_APOSTROPHE = re.compile("['’]")


_HONORIFICS = {"dr", "mr", "mrs", "ms", "prof"}

# Kinds of bodies, by the noun that ends a body's name ("Irish Travel Agents Association") or a role ("travel
# agency"): a body is not a body of another kind, nor a person holding a title.
_KINDS = {
    "members": ("union", "association", "federation", "confederation", "guild", "chamber", "society"),
    "public": ("ministry", "department", "agency", "authority", "office", "commission", "council", "government",
               "regulator", "inspectorate", "police"),
    "commercial": ("company", "firm", "corporation", "business"),
    "court": ("court", "tribunal"),
    "party": ("party",),
    "school": ("university", "college", "school", "institute"),
    "hospital": ("hospital", "clinic"),
}
_KIND_OF = {noun: kind for kind, nouns in _KINDS.items() for noun in nouns}
# the last word of a place or a body, not of a person ("King Abdullah University", "Prince Albert Hospital")
_INSTITUTIONS = {*_KIND_OF, "academy", "committee", "foundation", "bank", "museum", "airport", "station", "port",
                 "harbour", "church", "cathedral", "mosque", "stadium", "centre", "center", "club", "league", "trust",
                 "fund", "park", "bridge", "street", "road", "square", "avenue", "hall", "house", "palace"}


def person_behind(name: str, quotes: list[str]) -> tuple[str, str] | None:
    """(the person, the title) when the model named someone by a title, alone ("Port Authority chief
    executive") or in front of their name ("Chief Operating Officer Niamh Cotter"), and one of the quotes
    writes the title right before the person's name; else None."""
    for quote in quotes:
        if (holder := title_holder(name, quote)) is not None:
            return holder, name
    for quote in quotes:
        if (glued := glued_title(name, quote)) is not None:
            return glued[1], glued[0]
    return None


# titles only a person holds ("leader", "executive", "chief" also name bodies: "market leader", "the EU's
# executive")
_PERSONAL = {"minister", "secretary", "president", "director", "governor", "chairman", "chairwoman", "chair",
             "spokesman", "spokeswoman", "spokesperson", "ambassador", "mayor", "premier", "commissioner", "officer",
             "judge", "senator", "representative", "professor", "head", "manager", "lecturer"}


def _body_kind(name: str) -> str | None:
    """The kind of body a name names by its last word ("... Association") or by a word before "of"
    ("Mozambique Ministry of Health"); None for a person or anything else."""
    words = [w.strip(".,’'").lower() for w in name.split()]
    if not words:
        return None
    if words[-1] in _KIND_OF:
        return _KIND_OF[words[-1]]
    return next((_KIND_OF[w] for w, after in zip(words, words[1:], strict=False) if after == "of" and w in _KIND_OF),
                None)


def body_role_clash(name: str, role: str) -> str | None:
    """What is wrong when a role cannot be a body's: the body's name says it is one kind of body and the role
    another ("Irish Travel Agents Association" as a "travel agency"), or the role is a title only a person
    holds ("Mozambique Ministry of Health" as "health minister"); else None."""
    kind = _body_kind(name)
    if kind is None:
        return None
    head = role.strip().split()[-1].strip(".,’'").lower() if role.strip() else ""
    if head in _PERSONAL:
        return "a person's title given to a body"
    if head in _KIND_OF and _KIND_OF[head] != kind:
        return "a body of another kind than the article's"
    return None


def _role_tokens(p: Passages, role: list[str]) -> set[str]:
    """The article's tokens that are one of the role's words as `same_word` sees it: the same word, the
    same American spelling, or the same first four letters and more."""
    changed = p.low_vocab[1]
    found: set[str] = set()
    for r in role:
        us = american(r)
        near = {*p.low_tokens(r), *changed.get(us, ())}
        if us != r:
            near.update(w for w in p.low_tokens(us) if w == us)
        found |= {w for w in near if same_word(w, r)}
    return found


_BODY = re.compile(rf"{_CAP}(?:\s+(?:of|for)?\s*{_CAP})+")  # two or more capitalized words: a name


_TITLE_AND_BODY = re.compile(r"\s*((?:[\w’'\-]+\s+){0,2}?[\w’'\-]+)\s+(?:of|for|at)\s+(?:the\s+)?(.+)", re.IGNORECASE)


def _given_with_body(p: Passages, name: str, role: str, words: list[str]) -> bool:
    """True if the role names a body ("spokesperson for the Water Quality Authority") and a sentence that names
    the holder has the rest of the role and the body's last word ("A spokesperson for the authority, Helen
    Brandt"): the body's full name elsewhere gives nobody the role. A title is found in any of its forms ("CEO of
    the health authority" for "Anton Weil, the authority's chief executive")."""
    if (m := _TITLE_AND_BODY.match(role)) and (body := folded_words(m.group(2))):
        titles = {t for w in folded_words(m.group(1)) if w in TITLES or w in TITLE_SYNONYMS
                  for t in TITLE_SYNONYMS.get(w, (w,))}
        if titles:
            holding = set().union(*(p.having(t) for t in titles)) & p.having(body[-1])
            if any(p.names(name, [i], paragraph=False) for i in sorted(holding)):
                return True
    runs = [folded_words(m.group()) for m in _BODY.finditer(role)]
    runs = [run for run in runs if run and run[-1] not in TITLES]
    rest = [w for w in words if not any(w in run for run in runs)]
    if not runs or not rest:
        return False
    # (from the article's index: few sentences hold the rest of a role)
    holding = set.intersection(*(p.having(w) for w in rest)) & set().union(*(p.having(run[-1]) for run in runs))
    return any(p.names(name, [i], paragraph=False) for i in sorted(holding))


def role_elsewhere(p: Passages, name: str, role: str) -> bool:
    """True if the article gives the role to someone else: its words stand beside another name and never
    beside this one ("Finance Minister A ..., while Central Bank Governor B" makes B the governor)."""
    mine = {t for t in folded_words(name) if t not in COMMON and len(t) > 1}
    words = [w for w in content_words(role) if w not in GENERIC and not any(same_word(w, t) for t in mine)]
    if not words:
        return False
    if _given_with_body(p, name, role, words):
        return False
    other = 0
    roles = _role_tokens(p, words)
    enough = max(1, (len(words) + 1) // 2)
    for s in p.sentences:
        # most sentences hold none of the role's words: a set intersection tells, before any token loop
        if len(s_low := s.low_set & roles) < enough:
            continue
        side = attached_at(s, {i for i, w in enumerate(s.low) if w in s_low}, len(words), mine)
        if side == "own":
            return False  # the article gives it to them once: no other sentence can change that
        other += side == "other"
    return other > 0
