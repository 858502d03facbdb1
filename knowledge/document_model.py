"""Types shared by the loaders, the chunkers and ingestion (no imports from them: no cycles).

Loaders hand the chunker markdown-like text: blocks separated by blank lines, "#" headings,
"<sup>n</sup>" footnotes, "(a)" items, "1." numbered paragraphs and, for PDFs, a page marker
block (`page_marker`) where each printed page begins, so every passage knows its page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SECTION_SEPARATOR = " › "

PAGE_MARK = re.compile(r"^\s*<!--\s*page:\s*(.*?)\s*-->\s*$")


def page_marker(label: str) -> str:
    """The block a loader writes where a printed page begins ("3", "iv", "A-2")."""
    return f"<!-- page: {label} -->"


@dataclass(frozen=True)
class Chunk:
    """One citable passage."""

    ordinal: int  # 0-based order in the document
    kind: str  # "paragraph" | "item" | "footnote" | "text" | "recital"
    locator: str  # "art. 9(3)", "section 2.1", "para. 20", "footnote 13" (+ ", p. 3" in PDFs)
    section: str  # heading path joined with " › " ("" if none)
    text: str  # plain display text
    page: str = ""  # printed page label where the passage starts (PDFs), else ""
    unit: str = ""  # the article/section/paragraph it belongs to ("art. 9"), for outlines


def with_page(locator: str, page: str) -> str:
    return f"{locator}, p. {page}" if page and locator else locator
