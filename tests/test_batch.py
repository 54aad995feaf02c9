"""The batch surface: `summarize_many`, `FolderBatch` and `summarizer batch`, against scripted fakes only."""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path, PurePath
from typing import Any

import pytest
from click.testing import CliRunner

import summarizer.batch as batch_mod
import summarizer.batch_run as batch_run
import summarizer.pipeline
from summarizer.batch import FolderBatch, asummarize_many, read_index, summarize_many
from summarizer.batch_files import Journal
from summarizer.cli import cli
from summarizer.errors import ConfigError
from summarizer.llm import LLM
from summarizer.pipeline import Summarizer
from summarizer.schemas import Brief
from summarizer.sources import Article
from summarizer.testing import FakeError, FakeModel, FakeServer, fake_async_client

ARTICLES = Path(__file__).parent / "articles"
LOCAL = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])

# --- a fake model that answers any generated article with quotes from it ----------------------------------

FIRST = ["Anna", "Boris", "Clara", "Dmitri", "Elif", "Farid", "Greta", "Hugo"]
LAST = ["Novak", "Lindholm", "Okafor", "Petrescu", "Quinn", "Rahman", "Silva", "Tanaka"]
TOWNS = ["Arden", "Belmora", "Corvik", "Dunmere", "Eskholt", "Falwick", "Gorsk"]
_TAGGED = re.compile(r"<(article[^<>\s]*)>\n(.*)\n</\1>", re.S)
_ACTOR = re.compile(r"^([A-Z]\w+ [A-Z]\w+), ([^,\n]+),", re.M)


def article(i: int) -> str:
    """A short, distinct news story; its first line and its 'Name Surname, role,' line are what the fake quotes."""
    town, person = TOWNS[i % len(TOWNS)], f"{FIRST[i % 8]} {LAST[(i // 8) % 8]}"
    return (
        f"The council of {town} approved tram line number {i} on Monday after a long debate about its cost.\n\n"
        f"{person}, mayor of {town}, said the line would open within three years and serve the northern districts.\n\n"
        "Opponents argued that the money should go to road repairs instead, and residents planned a petition.\n"
    )


def html_page(i: int) -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in article(i).split("\n\n"))
    return (
        f"<!doctype html><html><head><title>Tram line {i}</title></head><body><nav><a href='/'>Home</a></nav>"
        f"<article><h1>Tram line {i}</h1>{paragraphs}</article><footer>Comments are closed.</footer></body></html>"
    )


def article_text(body: dict[str, Any]) -> str:
    user = [m["content"] for m in body["messages"] if m["role"] == "user"][-1]
    found = _TAGGED.search(user)
    return found.group(2) if found else user


def quoting_answer(body: dict[str, Any]) -> dict[str, Any]:
    """A grounded Draft for whatever article the request carries: every quote is copied from it."""
    text = article_text(body)
    first = next(line.strip() for line in text.splitlines() if line.strip())
    actor = _ACTOR.search(text)
    who = [{"name": actor.group(1), "role": actor.group(2), "evidence": [actor.group(0).rstrip(",")]}] if actor else []
    return {"headline": first, "who": who, "what": {"summary": first, "evidence": [first]},
            "background": [], "proposed_responses": []}


def make_summarizer(fake: FakeModel, *, concurrency: int = 4, model: str = "fake-model", **llm: Any) -> Summarizer:
    return Summarizer(LLM(fake_async_client(fake), model=model, max_concurrency=concurrency, **llm))


def write_folder(root: Path, n: int, *, nested: bool = True) -> list[Path]:
    paths = []
    for i in range(n):
        sub = root / ("sub" if nested and i % 2 else "") / ("deep" if nested and i % 4 == 3 else "")
        sub.mkdir(parents=True, exist_ok=True)
        path = sub / f"story{i}.txt"
        path.write_text(article(i), encoding="utf-8")
        paths.append(path)
    return paths


def run(job: FolderBatch, on_result: Callable[[Any], None] | None = None) -> batch_mod.BatchReport:
    return asyncio.run(job.run(on_result))


def briefs_under(out: Path) -> list[Path]:
    return sorted(p for p in out.rglob("*.json"))


def markdown_briefs(out: Path) -> list[Path]:
    return sorted(p for p in out.rglob("*.md") if p != out / "index.md")  # index.md: the batch report


def jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


# --- layout -------------------------------------------------------------------------------------------------


def test_folder_layout_index_and_markdown(tmp_path: Path) -> None:
    src, out = tmp_path / "articles", tmp_path / "briefs"
    write_folder(src, 4)
    (src / "harbour.txt").write_text((ARTICLES / "harbour_strike.txt").read_text(encoding="utf-8"), encoding="utf-8")
    (src / "web").mkdir()
    (src / "web" / "page.html").write_text(html_page(7), encoding="utf-8")
    (src / "report.pdf").write_bytes(b"%PDF-1.4 not an article")
    (src / "notes").write_text("no extension", encoding="utf-8")
    (src / ".DS_Store").write_bytes(b"\0\0")
    (src / ".git").mkdir()
    (src / ".git" / "HEAD.txt").write_text(article(9), encoding="utf-8")
    fake = FakeModel(quoting_answer)

    report = run(FolderBatch(src, out, summarizer=make_summarizer(fake), markdown=True))

    expected = ["harbour", "story0", "story2", "sub/deep/story3", "sub/story1", "web/page"]
    assert sorted(str(p.relative_to(out).with_suffix("")) for p in briefs_under(out)) == expected
    for name in expected:
        brief = Brief.model_validate_json((out / f"{name}.json").read_text(encoding="utf-8"))
        # the fake quotes each article's first line; harbour's is a headline, so the tool finds the sentence
        assert brief.what is not None and brief.what.evidence[0].match == ("located" if name == "harbour" else "exact")
        assert (out / f"{name}.md").read_text(encoding="utf-8").startswith(f"# {brief.headline}")
    harbour = Brief.model_validate_json((out / "harbour.json").read_text(encoding="utf-8"))
    assert [a.name for a in harbour.who] == ["Elena Maris"]
    assert (report.total, report.ok, report.failed, fake.calls) == (6, 6, 0, 6)
    assert sorted(report.skipped) == [("notes", "unsupported file type (no extension)"),
                                      ("report.pdf", "unsupported file type .pdf")]

    index = {r["path"]: r for r in jsonl(out / "index.jsonl")}
    assert sorted(index) == ["harbour.txt", "notes", "report.pdf", "story0.txt", "story2.txt",
                             "sub/deep/story3.txt", "sub/story1.txt", "web/page.html"]
    assert index["report.pdf"]["status"] == "skipped"
    ok = index["sub/deep/story3.txt"]
    assert ok["status"] == "ok" and ok["output"] == "sub/deep/story3.json" and ok["markdown"] == "sub/deep/story3.md"
    assert ok["provenance"]["model"] == "fake-model" and ok["provenance"]["usage"]["total_tokens"] == 150
    assert len(ok["key"]) == 64 and ok["sha256"] == Brief.model_validate_json(
        (out / "sub/deep/story3.json").read_text(encoding="utf-8")).source.sha256
    assert (out / "errors.jsonl").read_text() == ""
    assert not list(out.rglob("*.tmp"))


def test_inputs_sharing_a_name_keep_their_extension(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    (src / "a.txt").write_text(article(1), encoding="utf-8")
    (src / "a.md").write_text(article(2), encoding="utf-8")
    (src / "b.md").write_text(article(3), encoding="utf-8")
    run(FolderBatch(src, out, summarizer=make_summarizer(FakeModel(quoting_answer))))
    assert [p.name for p in briefs_under(out)] == ["a.md.json", "a.txt.json", "b.json"]
    assert "line number 2" in Brief.model_validate_json((out / "a.md.json").read_text()).headline


def test_output_folder_inside_the_input_folder_is_not_read_back(tmp_path: Path) -> None:
    src = tmp_path / "in"
    write_folder(src, 2, nested=False)
    fake = FakeModel(quoting_answer)
    run(FolderBatch(src, src / "briefs", summarizer=make_summarizer(fake), markdown=True))
    report = run(FolderBatch(src, src / "briefs", summarizer=make_summarizer(fake), markdown=True))
    assert (report.total, report.unchanged, report.skipped, fake.calls) == (2, 2, [], 2)
    with pytest.raises(batch_mod.SummarizerError, match="must differ"):
        FolderBatch(src, src, summarizer=make_summarizer(fake)).scan()


# --- bad inputs ---------------------------------------------------------------------------------------------


def test_bad_files_are_recorded_and_never_stop_the_batch(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    write_folder(src, 2, nested=False)
    (src / "empty.txt").write_bytes(b"")
    (src / "blank.md").write_text("  \n\n ", encoding="utf-8")
    (src / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (src / "latin1.txt").write_bytes(article(5).replace("council", "cónseil").encode("latin-1"))
    (src / "scripts.html").write_text("<html><body><script>boot()</script><div></div></body></html>")
    (src / "paywall.html").write_text("<html><body><p>Subscribe to continue reading this story.</p></body></html>")
    (src / "short.txt").write_text("Too short to brief.", encoding="utf-8")
    fake = FakeModel(quoting_answer)

    report = run(FolderBatch(src, out, summarizer=make_summarizer(fake)))

    assert (report.ok, report.failed, fake.calls) == (2, 7, 2)
    errors = {e["path"]: e for e in jsonl(out / "errors.jsonl")}
    expected = {
        "empty.txt": ("EmptyArticleError", "empty"),
        "blank.md": ("EmptyArticleError", "empty"),
        "binary.txt": ("UnreadableSourceError", "binary data"),
        "latin1.txt": ("UnreadableSourceError", "not valid UTF-8"),
        "scripts.html": ("NotAnArticleError", "no article body"),
        "paywall.html": ("NotAnArticleError", "paywall"),
        "short.txt": ("NotAnArticleError", "too short"),
    }
    assert sorted(errors) == sorted(expected)
    for path, (kind, phrase) in expected.items():
        assert errors[path]["error_type"] == kind
        assert phrase in errors[path]["error"] and path in errors[path]["error"]  # the reason names the input
    assert {r["path"] for r in jsonl(out / "index.jsonl") if r["status"] == "failed"} == set(expected)
    assert [p.name for p in briefs_under(out)] == ["story0.json", "story1.json"]


def test_no_model_configured_is_fatal_before_anything_is_written(tmp_path: Path) -> None:
    write_folder(tmp_path / "in", 1)
    with pytest.raises(ConfigError, match="no model configured"):
        FolderBatch(tmp_path / "in", tmp_path / "out", summarizer=Summarizer(LLM())).scan()
    assert not (tmp_path / "out").exists()


# --- resume, force and the cache key -------------------------------------------------------------------------


def test_rerun_skips_finished_briefs_and_redoes_changed_ones(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    paths = write_folder(src, 5)
    first = FakeModel(quoting_answer)
    run(FolderBatch(src, out, summarizer=make_summarizer(first)))
    written = {p: p.stat().st_mtime_ns for p in briefs_under(out)}

    second = FakeModel(quoting_answer)
    report = run(FolderBatch(src, out, summarizer=make_summarizer(second)))
    assert (second.calls, report.unchanged, report.ok) == (0, 5, 0)
    assert {p: p.stat().st_mtime_ns for p in briefs_under(out)} == written  # not even rewritten

    paths[2].write_text(article(42), encoding="utf-8")
    third = FakeModel(quoting_answer)
    report = run(FolderBatch(src, out, summarizer=make_summarizer(third), markdown=True))
    assert (third.calls, report.ok, report.unchanged) == (1, 1, 4)
    assert "number 42" in Brief.model_validate_json((out / "story2.json").read_text()).headline
    assert len(markdown_briefs(out)) == 5  # --markdown on a rerun renders the kept briefs too, without calls

    forced = FakeModel(quoting_answer)
    report = run(FolderBatch(src, out, summarizer=make_summarizer(forced), force=True))
    assert (forced.calls, report.ok) == (5, 5)


def test_rerun_without_outputs_is_served_by_the_cache(tmp_path: Path) -> None:
    src = tmp_path / "in"
    write_folder(src, 4)
    run(FolderBatch(src, tmp_path / "out1", summarizer=make_summarizer(FakeModel(quoting_answer))))
    fake = FakeModel(quoting_answer)
    report = run(FolderBatch(src, tmp_path / "out2", summarizer=make_summarizer(fake)))
    assert (fake.calls, report.cached, report.total_tokens) == (0, 4, 0)
    assert {r["status"] for r in jsonl(tmp_path / "out2" / "index.jsonl")} == {"cached"}


def test_changing_prompt_version_or_model_redoes_every_brief(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    write_folder(src, 3)
    run(FolderBatch(src, out, summarizer=make_summarizer(FakeModel(quoting_answer))))
    keys = {r["path"]: r["key"] for r in jsonl(out / "index.jsonl")}

    monkeypatch.setattr(summarizer.pipeline, "PROMPT_VERSION", "brief-test-next")
    fake = FakeModel(quoting_answer)
    report = run(FolderBatch(src, out, summarizer=make_summarizer(fake)))
    assert (fake.calls, report.ok, report.unchanged, report.cached) == (3, 3, 0, 0)
    new_keys = {r["path"]: r["key"] for r in jsonl(out / "index.jsonl")}
    assert all(new_keys[p] != keys[p] for p in keys)
    assert {r["provenance"]["prompt_version"] for r in jsonl(out / "index.jsonl")} == {"brief-test-next"}

    other = FakeModel(quoting_answer)
    report = run(FolderBatch(src, out, summarizer=make_summarizer(other, model="other-model")))
    assert (other.calls, report.ok) == (3, 3)
    assert Brief.model_validate_json((out / "story0.json").read_text()).provenance.model == "other-model"


# --- crash safety ---------------------------------------------------------------------------------------------


def test_a_failed_write_leaves_no_torn_file_and_a_rerun_finishes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    write_folder(src, 4, nested=False)
    real_replace = os.replace

    def crashing_replace(a: Any, b: Any) -> None:
        if str(b).endswith("story1.json"):
            raise OSError(28, "No space left on device")
        real_replace(a, b)

    monkeypatch.setattr(os, "replace", crashing_replace)
    fake = FakeModel(quoting_answer)
    report = run(FolderBatch(src, out, summarizer=make_summarizer(fake)))
    assert (report.ok, report.failed) == (3, 1)
    assert not (out / "story1.json").exists() and not list(out.rglob("*.tmp"))
    assert "No space left" in jsonl(out / "errors.jsonl")[0]["error"]

    monkeypatch.setattr(os, "replace", real_replace)
    (out / ".story2.json.0badf00d.tmp").write_text('{"headline": "torn')  # what a kill mid-write leaves
    report = run(FolderBatch(src, out, summarizer=make_summarizer(fake)))
    assert (report.cached, report.unchanged, report.failed) == (1, 3, 0)  # the brief was made; only its file was lost
    assert fake.calls == 4 and not list(out.rglob("*.tmp"))
    assert jsonl(out / "errors.jsonl") == []


def test_a_torn_index_line_is_tolerated_and_compacted(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    write_folder(src, 3, nested=False)
    run(FolderBatch(src, out, summarizer=make_summarizer(FakeModel(quoting_answer))))
    with (out / "index.jsonl").open("a") as f:
        f.write('{"path": "story0.txt", "status": "fai')  # a kill in the middle of an append
    assert set(read_index(out / "index.jsonl")) == {"story0.txt", "story1.txt", "story2.txt"}

    fake = FakeModel(quoting_answer)
    report = run(FolderBatch(src, out, summarizer=make_summarizer(fake)))
    assert (fake.calls, report.unchanged) == (0, 3)
    assert [r["path"] for r in jsonl(out / "index.jsonl")] == ["story0.txt", "story1.txt", "story2.txt"]


def test_cancelling_keeps_finished_briefs_and_reports_what_is_left(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    write_folder(src, 12)
    job = FolderBatch(src, out, summarizer=make_summarizer(FakeModel(quoting_answer, latency=0.1), concurrency=2),
                      concurrency=2)

    async def interrupt_after_four() -> None:
        task = asyncio.ensure_future(job.run(lambda r: task.cancel() if job.report.finished == 4 else None))
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(interrupt_after_four())
    report = job.report
    assert report.interrupted and report.done == 4 and report.left == 8
    assert len(briefs_under(out)) == 4 and all(Brief.model_validate_json(p.read_text()) for p in briefs_under(out))
    assert len(jsonl(out / "index.jsonl")) == 4  # compacted on the way out, every line whole

    fake = FakeModel(quoting_answer)
    report = run(FolderBatch(src, out, summarizer=make_summarizer(fake)))
    assert (report.unchanged, report.done) == (4, 12) and fake.calls <= 8


# --- concurrency and rate limits -------------------------------------------------------------------------------


def test_concurrency_bound_is_honoured(tmp_path: Path) -> None:
    src = tmp_path / "in"
    write_folder(src, 10)
    fake = FakeModel(quoting_answer, latency=0.15)
    # the model allows 8 at once; the batch must hold it to 3
    report = run(FolderBatch(src, tmp_path / "out", summarizer=make_summarizer(fake, concurrency=8), concurrency=3))
    assert report.ok == 10 and fake.max_in_flight == 3


def test_429s_with_retry_after_lose_no_article(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    write_folder(src, 6)
    limited = FakeError(429, "rate limited", headers={"retry-after": "0"})
    fake = FakeModel([limited, limited, quoting_answer, limited, quoting_answer])
    summ = make_summarizer(fake, concurrency=4)
    report = run(FolderBatch(src, out, summarizer=summ, concurrency=4))
    assert (report.ok, report.failed) == (6, 0)
    assert fake.calls == 6 + 3  # each 429 retried once by the transport layer, no more
    assert summ.llm.throttle.lowest < 4  # and the batch slowed down as a whole


def test_an_article_the_server_refused_through_transport_retries_is_tried_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch_run, "RETRY_PAUSE_S", 0.01)
    src, out = tmp_path / "in", tmp_path / "out"
    write_folder(src, 1)
    busy = FakeError(503, "overloaded", headers={"retry-after": "0"})
    fake = FakeModel([busy, busy, busy, quoting_answer])
    report = run(FolderBatch(src, out, summarizer=make_summarizer(fake, transport_attempts=3)))
    assert (report.ok, report.failed, fake.calls) == (1, 0, 4)


def test_an_article_that_keeps_failing_is_recorded_then_retried_on_rerun(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch_run, "RETRY_PAUSE_S", 0.01)
    src, out = tmp_path / "in", tmp_path / "out"
    write_folder(src, 3, nested=False)
    down = FakeModel(FakeError(503, "overloaded", headers={"retry-after": "0"}))
    report = run(FolderBatch(src, out, summarizer=make_summarizer(down, transport_attempts=3), retries=1))
    assert (report.failed, down.calls) == (3, 18)  # the whole budget: 3 transport tries x 2 article tries
    errors = jsonl(out / "errors.jsonl")
    assert [e["path"] for e in errors] == ["story0.txt", "story1.txt", "story2.txt"]
    for e in errors:
        assert e["error_type"] == "ModelUnavailableError" and e["error"].startswith(str(src / e["path"]) + ": ")
        assert "HTTP 503" in e["error"] and "article tried 2 times" in e["error"]

    up = FakeModel(quoting_answer)
    report = run(FolderBatch(src, out, summarizer=make_summarizer(up)))
    assert (report.ok, up.calls, jsonl(out / "errors.jsonl")) == (3, 3, [])


def test_a_stuck_article_gives_up_at_its_time_budget(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    write_folder(src, 1)
    fake = FakeModel(quoting_answer, latency=1.0)
    report = run(FolderBatch(src, out, summarizer=make_summarizer(fake), article_timeout=0.2))
    assert report.failed == 1 and report.wall_s < 0.9
    assert "per-article budget" in jsonl(out / "errors.jsonl")[0]["error"]


# --- the library iterators -----------------------------------------------------------------------------------


async def test_asummarize_many_yields_each_input_as_it_finishes(tmp_path: Path) -> None:
    slow = article(0)

    def answer(body: dict[str, Any]) -> dict[str, Any]:
        if article_text(body) == slow.strip():
            time.sleep(1.0)  # long enough to come last on a loaded 2-core machine
        return quoting_answer(body)

    path = tmp_path / "story.txt"
    path.write_text(article(1), encoding="utf-8")
    sources: list[Any] = [slow, path, article(2).encode(), Article(text=article(3), label="given"), b"\x00\x01"]
    fake = FakeModel(answer)
    results = [r async for r in asummarize_many(sources, summarizer=make_summarizer(fake), concurrency=5)]

    assert sorted(r.index for r in results) == [0, 1, 2, 3, 4]
    assert results[-1].index == 0  # the slow one came last, not first
    by_index = {r.index: r for r in results}
    assert by_index[1].label == str(path) and by_index[1].brief is not None
    assert by_index[3].brief is not None and by_index[3].brief.source.label == "given"
    assert by_index[4].status == "failed" and "binary data" in (by_index[4].reason or "")
    assert all(r.key and len(r.key) == 64 for r in results if r.ok)


def test_summarize_many_sync_and_early_exit(tmp_path: Path) -> None:
    fake = FakeModel(quoting_answer)
    results = list(summarize_many([article(i) for i in range(4)], summarizer=make_summarizer(fake), concurrency=2))
    assert sorted(r.status for r in results) == ["ok"] * 4

    slow = FakeModel(quoting_answer, latency=0.2)
    started = time.monotonic()
    for _ in summarize_many([article(i) for i in range(10, 30)], summarizer=make_summarizer(slow), concurrency=2):
        break  # leaving early cancels the rest instead of briefing all 20
    assert time.monotonic() - started < 2 and slow.calls <= 4


async def test_summarize_many_works_inside_a_running_loop() -> None:
    results = list(summarize_many([article(1)], summarizer=make_summarizer(FakeModel(quoting_answer))))
    assert [r.status for r in results] == ["ok"]


def test_summarize_many_raises_config_errors() -> None:
    with pytest.raises(ConfigError):
        list(summarize_many([article(1)], summarizer=Summarizer(LLM())))


# --- the command ----------------------------------------------------------------------------------------------


def invoke(*args: str, env: dict[str, str] | None = None) -> Any:
    return CliRunner().invoke(cli, ["batch", *args], env=env, catch_exceptions=False)


@LOCAL
def test_cli_batch_success_rerun_and_failures(tmp_path: Path) -> None:
    src, out = tmp_path / "articles", tmp_path / "briefs"
    write_folder(src, 4)
    (src / "image.png").write_bytes(b"\x89PNG")
    fake = FakeModel(quoting_answer)
    with FakeServer(fake) as server:
        common = ["--base-url", server.base_url, "--model", "fake-model"]
        result = invoke(str(src), "--out", str(out), "--concurrency", "2", "--markdown", *common)
        assert result.exit_code == 0, result.output
        assert "4 of 4 articles briefed (4 new" in result.stdout
        assert "Tokens: 600 (400 in, 200 out)" in result.stdout and "skipped image.png" in result.stdout
        assert re.search(r"\[\d/4\] ok +sub/deep/story3.txt -> .*story3.json", result.stderr)  # plain lines, no tty
        assert len(briefs_under(out)) == 4 and len(markdown_briefs(out)) == 4

        result = invoke(str(src), "--out", str(out), *common)
        assert result.exit_code == 0 and "(0 new, 0 cached, 4 already done)" in result.stdout
        assert fake.calls == 4

        (src / "broken.txt").write_bytes(b"\xff\xfe\x00")
        result = invoke(str(src), "--out", str(out), *common)
        assert result.exit_code == 3
        assert "1 failed" in result.stdout and "errors.jsonl" in result.stdout
        assert "FAILED" in result.stderr and "broken.txt" in result.stderr


@LOCAL
def test_cli_live_bar_on_a_terminal(tmp_path: Path) -> None:
    write_folder(tmp_path / "in", 3)
    with FakeServer(FakeModel(quoting_answer)) as server:
        result = invoke(str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--base-url", server.base_url,
                        env={"TTY_COMPATIBLE": "1", "TTY_INTERACTIVE": "0", "COLUMNS": "120"})
    assert result.exit_code == 0
    assert "3/3" in result.stderr and "new 3 · cached 0 · already done 0 · failed 0" in result.stderr
    assert "[1/3]" not in result.stderr  # the bar, not the plain lines


def test_cli_fatal_errors_exit_1(tmp_path: Path) -> None:
    result = invoke(str(tmp_path / "missing"), "--out", str(tmp_path / "out"), "--base-url", "http://127.0.0.1:9/v1")
    assert result.exit_code == 1 and "no such folder" in result.stderr
    write_folder(tmp_path / "in", 1)
    result = invoke(str(tmp_path / "in"), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1 and "no model configured" in result.stderr
    assert not (tmp_path / "out").exists()


def test_cli_help_has_an_example() -> None:
    result = CliRunner().invoke(cli, ["batch", "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output and "summarizer batch articles/ --out briefs/ --concurrency 8" in result.output
    for option in ("--out", "--concurrency", "--markdown", "--force", "--model", "--base-url", "--no-cache"):
        assert option in result.output


# --- real processes: kill -9 and Ctrl-C ------------------------------------------------------------------------


def _spawn(src: Path, out: Path, base_url: str, *, sigint: Any = signal.SIG_DFL) -> subprocess.Popen[str]:
    """The batch command in a process of its own. `sigint`: how it starts out treating SIGINT: as a command
    run from a terminal (SIG_DFL, whatever this test process was given), or ignored (SIG_IGN), as a shell
    starts a script's background job."""
    command = [sys.executable, "-c", "from summarizer.cli import main; main()", "batch", str(src), "--out", str(out),
               "--concurrency", "4", "--base-url", base_url, "--model", "fake-model"]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ),
                            preexec_fn=lambda: signal.signal(signal.SIGINT, sigint))


def _wait_for(condition: Callable[[], bool], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


@LOCAL
def test_kill_9_mid_run_leaves_no_torn_file_and_a_rerun_finishes(tmp_path: Path) -> None:
    src, out, n = tmp_path / "in", tmp_path / "out", 32
    write_folder(src, n)
    # calls after the sixteenth are held until the kill: a loaded machine that kills late still kills mid-run
    released, answered = threading.Event(), itertools.count()

    def answer(body: dict) -> dict:
        if next(answered) >= 16:
            released.wait(60)
        return quoting_answer(body)

    fake = FakeModel(answer, latency=0.25)
    with FakeServer(fake) as server:
        proc = _spawn(src, out, server.base_url)
        try:
            _wait_for(lambda: len(briefs_under(out)) >= 6)
            time.sleep(0.05 + 0.2 * (os.getpid() % 3) / 3)  # land somewhere inside the next round
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.communicate(timeout=10)
            released.set()
        assert proc.returncode == -signal.SIGKILL
        first_calls, kept = fake.calls, briefs_under(out)
        assert 6 <= len(kept) < n
        for path in kept:  # every brief on disk is whole
            Brief.model_validate_json(path.read_text(encoding="utf-8"))
        lines = (out / "index.jsonl").read_text(encoding="utf-8").splitlines()
        for line in lines[:-1]:  # only the very last line may be torn
            json.loads(line)
        assert {r["status"] for r in read_index(out / "index.jsonl").values()} <= {"ok", "failed"}

        rerun = _spawn(src, out, server.base_url)
        stdout, stderr = rerun.communicate(timeout=30)
        assert rerun.returncode == 0, stderr
        second_calls = fake.calls - first_calls
    assert len(briefs_under(out)) == n and not list(out.rglob("*.tmp"))
    assert second_calls <= n - len(kept)  # nothing already on disk was asked for again
    index = jsonl(out / "index.jsonl")
    assert len(index) == n and {r["status"] for r in index} <= {"ok", "cached", "unchanged"}
    assert f"{n} of {n} articles briefed" in stdout


@LOCAL
@pytest.mark.parametrize(("sent", "sigint"), [
    (signal.SIGINT, signal.SIG_DFL),  # Ctrl-C
    (signal.SIGTERM, signal.SIG_DFL),  # `timeout`, docker stop, systemd
    (signal.SIGTERM, signal.SIG_IGN),  # `kill` of a batch a script started in the background (SIGINT ignored)
])
def test_ctrl_c_stops_cleanly_and_says_what_is_left(tmp_path: Path, sent: signal.Signals, sigint: Any) -> None:
    src, out, n = tmp_path / "in", tmp_path / "out", 24
    write_folder(src, n)
    # the first four calls are answered, the rest held until the test is over: however late a loaded machine
    # sends the signal, the batch is still waiting for answers when it comes
    released, answered = threading.Event(), itertools.count()

    def answer(body: dict) -> dict:
        if next(answered) >= 4:
            released.wait(60)
        return quoting_answer(body)

    with FakeServer(FakeModel(answer)) as server:
        proc = _spawn(src, out, server.base_url, sigint=sigint)
        try:
            _wait_for(lambda: len(briefs_under(out)) >= 4)
        finally:
            proc.send_signal(sent)
            try:
                stdout, stderr = proc.communicate(timeout=20)
            finally:
                released.set()
                if proc.poll() is None:  # (it did not stop: fail without leaving it behind)
                    proc.kill()
                    proc.communicate()
    assert proc.returncode == 130, stderr
    assert "Interrupted" in stdout and "run the same command again" in stdout
    done = int(re.search(r"(\d+) of 24 articles briefed", stdout).group(1))
    left = int(re.search(r"Left: (\d+) articles", stdout).group(1))
    assert done + left == n and left > 0
    assert len(briefs_under(out)) == done
    assert len(jsonl(out / "index.jsonl")) == done  # compacted: whole lines only
    assert "Traceback" not in stderr
    assert not list(out.glob(".summarizer-batch.lock*"))  # released: the next run needs no cleanup


def test_walk_is_sorted_and_skips_hidden(tmp_path: Path) -> None:
    for name in ["b/2.txt", "a.txt", ".hidden/x.txt", "b/.y.txt", "c/1.md"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    problems: list[tuple[str, str]] = []
    found = list(batch_mod._walk(tmp_path, None, problems))
    assert [rel for _, rel in found] == ["a.txt", "b/2.txt", "c/1.md"] and problems == []
    assert all(Path(path) == tmp_path / rel for path, rel in found)


def test_the_walk_interns_no_file_name(tmp_path: Path) -> None:
    # pathlib interns the parts of a path it parses: a Path per file sent a whole folder's names through the
    # interpreter's table of interned strings (which grew with the folder, and never shrinks), and kept a
    # top-level file's name there for the run, as its index name
    names = [f"walk-intern-probe-{i}.txt" for i in range(20)]
    for name in names:  # (not `tmp_path / name`: that Path would intern the name itself)
        with open(os.path.join(tmp_path, name), "w") as f:
            f.write("x")
    found = [rel for _, rel in batch_mod._walk(tmp_path, None, [])]
    assert found == sorted(names)
    fresh = ["".join(["walk-intern-probe-", str(i), ".txt"]) for i in range(20)]
    assert all(sys.intern(f) is f for f in fresh)  # none was in the table: interning a fresh copy keeps it


@pytest.mark.parametrize("name, expected", [("a.txt", (".txt", "a")), ("a.tar.gz", (".gz", "a.tar")), ("file.", ("", "file.")),
                                            ("noext", ("", "noext")), ("x.ref.md", (".md", "x.ref"))])
def test_suffix_and_stem_as_pathlib(name: str, expected: tuple[str, str]) -> None:
    assert batch_mod.suffix_and_stem(name) == expected == (PurePath(name).suffix, PurePath(name).stem)


def test_journal_lines_are_durable_per_line(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.jsonl")
    journal.write({"path": "a", "status": "ok"})
    # another process sees the line at once, before close: it was flushed to the OS
    seen = subprocess.run([sys.executable, "-c", f"print(open({str(tmp_path / 'j.jsonl')!r}).read())"],
                          capture_output=True, text=True).stdout
    journal.close()
    assert json.loads(seen.strip()) == {"path": "a", "status": "ok"}


def test_threads_are_not_leaked(tmp_path: Path) -> None:
    write_folder(tmp_path / "in", 3)
    before = threading.active_count()
    run(FolderBatch(tmp_path / "in", tmp_path / "out", summarizer=make_summarizer(FakeModel(quoting_answer))))
    time.sleep(0.1)
    assert threading.active_count() <= before + 1  # the asyncio default executor may keep one


def test_reference_summaries_beside_articles_are_not_briefed(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    write_folder(src, 2, nested=False)
    (src / "story0.ref.txt").write_text("A human summary of the tram story, for summarizer eval.", encoding="utf-8")
    report = run(FolderBatch(src, out, summarizer=make_summarizer(FakeModel(quoting_answer))))
    assert report.ok == 2 and ("story0.ref.txt", "a reference summary (NAME.ref.*), not an article") in report.skipped


def test_cli_exits_1_when_no_article_could_run(tmp_path: Path) -> None:
    write_folder(tmp_path / "in", 2, nested=False)
    # nothing listens on port 1: every article fails, at once (a refused connection is not retried)
    result = invoke(str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--base-url", "http://127.0.0.1:1/v1",
                    "--model", "fake-model")
    assert result.exit_code == 1, result.output
    assert "2 failed" in result.stdout and "127.0.0.1:1" in result.stderr
