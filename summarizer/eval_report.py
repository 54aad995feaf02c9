"""What `summarizer eval` shows: the side-by-side table, eval.json, and a self-contained eval.html.

The HTML has its CSS inline and its charts as inline SVG: it opens from disk in any browser, with no server,
no script and nothing fetched.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .evaluate import ModelRun

__all__ = ["summary_lines", "article_lines", "report", "render_html", "write_reports", "JSON_NAME", "HTML_NAME"]

JSON_NAME = "eval.json"
HTML_NAME = "eval.html"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def _part(share: dict[str, Any]) -> str:
    if not share["expected"]:
        return "-"
    return f"{share['found']}/{share['expected']} ({_pct(share['share'])})"


def _cost(value: float | None) -> str:
    return "unpriced" if value is None else f"${value:.4f}"


# (row label, how to show a model's totals); the same rows in the terminal and in the HTML
_ROWS: list[tuple[str, Callable[[dict[str, Any]], str]]] = [
    ("briefed", lambda t: f"{t['briefed']}/{t['articles']}" + (f" ({t['cached']} cached)" if t["cached"] else "")),
    ("items kept", lambda t: f"{t['kept']} of {t['kept'] + t['dropped']} ({_pct(t['kept_share'])})"),
    ("evidence quoted / located", lambda t: f"{t['quoted']} / {t['located']}"),
    ("who found", lambda t: _part(t["who"])),
    ("figures found", lambda t: _part(t["figures"])),
    ("proposers found", lambda t: _part(t["proposers"])),
    ("ROUGE-L F (mean)", lambda t: "-" if t["rouge_l"] is None else f"{t['rouge_l']:.3f}"),
    ("model calls", lambda t: str(t["calls"])),
    ("seconds", lambda t: f"{t['seconds']:.1f}"),
    ("tokens in / out", lambda t: f"{t['prompt_tokens']:,} / {t['completion_tokens']:,}"),
    ("cost", lambda t: _cost(t["cost_usd"])),
]


def summary_lines(runs: list[ModelRun]) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the totals table: one column per model, one row per measure."""
    header = ["", *(run.spec.label for run in runs)]
    rows = [["status", *(run.status for run in runs)]]
    for label, show in _ROWS:
        rows.append([label, *("-" if run.unreachable else show(run.totals()) for run in runs)])
    return header, rows


def _cell(row: Any) -> str:
    if row.status != "briefed":
        return f"failed: {row.reason}"
    parts = [f"kept {row.kept}/{row.kept + row.dropped}"]
    for name, (found, expected) in (("who", row.who), ("fig", row.figures), ("prop", row.proposers)):
        if expected:
            parts.append(f"{name} {found}/{expected}")
    if row.rouge_l is not None:
        parts.append(f"R-L {row.rouge_l:.2f}")
    parts.append(f"{row.seconds:.1f} s")
    return " · ".join(parts)


def article_lines(runs: list[ModelRun]) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the per-article table: one row per article, one cell per model."""
    header = ["article", *(run.spec.label for run in runs)]
    names = list(dict.fromkeys(r.article for run in runs for r in run.rows))
    by = [{r.article: r for r in run.rows} for run in runs]
    rows = []
    for name in names:
        cells = []
        for run, rows_of in zip(runs, by, strict=True):
            row = rows_of.get(name)
            cells.append("-" if row is None else ("unreachable" if run.unreachable else _cell(row)))
        rows.append([name, *cells])
    return header, rows


def report(runs: list[ModelRun], folder: Path) -> dict[str, Any]:
    """Everything eval measured, as eval.json holds it."""
    return {
        "folder": str(folder),
        "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "models": [run.to_dict() for run in runs],
    }


_CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem;color:#1d2430;background:#fff}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}
table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid #d5d9e0;padding:.3rem .6rem;text-align:left;
vertical-align:top}th{background:#f1f3f6}td.num{text-align:right;font-variant-numeric:tabular-nums}
.bad{color:#a4262c}.charts{display:flex;flex-wrap:wrap;gap:1.5rem}.chart{min-width:320px}
.chart h3{font-size:.95rem;margin:.2rem 0}svg text{font:12px system-ui,sans-serif;fill:#1d2430}
"""
_COLOURS = ["#3b6fb6", "#d9822b", "#3a9a5b", "#8e5ab5", "#c0392b", "#5d6d7e"]


def _bars(title: str, values: list[tuple[str, float | None, str]], *, scale: float | None = None) -> str:
    """One horizontal bar per model, as inline SVG; `scale` fixes the full width (1.0 for shares)."""
    width, bar_h, gap, label_w, value_w = 420, 18, 8, 150, 90
    top = max([v for _, v, _ in values if v is not None] + [0.0])
    full = scale or top or 1.0
    height = len(values) * (bar_h + gap) + gap
    parts = [f'<div class="chart"><h3>{html.escape(title)}</h3>'
             f'<svg xmlns="http://www.w3.org/2000/svg" width="{width + label_w + value_w}" height="{height}" '
             f'role="img" aria-label="{html.escape(title)}">']
    for i, (label, value, shown) in enumerate(values):
        y = gap + i * (bar_h + gap)
        w = 0.0 if value is None else max(0.0, min(1.0, value / full)) * width
        parts.append(f'<text x="0" y="{y + 13}">{html.escape(_short(label))}</text>')
        parts.append(f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" '
                     f'fill="{_COLOURS[i % len(_COLOURS)]}"><title>{html.escape(label)}: {html.escape(shown)}</title></rect>')
        parts.append(f'<text x="{label_w + w + 6:.1f}" y="{y + 13}">{html.escape(shown)}</text>')
    parts.append("</svg></div>")
    return "".join(parts)


def _short(label: str) -> str:
    return label if len(label) <= 22 else label[:21] + "…"


def _table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = []
    for row in rows:
        cells = [f"<th>{html.escape(row[0])}</th>"]
        for cell in row[1:]:
            cls = ' class="bad"' if cell.startswith(("failed", "unreachable")) else ""
            cells.append(f"<td{cls}>{html.escape(cell)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def render_html(runs: list[ModelRun], folder: Path) -> str:
    """eval.html: the totals table, bar charts per measure, and the per-article table."""
    totals = [(run.spec.label, None if run.unreachable else run.totals()) for run in runs]

    def measure(key: str) -> list[tuple[str, float | None, str]]:
        out = []
        for label, t in totals:
            value = None if t is None else (t[key]["share"] if isinstance(t[key], dict) else t[key])
            out.append((label, value, "unreachable" if t is None else _pct(value)))
        return out

    charts = [
        _bars("who found (share of reference names)", measure("who"), scale=1.0),
        _bars("figures found (share of reference values)", measure("figures"), scale=1.0),
        _bars("proposers found", measure("proposers"), scale=1.0),
        _bars("items kept by the gate (share)", measure("kept_share"), scale=1.0),
        _bars("ROUGE-L F (mean)", [(lb, None if t is None else t["rouge_l"],
                                    "unreachable" if t is None else ("-" if t["rouge_l"] is None else f"{t['rouge_l']:.3f}"))
                                   for lb, t in totals], scale=1.0),
        _bars("seconds (all articles)", [(lb, None if t is None else t["seconds"],
                                          "unreachable" if t is None else f"{t['seconds']:.1f} s") for lb, t in totals]),
        _bars("estimated cost (USD)", [(lb, None if t is None else t["cost_usd"],
                                        "unreachable" if t is None else _cost(t["cost_usd"])) for lb, t in totals]),
    ]
    return (
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>summarizer eval: {html.escape(str(folder))}</title><style>{_CSS}</style></head><body>"
        f"<h1>summarizer eval: {html.escape(str(folder))}</h1>"
        f"<p>{len(runs)} model{'s' if len(runs) != 1 else ''}, "
        f"{max((len(r.rows) for r in runs), default=0)} articles. Coverage counts a failed brief as finding nothing.</p>"
        f"<h2>Totals</h2>{_table(*summary_lines(runs))}"
        f"<h2>Charts</h2><div class=\"charts\">{''.join(charts)}</div>"
        f"<h2>Per article</h2>{_table(*article_lines(runs))}"
        "</body></html>\n"
    )


def write_reports(runs: list[ModelRun], folder: Path, out: Path) -> tuple[Path, Path]:
    """Write eval.json and eval.html into `out` (created if missing); return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    json_path, html_path = out / JSON_NAME, out / HTML_NAME
    json_path.write_text(json.dumps(report(runs, folder), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    html_path.write_text(render_html(runs, folder), encoding="utf-8")
    return json_path, html_path
