"""What the article only allows or caps, stated as done: "has been fined 250,000 euros" over "faces a fine of up
to 250,000 euros", "have been allowed to return home" over "would be allowed to return home once ...". Each
lie is refused and the same item told with its hedge is kept (`schemas.done`); so is a figure given the unit of
the number beside it ("23 tonnes" over "23 crew members and roughly 40 tonnes", `schemas.units`). Found by the
held-out probes."""

from __future__ import annotations

import pytest

from summarizer.schemas import ground
from summarizer.sources import from_text
from tests.test_reworded_lies import _figure_kept, _with

ARTICLE = from_text(
    "Trawler seized in disputed waters\n\n"
    "The coast guard seized the trawler Margarethe II on Wednesday. It was escorted to the port of Skarvik, "
    "where its skipper faces a fine of up to 250,000 euros.\n\n"
    "Strand said the crew of the Margarethe II would be allowed to return home once the skipper had appeared "
    "before a magistrate, which is expected on Friday.\n\n"
    "Officials said as many as 40 boats had fished in the zone this year. The ministry said the patrol could "
    "have been avoided if talks had not stalled in May.\n"
).text


def _kept(point: str) -> bool:
    return not ground(_with([{"point": point, "evidence": ["The coast guard seized the trawler"]}]), ARTICLE).dropped


@pytest.mark.parametrize(("truth", "lie"), [
    ("The skipper of the Margarethe II faces a fine of up to 250,000 euros.",
     "The skipper of the Margarethe II has been fined 250,000 euros."),
    ("The skipper could be fined 250,000 euros.", "The skipper was fined 250,000 euros in Skarvik."),
    ("The crew of the Margarethe II would be allowed to return home once the skipper had appeared before a "
     "magistrate.",
     "The crew of the Margarethe II have already been allowed to return home after the skipper appeared before "
     "a magistrate."),
    ("The ministry said the patrol could have been avoided if talks had not stalled.",
     "The ministry said the patrol was avoided after talks stalled."),
])
def test_a_hedge_kept_is_kept_and_a_hedge_dropped_is_refused(truth: str, lie: str) -> None:
    assert _kept(truth)
    assert not _kept(lie)


def test_a_ceiling_the_article_also_states_as_an_amount_is_no_lie() -> None:
    text = ARTICLE + "\n\nOn Thursday a court in Skarvik fined the skipper 250,000 euros.\n"
    draft = _with([{"point": "The skipper was fined 250,000 euros.", "evidence": ["fined the skipper 250,000 euros"]}])
    assert not ground(draft, text).dropped


def test_a_unit_taken_from_the_number_beside_it_is_refused() -> None:
    from summarizer.schemas.units import changed_unit

    passage = ["Strand said the vessel had 23 crew members and roughly 40 tonnes of mackerel on board."]
    assert changed_unit("23 tonnes of mackerel on board", passage)
    assert not changed_unit("40 tonnes of mackerel on board", passage)
    assert not changed_unit("23 crew members on board", passage)
    assert changed_unit("15 billion euros a day", ["The closure costs €15 million a day."])
    assert not changed_unit("15 million euros a day", ["The closure costs €15 million a day."])


def test_a_figure_with_the_unit_of_its_neighbour_is_not_shown() -> None:
    text = ARTICLE + "\n\nStrand said the vessel had 23 crew members and roughly 40 tonnes of mackerel on board.\n"
    quote = "the vessel had 23 crew members and roughly 40 tonnes of mackerel on board"
    lie = _with(figures=[{"value": "23 tonnes", "label": "mackerel on board the Margarethe II", "evidence": [quote]}])
    truth = _with(figures=[{"value": "40 tonnes", "label": "mackerel on board the Margarethe II", "evidence": [quote]}])
    assert ground(lie, text).dropped
    assert not ground(truth, text).dropped


FIRE = from_text(
    "Chemical plant fire forces evacuation\n\n"
    "The blaze broke out shortly after 2am on Tuesday in a solvent warehouse at the Kessling Works, operated by "
    "Varnholt Chemie. About 4,200 residents were evacuated and police sealed off a radius of 3 kilometres around "
    "the plant.\n\n"
    "The environment agency said the company could face a fine of up to €2 million if breaches of its permit were "
    "found. Shares in Varnholt Chemie fell 6.3 percent on Tuesday.\n"
).text


@pytest.mark.parametrize(("value", "label", "kept"), [
    ("3 kilometres", "radius of the cordon around the plant", True),
    ("3 miles", "radius of the cordon around the plant", False),  # no mile anywhere: not "three" of anything else
    ("4.2 thousand", "residents evacuated", True),  # a scale written out
    ("up to €2 million", "possible fine for the company if breaches are found", True),
    ("€2 million", "fine imposed on Varnholt Chemie by the environment agency", False),  # a ceiling, and no "2am"
    ("6.3 percent", "fall in Varnholt Chemie's share price on Tuesday", True),
    ("6.3 percent", "rise in Varnholt Chemie's share price on Tuesday", False),
])
def test_a_figure_keeps_its_unit_its_ceiling_and_its_direction(value: str, label: str, kept: bool) -> None:
    assert _figure_kept(value, label, "Varnholt Chemie", FIRE) is kept


def test_the_hour_of_the_day_is_a_unit() -> None:
    quote = "The blaze broke out shortly after 2am on Tuesday"
    truth = _with(what={"summary": "The blaze broke out shortly after 2am on Tuesday.", "evidence": [quote]})
    lie = _with(what={"summary": "The blaze broke out shortly after 2pm on Tuesday.", "evidence": [quote]})
    assert ground(truth, FIRE).what is not None
    assert ground(lie, FIRE).what is None


SPILL = from_text(
    "Solvent spill in the River Vell\n\n"
    "About 180,000 litres of a toxic industrial solvent poured into the River Vell from a chemical factory near "
    "Harrowby late on Sunday.\n\n"
    "Under environmental law, the company could face a fine of up to £2.5 million, and its directors could be "
    "prosecuted individually. Populations of trout and grayling could take five to seven years to recover, a "
    "professor of freshwater ecology said.\n"
).text


@pytest.mark.parametrize(("value", "label", "kept"), [
    ("180,000 litres", "solvent that poured into the River Vell", True),
    ("180,000 tonnes", "solvent that poured into the River Vell", False),  # another kind of measure
    ("five to seven years", "time trout and grayling populations could take to recover", True),
    ("five to seven months", "time trout and grayling populations could take to recover", False),
    ("£2.5 million", "maximum fine the company could face", True),
    ("£2.5 million", "minimum fine the company faces", False),  # a ceiling called a floor
])
def test_a_figure_keeps_its_kind_of_measure_its_span_and_its_ceiling(value: str, label: str, kept: bool) -> None:
    assert _figure_kept(value, label, "the River Vell", SPILL) is kept
