"""The kind of a proposed response (military, sanctions, diplomatic, economic, humanitarian or other), read
off the words of its action: a small model files mediation as "military" and a vaccine drive as "sanctions"
as readily as it gets them right, and a kind is as much a claim as the action it labels.

`judge_kind` keeps the model's kind where a word of that kind stands in the action (or in the sentences the
gate took as its evidence); otherwise the action's first word of a kind decides, and an action with none is
"other". English words only: a brief in another language keeps the model's kind.
"""

from __future__ import annotations

import re

from .normal import led_by_letters

__all__ = ["judge_kind"]

# words of each kind (regexes, each beginning with a letter; see `led_by_letters`), matched in lowered text
_WORDS = {
    "military": [r"troops?", r"soldiers?", r"arm(?:y|ies)", r"armed\s+forces", r"militar\w*", r"weapons?", r"arms",
                 r"missiles?", r"artillery", r"tanks", r"warships?", r"nav(?:y|al)", r"air\s+defen[cs]es?",
                 r"deploy\w*", r"air\s*strikes?", r"drones?", r"ammunition"],
    "sanctions": [r"sanction\w*", r"embargo\w*", r"asset\s+freezes?", r"freez\w*\s+(?:\w+\s+){0,3}assets",
                  r"blacklist\w*", r"export\s+bans?", r"import\s+bans?", r"travel\s+bans?", r"tariffs?"],
    "diplomatic": [r"talks", r"negotiat\w*", r"mediat\w*", r"dialogue", r"meet(?:s|ing|ings)?", r"summits?",
                   r"ambassadors?", r"envoys?", r"diplomat\w*", r"summon\w*", r"embass(?:y|ies)", r"treat(?:y|ies)",
                   r"ceasefire", r"peace", r"consultations?", r"cooperat\w*", r"co-operat\w*", r"partnerships?",
                   r"alliances?", r"allies", r"bilateral", r"multilateral", r"recogni[sz]\w*"],
    "economic": [r"funds?", r"funding", r"pay", r"wages?", r"salar(?:y|ies)", r"prices?", r"costs?", r"budgets?",
                 r"tax(?:es)?", r"vat", r"rates?", r"interest", r"inflation", r"invest\w*", r"loans?", r"subsid\w*",
                 r"compensat\w*", r"money", r"spending", r"econom\w*", r"mortgages?", r"per\s+cent", r"percent",
                 r"fines?", r"grants?", r"rises?", r"bonus(?:es)?"],
    "humanitarian": [r"aid", r"relief", r"humanitarian", r"refugees?", r"evacuat\w*", r"shelters?", r"food",
                     r"drinking\s+water", r"medical", r"medicines?", r"vaccin\w*", r"doses", r"rescue\w*",
                     r"displaced"],
}
_CUES = {kind: re.compile(led_by_letters(words, r"(?!\w)")) for kind, words in _WORDS.items()}
_MONEY = re.compile(r"[€$£%]")  # amounts and shares of money are economic too


def _first_cue(text: str) -> tuple[int, str] | None:
    """(where, which kind) of the first word of a kind in lowered `text`."""
    found = [(m.start(), kind) for kind, cue in _CUES.items() if (m := cue.search(text))]
    if (money := _MONEY.search(text)) is not None:
        found.append((money.start(), "economic"))
    return min(found) if found else None


def judge_kind(kind: str, action: str, evidence: str) -> str:
    """The kind to show for a proposed response: the model's when its action or evidence has a word of that
    kind (or the model said "other"); else the kind of the action's first word of a kind, or "other"."""
    low = action.lower()
    if kind == "other":
        return kind
    cue = _CUES.get(kind)
    if cue is not None and (cue.search(low) or cue.search(evidence.lower())
                            or (kind == "economic" and _MONEY.search(action + evidence))):
        return kind
    first = _first_cue(low)
    return first[1] if first is not None else "other"
