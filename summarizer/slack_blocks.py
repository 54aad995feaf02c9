"""A Brief as Slack Block Kit: the brief message, its evidence replies, and safe mrkdwn.

Pure functions over plain dicts (no Slack import), so they are cheap to test.

Limits kept here: 50 blocks a message, 3000 characters a section text, 150 a header, and a total text
budget per message well under the ~12,000 characters past which Slack answers `msg_blocks_too_long`
(undocumented; see slackapi/bolt-js#2509 and #2867). Everything the model or a user wrote is escaped
(`&`, `<`, `>`) and shown with `verbatim: true`, so it can't mention `<!channel>` or forge a link.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .render import footer_bits
from .schemas import Brief, Evidence

__all__ = [
    "escape",
    "brief_blocks",
    "brief_text",
    "evidence_messages",
    "MAX_BLOCKS",
    "MAX_SECTION_TEXT",
    "MAX_HEADER_TEXT",
    "MESSAGE_TEXT_BUDGET",
    "SHOW_EVIDENCE",
]

MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3000
MAX_HEADER_TEXT = 150
MESSAGE_TEXT_BUDGET = 10_000
SHOW_EVIDENCE = "show_evidence"

Block = dict[str, Any]

_STATUS = {"called_for": "called for", "under_discussion": "under discussion"}
_BARE_MENTION = re.compile(r"@(channel|here|everyone)\b", re.IGNORECASE)
_URL_SAFE = re.compile(r"https?://[^\s<>|]+", re.IGNORECASE)
_MORE = 120  # room kept for an "…and N more" line


def escape(text: str) -> str:
    """Text safe inside mrkdwn: no `<!channel>`, `<@U…>` or `<http://…|…>` markup survives."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    # Verbatim text is not parsed for bare @channel, but notification previews can be: break the word.
    return _BARE_MENTION.sub(lambda m: "@\u200b" + m.group(1), text)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _clip(text: str, limit: int) -> str:
    text = _one_line(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _cut_escaped(text: str, limit: int) -> str:
    """Shorten already-escaped text without splitting an entity like `&amp;`."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    amp = cut.rfind("&", max(0, len(cut) - 5))
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut + "…"


def _md(text: str) -> Block:
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def _section(text: str) -> Block:
    return {"type": "section", "text": _md(text)}


def _link(url: str | None, label: str) -> str:
    """A mrkdwn link when url is a plain http(s) URL, else the escaped label alone."""
    if not url or not _URL_SAFE.fullmatch(url):
        return escape(label)
    return f"<{url.replace('&', '&amp;')}|{escape(label)}>"


@dataclass
class _Budget:
    """Blocks and characters left in one message."""

    blocks: int = MAX_BLOCKS
    chars: int = MESSAGE_TEXT_BUDGET
    out: list[Block] = field(default_factory=list)

    def add(self, block: Block, chars: int) -> None:
        self.out.append(block)
        self.blocks -= 1
        self.chars -= chars


def _pack(title: str, lines: list[str], max_blocks: int, max_chars: int) -> tuple[list[Block], int]:
    """Escaped lines under a bold title in as few sections as fit; (sections, characters used).

    Lines past the allowance are left out and counted in a closing "…and N more" line.
    """
    texts = [f"*{title}*"]
    used = len(texts[0])
    shown = 0
    for line in lines:
        line = _cut_escaped(line, MAX_SECTION_TEXT - _MORE)
        if used + 1 + len(line) > max_chars - _MORE:
            break
        if len(texts[-1]) + 1 + len(line) <= MAX_SECTION_TEXT:
            texts[-1] += "\n" + line
        elif len(texts) < max_blocks:
            texts.append(line)
        else:
            break
        used += 1 + len(line)
        shown += 1
    hidden = len(lines) - shown
    if hidden:
        more = f"_…and {hidden} more not shown here (Slack's message size limit); *Show evidence* lists them_"
        if len(texts[-1]) + 1 + len(more) > MAX_SECTION_TEXT:
            texts[-1] = _cut_escaped(texts[-1], MAX_SECTION_TEXT - 1 - len(more))
        texts[-1] += "\n" + more
        used += 1 + len(more)
    return [_section(t) for t in texts], used


def _groups(brief: Brief) -> list[tuple[str, list[str]]]:
    groups: list[tuple[str, list[str]]] = []
    if brief.what:
        w = brief.what
        line = escape(_clip(w.summary, 1200))
        where_when = " · ".join(_clip(p, 120) for p in (w.where, w.when) if p)
        if where_when:
            line += f"\n_{escape(where_when)}_"
        groups.append(("What happened", [line]))
    if brief.who:
        groups.append(
            ("Who", [f"• *{escape(_clip(a.name, 120))}*: {escape(_clip(a.role, 300))}" for a in brief.who])
        )
    if brief.background:
        groups.append(("Background", [f"• {escape(_clip(p.point, 400))}" for p in brief.background]))
    if brief.proposed_responses:
        groups.append(
            (
                "Proposed responses",
                [
                    f"• *{escape(_clip(r.proposed_by, 120))}*: {escape(_clip(r.action, 400))} "
                    f"_({r.kind}, {_STATUS.get(r.status, r.status)})_"
                    for r in brief.proposed_responses
                ],
            )
        )
    if brief.key_figures:
        groups.append(
            (
                "Key figures",
                [f"• *{escape(_clip(f.value, 60))}* {escape(_clip(f.label, 200))}" for f in brief.key_figures],
            )
        )
    return groups


def _source_line(brief: Brief) -> str:
    s = brief.source
    if s.url:
        head = _link(s.url, _clip(s.title or s.url, 150))
    elif s.label in ("<text>", "<bytes>", "<html>", "<stdin>"):
        head = escape(_clip(s.title, 150)) if s.title else "pasted text"
    else:
        head = escape(_clip(s.title or s.label, 150))
    bits = [head] + [escape(_clip(p, 80)) for p in (s.outlet, s.date) if p]
    bits.append(f"{s.words:,} words")
    return "Source: " + " · ".join(bits)


def _footer(brief: Brief) -> str:
    return " · ".join(escape(_clip(bit, 80)) for bit in footer_bits(brief))


def brief_text(brief: Brief) -> str:
    """The message's plain `text`: what notifications and screen readers show."""
    return escape(f"Brief: {_clip(brief.headline, 300)}")


def brief_blocks(brief: Brief, brief_id: str) -> list[Block]:
    """The brief as one message: header, source, what / who / background / responses / figures, evidence
    button, footer. Always within MAX_BLOCKS, MAX_SECTION_TEXT, MAX_HEADER_TEXT and MESSAGE_TEXT_BUDGET."""
    header = _clip(brief.headline, MAX_HEADER_TEXT) or "Brief"
    source = _cut_escaped(_source_line(brief), 1000)
    footer = _cut_escaped(_footer(brief), 1000)
    head = {"type": "header", "text": {"type": "plain_text", "text": header, "emoji": False}}
    context = {"type": "context", "elements": [_md(source)]}
    actions = {
        "type": "actions",
        "block_id": "brief_actions",
        "elements": [
            {
                "type": "button",
                "action_id": SHOW_EVIDENCE,
                "text": {"type": "plain_text", "text": "Show evidence"},
                "value": brief_id,
            }
        ],
    }
    foot = {"type": "context", "elements": [_md(footer)]}
    budget = _Budget()
    budget.add(head, len(header))
    budget.add(context, len(source))
    tail_chars = len(footer) + len("Show evidence") + len(brief_id)
    budget.blocks -= 2
    budget.chars -= tail_chars
    groups = _groups(brief)
    for index, (title, lines) in enumerate(groups):
        later = len(groups) - index - 1
        # keep at least one block and a few hundred characters for every group still to come
        sections, used = _pack(title, lines, budget.blocks - later, budget.chars - later * 400)
        for section in sections:
            budget.add(section, 0)
        budget.chars -= used
    budget.out.extend([actions, foot])
    return budget.out


def _quote(e: Evidence) -> str:
    note = "" if e.match == "exact" else f" _({e.match} match)_"
    return f">{escape(_clip(e.quote, 700))}{note}"


def _evidence_items(brief: Brief) -> Iterable[tuple[str, list[Evidence]]]:
    if brief.what:
        yield "What happened", brief.what.evidence
    for a in brief.who:
        yield f"Who · {_clip(a.name, 120)}", a.evidence
    for p in brief.background:
        yield f"Background · {_clip(p.point, 160)}", p.evidence
    for r in brief.proposed_responses:
        yield f"Proposed by {_clip(r.proposed_by, 120)} · {_clip(r.action, 160)}", r.evidence
    for f in brief.key_figures:
        yield f"Figure · {_clip(f.value, 60)} {_clip(f.label, 100)}", f.evidence


def evidence_messages(brief: Brief, *, max_messages: int = 5) -> list[tuple[str, list[Block]]]:
    """The evidence behind every claim as (text, blocks) messages, each within Slack's limits."""
    items = [
        _cut_escaped(f"*{escape(title)}*\n" + "\n".join(_quote(e) for e in evidence), MAX_SECTION_TEXT)
        for title, evidence in _evidence_items(brief)
    ]
    intro = f"Evidence for *{escape(_clip(brief.headline, 150))}*, quoted verbatim from the article"
    messages: list[list[Block]] = []
    current: list[Block] = [{"type": "context", "elements": [_md(intro)]}]
    chars = len(intro)
    for index, item in enumerate(items):
        if len(current) >= MAX_BLOCKS - 1 or chars + len(item) > MESSAGE_TEXT_BUDGET - _MORE:
            messages.append(current)
            current, chars = [], 0
            if len(messages) == max_messages:
                note = f"_…and {len(items) - index} more item(s) not shown; `summarizer brief --format markdown` lists all evidence_"
                messages[-1].append({"type": "context", "elements": [_md(note)]})
                break
        current.append(_section(item))
        chars += len(item)
    if current:
        messages.append(current)
    if not items:
        messages[0].append(_section("_No evidence was kept for this brief._"))
    return [(f"Evidence ({n} of {len(messages)})" if len(messages) > 1 else "Evidence", blocks)
            for n, blocks in enumerate(messages, 1)]
