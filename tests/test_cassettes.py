"""The real pipeline against recordings of a real OpenAI-compatible server (no fakes on the wire).

The cassettes under `cassettes/` were recorded from a llama.cpp server running SmolLM2-135M-Instruct (see
docs/recording.md). That model's briefs are junk: it invents people and quotes. These tests show what the
grounding gate makes of that: whatever survives is quoted verbatim from the article, and whatever was
invented is reported in `provenance.dropped`, never shown as a fact.

Replay matches method, path and body, never host or port, so the base URL below only matters when
recording. Configuration comes from the environment, read at import (the autouse `_isolated_env` fixture
clears OPENAI_API_KEY before each test runs):

    SUMMARIZER_RECORD_BASE_URL  server to record from (default: the local llama.cpp server)
    SUMMARIZER_RECORD_MODEL     model name sent (default: the model recorded in the cassette, else smollm2)
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
from summarizer.errors import GroundingError, ModelError
from summarizer.llm import LLM
from summarizer.pipeline import Summarizer

RECORD_BASE_URL = os.environ.get("SUMMARIZER_RECORD_BASE_URL") or "http://127.0.0.1:8765/v1"
RECORD_MODEL = os.environ.get("SUMMARIZER_RECORD_MODEL") or None
RECORD_API_KEY = os.environ.get("OPENAI_API_KEY") or "unused"
ROOT = Path(__file__).resolve().parents[1]
ARTICLES = ROOT / "tests" / "articles"
CASSETTES = ROOT / "cassettes"  # the same folder as the vcr_cassette_dir fixture in conftest.py
DEFAULT_RECORD_MODEL = "smollm2"  # what the committed cassettes were recorded with
REASKS = 1
MAX_OUTPUT_TOKENS = 700


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
        self.sleeps: list[float] = []

    async def _send(self, stats: Any, kwargs: dict[str, Any]) -> Any:
        completion = await super()._send(stats, kwargs)
        self.answers.append(completion)
        return completion


def _summarizer(cassette_name: str, *, base_url: str = RECORD_BASE_URL) -> tuple[Summarizer, _KeepAnswers]:
    model = RECORD_MODEL or _recorded_model(CASSETTES / cassette_name) or DEFAULT_RECORD_MODEL
    client = openai.AsyncOpenAI(base_url=base_url, api_key=RECORD_API_KEY, max_retries=0)

    async def no_sleep(seconds: float) -> None:
        llm.sleeps.append(seconds)

    llm = _KeepAnswers(client, model=model, sleep=no_sleep)
    return Summarizer(llm, cache=False, reasks=REASKS, max_output_tokens=MAX_OUTPUT_TOKENS), llm


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


def _in_article(name: str, article: str) -> bool:
    """Independent of the gate: every word of the name occurs somewhere in the article."""
    words = [w for w in _words(name) if w != "the"]
    hay = article.casefold()
    return bool(words) and all(w in hay for w in words)


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
    # every name shown is in the article
    for actor in brief.who:
        assert _in_article(actor.name, brief.source.text), actor.name
    for response in brief.proposed_responses:
        assert _in_article(response.proposed_by, brief.source.text), response.proposed_by
    # provenance adds up
    prov = brief.provenance
    assert prov.attempts >= 1
    assert prov.attempts == len(llm.answers)
    assert prov.usage.prompt_tokens > 0 and prov.usage.completion_tokens > 0
    assert prov.usage.total_tokens == sum(a.usage.total_tokens for a in llm.answers)
    # what the model invented is reported as dropped, never shown
    dropped = {d.text for d in prov.dropped}
    shown = {a.name for a in brief.who} | {r.proposed_by for r in brief.proposed_responses}
    drafts = _drafts(llm)
    invented = [_invented_names(d, brief.source.text) for d in drafts]
    for names in invented:
        assert not names & shown, f"invented names shown as facts: {names & shown}"
    if any(invented):
        # the answer the brief was built from had its inventions listed as dropped
        assert any(names and names <= dropped for names in invented), (invented, dropped)
    for d in prov.dropped:
        assert d.reason and d.item


def _check_nothing_survived(exc: GroundingError, llm: _KeepAnswers, article: str) -> None:
    assert "nothing in the model's answer could be verified" in str(exc)
    assert len(llm.answers) >= 1
    assert sum(a.usage.total_tokens for a in llm.answers) > 0


async def _run(name: str) -> tuple[Brief | GroundingError, _KeepAnswers, str]:
    text = (ARTICLES / f"{name}.txt").read_text(encoding="utf-8")
    summarizer, llm = _summarizer(f"test_cassette_{name}.yaml")
    started = time.monotonic()
    try:
        result: Brief | GroundingError = await summarizer.abrief(text)
    except GroundingError as exc:
        result = exc
    assert not llm.sleeps, "a transport retry happened while recording or replaying"
    if os.environ.get("SUMMARIZER_CASSETTE_VERBOSE"):
        print(f"{name}: {time.monotonic() - started:.2f}s, {len(llm.answers)} answers")
    return result, llm, text


# -- one recorded conversation per article -------------------------------------------------------------


@pytest.mark.vcr
async def test_cassette_harbour_strike() -> None:
    result, llm, text = await _run("harbour_strike")
    assert isinstance(result, Brief), result
    _check_brief(result, text, llm)


@pytest.mark.vcr
async def test_cassette_river_flood() -> None:
    result, llm, text = await _run("river_flood")
    assert isinstance(result, Brief), result
    _check_brief(result, text, llm)


@pytest.mark.vcr
async def test_cassette_hospital_cyberattack() -> None:
    result, llm, text = await _run("hospital_cyberattack")
    assert isinstance(result, Brief), result
    _check_brief(result, text, llm)


@pytest.mark.vcr
async def test_cassette_school_meals() -> None:
    result, llm, text = await _run("school_meals")
    assert isinstance(result, Brief), result
    _check_brief(result, text, llm)


# -- replay properties (no recording needed: they use the cassettes above, replay-only) ---------------


def _replay_only(vcr_config: dict) -> vcrpy.VCR:
    return vcrpy.VCR(cassette_library_dir=str(CASSETTES), record_mode="none", **vcr_config)


async def test_replay_ignores_host_and_port(vcr_config: dict) -> None:
    """A cassette replays whatever base URL is configured: here a port where nothing listens."""
    text = (ARTICLES / "harbour_strike.txt").read_text(encoding="utf-8")
    summarizer, llm = _summarizer("test_cassette_harbour_strike.yaml", base_url="http://127.0.0.1:9/v1")
    with _replay_only(vcr_config).use_cassette("test_cassette_harbour_strike.yaml") as cassette:
        assert len(cassette) >= 1, "cassette missing: record it (docs/recording.md)"
        brief = await summarizer.abrief(text)
    assert isinstance(brief, Brief)
    assert cassette.play_count == brief.provenance.attempts == len(llm.answers)


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
