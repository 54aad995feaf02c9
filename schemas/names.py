"""Whether a text can name someone, told cheaply: the letters a name needs in a text (`name_key`), so that
`might_name` rules a text out without building its Locator; a word standing in a text with its very case
(`cased_word`); a name's word matched by its stem (`same_stem`). `schemas.text` builds its name search on
these; nothing here knows of claims.
"""

from __future__ import annotations

from .normal import cached, fold, has_cyrillic
from .quotes import EDGE
from .runs import lowered_words
from .vocabulary import COMMON, SAME_PLACE

__all__ = ["cannot_name", "cased_word", "might_name", "name_key", "same_stem"]


def cased_word(text: str, word: str) -> bool:
    """`word` stands in `text` as a whole word, with this very case."""
    at = text.find(word)
    while at >= 0:
        end = at + len(word)
        if (at == 0 or not text[at - 1].isalnum()) and (end == len(text) or not text[end].isalnum()):
            return True
        at = text.find(word, at + 1)
    return False


@cached(4096)
def name_key(name: str) -> str | None:
    """What a text must hold for `Locator.has_name(name)` to be true, or None when there is no such
    shortcut: the first four letters of the name's first word that `_names` compares (the whole word when it
    is shorter). Every way `_names` accepts a name needs them in the folded text: the name as written
    contains that word; each of its words has to start a word of the text (`has_word`, cut to no fewer than
    four letters); an acronym stands in the text as written. Only a Cyrillic text's Latin view escapes this,
    and those are never shortcut."""
    n = fold(name).strip(EDGE)
    if n.startswith("the "):
        n = n[4:]
    tokens = [t for t in lowered_words(n) if t not in COMMON and not (len(t) == 1 and t.isalpha())]
    return tokens[0][:4] if tokens and tokens[0] not in SAME_PLACE else None


def might_name(text: str, name: str) -> bool:
    """False only when `Locator(text).has_name(name)` is False, found without building the Locator."""
    return not cannot_name(fold(text), name)


def cannot_name(norm: str, name: str) -> bool:
    """True when a folded text lacks the name's `name_key` and has no Cyrillic (whose Latin view could hold
    the name): `has_name` is then False without looking further."""
    key = name_key(name)
    return key is not None and key not in norm and not has_cyrillic(norm)


def same_stem(word: str, token: str) -> bool:
    """The article's `word` is the name's `token`, give or take a short ending (Korea/Korean, Kovac/Kovach)."""
    if len(token) < 4:
        return word == token
    stem = token[: max(4, len(token) - 3)]
    return word.startswith(stem) and abs(len(word) - len(token)) <= 3
