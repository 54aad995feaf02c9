"""The SSRF-safe fetcher: fakes for the network (a mock transport and a fake resolver)."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import httpx
import pytest

from summarizer.errors import BlockedURLError, FetchError, NotAnArticleError
from summarizer.fetch import Fetcher, check_address

PUBLIC = "93.184.216.34"
HTML = b"<html><body><article><p>" + b"Dock workers began a strike on Tuesday at the port. " * 30 + b"</p></article></body></html>"


def resolver(table: dict[str, list[str]]):
    async def resolve(host: str, port: int) -> list[str]:
        return table.get(host, [PUBLIC])

    return resolve


def fetcher(handler, table: dict[str, list[str]] | None = None, **kw) -> Fetcher:
    return Fetcher(resolver=resolver(table or {}), transport=httpx.MockTransport(handler), **kw)


@pytest.mark.parametrize(
    "ip",
    ["127.0.0.1", "10.1.2.3", "172.16.0.5", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
     "::1", "fd00::1", "fe80::1", "::ffff:127.0.0.1", "224.0.0.1"],
)
def test_non_public_addresses_are_refused(ip: str) -> None:
    with pytest.raises(BlockedURLError):
        check_address(ip)


def test_public_address_passes() -> None:
    check_address(PUBLIC)
    check_address("2606:4700:4700::1111")


async def test_fetch_pins_the_checked_address_and_sends_the_host() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=HTML, headers={"content-type": "text/html; charset=utf-8"})

    page = await fetcher(handler).fetch("https://news.example/story?id=1")
    assert page.body == HTML and page.url == "https://news.example/story?id=1"
    assert seen[0].url.host == PUBLIC and seen[0].headers["host"] == "news.example"
    assert seen[0].extensions["sni_hostname"] == "news.example"


@pytest.mark.parametrize("target", ["http://169.254.169.254/latest/meta-data/", "http://internal.example/admin",
                                    "http://[::1]:8080/", "http://localhost/"])
async def test_redirects_into_the_private_network_are_refused(target: str) -> None:
    hops: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        hops.append(str(request.url))
        return httpx.Response(302, headers={"location": target})

    table = {"internal.example": ["10.0.0.7"], "localhost": ["127.0.0.1"]}
    with pytest.raises(BlockedURLError):
        await fetcher(handler, table).fetch("https://news.example/story")
    assert len(hops) == 1  # the private hop was never requested


async def test_host_resolving_to_any_private_address_is_refused() -> None:
    def handler(request: httpx.Request) -> httpx.Response:  # pragma: no cover - must not be reached
        raise AssertionError("connected")

    with pytest.raises(BlockedURLError, match="non-public"):
        await fetcher(handler, {"rebind.example": [PUBLIC, "127.0.0.1"]}).fetch("http://rebind.example/")


async def test_size_cap_timeout_type_and_status() -> None:
    big = fetcher(lambda r: httpx.Response(200, content=b"x" * 2000, headers={"content-type": "text/html"}), max_bytes=1000)
    with pytest.raises(FetchError, match="larger than"):
        await big.fetch("https://news.example/")

    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    with pytest.raises(FetchError, match="timed out"):
        await fetcher(slow).fetch("https://news.example/")
    pdf = fetcher(lambda r: httpx.Response(200, content=b"%PDF", headers={"content-type": "application/pdf"}))
    with pytest.raises(NotAnArticleError, match="not a web page"):
        await pdf.fetch("https://news.example/a.pdf")
    paywall = fetcher(lambda r: httpx.Response(403, content=b"no"))
    with pytest.raises(NotAnArticleError, match="403"):
        await paywall.fetch("https://news.example/")
    loop = fetcher(lambda r: httpx.Response(301, headers={"location": "/again"}), max_redirects=3)
    with pytest.raises(FetchError, match="redirects"):
        await loop.fetch("https://news.example/")
    with pytest.raises(FetchError, match="http and https"):
        await fetcher(lambda r: httpx.Response(200)).fetch("file:///etc/passwd")


async def test_a_real_loopback_server_is_never_contacted() -> None:
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        for url in (f"http://127.0.0.1:{port}/", f"http://localhost:{port}/"):
            with pytest.raises(BlockedURLError):
                await Fetcher().fetch(url)
    finally:
        server.shutdown()
    assert hits == []


# --- issue 9: one deadline per fetch, embedded IPv4 forms, messages naming the URL given -------------------


async def test_a_trickling_server_cannot_stretch_the_deadline() -> None:
    import asyncio
    import time

    async def trickle():  # a byte every 0.2 s: no single read ever times out
        for _ in range(1000):
            await asyncio.sleep(0.2)
            yield b"x"

    async def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=trickle(), headers={"content-type": "text/html"})

    started = time.monotonic()
    with pytest.raises(FetchError, match=r"timed out after 1 s \(the whole fetch, redirects included\)"):
        await fetcher(handler, timeout=1.0).fetch("https://news.example/slow")
    assert time.monotonic() - started < 3


async def test_the_deadline_covers_every_redirect() -> None:
    import asyncio
    import time

    async def handler(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(0.4)
        return httpx.Response(302, headers={"location": f"/hop{len(str(request.url))}"})

    started = time.monotonic()
    with pytest.raises(FetchError, match="timed out"):
        await fetcher(handler, timeout=1.0, max_redirects=5).fetch("https://news.example/")
    assert time.monotonic() - started < 2


@pytest.mark.parametrize(
    "ip",
    ["2002:7f00:1::", "2002:a9fe:a9fe::1", "2002:c0a8:101::",  # 6to4 for 127.0.0.1, 169.254.169.254, 192.168.1.1
     "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe", "64:ff9b:1::a00:1",  # NAT64, well-known and local-use
     "2001:0:4136:e378:8000:63bf:80ff:fffe",  # Teredo whose client is 127.0.0.1
     "2001:0:a00:1::1",  # Teredo whose server is 10.0.0.1
     "::127.0.0.1", "::a9fe:a9fe"],  # IPv4-compatible
)
def test_embedded_private_ipv4_forms_are_refused(ip: str) -> None:
    with pytest.raises(BlockedURLError, match="non-public"):
        check_address(ip)


def test_embedded_public_ipv4_forms_pass() -> None:
    check_address("2002:5db8:d822::1")  # 6to4 for 93.184.216.34


async def test_a_refused_redirect_names_the_url_given() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"location": "http://169.254.169.254/latest/"})

    with pytest.raises(BlockedURLError) as caught:
        await fetcher(handler).fetch("https://news.example/story")
    message = str(caught.value)
    assert message.startswith("https://news.example/story (redirected to http://169.254.169.254/latest/): ")
