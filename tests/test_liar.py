"""A model that lies, end to end: whatever it invents reaches no brief, no file, no cache and no Slack message.

The liar (a fake, written here) answers any article with a brief built from the article's own sentences,
each one turned false: an invented person with an invented quote, a real sentence with its number changed,
its negation flipped or another real person put in a name's place, a real proposal credited to someone who
never made it, a byline as evidence. Beside them it gives one true item, so there is a brief to write.
"""

from __future__ import annotations

import asyncio
import random
import re
import sqlite3
from pathlib import Path
from typing import Any

from summarizer.batch import FolderBatch
from summarizer.llm import LLM
from summarizer.pipeline import Summarizer
from summarizer.testing import FakeModel, fake_async_client
from tests.mutations import INVENTED_NAMES, claim_lies

ARTICLES = Path(__file__).parent / "articles"
NAMES = ["harbour_strike", "news_central_bank", "news_diplomatic_row", "news_airline_strike"]
_TAGGED = re.compile(r"<(article[^<>\s]*)>\n(.*)\n</\1>", re.S)


def _sentences(text: str) -> list[str]:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip().endswith((".", "”", '"'))]
    return [s for s in re.split(r"(?<=[.!?”])\s+", " ".join(lines)) if len(s.split()) >= 8]


def liar(body: dict[str, Any]) -> dict[str, Any]:
    """A brief of the article in the request in which everything but `what` is false."""
    user = [m["content"] for m in body["messages"] if m["role"] == "user"][0]  # a re-ask adds more
    text = _TAGGED.search(user).group(2)  # type: ignore[union-attr]
    sentences = _sentences(text)
    rng = random.Random(len(text))
    people = list(dict.fromkeys(re.findall(r"\b[A-Z][a-z]+ [A-Z][a-z]+\b", text)))
    lies = [(kind, claim, s) for s in sentences[:12] for kind, claim in claim_lies(s, people, rng)]
    invented = rng.sample(INVENTED_NAMES, 4)
    return {
        "headline": f"{invented[0]} quits as strike spreads to 9 ports",
        "who": [{"name": n, "role": "chief negotiator", "evidence": [f"{n} said the talks had collapsed"]}
                for n in invented[:2]]
        + [{"name": people[0], "role": "minister of fisheries", "evidence": ["By Jana Hofer and Luis Ortega, Reuters"]}],
        "what": {"summary": sentences[0], "evidence": [sentences[0]]},
        "background": [{"point": claim, "evidence": [real]} for kind, claim, real in lies if kind != "invented"],
        "proposed_responses": [
            {"proposed_by": invented[2], "action": "nationalise the port within 30 days", "kind": "economic",
             "status": "proposed", "evidence": [f"{invented[2]} proposed to nationalise the port"]},
            {"proposed_by": people[-1], "action": sentences[1], "kind": "other", "status": "called_for",
             "evidence": ["Source: Coastal Herald"]},
        ],
        "key_figures": [{"value": "7,345", "label": "jobs lost", "evidence": ["7,345 jobs were lost"]}],
    }


def _inventions(folder: Path) -> list[str]:
    """What the liar invents for these articles: names, numbers and the false claims themselves."""
    out = [*INVENTED_NAMES, "7,345", "9 ports", "nationalise", "minister of fisheries", "chief negotiator"]
    for name in NAMES:
        body = {"messages": [{"role": "user", "content": f"<article-x>\n{_clean(folder / f'{name}.txt')}\n</article-x>"}]}
        answer = liar(body)
        out += [b["point"] for b in answer["background"]]
    return out


def _clean(path: Path) -> str:
    from summarizer.sources import from_text

    return from_text(path.read_text(encoding="utf-8")).text


def _everything_written(*roots: Path) -> str:
    parts = []
    for root in roots:
        for path in sorted(root.rglob("*")):
            if not path.is_file():
                continue
            if path.suffix == ".sqlite3":
                with sqlite3.connect(path) as db:
                    parts += [row[0] for row in db.execute("SELECT brief FROM briefs")]
            # the raw bytes too: a cache page or a write-ahead log holds text as written
            parts.append(path.read_bytes().decode("utf-8", errors="replace"))
    return "\n".join(parts)


def test_a_lying_model_leaves_no_trace_in_briefs_files_or_cache(tmp_path: Path) -> None:
    src, out, cache = tmp_path / "in", tmp_path / "out", tmp_path / "cache"
    src.mkdir()
    cache.mkdir()
    for name in NAMES:
        (src / f"{name}.txt").write_text((ARTICLES / f"{name}.txt").read_text(encoding="utf-8"), encoding="utf-8")
    fake = FakeModel(liar)
    summarizer = Summarizer(LLM(fake_async_client(fake), model="liar"), cache=cache / "briefs.sqlite3")
    report = asyncio.run(FolderBatch(src, out, summarizer=summarizer, markdown=True).run())
    assert report.ok == len(NAMES) and not report.failed  # the one true item makes each a brief
    written = _everything_written(out, cache)
    assert "dropped" in written  # the removed items are reported ...
    leaked = [x for x in _inventions(src) if x in written]
    assert leaked == []  # ... but nothing of what they said
    assert fake.calls >= len(NAMES)


def test_a_lying_model_leaves_no_trace_in_slack(tmp_path: Path) -> None:
    from summarizer.slack_blocks import brief_blocks, brief_text, evidence_messages

    fake = FakeModel(liar)
    summarizer = Summarizer(LLM(fake_async_client(fake), model="liar"), cache=False, show_dropped=True)
    text = (ARTICLES / "harbour_strike.txt").read_text(encoding="utf-8")
    brief = summarizer.brief(text)
    assert brief.provenance.dropped and all(d.text for d in brief.provenance.dropped)  # kept for the operator
    posted = repr([brief_blocks(brief, "b1"), brief_text(brief), evidence_messages(brief)])
    leaked = [x for x in _inventions(ARTICLES) if x in posted]
    assert leaked == [] and "removed as unsupported" in posted
