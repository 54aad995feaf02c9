"""Renderers: a Brief as JSON, Markdown or plain text for a terminal."""

from __future__ import annotations

import io
import re
import shutil

from rich.console import Console
from rich.text import Text

from .schemas import Brief, Evidence

__all__ = ["to_json", "to_markdown", "to_text", "render", "removed_counts", "footer_bits", "quote_line"]

KIND_LABEL = {"called_for": "called for"}


def to_json(brief: Brief, *, include_text: bool = True) -> str:
    exclude = None if include_text else {"source": {"text"}}
    return brief.model_dump_json(indent=2, exclude=exclude)


def _md_quotes(evidence: list[Evidence]) -> str:
    return "".join(f"\n  > {' '.join(e.quote.split())}" for e in evidence)


def _source_line(brief: Brief) -> str:
    s = brief.source
    parts = [p for p in (s.title, s.outlet, s.date, s.url or s.label) if p]
    return " · ".join(parts)


def _status(value: str) -> str:
    return KIND_LABEL.get(value, value)


def to_markdown(brief: Brief) -> str:
    out = [f"# {brief.headline}", "", f"*Source: {_source_line(brief)}*", ""]
    if brief.what:
        w = brief.what
        where_when = ", ".join(p for p in (w.where, w.when) if p)
        out += ["## What happened", "", w.summary + (f" ({where_when})" if where_when else ""), _md_quotes(w.evidence).lstrip("\n"), ""]
    if brief.who:
        out += ["## Who", ""]
        out += [f"- **{a.name}**: {a.role}{_md_quotes(a.evidence)}" for a in brief.who]
        out.append("")
    if brief.background:
        out += ["## Background", ""]
        out += [f"- {p.point}{_md_quotes(p.evidence)}" for p in brief.background]
        out.append("")
    if brief.proposed_responses:
        out += ["## Proposed responses", ""]
        out += [
            f"- **{r.proposed_by}** ({r.kind}, {_status(r.status)}): {r.action}{_md_quotes(r.evidence)}"
            for r in brief.proposed_responses
        ]
        out.append("")
    if brief.key_figures:
        out += ["## Key figures", ""]
        out += [f"- **{f.value}** {f.label}{_md_quotes(f.evidence)}" for f in brief.key_figures]
        out.append("")
    removed = removed_lines(brief)
    if removed:
        out += ["## Removed as unsupported", "", "*What the model wrote that the article does not support:*", ""]
        out += [f"- {line}" for line in removed]
        out.append("")
    out += ["---", _footer(brief), ""]
    return "\n".join(out)


def removed_lines(brief: Brief) -> list[str]:
    """One line per removed item whose text was kept (show_dropped): where it stood, what it said, why."""
    return [f"{d.item}: {' '.join(d.text.split())[:300]} ({'; '.join(d.reasons)})" for d in brief.provenance.dropped if d.text]


def footer_bits(brief: Brief) -> list[str]:
    """How the brief was made, in short phrases: model, prompt, calls, tokens, cost, cache, what was removed."""
    p = brief.provenance
    calls = f"{p.attempts} call{'s' if p.attempts != 1 else ''}"
    bits = [f"model {p.model}", f"prompt {p.prompt_version}", calls, f"{p.usage.total_tokens:,} tokens"]
    if p.cost_usd is not None:
        bits.append(f"~${p.cost_usd:.2g}")
    if p.cached:
        bits.append("from cache")
    items, _ = removed_counts(brief)
    if items:
        bits.append(f"{items} item{'s' if items != 1 else ''} removed as unsupported")
    if fixed := sum(d.corrected for d in brief.provenance.dropped):  # a name, status or kind the article gives
        bits.append(f"{fixed} field{'s' if fixed != 1 else ''} corrected to the article")
    if p.evidence_located:
        bits.append(f"{p.evidence_located} passage{'s' if p.evidence_located != 1 else ''} located by the tool")
    return bits


def _footer(brief: Brief) -> str:
    return "*" + " · ".join(footer_bits(brief)) + "*"


def removed_counts(brief: Brief) -> tuple[int, int]:
    """(items the grounding gate removed, quotes of kept items it did not use)."""
    return sum(not d.corrected for d in brief.provenance.dropped), brief.provenance.quotes_rejected


QUOTE_CHARS = 200  # a terminal shows one quote per item, as a pointer to the evidence, not the paragraph


def quote_line(evidence: Evidence, limit: int = QUOTE_CHARS) -> str:
    """One quote for a reader: on one line, cut at a word boundary with an ellipsis, inner double quotes made
    single so “…‘no’…” reads as one quotation holding another."""
    q = " ".join(evidence.quote.split())
    if len(q) > limit:
        q = q[:limit].rsplit(" ", 1)[0].rstrip(",;:–—-") + "…"
    # an opening mark follows a space or bracket; any other is a closing one (also when its pair was cut off)
    q = re.sub(r'(^|[\s(\[—–-])["“]', "\\1‘", q)
    q = re.sub(r'["“”]', "’", q)
    return f"“{q}”"


def to_text(brief: Brief, *, color: bool = False, width: int = 80) -> str:
    """Text for a terminal, rendered with rich: wrapped to `width` between words, indents kept on every line,
    bold and colour when `color` (a TTY), plain otherwise. The claims first, one quote each."""
    console = Console(file=io.StringIO(), width=width, color_system="standard" if color else None,
                      force_terminal=color, no_color=not color, highlight=False, emoji=False, markup=False,
                      soft_wrap=True, legacy_windows=False)

    def para(text: Text | str, first: str = "", rest: str | None = None, style: str = "") -> None:
        body = text if isinstance(text, Text) else Text(text, style=style)
        hang = first if rest is None else rest
        for i, line in enumerate(body.wrap(console, max(20, width - len(first)))):
            line.rstrip()  # the space a line was broken at
            console.print(Text(first if i == 0 else hang) + line)

    def evidence(items: list[Evidence]) -> None:
        quote = Text(quote_line(items[0]), style="italic")
        if items[0].match == "located":  # the model's quote failed; this is the passage the tool found
            quote.append(" (passage found by the tool)", style="dim")
        para(quote, "      ")

    para(brief.headline, style="bold")
    console.print("=" * min(len(brief.headline), width))
    para(_source_line(brief), style="dim")
    console.print()
    if brief.what:
        w = brief.what
        console.print(Text("WHAT", style="bold cyan"))
        para(w.summary, "  ")
        where_when = " · ".join(f"{k}: {v}" for k, v in (("where", w.where), ("when", w.when)) if v)
        if where_when:
            para(where_when, "  ", style="dim")
        evidence(w.evidence)
        console.print()
    sections = [
        ("WHO", [(Text.assemble((a.name, "bold"), f": {a.role}"), a.evidence) for a in brief.who]),
        ("BACKGROUND", [(Text(p.point), p.evidence) for p in brief.background]),
        ("PROPOSED RESPONSES", [(Text.assemble((r.proposed_by, "bold"), f" ({r.kind}, {_status(r.status)}): {r.action}"),
                                 r.evidence) for r in brief.proposed_responses]),
        ("KEY FIGURES", [(Text.assemble((f.value, "bold"), f": {f.label}"), f.evidence) for f in brief.key_figures]),
    ]
    for title, items in sections:
        if items:
            console.print(Text(title, style="bold cyan"))
            for text, ev in items:
                para(text, "  - ", "    ")
                evidence(ev)
            console.print()
    removed = removed_lines(brief)
    if removed:
        para("REMOVED AS UNSUPPORTED (the model wrote it; the article does not say it)", style="bold yellow")
        for line in removed:
            para(line, "  - ", "    ")
        console.print()
    para(_footer(brief).strip("*"), style="dim")
    return console.file.getvalue()  # type: ignore[attr-defined]


def render(brief: Brief, fmt: str, *, color: bool = False, width: int | None = None) -> str:
    """`fmt` json, markdown (or md) or text; `color` and `width` matter for text only (width: the terminal's
    when `color`, else 80)."""
    if fmt == "json":
        return to_json(brief) + "\n"
    if fmt in ("markdown", "md"):
        return to_markdown(brief)
    if width is None:
        width = shutil.get_terminal_size((80, 24)).columns if color else 80
    return to_text(brief, color=color, width=width)
