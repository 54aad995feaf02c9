"""The values of numbers, however they are written: "2.4 million", "2,400,000" and "€2.4m" are one amount,
"twenty-three" is 23 and "twelve hundred" is 1,200.

The gate compares numbers by their digits (`normal.canon_number`), which finds a number copied from the
article in any of its usual spellings. A model also rewrites numbers: it spells them out, puts a scale in
digits or digits in a scale. Those are sought here, and only for a number its digits did not find, so a
claim that copies its numbers pays nothing for this. Every value is a canonical decimal string ("2400000",
"3.2").
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from .normal import NUMBER, SPELLED, cached, canon_number, fold
from .runs import lowered_words

__all__ = ["values_in", "written_values", "numbers_written", "spelled_words", "IDIOMS", "NUMBER_NAMES", "SCALES",
           "SCALE_WORDS"]

# the words of numbers ("zero" to "twenty", then the tens): the table `normal.SPELLED` reads them by, one at a time
_WORD_VALUE = {w: int(v) for w, v in SPELLED.items() if w not in ("hundred", "dozen")}
_UNITS = [w for w, v in _WORD_VALUE.items() if v < 20]
_TENS = [w for w, v in _WORD_VALUE.items() if v >= 20]
_DIGIT_WORDS = [w for w, v in _WORD_VALUE.items() if 1 <= v <= 9]  # what follows a ten: "twenty-three"
SCALES = {"hundred": 100, "thousand": 10**3, "k": 10**3, "million": 10**6, "millions": 10**6, "m": 10**6,
           "mn": 10**6, "mln": 10**6, "billion": 10**9, "billions": 10**9, "bn": 10**9, "b": 10**9,
           "trillion": 10**12, "tn": 10**12}
# words that scale or share a number out: no word of what it counts ("€40 million" counts euros)
SCALE_WORDS = frozenset(["hundred", "hundreds", "thousand", "thousands", "million", "millions", "billion", "billions",
                         "trillion", "trillions", "dozen", "dozens", "percent", "cent"])
# the words of numbers written out, with their scales and shares
NUMBER_NAMES = frozenset(_WORD_VALUE) | SCALE_WORDS
# a scale after a number: "2.4 million", "2.4m", "€2.4bn", "31.4 thousand" (a lone letter only right after it)
_SCALE_AFTER = re.compile(r"(?:[\s-]?(?:hundred|thousand|millions?|billions?|trillion|mln|mn|bn|tn)|(?:k|m|b))(?![^\W\d_])")
_SPELLED = re.compile(rf"\b(?:({'|'.join(_TENS)})(?:[\s-]({'|'.join(_DIGIT_WORDS)}))?|({'|'.join(_UNITS)}))\b"
                      r"(?:\s+(hundred|thousand|million|billion)\b)?")
# numbers that state no amount: "24/7" is "around the clock"
IDIOMS = re.compile(r"(?<![\w/])24/7(?![\w/])")


def _decimal(token: str) -> Decimal | None:
    """A NUMBER match as a value: groups of three after a separator are thousands ("31,400", "1.200.000"), a
    last group of other length, or after the other separator, is decimals ("2.4", "1,234.5")."""
    seps = [c for c in token if not c.isdigit()]
    if not seps:
        return Decimal(token)
    groups = re.split(r"[.,\u00a0\u202f ]", token)
    last_sep = seps[-1]
    decimal_tail = last_sep in ".," and (len(groups[-1]) != 3 or (len(seps) > 1 and last_sep != seps[0]))
    whole = groups[:-1] if decimal_tail else groups
    try:
        return Decimal("".join(whole) + ("." + groups[-1] if decimal_tail else ""))
    except InvalidOperation:  # pragma: no cover - NUMBER matches only digits and separators
        return None


def _canon(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def written_values(text: str) -> list[tuple[str, str]]:
    """Each number the text writes, in digits or words, with what follows it as its scale: (as written,
    value)."""
    folded = _plain(fold(text))
    out = []
    for m in NUMBER.finditer(folded):
        value = _decimal(m.group())
        if value is None:
            continue
        scale = _SCALE_AFTER.match(folded, m.end())
        if scale:
            value *= SCALES[scale.group().strip().strip("-")]
        out.append((folded[m.start() : scale.end() if scale else m.end()], _canon(value)))
    for m in _SPELLED.finditer(folded):
        tens, unit, alone, scale = m.groups()
        value = Decimal(_WORD_VALUE[tens] + (_WORD_VALUE[unit] if unit else 0) if tens else _WORD_VALUE[alone])
        out.append((m.group(), _canon(value * SCALES[scale] if scale else value)))
    return out


def values_in(text: str) -> set[str]:
    """The values of every number the text writes (see `written_values`)."""
    return {value for _, value in written_values(text)}


@cached(4096)  # a claim, against paragraph after paragraph
def spelled_words(text: str) -> tuple[str, ...]:
    """The numbers from three up the text spells out in one word (see `Locator.unknown_spelled`)."""
    return tuple(w for w in dict.fromkeys(lowered_words(text)) if w in _COUNTS)


_COUNTS = frozenset(SPELLED) - {"zero", "one", "two", "hundred", "dozen"}


@cached(4096)  # a claim is held against the paragraph of candidate after candidate
def numbers_written(text: str) -> tuple[tuple[str, str], ...]:
    """Each number the text writes in digits, as written and canonical."""
    return tuple((m.group(), canon_number(m.group())) for m in NUMBER.finditer(_plain(fold(text))))


def _plain(folded: str) -> str:
    """The folded text without the numbers that state no amount (most texts have none: no regex for them)."""
    return IDIOMS.sub(" ", folded) if "24/7" in folded else folded
