"""Turn what a user hands us (a path, a URL, text, stdin, HTML) into a clean `Article`.

Metadata (title, outlet, date, URL) comes from the extractor, never from the model.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
import sys
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import BinaryIO

from .errors import EmptyArticleError, NotAnArticleError, UnreadableSourceError
from .fetch import Fetcher
from .language import detect_language

__all__ = [
    "Article",
    "aload",
    "load",
    "clean_text",
    "from_html",
    "from_text",
    "from_bytes",
    "read_bounded",
    "read_stream",
    "regular_file_problem",
    "SUPPORTED_SUFFIXES",
    "MAX_FILE_BYTES",
]

MIN_WORDS = 20
SUPPORTED_SUFFIXES = {".txt", ".md", ".markdown", ".text", ".html", ".htm", ".xhtml"}
_HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
MAX_FILE_BYTES = 20_000_000

# Page furniture that survives extraction. Only short lines are tested, so a paragraph that merely
# mentions an advertisement is never touched.
_NOISE_LINE = re.compile(
    r"""^\s*(?:
        (?:stock\s+)?(?:photo|image|picture|photograph|illustration|video)(?:\s+credit)?s?\s*[:|].{0,100}
      | (?:photo|image)\s*(?:by|via|courtesy\s+of)\s.{0,80}
      | advertisement\s*:?|advert\s*:?|sponsored(?:\s+content)?\s*:?|ad\s*:?
      | comments?\s+(?:are|is)\s+closed\.?
      | (?:leave|post|add)\s+a\s+comment.{0,40}
      | support\s+.{0,60}(?:patron|donat|subscri|support\s+us).{0,40}
      | (?:become|be)\s+(?:a|our)\s+(?:patron|member|supporter).{0,40}
      | (?:subscribe|sign\s+up)(?:\s+(?:to|for|now|today)).{0,80}
      | (?:share|share\s+this(?:\s+article)?|follow\s+us)(?:\s+on\s+.{0,40})?\s*:?
      | (?:read\s+(?:more|also)|related|see\s+also)\s*:.{0,150}
      | click\s+here.{0,80}
      | (?:all\s+rights\s+reserved|©\s*\d{4}).{0,100}
    )\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
_BLOCK_PHRASES = (
    "access denied",
    "enable javascript",
    "please enable cookies",
    "are you a robot",
    "verify you are human",
    "captcha",
    "checking your browser",
    "just a moment",
    "subscribe to continue",
    "subscribe to read",
    "to continue reading",
    "this content is for subscribers",
    "for subscribers only",
    "you have reached your limit",
    "sign in to continue",
    "log in to continue",
    "please log in",
    "please sign in",
    "please login",
    "you must be logged in",
    "you need to be logged in",
    "log in to read",
    "sign in to read",
    "login to read",
    "log in with your account",
    "sign in with your account",
    "log in to your account to",
    "sign in to your account to",
    "create a free account to",
    "register to continue",
    "register to read",
    "403 forbidden",
    "404 not found",
    "page not found",
)
_BLOCK_MAX_WORDS = 250


@dataclass(frozen=True)
class Article:
    """Cleaned article text plus what the extractor knows about it."""

    text: str
    label: str = "<text>"
    url: str | None = None
    title: str | None = None
    outlet: str | None = None
    author: str | None = None
    date: str | None = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @cached_property
    def words(self) -> int:
        return len(self.text.split())  # asked several times a brief

    @property
    def meta(self) -> dict[str, str | None]:
        """What the extractor found besides the text: the title reaches the prompt, all of it the brief (so it
        belongs in a cache key). The URL does not: a cached brief is relabelled with the URL asked for."""
        return {"title": self.title, "outlet": self.outlet, "author": self.author, "date": self.date}

    @cached_property
    def language(self) -> str | None:
        return detect_language(self.text)


def clean_text(text: str) -> str:
    """Drop page furniture lines and blank-line runs; keep every other character as it was."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    kept: list[str] = []
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped and len(stripped) <= 160 and _NOISE_LINE.match(stripped):
            continue
        if not stripped:
            if kept and kept[-1] == "":
                continue
            kept.append("")
            continue
        kept.append(line.rstrip())
    return "\n".join(kept).strip("\n")


def _check(article: Article, raw: str | None = None) -> Article:
    """Refuse empty, block and paywall pages and scraps. `raw` is the text before furniture was removed."""
    words = article.words
    raw = article.text if raw is None else raw
    if words <= _BLOCK_MAX_WORDS:
        # block pages say so up front; a long article that mentions "access denied" later is not one
        head = (raw.strip()[:600] + " " + raw.strip()[-300:]).lower()
        for phrase in _BLOCK_PHRASES:
            if phrase in head:
                raise NotAnArticleError(
                    f"{article.label}: looks like a block or paywall page ({phrase!r}), not an article"
                )
    if words == 0:
        raise EmptyArticleError(f"{article.label}: no article text found (empty input)")
    if words < MIN_WORDS:
        raise NotAnArticleError(f"{article.label}: only {words} word{'s' if words != 1 else ''} of text; too short to brief")
    return article


def from_text(text: str, label: str = "<text>", **meta: str | None) -> Article:
    """An article from plain text or Markdown."""
    return _check(Article(text=clean_text(text), label=label, **meta), raw=text)


def from_html(html: str | bytes, label: str = "<html>", url: str | None = None) -> Article:
    """An article from a web page: trafilatura finds the body and metadata; comments stay out."""
    import trafilatura

    doc = trafilatura.bare_extraction(
        html,
        url=url,
        include_comments=False,
        include_tables=True,
        with_metadata=True,
    )
    text = getattr(doc, "text", None) if doc is not None else None
    if not text or not text.strip():
        raw = html.decode("utf-8", "replace") if isinstance(html, bytes) else html
        visible = re.sub(r"<[^>]+>", " ", re.sub(r"(?is)<(script|style)[^>]*>.*?</\1>", " ", raw))
        probe = Article(text=" ".join(visible.split())[:5000], label=label)
        if probe.words:
            _check(probe)  # a block page says so in its visible text
        raise NotAnArticleError(f"{label}: no article body found in the page")
    return _check(
        Article(
            text=clean_text(text),
            label=label,
            url=getattr(doc, "url", None) or url,
            title=getattr(doc, "title", None),
            outlet=getattr(doc, "sitename", None) or getattr(doc, "hostname", None),
            author=getattr(doc, "author", None),
            date=getattr(doc, "date", None),
        ),
        raw=text,
    )


def _looks_like_html(text: str) -> bool:
    head = text[:2000].lstrip().lower()
    return head.startswith(("<!doctype html", "<html", "<?xml")) or bool(
        re.search(r"<(html|body|article|div|p)[\s>]", head) and re.search(r"</(p|div|body|html)>", text[:200_000].lower())
    )


def _refuse_binary(data: bytes, label: str) -> None:
    sample = data[:8192]
    if b"\x00" in sample or sum(b < 9 or 13 < b < 32 for b in sample) > len(sample) // 100 + 1:
        raise UnreadableSourceError(f"{label}: binary data, not text")


def _decode(data: bytes, label: str, charset: str | None = None) -> str:
    if not data.strip():
        raise EmptyArticleError(f"{label}: the input is empty")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise UnreadableSourceError(f"{label}: not decodable as UTF-16 text") from exc
    _refuse_binary(data, label)
    for encoding in (charset, "utf-8-sig"):  # a charset the server declared wins
        if not encoding:
            continue
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UnreadableSourceError(
            f"{label}: not valid UTF-8 text (bad byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from None
    raise UnreadableSourceError(f"{label}: cannot decode the text")  # pragma: no cover


def from_bytes(data: bytes, label: str, *, html: bool | None = None, url: str | None = None, charset: str | None = None) -> Article:
    """An article from raw bytes: decoded strictly, HTML detected by content when not told."""
    if html is not False and charset is None and data.lstrip()[:1] == b"<" and b"<html" in data[:4096].lower():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            # a legacy-encoded page (windows-1251, latin-1...): its <meta charset> tells trafilatura how to read it
            _refuse_binary(data, label)
            return from_html(data, label=label, url=url)
    text = _decode(data, label, charset)
    if html is None:
        html = _looks_like_html(text)
    return from_html(text, label=label, url=url) if html else from_text(text, label=label, url=url)


_KINDS = {
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


def _os_reason(label: str, exc: OSError) -> str:
    """One line for why a path cannot be read, naming the real cause (a loop is not a missing file)."""
    if exc.errno == errno.ELOOP:
        return f"{label}: symlink loop (too many levels of symbolic links)"
    if exc.errno == errno.ENOENT:
        return f"{label}: broken symlink (its target does not exist)" if os.path.islink(label) else f"{label}: no such file"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"{label}: permission denied"
    return f"{label}: cannot read ({exc.strerror or exc})"


def regular_file_problem(path: str | Path) -> str | None:
    """Why `path` is not an article file (missing, a folder, a pipe, a device...), or None for a regular file.

    Only regular files are articles: a FIFO blocks a reader forever and a device such as /dev/zero never ends,
    so neither is opened at all. Symlinks are followed, so a link to a device is refused like the device.
    """
    label = str(path)
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        return _os_reason(label, exc)
    if stat.S_ISDIR(mode):
        return f"{label}: is a directory (use `summarizer batch` for folders)"
    if not stat.S_ISREG(mode):
        return f"{label}: not a regular file ({_KINDS.get(stat.S_IFMT(mode), 'a special file')}); only regular files are articles"
    return None


def read_bounded(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; UnreadableSourceError for anything else.

    Opened non-blocking and checked again on the open descriptor, so a file swapped for a FIFO after the
    check cannot wedge the reader; at most limit + 1 bytes are ever read, whatever the size said.
    """
    label = str(path)
    problem = regular_file_problem(path)
    if problem is not None:
        raise UnreadableSourceError(problem)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise UnreadableSourceError(_os_reason(label, exc)) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableSourceError(f"{label}: not a regular file; only regular files are articles")
        if info.st_size > limit:
            raise UnreadableSourceError(f"{label}: file is {info.st_size:,} bytes; the limit is {limit:,}")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise UnreadableSourceError(_os_reason(label, exc)) from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise UnreadableSourceError(f"{label}: more than {limit:,} bytes; the limit is {limit:,}")
    return data


def read_stream(stream: BinaryIO, label: str, limit: int = MAX_FILE_BYTES) -> bytes:
    """At most `limit` bytes of a stream (stdin): one byte more is read only to tell that it is too long."""
    try:
        data = stream.read(limit + 1)
    except OSError as exc:
        raise UnreadableSourceError(f"{label}: cannot read ({exc.strerror or exc})") from None
    if len(data) > limit:
        raise UnreadableSourceError(f"{label}: more than {limit:,} bytes; the limit is {limit:,}")
    return data


def read_path(path: Path) -> Article:
    data = read_bounded(path)
    suffix = path.suffix.lower()
    return from_bytes(data, str(path), html=True if suffix in _HTML_SUFFIXES else None)


def _is_url(value: str) -> bool:
    return bool(re.fullmatch(r"https?://\S+", value.strip(), flags=re.IGNORECASE))


async def aload(source: Article | Path | str | bytes, *, fetcher: Fetcher | None = None) -> Article:
    """Resolve any supported source to a checked Article.

    A str is a URL if it is one and article text otherwise; it is never opened as a file (a bot passing on
    what users type must not read "/etc/passwd"): pass a Path for that. "-" reads standard input.
    """
    if isinstance(source, Article):
        return _check(source)
    if isinstance(source, bytes):
        return from_bytes(source, "<bytes>")
    if isinstance(source, Path):
        return read_path(source)
    if not isinstance(source, str):
        raise TypeError(f"cannot brief a {type(source).__name__}; pass text, a Path, a URL or an Article")
    if source == "-":
        return from_bytes(read_stream(sys.stdin.buffer, "<stdin>"), "<stdin>")
    if _is_url(source):
        url = source.strip()
        page = await (fetcher or Fetcher()).fetch(url)
        html = page.content_type != "text/plain" and page.content_type != "text/markdown"
        article = from_bytes(page.body, url, html=html, url=page.url, charset=page.charset)
        return replace(article, url=url if article.url is None else article.url)
    if _looks_like_html(source):
        return from_html(source, label="<html>")
    try:
        return from_text(source)
    except NotAnArticleError:
        if "\n" not in source.strip() and Path(source.strip()).suffix.lower() in SUPPORTED_SUFFIXES:
            raise NotAnArticleError(
                f"{source.strip()!r} looks like a file name, but text is never read as a path: pass Path(...)"
            ) from None
        raise


def load(source: Article | Path | str | bytes, *, fetcher: Fetcher | None = None) -> Article:
    """Synchronous `aload`."""
    from .aio import run_sync

    return run_sync(aload(source, fetcher=fetcher))
