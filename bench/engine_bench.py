"""Engine benchmark: what the pipeline costs on top of the model call. Prints numbers; not a test.

    python bench/engine_bench.py [--n 30] [--latency 0.2] [--article tests/articles/harbour_strike.txt]

(a) Wall-time overhead. A FakeServer (a scripted OpenAI-compatible server on a real socket: a fake, not a
    recording) answers every request after a fixed latency with a valid, grounded Draft quoting the article.
    Each round runs the whole pipeline once (`Summarizer(...).abrief(text)`: load, prompt, Instructor, the
    grounding gate, the Brief) and then sends the very request body the pipeline sent through the bare
    `openai` SDK. Each round's article differs by one line, so no per-text cache helps the pipeline. Medians
    of N rounds, with and without latency (the latter shows the absolute milliseconds).

(b) Prompt tokens per call beyond the article: system message + user message minus the article, plus the
    tools JSON as sent (compact separators) and tool_choice, in cl100k (summarizer.tokens). Compared with a
    plain Instructor schema of the four parts with a description on every field.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Literal

import openai
from pydantic import BaseModel, Field

from summarizer.llm import LLM
from summarizer.pipeline import Summarizer
from summarizer.prompts import render_messages
from summarizer.schemas import Brief
from summarizer.testing import FakeModel, FakeServer
from summarizer.tokens import count_tokens, encoding_name

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.drafts import harbour_good  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
MODEL = "gpt-4o-mini"

HARBOUR_DRAFT: dict[str, Any] = harbour_good()  # a grounded answer: every quote copied from the article


# -- (a) wall-time overhead ------------------------------------------------------------------------------


async def _overhead(article: str, n: int, latency: float, warmup: int = 3) -> dict[str, float]:
    fake = FakeModel(HARBOUR_DRAFT, latency=latency)
    with FakeServer(fake) as server:
        ours = openai.AsyncOpenAI(base_url=server.base_url, api_key="x", max_retries=0)
        bare = openai.AsyncOpenAI(base_url=server.base_url, api_key="x", max_retries=0)
        summarizer = Summarizer(LLM(ours, model=MODEL), cache=False)
        pipeline_s: list[float] = []
        sdk_s: list[float] = []
        for i in range(warmup + n):
            text = f"{article}\n\nThis article was checked in benchmark round {i}."
            before = fake.calls
            t0 = time.perf_counter()
            brief = await summarizer.abrief(text)
            t1 = time.perf_counter()
            assert isinstance(brief, Brief) and brief.provenance.attempts == 1, "the fake's answer must validate"
            assert fake.calls == before + 1
            body = fake.requests[-1]
            t2 = time.perf_counter()
            await bare.chat.completions.create(**body)
            t3 = time.perf_counter()
            if i >= warmup:
                pipeline_s.append(t1 - t0)
                sdk_s.append(t3 - t2)
        await ours.close()
        await bare.close()
    p, s = statistics.median(pipeline_s), statistics.median(sdk_s)
    return {"pipeline_ms": p * 1000, "sdk_ms": s * 1000, "overhead_ms": (p - s) * 1000,
            "overhead_pct": (p - s) / s * 100, "n": n}


async def _pure_steps(article: str, n: int) -> dict[str, float]:
    """Where the non-network time goes: some of the pipeline's steps, timed alone (median ms)."""
    from instructor.v2.core.function_calls import response_schema
    from instructor.v2.providers.openai.schema import generate_openai_schema

    from summarizer.schemas import Draft, bind_gate, ground
    from summarizer.schemas.grounding import Gate
    from summarizer.sources import aload

    raw = json.dumps(HARBOUR_DRAFT)
    out: dict[str, list[float]] = {
        "load": [], "language": [], "render": [], "token count": [],
        "Instructor model+schema": [], "parse+gate": [], "ground": [],
    }
    for i in range(n):
        text = f"{article}\n\nThis article was checked in timing round {i}."
        marks = [time.perf_counter()]
        loaded = await aload(text)
        marks.append(time.perf_counter())
        loaded.language  # noqa: B018
        marks.append(time.perf_counter())
        render_messages(loaded.text, title=loaded.title)
        marks.append(time.perf_counter())
        count_tokens(loaded.text, MODEL)
        marks.append(time.perf_counter())
        # Instructor wraps the response model in a new class on every call, so its schema cache never hits
        generate_openai_schema(response_schema(Draft))
        marks.append(time.perf_counter())
        with bind_gate(Gate(loaded.text)):
            draft = Draft.model_validate_json(raw)
        marks.append(time.perf_counter())
        ground(draft, loaded.text)
        marks.append(time.perf_counter())
        for key, a, b in zip(out, marks, marks[1:], strict=False):
            out[key].append((b - a) * 1000)
    return {k: statistics.median(v) for k, v in out.items()}


# -- (b) prompt tokens -----------------------------------------------------------------------------------


class BaselineActor(BaseModel):
    name: str = Field(description="Name of the person, group, state or institution involved in the story.")
    role: str = Field(description="The role this actor plays in the story.")
    evidence: list[str] = Field(description="Exact quotes from the article that support this actor's role.")


class BaselineWhat(BaseModel):
    summary: str = Field(description="A one-sentence summary of the central event of the article.")
    where: str | None = Field(default=None, description="Where the event happened, if the article says so.")
    when: str | None = Field(default=None, description="When the event happened, if the article says so.")
    evidence: list[str] = Field(description="Exact quotes from the article that support the summary.")


class BaselinePoint(BaseModel):
    point: str = Field(description="A piece of background: an earlier event or context that explains the story.")
    evidence: list[str] = Field(description="Exact quotes from the article that support this point.")


class BaselineResponse(BaseModel):
    proposed_by: str = Field(description="Who proposed, called for or agreed to this response.")
    action: str = Field(description="The action that was proposed, called for or agreed.")
    kind: Literal["military", "sanctions", "diplomatic", "economic", "humanitarian", "other"] = Field(
        description="The kind of response."
    )
    status: Literal["proposed", "called_for", "agreed", "rejected"] = Field(
        description="Whether the response was proposed, called for, agreed or rejected."
    )
    evidence: list[str] = Field(description="Exact quotes from the article that support this response.")


class ArticleBrief(BaseModel):
    """A structured brief of a news article."""

    who: list[BaselineActor] = Field(description="The people, groups, states and institutions involved.")
    what: BaselineWhat = Field(description="The central event of the article.")
    background: list[BaselinePoint] = Field(description="Earlier events and context, in chronological order.")
    proposed_responses: list[BaselineResponse] = Field(
        description="Responses proposed, called for or agreed by the actors, with who proposed them."
    )


def _compact(obj: Any) -> str:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def _tools_for(model: type[BaseModel]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    from instructor.v2.providers.openai.schema import generate_openai_schema

    schema = generate_openai_schema(model)
    return [{"type": "function", "function": schema}], {"type": "function", "function": {"name": schema["name"]}}


def _tokens(article: str) -> dict[str, Any]:
    count = count_tokens
    system, user = (m["content"] for m in render_messages(article))
    assert article in user
    wrapper = user.replace(article, "", 1)

    # what the pipeline really sends: captured from a fake, so this counts the request, not a reconstruction
    fake = FakeModel(HARBOUR_DRAFT)

    async def capture() -> dict[str, Any]:
        from summarizer.testing import fake_async_client

        await Summarizer(LLM(fake_async_client(fake), model=MODEL), cache=False).abrief(article)
        return fake.requests[0]

    sent = asyncio.run(capture())
    assert sent["messages"][0]["content"] == system and sent["messages"][1]["content"] == user
    ours_tools, ours_choice = sent["tools"], sent["tool_choice"]
    base_tools, base_choice = _tools_for(ArticleBrief)
    # a plain Instructor call sends the article as the user message with a one-line instruction
    base_user = "Summarize this news article:\n\n"
    ours = {
        "system": count(system),
        "user wrapper": count(user) - count(article),
        "tools": count(_compact(ours_tools)),
        "tool_choice": count(_compact(ours_choice)),
    }
    base = {
        "system": 0,
        "user wrapper": count(base_user + article) - count(article),
        "tools": count(_compact(base_tools)),
        "tool_choice": count(_compact(base_choice)),
    }
    return {"article": count(article), "ours": ours, "baseline": base, "wrapper_text": wrapper,
            "ours_tools_json": _compact(ours_tools), "baseline_tools_json": _compact(base_tools)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=30)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--article", type=Path, default=ROOT / "tests" / "articles" / "harbour_strike.txt")
    parser.add_argument("--show-schemas", action="store_true", help="print both tools JSONs")
    args = parser.parse_args(argv)

    from summarizer.sources import from_text

    article = from_text(args.article.read_text(encoding="utf-8")).text
    print(f"article: {args.article.relative_to(ROOT) if args.article.is_relative_to(ROOT) else args.article}")

    print("\n(a) wall time per brief, pipeline vs the bare openai SDK sending the same request body")
    for latency in (args.latency, 0.0):
        r = asyncio.run(_overhead(article, args.n, latency))
        verdict = "" if latency == 0 else ("  (target < 5%: met)" if r["overhead_pct"] < 5 else "  (target < 5%: MISSED)")
        print(f"  model latency {latency * 1000:5.0f} ms, n={r['n']}: pipeline {r['pipeline_ms']:7.1f} ms median, "
              f"bare SDK {r['sdk_ms']:7.1f} ms median, overhead {r['overhead_ms']:+6.1f} ms "
              f"({r['overhead_pct']:+.1f}%){verdict}")
    steps = asyncio.run(_pure_steps(article, args.n))
    print("  some steps alone (median ms): " + ", ".join(f"{k} {v:.2f}" for k, v in steps.items())
          + f"; sum {sum(steps.values()):.1f}")
    print(f"  at a typical hosted-model latency of 2 s the same overhead is "
          f"{r['overhead_ms'] / 2000 * 100:.1f}%")

    t = _tokens(article)
    ours, base = t["ours"], t["baseline"]
    ours_total, base_total = sum(ours.values()), sum(base.values())
    print(f"\n(b) prompt tokens per call beyond the article ({encoding_name(MODEL)}; message framing not counted)")
    print(f"  article: {t['article']} tokens")
    print(f"  {'':14s}{'ours':>8s}{'baseline':>10s}")
    for key in ours:
        print(f"  {key:14s}{ours[key]:8d}{base[key]:10d}")
    print(f"  {'total':14s}{ours_total:8d}{base_total:10d}")
    print(f"  without tool_choice: ours {ours_total - ours['tool_choice']}, "
          f"baseline {base_total - base['tool_choice']}")
    print(f"  ratio ours/baseline: {ours_total / base_total:.2f}   "
          f"(target: ours <= 400: {'met' if ours_total <= 400 else 'MISSED'})")
    print("  note: ours carries 6 parts (adds headline, key_figures) and a system prompt; the baseline has the 4")
    if args.show_schemas:
        print("\nours tools:", t["ours_tools_json"])
        print("\nbaseline tools:", t["baseline_tools_json"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
