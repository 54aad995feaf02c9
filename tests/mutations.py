"""Mutations of an article's own sentences: typographic variants that must pass the grounding gate, and
fabrications (changed numbers, flipped negations, swapped names, paraphrases, inventions) that must not."""

from __future__ import annotations

import random
import re
from collections.abc import Callable

INVENTED_NAMES = [
    "Sergei Petrov", "Anna Kowalski", "Hans Becker", "Li Wei", "Maria Gonzalez", "John Carter",
    "Kim Jong Un", "Olena Shevchenko", "Pierre Dubois", "Ahmed Hassan", "Yuki Tanaka", "Dmitri Volkov",
]


def sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[.!?”])\s+", text)
    return [p.strip(" •\n") for p in parts if len(p.split()) >= 6]


def typographic_variants(sentence: str) -> list[str]:
    s = sentence
    words = s.split()
    variants = [
        s.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"'),
        s.replace("'", "’"),
        s.replace(" – ", " - ").replace("–", "-"),
        s.replace(" – ", "—"),
        "  ".join(words),
        "\n".join([" ".join(words[: len(words) // 2]), " ".join(words[len(words) // 2 :])]),
        s.lower(),
        s.upper(),
        f"“{s}”",
        f'"{s.rstrip(".")}."',
        s.rstrip(".,”"),
        s.replace(" ", "\u00a0", 2),
    ]
    american = s
    for british, us in (("defence", "defense"), ("labour", "labor"), ("programme", "program"), ("centre", "center"),
                        ("organisation", "organization"), ("favour", "favor"), ("honour", "honor")):
        american = american.replace(british, us)
    variants.append(american)
    if len(words) >= 12:
        variants.append(" ".join(words[:4]) + " ... " + " ".join(words[-4:]))
        variants.append(" ".join(words[:4]) + " … " + " ".join(words[-4:]))
    return list(dict.fromkeys(v for v in variants if v.strip()))


def _number_and_negation(sentence: str, rng: random.Random, change: Callable[[int], int], negation: str
                         ) -> list[tuple[str, str]]:
    """The sentence with one of its numbers changed, and with its negation taken out (or one put in)."""
    out: list[tuple[str, str]] = []
    numbers = list(re.finditer(r"\d[\d,]*", sentence))
    if numbers:
        m = rng.choice(numbers)
        changed = str(change(int(m.group().replace(",", ""))))
        out.append(("number", sentence[: m.start()] + changed + sentence[m.end() :]))
    neg = re.search(negation, sentence)
    if neg:
        out.append(("negation-removed", sentence[: neg.start()] + sentence[neg.end() :]))
    else:
        verb = re.search(r"\b(is|was|are|were|will|would|could|should|had|has)\b", sentence)
        if verb:
            out.append(("negation-added", sentence[: verb.end()] + " not" + sentence[verb.end() :]))
    return out


def fabrications(sentence: str, rng: random.Random) -> list[tuple[str, str]]:
    """(kind, mutated quote) pairs, each of which the article does not support."""
    out = _number_and_negation(sentence, rng, lambda n: n * 2 + 1, r"\b(no|not|never)\s")
    names = list(re.finditer(r"\b[A-Z][a-z]+(?:\s[A-Z][a-z]+)+\b", sentence))
    if names:
        m = rng.choice(names)
        out.append(("name", sentence[: m.start()] + rng.choice(INVENTED_NAMES) + sentence[m.end() :]))
    words = sentence.split()
    if len(words) > 8:
        i = rng.randrange(2, len(words) - 2)
        swapped = words[:]
        swapped[i] = rng.choice(["reportedly", "secretly", "officially", "partly", "never"])
        out.append(("word-swap", " ".join(swapped)))
        out.append(("paraphrase", " ".join(reversed(words[: len(words) // 2])) + " " + " ".join(words[len(words) // 2 :])))
    long_words = [i for i, w in enumerate(words) if len(w) >= 7 and w.isalpha()]
    if long_words:
        i = rng.choice(long_words)
        changed = words[:]
        w = changed[i]
        changed[i] = w[:3] + w[4:] if rng.random() < 0.5 else w[:4] + "t" + w[4:]  # mediation -> meditation
        out.append(("one-letter", " ".join(changed)))
    out.append(("invented", f"{rng.choice(INVENTED_NAMES)} said the plan would cost 7,345 jobs by 2031."))
    return out


# -- whole claims, as a lying model writes them (real quotes beside false claims) and as a small model writes
#    true ones (right claim, wrong or missing quote) --------------------------------------------------------

_NAME_RUN = re.compile(r"\b[A-Z][a-z]+(?:\s[A-Z][a-z]+)+\b")


def claim_lies(sentence: str, others: list[str], rng: random.Random) -> list[tuple[str, str]]:
    """(kind, claim) pairs: the sentence made false. A lying model gives these with the true sentence as
    their quote, so only the claim itself can give them away. `others` are names of other people in the
    same article, for misattribution."""
    out = _number_and_negation(sentence, rng, lambda n: n * 3 + 7, r"\b(not|never)\s")
    runs = [m for m in _NAME_RUN.finditer(sentence) if len(m.group().split()) >= 2]
    if runs:
        m = rng.choice(runs)
        out.append(("invented-person", sentence[: m.start()] + rng.choice(INVENTED_NAMES) + sentence[m.end() :]))
        swap = [o for o in others if o not in sentence and not set(o.split()) & set(m.group().split())]
        if swap:
            out.append(("other-person", sentence[: m.start()] + rng.choice(swap) + sentence[m.end() :]))
    out.append(("invented", f"{rng.choice(INVENTED_NAMES)} said the plan would cost 7,345 jobs by 2031."))
    return out


def bad_quotes(sentence: str, article_sentences: list[str], rng: random.Random) -> list[tuple[str, list[str]]]:
    """(kind, evidence) pairs for a true claim (the sentence itself): the quotes a small model gives."""
    words = sentence.split()
    elsewhere = [s for s in article_sentences if s != sentence]
    out: list[tuple[str, list[str]]] = [("none", []), ("wrong-sentence", [rng.choice(elsewhere)] if elsewhere else [])]
    out.append(("byline", ["By Jana Hofer and Luis Ortega, Reuters"]))
    if len(words) > 8:
        i = rng.randrange(2, len(words) - 2)
        out.append(("near-verbatim", [" ".join(words[:i] + ["has"] + words[i:])]))
    return out
