"""The real pipeline against recordings of a real OpenAI-compatible server (no fakes on the wire).

The cassettes under `cassettes/` were recorded from llama-cpp-python's server running the local default model,
Qwen2.5-Coder-1.5B-Instruct (see docs/recording.md). Its answers are mostly true and badly quoted. These tests
show what the grounding gate makes of that: every quote kept stands verbatim at its offsets in the article,
every name shown passes the gate's name check, nothing reported in `provenance.dropped` is shown, and an answer
with nothing verifiable is an error, never an empty brief. (What earlier recordings showed an earlier gate letting
through, invented prose and a name with JSON debris, is pinned as unit tests in tests/test_grounding.py.)

Replay matches method, path and body, never host or port, so the base URL below only matters when
recording. Configuration comes from the environment, read at import (the autouse `_isolated_env` fixture
clears OPENAI_API_KEY before each test runs):

    SUMMARIZER_RECORD_BASE_URL  server to record from (default: the local llama.cpp server)
    SUMMARIZER_RECORD_MODEL     model name sent (default: the model recorded in the cassette, else qwen2.5-coder-1.5b-instruct)
    OPENAI_API_KEY              key for a server that wants one (llama.cpp ignores it)
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path
from typing import Any

import openai
import pytest
import vcr as vcrpy
import yaml

from summarizer import Brief
from summarizer.errors import GroundingError, ModelError, ModelOutputError, SummarizerError
from summarizer.eval_score import brief_items, renamed_labels
from summarizer.llm import LLM
from summarizer.pipeline import Summarizer
from summarizer.render import to_markdown
from summarizer.schemas import Draft, ground
from summarizer.schemas.grounding import Locator
from summarizer.sources import from_text

RECORD_BASE_URL = os.environ.get("SUMMARIZER_RECORD_BASE_URL") or "http://127.0.0.1:8765/v1"
RECORD_MODEL = os.environ.get("SUMMARIZER_RECORD_MODEL") or None
RECORD_API_KEY = os.environ.get("OPENAI_API_KEY") or "unused"
ROOT = Path(__file__).resolve().parents[1]
ARTICLES = ROOT / "tests" / "articles"
CASSETTES = ROOT / "cassettes"  # the same folder as the vcr_cassette_dir fixture in conftest.py
# What the committed cassettes were recorded with: Qwen2.5-Coder-1.5B-Instruct (Q4_K_M) on llama-cpp-python's
# server, the model `summarizer` runs locally by default (`summarizer model serve --port 8765`).
DEFAULT_RECORD_MODEL = "qwen2.5-coder-1.5b-instruct"
# No re-ask, as the pipeline runs the local model by default: each cassette is the model's one answer to the
# prompt, the article and the schema, so a change to the gate (whose findings a re-ask would carry) leaves
# the recordings valid. Re-asks are tested with fakes (tests/test_wire.py).
REASKS = 0
# Room for a complete answer: Qwen's answers run 400-1,400 tokens; now and then it trails off into blank
# lines until the limit, and the pipeline closes the JSON after its last complete item.
MAX_OUTPUT_TOKENS = 1500
# Recordings made with other settings than the two above: (reasks, max_output_tokens). Both are part of
# the request (max_tokens is in the body; re-asks add requests), so changing them makes a cassette stale.
SETTINGS: dict[str, tuple[int, int]] = {}


def _recorded_model(cassette: Path) -> str | None:
    """The model named in a cassette's first request, so replay sends the very same body."""
    if not cassette.exists():
        return None
    data = yaml.safe_load(cassette.read_text(encoding="utf-8")) or {}
    for interaction in data.get("interactions", []):
        body = interaction.get("request", {}).get("body")
        try:
            return json.loads(body)["model"]
        except (TypeError, ValueError, KeyError):
            continue
    return None


class _KeepAnswers(LLM):
    """The production LLM, also keeping every completion it received (to compare with the brief)."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.answers: list[Any] = []
        self.tokens: list[int] = []  # total_tokens of each answer as received
        self.sleeps: list[float] = []

    async def _send(self, stats: Any, kwargs: dict[str, Any]) -> Any:
        completion = await super()._send(stats, kwargs)
        self.answers.append(completion)
        # read now: Instructor later adds earlier attempts' usage into the last completion's usage object
        self.tokens.append(completion.usage.total_tokens)
        return completion


def _summarizer(
    cassette_name: str,
    *,
    base_url: str = RECORD_BASE_URL,
    reasks: int = REASKS,
    max_output_tokens: int = MAX_OUTPUT_TOKENS,
) -> tuple[Summarizer, _KeepAnswers]:
    model = RECORD_MODEL or _recorded_model(CASSETTES / cassette_name) or DEFAULT_RECORD_MODEL
    client = openai.AsyncOpenAI(base_url=base_url, api_key=RECORD_API_KEY, max_retries=0)

    async def no_sleep(seconds: float) -> None:
        llm.sleeps.append(seconds)

    llm = _KeepAnswers(client, model=model, sleep=no_sleep)
    # show_dropped: the checks below compare what was removed with what the model wrote
    return Summarizer(llm, cache=False, reasks=reasks, max_output_tokens=max_output_tokens, show_dropped=True), llm


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


# the nationalities the recorded answers use for a country the article names ("Spanish government" for
# "Spain's government"), written out here rather than taken from the gate
_NATIONALITY = {"spanish": "spain"}


def _in_article(name: str, article: str) -> bool:
    """Independent of the gate: every word of the name (or its country, for a nationality) occurs somewhere in
    the article."""
    words = [w for w in _words(name) if w != "the"]
    hay = article.casefold()
    return bool(words) and all(w in hay or _NATIONALITY.get(w, w) in hay for w in words)


def _drafts(llm: _KeepAnswers) -> list[dict[str, Any]]:
    """The tool-call arguments of every answer the model gave (those that parse as JSON)."""
    out = []
    for completion in llm.answers:
        for call in completion.choices[0].message.tool_calls or []:
            try:
                out.append(json.loads(call.function.arguments))
            except ValueError:
                continue
    return out


def _invented_names(draft: dict[str, Any], article: str) -> set[str]:
    names = {a.get("name", "") for a in draft.get("who") or [] if isinstance(a, dict)}
    names |= {r.get("proposed_by", "") for r in draft.get("proposed_responses") or [] if isinstance(r, dict)}
    return {n for n in names if isinstance(n, str) and n.strip() and not _in_article(n, article)}


def _unreported(names: set[str], dropped: list[Any]) -> set[str]:
    """Names that no dropped entry mentions (an item salvaged away is reported by its JSON, hence `in`)."""
    texts = [d.text or "" for d in dropped]
    return {n for n in names if not any(n in t for t in texts)}


def _evidence(brief: Brief) -> list[Any]:
    items: list[Any] = [*brief.who, *brief.background, *brief.proposed_responses, *brief.key_figures]
    if brief.what is not None:
        items.append(brief.what)
    return [e for item in items for e in item.evidence]


def _check_brief(brief: Brief, article: str, llm: _KeepAnswers) -> None:
    # every quote stands in the text the model saw, at the offsets given
    evidence = _evidence(brief)
    assert evidence, "a brief with no evidence at all"
    for e in evidence:
        assert brief.source.text[e.start : e.end] == e.quote
    # every name shown is in the article: each of its words (checked here) and as the gate finds names
    locator = Locator(brief.source.text)
    for actor in brief.who:
        assert _in_article(actor.name, brief.source.text), actor.name
        assert locator.has_name(actor.name), actor.name
    for response in brief.proposed_responses:
        assert _in_article(response.proposed_by, brief.source.text), response.proposed_by
        assert locator.has_name(response.proposed_by), response.proposed_by
    # provenance adds up
    prov = brief.provenance
    assert prov.attempts >= 1
    assert prov.attempts == len(llm.answers)
    assert prov.usage.prompt_tokens > 0 and prov.usage.completion_tokens > 0
    assert prov.usage.total_tokens == sum(llm.tokens)
    # what the model invented is reported as dropped, never shown
    shown = {a.name for a in brief.who} | {r.proposed_by for r in brief.proposed_responses}
    invented = [_invented_names(d, brief.source.text) for d in _drafts(llm)]
    for names in invented:
        assert not names & shown, f"invented names shown as facts: {names & shown}"
    if any(invented):
        # the answer the brief was built from had all of its inventions listed as dropped
        assert any(names and not _unreported(names, prov.dropped) for names in invented), (invented, prov.dropped)
    for d in prov.dropped:
        assert d.reasons and d.item
    # the prose shown uses the article's words (checked here, independently of the gate)
    prose = [brief.headline, *(a.role for a in brief.who), *(p.point for p in brief.background)]
    prose += [r.action for r in brief.proposed_responses] + [f.label for f in brief.key_figures]
    if brief.what is not None:
        prose += [brief.what.summary, brief.what.where or "", brief.what.when or ""]
    for line in prose:  # a paraphrase ("stating", "added") may use a few words the article does not
        words = _content_words(line)
        assert len(_unsupported_words(line, brief.source.text)) <= max(2, len(words) // 4), line
    # what was dropped is not shown as a claim of its kind (the same words may be true as what happened and
    # false as a proposal; quotes are the article's own words and may well name someone whose item was dropped)
    for d in prov.dropped:
        text = " ".join((d.text or "").split())
        if len(text.split()) < 4 or _kept_elsewhere(text, brief):
            continue  # a fragment is no claim of its own; an item one answer got wrong and another right is shown once
        section = re.sub(r"^(?:answer|part)\[\d+\]\.", "", d.item).split("[")[0]
        assert text not in _section_text(brief, section), f"dropped but shown: {d}"


def _section_text(brief: Brief, section: str) -> str:
    """What a reader sees of one section of the brief, whitespace folded."""
    parts = {
        "what": [brief.what.summary] if brief.what else [],
        "who": [f"{a.name}: {a.role}" for a in brief.who],
        "background": [p.point for p in brief.background],
        "proposed_responses": [f"{r.proposed_by} {r.action}" for r in brief.proposed_responses],
        "key_figures": [f"{f.value} {f.label}" for f in brief.key_figures],
        "headline": [brief.headline],
    }.get(section, [])
    return " | ".join(" ".join(p.split()) for p in parts)


def _kept_elsewhere(text: str, brief: Brief) -> bool:
    """A dropped item's text that is also a kept item's own (a name, a claim), from another answer or part."""
    kept = [a.name for a in brief.who] + [p.point for p in brief.background] + [r.action for r in brief.proposed_responses]
    kept += [f.value for f in brief.key_figures] + ([brief.what.summary] if brief.what else [])
    return any(" ".join(k.split()) == text for k in kept)


def _shown(result: Brief | SummarizerError) -> str:
    """What a reader sees of a result: the rendered brief without its provenance footer; nothing for an error."""
    if not isinstance(result, Brief):
        return ""
    body, _, _footer = to_markdown(result).rpartition("\n---\n")
    return " ".join(body.split())


def _answers_json(llm: _KeepAnswers) -> list[str]:
    return [call.function.arguments for c in llm.answers for call in (c.choices[0].message.tool_calls or [])]


def _salvaged(raw: str) -> tuple[Draft, list[Any]] | None:
    """An answer as the pipeline salvages it when re-asks run out (each item on its own), or None."""
    from summarizer.schemas import draft as draft_module

    salvage = getattr(draft_module, "salvage", None)
    if salvage is not None:
        return salvage(raw)
    try:
        return Draft.model_validate_json(raw), []
    except ValueError:
        return None


def _check_nothing_survived(exc: GroundingError, llm: _KeepAnswers, article: str, reasks: int = REASKS) -> None:
    """The model answered, but nothing in any answer could be verified: an error, never an empty brief."""
    message = str(exc)
    assert "nothing in the model's answer could be verified" in message
    assert 1 <= len(llm.answers) <= reasks + 1
    assert all(t > 0 for t in llm.tokens)
    dropped = re.search(r"\((\d+) claims dropped\)", message)
    assert dropped is None or int(dropped.group(1)) > 0
    # each recorded answer again, through the gate: nothing kept, and every invented name reported
    usable = 0
    for raw in _answers_json(llm):
        got = _salvaged(raw)
        if got is None:
            continue  # not even a JSON object (cut off at max_tokens)
        usable += 1
        draft, lost = got
        grounded = ground(draft, article)
        assert grounded.empty
        invented = _invented_names(json.loads(raw, strict=False), article)
        missing = _unreported(invented, [*lost, *grounded.dropped])
        assert not missing, f"invented names not reported as dropped: {missing}"
    assert usable >= 1


def _check_unusable(exc: ModelOutputError, llm: _KeepAnswers, article: str, reasks: int = REASKS) -> None:
    """No answer fits the schema even before the gate (missing fields, empty evidence, cut-off JSON)."""
    assert f"did not fit the brief schema after {reasks + 1} attempt" in str(exc)
    assert len(llm.answers) == reasks + 1  # every re-ask was used
    assert all(t > 0 for t in llm.tokens)
    for raw in _answers_json(llm):
        with pytest.raises(ValueError):
            Draft.model_validate_json(raw)


# What each committed recording yields with the library as it is. After re-recording, a changed outcome
# fails here on purpose: look at the new answers, then update this table. Every answer of the local model
# yields a Brief: what it got right survives (often with evidence the gate located), what it got wrong is
# dropped (`python bench/real_model.py --replay --show` lists both).
EXPECTED: dict[str, type] = {
    "ferry_strike": Brief,
    "bridge_closure": Brief,
    "harbour_strike": Brief,
    "river_flood": Brief,
    "hospital_cyberattack": Brief,
    "school_meals": Brief,
    "road_repair": Brief,
    "farmers_market": Brief,
    "library_opening": Brief,
    "news_airline_strike": Brief,
    "news_central_bank": Brief,
    "news_cholera_outbreak": Brief,
    "news_data_breach": Brief,
    "news_diplomatic_row": Brief,
    "news_wildfire_evacuation": Brief,
    # written for the gate's December 4th checks: a vote on a plan, a nationality for its country, a lawsuit
    "tram_vote": Brief,
    "drought_rationing": Brief,
    "pharma_suit": Brief,
}
_OUTCOMES = (Brief, GroundingError, ModelOutputError)


def _settings(name: str) -> tuple[int, int]:
    return SETTINGS.get(name, (REASKS, MAX_OUTPUT_TOKENS))


async def _run(name: str) -> tuple[Brief | SummarizerError, _KeepAnswers, str]:
    text = from_text((ARTICLES / f"{name}.txt").read_text(encoding="utf-8")).text  # as the pipeline cleans it
    reasks, max_output_tokens = _settings(name)
    summarizer, llm = _summarizer(f"test_cassette_{name}.yaml", reasks=reasks, max_output_tokens=max_output_tokens)
    started = time.monotonic()
    try:
        result: Brief | SummarizerError = await summarizer.abrief(text)
    except (GroundingError, ModelOutputError) as exc:
        result = exc
    assert not llm.sleeps, "a transport retry happened while recording or replaying"
    if os.environ.get("SUMMARIZER_CASSETTE_VERBOSE"):
        print(f"{name}: {type(result).__name__} in {time.monotonic() - started:.2f}s, {len(llm.answers)} answers")
    return result, llm, text


async def _check_recording(name: str) -> None:
    result, llm, text = await _run(name)
    reasks, _ = _settings(name)
    outcome = next(kind for kind in _OUTCOMES if isinstance(result, kind))
    if isinstance(result, Brief):
        _check_brief(result, text, llm)
    elif isinstance(result, GroundingError):
        _check_nothing_survived(result, llm, text, reasks)
    else:
        _check_unusable(result, llm, text, reasks)
    assert outcome is EXPECTED[name], (
        f"the recording for {name} now yields {outcome.__name__}, not {EXPECTED[name].__name__}: {result}"
    )


# -- one recorded conversation per article -------------------------------------------------------------


@pytest.mark.vcr
async def test_cassette_ferry_strike() -> None:
    await _check_recording("ferry_strike")


@pytest.mark.vcr
async def test_cassette_bridge_closure() -> None:
    await _check_recording("bridge_closure")


@pytest.mark.vcr
async def test_cassette_harbour_strike() -> None:
    await _check_recording("harbour_strike")


@pytest.mark.vcr
async def test_cassette_river_flood() -> None:
    await _check_recording("river_flood")


@pytest.mark.vcr
async def test_cassette_hospital_cyberattack() -> None:
    await _check_recording("hospital_cyberattack")


@pytest.mark.vcr
async def test_cassette_school_meals() -> None:
    await _check_recording("school_meals")


@pytest.mark.vcr
async def test_cassette_road_repair() -> None:
    await _check_recording("road_repair")


@pytest.mark.vcr
async def test_cassette_farmers_market() -> None:
    await _check_recording("farmers_market")


@pytest.mark.vcr
async def test_cassette_library_opening() -> None:
    await _check_recording("library_opening")


@pytest.mark.vcr
async def test_cassette_news_airline_strike() -> None:
    await _check_recording("news_airline_strike")


@pytest.mark.vcr
async def test_cassette_news_central_bank() -> None:
    await _check_recording("news_central_bank")


@pytest.mark.vcr
async def test_cassette_news_cholera_outbreak() -> None:
    await _check_recording("news_cholera_outbreak")


@pytest.mark.vcr
async def test_cassette_news_data_breach() -> None:
    await _check_recording("news_data_breach")


@pytest.mark.vcr
async def test_cassette_news_diplomatic_row() -> None:
    await _check_recording("news_diplomatic_row")


@pytest.mark.vcr
async def test_cassette_news_wildfire_evacuation() -> None:
    await _check_recording("news_wildfire_evacuation")


@pytest.mark.vcr
async def test_cassette_tram_vote() -> None:
    await _check_recording("tram_vote")


@pytest.mark.vcr
async def test_cassette_drought_rationing() -> None:
    await _check_recording("drought_rationing")


@pytest.mark.vcr
async def test_cassette_pharma_suit() -> None:
    await _check_recording("pharma_suit")


# -- replay properties (no recording needed: they use the cassettes above, replay-only) ---------------


def _replay_only(vcr_config: dict) -> vcrpy.VCR:
    return vcrpy.VCR(cassette_library_dir=str(CASSETTES), record_mode="none", **vcr_config)


async def test_replay_ignores_host_and_port(vcr_config: dict) -> None:
    """A cassette replays whatever base URL is configured: here a port where nothing listens."""
    text = (ARTICLES / "harbour_strike.txt").read_text(encoding="utf-8")
    summarizer, llm = _summarizer("test_cassette_harbour_strike.yaml", base_url="http://127.0.0.1:9/v1")
    with _replay_only(vcr_config).use_cassette("test_cassette_harbour_strike.yaml") as cassette:
        assert len(cassette) >= 1, "cassette missing: record it (docs/recording.md)"
        try:
            result: Brief | SummarizerError = await summarizer.abrief(text)
        except (GroundingError, ModelOutputError) as exc:
            result = exc
    assert isinstance(result, EXPECTED["harbour_strike"]), result
    assert cassette.play_count == len(llm.answers) >= 1
    assert cassette.all_played


async def test_missing_cassette_fails_fast_and_readably(vcr_config: dict, tmp_path: Path) -> None:
    text = (ARTICLES / "river_flood.txt").read_text(encoding="utf-8")
    summarizer, llm = _summarizer("no_such_cassette.yaml")
    replay = vcrpy.VCR(cassette_library_dir=str(tmp_path), record_mode="none", **vcr_config)
    started = time.monotonic()
    with replay.use_cassette("no_such_cassette.yaml"), pytest.raises(ModelError) as info:
        await summarizer.abrief(text)
    assert time.monotonic() - started < 5
    assert "no recorded response matches this request in the cassette" in str(info.value)
    assert info.value.__cause__ is None and info.value.__suppress_context__
    assert not llm.sleeps and not llm.answers  # no retry, no delay
    assert not (tmp_path / "no_such_cassette.yaml").exists()


async def test_body_is_matched_so_another_article_does_not_replay(vcr_config: dict) -> None:
    """Same method and path, another article: the harbour recording must not answer it."""
    text = (ARTICLES / "harbour_strike.txt").read_text(encoding="utf-8")
    changed = text.replace("72-hour strike", "48-hour strike")
    summarizer, llm = _summarizer("test_cassette_harbour_strike.yaml")
    with _replay_only(vcr_config).use_cassette("test_cassette_harbour_strike.yaml") as cassette:
        assert len(cassette) >= 1
        with pytest.raises(ModelError, match="no recorded response matches"):
            await summarizer.abrief(changed)
    assert cassette.play_count == 0
    assert not llm.sleeps


_PLAIN = {"that", "with", "this", "from", "have", "been", "were", "will", "would", "could", "their", "there", "they",
          "them", "than", "then", "into", "over", "about", "after", "also", "more", "which", "while", "what", "when"}


def _content_words(prose: str) -> list[str]:
    return [w for w in re.findall(r"[^\W\d_]{4,}", prose.casefold()) if w not in _PLAIN]


def _unsupported_words(prose: str, article: str) -> list[str]:
    """Content words of the model's prose that the article never uses (prefix match allows inflection)."""
    hay = article.casefold()
    return [w for w in _content_words(prose) if w[: max(4, len(w) - 2)] not in hay]


# -- hygiene of what is committed ----------------------------------------------------------------------


def _cassette_files() -> list[Path]:
    return sorted(CASSETTES.glob("*.yaml"))


def test_every_cassette_test_has_its_cassette() -> None:
    names = {p.stem for p in _cassette_files()}
    wanted = {n for n in globals() if n.startswith("test_cassette_")}
    assert wanted <= names, f"missing cassettes (record them, docs/recording.md): {sorted(wanted - names)}"


@pytest.mark.parametrize("path", _cassette_files(), ids=lambda p: p.name)
def test_committed_cassette_is_clean_and_readable(path: Path) -> None:
    raw = path.read_text(encoding="utf-8")
    low = raw.lower()
    assert "!!binary" not in raw, "compressed body stored: set decode_compressed_response"
    for needle in ("authorization", "bearer ", "x-stainless", "user-agent", "set-cookie", "openai-organization",
                   "openai-project", "x-request-id", "cookie", "api-key"):
        assert needle not in low, needle
    assert not re.search(r"sk-[A-Za-z0-9_\-]{6,}", raw)
    data = yaml.safe_load(raw)
    assert data["interactions"], "empty cassette"
    for interaction in data["interactions"]:
        request, response = interaction["request"], interaction["response"]
        assert request["uri"].endswith("/chat/completions")
        sent = json.loads(request["body"])
        assert sent["tool_choice"]["function"]["name"] == "Draft"
        body = json.loads(response["body"]["string"])  # readable JSON, not bytes
        assert body["object"] == "chat.completion"


# -- what survives, against a careful reader's verdict on every item of the recorded answers ----------------

JUDGED = json.loads((ROOT / "tests" / "real_answers" / "judgments_cassettes.json").read_text(encoding="utf-8"))


def _label_key(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def _kept_labels(brief: Brief) -> set[str]:
    """Every kept item's label, as shown and, for one the gate renamed, as the model gave it."""
    labels = [label for _, label, _ in brief_items(brief)] + renamed_labels(brief)
    return {_label_key(x) for x in labels}


async def test_recorded_answers_keep_what_is_true_and_drop_what_is_not(vcr_config: dict) -> None:
    """The judgments are a reader's, made against each article without the tool's output
    (tests/real_answers/judgments_cassettes_notes.txt says why each unsupported item is)."""
    true_kept = true_total = false_total = 0
    leaked = []
    for name in EXPECTED:
        summarizer, _ = _summarizer(f"test_cassette_{name}.yaml")
        text = from_text((ARTICLES / f"{name}.txt").read_text(encoding="utf-8")).text
        with _replay_only(vcr_config).use_cassette(f"test_cassette_{name}.yaml"):
            kept = _kept_labels(await summarizer.abrief(text))
        for label, verdict in JUDGED[name].items():
            hit = _label_key(label) in kept
            if verdict == "true":
                true_total, true_kept = true_total + 1, true_kept + hit
            elif verdict == "unsupported":
                false_total += 1
                leaked += [f"{name}: {label}"] if hit else []
    assert true_total >= 60 and false_total >= 15
    assert true_kept >= 0.88 * true_total, f"{true_kept}/{true_total} true items kept"
    # ("travel agency" as the role of an association of travel agents was the last to get through); the one
    # known to pass drops a qualifier of the article's words, which no word of the claim shows
    assert set(leaked) <= KNOWN_LEAKS, f"{len(leaked)}/{false_total} unsupported items kept: {leaked}"


# the basin's reservoirs stated as the country's: the claim's words are all the sentence's
KNOWN_LEAKS = {"drought_rationing: Spain's reservoirs fell to 19% of capacity"}
