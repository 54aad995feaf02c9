"""Words (runs of `\\w`) of a lowered text, found in C.

`re.findall(r"\\w+", text.lower())` walks the text in the regex engine at some 25 ns a character, and the gate
splits its article, paragraphs, sentences and claims into words again and again: a tenth of its time went
there. rapidfuzz's `default_process` (a dependency already, for fuzzy quotes) blanks every character that is
not a letter or digit and lowers the rest in one pass in C, and `str.split` then cuts the words: the same
words, three times faster, wherever the two agree on what a word character is and on lower case. They do not
agree on "_", on İ and Σ (whose lower case Python works out from the letters around them), nor on letters
newer than rapidfuzz's Unicode tables: a text holding any character they were not both checked to agree on
(`_untested`) is split by the regex instead. Nothing here knows of claims or articles.
"""

from __future__ import annotations

import re

from rapidfuzz.utils import default_process

__all__ = ["WORD", "alnum_words", "lowered_words", "letter_words"]

WORD = re.compile(r"\w+")
_LETTER_RUN = re.compile(r"[^\W\d_]+")
_NON_WORD = re.compile(r"\W")
_ALNUM_RUN = re.compile(r"[^\W_]+")
_CHECKED = range(0x80, 0x3000)  # Latin, Greek, Cyrillic, Hebrew, Arabic, Indic scripts, punctuation, symbols
_untested: re.Pattern[str] | None = None


def _agreeing() -> list[int]:
    """The code points in `_CHECKED` on which `default_process` and Python agree, each between two letters."""
    # (not İ, whose lower case is two characters and would shift every position after it, nor Σ, which Python
    # lowers by the letters around it: both are left to the regex)
    chars = [chr(c) for c in _CHECKED if c not in (0x130, 0x3A3)]
    probe = "a" + "a".join(chars) + "a"
    theirs, ours = default_process(probe), _NON_WORD.sub(" ", probe.lower())
    if len(theirs) != len(probe) or len(ours) != len(probe):
        return []  # some other library or Python: trust the regex for every non-ASCII text
    return [ord(ch) for k, ch in enumerate(chars) if theirs[2 * k + 1] == ours[2 * k + 1]]


def _ranges(codes: list[int]) -> str:
    out, k = [], 0
    while k < len(codes):
        j = k
        while j + 1 < len(codes) and codes[j + 1] == codes[j] + 1:
            j += 1
        out.append(re.escape(chr(codes[k])) + ("-" + re.escape(chr(codes[j])) if j > k else ""))
        k = j + 1
    return "".join(out)


def _split_in_c(text: str) -> bool:
    """`default_process(text).split()` gives the regex's words: every character is one both agree on."""
    return "_" not in text if text.isascii() else _agrees(text)


def _agrees(text: str) -> bool:
    """Every non-ASCII character of the text is one both were checked to agree on."""
    global _untested
    if _untested is None:
        # ASCII but "_", and what was checked; built on first use (a few milliseconds), not at import
        _untested = re.compile("[^\x00-\x5e\x60-\x7f" + _ranges(_agreeing()) + "]")
    return _untested.search(text) is None


def lowered_words(text: str) -> list[str]:
    """`re.findall(r"\\w+", text.lower())`."""
    if _split_in_c(text):
        return default_process(text).split()
    return WORD.findall(text.lower())


def alnum_words(text: str) -> list[str]:
    """`re.findall(r"[^\\W_]+", text.lower())`: runs of what `str.isalnum` calls a letter or digit ("_" parts
    them, as `default_process` has it)."""
    if text.isascii() or _agrees(text):
        return default_process(text).split()
    return _ALNUM_RUN.findall(text.lower())


def letter_words(text: str, at_least: int) -> list[str]:
    """`re.findall(r"[^\\W\\d_]{at_least,}", text.lower())`: runs of letters (no digits, no "_")."""
    out = []
    for w in lowered_words(text):
        if w.isalpha():  # (letters are word characters and never digits: the whole run is one)
            if len(w) >= at_least:
                out.append(w)
        else:
            out += [run for run in _LETTER_RUN.findall(w) if len(run) >= at_least]
    return out
