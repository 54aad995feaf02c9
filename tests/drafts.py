"""Model answers for tests, written by hand: fakes, never recordings."""

from __future__ import annotations

import copy

HARBOUR_GOOD = {
    "headline": "Valmora dock workers strike over automation",
    "who": [
        {"name": "Elena Maris", "role": "general secretary of the dockworkers' union",
         "evidence": ["Elena Maris, general secretary of the Valmora Dockworkers’ Union"]},
        {"name": "Tomas Lindqvist", "role": "port authority chief executive",
         "evidence": ["Port authority chief executive Tomas Lindqvist said the automation programme was “essential"]},
        {"name": "Ana Kovac", "role": "regional transport minister",
         "evidence": ["The regional transport minister, Ana Kovac, called on both sides to accept mediation"]},
    ],
    "what": {"summary": "Dock workers began a 72-hour strike after automation talks collapsed.",
             "where": "Port of Valmora", "when": "Tuesday",
             "evidence": ["Dock workers at the Port of Valmora began a 72-hour strike on Tuesday"]},
    "background": [
        {"point": "In March the port announced a €310 million investment in automated cranes.",
         "evidence": ["In March, the port authority announced a €310 million investment in automated cranes"]},
    ],
    "proposed_responses": [
        {"proposed_by": "Ana Kovac", "action": "Mediation by the national labour council and a €40 million retraining fund",
         "kind": "economic", "status": "proposed",
         "evidence": ["proposed a state-backed retraining fund of €40 million"]},
        {"proposed_by": "Chamber of Commerce", "action": "Designate the port an essential service",
         "kind": "other", "status": "called_for",
         "evidence": ["The Chamber of Commerce urged the government to designate the port an essential service"]},
    ],
    "key_figures": [
        {"value": "1,200", "label": "jobs at risk", "evidence": ["1,200 jobs will disappear by spring"]},
    ],
}


def harbour_good() -> dict:
    return copy.deepcopy(HARBOUR_GOOD)


def harbour_with_inventions() -> dict:
    """The good answer plus an invented person, an invented quote and an altered number."""
    d = harbour_good()
    d["who"].append({"name": "Sergei Petrov", "role": "mediator", "evidence": ["Sergei Petrov agreed to mediate the dispute"]})
    d["background"].append({"point": "A 2,400-job cut was announced.", "evidence": ["2,400 jobs will disappear by spring"]})
    d["what"]["evidence"].append("The strike was declared illegal by the courts")
    return d


def all_invented() -> dict:
    return {
        "headline": "Sergei Petrov resigns",
        "who": [{"name": "Sergei Petrov", "role": "minister", "evidence": ["Petrov resigned on Friday evening"]}],
        "what": {"summary": "Petrov resigned.", "evidence": ["Petrov resigned on Friday evening"]},
        "background": [],
        "proposed_responses": [],
    }
