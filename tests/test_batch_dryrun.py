"""`summarizer batch --dry-run`: inputs, skips, what is done or cached, tokens and cost; no model call, no write."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
from pathlib import Path

import pytest

from summarizer.batch import BatchResult, FolderBatch
from summarizer.batch_plan import ASSUMED_COMPLETION_TOKENS, plan
from summarizer.errors import UnreadableSourceError
from summarizer.llm import estimate_cost
from summarizer.pipeline import Summarizer, prompt_overhead
from summarizer.schemas import Usage
from summarizer.sources import MAX_FILE_BYTES, Article
from summarizer.testing import FakeModel, FakeServer
from summarizer.tokens import count_tokens
from tests.test_batch import LOCAL, article, invoke, make_summarizer, quoting_answer, run, write_folder


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


@LOCAL
def test_a_dry_run_names_the_failures_and_skips_of_a_run_in_the_runs_own_words(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    write_folder(src, 2, nested=False)
    (src / "sub").mkdir()
    with (src / "sub" / "huge.txt").open("wb") as f:
        f.truncate(MAX_FILE_BYTES + 1)  # sparse: over the limit without writing 20 MB
    (src / "empty.txt").write_bytes(b"")
    (src / "binary.txt").write_bytes(bytes(range(256)) * 8)
    try:
        fd = os.open(os.fsencode(src) + b"/bad\xffname.txt", os.O_WRONLY | os.O_CREAT)
    except OSError:
        pytest.skip("this file system only takes UTF-8 names")
    os.write(fd, article(5).encode("utf-8"))
    os.close(fd)
    dry = invoke(str(src), "--out", str(out), "--dry-run", "--model", "fake-model", "--base-url",
                 "http://127.0.0.1:9/v1")  # nothing listens there: never asked
    assert dry.exit_code == 0 and not out.exists(), dry.output
    with FakeServer(FakeModel(quoting_answer)) as server:
        real = invoke(str(src), "--out", str(out), "--base-url", server.base_url, "--model", "fake-model")
    assert real.exit_code == 3, real.output
    failed = sorted(re.findall(r"^\[\d+/\d+\] FAILED +(.+)$", real.stderr, re.M))
    would = sorted(re.findall(r"^  would fail (.+)$", dry.stdout, re.M))
    assert would == failed == [
        "binary.txt: binary data, not text",
        "empty.txt: the input is empty",
        f"sub/huge.txt: file is {MAX_FILE_BYTES + 1:,} bytes; the limit is {MAX_FILE_BYTES:,}",
    ]
    skipped = "  skipped bad\\xffname.txt: file name is not valid UTF-8: rename the file"
    assert skipped in dry.stdout.splitlines() and skipped in real.stdout.splitlines()
    assert "2 to brief, 0 already done" in dry.stdout and "3 would fail, 1 other file skipped." in dry.stdout
    assert "2 of 5 articles briefed" in real.stdout and "3 failed, 1 other file skipped." in real.stdout


def test_a_dry_run_reads_each_input_with_the_runs_own_reader(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "in"
    write_folder(src, 3, nested=False)
    read = Summarizer.read_file

    def stricter(self: Summarizer, path: Path) -> Article:  # a check the reader gains later, and a reader's bug
        if path.name == "story1.txt":
            raise UnreadableSourceError(f"{path}: refused by a newer check")
        if path.name == "story2.txt":
            raise ValueError("an extractor's bug")
        return read(self, path)

    monkeypatch.setattr(Summarizer, "read_file", stricter)
    fake = FakeModel(quoting_answer)
    p = plan(FolderBatch(src, tmp_path / "dry", summarizer=make_summarizer(fake)))
    expected = ["story1.txt: refused by a newer check", "story2.txt: unexpected ValueError: an extractor's bug"]
    assert [f"{rel}: {why}" for rel, why in p.would_fail] == expected
    assert (p.to_brief, p.calls, fake.calls) == (1, 1, 0)
    results: list[BatchResult] = []
    run(FolderBatch(src, tmp_path / "out", summarizer=make_summarizer(fake)), results.append)
    assert sorted(r.folder_reason or "" for r in results if not r.ok) == expected and fake.calls == 1


def test_a_dry_run_foresees_the_word_limit_as_the_run_meets_it(tmp_path: Path) -> None:
    src = tmp_path / "in"
    write_folder(src, 2, nested=False)
    (src / "long.txt").write_text(article(7) + "\n\n" + " ".join(["word"] * 400) + ".", encoding="utf-8")
    fake = FakeModel(quoting_answer)

    def limited() -> Summarizer:
        s = make_summarizer(fake)
        s.max_words = 300  # the two stories are shorter, long.txt is not
        return s

    p = plan(FolderBatch(src, tmp_path / "dry", summarizer=limited()))
    assert [rel for rel, _ in p.would_fail] == ["long.txt"] and "-word limit" in p.would_fail[0][1]
    assert (p.to_brief, fake.calls) == (2, 0)
    results: list[BatchResult] = []
    run(FolderBatch(src, tmp_path / "out", summarizer=limited()), results.append)
    assert [r.folder_reason for r in results if not r.ok] == [f"long.txt: {p.would_fail[0][1]}"] and fake.calls == 2
