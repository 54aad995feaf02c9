"""Fetch a web page without letting a pasted URL reach inside the network (SSRF).

Every hop, redirects included, is resolved first; if any address is private, loopback, link-local,
multicast, reserved or a cloud metadata address, the fetch is refused. The connection then goes to the
address that was checked (the hostname travels in Host and SNI), so DNS cannot change its answer between
the check and the connect.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from .errors import BlockedURLError, FetchError, NotAnArticleError

__all__ = ["Fetcher", "Page", "check_address"]

Resolver = Callable[[str, int], Awaitable[list[str]]]

_TEXT_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "text/markdown", "application/xml", "text/xml")
_USER_AGENT = "summarizer/0.1 (+https://github.com/; news brief tool)"


@dataclass(frozen=True)
class Page:
    url: str  # the final URL after redirects
    body: bytes
    content_type: str
    charset: str | None


# NAT64 prefixes (RFC 6052 well-known, RFC 8215 local-use): the last 32 bits are the IPv4 address reached.
_NAT64 = (ipaddress.IPv6Network("64:ff9b::/96"), ipaddress.IPv6Network("64:ff9b:1::/48"))


def _embedded_ipv4(addr: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """IPv4 addresses an IPv6 form leads to: mapped, 6to4 (2002::/16), Teredo (2001::/32), NAT64, compatible."""
    found: list[ipaddress.IPv4Address] = []
    if addr.ipv4_mapped is not None:
        found.append(addr.ipv4_mapped)
    if addr.sixtofour is not None:
        found.append(addr.sixtofour)
    if addr.teredo is not None:
        found.extend(addr.teredo)  # (server, client): both are reached
    if any(addr in net for net in _NAT64):
        found.append(ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF))
    if int(addr) >> 32 == 0 and int(addr) > 1:  # ::a.b.c.d, the deprecated IPv4-compatible form
        found.append(ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF))
    return found


def _public(addr: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return addr.is_global and not (addr.is_multicast or addr.is_reserved or addr.is_link_local)


def check_address(ip: str) -> None:
    """Raise BlockedURLError unless ip is a public unicast address, and so is any IPv4 address it embeds."""
    addr = ipaddress.ip_address(ip.split("%")[0])
    if isinstance(addr, ipaddress.IPv6Address):
        for inner in _embedded_ipv4(addr):
            if not _public(inner):
                raise BlockedURLError(f"refusing to fetch from a non-public address ({addr}, which reaches {inner})")
    if not _public(addr):
        raise BlockedURLError(f"refusing to fetch from a non-public address ({addr})")


async def _system_resolver(host: str, port: int) -> list[str]:
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({info[4][0] for info in infos})


class Fetcher:
    """An SSRF-safe page fetcher with a timeout, a size cap and a redirect limit."""

    def __init__(
        self,
        *,
        timeout: float = 15.0,
        max_bytes: int = 5_000_000,
        max_redirects: int = 5,
        resolver: Resolver | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ):
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self._resolve = resolver or _system_resolver
        self._transport = transport

    async def fetch(self, url: str) -> Page:
        """The page at `url`, within one deadline of `timeout` seconds for the whole fetch: resolving, every
        redirect and the body together (a server trickling a byte at a time cannot stretch it)."""
        try:
            return await asyncio.wait_for(self._fetch(url), self.timeout)
        except (asyncio.TimeoutError, TimeoutError):
            raise FetchError(f"{url}: timed out after {self.timeout:g} s (the whole fetch, redirects included)") from None

    async def _fetch(self, url: str) -> Page:
        async with httpx.AsyncClient(
            transport=self._transport, timeout=self.timeout, follow_redirects=False, trust_env=False
        ) as client:
            current = url
            for _ in range(self.max_redirects + 1):
                response = await self._get(client, current, url)
                try:
                    if response.is_redirect:
                        location = response.headers.get("location")
                        if not location:
                            raise FetchError(f"{url}: redirect without a Location header")
                        current = urljoin(current, location)
                        continue
                    return await self._read(url, current, response)
                finally:
                    await response.aclose()
            raise FetchError(f"{url}: more than {self.max_redirects} redirects")

    async def _get(self, client: httpx.AsyncClient, url: str, original: str) -> httpx.Response:
        """One hop. Errors name the URL the user gave, and the hop too when a redirect led there."""
        given = original if url == original else f"{original} (redirected to {url})"
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise FetchError(f"{given}: only http and https URLs can be fetched")
        host = parts.hostname
        if not host:
            raise FetchError(f"{given}: the URL has no host")
        if parts.username or parts.password:
            raise FetchError(f"{given}: URLs with credentials are not fetched")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            addresses = [str(ipaddress.ip_address(host))]
        except ValueError:
            try:
                addresses = await asyncio.wait_for(self._resolve(host, port), self.timeout)
            except (OSError, asyncio.TimeoutError) as exc:
                raise FetchError(f"{given}: cannot resolve host {host!r}") from exc
        if not addresses:
            raise FetchError(f"{given}: cannot resolve host {host!r}")
        for ip in addresses:
            try:
                check_address(ip)
            except BlockedURLError as exc:
                raise BlockedURLError(f"{given}: {exc}") from None
        ip = addresses[0]
        netloc_ip = f"[{ip}]" if ":" in ip else ip
        if parts.port:
            netloc_ip += f":{parts.port}"
        pinned = urlunsplit((parts.scheme, netloc_ip, parts.path or "/", parts.query, ""))
        host_header = host if not parts.port else f"{host}:{parts.port}"
        request = client.build_request(
            "GET",
            pinned,
            headers={
                "Host": host_header,
                "User-Agent": _USER_AGENT,
                "Accept": "text/html,text/plain;q=0.9,*/*;q=0.1",
                "Accept-Encoding": "gzip, deflate",
            },
            extensions={"sni_hostname": host},
        )
        try:
            return await client.send(request, stream=True)
        except httpx.TimeoutException as exc:
            raise FetchError(f"{given}: timed out after {self.timeout:g} s") from exc
        except httpx.HTTPError as exc:
            raise FetchError(f"{given}: {type(exc).__name__}: {exc}") from exc

    async def _read(self, original: str, url: str, response: httpx.Response) -> Page:
        if response.status_code in (401, 402, 403, 451):
            raise NotAnArticleError(f"{original}: HTTP {response.status_code}: the page is blocked or behind a paywall")
        if response.status_code >= 400:
            raise FetchError(f"{original}: HTTP {response.status_code}")
        ctype = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype and not ctype.startswith(_TEXT_TYPES):
            raise NotAnArticleError(f"{original}: not a web page (content type {ctype})")
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > self.max_bytes:
            raise FetchError(f"{original}: page larger than {self.max_bytes:,} bytes")
        chunks: list[bytes] = []
        size = 0
        try:
            async for chunk in response.aiter_bytes():  # decoded; the cap counts decoded bytes
                size += len(chunk)
                if size > self.max_bytes:
                    raise FetchError(f"{original}: page larger than {self.max_bytes:,} bytes")
                chunks.append(chunk)
        except httpx.TimeoutException as exc:
            raise FetchError(f"{original}: timed out after {self.timeout:g} s") from exc
        except httpx.HTTPError as exc:
            raise FetchError(f"{original}: {type(exc).__name__}: {exc}") from exc
        body = b"".join(chunks)
        return Page(url=url, body=body, content_type=ctype or "text/html", charset=response.charset_encoding)
