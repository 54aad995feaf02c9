"""Titles. An office whose qualifier was swapped ("foreign minister" for the fisheries minister, "Mayor of Carrow" for
Brennick's mayor) is refused; the same office shortened, generalised or told with the article's qualifiers is
kept (`schemas.titles`); a title in another of its forms ("head" for "president", "CEO" for "chief executive")
and a rank between a title and a name ("spokeswoman Commander Elin Strand") are read as the holder's
(`schemas.roles`). Found by the held-out probes: each lie uses only words the article has."""

from __future__ import annotations

import pytest

from summarizer.schemas import ground
from summarizer.sources import from_text
from tests.test_reworded_lies import _with

ARTICLE = from_text(
    "Fishing row deepens\n\n"
    "Estmark's fisheries minister, Ingrid Halvorsen, rejected the offer on Monday. Foreign Minister Tomas "
    "Berglund said he had told Ambassador Piet Vandermeer that the crew had fished without a licence.\n\n"
    "Last week Norvania's fisheries minister, Lukas Renner, offered a compensation plan worth 12 million euros "
    "over three years for boats affected by the reduction in quotas.\n\n"
    "In Carrow, traders said the port had lost half its catch. Brennick Mayor Tomas Albescu proposed a joint "
    "patrol of the disputed waters with the coast guard.\n\n"
    "Opposition lawmakers demanded that the national infrastructure minister, Rui Calado, explain why the "
    "transport committee had not been told of the plan. Finance Minister Sara Lind said the budget had no room "
    "for new spending this year.\n\n"
    "Foreign Minister Tomas Berglund said the trawler had fished in Estmark's waters without a licence, a charge "
    "denied by Ambassador Piet Vandermeer.\n\n"
    "Coast guard spokeswoman Commander Elin Strand said the vessel had 23 crew members on board.\n\n"
    "Arne Solvik, president of the Estmark Fishermen's Federation, called on the government to set up an "
    "emergency fund.\n\n"
    "“We cannot keep two half-staffed emergency departments,” said Anton Weil, the health authority's chief "
    "executive.\n"
).text


def _kept(name: str, role: str) -> bool:
    grounded = ground(_with(who=[{"name": name, "role": role, "evidence": [name]}]), ARTICLE)
    return not grounded.dropped


@pytest.mark.parametrize(("name", "role"), [
    ("Ingrid Halvorsen", "Estmark's fisheries minister"),
    ("Ingrid Halvorsen", "fisheries minister"),
    ("Ingrid Halvorsen", "minister"),  # the qualifier left out
    ("Lukas Renner", "Norvania's fisheries minister"),
    ("Lukas Renner", "fisheries minister of Norvania"),
    ("Tomas Albescu", "Mayor of Brennick"),
    ("Tomas Albescu", "Brennick mayor"),
    ("Rui Calado", "infrastructure minister"),
    ("Rui Calado", "national infrastructure minister"),
    ("Sara Lind", "government minister"),  # a kind of body says no more than the office
    ("Tomas Berglund", "Foreign Minister"),
    # the title right before the name holds it, though the role's country stands beside another name too
    ("Tomas Berglund", "Estmark foreign minister"),
    ("Elin Strand", "coast guard spokeswoman"),  # a rank between the title and the name is no other person
    ("Arne Solvik", "head of the fishermen's federation"),  # "head" for the article's "president"
    ("Anton Weil", "CEO of the health authority"),  # "CEO" for "chief executive"
])
def test_the_office_as_the_article_qualifies_it_is_kept(name: str, role: str) -> None:
    assert _kept(name, role)


@pytest.mark.parametrize(("name", "role"), [
    ("Ingrid Halvorsen", "Estmark's foreign minister"),  # Berglund's portfolio
    ("Ingrid Halvorsen", "foreign minister"),
    ("Lukas Renner", "Estmark's fisheries minister"),  # Halvorsen's country
    ("Tomas Albescu", "Mayor of Carrow"),  # the other town
    ("Rui Calado", "national transport minister"),
    ("Sara Lind", "Fisheries Minister"),
    ("Piet Vandermeer", "Estmark foreign minister"),  # Berglund's title
    ("Anton Weil", "CEO of the fishermen's federation"),
    ("Elin Strand", "president of the fishermen's federation"),  # Solvik's
])
def test_the_office_with_another_qualifier_is_refused(name: str, role: str) -> None:
    assert not _kept(name, role)


def _proposal(proposer: str, action: str) -> dict:
    return {"proposed_by": proposer, "action": action, "kind": "economic", "status": "called_for",
            "evidence": ["called on the government to set up an emergency fund"]}


@pytest.mark.parametrize("proposer", ["Arne Solvik (Estmark Fishermen's Federation)", "Arne Solvik (fishermen)",
                                      "Arne Solvik MP", "Arne Solvik, MEP"])
def test_a_proposer_with_a_note_after_the_name_is_shown_as_the_name(proposer: str) -> None:
    grounded = ground(_with(proposed=[_proposal(proposer, "set up an emergency fund")]), ARTICLE)
    assert [p.proposed_by for p in grounded.proposed_responses] == ["Arne Solvik"]
    assert [d.item for d in grounded.dropped] == ["proposed_responses[0].proposed_by"]
    assert "not judged" in grounded.dropped[0].reasons[0]
    # the note is not judged, so it is nowhere in what a reader sees
    shown = [(p.proposed_by, p.action, [e.quote for e in p.evidence]) for p in grounded.proposed_responses]
    assert proposer not in repr(shown)


def test_a_note_does_not_save_the_wrong_proposer() -> None:
    grounded = ground(_with(proposed=[_proposal("Elin Strand (coast guard)", "set up an emergency fund")]), ARTICLE)
    assert grounded.proposed_responses == []


def test_a_short_title_and_a_shortened_body_are_read_as_the_articles() -> None:
    text = ARTICLE + ("\n\nProfessor Anders Kjelby, rector of Brenvik Technical University, offered to reduce "
                      "administrative spending.\n")
    draft = _with(who=[{"name": "Prof. Anders Kjelby", "role": "rector, Brenvik Technical Univ.",
                        "evidence": ["Professor Anders Kjelby, rector of Brenvik Technical University"]}])
    grounded = ground(draft, text)
    assert [a.name for a in grounded.who] == ["Anders Kjelby"]
    assert "a note before a name" in grounded.dropped[0].reasons[0]
    # the shortened word reads as the article's, the rest of the role must be its too: no "Maritime" there
    lie = _with(who=[{"name": "Anders Kjelby", "role": "rector, Brenvik Maritime Univ.",
                      "evidence": ["Professor Anders Kjelby, rector of Brenvik Technical University"]}])
    assert ground(lie, text).who == []


def test_a_title_between_commas_after_a_name_is_a_note_but_a_second_name_is_not() -> None:
    noted = _with(proposed=[_proposal("Arne Solvik, president of the fishermen", "set up an emergency fund")])
    grounded = ground(noted, ARTICLE)
    assert [p.proposed_by for p in grounded.proposed_responses] == ["Arne Solvik"]
    # "Solvik, Halvorsen" names two people, each of whom must be named where it is proposed
    joint = _with(proposed=[_proposal("Arne Solvik, Ingrid Halvorsen", "set up an emergency fund")])
    assert ground(joint, ARTICLE).proposed_responses == []


def _actors(name: str, role: str) -> tuple[list[tuple[str, str]], list[str]]:
    grounded = ground(_with(who=[{"name": name, "role": role, "evidence": [name]}]), ARTICLE)
    return [(a.name, a.role) for a in grounded.who], [r for d in grounded.dropped for r in d.reasons]


def test_a_body_given_its_officers_title_is_that_officer() -> None:
    """The local model's harbour brief gave "Valmora Dockworkers' Union" the role "general secretary", the title
    of Elena Maris, whom the article names with it: the actor is Elena Maris, with the title as the article
    writes it, and the renaming is reported."""
    who, reasons = _actors("Estmark Fishermen's Federation", "president")
    assert who == [("Arne Solvik", "president of the Estmark Fishermen's Federation")]
    assert reasons == ["a body given its officer's title (shown as Arne Solvik, president of the Estmark "
                       "Fishermen's Federation)"]
    # a title nobody holds there, or the title of another body's officer, is still refused
    assert _actors("Estmark Fishermen's Federation", "chief executive")[0] == []
    assert _actors("Estmark Fishermen's Federation", "spokeswoman")[0] == []


def test_the_officer_is_read_on_the_titles_own_line() -> None:
    from summarizer.schemas.roles import officer_of

    text = "By VRT News\nElena Maris, general secretary of the Valmora Dockworkers’ Union, said no."
    assert officer_of("Valmora Dockworkers' Union", "general secretary", text) == (
        "Elena Maris", "general secretary of the Valmora Dockworkers’ Union")
    assert officer_of("Valmora Port Authority", "chief executive",
                      "Valmora Port Authority chief executive Tomas Lindqvist said no.") == (
        "Tomas Lindqvist", "Valmora Port Authority chief executive")
    # no body, or no person's title
    assert officer_of("Elena Maris", "general secretary", text) is None
    assert officer_of("Valmora Dockworkers' Union", "union", text) is None
