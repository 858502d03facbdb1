"""What opens a unit a legal text is cited by: article, section, §, chapter, part, title, annex,
a Spanish "disposición", a numbered heading (2.1.3) — and whether a document is organised so.

Shared by the chunker (knowledge/legal_units.py) and the PDF reader, which uses it to tell a
heading set in body type from a sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .gazette_units import ORDINAL, PROVISION, inline_article, plain_number
from .markdown_blocks import Block, clean_inline

_WORD_NUMBER = r"(premier|première|primero|first|\d+[a-z]?(?:[-\s](?:bis|ter|quater))?|[IVXLC]+)"
_ARTICLE = re.compile(
    rf"^(?:article|art\.|artículo|articulo|artigo|artikel)\s+{_WORD_NUMBER}{ORDINAL}(?=$|[\s.:–—-])", re.I
)
_SECTION = re.compile(r"^(?:section|sec\.|sección|seção)\s+(\d+[A-Za-z]?)(?=$|[\s.:–—-])", re.I)
_PARAGRAPH_SIGN = re.compile(rf"^§\s*(\d+[a-z]?){ORDINAL}(?=$|[\s.:–—-])")
_CHAPTER = re.compile(r"^(?:chapter|chapitre|capítulo|capitulo|kapitel)\s+([IVXLC]+|\d+)(?=$|[\s.:–—-])", re.I)
_PART = re.compile(r"^(?:part|partie|parte)\s+([IVXLC]+|\d+|[A-Z])(?=$|[\s.:–—-])", re.I)
_TITLE = re.compile(r"^(?:title|titre|título)\s+([IVXLC]+|\d+)(?=$|[\s.:–—-])", re.I)
_ANNEX = re.compile(r"^(?:annex|annexe|anexo|appendix|schedule)(?:\s+([IVXLC]+|\d+|[A-Z]))?(?=$|[\s.:–—-])", re.I)
_NUMBERED_HEADING = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)\.?\s+(?=[A-ZÀ-Ý])")
_DOTTED_HEADING = re.compile(r"^\d{1,2}(?:\.\d{1,2})+\.?\s+[A-ZÀ-Ý]")
#: "(1) The Director may ..." — the first subsection under a British-style section heading
_FIRST_SUBSECTION = re.compile(r"^\s*\(1\)\s+\S")
_ORDINALS = {"premier": "1", "première": "1", "primero": "1", "first": "1"}

# rank in the heading path: a new heading closes those of the same or a lower rank
RANKS = {"part": 0, "annex": 0, "provision": 0, "title": 1, "chapter": 2, "article": 4, "section": 4, "§": 4}


@dataclass
class Head:
    kind: str  # part | title | chapter | article | section | § | annex | provision | numbered | plain
    number: str
    text: str
    rank: float


def unit_heading(text: str) -> Head | None:
    """The structural unit a heading (or short unpunctuated line) opens, if any."""
    text = clean_inline(text)
    for kind, pattern in (
        ("article", _ARTICLE), ("section", _SECTION), ("§", _PARAGRAPH_SIGN), ("chapter", _CHAPTER),
        ("part", _PART), ("title", _TITLE), ("annex", _ANNEX),
    ):
        if m := pattern.match(text):
            number = m.group(1) or ""
            number = plain_number(_ORDINALS.get(number.casefold(), number))
            return Head(kind, number, text, RANKS[kind])
    if m := PROVISION.match(text):
        return Head("provision", " ".join(m.group(0).casefold().split()), text, RANKS["provision"])
    if m := _NUMBERED_HEADING.match(text):
        depth = m.group(1).count(".")
        return Head("numbered", m.group(1), text, 3 + depth / 10)
    return None


def annex_word(annex: Head) -> str:
    """British statutes call their annexes schedules, and are cited so: "schedule 1, para. 2"."""
    return "schedule" if annex.text.casefold().startswith("schedule") else "annex"


def heading_like(block: Block) -> bool:
    """A short body line without final punctuation (how PDFs and Word often set headings)."""
    if block.kind != "body" or block.entry not in ("plain", "number"):
        return False
    text = clean_inline(block.text)
    # "1. An agreement shall state—" is a lead-in (laws end them with a dash), not a heading;
    # nor is "... health care.¹" (a sentence with its footnote mark)
    end = text.rstrip("¹²³⁴⁵⁶⁷⁸⁹⁰* ")
    return 0 < len(text) <= 120 and "\n" not in block.text and not re.search(r"[.,;:—]$", end)


def statute_sections(blocks: list[Block]) -> set[str]:
    """Headings such as "1 Setting up a joint investigation team" whose first paragraph is
    "(1) ...": sections as British and Commonwealth statutes number them, without the word
    "Section" (a guide's "1 Introduction" is followed by prose, not by subsections)."""
    found, pending = set(), None
    for block in blocks:
        if block.kind in ("page", "rule", "footnote"):
            continue
        if block.kind == "heading" or heading_like(block):
            head = unit_heading(block.text)
            pending = clean_inline(block.text) if head and head.kind == "numbered" and "." not in head.number else None
            continue
        if pending and _FIRST_SUBSECTION.match(clean_inline(block.text)):
            found.add(pending)
        pending = None
    return found


def is_legal(blocks: list[Block]) -> bool:
    """Whether the document is organised in articles, sections, § or dotted numbered headings."""
    units = len(statute_sections(blocks))
    dotted = 0
    for block in blocks:
        if inline_article(block):
            units += 1
            continue
        if block.kind != "heading" and not heading_like(block):
            continue
        head = unit_heading(block.text)
        if head and head.kind in ("article", "section", "§"):
            units += 1
        if _DOTTED_HEADING.match(clean_inline(block.text)):
            dotted += 1
    return units >= 2 or dotted >= 2
