"""What was recognised in a document: its outline and a one-line summary of its units.

`jitbot kb show DOC --outline` prints the outline; the Telegram upload reply gives the
summary ("16 articles, 41 paragraphs, 5 pages").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .document_model import SECTION_SEPARATOR

# the unit a locator names, and how it is counted: "art. 9(3)" -> articles, "recital 4" -> recitals
_UNIT_KINDS = (
    (re.compile(r"^(?:annex [^,]+, )?art\. "), "article", "articles"),
    (re.compile(r"^§ "), "§", "§§"),
    (re.compile(r"^(?:annex [^,]+, )?section "), "section", "sections"),
    (re.compile(r"^recital "), "recital", "recitals"),
    (re.compile(r"^annex "), "annex", "annexes"),
    (re.compile(r"^footnote "), "footnote", "footnotes"),
    (re.compile(r"^para\. "), "paragraph", "paragraphs"),
)


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def summary(passages: Sequence, pages: int | None = None) -> str:
    """"8 articles, 32 passages, 4 pages": the units recognised, then passages and pages."""
    counts: dict[tuple[str, str], set[str]] = {}
    for p in passages:
        unit = p.unit or re.sub(r", p\. [^,]+$", "", p.locator)
        for pattern, one, many in _UNIT_KINDS:
            if pattern.match(unit):
                key = re.sub(r"\(.*$", "", unit)
                if one != "annex" or "," not in unit:
                    counts.setdefault((one, many), set()).add(key)
                if one == "annex" and "," in unit:
                    counts.setdefault((one, many), set()).add(unit.split(",")[0])
                break
    parts = [_plural(len(keys), one, many) for (one, many), keys in counts.items() if keys and one != "footnote"]
    parts.append(_plural(len(passages), "passage", "passages"))
    if footnotes := counts.get(("footnote", "footnotes")):
        parts.append(_plural(len(footnotes), "footnote", "footnotes"))
    if pages:
        parts.append(_plural(pages, "page", "pages"))
    return ", ".join(parts)


def outline(passages: Sequence) -> list[str]:
    """Indented headings (the section paths), each followed by its passages' locators."""
    lines: list[str] = []
    shown: list[str] = []
    locators: list[str] = []

    def flush() -> None:
        if locators:
            lines.append("  " * (len(shown) + 1) + "  ".join(locators))
            locators.clear()

    for p in passages:
        path = p.section.split(SECTION_SEPARATOR) if p.section else []
        if path != shown:
            flush()
            common = 0
            while common < min(len(path), len(shown)) and path[common] == shown[common]:
                common += 1
            for depth in range(common, len(path)):
                lines.append("  " * (depth + 1) + path[depth])
            shown = path
        locators.append(p.locator)
    flush()
    return lines
