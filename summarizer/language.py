"""Which language an article is in: English told from its common words, anything else by py3langid (which
bundles its model, so nothing is fetched)."""

from __future__ import annotations

import re

__all__ = ["detect_language", "plainly_english"]


def detect_language(text: str) -> str | None:
    if not text.strip():
        return None
    sample = text[:1_500]  # a few paragraphs decide it; more text only costs time
    if plainly_english(sample):
        return "en"
    import py3langid

    lang, _ = py3langid.classify(sample)
    return lang


# Words only English writes this often. Most articles are English, and telling so from them costs a
# tenth of what the language model costs (about a millisecond a brief): anything short of plain English
# still goes to the model.
_ENGLISH = frozenset({"the", "and", "that", "with", "said", "which", "from", "this", "their", "they", "would",
                      "been", "were", "has", "have", "had", "his", "its", "who", "not", "but", "of"})
_TOKEN = re.compile(r"\w+")


def plainly_english(sample: str) -> bool:
    """True for a sample of at least 100 words, nearly all plain ASCII, in which "the" is one word in thirty
    and these English function words together one in seven: no other language writes so."""
    words = _TOKEN.findall(sample.lower())
    non_ascii = len(sample) - len(sample.encode("ascii", "ignore"))
    if len(words) < 100 or non_ascii > len(sample) // 50:
        return False
    the = words.count("the")
    return the * 30 >= len(words) and sum(w in _ENGLISH for w in words) * 7 >= len(words)
