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


def _article_texts() -> list[str]:
    return [from_text(p.read_text(encoding="utf-8")).text for p in sorted(ARTICLES.glob("*.txt"))]


def test_the_tokens_of_an_article_folded_at_once_are_each_sentences_own() -> None:
    from summarizer.schemas.signals import Sentence, fill_low

    for text in [*_article_texts(), "Kovac's union’s plan. The nation's port’s's cranes — ИВАН's offer. ǅemal ﬁled"]:
        passages = Passages(Locator(text), True)
        fresh = [Sentence(s.text) for s in passages.sentences]  # nothing filled in: each works its own out
        assert [s.low for s in passages.sentences] == [s.low for s in fresh]
        assert [s.folded for s in passages.sentences] == [s.folded for s in fresh]
        fill_low(fresh)
        assert [s.low for s in fresh] == [[w.removesuffix("’s").removesuffix("'s") for w in s.folded] for s in fresh]


def test_a_name_whose_first_word_a_text_lacks_is_not_in_it_the_long_way_either() -> None:
    from summarizer.schemas.names import might_name, name_key

    names = ["Cargas do Sul", "Helena Sá", "the Port Authority", "WHO", "NATO", "Mark Rutte", "President Biden",
             "Olena Maris", "Kovač", "Dr. Severin Kamau", "The Union", "A", "Ms Osei", "U.S.", "Korea", "Koreans"]
    for text in _article_texts() + ["Олена Маріс сказала.", "US President Joe Biden met the WHO chief in Korea."]:
        loc = Locator(text)
        views = [loc, *(Locator(text[s:e]) for s, e in loc.sentences[:25])]
        for view in views:
            for name in names + [n for n in re.findall(r"[A-Z]\w+(?: [A-Z]\w+)?", text)[:30]]:
                key = name_key(name)
                if key is not None and key not in view.norm and view._latin_view() is None:
                    assert not view._names(name, 2), (name, view.text[:60])
                assert view.has_name(name) == view._names(name, 2)
                if not might_name(view.text, name):
                    assert not view._names(name, 2), (name, view.text[:60])


def test_the_negation_tests_answer_as_their_long_forms() -> None:
    from summarizer.schemas.edits import negation_edit, subject_swap
    from summarizer.schemas.signals import NEG_WORDS, negated

    def long_negated(t: str) -> bool:  # how `negated` read before: two searches, one case-blind
        return bool(re.search(r"n[’']t\b", t, re.IGNORECASE)) or not NEG_WORDS.isdisjoint(re.findall(r"\w+", t.lower()))

    sentences = [s for t in _article_texts() for s in re.split(r"(?<=[.!?])\s+", t)]
    odd = ["Notably, nobody came.", "Nothing; nor", "НЕ так", "He isn't", "None-the-less", "kein Streik", "nonetheless",
           "knot", "Nicht", "NO", "cannot", "it is not", "without", "NEVER again", "Ні."]
    for s in sentences + odd:
        assert negated(s) == long_negated(s), s
    # negation_edit without a negation on either side is False whatever the matcher says
    assert sum(negated(s) for s in sentences) >= 5
    for claim, sentence in zip(sentences, sentences[1:] + sentences[:1], strict=True):
        if not negated(claim) and not negated(sentence):
            assert negation_edit(claim, sentence) is False
    assert negation_edit("The port will stay closed.", "The port will not stay closed.")
    assert subject_swap("The airline last struck in 2019, the union said.",
                        "Cabin crew last struck in 2019, the union said.")
    assert not subject_swap("Cabin crew last struck in 2019.", "Cabin staff last struck in 2019.")


def test_a_text_without_a_credit_word_has_no_sentence_with_one() -> None:
    from summarizer.schemas import layout

    texts = _article_texts() + ["Reporting by Ana Diaz. The port closed.\n• Editing by Sam Roe\n— Mr. Lee said so.",
                                "ΣΟΦΙΑ ΕΙΠΕ. The Kelvin sign \u212a and İstanbul. Ports reopen."]
    for text in texts:
        kept, furniture = layout.split(text)
        if not layout._may_credit(text):
            assert not any(layout._may_credit(text[s:e]) for s, e in kept + furniture)
    assert layout.split(texts[-2])[1]  # the credits of the first still found


def test_the_ending_check_only_skips_words_no_respelling_touches() -> None:
    from summarizer.schemas.normal import _ANY_VARIANT, american, respellable, respellings

    words = {w for t in _article_texts() for w in re.findall(r"[^\W\d_][\w'’\-]*", t.lower())}
    stems = ["lab", "col", "favour", "organ", "anal", "trav", "cent", "theat", "program", "catal", "def", "lic",
             "judg", "acknowledg", "t", "rise", "w", "is", "our"]
    endings = ["our", "ours", "oured", "ouring", "ourite", "ourites", "ise", "ised", "ises", "ising", "isation",
               "isations", "yse", "ysed", "ysing", "elled", "elling", "eller", "ellers", "re", "res", "amme", "ammes",
               "ogue", "ogues", "ence", "ences", "dgement", "dgements", "our's", "ire", "ation", "ed", "s"]
    words |= {s + e for s in stems for e in endings}
    assert sum(respellable(w) for w in words) >= 40
    for w in words:
        assert respellable(w) == (_ANY_VARIANT.search(w) is not None), w
    # and the words an article's vocabulary respells are those `american` changes, found the long way
    long_way: dict[str, set[str]] = {}
    for w in words:
        if american(w) != w:
            long_way.setdefault(american(w), set()).add(w)
    assert len(long_way) >= 20 and respellings(sorted(words)) == long_way
    # `same_word` tells two words apart by their first letters before its cache: no respelling changes one
    assert all(american(w)[:1] == w[:1] for w in words)
    assert respellings(sorted(words - {w for w in words if "ourite" in w or "dgement" in w})) == {
        us: found for us, found in ((us, {w for w in ws if "ourite" not in w and "dgement" not in w})
                                    for us, ws in long_way.items()) if found}


def test_numbers_are_canonical_as_the_digit_filter_makes_them() -> None:
    from summarizer.schemas.normal import NUMBER, canon_number

    def long_way(token: str) -> str:
        return "".join(c for c in token if c.isdigit()).lstrip("0") or "0"

    tokens = [m.group() for t in _article_texts() for m in NUMBER.finditer(t)]
    tokens += ["1,200", "10 000", "3\u00a0500", "4\u202f000", "0", "007", "12.5", "٣٤", "²", "1-2", "", "abc", "1²", "x9"]
    assert len(tokens) > 100
    for token in tokens:
        assert canon_number(token) == long_way(token), token


def test_cues_and_speech_found_in_the_lowered_text_are_where_case_blind_search_finds_them() -> None:
    import random

    from summarizer.schemas.signals import CUES, SPEECH, find_cue, has_speech

    sentences = [s for t in _article_texts() for s in re.split(r"(?<=[.!?])\s+", t)]
    odd = ["He URGED calm.", "Sie ſhould go", "ACCORDİNG TO him", "İstanbul PLANS a vote", "the Kelvin \u212aeeps",
           "ıt was ASKED them to", "“Quote” she SAID", "Ärzte FORDERN", "ΣΟΦΙΑ SAYS so", ""]
    rng = random.Random(3)
    pool = list("abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ'’\"“”-.,İıſ\u212aÄöΣς") + ["should ", "said ",
                                                                                          "urged ", "plans "]
    noise = ["".join(rng.choice(pool) for _ in range(rng.randrange(1, 60))) for _ in range(3_000)]
    for text in sentences + odd + noise:
        mine, theirs = find_cue(text), CUES.search(text)
        assert (mine and mine.span()) == (theirs and theirs.span()), text
        assert has_speech(text) == bool(SPEECH.search(text)), text


def test_spelled_numbers_are_found_as_before_and_a_dotless_i_no_longer_breaks_them() -> None:
    from summarizer.schemas.normal import CASE_TWINS, NUMBER, SPELLED, canon_number, fold, numbers_in

    spelled = re.compile(r"\b(?:" + "|".join(SPELLED) + r")\b", re.IGNORECASE)

    def long_way(text: str) -> set[str]:  # the case-blind search it replaced
        return {canon_number(m) for m in NUMBER.findall(text)} | {SPELLED[m.group().lower()] for m in
                                                                   spelled.finditer(text)}

    texts = _article_texts() + ["Eight SAILINGS and NINE or nine ships", "a dozen and Twenty-one", ""]
    for text in texts + [fold(t) for t in texts]:
        assert not CASE_TWINS.search(text) and numbers_in(text) == long_way(text), text[:60]
    # case-blind matching took "fıve" for five, then found no such number and raised KeyError
    assert numbers_in("fıve ships, İki boats and 3 crews, SEVEN hours") == {"3", "7"}


def test_word_lists_searched_by_first_letter_match_where_their_plain_patterns_do() -> None:
    import random

    from summarizer.schemas import normal, signals

    plain = {  # the patterns as first written: each tried at every position of the text
        signals._NEG_ANY: r"n[’']t\b|(?<!\w)(?:" + "|".join(sorted(signals.NEG_WORDS, key=len, reverse=True)) + r")(?!\w)",
        signals.VERB: r"\b" + signals.SPEECH_VERBS + r"\b",
        signals._CUES_LOW: r"\b(?:" + "|".join(signals._CUE_WORDS) + ")",
        signals._SPEECH_LOW: signals.SPEECH.pattern,
        normal.NUMBER: r"\d+(?:[.,\u00a0\u202f ]\d{3})*(?:[.,]\d+)?",
    }
    words = [*normal.SPELLED, *signals.NEG_WORDS, *signals._SPEECH_WORDS, "proposal", "calls for", "the need",
             "were set to", "back the", "according to", "n't", "n’t", "asks them to", "4,500", "1.5", "12 000"]
    rng = random.Random(11)
    noise = ["".join(rng.choice(words) if rng.random() < 0.6 else rng.choice(" ,.;\n_-'’1x") for _ in range(rng.randrange(1, 7)))
             for _ in range(20_000)]
    sentences = [s.lower() for t in _article_texts() for s in re.split(r"(?<=[.!?])\s+", t)]
    for fast, pattern in plain.items():
        slow = re.compile(pattern)
        assert fast.pattern != pattern
        for text in sentences + noise:
            assert [m.span() for m in fast.finditer(text)] == [m.span() for m in slow.finditer(text)], (pattern[:30], text)
    # the left edge is checked: no match inside a word ("cannot" holds "no")
    assert not signals._NEG_ANY.search("knot, cannon")
    assert normal.spelled_numbers("seventeenth someone") == set()


def test_a_mostly_ascii_text_folds_as_each_of_its_characters_does() -> None:
    from summarizer.schemas.normal import _FOLD, _translate

    def one_by_one(text: str) -> str:  # the table, character by character (whitespace may differ: callers split)
        return " ".join(text.translate(_FOLD).split())

    for code in [*range(0x80, 0x3000), *range(0xFB00, 0xFFFF), 0x1D400, 0x1F600, 0xD800]:
        tail = " the Ferry left port on time" * 10  # (mostly ASCII: the path under test)
        for text in (f"The Ship {chr(code)}s left" + tail, f"ΟΔΟΣ and ΣΑΣ{chr(code)} at 9 ’til `noon`" + tail):
            assert " ".join(_translate(text).split()) == one_by_one(text), hex(code)


def test_clauses_cut_where_the_case_blind_patterns_cut() -> None:
    import random

    from summarizer.schemas.signals import CLAUSE, CUE_CLAUSE, clauses, cue_clauses

    sentences = [s for t in _article_texts() for s in re.split(r"(?<=[.!?])\s+", t)]
    odd = ["He SAID so, BUT then – WHILE it rained; ALTHOUGH", "İstanbul AND Ankara, but", "Kelvin \u212aeeps AND", "",
           "and", "bUt?", "sandbox tbut whileX", "ΣΟΦΙΑ, Though"]
    rng = random.Random(7)
    pool = [*"abdehnotuwlrgsAB ,.;:!?–—İıſ'’", "and ", "but ", "AND ", "while ", "though ", "however ", "whereas "]
    noise = ["".join(rng.choice(pool) for _ in range(rng.randrange(1, 40))) for _ in range(5_000)]
    for text in sentences + odd + noise:
        assert cue_clauses(text) == CUE_CLAUSE.split(text), text
        assert clauses(text) == CLAUSE.split(text), text


def test_the_credit_words_found_once_per_article_answer_as_each_sentence_would() -> None:
    import random

    from summarizer.schemas.layout import _credit_check

    rng = random.Random(5)
    pieces = [*CREDITS, "The ferry left.", "Ana wrote it. ", "REPORTING by", "the editorial line", "\n\n", " ", "Σ.", "editor"]
    texts = _article_texts() + ["".join(rng.choice(pieces) for _ in range(rng.randrange(1, 12))) for _ in range(400)]
    for text in texts:
        check = _credit_check(text)
        cuts = sorted({0, len(text), *(rng.randrange(len(text) + 1) for _ in range(12))})
        spans = [*zip(cuts, cuts[1:], strict=False), (0, len(text))]
        for start, end in spans:
            assert check(start, end) == _may_credit(text[start:end]), (text, start, end)


def test_the_words_written_capitalized_inside_sentences_are_those_a_loop_over_their_tokens_finds() -> None:
    from summarizer.schemas.signals import Sentence, capitalized_inside

    for text in _article_texts():
        sentences = [Sentence(s) for s in re.split(r"(?<=[.!?])\s+", text)] + [Sentence("Élan Vital met ÖBB’s chief")]
        looped = {low for s in sentences for k, (t, low) in enumerate(zip(s.raw, s.low, strict=True)) if k and t[0].isupper()}
        assert capitalized_inside(sentences) == looped
        assert looped


def test_sentence_cuts_found_from_the_stop_are_where_the_lookbehind_found_them() -> None:
    import random

    from summarizer.schemas.layout import _SENTENCE_END, UPPER

    behind = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[" + UPPER + r"0-9])")  # as first written
    rng = random.Random(9)
    pool = [*".!?…\"'”’)]“‘([ \n\tAbZé9Ол-", "Mr. ", "... ", "?! ", ".” ", "U.S. "]
    texts = _article_texts() + ["".join(rng.choice(pool) for _ in range(rng.randrange(1, 40))) for _ in range(5_000)]
    for text in texts:
        for lo in {0, *(rng.randrange(len(text) + 1) for _ in range(3))}:
            hi = rng.randrange(lo, len(text) + 1)
            mine = [m.span(1) for m in _SENTENCE_END.finditer(text, lo, hi)]
            theirs = [m.span() for m in behind.finditer(text, lo, hi)]
            # (the lookbehind also saw a stop just before `lo`; `split` never starts a search right after one)
            if lo and text[lo - 1] in ".!?…":
                theirs = [span for span in theirs if span[0] != lo]
            assert mine == theirs, (text, lo, hi)


def test_words_split_in_c_are_the_words_the_regex_finds() -> None:
    """`schemas.runs` splits words with rapidfuzz where it agrees with `re` on every character of the text;
    whatever the text, the words must be the regex's: articles, and noise made of the characters where the two
    disagree ("_", İ, Σ, letters newer than rapidfuzz's tables) among letters, digits and punctuation."""
    import random

    from summarizer.schemas.runs import _agreeing, letter_words, lowered_words

    agreeing = set(_agreeing())
    assert len(agreeing) > 10_000  # (else nothing would be split in C but ASCII: correct, and slow)
    disagreeing = [chr(c) for c in range(0x80, 0x3000) if c not in agreeing and not 0xD800 <= c <= 0xDFFF]
    assert "\u0130" in disagreeing and "\u03a3" in disagreeing
    rng = random.Random(5)
    alphabet = [*"abcXYZ019 _-'’.,\n\t", "é", "Ü", "ß", "ς", "σ", "€", "°", "½", "²", "\u00a0", "\u2009", "中", "😀", "ı",
                *disagreeing[:40], *rng.sample(range(0x80, 0x3000), 60)]
    alphabet = [chr(c) if isinstance(c, int) else c for c in alphabet]
    noise = ["".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 14))) for _ in range(30_000)]
    for text in _article_texts() + [t.upper() for t in _article_texts()] + noise:
        assert lowered_words(text) == re.findall(r"\w+", text.lower()), text
        assert letter_words(text, 4) == re.findall(r"[^\W\d_]{4,}", text.lower()), text


def test_words_counted_up_to_the_least_that_will_do_answer_as_counting_them_all() -> None:
    from summarizer.schemas.text import WORD, at_least_words

    pieces = [s for t in _article_texts() for s in re.split(r"(?<=[.!?])\s+", t)][:200] + ["", "…", "a", "a b", " - "]
    for n in range(7):
        for a, b in zip(pieces, pieces[1:] + pieces[:1], strict=True):
            assert at_least_words([a, b], n) == (len(WORD.findall(a)) + len(WORD.findall(b)) >= n), (a, b, n)


def test_the_hot_patterns_start_where_the_search_can_skip_ahead() -> None:
    """A pattern that starts with a literal or a character class is searched by skipping, in C, to where it
    can start; one that starts with `\\b`, a lookbehind or a repeat is tried at every position (several times
    slower on an article). An edit that loses this changes no decision, only the speed: this catches it."""
    import pytest

    from summarizer.schemas import layout, normal, signals

    compiler = getattr(re, "_compiler", None)
    parser = getattr(re, "_parser", None)
    if compiler is None or parser is None or not hasattr(compiler, "_get_charset_prefix"):
        pytest.skip("this Python's regex compiler has other internals")
    hot = [normal.NUMBER, normal._SPACES, signals._NEG_ANY, signals._NEG_WORD, signals.VERB,
           signals._CUES_LOW, signals._SPEECH_LOW, signals._CUE_CLAUSE_LOW, signals._CLAUSE_LOW, layout._SENTENCE_END]
    for pattern in hot:
        parsed = parser.parse(pattern.pattern, pattern.flags)
        prefix = compiler._get_literal_prefix(parsed, parsed.state.flags)[0]
        assert prefix or compiler._get_charset_prefix(parsed, parsed.state.flags), pattern.pattern[:60]


def test_sentences_found_by_bisection_are_those_a_scan_of_every_sentence_finds() -> None:
    for path in sorted(ARTICLES.glob("*.txt")):
        passages = Passages(Locator(from_text(path.read_text(encoding="utf-8")).text), True)
        spans = passages.spans
        # what bisection relies on: sentences follow one another, none inside another
        assert all(s < e <= s2 for (s, e), (s2, _) in zip(spans, spans[1:], strict=False)), path.name
        n = len(passages.loc.text)
        for start in range(0, n, 37):
            for end in (start, start + 1, start + 90, start + 400):
                hit = [i for i, (s, e) in enumerate(spans) if s < end and start < e]
                assert passages.indices(start, end) == (hit or [passages.loc.sentence_index(start)]), (start, end)
        for i in range(len(spans)):
            lo, hi, _ = passages.loc.paragraph_span(spans[i][0], spans[i][1])
            inside = [k for k, (s, e) in enumerate(spans) if lo <= s and e <= hi]
            assert passages.paragraph_span([i]) == ((inside[0], inside[-1] + 1) if inside else (i, i + 1))


def test_a_passage_without_a_negation_has_no_negated_clause_or_piece() -> None:
    """`same_polarity` answers at once when neither the claim nor the passage holds a negation: what it would
    otherwise look at, the clauses of each and the pieces "and" cuts them into, are stretches of them, cut
    between words, so a negation in any would be found in the whole. Articles, and noise made of negations
    and the words and marks that cut clauses, set hard against each other."""
    import random

    from summarizer.schemas.signals import JOINS, NEG_WORDS, clauses, cue_clauses, negated

    rng = random.Random(3)
    pieces = [*NEG_WORDS, "n't", "n’t", "don't", "can’t", "knot", "cannon", "and", "but", "although", "while",
              "whereas", "then", "so", "said", "that", "to", ",", ";", ":", ".", "–", "—", "!", "?", " ", "\n", "Σ", "İ"]
    noise = ["".join(rng.choice(pieces) + rng.choice(["", " "]) for _ in range(rng.randrange(1, 9))) for _ in range(30_000)]
    sentences = [s for t in _article_texts() for s in re.split(r"(?<=[.!?])\s+", t)]
    checked = 0
    for text in sentences + noise:
        if negated(text):
            continue
        checked += 1
        parts = [c for c in clauses(text) if c] + [c for c in cue_clauses(text) if c]
        assert not any(negated(p) for c in parts for p in [c, *JOINS.split(c)] if p), text
    assert checked > 10_000  # (the noise is not all negated)


def test_a_verb_is_flanked_by_names_exactly_when_its_parties_are_both_there() -> None:
    """`roles_swapped` bisects the positions of the names for a name within reach on each side of a verb
    before it builds the parties' sets: the same verbs pass as when every verb's sets were built."""
    import random

    from summarizer.schemas.edits import _flanked, _parties

    rng = random.Random(5)
    vocabulary = ["a", "b", "c", "d", "by", "was", "is", "the", "sued"]
    for _ in range(20_000):
        low = [rng.choice(vocabulary) for _ in range(rng.randrange(1, 25))]
        names = set(rng.sample(["a", "b", "c", "d", "the"], rng.randrange(0, 4)))
        at_names = [k for k, w in enumerate(low) if w in names]
        for i, w in enumerate(low):
            if w not in names:
                assert _flanked(at_names, i) == all(_parties(low, i, names)), (low, names, i)


def test_a_claims_words_counted_per_sentence_once_are_what_each_candidate_holds() -> None:
    """The share test counts a claim's words per sentence in one pass over the word index; for every sentence
    the count is what asking the index word by word for that sentence gives, and a candidate judged once
    (the verdict kept for a second share) is judged as a fresh article's passages judge it."""
    for path in sorted(ARTICLES.glob("*.txt"))[:6]:
        text = from_text(path.read_text(encoding="utf-8")).text
        passages = Passages(Locator(text), True)
        claims = [s.text for s in passages.sentences[::4]] + ["The union rejected the offer on Monday and called a strike."]
        for claim in claims:
            words = passages._claim_words(claim)[1]
            counts = passages._shared(claim, words)
            for i in range(len(passages.sentences)):
                assert counts.get(i, 0) == sum(1 for w in words if i in passages.having(w)), (claim, i)
            for i in range(0, len(passages.sentences), 3):
                first = passages.supports(claim, [i], 0.5)
                assert passages.supports(claim, [i], 0.51) == Passages(Locator(text), True).supports(claim, [i], 0.51)
                assert first == Passages(Locator(text), True).supports(claim, [i], 0.5)


def test_the_ascii_token_pattern_finds_what_the_unicode_one_finds() -> None:
    """`token_re` picks a faster pattern for ASCII text; on any ASCII text its words must be TOKEN's (leading
    digits and underscores, inner hyphens and apostrophes, every printable character and control)."""
    import random

    from summarizer.schemas.vocabulary import TOKEN, token_re

    rng = random.Random(11)
    alphabet = [chr(c) for c in range(128)] + list("aeiouRST0_-'  ")
    noise = ["".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 24))) for _ in range(20_000)]
    ascii_articles = [t for t in _article_texts() if t.isascii()]
    assert ascii_articles and token_re("Sá") is TOKEN and token_re("Sa") is not TOKEN
    for text in ascii_articles + noise:
        assert [m.span() for m in token_re(text).finditer(text)] == [m.span() for m in TOKEN.finditer(text)], text


def test_words_with_different_first_letters_are_never_the_same_word() -> None:
    from summarizer.schemas.signals import _same_word, same_word

    words = sorted({w for t in _article_texts() for w in re.findall(r"\w+", t.lower())})[:1500]
    pairs = [(a, b) for a in words[::7] for b in words[::5]] + [("", ""), ("", "a"), ("rise", "rize"), ("ence", "ense")]
    assert sum(_same_word(a, b) for a, b in pairs) >= 50
    for a, b in pairs:
        assert same_word(a, b) == _same_word(a, b), (a, b)
