"""Which way, and from which end, a figure stands in its passage: "76 fewer than the 596", "would rise from
€1,450 a year to €2,300". A label that says the other ("76 more beds", "the current fee: €2,300") is a lie in
the article's own numbers. `judges.judge_figure` asks these; they only read text.
"""

from __future__ import annotations

import re

from .normal import canon_number, folded_words

__all__ = ["compared", "end_of", "other_end"]

# which way a number compares: "76 fewer than", "3% more", "a rise of ..." is left to the other tests
_MORE = frozenset({"more", "higher", "greater", "larger", "extra", "additional"})
_FEWER = frozenset({"fewer", "less", "lower", "smaller"})


def compared(text: str, numbers: set[str] | None = None) -> str | None:
    """"more" or "fewer" when a comparative stands right after a number of the text (of `numbers`, if given)
    or, in a label without a number of its own, anywhere in it; None when there is none, or both."""
    low = folded_words(text)
    found = set()
    for k, w in enumerate(low):
        if (numbers is None or canon_number(w) in numbers) and w[:1].isdigit():
            after = low[k + 1 : k + 3]
            found |= {"more" for a in after if a in _MORE} | {"fewer" for a in after if a in _FEWER}
    if numbers is None and not found:
        found = {"more" for w in low if w in _MORE} | {"fewer" for w in low if w in _FEWER}
    return found.pop() if len(found) == 1 else None


# a change from one number to another, and the words a label has for either end of it
_FROM_TO = re.compile(r"\bfrom\s+(?:about\s+|around\s+)?[€$£]?\s*(\d[\d,.]*)[^.;:]{0,40}?\bto\s+[€$£]?\s*(\d[\d,.]*)")
_BEFORE = frozenset({"current", "currently", "previous", "previously", "old", "existing", "earlier", "former",
                     "original", "present", "today"})
_AFTER = frozenset({"new", "proposed", "planned", "future", "raised", "increased", "higher", "reduced", "lowered",
                    "target"})


def end_of(label: str) -> str | None:
    """"before" or "after" when a figure's label calls it the one a change starts from ("the current fee") or
    the one it comes to ("the new fee"); None for neither, or both."""
    words = set(folded_words(label))
    before, after = bool(words & _BEFORE), bool(words & _AFTER)
    return None if before == after else "before" if before else "after"


def other_end(text: str, numbers: set[str], end: str | None) -> bool:
    """True if a figure whose label puts it at one `end` of a change (see `end_of`) is the other end of a change
    the passage states ("from €1,450 a year to €2,300"): the number it changes to called the current one, or the
    one it changes from called the new one."""
    if end is None or "from" not in text:
        return False
    before, after = end == "before", end == "after"
    for m in _FROM_TO.finditer(text):
        start, end = canon_number(m.group(1)), canon_number(m.group(2))
        if start != end and ((before and end in numbers and start not in numbers)
                             or (after and start in numbers and end not in numbers)):
            return True
    return False
