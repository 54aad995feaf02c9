"""Measure briefs against references and compare models: the library behind `summarizer eval`.

Every model runs the same pipeline and cache as `summarizer batch` over the same articles. Each article may
have references beside it: `NAME.ref.txt` (a human summary) and `NAME.ref.json` (expected `who` names,
`key_figures` values, `proposed_responses` proposers). Matching rules are in `name_matches` and
`figure_matches`; ROUGE-L comes from Google's `rouge-score`.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .batch import DEFAULT_ARTICLE_TIMEOUT, DEFAULT_CONCURRENCY, DEFAULT_RETRIES, asummarize_many
from .cache import Cache
from .errors import ConfigError, ModelUnavailableError, SummarizerError, UnreadableSourceError
from .eval_score import References, Row, load_references, score
from .llm import LLM
from .pipeline import Summarizer
from .sources import SUPPORTED_SUFFIXES, regular_file_problem

__all__ = ["ModelSpec", "ModelRun", "find_articles", "evaluate"]

REF_SUFFIXES = (".ref.txt", ".ref.json")
_UNREACHABLE = (ModelUnavailableError, ConfigError)


@dataclass(frozen=True)
class ModelSpec:
    """`NAME` or `NAME@BASE_URL` (a model on its own OpenAI-compatible server)."""

    name: str | None  # None: whatever the environment configures, as `summarizer brief` without --model
    base_url: str | None = None

    @classmethod
    def parse(cls, spec: str, default_base_url: str | None = None) -> ModelSpec:
        name, sep, url = spec.rpartition("@")
        if sep and url.lower().startswith(("http://", "https://")) and name:
            return cls(name, url.rstrip("/"))
        return cls(spec, default_base_url)

    @property
    def label(self) -> str:
        name = self.name or "default"
        return name if self.base_url is None else f"{name}@{self.base_url}"


@dataclass
class ModelRun:
    """One model over every article: its rows, and `unreachable` when no article ever reached it."""

    spec: ModelSpec
    rows: list[Row]
    unreachable: str | None = None

    @property
    def status(self) -> str:
        return f"unreachable: {self.unreachable}" if self.unreachable else "ok"

    def totals(self) -> dict[str, Any]:
        rows = self.rows
        briefed = [r for r in rows if r.status == "briefed"]
        kept, dropped = sum(r.kept for r in rows), sum(r.dropped for r in rows)
        rouges = [r.rouge_l or 0.0 for r in rows if r.rouge_l is not None]
        costs = [r.cost_usd for r in briefed if r.cost_usd is not None]
        reasons: Counter[str] = sum((Counter(r.reasons) for r in rows), Counter())
        return {
            "articles": len(rows), "briefed": len(briefed), "failed": len(rows) - len(briefed),
            "cached": sum(r.cached for r in rows),
            "kept": kept, "dropped": dropped, "kept_share": kept / (kept + dropped) if kept + dropped else None,
            "reasons": dict(reasons.most_common()),
            "quoted": sum(r.quoted for r in rows), "located": sum(r.located for r in rows),
            **{part: _share(rows, part) for part in ("who", "figures", "proposers")},
            "rouge_l": sum(rouges) / len(rouges) if rouges else None,
            "calls": sum(r.calls for r in rows), "seconds": round(sum(r.seconds for r in rows), 3),
            "prompt_tokens": sum(r.prompt_tokens for r in rows),
            "completion_tokens": sum(r.completion_tokens for r in rows),
            "cost_usd": round(sum(costs), 6) if costs else None,
        }

    def to_dict(self) -> dict[str, Any]:
        return {"model": self.spec.name, "base_url": self.spec.base_url, "label": self.spec.label,
                "status": self.status, "totals": self.totals(), "articles": [asdict(r) for r in self.rows]}


def _share(rows: list[Row], part: str) -> dict[str, Any]:
    # summed over articles (not a mean of shares): an article with 14 reference figures weighs more than one with 2
    found, expected = sum(getattr(r, part)[0] for r in rows), sum(getattr(r, part)[1] for r in rows)
    return {"found": found, "expected": expected, "share": found / expected if expected else None}


# --- inputs ----------------------------------------------------------------------------------------------


def find_articles(folder: Path, exclude: Path | None = None) -> list[Path]:
    """Articles under `folder` as `batch` takes them (.txt .md .html, recursively, hidden ones left out),
    without the references (`*.ref.txt`) and without `exclude` (the output folder)."""
    if not folder.is_dir():
        raise UnreadableSourceError(f"{folder}: no such folder" if not folder.exists() else f"{folder}: not a folder")
    skip = exclude.resolve() if exclude is not None else None
    found = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if any(part.startswith(".") for part in rel.parts) or path.name.lower().endswith(REF_SUFFIXES):
            continue
        if skip is not None and (path.resolve() == skip or skip in path.resolve().parents):
            continue
        if any(_is_output(folder / parent) for parent in rel.parents if str(parent) != "."):
            continue
        if path.suffix.lower() in SUPPORTED_SUFFIXES and regular_file_problem(path) is None:
            found.append(path)
    return found


def _is_output(directory: Path) -> bool:
    """An earlier run's output (eval.json; a batch's index.jsonl and errors.jsonl): briefs, not articles."""
    return (directory / "eval.json").is_file() or (
        (directory / "index.jsonl").is_file() and (directory / "errors.jsonl").is_file())


def article_name(path: Path, folder: Path) -> str:
    """The article's name in the tables: its path under the folder, without the extension."""
    return path.relative_to(folder).with_suffix("").as_posix() if path.is_relative_to(folder) else path.stem


# --- running ---------------------------------------------------------------------------------------------


async def evaluate(
    folder: Path,
    models: list[ModelSpec],
    *,
    cache: Cache | bool | str | Path = True,
    concurrency: int | None = None,
    article_timeout: float | None = None,
    retries: int = DEFAULT_RETRIES,
    force: bool = False,
    exclude: Path | None = None,
    articles: list[Path] | None = None,
    transport_attempts: int | None = None,
    on_row: Any = None,
    **summarizer_options: Any,
) -> list[ModelRun]:
    """Every model over every article under `folder`, one model after the other, `concurrency` articles at a
    time (default: 1 for a server on this machine, which answers one request at a time, else as batch).

    `articles` picks some of the folder's articles (default: all of them). `summarizer_options` go to each
    `Summarizer` (language, reasks, max_input_tokens, max_output_tokens, show_dropped); `on_row` is called with
    each Row as it is scored. A model that fails is a column saying so, never an exception.
    """
    articles = find_articles(folder, exclude) if articles is None else articles
    refs = {path: load_references(path) for path in articles}  # a broken reference stops us before any call
    # one cache for every model; `Cache` has a length, so an empty one is falsy: test for it by type
    if isinstance(cache, Cache):
        shared: Cache | bool = cache
    else:
        shared = Cache(cache) if isinstance(cache, (str, Path)) else (Cache() if cache is True else False)
    runs = []
    for spec in models:
        llm = LLM(model=spec.name, base_url=spec.base_url, max_concurrency=concurrency,
                  transport_attempts=transport_attempts)
        summarizer = Summarizer(llm, cache=shared, **summarizer_options)
        here = concurrency or (1 if llm.on_this_machine else DEFAULT_CONCURRENCY)
        timeout = article_timeout or (None if llm.on_this_machine else DEFAULT_ARTICLE_TIMEOUT)
        runs.append(await _run_model(spec, summarizer, folder, articles, refs, here, timeout, retries, force, on_row))
    return runs


async def _run_model(spec: ModelSpec, summarizer: Summarizer, folder: Path, articles: list[Path],
                     refs: dict[Path, References], concurrency: int, timeout: float | None, retries: int,
                     force: bool, on_row: Any) -> ModelRun:
    rows: dict[int, Row] = {}

    def add(index: int, brief: Any, error: BaseException | None, seconds: float, tell: bool = True) -> None:
        path = articles[index]
        rows[index] = row = score(article_name(path, folder), spec.label, brief, refs[path], error=error,
                                  seconds=seconds)
        if on_row is not None and tell:
            on_row(row)

    async def run(indices: list[int]) -> list[BaseException | None]:
        outcomes = []
        async for result in asummarize_many([articles[i] for i in indices], summarizer=summarizer,
                                            concurrency=concurrency, force=force, article_timeout=timeout,
                                            retries=retries):
            add(indices[result.index], result.brief, result.error, result.duration_s)
            outcomes.append(result.error)
        return outcomes

    unreachable = None
    started = time.monotonic()
    try:
        # The first article alone: a server that cannot be reached would otherwise cost every article its
        # full round of transport retries (minutes), to learn nothing more.
        first = await run([0]) if articles else []
        if first and isinstance(first[0], _UNREACHABLE):
            unreachable = rows[0].reason
        else:
            await run(list(range(1, len(articles))))
    except SummarizerError as exc:  # before any article: no model configured, a local model that cannot start
        unreachable = " ".join(str(exc).split()) if isinstance(exc, _UNREACHABLE) else None
        for i in range(len(articles)):
            if i not in rows:
                add(i, None, exc, time.monotonic() - started)
    finally:
        await summarizer.llm.aclose()
    if unreachable is not None:
        for i in range(len(articles)):
            if i not in rows:
                add(i, None, SummarizerError(f"not sent: the model was unreachable ({unreachable})"), 0.0, False)
    return ModelRun(spec, [rows[i] for i in sorted(rows)], unreachable)
