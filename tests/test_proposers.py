"""A proposer whose name shares words with what it proposes ("the Brennick Patients' Alliance" calling for "a
shuttle bus between Brennick and Carrow") is not taken for the party the proposal is made to, and a route
written with a hyphen ("Brennick-Carrow") names both places. Found by the held-out probes."""

from __future__ import annotations

import pytest

from summarizer.schemas import ground
from summarizer.sources import from_text
from tests.test_reworded_lies import _with

ARTICLE = from_text(
    "Hospital merger opposed\n\n"
    "The Velmont authority plans to merge the hospitals of Brennick and Carrow, two towns 47 kilometres apart, "
    "and to close the emergency department in Brennick next spring.\n\n"
    "The Brennick Patients’ Alliance, led by retired teacher Rosalind Thwaite, said a survey of 1,200 residents "
    "found that 62 percent opposed the merger. The group called for a free shuttle bus between Brennick and "
    "Carrow for patients and visitors.\n\n"
    "Carrow Town Council said it had no view on the plan. Brennick Mayor Tomas Albescu proposed that the union "
    "suspend its campaign until the authority has answered.\n"
).text


def _shown(proposer: str, action: str) -> bool:
    draft = _with(proposed=[{"proposed_by": proposer, "action": action, "kind": "other", "status": "called_for",
                             "evidence": ["The group called for a free shuttle bus"]}])
    return bool(ground(draft, ARTICLE).proposed_responses)


@pytest.mark.parametrize("action", ["free shuttle bus Brennick-Carrow for patients and visitors",
                                    "a free shuttle bus between Brennick and Carrow for patients"])
def test_a_proposer_named_in_its_own_proposal_is_kept(action: str) -> None:
    assert _shown("Brennick Patients Alliance", action)


@pytest.mark.parametrize(("proposer", "action"), [
    ("Carrow Town Council", "free shuttle bus Brennick-Carrow for patients and visitors"),
    ("Brennick Patients Alliance", "free shuttle bus Brennick-Velmont for patients and visitors"),
    ("Union", "suspend its campaign until the authority has answered"),  # the one asked, not the one asking
])
def test_the_wrong_proposer_or_route_is_refused(proposer: str, action: str) -> None:
    assert not _shown(proposer, action)
