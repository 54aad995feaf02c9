"""What a sentence says, read off its words: content words, negations, proposal cues, speakers, headings.
How a claim differs from its sentence is `schemas.edits`. The support rules (`schemas.support`) are
built from these; nothing here knows of drafts or briefs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import chain, compress
from operator import itemgetter

from .done import pending
from .normal import (
    MONTHS,
    cached_property,
    digit_numbers,
    folded_words,
    has_case_twins,
    led_by_letters,
    spelled_numbers,
    whole_words,
)
from .runs import letter_words
from .text import NEGATIONS, american, cached, fold, fold_words, tokens_of
from .vocabulary import COMMON, FUNCTION_WORDS, TOKEN, token_re

__all__ = [
    "CALENDAR", "CLAUSE", "CUE_CLAUSE", "CUES", "GENERIC", "JOINS", "NEG_WORDS", "NUMBER_WORDS", "RATE", "RATE_VALUE", "REFUSAL",
    "SENTENCES", "SPEAKS", "SPEECH", "SPEECH_VERBS", "TITLES", "TOKEN", "VERB", "content_words",
    "acted_on", "capitalized_inside", "clauses", "cue_clauses", "fill_low", "find_cue", "has_speech", "heading", "looks_like_name", "miscounts", "negated", "same_word", "Sentence", "sentence_of", "without_dateline",
]


# Days and months: capitalized, but nobody's name; when something happened, which a figure's label may say
CALENDAR = frozenset(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]) | MONTHS

# Words a role uses that say nothing about whose role it is.
GENERIC = {"country", "countries", "state", "states", "nation", "group", "body", "organization", "organisation",
            "official", "officials", "person", "people", "party", "parties", "involved", "member", "members",
            "side", "actor", "entity", "institution", "government", "authority", "authorities", "agency", "role",
            "figure", "company", "firm", "business", "corporation", "airline", "carrier", "operator",
            "supplier", "union", "employer", "provider", "town", "city", "village", "municipality", "region",
            "province", "county", "district", "island"}
# Capitalized words that are titles rather than names of anyone.
TITLES = {"leader", "president", "minister", "secretary", "general", "chief", "executive", "director", "governor", "head",
           "chair", "chairman", "chairwoman", "spokesman", "spokeswoman", "spokesperson", "ambassador", "prime",
           "deputy", "senior", "former", "mayor", "premier", "commissioner", "officer", "king", "queen", "prince",
           "judge", "justice", "senator", "representative", "permanent", "foreign", "defence", "defense",
           "finance", "health", "interior", "vice", "acting", "professor", "doctor", "sir", "lord", "lady"}
# A proposal: somebody proposes, urges, calls for, demands, plans, offers, says something should be done.
_CUE_WORDS = [  # (regexes; each begins with a letter: see `led_by_letters`)
    r"propos\w*", r"urg\w*", r"call(?:s|ed|ing)?\s+(?:for|on|upon)", r"demand\w*", r"plan(?:s|ned|ning)?\b", r"offer\w*",
    "should", "must", r"need(?:s|ed)?\s+(?:to|for)", r"the\s+need", r"suggest\w*", r"recommend\w*", r"want(?:s|ed)?\s+to",
    r"ask(?:s|ed)?\s+\w+\s+to", r"press(?:es|ed)?\s+for", r"push(?:es|ed)?\s+for", r"seek\w*", "sought", r"intend\w*",
    r"pledg\w*", r"promis\w*", r"vow\w*", r"agree\w*", r"approv\w*", r"appeal\w*", r"encourag\w*", r"advocat\w*",
    r"insist\w*", r"hope[sd]?\s+(?:that|to)",
    *(rf"{be}\s+(?:going|set|expected|ready|prepared)\s+to" for be in ("is", "are", "was", "were")),
    r"will\s+(?:seek|ask|introduce|propose|table)", "important", "necessary", r"consider\w*", r"aim(?:s|ed)?\s+to",
    r"threaten\w*", r"back(?:s|ed)?\s+(?:a|an|the)\b",
    # a commitment to take part ("the airline would attend", "the authority would return to talks")
    r"w(?:ill|ould)\s+(?:attend|join|take\s+part|return\s+to|resume|go\s+back\s+to)\b",
    # a demand, and an action announced ("residents wanted an apology", "it would organise a protest")
    r"want(?:s|ed)?\s+(?:a|an|the)\b", r"w(?:ill|ould)\s+(?:organi[sz]e|hold|stage|launch)\b",
    # a motion or bill put to a vote ("tabled a motion to suspend the merger", "put forward a plan")
    r"tabl(?:es|ed|ing)\s+(?:a|an|the)\b", r"put(?:s|ting)?\s+forward", r"mov(?:es|ed)\s+(?:a|an|the)\s+motion",
    r"introduc(?:es|ed)\s+(?:a|an|the)\s+(?:bill|motion|amendment)",
]
CUES = re.compile(r"\b(?:" + "|".join(_CUE_WORDS) + ")", re.IGNORECASE)
REFUSAL = re.compile(r"(?:reject|refus|declin|dismiss|oppos|turn(?:s|ed)?$|denie|deny|spurn|vetoe)")
_CUE_CUTS, _CUE_JOINS = ",;:–—", ["and", "but", "while", "although", "though", "whereas"]
_CUTS, _JOINS = ",;:–—.!?", ["but", "while", "although", "though", "however", "whereas"]
CUE_CLAUSE = re.compile(f"[{_CUE_CUTS}]|\\b(?:{'|'.join(_CUE_JOINS)})\\b", re.IGNORECASE)
CLAUSE = re.compile(f"[{re.escape(_CUTS)}]|\\b(?:{'|'.join(_JOINS)})\\b", re.IGNORECASE)
# the same, for a lowered text, each mark a literal of its own so the search skips to the next of them
_CUE_CLAUSE_LOW = re.compile("|".join(map(re.escape, _CUE_CUTS)) + "|" + whole_words(_CUE_JOINS))
_CLAUSE_LOW = re.compile("|".join(map(re.escape, _CUTS)) + "|" + whole_words(_JOINS))
NEG_WORDS = NEGATIONS | {"neither", "cannot", "nobody", "nothing"}
# one of NEG_WORDS as a whole run of \w: what `NEG_WORDS & set(WORD.findall(text))` asks, in one C search
_NEG_WORD = re.compile(whole_words(NEG_WORDS))
# both in one search of the lowered text ("n't" has no other case twins than N and T)
_NEG_ANY = re.compile(r"n[’']t\b|" + _NEG_WORD.pattern)
_DIGITS = re.compile(r"\d[\d,.]*")
_NON_DIGIT = re.compile(r"\D")
_LETTERS = re.compile(r"[^\W\d_]+")
NUMBER_WORDS = re.compile(
    r"(?i)\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundreds?"
    r"|thousands?|millions?|billions?|dozens?|half|third|quarter|percent|several)\b"
)
# where one sentence of a claim joins two facts: "... and stresses ...", "...; ...", "..., while ..."
JOINS = re.compile(r",?\s+and\s+(?=[a-z]+(?:s|ed)\b)|;\s+|,\s+while\s+")
_SPEECH_WORDS = ["said", "says", "say", "told", "tells", "added", "adds", "warned", "warns", "stressed", "stresses",
                 "emphasised", "emphasized", "noted", "notes", "argued", "insisted", "wrote", "writes", "announced",
                 "announces", "confirmed", "confirms", "claimed", "claims", "explained", "stated", "states", "believes",
                 "believed", "thinks", "described", "called", "urged", "acknowledged", "admitted", "denied", "replied",
                 "responded"]
SPEECH_VERBS = "(?:" + "|".join(_SPEECH_WORDS) + ")"
VERB = re.compile(whole_words(_SPEECH_WORDS))
SPEAKS = re.compile(r"^\s*(?:[A-Z][\w’'\-]+\s+){1,5}" + SPEECH_VERBS + r"\b")  # "Brook Hill said ..."
SPEECH = re.compile(r"\b" + SPEECH_VERBS + r"\b|[“”\"]|\baccording\s+to\b", re.IGNORECASE)
SENTENCES = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"])|;\s+")
# a label that names a rate or a share ("death rate") needs a value that is one
RATE = re.compile(r"(?i)\b(?:rate|percent|percentage|share|proportion|ratio)\b")
RATE_VALUE = re.compile(r"(?i)%|\bper\b|percent|\bin\s+(?:every\s+)?\d|\bout\s+of\b")


# (without CASE_TWINS a text may be lowered and matched case-sensitively: see `schemas.normal`)
# (and grouped by first letter, which the search skips to: see `led_by_letters`)
_CUES_LOW = re.compile(led_by_letters(_CUE_WORDS))
_SPEECH_LOW = re.compile(whole_words(_SPEECH_WORDS) + '|“|”|"|' + led_by_letters([r"according\s+to\b"]))


def find_cue(text: str) -> re.Match[str] | None:
    """`CUES.search(text)`: where the first proposal cue stands, if any."""
    return CUES.search(text) if has_case_twins(text) else _CUES_LOW.search(text.lower())


def cue_clauses(text: str) -> list[str]:
    """`CUE_CLAUSE.split(text)`: its clauses as a proposal cue governs them."""
    return _split_lowered(text, CUE_CLAUSE, _CUE_CLAUSE_LOW)


def clauses(text: str) -> list[str]:
    """`CLAUSE.split(text)`: its clauses, sentences cut too."""
    return _split_lowered(text, CLAUSE, _CLAUSE_LOW)


def _split_lowered(text: str, case_blind: re.Pattern[str], lowered: re.Pattern[str]) -> list[str]:
    """`case_blind.split(text)`, the cuts found in the lowered text (the same length without CASE_TWINS)."""
    if has_case_twins(text):
        return case_blind.split(text)
    pieces, at = [], 0
    for m in lowered.finditer(text.lower()):
        pieces.append(text[at : m.start()])
        at = m.end()
    pieces.append(text[at:])
    return pieces


def has_speech(text: str) -> bool:
    """`SPEECH.search(text)` found something: a speech verb, a quotation mark or "according to"."""
    return (SPEECH.search(text) if has_case_twins(text) else _SPEECH_LOW.search(text.lower())) is not None


@cached(4096)  # the same claims, clauses and roles are asked about candidate after candidate
def content_words(text: str) -> tuple[str, ...]:
    """The words that carry a claim, each once, in order: four letters or more, not function words, folded."""
    return tuple(dict.fromkeys(w for w in letter_words(fold(text), 4) if w not in FUNCTION_WORDS))


def same_word(a: str, b: str) -> bool:
    """The same word give or take an ending (Korea/Korean, called/calls) or a British spelling."""
    # (most pairs asked differ in their first letter, which neither an ending nor a respelling changes: told
    # apart before the cache, whose key is built and hashed for every pair)
    return a[:1] == b[:1] and _same_word(a, b)


@cached(8192)
def _same_word(a: str, b: str) -> bool:
    if a == b:
        return True
    if american(a) == american(b):
        return True
    if min(len(a), len(b)) < 4 or abs(len(a) - len(b)) > 4:
        return False
    need = max(4, min(len(a), len(b)) - 3)
    return a[:need] == b[:need]


@cached(8192)  # claims, clauses and sentences are asked again check after check
def negated(text: str) -> bool:
    """A negation stands in the text: "n't", or a negating word (a whole \\w+ run of the lowered text)."""
    return _NEG_ANY.search(text.lower()) is not None


class Sentence:
    """One sentence with what support needs of it, computed once per article."""

    def __init__(self, text: str):
        self.text = text
        self.words = {w for w in folded_words(text) if len(w) > 1}
        # the same claim words are asked of the same sentences item after item
        self._has: dict[str, bool] = {}

    def has(self, word: str) -> bool:
        known = self._has.get(word)
        if known is None:
            known = self._has[word] = word in self.words or any(
                same_word(word, w) for w in self._by_prefix.get(word[:4], ()))
        return known

    @cached_property
    def _by_prefix(self) -> dict[str, list[str]]:
        """Its words by their first four letters: the only other words `has` compares a word with (built
        when first needed; most sentences are asked through the article's index instead)."""
        by_prefix: dict[str, list[str]] = {}
        for w in self.words:
            by_prefix.setdefault(w[:4], []).append(w)
        return by_prefix

    @cached_property
    def digits(self) -> set[str]:
        """The numbers it writes in digits, canonical."""
        return digit_numbers(fold(self.text))

    @cached_property
    def spelled(self) -> set[str]:
        """The numbers it spells out, as digits (asked when its digits lack a figure sought)."""
        return spelled_numbers(fold(self.text))

    @cached_property
    def cue(self) -> bool:
        """A proposal cue stands in it (asked of few sentences)."""
        return find_cue(self.text) is not None

    @cached_property
    def tokens(self) -> list[re.Match[str]]:
        """Its words as `TOKEN` finds them (offsets into `text`)."""
        return tokens_of(self.text)

    @cached_property
    def raw(self) -> list[str]:
        """The tokens' text (`TOKEN` has no groups, so findall gives the whole matches)."""
        return token_re(self.text).findall(self.text)

    @cached_property
    def folded(self) -> list[str]:
        """Each token folded: all of them in one `fold_words` call."""
        return fold_words(self.raw)

    @cached_property
    def low(self) -> list[str]:
        """Each token folded, without a possessive 's."""
        return [w.removesuffix("’s").removesuffix("'s") for w in self.folded]

    @cached_property
    def low_set(self) -> set[str]:
        return set(self.low)

    @cached_property
    def pending(self) -> frozenset[str]:
        """Its words that stand after "to", "could", "will" ... (see `schemas.done`)."""
        return pending(self.low)


# a possessive at the end of a token, as `Sentence.low` takes it off ("’s", then "'s"), in a "\0"-joined list
_POSSESSIVE_END = re.compile("(?:'s’s|’s|'s)(?=\0|\\Z)")  # (an alternation of literals: scanned fast)


def fill_low(sentences: list[Sentence]) -> None:
    """Work out `folded` and `low` of every sentence of an article at once, as a few operations over all
    their tokens instead of a few per sentence and one per token (the same lists as each works out alone)."""
    raws = [s.raw for s in sentences]
    flat = [t for raw in raws for t in raw]
    folded = fold_words(flat)
    low = _POSSESSIVE_END.sub("", "\0".join(folded)).split("\0") if folded else []
    if len(low) != len(flat):
        return  # (a token folded into one with a NUL in it) each sentence works its own out
    at = 0
    for s, raw in zip(sentences, raws, strict=True):
        s.__dict__["folded"], s.__dict__["low"] = folded[at : at + len(raw)], low[at : at + len(raw)]
        at += len(raw)


def capitalized_inside(sentences: list[Sentence]) -> set[str]:
    """The `low` of every token a sentence writes capitalized, but for its first: `{low for k, (t, low) in
    enumerate(zip(s.raw, s.low)) if k and t[0].isupper()}` over the sentences, iterated in C."""
    raw = chain.from_iterable(s.raw[1:] for s in sentences)
    return set(compress(chain.from_iterable(s.low[1:] for s in sentences), map(str.isupper, map(itemgetter(0), raw))))


# A wire story's dateline, opening its first sentence: "DUBLIN (AP) — ", "PRAGUE (Reuters) - ", "KYIV, Ukraine — "
# (a place in capitals, then an agency in brackets or a long dash). It names no one in the story.
_DATELINE = re.compile(r"[A-Z][A-Z.'’\-]+(?: [A-Z][A-Z.'’\-]+){0,3}(?:, [A-Z][\w.'’\-]+(?: [A-Z][\w.'’\-]+){0,2})?"
                       r"(?: \([A-Z][\w .&\-]{0,30}\) [—–-]+| [—–]+) (?![a-z])")


def without_dateline(sentence: Sentence) -> Sentence:
    """The sentence without a dateline opening it ("DUBLIN (AP) — Cabin crew ..." is "Cabin crew ..."), so a
    claim that leaves the dateline out is compared with what the sentence says, not with where it was filed."""
    found = _DATELINE.match(sentence.text)
    return sentence_of(sentence.text[found.end() :]) if found else sentence


@cached(4096)
def sentence_of(text: str) -> Sentence:
    """A `Sentence` of a clause or a quotation, which the gate looks at again for every candidate passage."""
    return Sentence(text)


def heading(text: str, start: int, end: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    line = text[line_start:line_end].strip()
    if text[start:end].strip() != line or len(line.split()) > 14 or line[-1:] in ".!?\"”’:;)":
        return False
    before = text[max(0, line_start - 2) : line_start]
    after = text[line_end : line_end + 2]
    return (line_start == 0 or before.endswith("\n\n") or not before.strip()) and (after in ("", "\n") or after == "\n\n")


_VERBS_OF_BEING = {"is", "are", "was", "were", "had", "has", "have", "will", "would", "could", "may", "might"}
_COUNTED = {"number", "numbers", "amount", "total", "count", "figure", "sum", "level"}


def miscounts(sentence: str, number: str, label: str) -> bool:
    """True if the label counts a word that only describes what the sentence counts: "number of containers"
    for "140 container ships"."""
    folded = fold(sentence)
    for m in _DIGITS.finditer(folded):
        if _NON_DIGIT.sub("", m.group()).lstrip("0") != number.lstrip("0"):
            continue
        phrase = []
        for w in _LETTERS.findall(folded[m.end() : m.end() + 40])[:3]:
            if w in FUNCTION_WORDS or w in COMMON or w in _VERBS_OF_BEING or len(w) < 3:
                break
            phrase.append(w)
        if len(phrase) < 2:
            continue
        words = [w for w in content_words(label) if w not in _COUNTED]
        head, modifiers = phrase[-1], phrase[:-1]
        if words and not any(same_word(w, head) for w in words) and any(same_word(words[0], x) for x in modifiers):
            return True
    return False


def looks_like_name(name: str) -> bool:
    """False for what no person or body is called: a word repeated ("HACKED HACKED HACKED"), shouted words
    that are no acronym ("IGNORE PREVIOUS INSTRUCTIONS"), or a sentence."""
    words = _LETTERS.findall(name)
    if not words or len(words) > 10:
        return False
    low = [w.lower() for w in words if w.lower() not in COMMON]
    if len(low) != len(set(low)):
        return False
    return sum(w.isupper() and len(w) >= 5 for w in words) < 2


# a proposal named as a thing ("the plan", "an offer"), which the clause's other words may act upon
_CUE_NOUN = re.compile(r"\b(?:the|a|an|its|their|his|her|this|that)\s+(?:plans?|propos(?:al|als)|offers?|demands?|pledges?|"
                       r"promises?|appeals?|recommendations?|suggestions?)\b", re.IGNORECASE)


def acted_on(clause: str, sentence: Sentence, words: Sequence[str]) -> bool:
    """True if the clause's first cue is a proposal named as a thing, after the words: "voted against the plan"
    proposes no vote, "rejected the offer" no rejection (but "the plan to close the line" is a plan)."""
    cue = find_cue(clause)
    noun = _CUE_NOUN.search(clause)
    if cue is None or noun is None or not noun.start() <= cue.start() < noun.end():
        return False
    first = next((t.start() for t, f in zip(token_re(clause).finditer(clause), sentence.folded, strict=True)
                  if any(same_word(f, w) for w in words)), None)
    return first is not None and first < cue.start()
