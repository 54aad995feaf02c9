"""Renderers: a Brief as JSON, Markdown or plain text for a terminal."""

from __future__ import annotations

from .schemas import Brief, Evidence

__all__ = ["to_json", "to_markdown", "to_text", "render", "removed_counts", "footer_bits"]

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
    if p.evidence_located:
        bits.append(f"{p.evidence_located} passage{'s' if p.evidence_located != 1 else ''} located by the tool")
    return bits


def _footer(brief: Brief) -> str:
    return "*" + " · ".join(footer_bits(brief)) + "*"


def removed_counts(brief: Brief) -> tuple[int, int]:
    """(items the grounding gate removed, quotes of kept items it did not use)."""
    return len(brief.provenance.dropped), brief.provenance.quotes_rejected


def to_text(brief: Brief) -> str:
    """Plain text for a terminal: the claims first, one quote each as a pointer to the evidence."""
    lines = [brief.headline, "=" * min(len(brief.headline), 80), _source_line(brief), ""]

    def first(evidence: list[Evidence]) -> str:
        q = " ".join(evidence[0].quote.split())
        return f'      "{q[:160]}{"..." if len(q) > 160 else ""}"'

    if brief.what:
        lines += ["WHAT", f"  {brief.what.summary}", first(brief.what.evidence), ""]
    sections = [
        ("WHO", [(f"{a.name}: {a.role}", a.evidence) for a in brief.who]),
        ("BACKGROUND", [(p.point, p.evidence) for p in brief.background]),
        (
            "PROPOSED RESPONSES",
            [(f"{r.proposed_by} ({r.kind}, {_status(r.status)}): {r.action}", r.evidence) for r in brief.proposed_responses],
        ),
        ("KEY FIGURES", [(f"{f.value}: {f.label}", f.evidence) for f in brief.key_figures]),
    ]
    for title, items in sections:
        if items:
            lines.append(title)
            for text, evidence in items:
                lines += [f"  - {text}", first(evidence)]
            lines.append("")
    removed = removed_lines(brief)
    if removed:
        lines += ["REMOVED AS UNSUPPORTED (the model wrote it; the article does not say it)"]
        lines += [f"  - {line}" for line in removed] + [""]
    lines.append(_footer(brief).strip("*"))
    return "\n".join(lines) + "\n"


def render(brief: Brief, fmt: str) -> str:
    if fmt == "json":
        return to_json(brief) + "\n"
    if fmt == "markdown":
        return to_markdown(brief)
    return to_text(brief)
