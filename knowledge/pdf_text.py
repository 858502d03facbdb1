"""Turning the hard-wrapped lines pypdf extracts from a page into markdown-like blocks.

PDF text comes as one line per printed line, with running headers, page numbers and the
page's footnotes mixed in. The chunker expects blocks separated by blank lines, footnotes
as "<sup>n</sup> text" blocks, and pages separated by blank lines (so that a sentence cut by
a page break is re-joined there, after the footnotes).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from .document_model import page_marker
from .markdown_blocks import ends_sentence, glue
from .unit_headings import unit_heading

_STRUCTURAL = re.compile(
    r"^(?:\d{1,3}\.\s+\S|\(\d{1,3}\)\s|\([a-z]{1,2}\)\s|\([ivxlc]{1,6}\)\s|[-•▪●◦–]\s"
    r"|[a-z]\.\s|[ivx]{1,5}\.\s)"  # "a. ", "iv. ": <ol type="a"> as a browser prints it
)
_ENDNOTE = re.compile(r"^(\d{1,3})\.\s+(.*?)\s*↩[\ufe0e\ufe0f]?$")  # pandoc's endnote list: "1. Text.↩"
_NEW_PARAGRAPH = re.compile(r"^\d{1,3}\.\s+[A-Z“\"(]")
_DOTTED = re.compile(r"^\d{1,2}(?:\.\d{1,2})+\.?\s+[A-Z]")  # "2.3 Indicators in financial data"
_TOP_NUMBERED = re.compile(r"^\d{1,2}\s+[A-Z][a-z]")  # "1 Introduction" above "1.1 Purpose"
_CHAPTER = re.compile(r"^(?:[IVXLC]+|[A-Z])\.\s+\S")
_PAGE_NUMBER = re.compile(r"^(?:page\s+)?\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?$", re.IGNORECASE)
# A browser's print header and footer, also on a one-page print (nothing repeats there):
# "12/3/26, 8:57 AM Title", "03/12/2026 08:57 Title", "file:///tmp/x.html 1/4", "https://... 2/5"
_BROWSER_EDGE = re.compile(
    r"^(?:\d{1,2}[/.]\d{1,2}[/.]\d{2,4},?\s+\d{1,2}:\d{2}(?:\s*[AP]M)?(?:\s|$)"
    r"|(?:ﬁ|fi)le:///\S*\s+\d{1,4}/\d{1,4}$|https?://\S+\s+\d{1,4}/\d{1,4}$)",
    re.IGNORECASE,
)
_FOOTNOTE_LINE = re.compile(r"^(\d{1,3}|\*{1,3})\s+([A-Z*“\"(].*)$")
_EDGE = 3  # lines at the top and bottom of a page where running headers/footers live
_SHORT_LINE = 0.7  # a line shorter than this share of the usual width ends its paragraph
# Spanish, French and Portuguese laws: "a) ", "I – " (inciso), "§ 1º", "Parágrafo único"
_GAZETTE_ITEM = re.compile(r"^(?:[a-z]\)\s|[IVXLC]{1,6}\s[–—-]\s|§\s*\d|Parágrafo único\b)")


@dataclass
class _Block:
    lines: list[str] = field(default_factory=list)
    text: str = ""
    footnote: str = ""  # footnote mark, "" for body text


def pages_to_markdown(pages: list[str], labels: list[str] | None = None) -> str:
    """Reflow the text of each page; each page starts with a page marker (its label)."""
    page_lines = [[line.strip() for line in page.splitlines()] for page in pages]
    repeated = _running_lines(page_lines)
    cleaned = [
        [
            line for i, line in enumerate(lines)
            if not _is_edge(lines, i)
            or (_key(line) not in repeated and not _PAGE_NUMBER.match(line) and not _BROWSER_EDGE.match(line))
        ]
        for lines in page_lines
    ]
    widths = sorted(len(line) for lines in cleaned for line in lines if line)
    width = widths[int(len(widths) * 0.8)] if widths else 0
    # Words hyphenated inside lines tell which line-end hyphens are real ("trauma-informed").
    compounds = {m.casefold() for lines in cleaned for line in lines for m in re.findall(r"\w+-\w+", line)}
    reflow = _Reflow(width, compounds)
    labels = labels or [str(i) for i in range(1, len(pages) + 1)]
    texts = [(label, reflow.page(lines)) for label, lines in zip(labels, cleaned)]
    if reflow.endnotes:  # notes printed at the end: their references are on earlier pages
        texts = [(label, _mark_body_references(text, reflow.endnotes)) for label, text in texts]
    return "\n\n".join(f"{page_marker(label)}\n\n{text}" for label, text in texts if text)


def _mark_body_references(page: str, notes: set[str]) -> str:
    return "\n\n".join(
        block if block.startswith(("<sup>", "#")) else _mark_references(block, notes) for block in page.split("\n\n")
    )


def _key(line: str) -> str:
    """Digits ignored ("Page 3", "2/5"), except in unit headings: "ARTICLE 2" at the top of
    one page and "ARTICLE 7" at the top of another are two articles, not a running header."""
    head = unit_heading(line)
    if head is not None and head.kind != "numbered":
        return line.casefold()
    return re.sub(r"\d+", "#", line.casefold())


def _is_edge(lines: list[str], i: int) -> bool:
    nonblank = [j for j, line in enumerate(lines) if line]
    return i in nonblank[:_EDGE] or i in nonblank[-_EDGE:]


def _running_lines(page_lines: list[list[str]]) -> set[str]:
    """Lines (digits ignored) found at a page edge on at least half the pages, and 3+ pages."""
    if len(page_lines) < 2:
        return set()
    counts: Counter[str] = Counter()
    for lines in page_lines:
        counts.update({_key(line) for i, line in enumerate(lines) if line and _is_edge(lines, i)})
    need = max(2, len(page_lines) // 2)
    return {key for key, n in counts.items() if n >= need}


def _ends(text: str) -> bool:
    """Sentence end, reading "cooperation.14" (a footnote mark after the full stop) as one."""
    return ends_sentence(re.sub(r"(?<=[.?!:;\"”’)])\d{1,3}$", "", text.rstrip()))


def _punctuated(text: str) -> bool:
    """Ends with sentence punctuation (a closing quote alone does not count, unlike in prose)."""
    return _ends(text.rstrip().rstrip("\"”’')]"))


def _mark_references(text: str, notes: set[str]) -> str:
    """"victims.2 Further" -> "victims.<sup>2</sup> Further" for the footnotes of this page.

    Only a number glued to a word or to punctuation after a word counts, so "article 2" and
    "CRP.5" stay as they are.
    """
    if not notes:
        return text

    def mark(m: re.Match) -> str:
        return f"<sup>{m.group(1)}</sup>" if m.group(1) in notes else m.group(1)

    return re.sub(r"(?:(?<=[a-z][.,;:)”\"’])|(?<=[a-z]))(\d{1,3})(?=[\s,.;:)]|$)", mark, text)


def _capital_or_numbered(text: str) -> bool:
    """Starts like a heading: a capital, or "1 Introduction", "2.1.3 Preservation requests"."""
    return text[:1].isupper() or bool(_DOTTED.match(text) or _TOP_NUMBERED.match(text))


def _formula(line: str) -> bool:
    """An enacting formula in capitals: "HAS ADOPTED THIS DIRECTIVE:", "HAVE AGREED AS FOLLOWS:"."""
    return line.isupper() and len(re.findall(r"[A-Z]", line)) >= 6


def _references(text: str) -> set[str]:
    """Numbers glued to a word, maybe after its punctuation: "victims.2", "costs2"."""
    return set(re.findall(r"[^\W\d_][.,;:)”\"’]?(\d{1,3})(?!\d)", text))


class _Reflow:
    """Joins lines into blocks across the pages of one document (footnote numbers run on)."""

    def __init__(self, width: int, compounds: set[str]):
        self.width = width
        self.compounds = compounds
        self.last_note = 0
        self.endnotes: set[str] = set()
        self.pages_done = 0
        self.references: set[str] = set()  # note numbers glued to words on the pages before

    def page(self, lines: list[str]) -> str:
        blocks: list[_Block] = []
        current = _Block()
        previous = ""
        for i, line in enumerate(lines):
            if not line:
                current = self._close(blocks, current)
                continue
            note = _FOOTNOTE_LINE.match(line)
            if note and (blocks or current.lines) and self._note_line(note, blocks, current) and self._next_note(note.group(1)):
                # Footnotes sit at the page bottom; everything after the first one is notes.
                current = self._close(blocks, current)
                current.footnote = note.group(1)
                line = note.group(2)
            elif current.lines and not current.footnote and self._breaks(previous, line, current, lines[i + 1 :]):
                current = self._close(blocks, current)
            current.lines.append(line)
            current.text = self._join(current.text, line) if current.text else line
            previous = line
        self._close(blocks, current)
        for block in blocks:
            if not block.footnote and (m := _ENDNOTE.match(block.text)):
                block.footnote, block.text = m.group(1), m.group(2)
                self.endnotes.add(m.group(1))
        notes = {b.footnote for b in blocks if b.footnote.isdigit()}
        rendered = "\n\n".join(self._render(blocks, i, notes) for i in range(len(blocks)))
        self.pages_done += bool(blocks)
        for block in blocks:
            if not block.footnote:
                self.references.update(_references(block.text))
        return rendered

    def _note_line(self, note: re.Match, blocks: list[_Block], current: _Block) -> bool:
        """"1 Introduction" (short, unpunctuated, never referenced) is a numbered heading;
        a note line is referenced, or ends a sentence, or runs on (a long first line)."""
        mark, line = note.group(1), note.group(0)
        if not mark.isdigit() or _punctuated(line) or len(line) >= self.width * _SHORT_LINE:
            return True
        return mark in self.references or any(mark in _references(b.text) for b in [*blocks, current])

    def _next_note(self, mark: str) -> bool:
        if mark.startswith("*"):
            return True
        if 1 <= int(mark) - self.last_note <= 2:
            self.last_note = int(mark)
            return True
        return False

    def _breaks(self, previous: str, line: str, current: _Block, rest: list[str]) -> bool:
        """Whether `line` starts a new block rather than continuing the one being built."""
        if _GAZETTE_ITEM.match(line) and _ends(current.text):
            return True
        if _NEW_PARAGRAPH.match(line):  # "65. The ..." starts a paragraph even after a heading
            return True
        lead_in = _ends(current.text) or current.text.endswith("—")  # "unless the context requires—"
        if lead_in and (_STRUCTURAL.match(line) or self._heading_line(line, rest) or _formula(line)):
            return True
        if _DOTTED.match(line) and self._heading_line(line, rest):
            return True  # "3.2 Emergency disclosure" after a table row, which ends no sentence
        short = len(previous) < self.width * _SHORT_LINE
        return short and not line[:1].islower() and (_ends(previous) or not _ends(current.text) or line[:1].isupper())

    def _heading_line(self, line: str, rest: list[str]) -> bool:
        """A short unpunctuated line followed by a capitalised or numbered line: a heading.

        Inside a paragraph only the last line is short, so a short line that starts and ends
        without punctuation, right after a sentence end, stands on its own.
        """
        numbered = bool(_DOTTED.match(line) or _TOP_NUMBERED.match(line))
        head = unit_heading(line)
        if head is not None and head.kind != "numbered" and len(line) <= 120:
            return True  # "Article 9 – ...", "Annex II – ...", "Section 4": a unit starts
        if _punctuated(line) or line.endswith((",", "—")) or not (line[:1].isupper() or _CHAPTER.match(line) or numbered):
            return False
        if not (_CHAPTER.match(line) or len(line) < self.width * _SHORT_LINE):
            return False
        nxt = next((candidate for candidate in rest if candidate), "")
        return bool(nxt) and not nxt[:1].islower()

    def _join(self, left: str, right: str) -> str:
        m = re.search(r"(\w+)-$", left)
        word = re.match(r"\w+", right)
        if m and word and f"{m.group(1)}-{word.group(0)}".casefold() in self.compounds:
            return left + right  # a real hyphen at the end of the line: keep it, no space
        return glue(left, right)

    @staticmethod
    def _close(blocks: list[_Block], current: _Block) -> _Block:
        if current.lines:
            blocks.append(current)
        return _Block()

    def _render(self, blocks: list[_Block], i: int, notes: set[str]) -> str:
        block = blocks[i]
        if block.footnote.startswith("*"):
            return "\\*" * len(block.footnote) + " " + block.text
        if block.footnote:
            return f"<sup>{block.footnote}</sup> {block.text}"
        if self._is_heading(blocks, i) or self._is_title(blocks, i):
            return ("## " if _CHAPTER.match(block.text) else "### ") + block.text
        return _mark_references(block.text, notes)

    def _is_title(self, blocks: list[_Block], i: int) -> bool:
        """The first block of the document, a title set on two or three short lines."""
        block = blocks[i]
        text = block.text
        if i or self.pages_done or not 1 < len(block.lines) <= 3 or _punctuated(text) or text.endswith((",", "—")):
            return False
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        return len(text) <= 200 and text[:1].isupper() and nxt is not None and not nxt.text[:1].islower()

    @staticmethod
    def _is_heading(blocks: list[_Block], i: int) -> bool:
        """A short unpunctuated block between a finished text and a new paragraph.

        "IV. Practical challenges ..." (a chapter, possibly wrapped) always is one; so is
        "1. International Framework ..." when a numbered paragraph follows it.
        """
        block = blocks[i]
        text = block.text
        if _punctuated(text) or text.endswith((",", "—")) or len(block.lines) > 3 or len(text) > 200:
            return False
        if _CHAPTER.match(text):
            return True
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        if nxt is None or nxt.footnote:
            return False
        if _NEW_PARAGRAPH.match(text):
            return bool(_NEW_PARAGRAPH.match(nxt.text)) and len(block.lines) <= 2
        if len(block.lines) > 1 or len(text) > 90 or _STRUCTURAL.match(text) or not _capital_or_numbered(text):
            return False
        if not (_capital_or_numbered(nxt.text) or _STRUCTURAL.match(nxt.text)):
            return False
        before = blocks[i - 1] if i else None
        return before is None or _ends(before.text) or len(before.lines) == 1
