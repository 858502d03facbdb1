"""HTML as markdown-like blocks: headings as "#", <ol> numbering, tables, endnote lists.

Used by the HTML loader in `knowledge.loaders`; `table_blocks` is shared with the DOCX loader.
"""

from __future__ import annotations

import re

from . import deadline

DROP = {"script", "style", "nav", "noscript", "template", "svg", "head", "iframe", "form", "button"}
_BLOCK = {
    "p", "div", "section", "article", "main", "header", "footer", "aside", "blockquote", "ul",
    "ol", "li", "table", "thead", "tbody", "tr", "td", "th", "dl", "dt", "dd", "pre", "figure",
    "figcaption", "address", "body", "html", "hr", "caption",
}


def table_blocks(rows: list[str], limit: int = 800) -> list[str]:
    """A table's rows ("cell | cell"), one per line, in blocks of up to `limit` characters:
    a small table is one passage with its header row, not one passage per row or cell."""
    blocks: list[str] = []
    current: list[str] = []
    for row in rows:
        if current and sum(len(r) + 1 for r in current) + len(row) > limit:
            blocks.append("\n".join(current))
            current = []
        current.append(row)
    if current:
        blocks.append("\n".join(current))
    return blocks


class HtmlBlocks:
    """Collects block-level text: headings as "#", list items as "- "/"N. ", <sup> kept."""

    def __init__(self) -> None:
        self.blocks: list[str] = []
        self.buffer: list[str] = []
        self.prefix = ""
        self.first_h1 = ""

    def flush(self) -> None:
        text = " ".join("".join(self.buffer).split())
        if text:
            self.blocks.append(self.prefix + text)
            self.prefix = ""
        self.buffer = []

    def walk(self, node) -> None:
        from bs4 import NavigableString, Tag
        from bs4.element import Comment, Declaration, Doctype, ProcessingInstruction

        for child in node.children:
            deadline.check()
            if isinstance(child, (Comment, Declaration, Doctype, ProcessingInstruction)):
                continue
            if isinstance(child, NavigableString):
                self.buffer.append(str(child))
            elif isinstance(child, Tag):
                self._tag(child)

    def _tag(self, tag) -> None:
        name = tag.name.lower()
        if re.fullmatch(r"h[1-6]", name):
            self.flush()
            text = " ".join(tag.get_text(" ").split())
            if text:
                self.blocks.append(f"{'#' * int(name[1])} {text}")
                if name == "h1" and not self.first_h1:
                    self.first_h1 = text
        elif name == "table":
            self.flush()
            rows = []
            for tr in tag.find_all("tr"):
                cells = [" ".join(c.get_text(" ").split()) for c in tr.find_all(["td", "th"])]
                if row := " | ".join(c for c in cells if c):
                    rows.append(row)
            self.blocks.extend(table_blocks(rows))
        elif _is_endnotes(tag):
            self.flush()
            self._endnotes(tag)
        elif name == "sup":
            self.buffer.append(f"<sup>{' '.join(tag.get_text().split())}</sup>")
        elif name == "br":
            self.buffer.append(" ")
        elif name == "li":
            self.flush()
            self.prefix = self._li_prefix(tag)
            self.walk(tag)
            self.flush()
            self.prefix = ""
        elif name in _BLOCK:
            self.flush()
            self.walk(tag)
            self.flush()
        else:
            self.walk(tag)

    def _endnotes(self, tag) -> None:
        """pandoc's (and EPUB-style) note list: "<sup>N</sup> text" blocks, back-links dropped."""
        for backlink in tag.find_all("a"):
            if "footnote-back" in (backlink.get("class") or []) or backlink.get("role") == "doc-backlink":
                backlink.decompose()
        items = [li for li in tag.find_all("li") if li.find_parent("li") is None]
        for number, li in enumerate(items, 1):
            m = re.search(r"(\d+)$", li.get("id") or "")
            text = " ".join(li.get_text(" ").replace("↩︎", " ").replace("↩", " ").split())
            if text:
                self.blocks.append(f"<sup>{m.group(1) if m else number}</sup> {text}")

    @staticmethod
    def _li_prefix(tag) -> str:
        parent = tag.parent
        if parent is None or parent.name != "ol":
            return "- "
        try:
            start = int(parent.get("start", 1))
        except ValueError:
            start = 1
        number = start + [li for li in parent.find_all("li", recursive=False)].index(tag)
        kind = parent.get("type", "1")
        if kind in ("a", "A"):
            return f"({chr(ord(kind) + number - 1)}) "
        if kind in ("i", "I"):
            numeral = _roman(number)
            return f"({numeral.upper() if kind == 'I' else numeral}) "
        return f"{number}. "


def _is_endnotes(tag) -> bool:
    """A footnote/endnote list: role doc-endnotes/doc-footnotes, or class "footnotes"."""
    if tag.name not in ("section", "div", "aside", "ol", "footer"):
        return False
    classes = {c.casefold() for c in tag.get("class") or []}
    return tag.get("role") in ("doc-endnotes", "doc-footnotes") or bool(classes & {"footnotes", "endnotes"})


def _roman(n: int) -> str:
    out = ""
    for value, numeral in ((10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out, n = out + numeral, n - value
    return out
