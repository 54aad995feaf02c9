"""Short forms a model writes for what an article spells out: a currency code ("EUR 30 million" for "30
million euros"), the initials of words the article has together ("GPs" for "general practitioners"). Neither
is a name the article lacks. Reads text only.
"""

from __future__ import annotations

import re

__all__ = ["abbreviation", "CURRENCY_CODES"]

CURRENCY_CODES = frozenset(["EUR", "USD", "GBP", "CHF", "JPY", "CNY", "CAD", "AUD", "NZD", "SEK", "NOK", "DKK", "ISK",
                            "PLN", "CZK", "HUF", "RON", "BGN", "TRY", "RUB", "UAH", "INR", "BRL", "MXN", "ZAR", "KRW",
                            "SGD", "HKD"])
# between the words of initials, the small words initials skip ("Member of Parliament": MP)
_BETWEEN = r"[\s-]+(?:(?:of|and|for|the|&)\s+)*"


def abbreviation(word: str, folded: str) -> bool:
    """True if `word` (as a model wrote it) is a currency code, or the initials, plural or not, of words of
    three letters and more that stand together in `folded` (an article's folded text)."""
    stem = word[:-1] if word.endswith("s") else word
    if not (2 <= len(stem) <= 5 and stem.isupper() and stem.isalpha()):
        return False
    if stem in CURRENCY_CODES:
        return True
    # ("nobody has shown" is no NHS: each word has four letters or more, or its possessive)
    return re.search(r"\b" + _BETWEEN.join(rf"{c}\w{{3,}}(?:'s|')?" for c in stem.lower()), folded) is not None
