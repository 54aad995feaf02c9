"""Dump every decision of the grounding gate on the repo's material, to compare two versions byte for byte.

    python bench/gate_equivalence.py --out /tmp/before.jsonl          # on the old code
    python bench/gate_equivalence.py --out /tmp/after.jsonl --against /tmp/before.jsonl

One JSON line per case: `ground(...)` of every recorded real answer (as the pipeline would call it, and
again with `names_in_prose=False` and with a `near` offset), of every cassette's first answer, of the
lies and true-but-badly-quoted claims of the mutation suite (tests/mutations.py), where `find_quote` puts
each typographic variant and fabrication of every test article's sentences, and the whole brief the
pipeline builds from each real answer (minus its timestamp and duration). A speed-up must leave every line
as it was. Not a test: it takes about a minute.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import hashlib
import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from summarizer.schemas import Draft, Locator, ground  # noqa: E402
from summarizer.schemas.draft import salvage  # noqa: E402
from summarizer.sources import from_text  # noqa: E402
from tests.mutations import bad_quotes, claim_lies, fabrications, sentences, typographic_variants  # noqa: E402

ARTICLES = ROOT / "tests" / "articles"


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _article(path: Path) -> str:
    return from_text(path.read_text(encoding="utf-8")).text


def _real_answers() -> Iterator[tuple[str, str, str]]:
    """(name, raw answer, article text) of every recorded real answer whose article is here, and of the
    benchmark's fake drafts."""
    for path in [*sorted((ROOT / "tests" / "real_answers").glob("*.json")), *sorted((ROOT / "bench" / "articles").glob("*.draft.json"))]:
        if path.name.startswith("judgments"):
            continue
        record = json.loads(path.read_text(encoding="utf-8"))
        article = (ROOT / record["article"]).resolve()
        if article.exists():
            yield path.stem, record["answer"], _article(article)


def _cassette_answers() -> Iterator[tuple[str, str, str]]:
    for path in sorted((ROOT / "cassettes").glob("test_cassette_*.yaml")):
        article = ARTICLES / (path.stem.removeprefix("test_cassette_") + ".txt")
        if not article.exists():
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for interaction in data.get("interactions", []):
            body = json.loads(interaction["response"]["body"]["string"])
            calls = body["choices"][0]["message"].get("tool_calls") or []
            raw = calls[0]["function"]["arguments"] if calls else body["choices"][0]["message"].get("content")
            if raw:
                yield path.stem, raw, _article(article)
                break


def _draft(raw: str) -> tuple[Draft, list[Any]] | None:
    try:
        return Draft.model_validate_json(raw), []
    except ValueError:
        return salvage(raw)


def _background(claim: str, quotes: list[str]) -> Draft:
    return Draft.model_construct(headline="", who=[], what=None, proposed_responses=[], key_figures=[],
                                 background=[type("P", (), {"point": claim, "evidence": quotes})()])


def _grounds() -> Iterator[tuple[str, Any]]:
    for source in (_real_answers, _cassette_answers):
        for name, raw, text in source():
            parsed = _draft(raw)
            if parsed is None:
                yield name, None
                continue
            draft, lost = parsed
            yield name, _plain(ground(draft, text, dropped=lost))
            yield f"{name} names_in_prose=False", _plain(ground(draft, text, names_in_prose=False, dropped=lost))
            yield f"{name} near", _plain(ground(draft, text, near=len(text) // 3, dropped=lost))


def _mutations() -> Iterator[tuple[str, Any]]:
    """The cases of tests/test_grounding.py's whole-claim and quote tests, with their seeds."""
    rng = random.Random(5)
    folder = ARTICLES
    for path in sorted(p for p in folder.glob("*.txt") if ".ref." not in p.name and p.stem not in ("de_hafenstreik", "uk_strajk")):
        text = _article(path)
        body = [s for s in sentences(text)
                if "\n" not in s and not s.startswith(("Source", "By ", "Photo")) and len(s.split()) >= 8]
        people = list(dict.fromkeys(m for s in body for m in __import__("re").findall(r"\b[A-Z][a-z]+ [A-Z][a-z]+\b", s)))
        for k, s in enumerate(body):
            for kind, claim in claim_lies(s, people, rng):
                yield f"{path.stem} lie {k} {kind}", _plain(ground(_background(claim, [s]), text))
            for kind, quotes in bad_quotes(s, body, rng):
                yield f"{path.stem} truth {k} {kind}", _plain(ground(_background(s, quotes), text))
    for path in sorted(folder.glob("*.txt")):
        text = _article(path)
        loc = Locator(text)
        rng = random.Random(7)
        for s in sentences(text):
            quotes = typographic_variants(s) + [q for _, q in fabrications(s, rng)]
            yield f"{path.stem} quotes {s[:40]}", [_plain(loc.find_quote(q)) for q in quotes]


def _briefs() -> Iterator[tuple[str, Any]]:
    from summarizer.llm import LLM
    from summarizer.pipeline import Summarizer
    from summarizer.render import to_json
    from summarizer.sources import Article
    from summarizer.testing import FakeModel, fake_async_client

    async def one(raw: str, text: str) -> str:
        llm = LLM(fake_async_client(FakeModel(raw)), model="fake-model")
        summarizer = Summarizer(llm, cache=None, reasks=0, show_dropped=True)
        try:
            brief = await summarizer.abrief_article(Article(text=text, label="article.txt"))
        except Exception as exc:  # noqa: BLE001 - the error is the outcome
            return f"{type(exc).__name__}: {exc}"
        finally:
            await summarizer.aclose()
        data = json.loads(to_json(brief))
        data["provenance"].pop("created_at")
        data["provenance"].pop("duration_s")
        return data

    for name, raw, text in _real_answers():
        yield f"{name} brief", asyncio.run(one(raw, text))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--against", type=Path, help="an earlier dump: report the first lines that differ")
    args = parser.parse_args()
    lines = []
    for source in (_grounds, _mutations, _briefs):
        for name, result in source():
            lines.append(json.dumps({"case": name, "result": result}, ensure_ascii=False, sort_keys=True))
    data = "\n".join(lines) + "\n"
    args.out.write_text(data, encoding="utf-8")
    print(f"{len(lines)} cases, sha256 {hashlib.sha256(data.encode()).hexdigest()[:16]}, written to {args.out}")
    if args.against is not None:
        before = args.against.read_text(encoding="utf-8").splitlines()
        differ = [k for k, (a, b) in enumerate(zip(before, lines, strict=False)) if a != b]
        if len(before) != len(lines):
            print(f"DIFFERENT: {len(before)} cases before, {len(lines)} now")
        for k in differ[:5]:
            print(f"DIFFERENT: {json.loads(lines[k])['case']}")
        if differ or len(before) != len(lines):
            sys.exit(1)
        print("byte-identical to", args.against)


if __name__ == "__main__":
    main()
