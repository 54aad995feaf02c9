"""Batch runs against hostile folders (issue 9): FIFOs and devices, corrupt briefs, old output as input."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from summarizer.batch import FolderBatch
from summarizer.errors import SummarizerError
from summarizer.schemas import Brief
from summarizer.testing import FakeError, FakeModel, FakeServer
from tests.test_batch import LOCAL, invoke, jsonl, make_summarizer, quoting_answer, run, write_folder

HARD_TIMEOUT = 60


@LOCAL
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs and /dev/zero")
def test_fifos_and_devices_are_skipped_and_the_rest_briefed(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    write_folder(src, 3, nested=False)
    os.mkfifo(src / "a.txt")
    (src / "zero.txt").symlink_to("/dev/zero")
    with FakeServer(FakeModel(quoting_answer)) as server:
        command = [sys.executable, "-c", "from summarizer.cli import main; main()", "batch", str(src), "--out",
                   str(out), "--base-url", server.base_url, "--model", "fake-model", "--timeout", "5"]
        # the hard timeout is the test's own: a reader stuck on the FIFO fails here instead of hanging
        result = subprocess.run(command, capture_output=True, text=True, timeout=HARD_TIMEOUT, env=dict(os.environ))
    assert result.returncode == 0, result.stderr
    assert "3 of 3 articles briefed" in result.stdout and "2 other files skipped" in result.stdout
    assert "skipped a.txt: not a regular file (a named pipe (FIFO))" in result.stdout
    assert "skipped zero.txt: not a regular file (a character device)" in result.stdout
    statuses = {r["path"]: r["status"] for r in jsonl(out / "index.jsonl")}
    assert statuses["a.txt"] == statuses["zero.txt"] == "skipped"


def test_a_truncated_or_foreign_brief_is_redone_on_rerun(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    write_folder(src, 3, nested=False)
    fake = FakeModel(quoting_answer)
    run(FolderBatch(src, out, summarizer=make_summarizer(fake), markdown=True))
    torn = out / "story1.json"
    torn.write_bytes(torn.read_bytes()[:200])
    (out / "story1.md").write_text("# torn")
    other = out / "story2.json"
    foreign = json.loads((out / "story0.json").read_text())
    other.write_text(json.dumps(foreign))  # a whole brief, but of another article
    report = run(FolderBatch(src, out, summarizer=make_summarizer(fake), markdown=True))
    assert report.unchanged == 1 and report.cached == 2 and report.failed == 0
    for i in range(3):
        brief = Brief.model_validate_json((out / f"story{i}.json").read_text())
        assert f"tram line number {i} " in brief.source.text
    assert (out / "story1.md").read_text().startswith("# ") and (out / "story1.md").read_text() != "# torn"


def test_output_folders_of_earlier_runs_are_never_read_as_input(tmp_path: Path) -> None:
    src = tmp_path / "in"
    write_folder(src, 2, nested=False)
    fake = FakeModel(quoting_answer)
    run(FolderBatch(src, src / "briefs", summarizer=make_summarizer(fake), markdown=True))
    assert list((src / "briefs").glob("*.md"))
    job = FolderBatch(src, tmp_path / "other", summarizer=make_summarizer(fake), markdown=True)
    report = job.scan()
    assert report.total == 2 and [i.rel for i in job.inputs or []] == ["story0.txt", "story1.txt"]
    assert ("briefs/", "output folder of an earlier `summarizer batch` run") in report.skipped
    with pytest.raises(SummarizerError, match="output folder of an earlier batch"):
        FolderBatch(src / "briefs", tmp_path / "third", summarizer=make_summarizer(fake)).scan()


def test_a_file_name_that_is_not_utf8_is_skipped_by_name_and_the_rest_briefed(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    write_folder(src, 3, nested=False)
    try:
        fd = os.open(os.fsencode(src) + b"/bad\xffname.txt", os.O_WRONLY | os.O_CREAT)
    except OSError:
        pytest.skip("this file system only takes UTF-8 names")
    os.write(fd, (src / "story0.txt").read_bytes())
    os.close(fd)
    report = run(FolderBatch(src, out, summarizer=make_summarizer(FakeModel(quoting_answer))))
    assert report.done == 3 and report.failed == 0
    assert report.skipped == [("bad\\xffname.txt", "file name is not valid UTF-8: rename the file")]
    statuses = {r["path"]: r["status"] for r in jsonl(out / "index.jsonl")}
    assert statuses["bad\\xffname.txt"] == "skipped" and len(statuses) == 4
    assert "xffname.txt | file name is not valid UTF-8" in (out / "index.md").read_text(encoding="utf-8")


def test_an_output_folder_that_holds_the_input_folder_is_refused(tmp_path: Path) -> None:
    src = tmp_path / "articles" / "articles"
    write_folder(src, 1, nested=False)
    with pytest.raises(SummarizerError, match="holds the input folder"):
        FolderBatch(src, tmp_path / "articles", summarizer=make_summarizer(FakeModel(quoting_answer))).scan()
    # inside the input folder is fine: earlier output is never read as input
    report = run(FolderBatch(src, src / "briefs", summarizer=make_summarizer(FakeModel(quoting_answer))))
    assert report.done == 1


def test_a_run_stops_once_the_model_server_fails_article_after_article(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    write_folder(src, 30, nested=False)
    fake = FakeModel([FakeError(401, "Incorrect API key provided")])
    report = run(FolderBatch(src, out, summarizer=make_summarizer(fake), concurrency=2))
    assert report.stopped is not None and "8 articles in a row" in report.stopped
    assert "credentials" in report.stopped
    assert 8 <= report.failed <= 10 and report.left == 30 - report.failed  # the rest never sent
    assert report.failed <= fake.calls <= report.failed + 4  # and at most the calls in flight when it stopped
    # a server that fails now and then is not stopped for it
    flaky = FakeModel(lambda body: FakeError(401, "no") if flaky.calls % 3 == 0 else quoting_answer(body))
    report = run(FolderBatch(src, tmp_path / "out2", summarizer=make_summarizer(flaky), concurrency=2))
    assert report.stopped is None and report.failed + report.done == 30 and report.done >= 15


def test_a_linked_folder_is_listed_as_skipped_not_left_out_silently(tmp_path: Path) -> None:
    src, elsewhere = tmp_path / "in", tmp_path / "elsewhere"
    write_folder(src, 1, nested=False)
    write_folder(elsewhere, 2, nested=False)
    (src / "linked").symlink_to(elsewhere, target_is_directory=True)
    report = run(FolderBatch(src, tmp_path / "out", summarizer=make_summarizer(FakeModel(quoting_answer))))
    assert report.done == 1
    assert report.skipped == [("linked/", "a link to a folder, not followed: pass that folder itself")]


def test_an_article_emptied_since_the_last_run_loses_its_old_brief(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    write_folder(src, 2, nested=False)
    run(FolderBatch(src, out, summarizer=make_summarizer(FakeModel(quoting_answer)), markdown=True))
    assert (out / "story0.json").exists() and (out / "story0.md").exists()
    (src / "story0.txt").write_text("")
    report = run(FolderBatch(src, out, summarizer=make_summarizer(FakeModel(quoting_answer)), markdown=True))
    assert report.failed == 1 and report.unchanged == 1
    assert not (out / "story0.json").exists() and not (out / "story0.md").exists()  # no brief of the old text
    assert (out / "story1.json").exists()
    statuses = {r["path"]: r["status"] for r in jsonl(out / "index.jsonl")}
    assert statuses == {"story0.txt": "failed", "story1.txt": "unchanged"}


def test_ctrl_c_while_the_folder_is_read_exits_130_with_a_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from summarizer.cli import cli

    src = tmp_path / "in"
    write_folder(src, 2, nested=False)

    def interrupted(self: FolderBatch, **_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(FolderBatch, "scan", interrupted)
    result = CliRunner().invoke(cli, ["batch", str(src), "--out", str(tmp_path / "out"), "--base-url",
                                      "http://127.0.0.1:9/v1", "--model", "fake-model"],
                                env={"OPENAI_API_KEY": "sk-test"})
    assert result.exit_code == 130, result.output
    assert "interrupted before any article was sent" in result.output and "Aborted" not in result.output
    assert not (tmp_path / "out").exists()


@LOCAL
def test_a_failed_input_is_named_relative_to_the_folder_as_an_ok_one_is(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    write_folder(src, 1, nested=False)
    (src / "sub").mkdir()
    (src / "sub" / "empty.txt").write_bytes(b"")
    with FakeServer(FakeModel(quoting_answer)) as server:
        common = [str(src), "--out", str(out), "--base-url", server.base_url, "--model", "fake-model"]
        plain = invoke(*common)
        # the live bar (a rerun: story0 is already done, the empty file fails again)
        bar = invoke(*common, env={"TTY_COMPATIBLE": "1", "TTY_INTERACTIVE": "0", "COLUMNS": "200"})
    assert plain.exit_code == bar.exit_code == 3, plain.output
    assert re.search(r"^\[\d/2\] ok +story0\.txt -> ", plain.stderr, re.M), plain.stderr
    assert re.search(r"^\[\d/2\] FAILED +sub/empty\.txt: the input is empty$", plain.stderr, re.M), plain.stderr
    shown = re.sub(r"\x1b\[[0-9;]*m", "", bar.stderr)  # the bar's colours
    assert "failed sub/empty.txt: the input is empty" in shown, shown
    assert str(src) not in plain.stderr and str(src) not in shown
