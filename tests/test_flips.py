"""One word turned the other way, the rest the article's: "supported" for "opposed", "accepts" for "disputes",
a loss for a profit, "upstream" for "downstream", "76 more beds" for "76 fewer" (`schemas.direction`,
`schemas.contrary`, `judges.judge_figure`). Each lie is refused and the true item beside it kept. Found by the
held-out probes."""

from __future__ import annotations

import pytest

from summarizer.schemas import ground
from summarizer.sources import from_text
from tests.test_reworded_lies import _figure_kept, _with

ARTICLE = from_text(
    "Merger plan faces opposition\n\n"
    "The Brennick Patients’ Alliance said a survey of 1,200 residents found that 62 percent opposed the merger. "
    "Norvania disputes the boundary in that stretch of sea.\n\n"
    "Corrant Chemicals reported a profit of 3 million pounds last year. By Monday the solvent had reached the "
    "intake of the Harrowby water treatment works 11 kilometres downstream of the plant.\n\n"
    "The combined campus would have 520 beds, 76 fewer than the 596 the two hospitals have today.\n"
).text


def _kept(draft) -> bool:  # noqa: ANN001
    return not ground(draft, ARTICLE).dropped


def _point(text: str):  # noqa: ANN202
    return _with([{"point": text, "evidence": ["The combined campus would have 520 beds"]}])


@pytest.mark.parametrize(("truth", "lie"), [
    ("A survey of 1,200 residents found that 62 percent opposed the merger.",
     "A survey of 1,200 residents found that 62 percent supported the merger."),
    ("Norvania disputes the boundary in that stretch of sea.", "Norvania accepts the boundary in that stretch of sea."),
    ("Corrant Chemicals reported a profit of 3 million pounds last year.",
     "Corrant Chemicals reported a loss of 3 million pounds last year."),
    ("The solvent reached the intake of the Harrowby water treatment works 11 kilometres downstream of the plant.",
     "The solvent reached the intake of the Harrowby water treatment works 11 kilometres upstream of the plant."),
])
def test_a_word_turned_the_other_way_is_refused(truth: str, lie: str) -> None:
    assert _kept(_point(truth))
    assert not _kept(_point(lie))


def test_a_figure_compared_the_other_way_is_refused() -> None:
    quote = "The combined campus would have 520 beds, 76 fewer than the 596 the two hospitals have today"

    def figure(label: str):  # noqa: ANN202
        return _with(figures=[{"value": "76", "label": label, "evidence": [quote]}])

    assert _kept(figure("fewer beds the combined campus will have than the two hospitals today"))
    assert not _kept(figure("more beds the combined campus will have than the two hospitals today"))


FEES = from_text(
    "Tuition fees to rise\n\n"
    "Under the plan, fees for undergraduates would rise from €1,450 a year to €2,300 from next autumn, the "
    "education ministry said on Thursday.\n\n"
    "A survey published by the students' union in September found that one in four students had considered "
    "dropping out for financial reasons.\n"
).text


@pytest.mark.parametrize(("value", "label", "kept"), [
    ("€2,300", "new annual undergraduate fee from next autumn", True),
    ("€1,450", "current annual undergraduate fee", True),
    ("€2,300", "current annual undergraduate fee", False),  # the end it rises to, called the current one
    ("€1,450", "proposed annual undergraduate fee", False),
])
def test_a_figure_at_the_other_end_of_a_change_is_refused(value: str, label: str, kept: bool) -> None:
    assert _figure_kept(value, label, "fees for undergraduates would rise", FEES) is kept


def test_what_was_only_weighed_is_not_done() -> None:
    quote = "one in four students had considered dropping out"
    truth = "A survey found that one in four students had considered dropping out for financial reasons."
    lie = "A survey found that one in four students had dropped out for financial reasons."
    assert not ground(_with([{"point": truth, "evidence": [quote]}]), FEES).dropped
    assert ground(_with([{"point": lie, "evidence": [quote]}]), FEES).dropped
