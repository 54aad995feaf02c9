"""The command line, through click's runner, against the fake model on a real 127.0.0.1 socket."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from summarizer.cli import cli
from summarizer.testing import FakeError, FakeModel, FakeServer
from tests.drafts import harbour_good


@pytest.fixture
def article_file(tmp_path: Path, article_text: str) -> Path:
    path = tmp_path / "strike.txt"
    path.write_text(article_text, encoding="utf-8")
    return path


def run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def test_brief_json_and_markdown(article_file: Path, tmp_path: Path) -> None:
    fake = FakeModel([harbour_good()])
    with FakeServer(fake) as server:
        result = run("brief", str(article_file), "--format", "json", "--base-url", server.base_url, "--model", "fake")
        assert result.exit_code == 0, result.output
        payload = json.loads(result.stdout)
        assert payload["who"][0]["name"] == "Elena Maris" and payload["provenance"]["model"] == "fake"
        out = tmp_path / "brief.md"
        md = run("brief", str(article_file), "-f", "markdown", "-o", str(out), "--base-url", server.base_url, "-m", "fake")
        assert md.exit_code == 0
        text = out.read_text()
        assert text.startswith("# Valmora dock workers") and "## Proposed responses" in text and "from cache" in text
    assert fake.calls == 1  # the second run came from the cache


def test_stdin_source(article_text: str) -> None:
    fake = FakeModel([harbour_good()])
    with FakeServer(fake) as server:
        result = CliRunner().invoke(cli, ["brief", "-", "-f", "text", "--base-url", server.base_url], input=article_text)
    assert result.exit_code == 0 and "WHO" in result.stdout and "Elena Maris" in result.stdout


def test_errors_are_one_line_without_traceback(tmp_path: Path, article_file: Path) -> None:
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "bin.txt").write_bytes(bytes(range(256)) * 10)
    cases = {
        str(tmp_path / "missing.txt"): "no such file",
        str(tmp_path / "empty.txt"): "empty",
        str(tmp_path / "bin.txt"): "binary",
    }
    for source, words in cases.items():
        result = CliRunner().invoke(cli, ["brief", source, "--base-url", "http://127.0.0.1:9/v1"])
        assert result.exit_code == 1
        assert result.stderr.count("\n") == 1 and words in result.stderr and "Traceback" not in result.stderr
    no_config = CliRunner().invoke(cli, ["brief", str(article_file)])
    assert no_config.exit_code == 1 and "OPENAI_API_KEY" in no_config.stderr and "OPENAI_BASE_URL" in no_config.stderr


def test_auth_error_does_not_echo_the_key(article_file: Path) -> None:
    key = "sk-live-THISISASECRETKEY123456"
    fake = FakeModel([FakeError(401, f"Incorrect API key provided: {key}")])
    with FakeServer(fake) as server:
        result = CliRunner().invoke(cli, ["brief", str(article_file), "--base-url", server.base_url],
                                    env={"OPENAI_API_KEY": key})
    assert result.exit_code == 1 and "rejected the credentials" in result.stderr
    assert key not in result.output + result.stderr
    assert fake.calls == 1


def test_every_help_has_an_example() -> None:
    for args in ([], ["brief"], ["extract"], ["schema"], ["batch"], ["slack"]):
        result = run(*args, "--help")
        assert result.exit_code == 0 and "Example" in result.output, args


def test_console_entry_point_runs() -> None:
    result = subprocess.run([sys.executable, "-m", "summarizer", "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "brief" in result.stdout


def test_show_dropped_lists_what_was_removed_only_when_asked(article_file: Path) -> None:
    from tests.drafts import harbour_with_inventions

    fake = FakeModel([harbour_with_inventions()])
    with FakeServer(fake) as server:
        plain = run("brief", str(article_file), "--format", "markdown", "--base-url", server.base_url, "--model",
                    "fake", "--no-cache")
        shown = run("brief", str(article_file), "--format", "markdown", "--base-url", server.base_url, "--model",
                    "fake", "--no-cache", "--show-dropped")
        as_json = run("brief", str(article_file), "--format", "json", "--base-url", server.base_url, "--model",
                      "fake", "--no-cache")
    assert plain.exit_code == shown.exit_code == as_json.exit_code == 0
    assert "Petrov" not in plain.stdout and "Removed as unsupported" not in plain.stdout
    assert "2 items removed as unsupported" in plain.stdout
    assert "## Removed as unsupported" in shown.stdout and "Sergei Petrov" in shown.stdout
    assert "a name that is not in the article" in shown.stdout
    assert "Petrov" not in as_json.stdout and json.loads(as_json.stdout)["provenance"]["dropped"][0]["text"] is None


def test_verbose_logs_never_carry_the_models_inventions(article_file: Path, caplog: pytest.LogCaptureFixture) -> None:
    import logging

    from tests.drafts import harbour_good, harbour_with_inventions

    caplog.set_level(logging.DEBUG)
    fake = FakeModel([harbour_with_inventions(), harbour_good()])  # the re-ask sends the invention back
    with FakeServer(fake) as server:
        result = run("brief", str(article_file), "--format", "json", "--base-url", server.base_url, "--model",
                     "fake", "--no-cache", "-v")
    assert result.exit_code == 0 and fake.calls == 2
    assert "Sergei Petrov" in json.dumps(fake.requests[1])  # it did go to the model ...
    assert "Petrov" not in result.stderr and "Petrov" not in result.stdout  # ... and nowhere else
    assert "HTTP Request: POST" in caplog.text  # -v does log each request, one line each
    assert "Petrov" not in caplog.text


def test_help_and_schema_do_not_load_the_model_layer() -> None:
    import subprocess
    import sys

    code = ("import sys; from summarizer.cli import cli; import summarizer.schemas; "
            "print(sorted(m for m in ('openai', 'instructor', 'tiktoken', 'trafilatura') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_schema_prints_the_briefs_schema_and_the_drafts() -> None:
    from summarizer.schemas import Brief, Draft

    brief = run("schema")
    draft = run("schema", "--draft")
    assert brief.exit_code == draft.exit_code == 0
    assert json.loads(brief.stdout) == Brief.model_json_schema()
    assert json.loads(draft.stdout) == Draft.model_json_schema()
