"""A claim that is the article's own sentence, word for word, is supported without the tests that look for a
changed word (`Passages._verbatim`), and prose that stands in the article word for word has nothing for the
prose checks to find (`QuoteSearch.verbatim`). Small models copy whole sentences: these shortcuts are most of
what the gate saves on their drafts, and a copied sentence must never be refused by a test meant for edits."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarizer.schemas import ground
from summarizer.schemas.text import locator
from summarizer.sources import from_text
from tests.test_reworded_lies import _with

DROUGHT = from_text((Path(__file__).parent / "articles" / "drought_rationing.txt").read_text(encoding="utf-8")).text
RIBAS = '"We are not facing a dry spell, we are facing a new climate," Ribas told a news conference.'


def _dropped(point: str) -> list[str]:
    # (its evidence a true sentence about something else: the gate must find the claim's own)
    elsewhere = "Rainfall in the basin has been below average for four years in a row"
    return [d.item for d in ground(_with([{"point": point, "evidence": [elsewhere]}]), DROUGHT).dropped]


def test_a_copied_sentence_with_a_negation_is_kept() -> None:
    # before the shortcut the test for an undone negation refused it: "we are facing a dry spell" in it
    assert RIBAS in DROUGHT
    assert _dropped(RIBAS) == []
    assert _dropped(RIBAS.replace('"', "“", 1).replace('"', "”", 1).rstrip(".")) == []  # curly quotes, no stop


@pytest.mark.parametrize("lie", [
    RIBAS.replace("are not facing", "are facing"),  # the negation dropped
    RIBAS.replace("Ribas", "Serra"),  # another speaker
    RIBAS.replace("a new climate", "a new climate, and rationing will end in May"),  # something added
])
def test_a_sentence_changed_from_the_article_is_judged_as_before(lie: str) -> None:
    assert _dropped(lie) == ["background[0]"]


@pytest.mark.parametrize(("text", "verbatim"), [
    ("we are facing a NEW climate", True),  # case and typography do not matter
    ("facing a dry spell,", True),
    ("Ribas told a news conference.", True),
    ("are facing a new", True),
    ("re facing a new", False),  # not where a word begins
    ("facing a new clim", False),  # nor where one ends
    ("Ribas told a news conference about", False),
    ("", False),
])
def test_verbatim_text_begins_and_ends_with_the_articles_words(text: str, verbatim: bool) -> None:
    assert locator(DROUGHT).verbatim(text) is verbatim


def test_a_number_inside_a_longer_number_is_not_verbatim() -> None:
    loc = locator("The line carries 1,300 passengers on a 300-metre stretch near Calado's farm, 5.25% of all.")
    assert not loc.verbatim("300 passengers")  # "1,300"
    assert not loc.verbatim("metre stretch")  # "300-metre"
    assert not loc.verbatim("s farm")  # "Calado's"
    assert not loc.verbatim("5")  # "5.25%"
    assert loc.verbatim("1,300 passengers") and loc.verbatim("300-metre stretch") and loc.verbatim("5.25%")
