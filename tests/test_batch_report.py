"""The batch report (index.md, index.html beside index.jsonl): numbers, escaping, self-containment, refresh on
rerun and after an interruption, and what a browser shows (a screenshot where a headless browser exists)."""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from summarizer.batch import FolderBatch
from summarizer.cli_batch import EXIT_FATAL
from summarizer.testing import FakeModel, FakeServer
from tests.test_batch import LOCAL, article, invoke, jsonl, make_summarizer, quoting_answer, write_folder

HOSTILE = '</td></tr></table><script>alert("x")</script> | **bold** [a](http://evil.example/x.png) <img src=x>'


def write_hostile(src: Path) -> None:
    """A text article whose first line (the fake's headline and what, quoted so the gate keeps them) is markup."""
    src.mkdir(parents=True, exist_ok=True)
    (src / "hostile.txt").write_text(HOSTILE + "\n\n" + article(5), encoding="utf-8")


def run_batch(src: Path, out: Path, fake: FakeModel) -> Any:
    return asyncio.run(FolderBatch(src, out, summarizer=make_summarizer(fake)).run())


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(page: str) -> _Tags:
    tags = _Tags()
    tags.feed(page)
    return tags


def test_report_holds_every_article_the_failures_and_the_totals(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    write_folder(src, 3)
    (src / "broken.txt").write_bytes(b"\xff\xfe\x00")
    (src / "photo.png").write_bytes(b"\x89PNG")
    report = run_batch(src, out, FakeModel(quoting_answer))
    assert (report.ok, report.failed) == (3, 1)
    md, page = (out / "index.md").read_text(), (out / "index.html").read_text()
    text = " ".join(" ".join(parse(page).text).split())
    for i in range(3):
        first_line = article(i).splitlines()[0]
        assert first_line in md and first_line in text  # headline and what
    assert "Anna Novak (mayor of Arden)" in md and "Anna Novak (mayor of Arden)" in text
    tokens = f"{report.total_tokens:,} ({report.prompt_tokens:,} in, {report.completion_tokens:,} out)"
    assert tokens == "450 (300 in, 150 out)"
    assert "- **Articles briefed:** 3" in md and "Articles briefed 3 " in text
    for shown in (md, text):
        assert tokens in shown
        assert "3 new, 0 cached, 0 already done, 1 failed" in shown
        assert "UnreadableSourceError" in shown and "broken.txt" in shown and "photo.png" in shown
        assert "unknown price" in shown  # fake-model has no list price
    assert "- **Items kept / claims removed:** 6 / 0" in md and "Items kept / claims removed 6 / 0" in text
    assert '<a href="sub/story1.json">sub/story1.txt</a>' in page


def test_report_is_self_contained_and_escapes_model_output(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    write_hostile(src)
    run_batch(src, out, FakeModel(quoting_answer))
    page = (out / "index.html").read_text()
    tags = parse(page)
    names = [t for t, _ in tags.tags]
    assert "script" not in names and "img" not in names and "link" not in names and "iframe" not in names
    assert names.count("table") == 1  # the "</table>" in the role closed nothing
    for _, attrs in tags.tags:
        assert "src" not in attrs
        href = attrs.get("href")
        assert href is None or not re.match(r"^[a-z][a-z0-9+.-]*:|^//", href), href  # relative links only
    assert "@import" not in page and "url(" not in page
    assert HOSTILE in tags.text  # shown, as text, in one cell
    [csp] = [a["content"] for t, a in tags.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert csp is not None and "default-src 'none'" in csp  # and the browser is told to fetch nothing, run nothing

    md = (out / "index.md").read_text()
    assert "<script>" not in md and "</td>" not in md and "[a](http" not in md and "**bold**" not in md
    assert r"\<script\>" in md and r"\|" in md


def test_a_rerun_refreshes_the_report_and_an_interrupted_run_leaves_one(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    write_folder(src, 2, nested=False)
    fake = FakeModel(quoting_answer)
    run_batch(src, out, fake)
    (src / "story9.txt").write_text(article(9), encoding="utf-8")
    run_batch(src, out, fake)
    md = (out / "index.md").read_text()
    assert "finished" in md and "1 new, 0 cached, 2 already done" in md and article(9).splitlines()[0] in md

    # Interrupted: cancelled after the first new brief is on disk; the report shows what the index holds.
    for i in range(10, 14):
        (src / f"story{i}.txt").write_text(article(i), encoding="utf-8")
    slow = FakeModel(quoting_answer, latency=0.3)
    job = FolderBatch(src, out, summarizer=make_summarizer(slow, concurrency=1), concurrency=1)

    async def cancel_after_one() -> None:
        task = asyncio.ensure_future(job.run(lambda r: task.cancel() if r.status == "ok" else None))
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(cancel_after_one())
    md = (out / "index.md").read_text()
    assert "interrupted (4 not finished)" in md and "1 new, 0 cached, 2 already done" in md
    assert "Articles briefed:** 4" in md
    assert len(list(out.glob(".*.tmp"))) == 0


def test_an_input_named_index_does_not_overwrite_the_report(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    (src / "index.txt").write_text(article(1), encoding="utf-8")
    job = FolderBatch(src, out, summarizer=make_summarizer(FakeModel(quoting_answer)), markdown=True)
    asyncio.run(job.run())
    assert (out / "index.txt.json").is_file() and (out / "index.txt.md").is_file()
    assert (out / "index.md").read_text().startswith("# Batch report")


def _browser() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        if found := shutil.which(name):
            return found
    return None


def test_the_page_renders_in_a_headless_browser(tmp_path: Path) -> None:
    browser = _browser()
    if browser is None:
        pytest.skip("no headless browser (chromium / google-chrome) installed: screenshot not taken")
    src, out = tmp_path / "in", tmp_path / "out"
    write_folder(src, 3)
    write_hostile(src)
    (src / "broken.txt").write_bytes(b"\xff\xfe\x00")
    run_batch(src, out, FakeModel(quoting_answer))
    shot = tmp_path / "report.png"
    command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
               "--no-first-run", "--hide-scrollbars", f"--screenshot={shot}", "--window-size=1280,900",
               (out / "index.html").resolve().as_uri()]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120,
                          env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0 and shot.is_file(), done.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 40_000  # a page of text (a browser error page is ~16 KB)
    # the DOM the browser built: the hostile role stayed text, the tables whole
    dom = subprocess.run([*command[:-2], "--dump-dom", command[-1]], capture_output=True, text=True, timeout=120,
                         env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}).stdout
    assert dom.count("<table") == 2 and "<script" not in dom and "Batch report" in dom


@LOCAL
def test_a_report_that_cannot_be_written_costs_neither_the_briefs_nor_the_summary(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    write_folder(src, 3, nested=False)
    (out / "index.md").mkdir(parents=True)  # where the report goes: no rename can replace a folder
    (out / "index.md" / "notes.txt").write_text("someone's", encoding="utf-8")
    fake = FakeModel(quoting_answer)
    with FakeServer(fake) as server:
        common = [str(src), "--out", str(out), "--base-url", server.base_url, "--model", "fake-model"]
        result = invoke(*common)
        assert result.exit_code == EXIT_FATAL, result.output
        assert "Finished in" in result.stdout and "3 of 3 articles briefed (3 new" in result.stdout
        [line] = [x for x in result.stderr.splitlines() if "cannot write" in x]
        assert line.startswith(f"error: {out / 'index.md'}: cannot write (Is a directory). The briefs are on disk")
        assert "Traceback" not in result.output and ".tmp" not in line
        assert sorted(p.name for p in out.glob("story*.json")) == ["story0.json", "story1.json", "story2.json"]
        assert [r["status"] for r in jsonl(out / "index.jsonl")] == ["ok"] * 3
        page = (out / "index.html").read_text()  # the other report is still written
        assert all(f'<a href="story{i}.json">story{i}.txt</a>' in page for i in range(3))

        shutil.rmtree(out / "index.md")  # fixed: the same command writes it, and briefs nothing again
        again = invoke(*common)
    assert again.exit_code == 0 and "(0 new, 0 cached, 3 already done)" in again.stdout, again.output
    assert (out / "index.md").read_text().startswith("# Batch report") and fake.calls == 3


def test_an_interrupted_run_whose_report_cannot_be_written_still_ends_as_interrupted(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    write_folder(src, 4, nested=False)
    (out / "index.html").mkdir(parents=True)
    slow = FakeModel(quoting_answer, latency=0.3)
    job = FolderBatch(src, out, summarizer=make_summarizer(slow, concurrency=1), concurrency=1)

    async def cancel_after_one() -> None:
        task = asyncio.ensure_future(job.run(lambda r: task.cancel() if r.status == "ok" else None))
        with pytest.raises(asyncio.CancelledError):  # not the write error, raised over it on the way out
            await task

    asyncio.run(cancel_after_one())
    assert job.report.interrupted and job.report.ok == 1 and job.report.left == 3
    assert job.report.unwritten == f"{out / 'index.html'}: cannot write (Is a directory)"
    assert "interrupted (3 not finished)" in (out / "index.md").read_text()
