"""`summarizer batch --batch-api` against the Files/Batches stand-in (summarizer.testing_batches), driven through
the real `openai` client: the same requests and outputs as a live batch, resumption after kill -9, lost
answers, partial failures, expiry, cancellation, re-ask jobs, batch prices, and no model text in OUT."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from summarizer.batch import FolderBatch
from summarizer.batch_api import ApiOutcome, BatchApiRun
from summarizer.batch_jobs import client_for
from summarizer.batch_ledger import Ledger
from summarizer.errors import SummarizerError
from summarizer.llm import LLM
from summarizer.pipeline import Summarizer
from summarizer.testing import FakeError, FakeModel, FakeServer, quoting_answer
from summarizer.testing_batches import FakeBatchServer, comparable_briefs, comparable_report
from tests.test_liar import _everything_written, _inventions, liar

ARTICLES = Path(__file__).parent / "articles"
ROOT = Path(__file__).resolve().parents[1]
MODEL = "gpt-4o-mini"  # priced, so batch prices show
ENGLISH = sorted(p for p in ARTICLES.glob("*.txt") if ".ref" not in p.name and p.stem not in ("de_hafenstreik", "uk_strajk"))


def folder_of(root: Path, n: int) -> Path:
    """n distinct news articles: the repo's, each copy with a line of its own (cache keys are on the text)."""
    folder = root / "in"
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        src = ENGLISH[i % len(ENGLISH)]
        text = src.read_text(encoding="utf-8").rstrip() + f"\n\nFiled under reference {i:04d}.\n"
        (folder / f"{i:03d}_{src.stem}.txt").write_text(text, encoding="utf-8")
    return folder


def summarizer_for(base_url: str, **options: Any) -> Summarizer:
    return Summarizer(LLM(base_url=base_url, api_key="sk-test-not-a-key", model=MODEL), cache=None, **options)


def api_run(folder: Path, out: Path, server: FakeBatchServer, **options: Any) -> ApiOutcome:
    s = summarizer_for(server.base_url, **options.pop("summarizer_options", {}))
    return BatchApiRun(lambda: FolderBatch(folder, out, summarizer=s), client=client_for(server.base_url, "k"),
                       poll_s=0.02, sleep=time.sleep, **options).run()


def live_run(folder: Path, out: Path, model: FakeModel, **options: Any) -> Any:
    with FakeServer(model) as server:
        s = summarizer_for(server.base_url, **options)

        async def go() -> Any:
            try:
                return await FolderBatch(folder, out, summarizer=s).run()
            finally:
                await s.aclose()

        return asyncio.run(go())








def cli(*args: str, base_url: str, home: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OPENAI_BASE_URL": base_url, "OPENAI_API_KEY": "sk-test-not-a-key", "HOME": str(home),
           "SUMMARIZER_MODEL": MODEL}
    return subprocess.run([sys.executable, "-m", "summarizer", "batch", *args], capture_output=True, text=True,
                          env=env, timeout=timeout, cwd=ROOT)


def test_requests_are_the_live_requests_and_briefs_the_live_briefs(tmp_path: Path) -> None:
    folder = folder_of(tmp_path, 6)
    # a small input budget splits the longer articles into parts: each part is a request of its own
    options = {"max_input_tokens": 900}
    live = FakeModel(quoting_answer)
    live_report = live_run(folder, tmp_path / "live", live, **options)
    assert live_report.ok == 6
    api_model = FakeModel(quoting_answer)
    with FakeBatchServer(api_model) as server:
        outcome = api_run(folder, tmp_path / "api", server, summarizer_options=options)
        sent = [line["body"] for b in server.batches for line in server.lines(b)]
    assert outcome.state == "done" and outcome.report is not None and outcome.report.ok == 6
    canon = sorted(json.dumps(b, sort_keys=True) for b in live.requests)
    assert sorted(json.dumps(b, sort_keys=True) for b in sent) == canon  # the same requests, no more, no fewer
    assert any(json.loads(c)["messages"][-1]["role"] == "user" and len(json.loads(c)["messages"]) > 2 for c in canon)
    assert max(json.loads(p.read_text())["provenance"]["parts"] for p in (tmp_path / "api").glob("*.json")) > 1
    assert comparable_briefs(tmp_path / "api") == comparable_briefs(tmp_path / "live")
    assert comparable_report(tmp_path / "api") == comparable_report(tmp_path / "live")
    # re-asks went as a second, smaller job
    jobs = outcome.jobs
    assert len(jobs) == 2 and jobs[1]["requests"] < jobs[0]["requests"] and jobs[1]["reasks"] == jobs[1]["requests"]


def test_cost_is_at_batch_prices(tmp_path: Path) -> None:
    folder = folder_of(tmp_path, 2)
    live_run(folder, tmp_path / "live", FakeModel(quoting_answer))
    with FakeBatchServer(FakeModel(quoting_answer)) as server:
        outcome = api_run(folder, tmp_path / "api", server)
    assert outcome.report is not None
    for path in (tmp_path / "live").glob("*.json"):
        live_cost = json.loads(path.read_text())["provenance"]["cost_usd"]
        api_cost = json.loads((tmp_path / "api" / path.name).read_text())["provenance"]["cost_usd"]
        assert live_cost > 0 and api_cost == pytest.approx(live_cost / 2, rel=1e-3)
    assert outcome.report.cost_usd == pytest.approx(sum(
        json.loads(p.read_text())["provenance"]["cost_usd"] for p in (tmp_path / "api").glob("*.json")))


def _wait_for(predicate: Any, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _polling(folder: Path, out: Path, server: Any, home: Path) -> subprocess.Popen[str]:
    """`summarizer batch --batch-api` as a process of its own, once its first job is created (and held)."""
    env = {**os.environ, "OPENAI_BASE_URL": server.base_url, "OPENAI_API_KEY": "sk-test-not-a-key",
           "HOME": str(home), "SUMMARIZER_MODEL": MODEL}
    proc = subprocess.Popen([sys.executable, "-m", "summarizer", "batch", str(folder), "--out", str(out),
                             "--batch-api", "--poll", "0.05", "--no-cache"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    jobs_file = out / ".batch-api" / "jobs.json"
    try:
        _wait_for(lambda: jobs_file.exists() and json.loads(jobs_file.read_text())["jobs"][0]["batch_id"])
    except BaseException:
        proc.kill()
        proc.communicate()
        raise
    return proc


def test_forty_articles_killed_between_submission_and_completion_resume_without_resubmitting(tmp_path: Path) -> None:
    folder = folder_of(tmp_path, 40)
    out = tmp_path / "out"
    live_run(folder, tmp_path / "live", FakeModel(quoting_answer))
    model = FakeModel(quoting_answer)
    with FakeBatchServer(model, hold=True) as server:
        proc = _polling(folder, out, server, tmp_path)
        assert proc.poll() is None  # still polling a job that is held in_progress
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        assert len(server.batches) == 1 and model.calls == 0
        server.release()
        done = cli(str(folder), "--out", str(out), "--batch-api", "--poll", "0.05", "--no-cache",
                   base_url=server.base_url, home=tmp_path)
        assert done.returncode == 0, done.stderr
        custom_ids = [line["custom_id"] for b in server.batches for line in server.lines(b)]
    assert len(custom_ids) == len(set(custom_ids))  # nothing submitted twice
    first = server.lines(next(iter(server.batches)))
    assert len(first) == 40 and model.calls == len(custom_ids)
    assert len(comparable_briefs(out)) == 40
    assert comparable_briefs(out) == comparable_briefs(tmp_path / "live")
    assert comparable_report(out) == comparable_report(tmp_path / "live")
    assert "40 of 40 articles briefed (40 new" in done.stdout and "batch prices" in done.stdout


def test_sigterm_while_polling_says_the_jobs_keep_running_and_a_rerun_resumes(tmp_path: Path) -> None:
    folder = folder_of(tmp_path, 4)
    out = tmp_path / "out"
    model = FakeModel(quoting_answer)
    with FakeBatchServer(model, hold=True) as server:
        proc = _polling(folder, out, server, tmp_path)
        proc.send_signal(signal.SIGTERM)  # `timeout`, `kill`, docker stop: as Ctrl-C
        try:
            _, stderr = proc.communicate(timeout=20)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
        assert proc.returncode == 130, stderr
        assert "Submitted jobs keep running" in stderr and "Traceback" not in stderr
        server.release()
        done = cli(str(folder), "--out", str(out), "--batch-api", "--poll", "0.05", "--no-cache",
                   base_url=server.base_url, home=tmp_path)
        assert done.returncode == 0, done.stderr
        custom_ids = [line["custom_id"] for b in server.batches for line in server.lines(b)]
    assert len(custom_ids) == len(set(custom_ids))  # resumed: nothing submitted twice
    assert len(server.lines(next(iter(server.batches)))) == 4
    assert len(comparable_briefs(out)) == 4


def test_a_batch_created_whose_answer_was_lost_is_found_not_created_again(tmp_path: Path) -> None:
    folder = folder_of(tmp_path, 3)
    with FakeBatchServer(FakeModel(quoting_answer), lose_creates=1) as server:
        outcome = api_run(folder, tmp_path / "out", server)
        assert outcome.report is not None and outcome.report.ok == 3
        first_inputs = [b["input_file_id"] for b in server.batches.values()]
    assert len(first_inputs) == len(set(first_inputs)) == len(outcome.jobs)


def test_a_failed_request_is_sent_once_more_then_its_article_fails_with_the_reason(tmp_path: Path) -> None:
    folder = folder_of(tmp_path, 3)
    seen: dict[str, int] = {}

    def flaky(body: dict[str, Any]) -> Any:
        user = body["messages"][1]["content"]
        key = "always" if "reference 0000" in user else "once" if "reference 0001" in user else "fine"
        if len(body["messages"]) > 2:
            return quoting_answer(body)  # a re-ask
        seen[key] = seen.get(key, 0) + 1
        if key == "always" or (key == "once" and seen[key] == 1):
            return FakeError(500, "the engine is overloaded")
        return quoting_answer(body)

    with FakeBatchServer(FakeModel(flaky)) as server:
        outcome = api_run(folder, tmp_path / "out", server)
    report = outcome.report
    assert report is not None and report.ok == 2 and report.failed == 1
    assert seen["always"] == 2 and seen["once"] == 2
    errors = [json.loads(line) for line in (tmp_path / "out" / "errors.jsonl").read_text().splitlines()]
    assert [e["path"] for e in errors] == ["000_" + ENGLISH[0].stem + ".txt"]
    assert "failed this request twice" in errors[0]["error"] and "engine is overloaded" in errors[0]["error"]


def test_an_expired_job_sends_what_did_not_finish_again(tmp_path: Path) -> None:
    folder = folder_of(tmp_path, 6)
    with FakeBatchServer(FakeModel(quoting_answer), expire_after=2, workers=1) as server:
        outcome = api_run(folder, tmp_path / "out", server)
        statuses = [b["status"] for b in server.batches.values()]
        second = server.lines(list(server.batches)[1])
    assert statuses[0] == "expired" and outcome.report is not None and outcome.report.ok == 6
    again = [line["custom_id"] for line in second if line["custom_id"].startswith("p0-a0")]
    first = [line["custom_id"] for line in server.lines(list(server.batches)[0])]
    assert len(again) == 4 and set(again) < set(first)  # the 4 that never ran; the 2 that did have re-asks


def test_no_wait_status_cancel_and_resume(tmp_path: Path) -> None:
    folder = folder_of(tmp_path, 4)
    out = tmp_path / "out"
    with FakeBatchServer(FakeModel(quoting_answer), hold=True) as server:
        submitted = cli(str(folder), "--out", str(out), "--batch-api", "--no-wait", "--no-cache",
                        base_url=server.base_url, home=tmp_path)
        assert submitted.returncode == 0, submitted.stderr
        assert "Rerun the same command" in submitted.stdout
        assert "0 of 4 articles briefed so far, 0 failed, 4 waiting for the Batch API" in submitted.stdout
        status = cli("--status", str(out), base_url=server.base_url, home=tmp_path)
        assert status.returncode == 0 and "in_progress" in status.stdout and "4 queued" in status.stdout
        cancelled = cli("--cancel", str(out), base_url=server.base_url, home=tmp_path)
        assert cancelled.returncode == 0 and "Cancelled" in cancelled.stdout, cancelled.stderr
        server.wait_until(lambda: all(b["status"] == "cancelled" for b in server.batches.values()))
        server.release()
        resumed = cli(str(folder), "--out", str(out), "--batch-api", "--poll", "0.05", "--no-cache",
                      base_url=server.base_url, home=tmp_path)
        assert resumed.returncode == 0, resumed.stderr
        assert len(list(out.glob("*.json"))) == 4
        assert [b["status"] for b in server.batches.values()][0] == "cancelled"
        assert len(server.batches) >= 2  # the cancelled job's requests went again


def test_reask_live_sends_no_second_job(tmp_path: Path) -> None:
    folder = folder_of(tmp_path, 4)
    model = FakeModel(quoting_answer)
    with FakeBatchServer(model) as server:
        outcome = api_run(folder, tmp_path / "out", server, live_reasks=True)
        lines = [line for b in server.batches for line in server.lines(b)]
    assert len(outcome.jobs) == 1 and len(lines) == 4
    assert model.calls > 4  # the re-asks were answered live, on chat/completions
    assert outcome.report is not None and outcome.report.ok == 4


def test_a_lying_model_leaves_nothing_in_out_even_in_the_ledger(tmp_path: Path) -> None:
    from tests.test_liar import NAMES

    src = tmp_path / "in"
    src.mkdir()
    for name in NAMES:
        (src / f"{name}.txt").write_text((ARTICLES / f"{name}.txt").read_text(encoding="utf-8"), encoding="utf-8")
    with FakeBatchServer(FakeModel(liar)) as server:
        outcome = api_run(src, tmp_path / "out", server)
    assert outcome.report is not None and outcome.report.ok == len(NAMES)
    written = _everything_written(tmp_path / "out")
    assert (tmp_path / "out" / ".batch-api" / "jobs.json").exists()
    assert [x for x in _inventions(src) if x in written] == []


def test_a_server_without_a_batch_api_and_the_local_model_are_clear_errors(tmp_path: Path) -> None:
    folder = folder_of(tmp_path, 1)
    with FakeBatchServer(FakeModel(quoting_answer), batch_api=False) as plain:  # like llama.cpp: 404
        s = summarizer_for(plain.base_url)
        run = BatchApiRun(lambda: FolderBatch(folder, tmp_path / "out", summarizer=s),
                          client=client_for(plain.base_url, "k"), poll_s=0.02)
        with pytest.raises(SummarizerError) as err:
            run.run()
    assert "has no Batch API" in str(err.value) and "without --batch-api" in str(err.value)
    local = Summarizer(LLM(model="local"), cache=None)
    with pytest.raises(SummarizerError, match="local model has none"):
        BatchApiRun(lambda: FolderBatch(folder, tmp_path / "out2", summarizer=local), poll_s=0.02).run()


def test_a_broken_ledger_stops_the_run_and_is_left_as_it_is(tmp_path: Path) -> None:
    folder = folder_of(tmp_path, 1)
    ledger = tmp_path / "out" / ".batch-api" / "jobs.json"
    ledger.parent.mkdir(parents=True)
    ledger.write_bytes(b"\x00garbage{")
    with FakeBatchServer(FakeModel(quoting_answer)) as server:
        with pytest.raises(SummarizerError, match="ledger cannot be read"):
            api_run(folder, tmp_path / "out", server)
        assert server.batches == {}
    assert ledger.read_bytes() == b"\x00garbage{"
    assert re.search("garbage", ledger.read_text(errors="replace"))
    assert Ledger(tmp_path / "elsewhere").load().jobs == []


def test_a_dry_run_prices_the_batch_api_at_half(tmp_path: Path) -> None:
    from summarizer.batch_plan import describe, plan

    folder = folder_of(tmp_path, 3)
    s = summarizer_for("http://127.0.0.1:9/v1")
    live = plan(FolderBatch(folder, tmp_path / "out", summarizer=s))
    api = plan(FolderBatch(folder, tmp_path / "out", summarizer=s), batch_api=True)
    assert live.cost_usd and api.cost_usd == pytest.approx(live.cost_usd / 2)
    assert "at Batch API prices" in describe(api, "out") and "Batch API" not in describe(live, "out")


def test_killed_after_the_upload_was_recorded_but_before_the_batch_existed(tmp_path: Path, monkeypatch: Any) -> None:
    from summarizer.batch_jobs import Jobs

    folder = folder_of(tmp_path, 3)
    real_create = Jobs._create

    def killed(self: Jobs, job: dict[str, Any], **kw: Any) -> None:
        raise KeyboardInterrupt  # the process dies here: the ledger has the upload, the server no batch

    with FakeBatchServer(FakeModel(quoting_answer)) as server:
        monkeypatch.setattr(Jobs, "_create", killed)
        with pytest.raises(KeyboardInterrupt):
            api_run(folder, tmp_path / "out", server)
        jobs = json.loads((tmp_path / "out" / ".batch-api" / "jobs.json").read_text())["jobs"]
        assert len(jobs) == 1 and jobs[0]["batch_id"] is None and jobs[0]["file_id"] and server.batches == {}
        monkeypatch.setattr(Jobs, "_create", real_create)
        outcome = api_run(folder, tmp_path / "out", server)
        first = [b for b in server.batches.values() if b["input_file_id"] == jobs[0]["file_id"]]
        uploads = [f for f in server.files.values() if f["purpose"] == "batch"]
    assert outcome.report is not None and outcome.report.ok == 3
    assert len(first) == 1  # the recorded upload got its batch: it was not uploaded again
    assert len(uploads) == len(outcome.jobs)


def test_an_answer_line_that_is_no_completion_counts_as_a_failed_request(tmp_path: Path) -> None:
    folder = folder_of(tmp_path, 2)
    broken: list[int] = []

    def odd(body: dict[str, Any]) -> Any:
        if "reference 0000" in body["messages"][1]["content"] and len(body["messages"]) == 2:
            broken.append(1)
            return {"object": "chat.completion", "choices": "not a list"}  # a 200 whose body is no completion
        return quoting_answer(body)

    with FakeBatchServer(FakeModel(odd)) as server:
        outcome = api_run(folder, tmp_path / "out", server)
    assert outcome.report is not None and outcome.report.ok == 1 and outcome.report.failed == 1 and len(broken) == 2
    error = json.loads((tmp_path / "out" / "errors.jsonl").read_text().splitlines()[0])["error"]
    assert "failed this request twice" in error and "not a chat completion" in error
