"""Batch bookkeeping that agrees with itself: one vocabulary in bar and summary, a sane ETA, the same failure
field names in both files, and no lock file left behind (while one batch per folder stays enforced)."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

import summarizer.cli  # noqa: F401  (imported first: it registers cli_batch's command)
from summarizer.batch import BatchReport, FolderBatch
from summarizer.batch_files import LOCK_NAME
from summarizer.batch_run import BatchResult
from summarizer.cli_progress import EtaClock
from summarizer.errors import SummarizerError
from summarizer.testing import FakeModel, FakeServer
from tests.test_batch import LOCAL, invoke, jsonl, make_summarizer, quoting_answer, write_folder

TTY = {"TTY_COMPATIBLE": "1", "TTY_INTERACTIVE": "0", "COLUMNS": "160"}


@LOCAL
def test_rerun_bar_and_summary_use_the_same_words_and_numbers(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    write_folder(src, 4)
    with FakeServer(FakeModel(quoting_answer)) as server:
        args = [str(src), "--out", str(out), "--base-url", server.base_url, "--model", "fake-model"]
        first = invoke(*args, env=TTY)
        assert first.exit_code == 0
        assert "new 4 · cached 0 · already done 0 · failed 0" in first.stderr
        assert "(4 new, 0 cached, 0 already done), 0 failed" in first.stdout
        again = invoke(*args, env=TTY)
    assert again.exit_code == 0
    bar = re.findall(r"new (\d+) · cached (\d+) · already done (\d+) · failed (\d+)", again.stderr)[-1]
    summary = re.search(r"\((\d+) new, (\d+) cached, (\d+) already done\), (\d+) failed", again.stdout)
    assert summary is not None and bar == summary.groups() == ("0", "0", "4", "0")
    assert "from cache" not in again.stdout


def _result(status: str) -> BatchResult:
    return BatchResult(index=0, source=None, label="x", status=status)


def test_eta_is_hidden_until_a_full_round_has_finished() -> None:
    now = [0.0]
    report = BatchReport(folder=Path("in"), out=Path("out"), total=16)
    clock = EtaClock(report, concurrency=4, clock=lambda: now[0])
    for finished in (1, 2):  # 2 of 16 after 4 s: no "eta 0:00:01"
        now[0] = 4.0
        report.ok = finished
        clock.observe(_result("ok"))
        assert clock.text() == ""
    for finished in (3, 4):
        now[0] = 8.0
        report.ok = finished
        clock.observe(_result("ok"))
    assert clock.seconds_left() == pytest.approx(8.0 / 4 * 12)  # 2 s an article, 12 left
    assert clock.text() == "about 0:00:24 left"
    report.ok = 16
    assert clock.text() == ""  # nothing left: nothing to promise


def test_eta_ignores_articles_found_already_done() -> None:
    now = [0.0]
    report = BatchReport(folder=Path("in"), out=Path("out"), total=10)
    clock = EtaClock(report, concurrency=1, clock=lambda: now[0])
    now[0] = 1.0
    for _ in range(5):  # instant: they must not make the rest look instant too
        report.unchanged += 1
        clock.observe(_result("unchanged"))
    for _ in range(3):
        now[0] += 10.0
        report.ok += 1
        clock.observe(_result("ok"))
    assert clock.seconds_left() == pytest.approx(10.0 * 2)


def test_failures_have_the_same_field_names_in_both_files(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    write_folder(src, 2, nested=False)
    (src / "broken.txt").write_bytes(b"\xff\xfe\x00")
    asyncio.run(FolderBatch(src, out, summarizer=make_summarizer(FakeModel(quoting_answer))).run())
    [error] = jsonl(out / "errors.jsonl")
    [line] = [r for r in jsonl(out / "index.jsonl") if r["status"] == "failed"]
    assert set(error) == {"path", "error", "error_type", "finished_at"}
    assert {k: line[k] for k in error} == error
    assert error["error_type"] == "UnreadableSourceError"


def test_no_lock_file_is_left_but_two_batches_on_one_folder_are_still_refused(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    write_folder(src, 3)
    fake = FakeModel(quoting_answer)
    refused: list[str] = []

    def second_batch(_: BatchResult) -> None:
        if refused:
            return
        assert (out / LOCK_NAME).exists()  # held while the first one runs
        other = FolderBatch(src, out, summarizer=make_summarizer(fake))
        with pytest.raises(SummarizerError, match="another batch is writing to this folder") as caught:
            asyncio.run(other.run())
        refused.append(str(caught.value))

    def in_thread(result: BatchResult) -> None:
        # asyncio.run cannot nest: the second batch starts from another thread, as another process would
        import threading

        t = threading.Thread(target=second_batch, args=(result,))
        t.start()
        t.join()

    report = asyncio.run(FolderBatch(src, out, summarizer=make_summarizer(fake)).run(in_thread))
    assert report.ok == 3 and refused
    assert not (out / LOCK_NAME).exists()
    # and the folder is still known as an output folder, so a later run over its parent never reads it
    again = asyncio.run(FolderBatch(src, out, summarizer=make_summarizer(fake)).run())
    assert again.unchanged == 3 and not (out / LOCK_NAME).exists()
