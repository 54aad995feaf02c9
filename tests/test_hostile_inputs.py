"""Hostile and careless inputs (issue 9): FIFOs, devices, endless streams, symlink loops, login walls.

Whatever could block or read forever runs in a child process with a hard timeout, so a regression fails the
test instead of wedging the suite.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from summarizer.errors import NotAnArticleError, UnreadableSourceError
from summarizer.sources import MAX_FILE_BYTES, from_text, read_bounded, read_stream, regular_file_problem

HARD_TIMEOUT = 30  # seconds: far more than any of these needs, far less than forever
POSIX = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs and /dev/zero")


def summarizer_cli(*args: str, stdin: int | None = None) -> subprocess.CompletedProcess[str]:
    # a model address nothing listens on: none of these inputs may get as far as a model call
    command = [sys.executable, "-c", "from summarizer.cli import main; main()", *args,
               "--base-url", "http://127.0.0.1:9/v1", "--model", "fake"]
    return subprocess.run(command, capture_output=True, text=True, timeout=HARD_TIMEOUT, stdin=stdin,
                          env=dict(os.environ))


def one_line_error(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1, result.stderr
    for word in words:
        assert word in result.stderr, result.stderr


@POSIX
def test_brief_refuses_a_fifo_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "a.txt"
    os.mkfifo(fifo)
    one_line_error(summarizer_cli("brief", str(fifo)), "not a regular file", "named pipe")


@POSIX
def test_brief_refuses_dev_zero_and_a_symlink_to_it(tmp_path: Path) -> None:
    one_line_error(summarizer_cli("brief", "/dev/zero"), "character device")
    link = tmp_path / "zero.txt"
    link.symlink_to("/dev/zero")
    one_line_error(summarizer_cli("brief", str(link)), "character device")


@POSIX
def test_endless_stdin_is_cut_at_the_limit() -> None:
    with open("/dev/zero", "rb") as zero:
        result = summarizer_cli("brief", "-", stdin=zero.fileno())
    one_line_error(result, "<stdin>", f"{MAX_FILE_BYTES:,}")


def test_read_stream_reads_at_most_one_byte_past_the_limit() -> None:
    stream = io.BytesIO(b"x" * 1000)
    with pytest.raises(UnreadableSourceError, match="more than 100 bytes"):
        read_stream(stream, "<stdin>", limit=100)
    assert stream.tell() == 101
    assert read_stream(io.BytesIO(b"short"), "<stdin>", limit=100) == b"short"


def test_a_file_that_grows_past_its_stat_size_is_still_cut(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"y" * 500)
    with pytest.raises(UnreadableSourceError, match="the limit is 100"):
        read_bounded(path, limit=100)


@POSIX
def test_symlink_loop_and_broken_symlink_say_so(tmp_path: Path) -> None:
    loop = tmp_path / "loop.txt"
    loop.symlink_to(loop)
    assert "symlink loop" in (regular_file_problem(loop) or "")
    one_line_error(summarizer_cli("brief", str(loop)), "symlink loop")
    dangling = tmp_path / "gone.txt"
    dangling.symlink_to(tmp_path / "missing.txt")
    assert "broken symlink" in (regular_file_problem(dangling) or "")
    assert "no such file" in (regular_file_problem(tmp_path / "missing.txt") or "")


@pytest.mark.parametrize(
    "page",
    [
        "Please log in with your account to read this story. " + "Our journalism depends on readers like you. " * 6,
        "You must be logged in to view this article. Sign in or create a free account to keep reading today. " * 2,
        "Sign in to read the full story. Members get unlimited access to every article, newsletter and podcast. " * 2,
    ],
)
def test_login_walls_are_refused_like_paywalls(page: str) -> None:
    with pytest.raises(NotAnArticleError, match="block or paywall"):
        from_text(page)


def test_an_article_that_mentions_logging_in_later_is_still_an_article(article_text: str) -> None:
    text = article_text + "\n\nReaders can log in with your account details on the union's site to vote."
    assert from_text(text).words > 100
