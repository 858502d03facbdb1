"""Document-level structure: title, paragraph numbering, heading ranks, cut sentences.

These decisions need the whole document (is "1." a paragraph number, a list entry or a
footnote?), unlike the block shapes recognised in `knowledge.markdown_blocks`.
"""

from __future__ import annotations

import itertools
import re
import statistics

from .document_model import PAGE_MARK
from .markdown_blocks import (
    Block,
    clean_inline,
    ends_sentence,
    first_char,
    is_url,
    last_word,
    parse_blocks,
    starts_lower,
    strip_number,
)

SHORT = 200  # a block this short may be grouped with its neighbours (list entries, front matter)
# A cut sentence often ends on one of these words at a page break, even before a capital.
_FUNCTION_WORDS = {
    "a", "an", "the", "of", "and", "or", "in", "to", "with", "for", "by", "on", "at", "from",
    "as", "between", "under", "that", "which", "its", "their", "such", "into", "than", "nor",
}


def guess_title(text: str, blocks: list[Block] | None = None) -> str:
    """A heading repeated twice in a row, else the first heading, else the first short line."""
    headings: list[str | None] = []  # None marks body text between headings
    for block in parse_blocks(text) if blocks is None else blocks:
        if block.kind == "heading":
            headings.append(title_text(block.text))
        elif block.kind == "body":
            headings.append(None)
    for a, b in itertools.pairwise(headings):
        if a and b and a.casefold() == b.casefold():
            return a
    for heading in headings:
        if heading:
            return heading
    candidates: list[str] = []
    for line in text.splitlines():
        if PAGE_MARK.match(line):
            continue
        if len(candidates) == 5:
            break
        if title := title_text(line):
            candidates.append(title)
    for line in candidates:
        if len(line) <= 150 and re.search(r"[^\W\d_]", line):
            return line
    return _truncate(candidates[0], 150) if candidates else ""


def title_text(raw: str) -> str:
    """A heading or line as a title: no markdown, footnote marks or final full stop."""
    raw = re.sub(r"<sup>.*?</sup>", "", raw)
    text = clean_inline(re.sub(r"^\s*#{1,6}\s+", "", raw))
    return _truncate(text.strip("¹²³⁴⁵⁶⁷⁸⁹⁰* ").rstrip(". "), 150)


def _truncate(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def paragraph_positions(blocks: list[Block]) -> set[int]:
    """Positions of numbered blocks forming the document's paragraph sequence (may be empty).

    The longest chain of "N. " blocks in which each number follows the previous by 1 to 3
    (pages lost in extraction leave small gaps). A short chain, or one made of short lines,
    is a numbered list, not paragraph numbering.
    """
    cands = [b for b in blocks if b.entry == "number" and not b.in_list and not is_url(b.text)]
    # best[i]: length of the longest chain ending at cands[i]; back[i]: its predecessor.
    best: list[int] = []
    back: list[int] = []
    latest: dict[int, int] = {}  # number -> index of the candidate with the longest chain so far
    for i, block in enumerate(cands):
        number = int(block.marker)
        previous = [latest[n] for n in (number - 1, number - 2, number - 3) if n in latest]
        j = max(previous, key=lambda k: (best[k], k), default=-1)
        best.append(best[j] + 1 if j >= 0 else 1)
        back.append(j)
        if number not in latest or best[i] >= best[latest[number]]:
            latest[number] = i
    if not best or max(best) < 3:
        return set()
    i = best.index(max(best))
    chain = []
    while i >= 0:
        chain.append(cands[i])
        i = back[i]
    if len(chain) < 10 and statistics.median(_span_length(blocks, b.pos) for b in chain) < 150:
        return set()
    return {b.pos for b in chain}


def _span_length(blocks: list[Block], pos: int) -> int:
    """Length of a numbered block with the unnumbered body blocks (its items) that follow it."""
    total = len(clean_inline(blocks[pos].text))
    for block in blocks[pos + 1 :]:
        if block.kind == "heading" or block.entry == "number":
            break
        if block.kind == "body":
            total += len(clean_inline(block.text))
    return total


def _neighbour_body(blocks: list[Block], pos: int, step: int) -> Block | None:
    i = pos + step
    while 0 <= i < len(blocks):
        if blocks[i].kind == "body" and not (blocks[i].entry == "number" and is_url(blocks[i].text)):
            return blocks[i]
        if blocks[i].kind == "heading":
            return None
        i += step
    return None


def mark_numbered_footnotes(blocks: list[Block], paragraphs: set[int]) -> None:
    """"1. https://..." or a numbered note inside a cut sentence is a footnote, not a paragraph."""
    for block in blocks:
        if block.entry != "number" or block.pos in paragraphs:
            continue
        prev, nxt = _neighbour_body(blocks, block.pos, -1), _neighbour_body(blocks, block.pos, 1)
        cut = prev is not None and nxt is not None and not ends_sentence(prev.text) and starts_lower(nxt.text)
        if is_url(block.text) or cut:
            block.kind, block.entry, block.text = "footnote", "", strip_number(block.text)


def demote_title_line(blocks: list[Block], title: str) -> None:
    """A leading one-line title in a document without headings is a title, not paragraph 1."""
    body = [b for b in blocks if b.kind == "body"]
    if any(b.kind == "heading" for b in blocks) or len(body) < 2:
        return
    first = body[0]
    lead_in = clean_inline(first.text).endswith((":", ",", ";"))
    if first.entry == "plain" and "\n" not in first.text and not lead_in and title_text(first.text) == title:
        first.kind, first.level, first.style = "heading", 1, "plain"


def roman_value(marker: str) -> int:
    values = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
    if not marker or any(ch not in values for ch in marker):
        return 0
    total = 0
    for ch, nxt in zip(marker, marker[1:] + " "):
        v = values[ch]
        total += -v if nxt in values and values[nxt] > v else v
    return total


def heading_key(text: str, style: str, level: int) -> tuple[int, int]:
    """Rank headings so that PDF-extracted markdown levels, which are unreliable, matter least.

    Numbered headings ("III.", "A.", "1.") outrank unnumbered ones; among unnumbered headings
    bold outranks italic outranks plain, then the markdown level decides.
    """
    if re.match(r"^[IVXLC]+\.\s", text):
        return (1, 0)
    if re.match(r"^[A-Z]\.\s", text):
        return (2, 0)
    if m := re.match(r"^(\d+(?:\.\d+)*)\.?\s", text):
        return (3, m.group(1).count("."))
    return ({"bold": 4, "italic": 5}.get(style, 6), level)


def continues(previous: str, text: str, after_gap: bool) -> bool:
    """Whether `text` is the rest of a sentence cut (by a page break) at the end of `previous`."""
    if ends_sentence(previous):
        return False
    if starts_lower(text):
        return True
    start = first_char(text)
    if start.isdigit() or start == "(":
        return True
    if clean_inline(previous).endswith(",") or last_word(previous) in _FUNCTION_WORDS:
        return True
    # Footnotes in between mean a page break; a long unfinished block is not a heading.
    return after_gap and len(clean_inline(previous)) >= SHORT
