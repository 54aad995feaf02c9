"""The kind of a proposed response as its words give it (schemas/kinds.py): the local model's answers file
mediation as "military" and a pay claim as "humanitarian"; the brief shows what the action says."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from summarizer.schemas import ground
from summarizer.schemas.draft import salvage
from summarizer.schemas.kinds import judge_kind
from summarizer.sources import from_text

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(("kind", "action", "shown"), [
    # the real model's answers (tests/real_answers/), as it filed them
    ("military", "call on both sides to accept mediation by the national labour council and propose a "
                 "state-backed retraining fund of €40 million", "diplomatic"),  # the first word of a kind decides
    ("military", "send an emergency team and 500,000 doses of oral vaccine", "humanitarian"),
    ("humanitarian", "demanded that the government index public sector pay to inflation", "economic"),
    ("sanctions", "Offered 5% pay increase over two years plus one-off payment of 1,000 euros", "economic"),
    ("sanctions", "offer a phased plan that the port authority rejected on Monday evening", "other"),
    ("military", "Order evacuation of three communities in northern Saskatchewan", "humanitarian"),
    # right as filed: kept
    ("sanctions", "Calls for new EU sanctions", "sanctions"),
    ("military", "Respond with concrete actions to the deployment of North Korean troops in Russia", "military"),
    ("diplomatic", "Deeper defence-industry cooperation with Japan and South Korea", "diplomatic"),
    ("economic", "Offered a rise of 3 per cent", "economic"),
    ("other", "Designate the port an essential service", "other"),
])
def test_a_kind_stands_where_the_action_has_a_word_of_it(kind: str, action: str, shown: str) -> None:
    assert judge_kind(kind, action, "") == shown


def test_the_evidence_may_hold_the_word_of_a_terse_action() -> None:
    evidence = "Finland called for new EU sanctions against Moscow on Tuesday."
    assert judge_kind("sanctions", "take further measures", evidence) == "sanctions"
    assert judge_kind("sanctions", "take further measures", "Finland said so on Tuesday.") == "other"
    # a word of another kind in the evidence does not decide: the action's own words do
    assert judge_kind("military", "take further measures", evidence) == "other"


def test_the_brief_shows_the_kind_its_action_gives_and_reports_the_models() -> None:
    record = json.loads((ROOT / "tests" / "real_answers" / "harbour_strike.json").read_text(encoding="utf-8"))
    draft, lost = salvage(record["answer"])
    text = from_text((ROOT / record["article"]).read_text(encoding="utf-8")).text
    g = ground(draft, text, dropped=lost)
    shown = {r.action[:24]: r.kind for r in g.proposed_responses}
    assert shown["call on both sides to ac"] == "diplomatic"  # the model said "military"
    assert shown["urge the government to d"] == "other"  # the model said "humanitarian"
    reported = {d.text: d.reasons for d in g.dropped if d.item.endswith(".kind")}
    assert reported["urge the government to designate the port an essential service, which would limit future "
                    "strikes: humanitarian"] == ["a kind its action does not show (shown as other)"]
    # a brief in another language than the article: the English words say nothing, the model's kind stays
    other = ground(draft, text, dropped=lost, names_in_prose=False)
    assert {r.action[:24]: r.kind for r in other.proposed_responses}["urge the government to d"] == "humanitarian"
    assert not any(d.item.endswith(".kind") for d in other.dropped)


def test_a_corrected_field_is_not_counted_as_a_removed_item() -> None:
    """The brief's footer, the eval's counts: a name, status or kind shown as the article gives it belongs to
    a kept item; only whole items count as removed."""
    import asyncio

    from summarizer.eval_score import References, score
    from summarizer.llm import LLM
    from summarizer.pipeline import Summarizer
    from summarizer.render import to_markdown
    from summarizer.testing import FakeModel, fake_async_client

    record = json.loads((ROOT / "tests" / "real_answers" / "harbour_strike.json").read_text(encoding="utf-8"))

    async def brief():  # type: ignore[no-untyped-def]
        s = Summarizer(LLM(fake_async_client(FakeModel(record["answer"])), model="fake-model"), cache=None, reasks=0)
        try:
            return await s.abrief((ROOT / record["article"]).read_text(encoding="utf-8"))
        finally:
            await s.aclose()

    b = asyncio.run(brief())
    dropped = b.provenance.dropped
    gone = [d.item for d in dropped if not d.corrected]
    fixed = [d.item for d in dropped if d.corrected]
    assert set(gone) == {"proposed_responses[3]"}
    # ("who[0].name": the union given its general secretary's title is shown as her, Elena Maris)
    assert {"who[0].name", "who[1].name", "who[2].name", "proposed_responses[2].proposed_by",
            "proposed_responses[2].kind"} <= set(fixed)
    footer = to_markdown(b).rstrip().splitlines()[-1]
    assert f"{len(gone)} item{'s' if len(gone) != 1 else ''} removed as unsupported" in footer
    assert f"{len(fixed)} fields corrected to the article" in footer
    row = score("harbour_strike", "fake-model", b, References())
    assert (row.kept, row.dropped) == (12, 1)  # kept 12 of 13 items, not 12 of 24
