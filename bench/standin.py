"""Realistic inputs and an honest stand-in model for the batch benchmarks (batch_limit.py, batch_memory.py).

Articles are the repo's 700-800-word `tests/articles/news_*.txt`, copied into distinct files: each copy ends
with a line naming its number, so every copy has its own text and its own cache key. The stand-in answers each
request with a full draft for the article in it: the real model's recorded answer for that article
(`tests/real_answers/NAME.json`, Qwen2.5-Coder-1.5B) when there is one, else
`summarizer.testing.quoting_answer`. The copy line is appended after the article's last line, so the recorded
answer's quotes still stand in the copy.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from summarizer.testing import completion, quoting_answer

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = ROOT / "tests" / "articles"
ANSWERS = ROOT / "tests" / "real_answers"
_TAGGED = re.compile(r"<(article[^<>\s]*)>\n(.*)\n</\1>", re.S)


def news_articles() -> list[Path]:
    """The long news articles (not their NAME.ref.txt reference summaries)."""
    return sorted(p for p in ARTICLES.glob("news_*.txt") if not p.stem.endswith(".ref"))


def write_copies(folder: Path, n: int, *, per_folder: int = 500) -> list[Path]:
    """`n` distinct articles under `folder`, cycling through `news_articles()`; subfolders of `per_folder`."""
    sources = [(p.stem, p.read_text(encoding="utf-8").rstrip("\n")) for p in news_articles()]
    written = []
    for i in range(n):
        stem, text = sources[i % len(sources)]
        sub = folder / f"part{i // per_folder:03d}"
        sub.mkdir(parents=True, exist_ok=True)
        path = sub / f"{i:05d}_{stem}.txt"
        path.write_text(f"{text}\n\nThis is copy number {i} of the report, filed for the batch benchmark.\n",
                        encoding="utf-8")
        written.append(path)
    return written


def _kept_only(answer: str, article: str) -> str:
    """The answer without the items the gate removes from it: what a model right the first time would send.

    A removed headline gives way to the article's own first line, a removed `what` to `quoting_answer`'s (the
    article's first sentence), and that to none."""
    from summarizer.schemas import ground
    from summarizer.schemas.draft import salvage
    from summarizer.sources import from_text

    text = from_text(article).text
    salvaged = salvage(answer)  # some recorded answers were cut off at the token limit: their whole items
    assert salvaged is not None
    data = salvaged[0].model_dump(mode="json")
    for _ in range(3):  # dropping an item can change what a neighbour is judged against; settle
        draft, lost = salvage(json.dumps(data))
        grounded = ground(draft, text, dropped=lost)
        fatal = {p.item for p in grounded.problems if p.fatal} | {d.item for d in lost}
        if not fatal:
            return json.dumps(data)
        if "headline" in fatal:
            data["headline"] = next(line.strip() for line in text.splitlines() if line.strip())
        if "what" in fatal:
            plain = quoting_answer({"messages": [{"role": "user", "content": text}]})["what"]
            data["what"] = plain if data.get("what") != plain else None
        for kind in ("who", "background", "proposed_responses", "key_figures"):
            data[kind] = [x for i, x in enumerate(data.get(kind) or []) if f"{kind}[{i}]" not in fatal]
    raise AssertionError("the recorded answer does not settle into one the gate keeps whole")


@lru_cache(maxsize=2)
def _recorded(kept: bool) -> list[tuple[str, dict[str, Any]]]:
    """(an article's first line, the completion for it) for every news article: its recorded answer, or a
    quoting draft of it where none was recorded."""
    from summarizer.sources import from_text

    found = []
    for path in news_articles():
        article = path.read_text(encoding="utf-8")
        record_path = ANSWERS / f"{path.stem}.json"
        if record_path.exists():
            record = json.loads(record_path.read_text(encoding="utf-8"))
            answer, usage = record["answer"], record.get("usage") or {}
        else:
            answer = json.dumps(quoting_answer({"messages": [{"role": "user", "content": from_text(article).text}]}))
            usage = {}
        arguments = _kept_only(answer, article) if kept else answer
        body = completion(arguments, model="stand-in", prompt_tokens=usage.get("prompt_tokens", 1700),
                          completion_tokens=usage.get("completion_tokens", 500))
        first = next(line.strip() for line in article.splitlines() if line.strip())
        found.append((first, body))
    return found


def _lookup(body: dict[str, Any], kept: bool) -> dict[str, Any]:
    user = next(m["content"] for m in body["messages"] if m["role"] == "user")
    found = _TAGGED.search(user)
    text = found.group(2) if found else user
    for first, answer in _recorded(kept):
        if first in text:
            return {**answer, "model": body.get("model", "stand-in")}
    return quoting_answer(body)


def recorded_answer(body: dict[str, Any]) -> dict[str, Any]:
    """The real model's recorded answer for the article in the request (a quoting draft when none was recorded).

    The gate removes something from every recorded news answer, so each article is asked again once; the
    re-ask carries the same article and gets the same answer, as from a model at temperature 0 that does not
    take the hint, and the pipeline stops there (a repeated answer is not asked again)."""
    return _lookup(body, kept=False)


def kept_answer(body: dict[str, Any]) -> dict[str, Any]:
    """The recorded answer without the items the gate would remove: one call per article, no re-ask."""
    return _lookup(body, kept=True)


def warm_recorded() -> None:
    _recorded(False)


def warm_kept() -> None:
    _recorded(True)


# name: (answer, warm-up that builds the answers before the server says it is ready)
ANSWER_MODES = {"recorded": (recorded_answer, warm_recorded), "kept": (kept_answer, warm_kept)}
