"""Long and foreign-language articles, with fakes: split points, merge, offsets, the budget, languages."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from summarizer import Summarizer
from summarizer.errors import ArticleTooLongError
from summarizer.llm import LLM
from summarizer.longdoc import merge, split_text
from summarizer.pipeline import prompt_overhead
from summarizer.schemas import Actor, BackgroundPoint, Evidence, Grounded, ProposedResponse
from summarizer.testing import FakeModel, fake_async_client, quoting_answer
from summarizer.tokens import count_tokens

ARTICLES = Path(__file__).parent / "articles"


def long_report(paragraphs: int = 60) -> str:
    out = []
    for i in range(paragraphs):
        out.append(
            f"Section {i}. Inspector Mara Voss of the Harbour Safety Board reviewed crane {i} on day {i + 1}. "
            f"She reported that crane {i} had {i % 7} faults and that repairs would take {i + 2} weeks. "
            f"Port engineer Jonas Reyes said the budget for crane {i} was sufficient."
        )
    return "\n\n".join(out)


def test_split_respects_budget_and_paragraphs() -> None:
    text = long_report()
    count = count_tokens
    parts = split_text(text, 400, count)
    assert len(parts) > 3
    for p in parts:
        assert count(p.text) <= 400
        assert text[p.start : p.end] == p.text
        assert p.text.startswith("Section ") and p.text.endswith("sufficient.")  # whole paragraphs
    joined = " ".join(p.text for p in parts)
    assert joined.split() == text.split()  # nothing lost, nothing repeated


def test_a_giant_paragraph_splits_between_sentences() -> None:
    text = " ".join(f"Sentence number {i} says the crane was inspected on time." for i in range(300))
    parts = split_text(text, 300, count_tokens)
    assert len(parts) > 1
    for p in parts:
        assert p.text.endswith("on time.") and count_tokens(p.text) <= 300


def _ev(text: str, quote: str) -> list[Evidence]:
    at = text.index(quote)
    return [Evidence(quote=quote, start=at, end=at + len(quote), match="exact")]


def test_merge_dedupes_actors_keeps_order_and_attribution() -> None:
    text = "Elena Maris spoke. Later Maris spoke again. Ana Kovac proposed a fund. Tomas Lindqvist proposed a fund."
    a = Grounded(
        headline="H", what=None, key_figures=[], dropped=[],
        who=[Actor(name="Elena Maris", role="union leader", evidence=_ev(text, "Elena Maris spoke"))],
        background=[BackgroundPoint(point="First", evidence=_ev(text, "Elena Maris spoke"))],
        proposed_responses=[ProposedResponse(proposed_by="Ana Kovac", action="A fund", kind="economic",
                                             status="proposed", evidence=_ev(text, "Ana Kovac proposed a fund"))],
    )
    b = Grounded(
        headline=None, what=None, key_figures=[], dropped=[],
        who=[Actor(name="Maris", role="speaker", evidence=_ev(text, "Later Maris spoke again")),
             Actor(name="Ana Maris", role="someone else", evidence=_ev(text, "Ana Kovac proposed"))],
        background=[BackgroundPoint(point="Second", evidence=_ev(text, "Later Maris spoke again")),
                    BackgroundPoint(point="First", evidence=_ev(text, "Elena Maris spoke"))],
        proposed_responses=[
            ProposedResponse(proposed_by="Tomas Lindqvist", action="A fund", kind="economic", status="proposed",
                             evidence=_ev(text, "Tomas Lindqvist proposed a fund")),
            ProposedResponse(proposed_by="Kovac", action="A fund", kind="economic", status="proposed",
                             evidence=_ev(text, "Ana Kovac proposed a fund")),
        ],
    )
    m = merge([a, b])
    assert [x.name for x in m.who] == ["Elena Maris", "Ana Maris"]
    assert len(m.who[0].evidence) == 2  # both mentions kept as evidence
    assert [p.point for p in m.background] == ["First", "Second"]
    assert [(r.proposed_by, r.action) for r in m.proposed_responses] == [("Ana Kovac", "A fund"), ("Tomas Lindqvist", "A fund")]


async def test_long_article_is_briefed_in_parts_within_the_budget() -> None:
    text = long_report(80)
    fake = FakeModel(quoting_answer)
    budget = prompt_overhead("fake") + 500
    seen_parts: list[tuple[int, int]] = []
    s = Summarizer(LLM(fake_async_client(fake), model="fake"), cache=False, reasks=0, max_input_tokens=budget,
                   progress=lambda d, t: seen_parts.append((d, t)))
    brief = await s.abrief(text)
    assert brief.provenance.parts == fake.calls > 3
    assert seen_parts[-1] == (fake.calls, fake.calls)
    for request in fake.requests:  # the budget, asserted on what the server received
        sent = sum(count_tokens(m["content"], "fake") for m in request["messages"])
        sent += count_tokens(json.dumps(request["tools"], separators=(",", ":")), "fake")
        assert sent <= budget
    # evidence from later parts still points into the original text
    assert brief.background and brief.source.text == text
    starts = []
    for item in [*brief.who, *brief.background, brief.what]:
        for e in item.evidence:
            assert text[e.start : e.end] == e.quote
            starts.append(e.start)
    assert max(starts) > len(text) // 2
    # every part named the same people; the merge keeps each once (the fake's role for "Inspector Mara",
    # "Voss of the Harbour", is the Harbour Safety Board's words, and the gate refuses it)
    names = [a.name for a in brief.who]
    assert sorted(names) == ["Harbour Safety", "Jonas Reyes"]


async def test_huge_documents_are_refused_before_any_call() -> None:
    fake = FakeModel(quoting_answer)
    s = Summarizer(LLM(fake_async_client(fake)), cache=False, max_words=1000)
    with pytest.raises(ArticleTooLongError, match="word limit"):
        await s.abrief("word " * 1500)
    assert fake.calls == 0


@pytest.mark.parametrize(("name", "lang"), [("de_hafenstreik.txt", "de"), ("uk_strajk.txt", "uk")])
async def test_foreign_articles_detected_and_briefed_in_english(name: str, lang: str) -> None:
    text = (ARTICLES / name).read_text(encoding="utf-8")
    sentences = [s for s in re.split(r"(?<=[.!?“»])\s+", text) if len(s.split()) > 6]

    def answer(body: dict) -> dict:
        return {
            "headline": "Valmora dock workers strike",
            "who": [{"name": text.split("\n\n")[2].split(",")[0], "role": "union general secretary",
                     "evidence": [text.split("\n\n")[2].split(",")[0] + ","]}],
            "what": {"summary": "Dock workers began a 72-hour strike.",
                         "evidence": [next(s for s in sentences if "72" in s)[:80]]},
            "background": [],
            "proposed_responses": [{"proposed_by": "Ana Kovac" if lang == "de" else "Ана Ковач",
                                    "action": "A retraining fund of 40 million euros", "kind": "economic",
                                    "status": "proposed", "evidence": [sentences[-1][-60:]]}],
        }

    fake = FakeModel(answer)
    brief = await Summarizer(LLM(fake_async_client(fake)), cache=False, language="en").abrief(text)
    assert brief.source.language == lang and brief.provenance.source_language == lang
    assert brief.provenance.brief_language == "en"
    assert "in English" in fake.requests[0]["messages"][0]["content"]
    assert brief.what is not None and brief.proposed_responses
    for e in brief.what.evidence + brief.proposed_responses[0].evidence:
        assert text[e.start : e.end] == e.quote  # evidence stays verbatim in the article's language


async def test_brief_language_setting_reaches_the_prompt(article_text: str) -> None:
    fake = FakeModel(quoting_answer)
    brief = await Summarizer(LLM(fake_async_client(fake)), cache=False, language="German").abrief(article_text)
    assert "in German" in fake.requests[0]["messages"][0]["content"] and brief.provenance.brief_language == "de"


def test_latin_names_for_a_cyrillic_article() -> None:
    from summarizer.schemas import Locator

    loc = Locator((ARTICLES / "uk_strajk.txt").read_text(encoding="utf-8"))
    assert loc.has_name("Olena Maris") and loc.has_name("Ana Kovach") and loc.has_name("Олена Маріс")
    assert not loc.has_name("Sergei Petrov") and not loc.has_name("Olena Kovach")


async def test_a_part_whose_answers_never_parse_is_reported_and_the_rest_kept() -> None:
    text = long_report(40)

    def answer(body: dict) -> dict | str:
        user = body["messages"][-1]["content"]
        return '{"who": "broken' if "Section 0." in user else quoting_answer(body)

    fake = FakeModel(answer)
    s = Summarizer(LLM(fake_async_client(fake), model="fake"), cache=False, reasks=0,
                   max_input_tokens=prompt_overhead("fake") + 400)
    brief = await s.abrief(text)
    assert brief.provenance.parts > 2
    assert [d.item for d in brief.provenance.dropped if d.item.startswith("part[") and "schema" in d.reasons[0]] == ["part[0]"]
    assert brief.background and all(e.start > 0 for p in brief.background for e in p.evidence)


# --- issue 9: text without sentence breaks ----------------------------------------------------------------


@pytest.mark.parametrize("kind", ["words", "one-run", "mixed"])
def test_no_part_exceeds_the_budget_whatever_the_text(kind: str) -> None:
    words = ["harbour", "strike", "crane", "union", "minister", "talks", "ships", "port"]
    if kind == "words":  # the probe: a long text with spaces and no punctuation at all
        text = " ".join(words[(i * 7) % 8] for i in range(30_000))
    elif kind == "one-run":  # not even whitespace: cut where it fits
        text = "x" * 60_000
    else:
        text = "A short sentence. " * 50 + " ".join(words * 3000) + "\n\nA closing paragraph. It ends here."
    parts = split_text(text, 1000, count_tokens)
    assert len(parts) > 3
    for part in parts:
        assert count_tokens(part.text) <= 1000 and text[part.start : part.end] == part.text
    covered = "".join(text[a.end : b.start] for a, b in zip(parts, parts[1:], strict=False))
    assert covered.strip() == ""  # nothing lost between parts but whitespace
    if kind != "one-run":
        assert all(not p.text[-1].isspace() and text[p.end : p.end + 1] in ("", " ", "\n") for p in parts)


async def test_every_request_fits_the_budget_on_unpunctuated_text() -> None:
    text = " ".join(["dock", "workers", "strike", "port", "valmora", "cranes", "talks"] * 3000)
    fake = FakeModel(quoting_answer)
    budget = prompt_overhead("fake") + 1500
    s = Summarizer(LLM(fake_async_client(fake), model="fake"), cache=False, reasks=0, max_input_tokens=budget)
    brief = await s.abrief(text)
    assert brief.provenance.parts == fake.calls > 5
    for request in fake.requests:
        sent = sum(count_tokens(m["content"], "fake") for m in request["messages"])
        sent += count_tokens(json.dumps(request["tools"], separators=(",", ":")), "fake")
        assert sent <= budget
