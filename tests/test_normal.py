"""Folding text: the fast paths (`fold`, `normalize` in C primitives) give what the plain definition gives.

The reference below is the definition `normalize` had as a Python loop, one character at a time: each
character folded on its own (typography, NFKC, case), every run of whitespace one space at the offset of its
first character, none at either end.
"""

from __future__ import annotations

import random
import sys
from array import array

from summarizer.schemas.normal import _VARIANTS, _norm_char, american, fold, fold_words, normalize, numbers_in


def _reference(text: str) -> tuple[str, array[int]]:
    out: list[str] = []
    index: array[int] = array("q")
    space = True
    for i, ch in enumerate(text):
        for c in " " if ch.isspace() else _norm_char(ch):
            if c.isspace():
                if space:
                    continue
                space = True
            else:
                space = False
            out.append(c)
            index.append(i)
    while out and out[-1] == " ":
        out.pop()
        index.pop()
    return "".join(out), index


_POOL = list("abcXYZ09 `'\"-.…\t\n\r \u00a0\u202f\u2009\u3000\u200b\u00ad\ufeff\u2018\u2019\u201c\u201d\u2013\u2014"
             "ﬁﬂ¨´¸ΣΟΔςİIıÅÅéé€½²⑴ＡＢ㎏Ⅻ\u2028\u0085\x1cОленаМаріс\ufdfa")


def _samples(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    pool = _POOL + [chr(rng.randrange(0x80, 0x3000)) for _ in range(200)]
    return ["".join(rng.choice(pool) for _ in range(rng.randrange(0, 40))) for _ in range(n)]


def test_fold_and_normalize_are_the_reference_on_random_text() -> None:
    for text in _samples(20_000, 1):
        assert normalize(text) == _reference(text), repr(text)
        assert fold(text) == _reference(text)[0], repr(text)


def test_every_character_folds_as_the_reference_says() -> None:
    for code in range(0, sys.maxunicode + 1, 7):
        if 0xD800 <= code < 0xE000:
            continue
        text = f" A{chr(code)}b {chr(code)}"
        assert normalize(text) == _reference(text), hex(code)


def test_long_texts_and_articles(article_text: str) -> None:
    for text in (article_text, article_text * 3, "…" + article_text + "\u200b  "):
        assert normalize(text) == _reference(text)
        assert fold(text) == _reference(text)[0]


def test_american_is_every_variant_in_turn() -> None:
    def reference(word: str) -> str:
        for pattern, repl in _VARIANTS:
            word = pattern.sub(repl, word)
        return word

    words = ["labour", "colours", "favoured", "favourite", "organise", "organisation", "analyse", "travelled",
             "modelling", "centre", "theatres", "programme", "catalogue", "defence", "licences", "judgement",
             "rise", "ence", "dgement", "hour", "our", "is", "strike", "workers"]
    for word in words:
        assert american(word) == reference(word), word


def test_spelled_numbers_are_whole_words() -> None:
    assert numbers_in("Eight daily sailings, ten buses and 1,200 jobs") == {"8", "10", "1200"}
    assert numbers_in("someone, often, tone, eighteenth, seventy7") == {"7"}  # the digit, not "seventy"


def test_fold_words_is_fold_of_each_word() -> None:
    rng = random.Random(3)
    for text in _samples(5_000, 2):
        words = [w for w in text.replace("\0", " ").split()]
        rng.shuffle(words)
        assert fold_words(words) == [fold(w) for w in words], words
    assert fold_words([]) == []
    assert fold_words(["Ａ", "\ufdfa", "x"]) == [fold("Ａ"), fold("\ufdfa"), "x"]  # one folds into words with spaces


def test_a_mostly_ascii_text_folds_as_translating_every_character_would() -> None:
    from summarizer.schemas.normal import _FOLD, _translate

    # what lets `_translate` lower a whole text after folding its other characters apart
    for code in range(sys.maxunicode + 1):
        if not 0xD800 <= code < 0xE000:
            assert _FOLD[code].lower() == _FOLD[code], hex(code)
    for code in range(0x80, sys.maxunicode + 1, 17):
        if 0xD800 <= code < 0xE000:
            continue
        text = f"The Port of ÉVORA said {chr(code)}{chr(code)} on `Monday` – ΣΟΦΙΑ’s union, Kovač"
        assert " ".join(_translate(text).split()) == " ".join(text.translate(_FOLD).split()), hex(code)
        assert fold(text) == _reference(text)[0], hex(code)
    for text in _samples(5_000, 2):
        mixed = "Ordinary English words, then " + text
        assert fold(mixed) == _reference(mixed)[0], repr(mixed)
