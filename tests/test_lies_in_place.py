"""A lying model that keeps every word of a sentence but a few: an opposite, another number or span of time,
a hedge made a certainty; and claims credited, labelled or given a role the article gives elsewhere. Each lie
beside the true claim it was made from, which must still pass (`schemas.contrary`, `schemas.judges`,
`schemas.roles`)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from summarizer.schemas import ground
from summarizer.sources import from_text
from tests.test_reworded_lies import ARTICLES, _bank, _proposal, _with


def _ferry() -> str:
    return from_text((ARTICLES / "ferry_strike.txt").read_text(encoding="utf-8")).text


def _harbour() -> str:
    return from_text((ARTICLES / "harbour_strike.txt").read_text(encoding="utf-8")).text


LAWSUIT = (
    "Riverton sues its water company\n\n"
    "Riverton City Council on Monday filed a lawsuit against Clearbrook Water Services, accusing the private "
    "utility of failing to warn residents for nine days after tests found lead levels above the legal limit.\n\n"
    "Tests taken on March 3 found lead at 28 micrograms per litre in samples from two schools, nearly three "
    "times the legal limit.\n\n"
    "Clearbrook said it would contest the claim.\n"
)


@pytest.mark.parametrize(("article", "lie", "truth", "quote"), [
    # an opposite in place of the word, every other word the sentence's own
    (_bank, "The seven-member board voted 5-2 against the increase.", "The seven-member board voted 5-2 for the increase.",
     "The seven-member board voted 5-2 for the increase"),
    (_bank, "Raising rates into a supply shock is the right medicine.", "Raising rates into a supply shock is the wrong medicine.",
     "Raising rates into a supply shock is the wrong medicine"),
    (_bank, "Deputy Governor Pavel Šimek voted for the hike.", "Deputy Governor Pavel Šimek voted against the hike.",
     "Deputy Governor Pavel Šimek, one of the two board members who voted against the hike"),
    # "ended" over "began", where the sentence itself goes on to "halting" the loading
    (_harbour, "Dock workers at the Port of Valmora ended a 72-hour strike on Tuesday after talks with the port "
               "authority over the introduction of automated cranes broke down.",
     "Dock workers at the Port of Valmora began a 72-hour strike on Tuesday after talks with the port authority over "
     "the introduction of automated cranes broke down.",
     "Dock workers at the Port of Valmora began a 72-hour strike on Tuesday"),
    # another number, or another span of time, in the same place
    (_ferry, "The last ferry strike on the route, in 2017, lasted five weeks.",
     "The last ferry strike on the route, in 2017, lasted five days.", "The last ferry strike on the route, in 2017, lasted five days"),
    (_ferry, "The island's shop said it had enough food for four weeks.", "The island's shop said it had enough food for four days.",
     "The island's shop said it had enough food for four days"),
    (_harbour, "Shipping companies warned that the strike could cost the regional economy €15 million a week.",
     "Shipping companies warned that the strike could cost the regional economy €15 million a day.",
     "Shipping companies warned that the strike could cost the regional economy €15 million a day"),
    (lambda: LAWSUIT, "Clearbrook failed to warn residents for three days.", "Clearbrook failed to warn residents for nine days.",
     "accusing the private utility of failing to warn residents for nine days"),
    (_harbour, "Kovac said the fund is off the table if both sides sign up to it.",
     "Kovac said the fund is on the table if both sides sign up to it.", "The fund is on the table if both sides sign up to it"),
    # numbers between the same words, in another order
    (_bank, "The opposition Civic Democrats proposed a temporary cut in VAT on food from 5% to 12%.",
     "The opposition Civic Democrats proposed a temporary cut in VAT on food from 12% to 5%.",
     "The opposition Civic Democrats proposed a temporary cut in VAT on food from 12% to 5%"),
    # a number spelled out that its passage does not hold, whichever passage is sought
    (lambda: LAWSUIT, "Lead was found at nearly four times the legal limit.", "Lead was found at nearly three times the legal limit.",
     "after tests found lead levels above the legal limit"),
    # who sued whom, with the day between the parties on both sides
    (lambda: LAWSUIT, "Clearbrook Water Services on Monday filed a lawsuit against Riverton City Council.",
     "Riverton City Council on Monday filed a lawsuit against Clearbrook Water Services.",
     "Riverton City Council on Monday filed a lawsuit against Clearbrook Water Services"),
])
def test_a_word_put_in_place_of_its_opposite_is_refused_and_the_sentence_itself_kept(
        article: Callable[[], str], lie: str, truth: str, quote: str) -> None:
    text = article()
    for claim, kept in ((lie, False), (truth, True)):
        g = ground(_with([{"point": claim, "evidence": [quote]}]), text)
        assert bool(g.background) is kept, (claim, g.dropped)


@pytest.mark.parametrize("claim", [
    "The seven-member board voted 5-2 in favour of the increase.",  # other words, the same way
    "In 2017 the last ferry strike on the route lasted five days.",
    "The last ferry strike on the route lasted five days in 2017.",
])
def test_the_same_thing_in_other_words_is_not_an_opposite(claim: str) -> None:
    text = _bank() if "board" in claim else _ferry()
    g = ground(_with([{"point": claim, "evidence": ["-"]}]), text)
    assert g.background, g.dropped


@pytest.mark.parametrize(("proposer", "kept"), [("The Chamber of Commerce", True), ("the government", False)])
def test_who_is_urged_to_act_is_not_who_proposed_it(proposer: str, kept: bool) -> None:
    # "urged the government to designate ...": "urged" is a speech verb, but the government is the one asked
    draft = _proposal(proposer, "designate the port an essential service",
                      "The Chamber of Commerce urged the government to designate the port an essential service")
    g = ground(draft, _harbour())
    assert bool(g.proposed_responses) is kept, g.dropped


@pytest.mark.parametrize(("value", "label", "kept"), [
    ("€40 million", "retraining fund", True),
    ("€310 million", "investment in automated cranes", True),
    ("€40 million", "investment in automated cranes", False),  # the other sum's label: only "million" is shared
])
def test_a_figure_is_not_labelled_by_its_own_million(value: str, label: str, kept: bool) -> None:
    figure = {"value": value, "label": label, "evidence": [
        "proposed a state-backed retraining fund of €40 million"]}
    g = ground(_with(figures=[figure]), _harbour())
    assert bool(g.key_figures) is kept, g.dropped


@pytest.mark.parametrize(("role", "kept"), [("regional transport minister", True), ("mediator", False)])
def test_a_doer_is_not_read_into_the_act(role: str, kept: bool) -> None:
    # her paragraph has "accept mediation by the national labour council": nobody there is a mediator
    g = ground(_with(who=[{"name": "Ana Kovac", "role": role, "evidence": [
        "The regional transport minister, Ana Kovac, called on both sides to accept mediation"]}]), _harbour())
    assert bool(g.who) is kept, g.dropped


@pytest.mark.parametrize(("label", "kept"), [("length of the strike", True), ("length of the June warning strike", False)])
def test_a_day_or_month_in_a_figures_label_must_stand_in_its_passage(label: str, kept: bool) -> None:
    figure = {"value": "72 hours", "label": label, "evidence": [
        "Dock workers at the Port of Valmora began a 72-hour strike on Tuesday"]}
    g = ground(_with(figures=[figure]), _harbour())
    assert bool(g.key_figures) is kept, g.dropped


def test_staying_put_is_not_moving() -> None:
    quote = "Eleven of 18 analysts polled by Reuters last week had expected rates to stay on hold"
    for claim, kept in (("Eleven of 18 analysts polled by Reuters had expected rates to rise.", False),
                        ("Eleven of 18 analysts polled by Reuters had expected rates to stay on hold.", True)):
        g = ground(_with([{"point": claim, "evidence": [quote]}]), _bank())
        assert bool(g.background) is kept, (claim, g.dropped)


@pytest.mark.parametrize(("label", "kept"), [("daily cost to the regional economy", True),
                                             ("cost of the retraining fund", False)])
def test_a_figure_does_not_take_another_figures_label(label: str, kept: bool) -> None:
    # "retraining fund" stands with its own €40 million in Kovac's sentence
    figure = {"value": "€15 million", "label": label, "evidence": [
        "Shipping companies warned that the strike could cost the regional economy €15 million a day"]}
    g = ground(_with(figures=[figure]), _harbour())
    assert bool(g.key_figures) is kept, g.dropped


@pytest.mark.parametrize(("action", "kept"), [("mediation should start this week", True),
                                              ("mediation should start next month", False)])
def test_what_the_sentence_adds_after_the_claim_edits_nothing_of_it(action: str, kept: bool) -> None:
    # "Mediation should start this week, not next month.": the "not" is the sentence's own contrast
    draft = _proposal("Ana Kovac", action, "“Mediation should start this week, not next month.")
    g = ground(draft, _harbour())
    assert bool(g.proposed_responses) is kept, g.dropped


RESIDENTS = (
    "Residents demand answers\n\n"
    "The local branch of the Riverton Residents' Association said it would organise a protest outside "
    "Clearbrook's headquarters on Saturday. Its chair, Tomasz Wieczorek, said residents wanted an apology and free "
    "water filters for every affected household.\n\n"
    "Clearbrook said it had acted as soon as the results were confirmed.\n"
)


@pytest.mark.parametrize(("proposer", "action", "kept"), [
    ("Tomasz Wieczorek", "an apology and free water filters for every affected household", True),  # a demand
    ("Riverton Residents' Association", "organise a protest outside Clearbrook's headquarters on Saturday", True),
])
def test_a_demand_or_an_announced_action_is_a_proposal(proposer: str, action: str, kept: bool) -> None:
    quote = ("Its chair, Tomasz Wieczorek, said residents wanted an apology" if "apology" in action
             else "said it would organise a protest outside Clearbrook's headquarters on Saturday")
    g = ground(_proposal(proposer, action, quote), RESIDENTS)
    assert bool(g.proposed_responses) is kept, g.dropped


OWNERSHIP = (
    "Council weighs the water network's future\n\n"
    "Opposition councillor Grace Mbeki proposed that the city take the water network back into public ownership "
    "when Clearbrook's contract expires in 2028. Mayor Priya Natarajan said she would not rule out that option.\n"
)


@pytest.mark.parametrize(("proposer", "kept"), [("Grace Mbeki", True), ("Priya Natarajan", False)])
def test_a_proposal_is_not_credited_to_someone_else_its_paragraph_names(proposer: str, kept: bool) -> None:
    g = ground(_proposal(proposer, "take the water network back into public ownership",
                         "proposed that the city take the water network back into public ownership"), OWNERSHIP)
    assert bool(g.proposed_responses) is kept, g.dropped


def test_a_hedge_is_not_made_a_certainty() -> None:
    text = ("Boil notice to stay\n\nClearbrook said it was flushing the affected mains and expected to lift the "
            "boil-water notice by next Wednesday, though it gave no firm date.\n")
    quote = "expected to lift the boil-water notice by next Wednesday"
    for claim, kept in (("Clearbrook will lift the boil-water notice next Wednesday.", False),
                        ("Clearbrook expected to lift the boil-water notice by next Wednesday.", True)):
        g = ground(_with([{"point": claim, "evidence": [quote]}]), text)
        assert bool(g.background) is kept, (claim, g.dropped)


REGULATOR = (
    "Regulator opens inquiry\n\n"
    "The national drinking water regulator, the Water Quality Authority, said it had opened an investigation into "
    "the timing of Clearbrook's notification. A spokesperson for the authority, Helen Brandt, said the investigation "
    "would take at least six weeks.\n"
)


@pytest.mark.parametrize("role", ["spokesperson for the Water Quality Authority", "Water Quality Authority spokesperson"])
def test_a_role_naming_its_body_is_given_where_the_body_is_named_by_its_last_word(role: str) -> None:
    g = ground(_with(who=[{"name": "Helen Brandt", "role": role, "evidence": [
        "A spokesperson for the authority, Helen Brandt"]}]), REGULATOR)
    assert g.who, g.dropped


def test_a_body_named_in_a_role_does_not_make_it_the_holders() -> None:
    g = ground(_with(who=[{"name": "Ana Kovac", "role": "Chamber of Commerce president", "evidence": [
        "The regional transport minister, Ana Kovac"]}]), _harbour())
    assert not g.who, g.who


@pytest.mark.parametrize(("role", "kept"), [("minister of regional transport", True),
                                            ("head of the national labour council", False)])
def test_a_title_of_a_body_must_stand_where_the_holder_is_named(role: str, kept: bool) -> None:
    # her sentence has "mediation by the national labour council": the council's words, not its head
    g = ground(_with(who=[{"name": "Ana Kovac", "role": role, "evidence": [
        "The regional transport minister, Ana Kovac, called on both sides to accept mediation"]}]), _harbour())
    assert bool(g.who) is kept, g.dropped
