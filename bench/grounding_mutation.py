"""The grounding gate's rates on mutated quotes: fabrications caught, genuine typographic variants passed.

Usage: python bench/grounding_mutation.py   (uses tests/articles/*.txt, and the shared seed when present)
"""

from __future__ import annotations

import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from summarizer.schemas import Locator  # noqa: E402
from summarizer.sources import from_text  # noqa: E402
from tests.mutations import fabrications, sentences, typographic_variants  # noqa: E402


def main() -> None:
    files = sorted(p for p in (ROOT / "tests" / "articles").glob("*.txt") if ".ref." not in p.name)
    seed = ROOT.parent / "shared" / "seeds" / "000_5e52bd365f6b6a67.txt"
    if seed.exists():
        files.append(seed)
    genuine_total = genuine_pass = 0
    fake_total = fake_caught = 0
    by_kind: Counter[str] = Counter()
    caught_kind: Counter[str] = Counter()
    t0 = time.perf_counter()
    rng = random.Random(11)
    for path in files:
        text = from_text(path.read_text(encoding="utf-8"), label=path.name).text
        loc = Locator(text)
        for s in sentences(text):
            for v in typographic_variants(s):
                genuine_total += 1
                genuine_pass += loc.find_quote(v) is not None
            for kind, q in fabrications(s, rng):
                fake_total += 1
                by_kind[kind] += 1
                if loc.find_quote(q) is None:
                    fake_caught += 1
                    caught_kind[kind] += 1
    elapsed = time.perf_counter() - t0
    print(f"articles: {len(files)}")
    print(f"genuine quotes with typographic variants passed: {genuine_pass}/{genuine_total} = {genuine_pass / genuine_total:.1%}")
    print(f"fabricated quotes caught: {fake_caught}/{fake_total} = {fake_caught / fake_total:.1%}")
    for kind in sorted(by_kind):
        print(f"  {kind:18s} {caught_kind[kind]}/{by_kind[kind]}")
    print(f"checked {genuine_total + fake_total} quotes in {elapsed * 1000:.0f} ms")


if __name__ == "__main__":
    main()
