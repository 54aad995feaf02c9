"""Shared fixtures. Tests never reach the network: fakes for logic, replay-only cassettes for the wire."""

from __future__ import annotations

from pathlib import Path

import pytest

ARTICLES = Path(__file__).parent / "articles"
SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_5e52bd365f6b6a67.txt"


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No real key, no real server, and a private cache per test."""
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "SUMMARIZER_MODEL", "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN",
                 "SLACK_SIGNING_SECRET", "SLACK_API_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SUMMARIZER_CACHE", str(tmp_path / "cache.sqlite3"))
    # The local model is never started by a test, installed or not (tests/test_local.py fakes it).
    monkeypatch.setenv("SUMMARIZER_MODELS_DIR", str(tmp_path / "models"))
    monkeypatch.setattr("summarizer.local_server.installed", lambda: False)


@pytest.fixture
def article_text() -> str:
    return (ARTICLES / "harbour_strike.txt").read_text(encoding="utf-8")


@pytest.fixture
def seed_text() -> str:
    if not SEED.exists():
        pytest.skip(f"optional extra article {SEED.name} not found beside the checkout ({SEED.parent}); "
                    "it only widens one test, every other test covers the same code")
    return SEED.read_text(encoding="utf-8")


# -- cassettes (vcrpy via pytest-recording) ------------------------------------------------------------
# Replay-only by default (pyproject addopts: --record-mode=none --block-network). See docs/recording.md.

CASSETTES = Path(__file__).resolve().parents[1] / "cassettes"

# Request headers that identify the caller or the machine: never written to a cassette.
SCRUBBED_REQUEST_HEADERS = [
    "authorization",
    "api-key",
    "openai-organization",
    "openai-project",
    "cookie",
    "user-agent",
    "x-stainless-lang",
    "x-stainless-package-version",
    "x-stainless-os",
    "x-stainless-arch",
    "x-stainless-runtime",
    "x-stainless-runtime-version",
    "x-stainless-async",
    "x-stainless-retry-count",
    "x-stainless-read-timeout",
    "x-stainless-timeout",
    "x-stainless-raw-response",
    "x-stainless-helper-method",
    "x-stainless-poll-helper",
    "x-stainless-custom-poll-interval",
]
# Response headers that carry account ids, cookies or per-call noise.
SCRUBBED_RESPONSE_HEADERS = {
    "set-cookie",
    "openai-organization",
    "openai-project",
    "openai-processing-ms",
    "openai-version",
    "x-request-id",
    "request-id",
    "x-envoy-upstream-service-time",
    "strict-transport-security",
    "alt-svc",
    "date",
    "server",
    "vary",
    "access-control-expose-headers",
}
_SCRUBBED_RESPONSE_PREFIXES = ("cf-", "x-ratelimit-", "x-stainless-", "openai-")


def _scrub_request(request):  # type: ignore[no-untyped-def]
    """vcrpy hands us a deep copy: drop any x-stainless-* header a newer SDK adds beyond the list above."""
    for name in [n for n in request.headers if n.lower().startswith("x-stainless")]:
        del request.headers[name]
    return request


def _scrub_response(response):  # type: ignore[no-untyped-def]
    headers = response.get("headers") or {}
    for name in list(headers):
        low = name.lower()
        if low in SCRUBBED_RESPONSE_HEADERS or low.startswith(_SCRUBBED_RESPONSE_PREFIXES):
            del headers[name]
    return response


@pytest.fixture
def vcr_config() -> dict:
    return cassette_config()


def cassette_config() -> dict:
    """Match on method, path and body (not host or port: cassettes replay whatever base URL recorded them).

    vcrpy's `body` matcher compares JSON bodies parsed (key order does not matter) when the request says
    `content-type: application/json`, which the OpenAI SDK always does. (A plain function too, for bench/.)
    """
    return {
        "match_on": ["method", "path", "body"],
        "filter_headers": SCRUBBED_REQUEST_HEADERS,
        "before_record_request": _scrub_request,
        "before_record_response": _scrub_response,
        "decode_compressed_response": True,
    }


@pytest.fixture(scope="module")
def vcr_cassette_dir() -> str:
    """One top-level cassettes/ folder, one YAML per test (named after the test)."""
    return str(CASSETTES)
