"""Lies told with the article's own words, and true items told badly: what reaches the brief. Prints numbers.

    python bench/liar_probes.py [--show] [--probes bench/liar_probes_heldout.json]

bench/liar_probes.json holds 183 hand-written probes over five articles. Each adds one item to a true draft
(its what happened) and runs it through the whole pipeline, as a model's answer (`Summarizer.abrief_article`
against the in-process fake client, no re-asks). A lie (155) puts somebody's role on another, swaps who did
what, changes a number, a unit, a date or a direction, credits a proposal or a quote to the wrong person,
labels a figure with another's label, or gives a status the article does not. A true item (28) says what
the article says, often in other words or with a poor quote.

A lie reaches the brief when an item of its kind shows every field the probe wrote (evidence aside) as the
probe wrote it: a proposal shown as "proposed" where the lie said "agreed", or a what happened shown
without the lie's "when", did not reach it. A true item is kept when an item shows the fields that say
which it is (its name, point, summary, value, or proposer and action) as written: some true probes carry
a wrong status or kind, which the gate should correct, not drop. `--show` lists the lies that reached the
brief and the true items dropped.

bench/liar_probes_heldout.json (`--probes`) holds 211 more over three articles (bench/articles/hospital_merger.txt,
fishing_quota.txt, river_spill.txt), written in session 26 by helpers that never saw the gate's code nor ran
it: a measure of what the gate does on lies and sloppy true items it was not tuned on (river_spill was
measured once, after the gate was mended on the other two). bench/liar_probes_heldout2.json holds 140 more
over two more articles (plant_fire.txt, tuition_protest.txt), written in session 27 the same way and measured
once before any change made for them. bench/liar_probes_heldout3.json holds 140 more over
bench/articles/mine_flood.txt and housing_vote.txt, written in session 28 the same way and measured once. A probe with "lie_in":
"evidence" is a true item over an invented quote or byline: the lie is shown when that quote is.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from summarizer.errors import GroundingError, ModelOutputError  # noqa: E402
from summarizer.llm import LLM  # noqa: E402
from summarizer.pipeline import Summarizer  # noqa: E402
from summarizer.schemas import Brief  # noqa: E402
from summarizer.sources import Article, from_text  # noqa: E402
from summarizer.testing import FakeModel, fake_async_client  # noqa: E402

_LISTS = ("who", "background", "proposed_responses", "key_figures")


def _draft(base: dict[str, Any], kind: str, item: Any) -> dict[str, Any]:
    draft = json.loads(json.dumps(base))
    if kind in ("what", "headline"):
        draft[kind] = item
    else:
        draft[kind] = [*draft[kind], item]
    return draft


_IDENTITY = {"who": ("name",), "what": ("summary",), "background": ("point",), "key_figures": ("value",),
             "proposed_responses": ("proposed_by", "action")}


def _shows(brief: Brief, kind: str, item: Any, *, whole: bool) -> bool:
    """True if the brief shows the item with every field as the probe wrote it (evidence aside); without
    `whole`, only the fields that say which item it is (a true item may be shown with its status corrected)."""
    if kind == "headline":
        return brief.headline == item
    fields = {k: v for k, v in item.items() if k != "evidence" and v not in (None, "") and (whole or k in _IDENTITY[kind])}
    shown = [brief.what] if kind == "what" else getattr(brief, kind)
    return any(x is not None and all(_same(k, getattr(x, k, None), v) for k, v in fields.items()) for x in shown)


def _same(field: str, shown: Any, written: Any) -> bool:
    """The field shown as written; a name or proposer also when shown as the person it names, without the
    title or the note the model wrote around them ("Delia Fenwick" for "Mayor Delia Fenwick", "Miriam
    Osterfeld" for "Miriam Osterfeld (Corrant Chemicals)"): the same person, for a lie as for a true item."""
    if shown == written:
        return True
    if field not in ("name", "proposed_by") or not isinstance(shown, str) or not isinstance(written, str):
        return False
    return bool(shown.strip()) and f" {shown.split()[0]}" in f" {written}" and shown in written


def _strings(value: Any) -> list[str]:
    """Every string a brief holds, at any depth."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    return [s for v in value for s in _strings(v)] if isinstance(value, list) else []


async def _run(probes: Path, show: bool) -> int:
    data = json.loads(probes.read_text(encoding="utf-8"))
    counts: Counter[str] = Counter()
    by_article: dict[str, Counter[str]] = {}
    listed: list[str] = []
    for group in data["groups"]:
        text = from_text((ROOT / group["article"]).read_text(encoding="utf-8")).text
        tally = by_article.setdefault(Path(group["article"]).stem, Counter())
        for probe in group["probes"]:
            raw = json.dumps(_draft(group["base"], probe["kind"], probe["item"]))
            summarizer = Summarizer(LLM(fake_async_client(FakeModel(raw)), model="fake-model"), cache=None, reasks=0)
            try:
                brief = await summarizer.abrief_article(Article(text=text, label=Path(group["article"]).name))
                if probe.get("lie_in") == "evidence":  # a true item over an invented quote: the quote must not show
                    written = "\n".join(_strings(brief.model_dump()))
                    shown = any(q.strip() in written for q in probe["item"]["evidence"] if q.strip())
                else:
                    shown = _shows(brief, probe["kind"], probe["item"], whole=probe["lie"])
            except (GroundingError, ModelOutputError) as exc:  # every item refused: nothing reached a brief
                shown = False
                if show:
                    listed.append(f"  (no brief: {type(exc).__name__}) {probe['name']}")
            finally:
                await summarizer.aclose()
            kind = "lie" if probe["lie"] else "true"
            counts[kind] += 1
            tally[kind] += 1
            if shown == probe["lie"]:
                counts[f"{kind} wrong"] += 1
                tally[f"{kind} wrong"] += 1
                listed.append(f"  {'LIE SHOWN' if probe['lie'] else 'TRUE DROPPED'}: [{Path(group['article']).stem}] "
                              f"{probe['name']}")
    print(f"{'article':22s} {'lies':>5s} {'refused':>8s} {'true':>5s} {'kept':>5s}")
    for name, t in by_article.items():
        print(f"{name:22s} {t['lie']:5d} {t['lie'] - t['lie wrong']:8d} {t['true']:5d} {t['true'] - t['true wrong']:5d}")
    lies, true = counts["lie"], counts["true"]
    print(f"\nlies refused: {lies - counts['lie wrong']}/{lies}; true items kept: {true - counts['true wrong']}/{true}")
    if show:
        print("\n".join(listed))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--show", action="store_true", help="list the lies shown and the true items dropped")
    parser.add_argument("--probes", type=Path, default=ROOT / "bench" / "liar_probes.json",
                        help="the probes to run (default: %(default)s)")
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)
    return asyncio.run(_run(args.probes, args.show))


if __name__ == "__main__":
    sys.exit(main())
