"""The cache as an optimisation (issue 9): broken, truncated, read-only or unplaceable caches never cost a
brief; the key follows the templates' content and the page's metadata; output failures before and after
the model call; log lines are scrubbed."""

from __future__ import annotations

import io
import json
import logging
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import summarizer.cache as cache_mod
from summarizer.cache import Cache, cache_key, templates_digest
from summarizer.cli import _quiet_dependencies, cli
from summarizer.llm import LLM
from summarizer.pipeline import Summarizer
from summarizer.sources import from_html
from summarizer.testing import FakeModel, FakeServer, fake_async_client
from tests.drafts import harbour_good

HARD_TIMEOUT = 60
ROOT = Path(__file__).resolve().parents[1]


def brief_cli(article: Path, base_url: str, *extra: str, env: dict[str, str] | None = None,
              stdout: int | None = subprocess.PIPE) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", "from summarizer.cli import main; main()", "brief", str(article),
               "--format", "json", "--base-url", base_url, "--model", "fake", *extra]
    return subprocess.run(command, stdout=stdout, stderr=subprocess.PIPE, text=True, timeout=HARD_TIMEOUT,
                          env={**os.environ, **(env or {})})


@pytest.fixture
def article_file(tmp_path: Path, article_text: str) -> Path:
    path = tmp_path / "strike.txt"
    path.write_text(article_text, encoding="utf-8")
    return path


# --- probe 3: a broken cache is reported once and bypassed ----------------------------------------------------


@pytest.mark.parametrize("damage", ["random", "truncated", "not-a-folder", "unwritable-home"])
def test_brief_carries_on_without_a_broken_cache(damage: str, tmp_path: Path, article_file: Path,
                                                article_text: str) -> None:
    cache = tmp_path / "cache.sqlite3"
    env: dict[str, str] = {"SUMMARIZER_CACHE": str(cache)}
    if damage == "random":
        cache.write_bytes(os.urandom(16384))
    elif damage == "truncated":
        good, stored = Cache(cache), _a_brief(article_text)
        for i in range(50):
            good.put(f"k{i}", stored)
        good.close()
        data = cache.read_bytes()
        cache.write_bytes(data[: len(data) // 3])
    elif damage == "not-a-folder":
        env["SUMMARIZER_CACHE"] = str(article_file / "cache.sqlite3")  # a file where a folder must be
    else:
        env = {"SUMMARIZER_CACHE": "", "XDG_CACHE_HOME": "", "HOME": str(article_file)}
    fake = FakeModel([harbour_good()])
    with FakeServer(fake) as server:
        result = brief_cli(article_file, server.base_url, env=env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["who"][0]["name"] == "Elena Maris"
    assert "Traceback" not in result.stderr
    assert result.stderr.count("carrying on without it") == 1, result.stderr


def _a_brief(text: str):  # type: ignore[no-untyped-def]
    return Summarizer(LLM(fake_async_client(FakeModel([harbour_good()])), model="fake"), cache=False).brief(text)


async def test_a_read_only_cache_on_a_miss_still_returns_the_paid_brief(
    tmp_path: Path, article_text: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "ro.sqlite3"
    Cache(path).close()
    len(Cache(path))  # creates the table
    read_only = Cache(path)
    monkeypatch.setattr(read_only, "_db", lambda: sqlite3.connect(f"file:{path}?mode=ro", uri=True))
    fake = FakeModel([harbour_good()])
    s = Summarizer(LLM(fake_async_client(fake), model="fake"), cache=read_only)
    with caplog.at_level(logging.WARNING, logger="summarizer.cache"):
        brief = await s.abrief(article_text)
        again = await s.abrief(article_text)
    assert brief.who and again.who and fake.calls == 2  # nothing stored, nothing lost
    assert [r.getMessage() for r in caplog.records].count(
        f"brief cache {path} cannot be written (attempt to write a readonly database); carrying on without it"
    ) == 1


# --- probes 4 and 5: the key covers what reaches the prompt and the brief ---------------------------------------


# a template edited without a version bump; a brief is what the gate kept, so one cached by an older gate must
# be made again, not served
@pytest.mark.parametrize("folder, edited_file, fingerprint", [
    ("prompts", "system.j2", "prompt_fingerprint"),
    ("schemas", "judges.py", "gate_fingerprint"),
])
def test_editing_the_prompt_or_the_gate_changes_the_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        folder: str, edited_file: str, fingerprint: str) -> None:
    copy = tmp_path / folder
    shutil.copytree(ROOT / folder, copy, ignore=shutil.ignore_patterns("__pycache__"))
    current = getattr(cache_mod, fingerprint)()
    assert templates_digest(copy) == current
    (copy / edited_file).write_text((copy / edited_file).read_text() + "\n# an edit\n")
    edited = templates_digest(copy)
    assert edited != current
    before = cache_key("abc", prompt_version="v1", model="m", params={})
    monkeypatch.setattr(cache_mod, fingerprint, lambda: edited)
    assert cache_key("abc", prompt_version="v1", model="m", params={}) != before


def test_page_metadata_is_part_of_the_key() -> None:
    body = "<article>" + "".join(f"<p>Dock workers in berth {i} began a strike on Tuesday at the port of Valmora "
                                 f"after talks about cranes number {i} failed.</p>" for i in range(10)) + "</article>"
    a = from_html(f"<html><head><title>Strike at the port</title></head><body>{body}</body></html>", label="a")
    b = from_html(f"<html><head><title>Wire: port strike</title></head><body>{body}</body></html>", label="b")
    assert a.sha256 == b.sha256 and a.meta != b.meta
    key = {"prompt_version": "v", "model": "m", "params": {}}
    assert cache_key(a.sha256, meta=a.meta, **key) != cache_key(b.sha256, meta=b.meta, **key)


async def test_two_pages_with_one_body_do_not_share_a_cached_brief() -> None:
    body = "<article>" + "".join(f"<p>{p}</p>" for p in (ROOT / "tests" / "articles" / "harbour_strike.txt")
                                 .read_text(encoding="utf-8").split("\n\n")) + "</article>"
    fake = FakeModel([harbour_good()])
    s = Summarizer(LLM(fake_async_client(fake), model="fake"))
    first = await s.abrief(f"<html><head><title>Port strike</title></head><body>{body}</body></html>")
    second = await s.abrief(f"<html><head><title>Another site's title</title></head><body>{body}</body></html>")
    assert first.source.title != second.source.title and not second.provenance.cached


# --- probe 10: output that cannot be written ----------------------------------------------------------------------


def test_an_unwritable_output_fails_before_the_model_is_called(tmp_path: Path, article_file: Path) -> None:
    fake = FakeModel([harbour_good()])
    with FakeServer(fake) as server:
        for target, words in [(tmp_path / "nope" / "x.json", "no such folder"), (article_file / "x.json", "no such folder")]:
            result = CliRunner().invoke(cli, ["brief", str(article_file), "-o", str(target), "--base-url",
                                              server.base_url, "-m", "fake"])
            assert result.exit_code == 1 and words in result.stderr and result.stderr.count("\n") == 1
    assert fake.calls == 0


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_stdout_says_where_the_paid_brief_is(tmp_path: Path, article_file: Path) -> None:
    fake = FakeModel([harbour_good()])
    cache = tmp_path / "c.sqlite3"
    with FakeServer(fake) as server, open("/dev/full", "w") as full:
        failed = brief_cli(article_file, server.base_url, env={"SUMMARIZER_CACHE": str(cache)}, stdout=full.fileno())
        assert failed.returncode == 1 and "Traceback" not in failed.stderr and failed.stderr.count("\n") == 1
        assert "cannot write to standard output (No space left on device)" in failed.stderr
        assert f"saved in the cache ({cache})" in failed.stderr
        rerun = brief_cli(article_file, server.base_url, env={"SUMMARIZER_CACHE": str(cache)})
    assert rerun.returncode == 0 and json.loads(rerun.stdout)["provenance"]["cached"] is True
    assert fake.calls == 1  # paid once

    with FakeServer(FakeModel([harbour_good()])) as server, open("/dev/full", "w") as full:
        no_cache = brief_cli(article_file, server.base_url, "--no-cache", stdout=full.fileno())
    saved = no_cache.stderr.strip().rsplit("saved in ", 1)[-1]
    assert no_cache.returncode == 1 and json.loads(Path(saved).read_text())["who"]
    Path(saved).unlink()


# --- probe 13: every log line is scrubbed ---------------------------------------------------------------------------


def test_every_log_line_loses_keys_whatever_logger_wrote_it(monkeypatch: pytest.MonkeyPatch) -> None:
    key = "sk-proj-ECHOEDBACKSECRET123456"
    monkeypatch.setenv("OPENAI_API_KEY", key)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        _quiet_dependencies(True)
        logging.getLogger("httpx").warning("response header x-echo: %s", key)
        logging.getLogger("summarizer.batch").error("body: {'key': '%s'}", key)
    finally:
        root.removeHandler(handler)
    assert key not in stream.getvalue() and stream.getvalue().count("***") == 2
