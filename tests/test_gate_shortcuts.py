"""The gate's shortcuts skip only work whose answer they know: each gives what the long way gives."""

from __future__ import annotations

import re
from pathlib import Path

from summarizer.schemas.layout import _CREDIT, _may_credit
from summarizer.schemas.support import Passages
from summarizer.schemas.text import Locator
from summarizer.sources import from_text

ARTICLES = Path(__file__).parent / "articles"

CREDITS = [
    "Jana Hofer contributed to this report.", "Luis Ortega contributed reporting.", "Mia Berg designed the graphics.",
    "Graphics by Tom Lee.", "Editing by Sam Roe", "Reporting by Ana Diaz", "She is a staff reporter for the Post.",
    "Kim Ng is the chief Correspondent at Reuters.", "CONTRIBUTED TO THE STORY: Ed", "He is a writer with AP.",
    "Ana Diaz contributed to thiſ report.", "Edıting by Sam Roe", "Graphics by K. Lee", "EDİTING BY SAM",
]


def test_the_credit_prefilter_never_hides_a_credit() -> None:
    texts = [from_text(p.read_text(encoding="utf-8")).text for p in sorted(ARTICLES.glob("*.txt"))]
    sentences = [s for t in texts for s in re.split(r"(?<=[.!?])\s+", t)] + CREDITS
    assert sum(bool(_CREDIT.search(s)) for s in CREDITS) >= 12
    for s in sentences:
        if _CREDIT.search(s):
            assert _may_credit(s), s


def test_the_word_index_answers_as_each_sentence_does() -> None:
    for path in sorted(ARTICLES.glob("*.txt"))[:8]:
        passages = Passages(Locator(from_text(path.read_text(encoding="utf-8")).text), True)
        words = {w for s in passages.sentences for w in s.words}
        probes = sorted(words)[::3] + [w + "s" for w in sorted(words)[::7]] + [w[:-1] for w in sorted(words)[::5] if len(w) > 4]
        for w in probes:
            assert passages.having(w) == {i for i, s in enumerate(passages.sentences) if s.has(w)}, w


def test_an_answer_cut_off_closes_as_closing_each_prefix_would() -> None:
    import json
    import random

    from summarizer.schemas import draft

    rng = random.Random(4)
    texts = [json.loads(p.read_text(encoding="utf-8"))["answer"]
             for p in sorted((Path(__file__).parent / "real_answers").glob("*.json"))[:6] if not p.name.startswith("judgments")]
    heads = [t[:end] for t in texts for end in [len(t)] + [rng.randrange(1, len(t)) for _ in range(5)]]
    heads += ["".join(rng.choice('{}[]"\\,: ab1') for _ in range(rng.randrange(40))) for _ in range(3000)]  # escapes, junk
    for head in heads:
        if head:
            cuts = [i + 1 for i, ch in enumerate(head) if ch in '}]"']
            tails = draft._tails(head, cuts)
            for cut in cuts:
                closed = draft._closed(head[:cut])
                tail = tails[cut]
                assert closed == (None if tail is None else head[:cut].rstrip().rstrip(",") + tail if tail else head[:cut]), head
