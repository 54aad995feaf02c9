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


@pytest.fixture
def article_text() -> str:
    return (ARTICLES / "harbour_strike.txt").read_text(encoding="utf-8")


@pytest.fixture
def seed_text() -> str:
    if not SEED.exists():
        pytest.skip("../shared seed article not present")
    return SEED.read_text(encoding="utf-8")
