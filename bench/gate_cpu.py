"""CPU the grounding gate spends per brief on a real model's answers. Prints numbers; not a test.

    python bench/gate_cpu.py [--rounds 5]

Each round grounds every recorded answer in tests/real_answers/ (Qwen2.5-Coder-1.5B drafts of the repo's
articles) against its article with every cache of the gate emptied first, as for an article never seen.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from summarizer.schemas import ground, normal, signals, text  # noqa: E402
from summarizer.schemas.draft import salvage  # noqa: E402
from summarizer.sources import from_text  # noqa: E402


def _cold() -> None:
    for cached in (normal.fold, normal.american, text.small_locator, text.locator, signals.same_word):
        cached.cache_clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    cases = []
    for path in sorted((ROOT / "tests" / "real_answers").glob("*.json")):
        if path.name.startswith("judgments"):
            continue
        record = json.loads(path.read_text(encoding="utf-8"))
        article = (ROOT / record["article"]).resolve()
        if article.exists():
            draft, lost = salvage(record["answer"])
            cases.append((path.stem, draft, lost, from_text(article.read_text(encoding="utf-8")).text))
    times: dict[str, list[float]] = {name: [] for name, *_ in cases}
    for _ in range(args.rounds):
        for name, draft, lost, article in cases:
            _cold()
            started = time.perf_counter()
            ground(draft, article, dropped=lost)
            times[name].append(time.perf_counter() - started)
    for name, draft, _, article in cases:
        items = len(draft.who) + len(draft.background) + len(draft.proposed_responses) + len(draft.key_figures) + 1
        print(f"{name:<26} {len(article.split()):>5} words  {items:>3} items  {statistics.median(times[name]) * 1000:6.1f} ms")
    medians = [statistics.median(t) for t in times.values()]
    print(f"\nmedian per brief: {statistics.median(medians) * 1000:.1f} ms, mean {statistics.mean(medians) * 1000:.1f} ms "
          f"({len(cases)} briefs, {args.rounds} rounds, caches emptied before each)")


if __name__ == "__main__":
    main()
