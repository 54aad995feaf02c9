"""Folding text for comparison: typography, whitespace and case (with each character's offset kept),
Cyrillic to Latin letters, spelled-out numbers, and British/American spellings. Nothing here searches.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any, TypeVar

from .runs import lowered_words

NEGATIONS = {"no", "not", "never", "none", "nor", "without", "nicht", "kein", "keine", "не", "ні"}

__all__ = ["MONTHS", "NEGATIONS", "NUMBER", "SPELLED", "TRANSLIT", "normalize", "fold", "has_cyrillic", "numbers_in", "digit_numbers", "spelled_numbers", "canon_number", "american",
           "same_words", "CASE_TWINS", "has_case_twins", "cached", "cached_property", "clear_caches", "fold_words", "folded_words", "respellable", "respellings", "led_by_letters", "whole_words"]

# the months, which an article may write short ("Dec. 9"; May has no short form)
MONTHS = frozenset(["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
                    "november", "december"])

_CACHES: list[Any] = []
F = TypeVar("F", bound=Callable[..., Any])


def cached(maxsize: int) -> Callable[[F], F]:
    """`lru_cache(maxsize)`, registered so `clear_caches` can empty it: every cache of the gate is bounded."""

    def wrap(func: F) -> F:
        kept = lru_cache(maxsize=maxsize)(func)
        _CACHES.append(kept)
        return kept  # type: ignore[return-value]

    return wrap


class cached_property:  # noqa: N801 (named as the functools decorator it replaces)
    """`functools.cached_property` without its lock: Python 3.11's takes a lock on every first read, a
    microsecond each, and the gate makes hundreds of first reads per article (Python 3.12 dropped the lock).
    Each object is read from one thread; a race would only compute a value twice."""

    def __init__(self, func: Callable[[Any], Any]) -> None:
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.func(obj)
        return value


def clear_caches() -> None:
    """Forget everything the gate has cached, as for a process that never saw an article (benchmarks)."""
    for kept in _CACHES:
        kept.cache_clear()

_CHAR_MAP = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u00b4`\u2039\u203a", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
    "\u2026": "...",
}
_DROP_CHARS = set("\u200b\u200c\u200d\u2060\ufeff\u00ad")

# (`\d\d*`, not `\d+`: a pattern that starts with a character class is searched by skipping to the next
# character of the class, in C; one that starts with a repeat or an assertion is tried at every position)
NUMBER = re.compile(r"\d\d*(?:[.,\u00a0\u202f ]\d{3})*(?:[.,]\d+)?")


def led_by_letters(alternatives: Iterable[str], tail: str = "") -> str:
    """A pattern for `\\b(?:alternative|...)` + `tail`, where each alternative (a regex) begins with a literal
    letter, that finds the same matches but is searched as fast as a literal: grouped by first letter (in
    their order), so the search skips to the next of those letters in C and checks the left edge after it
    (`(?<!\\w.)`: no word character before the letter). `\\b` first, or any assertion or repeat, has the
    search try the whole pattern at every position of the text."""
    groups: dict[str, list[str]] = {}
    for alternative in alternatives:
        if not alternative[:1].isalpha():
            raise ValueError(f"{alternative!r} does not begin with a letter")
        groups.setdefault(alternative[0], []).append(alternative[1:])
    return "|".join(f"{first}(?<!\\w.)(?:{'|'.join(rest)}){tail}" for first, rest in groups.items())


def whole_words(words: Iterable[str]) -> str:
    """A pattern for any of `words` as a whole run of \\w (`\\b(?:word|...)\\b`), searched fast (see
    `led_by_letters`)."""
    return led_by_letters((re.escape(w) for w in sorted(words, key=len, reverse=True)), r"(?!\w)")


def _norm_char(ch: str) -> str:
    if ch in _DROP_CHARS:
        return ""
    mapped = _CHAR_MAP.get(ch)
    if mapped is None:
        mapped = unicodedata.normalize("NFKC", ch) if ord(ch) > 127 else ch
    return mapped.lower()


def normalize(text: str) -> tuple[str, array[int]]:
    """Fold typography, whitespace and case; return the folded text and each character's source offset.

    Each character folds on its own (`_FOLD`); each run of whitespace in the result becomes one space, at
    the offset of the run's first character; leading and trailing whitespace goes. Done in C (translate,
    split, array slices) but for the few places where a character folds into none or several ("…" is
    "...") and the few runs of more than one space."""
    folded_chars = _translate(text)  # = text.translate(_FOLD), faster, but for whitespace:
    for space in _ASCII_SPACES:
        if space in folded_chars:  # (a scan in C; most are never there)
            folded_chars = folded_chars.replace(space, " ")
    folded = " ".join(folded_chars.split())
    odd = "".join(c for c in _others(text) if len(_FOLD[ord(c)]) != 1)  # (every ASCII character folds to one)
    sources = _offsets(0, len(text))  # where each character of folded_chars comes from
    if odd:
        sources = array("q")
        at = 0
        for m in re.finditer(f"[{re.escape(odd)}]", text):
            sources += _offsets(at, m.start())
            sources.extend([m.start()] * len(_FOLD[ord(m.group())]))
            at = m.end()
        sources += _offsets(at, len(text))
    # spaces dropped: the runs at either end, and all but the first of each run of several inside
    lo = len(folded_chars) - len(folded_chars.lstrip(" "))
    hi = len(folded_chars.rstrip(" "))
    index: array[int] = array("q")
    at = lo
    for m in _SPACES.finditer(folded_chars, lo, hi):
        index += sources[at : m.start() + 1]
        at = m.end()
    index += sources[at:hi]
    return folded, index


_SPACES = re.compile("  +")  # (two or more: led by a literal, which the search skips to)
_COUNTING: array[int] = array("q")


def _offsets(start: int, end: int) -> array[int]:
    """array("q", range(start, end)), sliced from one kept array (a slice is a copy in C; building from a
    range converts every number). It grows to the longest text folded with offsets."""
    global _COUNTING
    if end > len(_COUNTING):
        _COUNTING = array("q", range(max(end, 2 * len(_COUNTING), 1 << 14)))
    return _COUNTING[start:end]


class _FoldTable(dict[int, str]):
    """What `normalize` makes of each character on its own, for `str.translate`: filled as characters are
    met (at most every code point once), so folding runs in C instead of a Python loop per character."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        folded = self[code] = " " if ch.isspace() else _norm_char(ch)
        return folded


_FOLD = _FoldTable()
SHORT = 320  # texts up to this long (words, names, most sentences) are folded again and again: kept


def fold(text: str) -> str:
    """`normalize` without the offsets: the same text, since every character folds on its own and each run
    of whitespace (the article's or a folded character's) is one space."""
    if len(text) <= SHORT:
        return _fold_short(text)
    return _fold(text)


def folded_words(text: str) -> list[str]:
    """`re.findall(r"\\w+", fold(text))`: the words of the folded text (found in C: see `schemas.runs`)."""
    return lowered_words(fold(text))


def _fold(text: str) -> str:
    if text.isascii() and "`" not in text:
        return " ".join(text.split()).lower()
    return " ".join(_translate(text).split())


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_ASCII_SPACES = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f"  # what `_FOLD` makes " " and `_translate` may leave


def _translate(text: str) -> str:
    """`text.translate(_FOLD)` but for whitespace, which may stay as it was (callers split on it). A mostly
    ASCII text folds fastest as ASCII (`lower`, a few replaces): `str.translate` looks up every character of
    a text that is not all ASCII one by one. What the table gives a character is in lower case already, and
    stays as it is when lowered again."""
    if len(text) - len(text.encode("ascii", "ignore")) > len(text) >> 4:
        return text.translate(_FOLD)
    text = text.replace("`", "'")
    if text.isascii():
        return text.lower()
    for ch in _others(text):
        folded = _FOLD[ord(ch)]
        if folded == ch.lower() and ch != "\u03a3":
            continue  # the `lower` below does the same (but for Σ, which it lowers by context: ς or σ)
        if not folded.isascii():
            return _NON_ASCII.sub(_fold_run, text).lower()  # what it gives may fold again: one by one
        text = text.replace(ch, folded)
    return text.lower()


def _others(text: str) -> set[str]:
    """The characters of the text that are not ASCII, each once: the UTF-8 bytes left when the ASCII ones
    are deleted, decoded (all in C: a regex over the text or `set(text)` costs several times as much)."""
    return set(text.encode("utf-8", "surrogatepass").translate(None, _ASCII_BYTES).decode("utf-8", "surrogatepass"))


_ASCII_BYTES = bytes(range(128))


def _fold_run(m: re.Match[str]) -> str:
    return m.group().translate(_FOLD)


# many short strings, each often: bounded by count and by SHORT
_fold_short = cached(32768)(_fold)


def fold_words(words: list[str]) -> list[str]:
    """`[fold(w) for w in words]` for words without whitespace or NUL (a sentence's tokens), in one
    translate: each character folds on its own, so the words folded together are the words folded apart,
    unless one folds into something with a space in it (then each is folded on its own)."""
    joined = "\0".join(words)
    folded = joined.lower() if joined.isascii() and "`" not in joined else _translate(joined)
    if " " in folded or not words:
        return [fold(w) for w in words]
    return folded.split("\0")


# Cyrillic to Latin (Ukrainian national system, with Russian letters), so an English brief of a Ukrainian or
# Russian article may name "Olena Maris" where the article has "Олена Маріс".
TRANSLIT = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie", "ж": "zh", "з": "z",
        "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
        "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
        "щ": "shch", "ь": "", "ю": "iu", "я": "ia", "ы": "y", "э": "e", "ё": "e", "ъ": "", "'": "",
    }
)


_CYRILLIC = re.compile("[\u0400-\u04ff]")


def has_cyrillic(text: str) -> bool:
    return not text.isascii() and _CYRILLIC.search(text) is not None  # (isascii reads a flag of the string)


SPELLED = {w: str(n) for n, w in enumerate(
    ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"])}
SPELLED.update({"thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70", "eighty": "80",
                 "ninety": "90", "hundred": "100", "dozen": "12"})


def numbers_in(text: str) -> set[str]:
    """The numbers a text states, in digits or spelled out ("eight daily sailings" states 8)."""
    return digit_numbers(text) | spelled_numbers(text)


def digit_numbers(text: str) -> set[str]:
    """The numbers a text writes in digits, canonical."""
    return set(map(canon_number, NUMBER.findall(text)))  # (NUMBER has no groups: findall gives the matches)


def spelled_numbers(text: str) -> set[str]:
    """The numbers a text spells out, as digits: asked only of a text whose digits lack a number sought."""
    # the words of the lowered text: case-blind matching would also take "fıve" (dotless ı) for five
    return {SPELLED[w] for w in _SPELLED_KEYS.intersection(lowered_words(text))}


_SPELLED_KEYS = frozenset(SPELLED)

# Characters that case-insensitive matching pairs with ASCII letters but lower() does not make them (and İ,
# the one character whose lower case is two): a text without them may be lowered and matched case-sensitively,
# which the regex engine does two to five times faster, at the same offsets.
CASE_TWINS = re.compile("[\u0130\u0131\u212a\u017f]")


def has_case_twins(text: str) -> bool:
    """`CASE_TWINS` stands in the text (an ASCII text, known from a flag of the string, has none)."""
    return not text.isascii() and CASE_TWINS.search(text) is not None


def canon_number(token: str) -> str:
    digits = token.translate(_SEPARATORS)  # what NUMBER puts between digits; anything else the long way
    if not digits.isdigit():
        digits = "".join(c for c in token if c.isdigit())
    return digits.lstrip("0") or "0"


_SEPARATORS = str.maketrans("", "", ".,\u00a0\u202f ")


_VARIANTS = [  # British -> American spellings; both sides are mapped, then must be equal
    (re.compile(r"(?<=\w{2})our(?=s?$|ed$|ing$|ite)"), "or"),  # labour, colours, favoured, favourite
    (re.compile(r"(?<=\w)is(e|ed|es|ing|ation|ations)$"), r"iz\1"),  # organise, organisation
    (re.compile(r"(?<=\w)ys(e|ed|es|ing)$"), r"yz\1"),  # analyse
    (re.compile(r"(?<=\w{3}[aeiou])ll(ed|ing|er|ers)$"), r"l\1"),  # travelled, modelling
    (re.compile(r"(?<=\w{3}[^aeiou])re(s?)$"), r"er\1"),  # centre, theatres
    (re.compile(r"(?<=\w{4})(?:mme|ue)(s?)$"), lambda m: ("m" if m.group(0).startswith("mme") else "") + m.group(1)),
    (re.compile(r"ence(s?)$"), r"ense\1"),  # defence, licence
    (re.compile(r"dgement"), "dgment"),  # judgement
]


# a word none of the variants touches (most words) is left as it is after one search instead of eight
_ANY_VARIANT = re.compile("|".join(f"(?:{pattern.pattern})" for pattern, _ in _VARIANTS))


# what a word must end with (or hold) for one of the variants to match it: all but two are anchored at the
# end, so `str.endswith` rules out most words before the regex is tried
_VARIANT_ENDINGS = ("our", "ours", "oured", "ouring", "ise", "ised", "ises", "ising", "isation", "isations", "yse",
                    "ysed", "yses", "ysing", "lled", "lling", "ller", "llers", "re", "res", "mme", "mmes", "ue", "ues",
                    "ence", "ences")


def respellable(word: str) -> bool:
    """False when `american(word)` is the word itself, as it is for most words."""
    if not word.endswith(_VARIANT_ENDINGS) and "ourite" not in word and "dgement" not in word:
        return False
    return _ANY_VARIANT.search(word) is not None


def respellings(words: list[str]) -> dict[str, set[str]]:
    """The words that `american` changes, by what it makes of them."""
    joined = "\n".join(words)
    # (most words end in none of the endings: ruled out by a set lookup of their last two letters, which
    # costs a third less than `endswith` with all the endings)
    maybe = words if "ourite" in joined or "dgement" in joined else [
        w for w in words if w[-2:] in _LAST_TWO and w.endswith(_VARIANT_ENDINGS)]
    changed: dict[str, set[str]] = {}
    for word in maybe:
        if (us := american(word)) != word:
            changed.setdefault(us, set()).add(word)
    return changed


_LAST_TWO = frozenset(ending[-2:] for ending in _VARIANT_ENDINGS)


@cached(16384)
def american(word: str) -> str:
    if not respellable(word):
        return word
    for pattern, repl in _VARIANTS:
        word = pattern.sub(repl, word)
    return word


def _spelling_variant(x: str, y: str) -> bool:
    """defence/defense, centre/center, programme/program, labour/labor, yes; secretly/secretary,
    mediation/meditation, labour/labourer, no."""
    return x == y or american(x) == american(y)


def same_words(a: list[str], b: list[str]) -> bool:
    if len(a) != len(b):
        return False
    for x, y in zip(a, b, strict=True):
        if x == y:
            continue
        if any(c.isdigit() for c in x + y) or x in NEGATIONS or y in NEGATIONS:
            return False
        if min(len(x), len(y)) < 4 or not _spelling_variant(x, y):
            return False
    return True
