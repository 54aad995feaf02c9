"""What a Slack user asked to brief, and the article it names.

A message, command or shortcut becomes an `Ask` (an attached text file, else a link, else the text itself);
`load_article` turns that into an Article, downloading Slack files with the bot token from Slack's own file
host and nowhere else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
from slack_sdk import WebClient

from .errors import EmptyArticleError, FetchError, UnreadableSourceError
from .fetch import Fetcher
from .sources import Article, from_bytes, load

__all__ = ["SLACK_FILE_ORIGINS", "USAGE", "Ask", "download", "load_article", "parse_request"]

SLACK_FILE_ORIGINS = ("https://files.slack.com",)
USAGE = "Give me a link or paste the article: `/brief https://example.com/story` or `/brief <article text>`."
_TEXT_MIMETYPES = ("text/", "application/xhtml+xml", "application/xml", "application/json")
_SLACK_LINK = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")
_BARE_URL = re.compile(r"https?://[^\s<>]+", re.IGNORECASE)


@dataclass(frozen=True)
class Ask:
    """What a user asked to brief: exactly one of a URL, text, or a Slack file object."""

    url: str | None = None
    text: str | None = None
    file: dict[str, Any] | None = None

    @property
    def name(self) -> str:
        """What error messages from the engine start with (the article's label)."""
        if self.url:
            return self.url
        if self.file:
            return str(self.file.get("name") or "file")
        return "pasted text"

    @property
    def label(self) -> str:
        return self.name if not self.text else f"pasted text ({len(self.text.split())} words)"


def _unescape(text: str) -> str:
    # Slack escapes exactly these three in message and command text
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _plain(text: str) -> tuple[str, list[str]]:
    """Slack message markup to plain text, plus the http(s) links it holds (in order)."""
    urls: list[str] = []

    def unwrap(m: re.Match[str]) -> str:
        target, label = m.group(1), m.group(2)
        if target.lower().startswith(("http://", "https://")):
            urls.append(_unescape(target))
            return label or target
        if target.startswith(("@", "!")):  # user mentions and <!here>-style specials carry no content
            return label or ""
        if target.startswith("#"):
            return "#" + (label or "")
        if target.startswith("mailto:"):
            return label or target[7:]
        return label or target

    plain = _unescape(_SLACK_LINK.sub(unwrap, text))
    for url in _BARE_URL.findall(plain):
        url = url.rstrip(".,;:!?)]'\"")
        if url not in urls:
            urls.append(url)
    return plain.strip(), urls


def _is_text_file(file: dict[str, Any]) -> bool:
    mimetype = str(file.get("mimetype") or "").lower()
    return mimetype.startswith(_TEXT_MIMETYPES) or file.get("filetype") in ("text", "html", "markdown", "post")


def parse_request(text: str | None, files: list[dict[str, Any]] | None = None) -> Ask:
    """Decide what a message asks for: an attached text/HTML file, else a link (when the words around it
    are too few to be an article), else the text itself. Raises a SummarizerError for nothing usable."""
    files = [f for f in files or [] if f.get("mode") != "tombstone"]
    for file in files:
        if _is_text_file(file):
            return Ask(file=file)
    plain, urls = _plain(text or "")
    rest = plain
    for url in urls:
        rest = rest.replace(url, " ")
    if urls and len(rest.split()) < 20:
        return Ask(url=urls[0])
    if plain:
        return Ask(text=plain)
    if files:
        kind = files[0].get("pretty_type") or files[0].get("filetype") or files[0].get("mimetype") or "binary"
        raise UnreadableSourceError(f"{files[0].get('name', 'the file')}: only text or HTML files can be briefed (this is {kind})")
    raise EmptyArticleError("nothing to brief. " + USAGE)



def load_article(ask: Ask, *, fetcher: Fetcher, client: WebClient, file_origins: tuple[str, ...],
                 file_max_bytes: int) -> Article:
    """The article `ask` names: fetched, downloaded from Slack, or the pasted text itself."""
    if ask.url:
        # the engine's SSRF-safe fetcher; a URL string never reaches the local-path branch of `load`
        return load(ask.url, fetcher=fetcher)
    if ask.file:
        file, data = download(client, ask.file, file_origins=file_origins, file_max_bytes=file_max_bytes)
        name = str(file.get("name") or ask.name)
        html = "html" in str(file.get("mimetype") or "").lower() or file.get("filetype") == "html"
        return from_bytes(data, name, html=True if html else None)
    # Never pass user text to `Summarizer.abrief(str)`: a one-line string naming a local file is read as a path.
    return from_bytes((ask.text or "").encode("utf-8"), "pasted text")


def download(client: WebClient, file: dict[str, Any], *, file_origins: tuple[str, ...],
             file_max_bytes: int) -> tuple[dict[str, Any], bytes]:
    """A file shared in Slack, fetched with the bot token from Slack's file host and nowhere else."""
    if not (file.get("url_private_download") or file.get("url_private")) and file.get("id"):
        file = client.files_info(file=file["id"])["file"]
    name = str(file.get("name") or "file")
    url = str(file.get("url_private_download") or file.get("url_private") or "")
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}".lower() not in file_origins or parts.username or parts.password:
        raise FetchError(f"{name}: not a Slack file URL; only files hosted by Slack are downloaded")
    if int(file.get("size") or 0) > file_max_bytes:
        raise UnreadableSourceError(f"{name}: the file is {int(file['size']):,} bytes; the limit is {file_max_bytes:,}")
    headers = {"Authorization": f"Bearer {client.token}"}
    try:
        # no redirects: a redirect would carry the token elsewhere (and Slack redirects to a login page)
        with httpx.Client(timeout=20.0, follow_redirects=False, trust_env=False) as http, \
                http.stream("GET", url, headers=headers) as response:
            if response.status_code != 200:
                raise FetchError(f"{name}: Slack answered HTTP {response.status_code} for the file (the app needs the files:read scope)")
            ctype = response.headers.get("content-type", "")
            if "text/html" in ctype and "html" not in str(file.get("mimetype") or ""):
                raise FetchError(f"{name}: Slack sent a login page instead of the file (the app needs the files:read scope)")
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > file_max_bytes:
                    raise UnreadableSourceError(f"{name}: the file is larger than {file_max_bytes:,} bytes")
                chunks.append(chunk)
    except httpx.HTTPError as exc:
        raise FetchError(f"{name}: could not download the file from Slack ({type(exc).__name__})") from None
    return file, b"".join(chunks)
