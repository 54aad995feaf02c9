"""Jinja2 templates for the model's messages. Bump PROMPT_VERSION whenever a template changes meaning."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib import resources

import jinja2

__all__ = ["PROMPT_VERSION", "render_messages"]

PROMPT_VERSION = "brief-2026.12.01"


@lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    # The article reaches a template only as a value: Jinja never re-parses values, so an article holding
    # "{{ x }}" or "{% if %}" arrives byte for byte. StrictUndefined catches a template/variable mismatch.
    loader = jinja2.FunctionLoader(lambda name: resources.files(__name__).joinpath(name).read_text("utf-8"))
    return jinja2.Environment(
        loader=loader, undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=False
    )


def render_messages(article: str, *, title: str | None = None, language: str = "English") -> list[dict[str, str]]:
    """The system and user messages for one article."""
    env = _env()
    return [
        {"role": "system", "content": env.get_template("system.j2").render(language=language)},
        {"role": "user", "content": env.get_template("user.j2").render(article=article, title=title, tag=_tag(article))},
    ]


def _tag(article: str) -> str:
    # The delimiter carries a digest of the article, so text inside it cannot forge the closing tag.
    return "article-" + hashlib.sha256(article.encode("utf-8")).hexdigest()[:8]
