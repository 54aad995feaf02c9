"""The words and word patterns the gate reads text with: what counts as a word with its hyphens and
apostrophes (TOKEN), a run of capitalized words (PERSON), the capitalized words that name nobody (COMMON), the
words that carry no claim (FUNCTION_WORDS), and nationalities that stand for a country (SAME_PLACE). Data and
patterns only; nothing here reads an article.
"""

from __future__ import annotations

import re

from .layout import UPPER

__all__ = ["COMMON", "FUNCTION_WORDS", "PERSON", "PROSE_UNSUPPORTED_MIN", "PROSE_UNSUPPORTED_SHARE", "SAME_PLACE",
           "TOKEN", "token_re"]

# nationalities that do not begin with their country's name (as Korean does with Korea): in a name, one
# stands for its country ("Spanish government" for "Spain's government"); not the other way, since a country
# is not named by every noun its adjective stands before ("Finnish airspace" is no Finland doing anything)
SAME_PLACE = {"spanish": ["spain"], "french": ["france"], "dutch": ["netherlands", "holland"], "swiss": ["switzerland"],
              "welsh": ["wales"], "irish": ["ireland"], "danish": ["denmark"], "polish": ["poland"],
              "finnish": ["finland"], "norwegian": ["norway"], "british": ["britain"], "scottish": ["scotland"],
              "english": ["england"], "thai": ["thailand"], "filipino": ["philippines"], "cypriot": ["cyprus"],
              "peruvian": ["peru"]}

TOKEN = re.compile(r"[^\W\d_][\w'’\-]*")  # a word with its hyphens and apostrophes
# TOKEN for ASCII text, the same matches: classes of ASCII characters are tables looked up in one step, where
# TOKEN's letter class asks the Unicode database of each character (a third faster on an English sentence)
_ASCII_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9_'\-]*")


def token_re(text: str) -> re.Pattern[str]:
    """TOKEN, or its faster twin when the text is ASCII (`str.isascii` reads a flag: no scan)."""
    return _ASCII_TOKEN if text.isascii() else TOKEN


# two or more capitalized words in a row: somebody named (a person, a body, a state)
PERSON = re.compile(rf"[{UPPER}][\w’'\-]+(?:\s+[{UPPER}][\w’'\-]+)+")
# Capitalized words that say nothing about who is involved: sentence openers, titles, months, days.
COMMON = set(
    ["a", "an", "the", "and", "or", "but", "if", "in", "on", "at", "of", "to", "for", "by", "from", "with", "as", "into", "over", "after", "before", "during", "amid", "following", "according", "while", "when", "where", "this", "that", "these", "those", "it", "its", "he", "she", "they", "we", "his", "her", "their", "our", "there", "here", "also", "meanwhile", "however", "both", "all", "some", "many", "several", "more", "most", "other", "another", "each", "new", "i", "mr", "mrs", "ms", "dr"]
)

# Words of four letters or more that carry no claim; everything else in model prose must be the article's.
FUNCTION_WORDS = set(
    ["that", "with", "from", "this", "have", "been", "were", "will", "would", "could", "should", "their", "there", "they", "them", "than", "then", "into", "over", "about", "after", "before", "also", "more", "most", "some", "such", "only", "other", "which", "while", "what", "when", "where", "said", "says", "amid", "against", "under", "between", "during", "including", "because", "being", "does", "made", "make", "many", "much", "very", "both", "each", "here", "these", "those", "since", "until", "upon", "within", "without", "whose", "whom", "again", "further", "once", "same", "just", "like", "part", "parts", "following", "according"]
)
PROSE_UNSUPPORTED_MIN = 3  # and at least this share of the prose's content words
PROSE_UNSUPPORTED_SHARE = 0.34
