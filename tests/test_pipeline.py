"""The pipeline end to end against a fake model (in-process, no sockets)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from summarizer import Brief, Summarizer, asummarize, summarize
from summarizer.errors import ConfigError, GroundingError, ModelOutputError
from summarizer.llm import LLM
from summarizer.testing import FakeModel, fake_async_client, fake_sync_client
from tests.drafts import all_invented, harbour_good, harbour_with_inventions

ROOT = Path(__file__).resolve().parents[1]


def test_sync_summarize_with_a_sync_client(article_text: str) -> None:
    fake = FakeModel([harbour_good()])
    brief = summarize(article_text, client=fake_sync_client(fake), model="gpt-4o-mini", cache=False)
    assert isinstance(brief, Brief)
    assert [a.name for a in brief.who] == ["Elena Maris", "Tomas Lindqvist", "Ana Kovac"]
    assert brief.what and brief.what.where == "Port of Valmora"
    assert brief.provenance.attempts == 1 and brief.provenance.dropped == []
    assert brief.provenance.usage.total_tokens == 150 and brief.provenance.cost_usd is not None
    assert brief.source.sha256 and brief.source.language == "en"
    for item in [*brief.who, brief.what, *brief.background, *brief.proposed_responses, *brief.key_figures]:
        for e in item.evidence:
            assert brief.source.text[e.start : e.end] == e.quote


async def test_inventions_are_reasked_then_dropped_and_reported(article_text: str) -> None:
    fake = FakeModel([harbour_with_inventions()])  # the model never mends its answer
    brief = await asummarize(article_text, client=fake_async_client(fake), cache=False, reasks=2)
    assert fake.calls == 2  # asked once more; the same answer again is not worth a third call
    assert "Sergei Petrov" in json.dumps(fake.requests[1]["messages"])  # the re-ask names the problem
    names = [a.name for a in brief.who]
    assert "Sergei Petrov" not in names and "Elena Maris" in names
    assert all("2,400" not in p.point for p in brief.background)
    assert {d.item for d in brief.provenance.dropped} == {"answer[1].who[3]", "answer[1].background[1]"}
    assert all(d.text is None for d in brief.provenance.dropped)  # the inventions are not kept by default
    rendered = brief.model_dump_json()
    assert "Petrov" not in rendered and "declared illegal" not in rendered and "2,400" not in rendered
    assert brief.provenance.attempts == 2 and brief.provenance.usage.total_tokens == 300


async def test_the_invented_text_is_kept_only_when_asked(article_text: str) -> None:
    fake = FakeModel([harbour_with_inventions()])
    brief = await asummarize(article_text, client=fake_async_client(fake), cache=False, reasks=0, show_dropped=True)
    assert {d.text for d in brief.provenance.dropped} == {"Sergei Petrov: mediator", "A 2,400-job cut was announced."}


async def test_a_mended_answer_is_used(article_text: str) -> None:
    fake = FakeModel([harbour_with_inventions(), harbour_good()])
    brief = await asummarize(article_text, client=fake_async_client(fake), cache=False)
    assert fake.calls == 2 and brief.provenance.attempts == 2
    assert [a.name for a in brief.who] == ["Elena Maris", "Tomas Lindqvist", "Ana Kovac"]
    # the first answer's inventions are reported once each, the mended answer is clean
    assert {d.item for d in brief.provenance.dropped} == {"answer[0].who[3]", "answer[0].background[1]"}


async def test_nothing_verifiable_is_an_error(article_text: str) -> None:
    fake = FakeModel([all_invented()])
    with pytest.raises(GroundingError, match="nothing in the model's answer could be verified") as err:
        await asummarize(article_text, client=fake_async_client(fake), reasks=1)
    assert err.value.attempts == 2 and err.value.usage.total_tokens == 300  # a failed brief still cost tokens
    # nothing was cached: the next call asks again
    with pytest.raises(GroundingError):
        await asummarize(article_text, client=fake_async_client(fake), reasks=0)
    assert fake.calls == 3


async def test_answers_that_never_fit_the_schema(article_text: str) -> None:
    fake = FakeModel(['{"headline": 3'])
    with pytest.raises(ModelOutputError, match="did not fit"):
        await asummarize(article_text, client=fake_async_client(fake), cache=False, reasks=1)
    assert fake.calls == 2


async def test_cache_hit_makes_no_call_and_settings_change_the_key(article_text: str, tmp_path: Path) -> None:
    fake = FakeModel([harbour_good()])
    s = Summarizer(LLM(fake_async_client(fake), model="gpt-4o-mini"), cache=tmp_path / "c.sqlite3")
    first = await s.abrief(article_text)
    second = await s.abrief(article_text)
    assert fake.calls == 1 and not first.provenance.cached and second.provenance.cached
    assert second.who == first.who
    other = Summarizer(LLM(fake_async_client(fake), model="gpt-4.1-mini"), cache=tmp_path / "c.sqlite3")
    await other.abrief(article_text)
    german = Summarizer(LLM(fake_async_client(fake), model="gpt-4o-mini"), cache=tmp_path / "c.sqlite3", language="de")
    assert german.key(await german.load(article_text)) != s.key(await s.load(article_text))
    await s.abrief(article_text, force=True)
    assert fake.calls == 3


async def test_summarize_from_inside_a_running_loop(article_text: str) -> None:
    fake = FakeModel([harbour_good()])
    brief = summarize(article_text, client=fake_sync_client(fake), cache=False)  # sync API, loop running
    assert brief.headline


def test_no_key_and_no_base_url_names_both(article_text: str) -> None:
    with pytest.raises(ConfigError) as err:
        summarize(article_text, cache=False)
    assert "OPENAI_API_KEY" in str(err.value) and "OPENAI_BASE_URL" in str(err.value)


async def test_requests_run_concurrently_up_to_the_throttle(article_text: str) -> None:
    fake = FakeModel([harbour_good()], latency=0.2)
    s = Summarizer(LLM(fake_async_client(fake), max_concurrency=3), cache=False)
    texts = [article_text + f"\n\nUpdate {i}: the strike continues into its second day at the port." for i in range(7)]
    await asyncio.gather(*(s.abrief(t) for t in texts))
    assert fake.calls == 7 and fake.max_in_flight == 3


def test_exported_json_schema_is_current() -> None:
    on_disk = json.loads((ROOT / "schemas" / "brief.schema.json").read_text(encoding="utf-8"))
    assert on_disk == Brief.model_json_schema(), "regenerate: summarizer schema > schemas/brief.schema.json"


def test_one_summarizer_serves_many_sync_calls(article_text: str) -> None:
    # each sync call runs its own event loop; the client the LLM built must not outlive its loop
    from summarizer.testing import FakeServer, quoting_answer

    fake = FakeModel(quoting_answer)
    with FakeServer(fake) as server:
        s = Summarizer(LLM(base_url=server.base_url, transport_attempts=1), cache=False, reasks=0)
        first = s.brief(article_text)
        second = s.brief(article_text + "\n\nThe strike entered its second day on Wednesday at the port.")
    assert first.headline and second.headline and fake.calls == 2


async def test_inventions_never_reach_the_logs(article_text: str, caplog: pytest.LogCaptureFixture) -> None:
    import logging

    caplog.set_level(logging.INFO)
    fake = FakeModel([harbour_with_inventions()])
    brief = await asummarize(article_text, client=fake_async_client(fake), cache=False, reasks=1)
    assert brief.who and "Sergei Petrov" not in caplog.text and "declared illegal" not in caplog.text


def test_footer_counts_removed_items_and_quotes(article_text: str) -> None:
    from summarizer.render import removed_counts, to_markdown

    brief = summarize(article_text, client=fake_sync_client(FakeModel([harbour_with_inventions()])), cache=False, reasks=0)
    assert removed_counts(brief) == (2, 1)  # Petrov and the 2,400 point; one invented quote of a kept item
    assert "2 items removed as unsupported" in to_markdown(brief)
