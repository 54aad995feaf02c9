"""How the gate shows an item it keeps, where the model's words for it are not the article's: an actor or a
proposer named by a title is shown as the person the article names with it; a proposal's status and kind
are the ones its passages and words give. Each change is reported with the model's label, so a reader sees
what the model said; the gate (`schemas.grounding`) decides what is kept, this only what it is called.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from .brief import Actor, Dropped, Evidence, ProposedResponse
from .kinds import judge_kind
from .normal import folded_words
from .roles import TITLE_SYNONYMS, distinctive, officer_of, person_behind
from .signals import TITLES
from .status import judge_status
from .support import Passage, Passages
from .titles import OFFICES

if TYPE_CHECKING:
    from .draft import Draft
    from .text import Locator

__all__ = ["OFFICER_SHOWN", "Shown", "bare_names"]

# how an actor is reported that the model named by a body with its officer's title (see `bare_names`)
OFFICER_SHOWN = "a body given its officer's title"
# a name with a note after it: "Miriam Osterfeld (Corrant Chemicals)", "Rhys Calloway MP", "Lukas Renner, MEP"
_NOTE = re.compile(r"\s*(?P<name>[^()]+?)\s*(?:\((?P<note>[^()]+)\)|,?\s+(?P<letters>MPs?|MEPs?|MSPs?|TDs?|QC|KC))\.?\s*")
# or a title between commas after it: "Helena Marsh, Varnholt Chemie CEO", "Martin Grell, environment minister"
_APPOSITION = re.compile(r"\s*(?P<name>[^,()]+?),\s+(?P<note>[^,()]+?)(?P<letters>)\s*")
_TITLE_WORDS = frozenset({*TITLES, *TITLE_SYNONYMS, *OFFICES, "ceo", "cfo", "coo", "rector", "chancellor", "dean"})
# or before it, a short form the article may write in full: "Prof. Anders Kjelby" for "Professor Anders Kjelby"
_HONORIFIC = re.compile(r"\s*(?P<letters>Prof|Dr|Mr|Mrs|Ms|Sr|Fr|Rev|Gen|Col|Capt|Lt|Sgt|Insp|Supt)\.?\s+"
                        r"(?P<name>[A-Z][^()]*?)\s*")


def _noted(named: str, loc: Locator) -> tuple[str, str, str] | None:
    """(the name, the note, "after" or "before") for a name the model wrote with a note the article does not
    write with it, where the article has the name; else None."""
    after = _NOTE.fullmatch(named)
    if after is None and (m := _APPOSITION.fullmatch(named)) and _TITLE_WORDS & set(folded_words(m.group("note"))):
        after = m  # "Helena Marsh, Varnholt Chemie CEO" (but "Berglund, Vos" is two people)
    if after is not None and loc.has_name(after.group("name")):
        return after.group("name"), after.group("note") or after.group("letters"), "after"
    before = None if loc.has_name(named) else _HONORIFIC.fullmatch(named)
    if before is not None and loc.has_name(before.group("name")):
        return before.group("name"), before.group("letters"), "before"
    return None


def bare_names(draft: Draft, loc: Locator) -> tuple[Draft, list[Dropped]]:
    """The draft with each actor or proposer the model wrote with a note after the name ("Miriam Osterfeld
    (Corrant Chemicals)", "Rhys Calloway MP", "Helena Marsh, Varnholt Chemie CEO"), or a short title before it
    that the article does not write so ("Prof. Anders Kjelby"), named as the article names them, where it has
    the name; and a report of each (the note is not judged, so it is not shown). An actor the model named by
    a body and gave the title of the person the article names with it ("Valmora Dockworkers' Union" as
    "general secretary") is that person, with the title as the article writes it, and is judged so."""
    changes: dict[str, list[Any]] = {}
    reports: list[Dropped] = []
    for kind, field in (("who", "name"), ("proposed_responses", "proposed_by")):
        items = list(getattr(draft, kind))
        for i, item in enumerate(items):
            named = getattr(item, field)
            if kind == "who" and isinstance(named, str) and isinstance(item.role, str) and (
                    officer := officer_of(named, item.role, loc.text)) is not None:
                person, title = officer
                items[i] = item.model_copy(update={"name": person, "role": title})
                reports.append(Dropped(item=f"who[{i}].name", text=f"{named}: {item.role}",
                                       reasons=[f"{OFFICER_SHOWN} (shown as {person}, {title})"]))
                continue
            found = _noted(named, loc) if isinstance(named, str) else None
            if found is None:
                continue
            name, note, where = found
            items[i] = item.model_copy(update={field: name})
            reports.append(Dropped(item=f"{kind}[{i}].{field}", text=named,
                                   reasons=[f"a note {where} a name, not judged ({note!r}; shown as {name})"]))
        changes[kind] = items
    if not reports:
        return draft, []
    return draft.model_copy(update=changes), reports


class Shown:
    """The changes to the kept items of one draft, noted as the gate keeps them (actors first)."""

    def __init__(self, draft: Draft, passages: Passages, names_in_prose: bool):
        self.draft, self.passages, self.english = draft, passages, names_in_prose
        # an actor or a proposer (by path) the model named by a title, as (the person its evidence names, the
        # title, whether an actor's rename gave it); `titled`: the actors' by the name the model gave them
        self.holders: dict[str, tuple[str, str, bool]] = {}
        self.titled: dict[str, tuple[str, str]] = {}
        # the words that tell each actor apart: no actor becomes a person another one names already
        self.words_of = {f"who[{i}]": set(distinctive(a.name)) for i, a in enumerate(draft.who)}
        self.statuses: dict[str, str] = {}  # a proposal's status as its passages give it, where the model's is not
        self.kinds: dict[str, str] = {}  # and its kind as its words give it, likewise

    def note(self, path: str, kind: str, item: Any, evidence: list[Evidence]) -> None:
        """Work out how a kept item is shown (`kind`: "who", "proposed_responses", ...)."""
        if kind == "who":
            found = person_behind(item.name, self._sentences(evidence))
            # a person listed already ("Lindqvist", or two titles of one person): no second actor for them
            if found is not None and all(words.isdisjoint(distinctive(found[0]))
                                         for other, words in self.words_of.items() if other != path):
                self.holders[path] = (*found, False)
                self.titled[item.name.casefold()] = found
                self.words_of[path] = set(distinctive(found[0]))
        elif kind == "proposed_responses":
            sentences = self._sentences(evidence)
            if (found := self.titled.get(item.proposed_by.casefold())) is not None:
                self.holders[path] = (*found, True)  # as the actors show them: one person, one name
            elif (found := person_behind(item.proposed_by, sentences)) is not None:
                self.holders[path] = (*found, False)
            # (the cues are English: a brief in another language than the article keeps the model's words)
            if self.english:
                chosen = [Passage(e.start, e.end, e.match) for e in evidence]
                if (status := judge_status(self.passages, item.status, chosen, item.action)) != item.status:
                    self.statuses[path] = status
                if (shown := judge_kind(item.kind, item.action, " ".join(sentences))) != item.kind:
                    self.kinds[path] = shown

    def _sentences(self, evidence: list[Evidence]) -> list[str]:
        """The whole sentences that hold the evidence: a quote may leave out the title before a name."""
        p = self.passages
        return [p.loc.text[s:e] for ev in evidence for s, e in (p.spans[i] for i in p.indices(ev.start, ev.end))]

    def actor(self, path: str, item: Any, evidence: list[Evidence]) -> Actor:
        """The actor as the brief shows it: one the model named by a title ("Port Authority chief executive",
        or "Chief Operating Officer Niamh Cotter") is the person the evidence names with that title, the
        title joining the role."""
        if path not in self.holders:
            return Actor(name=item.name, role=item.role, evidence=evidence)
        person, title, _ = self.holders[path]
        title_words, role_words = {w.lower() for w in title.split()}, {w.lower() for w in item.role.split()}
        # "Finance Minister" for the role "government minister": the article's title says the more
        if role_words <= title_words or item.role.lower().split()[-1:] == title.lower().split()[-1:]:
            role = title
        elif title_words <= role_words:
            role = item.role
        else:
            role = f"{title}, {item.role}"
        return Actor(name=person, role=role, evidence=evidence)

    def proposal(self, path: str, item: Any, evidence: list[Evidence]) -> ProposedResponse:
        holder = self.holders.get(path)
        return ProposedResponse(proposed_by=holder[0] if holder else item.proposed_by, action=item.action,
                                kind=self.kinds.get(path, item.kind), status=self.statuses.get(path, item.status),
                                evidence=evidence)

    def reported(self, label_of: Any) -> list[Dropped]:
        """The model's words the brief shows otherwise, each with what it shows instead (`label_of(path)`:
        an actor's label as the gate reports it)."""
        out: list[Dropped] = []
        for path, (person, title, as_actor) in self.holders.items():
            item = _item_at(self.draft, path)
            if path.startswith("who"):
                named, field, label = item.name, "name", label_of(path)
            else:
                named, field, label = item.proposed_by, "proposed_by", f"{item.proposed_by}: {item.action}"
            what = "a title in front of a name" if named == f"{title} {person}" else "a title, not a name"
            how = "as among the actors" if as_actor else "whom the evidence names with it"
            out.append(Dropped(item=f"{path}.{field}", text=label, reasons=[f"{what} (shown as {person}, {how})"]))
        for path, status in self.statuses.items():
            # the item stays, with the status its passage shows; the model's is reported as removed
            item = _item_at(self.draft, path)
            out.append(Dropped(item=f"{path}.status", text=f"{item.action}: {item.status}",
                               reasons=[f"a status the article does not give (shown as {status})"]))
        for path, kind in self.kinds.items():
            item = _item_at(self.draft, path)
            out.append(Dropped(item=f"{path}.kind", text=f"{item.action}: {item.kind}",
                               reasons=[f"a kind its action does not show (shown as {kind})"]))
        return out


def _item_at(draft: Draft, path: str) -> Any:
    """The actor or proposed response at `path` ("who[2]", "proposed_responses[0]") of the draft."""
    kind, _, index = path.partition("[")
    return getattr(draft, kind)[int(index.rstrip("]"))]
