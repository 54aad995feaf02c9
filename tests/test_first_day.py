"""What a new user meets on the first day (issue 10): output formats, -v, an unreachable server, the terminal
rendering, --show-dropped in text, the docs, the Python API, extract. Fake model on a real socket."""

from __future__ import annotations

import gc
import json
import logging
import re
import socket
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from summarizer.cli import cli
from summarizer.testing import FakeModel, FakeServer, fake_sync_client
from tests.drafts import harbour_good, harbour_with_inventions

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def article_file(tmp_path: Path, article_text: str) -> Path:
    path = tmp_path / "strike.txt"
    path.write_text(article_text, encoding="utf-8")
    return path


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


# 1 ------------------------------------------------------------------------------------------------------------
def test_the_output_format_follows_the_files_suffix(article_file: Path, tmp_path: Path) -> None:
    with FakeServer(FakeModel([harbour_good()])) as server:
        opts = ["--base-url", server.base_url, "-m", "fake"]
        for name in ("b.md", "b.markdown", "b.json", "b.txt"):
            assert run("brief", str(article_file), "-o", str(tmp_path / name), *opts).exit_code == 0
        assert run("brief", str(article_file), "-o", str(tmp_path / "forced.md"), "-f", "json", *opts).exit_code == 0
        md = run("brief", str(article_file), "-f", "md", *opts)
    assert (tmp_path / "b.md").read_text().startswith("# Valmora")
    assert (tmp_path / "b.markdown").read_text().startswith("# Valmora")
    assert json.loads((tmp_path / "b.json").read_text())["who"]
    assert (tmp_path / "b.txt").read_text().splitlines()[1].startswith("====")
    assert json.loads((tmp_path / "forced.md").read_text())["who"]  # --format wins over the suffix
    assert md.exit_code == 0 and md.stdout.startswith("# Valmora")


# 2 ------------------------------------------------------------------------------------------------------------
def test_verbose_tells_the_tools_own_story_without_the_models_words(article_file: Path,
                                                                    caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    fake = FakeModel([harbour_with_inventions(), harbour_good()])
    with FakeServer(fake) as server:
        result = run("brief", str(article_file), "-f", "json", "--base-url", server.base_url, "-m", "fake", "-v")
    assert result.exit_code == 0 and fake.calls == 2
    ours = [r.getMessage() for r in caplog.records if r.name.startswith("summarizer")]
    story = "\n".join(ours)
    assert f"{article_file}: read, " in story and " words, language en" in story and story.count(": read, ") == 1
    assert "cache miss" in story and f"model fake at {server.base_url}" in story
    assert re.search(r"model call answered in \d+\.\d s: [\d,]+ prompt \+ [\d,]+ completion tokens", story)
    assert "re-ask 1 of 1: 1 × a name that is not in the article" in story
    assert "gate kept" in story
    assert all(line.startswith(str(article_file)) for line in ours)  # each line names its article
    assert "Petrov" not in caplog.text and "2,400" not in caplog.text
    assert not any(r.name.startswith("openai") and r.levelno < logging.INFO for r in caplog.records)


def test_double_verbose_adds_the_sdks_debug_output(article_file: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with FakeServer(FakeModel([harbour_good()])) as server:
        result = run("brief", str(article_file), "-f", "json", "--base-url", server.base_url, "-m", "fake", "-vv",
                     "--no-cache")
    assert result.exit_code == 0
    assert any(r.name.startswith("openai") and r.levelno == logging.DEBUG for r in caplog.records)
    help_text = run("brief", "--help").stdout
    assert "-vv" in help_text and "what" in help_text and "invented" in help_text


def test_a_cache_hit_is_logged(article_file: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    with FakeServer(FakeModel([harbour_good()])) as server:
        for _ in range(2):
            run("brief", str(article_file), "-f", "json", "--base-url", server.base_url, "-m", "fake", "-v")
    assert "cache hit in" in caplog.text


# 3 ------------------------------------------------------------------------------------------------------------
def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_refused_connection_fails_at_once_naming_the_server_and_the_input(article_file: Path,
                                                                             caplog: pytest.LogCaptureFixture) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/v1"
    started = time.monotonic()
    result = CliRunner().invoke(cli, ["brief", str(article_file), "--base-url", url, "-m", "fake", "--no-cache"])
    assert time.monotonic() - started < 5
    assert result.exit_code == 1
    line = result.stderr.strip()
    assert "\n" not in line, line
    assert line == f"error: {article_file}: cannot reach the model server at {url}/: connection refused (is it running?)"
    assert "retry" not in caplog.text


# 4 ------------------------------------------------------------------------------------------------------------
def _brief(article_text: str, **kw):
    from summarizer import summarize

    return summarize(article_text, client=fake_sync_client(FakeModel([harbour_with_inventions()])), cache=None,
                     reasks=0, **kw)


def test_the_terminal_rendering_wraps_between_words_and_keeps_indents(article_text: str) -> None:
    from summarizer.render import render

    brief = _brief(article_text)
    text = render(brief, "text", width=60)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 60 and "\x1b" not in text  # plain when not a terminal
    assert all(line == line.rstrip() for line in lines)
    flat = " ".join(" ".join(lines).split())
    assert "Dock workers began a 72-hour strike after automation talks collapsed." in flat
    assert "where: Port of Valmora · when: Tuesday" in flat
    i = next(n for n, line in enumerate(lines) if line.startswith("  - Chamber of Commerce"))
    assert lines[i + 1].startswith("    ") and not lines[i + 1].startswith("     ")  # hanging indent kept
    assert lines[i + 2].startswith("      “")
    colored = render(brief, "text", color=True, width=80)
    assert "\x1b[1m" in colored and "\x1b[" in colored  # bold and colour on a terminal


def test_quotes_are_cut_at_a_word_and_nested_marks_read_well() -> None:
    from summarizer.render import quote_line
    from summarizer.schemas import Evidence

    long = "The minister said the union had " + "repeatedly " * 30 + "refused."
    cut = quote_line(Evidence(quote=long, start=0, end=len(long), match="exact"))
    assert cut.endswith("repeatedly…”") and len(cut) <= 203
    nested = 'He called the plan "essential" and "overdue'
    assert quote_line(Evidence(quote=nested, start=0, end=len(nested), match="exact")) == \
        "“He called the plan ‘essential’ and ‘overdue”"


def test_located_evidence_reads_as_found_by_the_tool(article_text: str) -> None:
    from summarizer.render import to_text
    from summarizer.schemas import Evidence

    brief = _brief(article_text)
    q = brief.who[0].evidence[0]
    brief.who[0].evidence[0] = Evidence(quote=q.quote, start=q.start, end=q.end, match="located")
    assert "(passage found by the tool)" in to_text(brief)


# 5 ------------------------------------------------------------------------------------------------------------
def test_show_dropped_lists_removed_items_in_the_text_format(article_file: Path) -> None:
    with FakeServer(FakeModel([harbour_with_inventions()])) as server:
        opts = ["-f", "text", "--base-url", server.base_url, "-m", "fake", "--no-cache"]
        plain = run("brief", str(article_file), *opts)
        shown = run("brief", str(article_file), *opts, "--show-dropped")
    assert "Petrov" not in plain.stdout and "REMOVED" not in plain.stdout
    assert "2 items removed as unsupported" in " ".join(plain.stdout.split())
    flat = " ".join(shown.stdout.split())
    assert "REMOVED AS UNSUPPORTED" in flat
    assert "who[3]: Sergei Petrov: mediator (a name that is not in the article)" in flat


# 9 ------------------------------------------------------------------------------------------------------------
def test_the_docs_a_newcomer_is_pointed_to_exist() -> None:
    slack_help = run("slack", "--help").stdout
    assert "docs/slack.md" in slack_help
    guide = (ROOT / "docs" / "slack.md").read_text(encoding="utf-8")
    for topic in ("manifest.yml", "Socket Mode", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "scopes", "Troubleshooting"):
        assert topic in guide, topic
    assert "_SUMMARIZER_COMPLETE=bash_source summarizer" in (ROOT / "README.md").read_text(encoding="utf-8")
    conftest = (ROOT / "tests" / "conftest.py").read_text(encoding="utf-8")
    assert "../shared seed article not present\"" not in conftest


# 10 -----------------------------------------------------------------------------------------------------------
def test_summarizer_takes_model_base_url_and_client(article_text: str) -> None:
    from summarizer import Summarizer
    from summarizer.llm import LLM

    with FakeServer(FakeModel([harbour_good()])) as server:
        s = Summarizer(model="fake", base_url=server.base_url, api_key="sk-test", cache=None)
        assert s.cache is None and s.llm.model == "fake"
        assert s.brief(article_text).provenance.model == "fake"
    fake = FakeModel([harbour_good()])
    s = Summarizer(client=fake_sync_client(fake), model="gpt-4o-mini", cache=False)
    assert s.brief(article_text).who and fake.calls == 1
    with pytest.raises(TypeError):
        Summarizer(LLM(model="x", base_url="http://127.0.0.1:9/v1"), model="y")
    assert Summarizer(model="x", base_url="http://127.0.0.1:9/v1").cache is not None  # omitted: the default cache


def test_a_brief_has_a_short_repr_and_markdown(article_text: str) -> None:
    brief = _brief(article_text)
    r = repr(brief)
    assert len(r) < 300 and r.startswith("Brief('Valmora dock workers strike over automation'")
    assert "who=3" in r and "removed=2" in r and "model='gpt-4o-mini'" in r
    assert brief.to_markdown().startswith("# Valmora") and brief._repr_markdown_() == brief.to_markdown()


def test_the_library_logs_through_a_null_handler(article_text: str, capsys: pytest.CaptureFixture[str]) -> None:
    import summarizer.llm  # noqa: F401  (the handler is installed where the library first logs)

    handlers = logging.getLogger("summarizer").handlers
    assert any(isinstance(h, logging.NullHandler) for h in handlers)


def test_reusing_one_summarizer_prints_no_event_loop_tracebacks(article_text: str,
                                                              capsys: pytest.CaptureFixture[str],
                                                              caplog: pytest.LogCaptureFixture) -> None:
    from summarizer import Summarizer

    caplog.set_level(logging.DEBUG)
    with FakeServer(FakeModel([harbour_good()])) as server:
        s = Summarizer(model="fake", base_url=server.base_url, cache=None)
        texts = [article_text + f"\n\nUpdated {n}." for n in range(3)]
        briefs = [s.brief(t) for t in texts]
        gc.collect()
    assert all(b.who for b in briefs)
    noise = capsys.readouterr().err + caplog.text
    assert "Event loop is closed" not in noise and "Task exception was never retrieved" not in noise
    assert s.llm._own == {}  # every client was closed inside the loop that made it


# 11 -----------------------------------------------------------------------------------------------------------
def test_extract_writes_a_file_and_its_source_has_the_briefs_shape(article_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "page.json"
    assert run("extract", str(article_file), "-o", str(out)).exit_code == 0
    extracted = json.loads(out.read_text())
    with FakeServer(FakeModel([harbour_good()])) as server:
        brief = json.loads(run("brief", str(article_file), "-f", "json", "--base-url", server.base_url,
                               "-m", "fake").stdout)
    assert extracted == brief["source"]
    assert extracted["label"] == str(article_file) and extracted["sha256"]
    text_out = tmp_path / "page.txt"
    assert run("extract", str(article_file), "-o", str(text_out)).exit_code == 0
    assert text_out.read_text().strip() == extracted["text"].strip()
