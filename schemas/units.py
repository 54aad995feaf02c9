"""What a number counts in: "€15 million a day" is not "€15 billion a day", "28 micrograms" not "28 milligrams",
"five days" not "five weeks". The number alone matches; the word after it tells them apart. Only reads text.
"""

from __future__ import annotations

import re

from .amounts import SCALES, values_in
from .normal import cached, canon_number, digit_numbers, fold, folded_words

__all__ = ["TIME_UNITS", "changed_unit", "unit_given"]

# spans of time, each word with its canonical unit (one family of `_FAMILIES`; `schemas.contrary` reads it too)
TIME_UNITS = {"second": "s", "seconds": "s", "minute": "min", "minutes": "min", "hour": "h", "hours": "h", "day": "d",
              "days": "d", "week": "w", "weeks": "w", "month": "mo", "months": "mo", "year": "y", "years": "y",
              "decade": "dec", "decades": "dec"}

# Each family: the words for one kind of measure, each word with its canonical unit. A claim's unit is judged
# only against the same number in the same family in the passage: "1,100 jobs" against "1,100 workers" is
# none of this module's business.
_FAMILIES: list[dict[str, str]] = [
    {word: f"e{len(str(value)) - 1}" for word, value in SCALES.items()},  # "million": "e6", as amounts reads it
    TIME_UNITS,
    {"microgram": "ug", "micrograms": "ug", "milligram": "mg", "milligrams": "mg", "mg": "mg", "gram": "g",
     "grams": "g", "kilogram": "kg", "kilograms": "kg", "kg": "kg", "tonne": "t", "tonnes": "t", "ton": "t",
     "tons": "t"},
    {"millimetre": "mm", "millimetres": "mm", "millimeter": "mm", "millimeters": "mm", "mm": "mm",
     "centimetre": "cm", "centimetres": "cm", "centimeter": "cm", "centimeters": "cm", "cm": "cm",
     "metre": "m", "metres": "m", "meter": "m", "meters": "m", "kilometre": "km", "kilometres": "km",
     "kilometer": "km", "kilometers": "km", "km": "km", "mile": "mi", "miles": "mi"},
    {"millilitre": "ml", "millilitres": "ml", "milliliter": "ml", "milliliters": "ml", "ml": "ml", "litre": "l",
     "litres": "l", "liter": "l", "liters": "l"},
    {"am": "am", "pm": "pm"},  # the hour of the day: "shortly after 2am" is not 2pm
]
_UNIT_WORDS = sorted({w for family in _FAMILIES for w in family}, key=len, reverse=True)
_MEASURED = re.compile(
    r"(\d[\d,.]*)[\s-]*(" + "|".join(_UNIT_WORDS) + r")\b"
)
_UNIT = re.compile(r"(?<![^\W\d_])(" + "|".join(_UNIT_WORDS) + r")\b")  # (after a digit too: "2.4m", "5km")


def _measures(text: str) -> dict[tuple[str, int], set[str]]:
    """(number, family) -> the units the text gives that number in."""
    found: dict[tuple[str, int], set[str]] = {}
    for m in _MEASURED.finditer(fold(text)):
        number, word = canon_number(m.group(1)), m.group(2)
        for k, family in enumerate(_FAMILIES):
            if word in family:
                found.setdefault((number, k), set()).add(family[word])
    return found


@cached(4096)  # one claim is held against candidate after candidate
def _claimed(claim: str) -> dict[tuple[str, int], set[str]]:
    return _measures(claim)


def changed_unit(claim: str, passage: list[str]) -> bool:
    """True if the claim gives a number of the passage (its sentences) in another unit of the same kind, and the
    passage never gives it in the claim's: "15 billion" over "15 million", "5 weeks" over "5 days"; or in the
    unit of a number beside it: "23 tonnes" over "23 crew members and roughly 40 tonnes" (spelled-out numbers
    are left to the number checks)."""
    said = _claimed(claim)
    if not said:
        return False
    text = " ".join(passage)
    there = _measures(text)
    for (number, kind), units in said.items():
        if (number, kind) in there:
            if not units & there[(number, kind)]:
                return True
        elif kind and any(n == number and k and k != kind for n, k in there):
            return True  # "180,000 tonnes" over "180,000 litres": the same number, another kind of measure
        elif any(k == kind and units & other for (n, k), other in there.items()) and number in digit_numbers(fold(text)):
            return True
    return False


def unit_given(value: str, passage: str) -> bool:
    """True unless the value is measured in a unit ("3 miles", "36 hours", "five to seven months") that the
    passage writes in no form ("3 kilometres"; "three of them firefighters"; "five to seven years"): a figure's
    passage must say what it counts in."""
    wanted = {(k, unit) for (_, k), units in _claimed(value).items() for unit in units}
    if not wanted:
        # a span in words ("five to seven months"): where the passage gives spans, one of the same unit
        spans = {TIME_UNITS[w] for w in folded_words(value) if w in TIME_UNITS}
        held = {TIME_UNITS[w] for w in folded_words(passage) if w in TIME_UNITS} if spans else set()
        return not held or bool(spans & held)
    there = {(k, family[m.group(1)]) for m in _UNIT.finditer(fold(passage)) for k, family in enumerate(_FAMILIES)
             if m.group(1) in family}
    if wanted <= there:
        return True
    # a scale may be written out: "4.2 thousand" is the passage's "4,200" ("€2 million" is not its "2am")
    return all(k == 0 for k, _ in wanted - there) and values_in(value) <= values_in(passage)
