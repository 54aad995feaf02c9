"""The one pipeline every surface calls: source -> Article -> prompt -> model -> grounding gate -> Brief."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

import openai

from .aio import ARTICLE, LANGUAGES, PART, run_sync
from .aio import language as language_of
from .brief_record import headline_of, relabel, source_record
from .cache import Cache, cache_key
from .errors import ArticleTooLongError, BatchPendingError, GroundingError, ModelOutputError, scrub
from .fetch import Fetcher
from .llm import LLM, CallStats
from .longdoc import Part, merge, split_text
from .prompts import PROMPT_VERSION, render_messages
from .schemas import Brief, Draft, Dropped, Grounded, Provenance, Usage, feedback, ground
from .schemas.draft import salvage
from .sources import Article, aload, read_path
from .story import by_reason, evidence_of, log_gate
from .tokens import count_tokens, input_budget

__all__ = ["Summarizer", "summarize", "asummarize", "run_sync", "source_record", "LANGUAGES", "MAX_WORDS"]

log = logging.getLogger("summarizer.pipeline")

MAX_WORDS = 200_000  # past this a document is refused: the bill would be large and the brief thin

CacheArg = Cache | bool | str | Path | None


def _make_cache(cache: CacheArg) -> Cache | None:
    # None reads as "no cache", as it does in most APIs; True (the default) is the default cache file
    if cache is True:
        return Cache()
    if cache is None or cache is False:
        return None
    if isinstance(cache, Cache):
        return cache
    return Cache(cache)


class Summarizer:
    """A configured pipeline: one model, one cache, one fetcher. Reuse it across many articles."""

    def __init__(
        self,
        llm: LLM | None = None,
        *,
        model: str | None = None,
        client: openai.AsyncOpenAI | openai.OpenAI | None = None,
        base_url: str | None = None,
        api_key: str | None = None,
        cache: CacheArg = True,
        fetcher: Fetcher | None = None,
        language: str = "en",
        reasks: int | None = None,
        temperature: float = 0.0,
        max_output_tokens: int = 2048,
        max_input_tokens: int | None = None,
        max_words: int = MAX_WORDS,
        progress: Callable[[int, int], None] | None = None,
        show_dropped: bool = False,
    ):
        """`model`, `client`, `base_url` and `api_key` build the LLM (see `summarizer.llm.LLM`); pass either
        them or a ready `llm`. `cache`: True (default) the default file, a path or a Cache, None or False off."""
        if llm is not None and (model, client, base_url, api_key) != (None, None, None, None):
            raise TypeError("Summarizer: pass either llm or model/client/base_url/api_key, not both")
        self.llm = llm or LLM(client, model=model, base_url=base_url, api_key=api_key)
        self.max_input_tokens = max_input_tokens or input_budget(self.llm.model)
        self.max_words = max_words
        self.progress = progress
        self.cache = _make_cache(cache)
        self.fetcher = fetcher or Fetcher()
        self.language, self.language_name = language_of(language)
        # a re-ask is another full call: 40-60 s on a local 2-core CPU, where the gate's repairs do most of
        # what a re-ask would; one for hosted models
        self.reasks = reasks if reasks is not None else (0 if self.llm.local is not None else 1)
        self.temperature = temperature
        self.max_output_tokens = max_output_tokens
        # what the gate removed is what the article does not support: its text is kept only on request
        self.show_dropped = show_dropped

    @property
    def params(self) -> dict[str, Any]:
        """Everything besides text, schema, prompt and model that changes the answer (the cache key)."""
        return {
            "language": self.language,
            "reasks": self.reasks,
            "temperature": self.temperature,
            "max_output_tokens": self.max_output_tokens,
            "max_input_tokens": self.max_input_tokens,
            "base_url": self.llm.base_url,
            "show_dropped": self.show_dropped,
        }

    def key(self, article: Article) -> str:
        # the page's metadata is in the key: one wire story on two sites must not share a cached brief
        return cache_key(article.sha256, prompt_version=PROMPT_VERSION, model=self.llm.model, params=self.params,
                         meta=article.meta)

    async def load(self, source: Article | Path | str | bytes) -> Article:
        if isinstance(source, Article):
            return source
        return _read(await aload(source, fetcher=self.fetcher))

    def read_file(self, path: Path) -> Article:
        """A file, read and checked: blocking, for a thread pool (a batch's), with no event loop of its own."""
        return _read(read_path(path))

    async def abrief(self, source: Article | Path | str | bytes, *, force: bool = False) -> Brief:
        """Brief any source; `force` skips the cache lookup (the result is still stored)."""
        return await self.abrief_article(await self.load(source), force=force)

    async def abrief_article(self, article: Article, *, force: bool = False) -> Brief:
        token = ARTICLE.set(article.label)  # every log line of this brief names its article
        try:
            return await self._abrief_article(article, force=force)
        finally:
            ARTICLE.reset(token)

    async def _abrief_article(self, article: Article, force: bool) -> Brief:
        started = time.monotonic()
        key = self.key(article)
        if self.cache is None:
            log.info("%s: cache off", article.label)
        elif force:
            log.info("%s: cache skipped (--force); the new brief replaces the cached one", article.label)
        else:
            hit = self.cache.get(key)
            if hit is not None:
                log.info("%s: cache hit in %s, no model call", article.label, self.cache.path)
                return relabel(hit, article)
            log.info("%s: cache miss", article.label)
        self.check_length(article)
        article_language = article.language
        names_in_prose = self.language == "en" and article_language in (None, "en")
        parts = self.split(article)
        server = "the local model's server" if self.llm.local is not None else scrub(self.llm.base_url or "OpenAI")
        log.info("%s: model %s at %s, %d part%s", article.label, self.llm.model, server, len(parts),
                 "" if len(parts) == 1 else "s")
        done = 0

        async def run(number: int, part: Part) -> tuple[Grounded | None, CallStats, str | None]:
            nonlocal done
            PART.set(number)  # this task's own context: the model layer can tell which part a call is for
            try:
                return await self._brief_part(article, part, names_in_prose)
            finally:
                done += 1
                if self.progress is not None and len(parts) > 1:
                    self.progress(done, len(parts))

        tasks = [asyncio.ensure_future(run(i, part)) for i, part in enumerate(parts)]
        try:
            results = await asyncio.gather(*tasks)
        except BatchPendingError:
            # a part waits for a Batch API answer: the other parts queue their calls too, so one job holds
            # every call of the article instead of one part per round
            settled = await asyncio.gather(*tasks, return_exceptions=True)
            failed = [r for r in settled if isinstance(r, BaseException) and not isinstance(r, BatchPendingError)]
            if failed:
                raise failed[0] from None  # a part that cannot succeed fails the article now
            waiting = [r for r in settled if isinstance(r, BatchPendingError)]
            raise BatchPendingError(f"{article.label}: waiting for the Batch API",
                                    requests=sum(r.requests for r in waiting)) from None
        except BaseException:
            for task in tasks:
                task.cancel()
            raise
        usage = sum((stats.usage for _, stats, _ in results), Usage())
        attempts = sum(stats.attempts for _, stats, _ in results)
        found = [g for g, _, _ in results if g is not None]
        grounded = merge(found) if found else None
        failures = [(i, f) for i, (_, _, f) in enumerate(results) if f]
        if grounded is None or grounded.empty:
            error = (
                ModelOutputError(f"{article.label}: {failures[0][1]}")
                if grounded is None
                else GroundingError(
                    f"{article.label}: nothing in the model's answer could be verified against the article "
                    f"({len(grounded.dropped)} claims dropped)"
                )
            )
            error.usage, error.attempts = usage, attempts
            raise error
        for i, failure in failures:  # a part whose answers never parsed; the other parts still count
            grounded.dropped.append(Dropped(item=f"part[{i}]", reasons=[failure]))
        log_gate(article.label, grounded)
        dropped = grounded.dropped if self.show_dropped else [d.model_copy(update={"text": None}) for d in grounded.dropped]
        brief = Brief(
            headline=headline_of(grounded, article),
            who=grounded.who,
            what=grounded.what,
            background=grounded.background,
            proposed_responses=grounded.proposed_responses,
            key_figures=grounded.key_figures,
            source=source_record(article),
            provenance=Provenance(
                model=self.llm.model,
                prompt_version=PROMPT_VERSION,
                attempts=attempts,
                usage=usage,
                cost_usd=self.llm.cost(usage),
                dropped=dropped,
                quotes_rejected=grounded.quotes_rejected,
                evidence_located=sum(e.match == "located" for e in evidence_of(grounded)),
                parts=len(parts),
                source_language=article_language,
                brief_language=self.language,
                created_at=datetime.now(timezone.utc),
                duration_s=round(time.monotonic() - started, 3),
            ),
        )
        if self.cache is not None:
            self.cache.put(key, brief)
        return brief

    def check_length(self, article: Article) -> None:
        """Raise ArticleTooLongError for an article past the word limit (what a dry run foresees too)."""
        if article.words > self.max_words:
            raise ArticleTooLongError(
                f"{article.label}: {article.words:,} words is past the {self.max_words:,}-word limit; "
                "brief a part of it instead"
            )

    def split(self, article: Article) -> list[Part]:
        """The article in parts that each fit the input budget with the prompt around them."""
        model = self.llm.model
        budget = self.max_input_tokens - prompt_overhead(model, self.language_name)
        if budget < 200:
            raise ArticleTooLongError(f"--max-input-tokens {self.max_input_tokens} leaves no room for the article")
        return split_text(article.text, budget, lambda s: count_tokens(s, model))

    async def _brief_part(
        self, article: Article, part: Part, names_in_prose: bool
    ) -> tuple[Grounded | None, CallStats, str | None]:
        """Brief one part; evidence is grounded against the whole article so offsets point into it.

        Re-asks are ours, not Instructor's: each names only the items the gate removed, in words a model can
        act on; what an earlier answer got right is kept; a model that repeats its last answer is not asked
        again. Transport retries stay in the LLM layer, and an API error is never re-asked.
        """
        messages = render_messages(part.text, title=article.title, language=self.language_name)
        total = CallStats()
        answers: list[Grounded] = []
        heard = False  # some reply carried an answer (a tool call or text), readable or not
        previous: str | None = None
        for attempt in range(self.reasks + 1):
            draft, stats, raws = await self.llm.structured(
                messages, Draft, reasks=0, temperature=self.temperature, max_tokens=self.max_output_tokens
            )
            total.absorb(stats)
            raw = raws[-1] if raws else None
            heard = heard or raw is not None
            lost: list[Dropped] = []
            if draft is None and raw is not None:
                salvaged = salvage(raw)
                if salvaged is not None:
                    draft, lost = salvaged
            if draft is None:
                note = _UNREADABLE
            else:
                grounded = ground(draft, article.text, names_in_prose=names_in_prose, near=part.start, dropped=lost)
                answers.append(grounded)
                if not any(p.fatal for p in grounded.problems) and not lost:
                    break
                note = feedback(grounded.problems) + _incomplete(lost)
            same = _canonical(raw)
            if attempt == self.reasks or raw is None or same == previous:
                break  # out of re-asks, or the model repeats itself: asking again would not help
            # counts and the gate's own reasons only: the model's words (its inventions) never reach a log
            why = by_reason([p.reason for p in grounded.problems if p.fatal] if draft is not None else [])
            log.info("%s: re-ask %d of %d: %s%s", article.label, attempt + 1, self.reasks,
                     why or "the answer did not fit the schema", f"; {len(lost)} incomplete items" if lost else "")
            previous = same
            messages = [*messages, {"role": "assistant", "content": raw}, {"role": "user", "content": note}]
        if not answers:
            n = total.attempts
            if not heard:  # replies came, but none held an answer: the server (or a proxy), not the model
                return None, total, ("the model server's reply was not a chat completion (an error page, a cut-off "
                                     "or empty body): is the base URL an OpenAI-compatible server?")
            return None, total, f"the model's answers did not fit the brief schema after {n} attempt{'s' if n != 1 else ''}"
        return (merge(answers, prefix="answer") if len(answers) > 1 else answers[0]), total, None

    def brief(self, source: Article | Path | str | bytes, *, force: bool = False) -> Brief:
        """Sync `abrief`. Each call runs its own event loop, so the HTTP clients it opened are closed before
        that loop ends: closed later, from another loop, they print "Event loop is closed" tracebacks."""

        async def once() -> Brief:
            try:
                return await self.abrief(source, force=force)
            finally:
                await self.llm.aclose()

        return run_sync(once())

    async def aclose(self) -> None:
        """Close the HTTP clients the model made in this event loop (async users: call it before the loop ends)."""
        await self.llm.aclose()


def _read(article: Article) -> Article:
    log.info("%s: read, %s words, language %s", article.label, f"{article.words:,}", article.language or "unknown")
    return article


@lru_cache(maxsize=16)
def prompt_overhead(model: str, language_name: str = "English") -> int:
    """Tokens a request carries besides the article: both templates and the tool schema."""
    from instructor.v2.providers.openai.schema import generate_openai_schema

    messages = render_messages("", title=None, language=language_name)
    tool = json.dumps({"type": "function", "function": generate_openai_schema(Draft)}, separators=(",", ":"))
    # a title line can be added per article; allow for a long one
    return sum(count_tokens(m["content"], model) for m in messages) + count_tokens(tool, model) + 60


_UNREADABLE = (
    "Your answer could not be read as a brief. Call the tool once with one JSON object holding headline, who, "
    "what, background, proposed_responses and key_figures, each item with its evidence quotes."
)


def _incomplete(lost: list[Dropped]) -> str:
    if not lost:
        return ""
    items = ", ".join(d.item for d in lost[:8])
    return f"\nThese items were incomplete (a field missing or invalid): {items}. Give every field, evidence included."


def _canonical(raw: str | None) -> str | None:
    """An answer without its formatting, to tell whether the model repeated itself."""
    if raw is None:
        return None
    try:
        return json.dumps(json.loads(raw, strict=False), sort_keys=True)
    except ValueError:
        return " ".join(raw.split())


async def asummarize(
    source: Article | Path | str | bytes,
    *,
    client: openai.AsyncOpenAI | openai.OpenAI | None = None,
    model: str | None = None,
    base_url: str | None = None,
    api_key: str | None = None,
    language: str = "en",
    cache: CacheArg = True,
    fetcher: Fetcher | None = None,
    reasks: int | None = None,
    force: bool = False,
    show_dropped: bool = False,
) -> Brief:
    """Brief one article: text, a Path, a URL or an Article.

    `client` is any OpenAI (sync or async) client; without one, a client is built from OPENAI_API_KEY /
    OPENAI_BASE_URL on first use. `cache=None` or `False` turns the brief cache off. `show_dropped=True` keeps what the
    model wrote in each removed item (`provenance.dropped[].text`); by default only the item and its reasons.
    """
    summarizer = Summarizer(
        LLM(client, model=model, base_url=base_url, api_key=api_key),
        cache=cache,
        fetcher=fetcher,
        language=language,
        reasks=reasks,
        show_dropped=show_dropped,
    )
    try:
        return await summarizer.abrief(source, force=force)
    finally:
        await summarizer.aclose()  # in the loop that opened them (see Summarizer.brief)


def summarize(source: Article | Path | str | bytes, **options: Any) -> Brief:
    """Synchronous `asummarize`; takes the same options."""
    return run_sync(asummarize(source, **options))
