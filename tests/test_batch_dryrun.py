"""`summarizer batch --dry-run`: inputs, skips, what is done or cached, tokens and cost; no model call, no write."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

from summarizer.batch import FolderBatch
from summarizer.batch_plan import ASSUMED_COMPLETION_TOKENS, plan
from summarizer.llm import estimate_cost
from summarizer.pipeline import prompt_overhead
from summarizer.schemas import Usage
from summarizer.testing import FakeModel
from summarizer.tokens import count_tokens
from tests.test_batch import article, invoke, make_summarizer, quoting_answer, write_folder


def test_a_dry_run_counts_tokens_and_cost_without_a_model_call_or_a_write(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    write_folder(src, 3)
    (src / "broken.txt").write_bytes(b"\xff\xfe\x00")
    (src / "photo.png").write_bytes(b"\x89PNG")
    fake = FakeModel(quoting_answer)
    p = plan(FolderBatch(src, out, summarizer=make_summarizer(fake, model="gpt-4o-mini")))
    assert fake.calls == 0 and not out.exists()
    assert (p.total, p.to_brief, p.already_done, p.cached, p.calls) == (4, 3, 0, 0, 3)
    assert [rel for rel, _ in p.would_fail] == ["broken.txt"] and "UTF-16" in p.would_fail[0][1]
    assert p.skipped == [("photo.png", "unsupported file type .png")]
    overhead = prompt_overhead("gpt-4o-mini")
    expected = sum(count_tokens(article(i).strip(), "gpt-4o-mini") + overhead for i in range(3))
    assert abs(p.prompt_tokens - expected) <= 3  # the cleaned text may differ from the file by a newline
    assert p.completion_tokens == 3 * ASSUMED_COMPLETION_TOKENS
    assert p.cost_usd == estimate_cost("gpt-4o-mini", Usage(prompt_tokens=p.prompt_tokens,
                                                            completion_tokens=p.completion_tokens))
    assert p.cost_usd is not None and p.cost_usd > 0


def test_a_dry_run_after_a_run_sees_what_is_done_and_what_the_cache_holds(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    write_folder(src, 3, nested=False)
    fake = FakeModel(quoting_answer)
    asyncio.run(FolderBatch(src, out, summarizer=make_summarizer(fake)).run())
    calls, listing = fake.calls, sorted(p.name for p in out.iterdir())
    (out / "story0.json").unlink()  # gone from OUT, still in the brief cache
    (src / "story7.txt").write_text(article(7), encoding="utf-8")
    p = plan(FolderBatch(src, out, summarizer=make_summarizer(fake)))
    assert (p.total, p.already_done, p.cached, p.to_brief, p.calls) == (4, 2, 1, 1, 1)
    assert p.cost_usd is None  # fake-model has no list price
    assert fake.calls == calls and sorted(x.name for x in out.iterdir()) == [n for n in listing if n != "story0.json"]


def test_cli_dry_run_needs_no_key_and_says_unknown_price(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    write_folder(src, 2)
    (src / "notes.pdf").write_bytes(b"%PDF")
    priced = invoke(str(src), "--out", str(out), "--dry-run", "--model", "gpt-4o-mini")
    assert priced.exit_code == 0, priced.output
    assert "nothing sent to the model and nothing written: 2 articles, 2 to brief, 0 already done" in priced.stdout
    assert "skipped notes.pdf: unsupported file type .pdf" in priced.stdout
    assert "estimated cost $" in priced.stdout and "Model calls: 2" in priced.stdout
    unpriced = invoke(str(src), "--out", str(out), "--dry-run", "--model", "my-model",
                      "--base-url", "http://127.0.0.1:9/v1")  # nothing listens there: never asked
    assert unpriced.exit_code == 0 and "unknown price for my-model" in unpriced.stdout
    assert not out.exists()
    shutil.rmtree(src)
    missing = invoke(str(src), "--out", str(out), "--dry-run", "--model", "gpt-4o-mini")
    assert missing.exit_code == 1 and "no such folder" in missing.stderr
