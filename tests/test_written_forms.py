"""True items a model writes in its own forms: numbers rewritten ("€2,400,000" for "2.4 million euros",
"twenty-three" for "23"), currency codes, initials, a proposal made by two people. Each must be kept, and
the same item with its amount or its people changed must still be refused (`schemas.amounts`,
`schemas.initials`, `judges.joint_names`). Found by the held-out probes of session 26."""

from __future__ import annotations

import pytest

from summarizer.schemas import ground
from summarizer.schemas.amounts import written_values
from summarizer.sources import from_text
from tests.test_reworded_lies import _proposal, _with

CLINIC = from_text(
    "Valley clinic to close\n\n"
    "The authority has agreed to station two additional ambulances in Brennick around the clock from January, "
    "at a cost of 2.4 million euros a year, Weil said.\n\n"
    "Marlowe's emergency department, which treated 31,400 patients last year, would close on April 1 next year.\n\n"
    "The Brennick Patients' Alliance said a survey of 1,200 residents found that 62 percent opposed the merger.\n\n"
    "Coast guard spokeswoman Commander Elin Strand said the vessel had 23 crew members on board.\n\n"
    "Brennick Mayor Tomas Albescu proposed that a 24-hour urgent care centre be kept on the site, staffed by "
    "general practitioners and nurses.\n\n"
    "Arne Solvik, president of the fishermen's federation, called on the government to set up a "
    "30-million-euro emergency fund.\n\n"
    "Berglund said he and his counterpart, Henrik Vos, had agreed to set up a joint coast guard patrol.\n\n"
    "In the regional assembly, Owen Dalgarno tabled a motion to suspend the merger for two years.\n"
).text


def _kept(draft) -> bool:  # noqa: ANN001
    grounded = ground(draft, CLINIC)
    return not grounded.dropped


def _figure(value: str, label: str, quote: str):  # noqa: ANN202
    return _with(figures=[{"value": value, "label": label, "evidence": [quote]}])


def test_a_number_is_read_with_its_scale_and_its_words() -> None:
    values = dict(written_values("€2,400,000 or 2.4 million or €2.4m, 31.4 thousand, twenty-three, twelve hundred, "
                                 "a 30-million-euro fund, 24/7, 1,234.5"))
    assert values == {"2,400,000": "2400000", "2.4 million": "2400000", "2.4m": "2400000", "31.4 thousand": "31400",
                      "twenty-three": "23", "twelve hundred": "1200", "30-million": "30000000", "1,234.5": "1234.5"}


@pytest.mark.parametrize(("value", "lie_value", "label", "quote"), [
    ("€2,400,000 per year", "€2,500,000 per year", "cost of the extra ambulances",
     "at a cost of 2.4 million euros a year, Weil said"),
    ("twenty-three", "twenty-four", "crew members on the vessel", "the vessel had 23 crew members on board"),
    ("31.4 thousand", "41.4 thousand", "patients treated by the emergency department last year",
     "which treated 31,400 patients last year"),
])
def test_a_figure_in_another_form_is_kept_and_another_amount_refused(value: str, lie_value: str, label: str,
                                                                      quote: str) -> None:
    assert _kept(_figure(value, label, quote))
    assert not _kept(_figure(lie_value, label, quote))


@pytest.mark.parametrize(("truth", "lie", "quote"), [
    ("A poll of twelve hundred residents found sixty-two per cent against the merger.",
     "A poll of fourteen hundred residents found sixty-two per cent against the merger.",
     "a survey of 1,200 residents found that 62 percent opposed the merger"),
    ("The emergency department saw 31.4 thousand patients last year.",
     "The emergency department saw 13.4 thousand patients last year.", "which treated 31,400 patients last year"),
    ("The authority will station two extra ambulances in Brennick 24/7 from January.",
     "The authority will station two extra ambulances in Brennick 24/7 from January at a cost of 4 million euros.",
     "The authority has agreed to station two additional ambulances in Brennick around the clock from January"),
])
def test_a_point_with_its_numbers_rewritten_is_kept(truth: str, lie: str, quote: str) -> None:
    assert _kept(_with([{"point": truth, "evidence": [quote]}]))
    assert not _kept(_with([{"point": lie, "evidence": [quote]}]))


def test_initials_and_currency_codes_are_no_invented_names() -> None:
    quote = "Brennick Mayor Tomas Albescu proposed that a 24-hour urgent care centre be kept on the site"
    assert _kept(_proposal("Tomas Albescu", "keep a 24-hour urgent care centre on the site run by GPs and nurses", quote))
    # initials of nothing the article says together are a name it lacks
    assert not _kept(_proposal("Tomas Albescu", "keep a 24-hour urgent care centre on the site run by the NHS", quote))
    fund = "called on the government to set up a 30-million-euro emergency fund"
    assert _kept(_proposal("Arne Solvik", "set up a EUR 30 million emergency fund", fund))
    assert not _kept(_proposal("Arne Solvik", "set up a EUR 50 million emergency fund", fund))


def test_a_proposal_by_two_people_needs_both_named() -> None:
    quote = "Berglund said he and his counterpart, Henrik Vos, had agreed to set up a joint coast guard patrol"
    assert _kept(_proposal("Berglund and Vos", "set up a joint coast guard patrol", quote))
    assert not _kept(_proposal("Berglund and Strand", "set up a joint coast guard patrol", quote))
    assert not _kept(_proposal("Berglund and Halvorsen", "set up a joint coast guard patrol", quote))


def test_a_motion_tabled_is_a_proposal() -> None:
    quote = "Owen Dalgarno tabled a motion to suspend the merger for two years"
    assert _kept(_proposal("Owen Dalgarno", "suspend the merger for two years", quote))
    assert not _kept(_proposal("Tomas Albescu", "suspend the merger for two years", quote))


def test_a_month_written_out_is_the_articles_short_form() -> None:
    text = from_text("Budget vote ahead\n\nThe student union demanded that the government scrap the fee increase "
                     "entirely before parliament votes on the budget on Dec. 9, its president said on Monday in a "
                     "statement to reporters outside the ministry.\n").text
    def point(when: str):  # noqa: ANN202
        return _with([{"point": f"The union demanded that the government scrap the fee increase before the budget "
                                f"vote on {when}.", "evidence": ["The student union demanded"]}])
    assert not ground(point("December 9"), text).dropped
    assert ground(point("November 9"), text).dropped
