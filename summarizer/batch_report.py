"""The batch report: `index.md` and `index.html` beside `index.jsonl`, one view of a whole output folder.

Both are built from the index's records (so they describe every input the folder holds, whichever run made
it) and written atomically at the end of every run, an interrupted one included. The HTML page is
self-contained: inline CSS, no script, nothing fetched (a Content-Security-Policy says so to the browser
too), so it opens from disk with no server. Everything shown comes from model output or file names and is
escaped: a headline may hold `<script>` or `</td>`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .batch_files import atomic_write
from .schemas import Brief

__all__ = ["REPORT_MD", "REPORT_HTML", "digest", "Totals", "totals", "write_report", "to_markdown", "to_html",
           "markdown_lines", "html_lines"]

REPORT_MD = "index.md"
REPORT_HTML = "index.html"
_WHO_SHOWN = 6
_BRIEFED = frozenset({"ok", "cached", "unchanged"})


def digest(brief: Brief) -> dict[str, Any]:
    """What the report shows of a brief, kept in its index line so a report never rereads every brief."""
    s = brief.source
    items = len(brief.who) + len(brief.background) + len(brief.proposed_responses) + len(brief.key_figures)
    return {
        "source": s.outlet or s.url or s.title or None,
        "who": [f"{w.name} ({w.role})" if w.role else w.name for w in brief.who],
        "what": brief.what.summary if brief.what is not None else None,
        "items": items + (brief.what is not None),
    }


@dataclass
class Totals:
    """Sums over the folder's briefs (what they cost when they were made, in whichever run)."""

    briefed: int = 0
    failed: int = 0
    skipped: int = 0
    items: int = 0
    removed: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    unpriced: int = 0

    @property
    def cost(self) -> str:
        if self.briefed and self.unpriced == self.briefed:
            return "unknown price"
        extra = f" (+{self.unpriced} briefs at an unknown price)" if self.unpriced else ""
        return f"${self.cost_usd:.4f}{extra}"


def _removed(record: dict[str, Any]) -> int:
    dropped = (record.get("provenance") or {}).get("dropped", 0)
    return dropped if isinstance(dropped, int) else len(dropped)


def totals(records: Iterable[dict[str, Any]]) -> Totals:
    t = Totals()
    for r in records:
        status = r.get("status")
        if status == "failed":
            t.failed += 1
        elif status == "skipped":
            t.skipped += 1
        elif status in _BRIEFED:
            t.briefed += 1
            t.items += int(r.get("items") or 0)
            t.removed += _removed(r)
            p = r.get("provenance") or {}
            usage = p.get("usage") or {}
            t.prompt_tokens += int(usage.get("prompt_tokens") or 0)
            t.completion_tokens += int(usage.get("completion_tokens") or 0)
            if p.get("cost_usd") is None:
                t.unpriced += 1
            else:
                t.cost_usd += float(p["cost_usd"])
    return t


def _header(t: Totals, run: str | None) -> list[tuple[str, str]]:
    rows = [
        # how each brief came about belongs to the run that made it: see "Last run", not a sum across runs
        ("Articles briefed", str(t.briefed)),
        ("Failed", str(t.failed)),
        ("Other files skipped", str(t.skipped)),
        ("Items kept / claims removed", f"{t.items} / {t.removed}"),
        ("Tokens", f"{t.prompt_tokens + t.completion_tokens:,} ({t.prompt_tokens:,} in, {t.completion_tokens:,} out)"),
        ("Estimated cost", t.cost),
    ]
    if run:
        rows.append(("Last run", run))
    return rows


# --- Markdown -------------------------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#!~&])")


def _md(value: Any) -> str:
    """One table cell: every Markdown/HTML character backslash-escaped, line breaks folded to spaces."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(value if value is not None else "").split())) or "-"


def _who(record: dict[str, Any]) -> str:
    who = list(record.get("who") or [])
    more = f" and {len(who) - _WHO_SHOWN} more" if len(who) > _WHO_SHOWN else ""
    return "; ".join(who[:_WHO_SHOWN]) + more


def _row_words(record: dict[str, Any]) -> list[Any]:
    return [record.get("headline"), record.get("source"), _who(record), record.get("what"),
            record.get("items", ""), _removed(record)]


def to_markdown(records: Iterable[dict[str, Any]], run: str | None = None) -> str:
    return "".join(markdown_lines(records, run))


def markdown_lines(records: Iterable[dict[str, Any]], run: str | None = None) -> Iterator[str]:
    """index.md line by line; `records` is read once per section (a list, or IndexRecords from the file)."""
    t = totals(records)
    head = ["# Batch report", ""] + [f"- **{k}:** {_md(v)}" for k, v in _header(t, run)] + ["", "## Articles", ""]
    yield from (line + "\n" for line in head)
    if t.briefed:
        yield "| Article | Headline | Source | Who | What | Items | Removed |\n"
        yield "| --- | --- | --- | --- | --- | ---: | ---: |\n"
        for r in records:
            if r.get("status") in _BRIEFED:
                link = f"[{_md(r['path'])}](<{quote(str(r.get('output') or ''))}>)"
                yield "| " + " | ".join([link, *(_md(v) for v in _row_words(r))]) + " |\n"
    else:
        yield "No briefs yet.\n"
    if t.failed:
        yield "\n## Failures\n\n| Input | Error | Reason |\n| --- | --- | --- |\n"
        yield from (f"| {_md(r['path'])} | {_md(r.get('error_type'))} | {_md(r.get('error'))} |\n"
                    for r in records if r.get("status") == "failed")
    if t.skipped:
        yield "\n## Skipped\n\n| File | Why |\n| --- | --- |\n"
        yield from (f"| {_md(r['path'])} | {_md(r.get('reason'))} |\n" for r in records if r.get("status") == "skipped")


# --- HTML -----------------------------------------------------------------------------------------------------

_CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:80rem;padding:0 1rem;
color:#1b1f24;background:#fff}
h1{font-size:1.6rem;margin:0 0 1rem}h2{font-size:1.2rem;margin:2rem 0 .5rem}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #d8dee4;padding:.4rem .5rem;text-align:left;
vertical-align:top}th{background:#f3f5f7;font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums}
dl{display:grid;grid-template-columns:max-content auto;gap:.2rem 1rem;margin:0}dt{font-weight:600}dd{margin:0}
.status{font-size:.85em;color:#57606a}.reason{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em}
a{color:#0550ae}
"""
# Nothing may be fetched and nothing may run, whatever a brief holds.
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'"


def _h(value: Any) -> str:
    return html.escape(str(value if value is not None else ""), quote=True)


def _cells(values: Iterable[Any], numeric: frozenset[int] = frozenset()) -> str:
    return "".join(f'<td class="n">{_h(v)}</td>' if i in numeric else f"<td>{_h(v)}</td>"
                   for i, v in enumerate(values))


def to_html(records: Iterable[dict[str, Any]], run: str | None = None) -> str:
    return "".join(html_lines(records, run))


def html_lines(records: Iterable[dict[str, Any]], run: str | None = None) -> Iterator[str]:
    """index.html line by line; `records` is read once per section, as in `markdown_lines`."""
    t = totals(records)
    head = ['<!doctype html><html lang="en"><head><meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{_h(_CSP)}">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>Batch report: {t.briefed} briefs</title><style>{_CSS}</style></head><body>",
            "<h1>Batch report</h1><dl>"]
    head += [f"<dt>{_h(k)}</dt><dd>{_h(v)}</dd>" for k, v in _header(t, run)]
    head.append("</dl><h2>Articles</h2>")
    yield from (line + "\n" for line in head)
    if t.briefed:
        yield ("<table><thead><tr><th>Article</th><th>Headline</th><th>Source</th><th>Who</th><th>What</th>"
               "<th>Items</th><th>Removed</th></tr></thead><tbody>\n")
        for r in records:
            if r.get("status") in _BRIEFED:
                # a relative link to the brief beside this page; quote() also defuses a "javascript:" file name
                link = f'<td><a href="{_h(quote(str(r.get("output") or "")))}">{_h(r["path"])}</a></td>'
                yield f"<tr>{link}{_cells(_row_words(r), frozenset({4, 5}))}</tr>\n"
        yield "</tbody></table>\n"
    else:
        yield "<p>No briefs yet.</p>\n"
    if t.failed:
        yield "<h2>Failures</h2><table><thead><tr><th>Input</th><th>Error</th><th>Reason</th></tr></thead><tbody>\n"
        yield from (f"<tr><td>{_h(r['path'])}</td><td>{_h(r.get('error_type'))}</td>"
                    f'<td class="reason">{_h(r.get("error"))}</td></tr>\n'
                    for r in records if r.get("status") == "failed")
        yield "</tbody></table>\n"
    if t.skipped:
        yield "<h2>Skipped</h2><table><thead><tr><th>File</th><th>Why</th></tr></thead><tbody>\n"
        yield from (f"<tr>{_cells([r['path'], r.get('reason')])}</tr>\n" for r in records if r.get("status") == "skipped")
        yield "</tbody></table>\n"
    yield "</body></html>\n"


def write_report(out: Path, records: Iterable[dict[str, Any]], run: str | None = None) -> None:
    """Write OUT/index.md and OUT/index.html, each atomically (a reader sees the old report or the new), line by
    line: `records` is iterated once per section of each, so IndexRecords never holds the folder's records.

    One that cannot be written keeps neither the other from being written nor its error from being raised."""
    unwritten: OSError | None = None
    for name, lines in ((REPORT_MD, markdown_lines), (REPORT_HTML, html_lines)):
        try:
            atomic_write(out / name, lines(records, run))
        except OSError as exc:
            unwritten = unwritten or exc
    if unwritten is not None:
        raise unwritten
