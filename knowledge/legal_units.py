"""Chunking documents cited by article, section, §, recital or numbered heading.

Conventions, laws, EU-style acts and guides are cited by their own units, not by a global
paragraph count: "art. 9(3)", "art. 2(b)", "section 4(1)", "§ 3(2)", "section 2.1",
"recital 12", "chap. III", "annex II, para. 4", "footnote 13". Passages never cross a unit
(an article, a section, a recital); headings are never passages of their own — they make
the passage's section path; the title line, however often it is repeated, is dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import deadline
from .document_model import SECTION_SEPARATOR, Chunk, with_page
from .gazette_units import (
    DIVISION,
    INLINE_ARTICLE,
    INLINE_PARAGRAPH_SIGN,
    PROVISION,
    SOLE_PARAGRAPH,
    inline_article,
    is_inciso,
    is_preamble,
    leading_title,
)
from .markdown_blocks import (
    Block,
    clean_inline,
    ends_sentence,
    glue,
    split_sentences,
    strip_number,
)
from .structure import continues, roman_value, title_text
from .unit_headings import (
    RANKS,
    Head,
    annex_word,
    heading_like,
    statute_sections,
    unit_heading,
)

_SUBSECTION = re.compile(r"^\s*\((\d{1,3}[a-z]?)\)\s+(?=\S)")
#: "1 The agreement must be in writing ...": a paragraph of a British schedule (no dot)
_SCHEDULE_PARAGRAPH = re.compile(r"^\s*(\d{1,3})\s+(?=[A-Z])")
_SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


@dataclass
class _Entry:
    kind: str  # lead | letter | roman | bullet | number | plain
    marker: str
    text: str
    page: str


@dataclass
class _Passage:
    base: str  # "art. 9(3)", "section 2.1", "recital 12"
    unit: str  # "art. 9", "section 2.1", "recital 12"
    kind: str
    section: str
    entries: list[_Entry] = field(default_factory=list)


def chunk_legal(blocks: list[Block], title: str, *, max_chars: int = 1200) -> list[Chunk]:
    if unit_heading(title) is not None:
        # the first heading was taken for the title (a PDF lost the real one): it is a unit;
        # the title is then the unpunctuated line the document opens with, if any
        title = _opening_line(blocks)
    builder = _LegalBuilder(title, blocks)
    for block in blocks:
        deadline.check()
        builder.feed(block)
    return builder.chunks(max_chars)


class _LegalBuilder:
    def __init__(self, title: str, blocks: list[Block]):
        self.title = title.casefold()
        self.has_articles = any(
            (b.kind == "heading" or heading_like(b)) and (h := unit_heading(b.text)) and h.kind == "article"
            or inline_article(b)
            for b in blocks
        )
        self.statute_sections = statute_sections(blocks)
        self.stack: list[Head] = []
        self.passages: list[tuple[int, _Passage]] = []  # (order, passage)
        self.footnotes: list[tuple[int, _Passage]] = []
        self.open: _Passage | None = None  # the passage body entries join
        self.last: _Entry | None = None  # the entry a cut sentence would continue
        self.gap = False
        self.page = ""
        self.fresh_head = False  # nothing since the last unit heading (its title may follow)
        self.in_recitals = False

    # --- where we are ------------------------------------------------------------------
    @property
    def section(self) -> str:
        return SECTION_SEPARATOR.join(h.text for h in self.stack)

    def _find(self, *kinds: str) -> Head | None:
        return next((h for h in reversed(self.stack) if h.kind in kinds), None)

    def _unit(self) -> str:
        """The locator of the innermost citable unit: "art. 9", "section 2.1", "annex II"..."""
        annex = self._find("annex")
        annex_label = f"{annex_word(annex)} {annex.number}".strip() if annex else ""
        head = self._find("article", "section", "§", "numbered", "provision")
        if head is not None and (annex is None or self.stack.index(head) > self.stack.index(annex)):
            label = {"article": "art.", "§": "§"}.get(head.kind, "section")
            own = head.number if head.kind == "provision" else f"{label} {head.number}"
            return f"{annex_label}, {own}" if annex_label else own
        if annex_label:
            return annex_label
        if chapter := self._find("chapter"):
            return f"chap. {chapter.number}"
        if part := self._find("title", "part"):
            return f"{part.kind} {part.number}"
        return "preamble" if self.has_articles else ""

    def _numbered_unit(self) -> bool:
        """Numbered paragraphs here are the unit's own paragraphs ("art. 9(3)"), not a list."""
        head = self._find("article", "section", "§", "numbered", "annex", "provision")
        return head is not None and head.kind != "numbered"

    # --- feeding ------------------------------------------------------------------------
    def feed(self, block: Block) -> None:
        if block.kind == "page":
            self.page = block.marker
            return
        if block.kind == "rule":
            self.gap = True
            return
        if block.kind == "footnote":
            note = _Passage(f"footnote {block.marker}", f"footnote {block.marker}", "footnote", self.section)
            note.entries.append(_Entry("plain", "", block.text, self.page))
            self.footnotes.append((block.pos, note))
            self.gap = True
            return
        if block.kind == "heading" or (heading_like(block) and self._heading_candidate(block)):
            self._heading(block)
            return
        self._body(block)

    def _heading_candidate(self, block: Block) -> bool:
        text = clean_inline(block.text)
        if title_text(text).casefold() == self.title:
            return True
        if self.last and not ends_sentence(self.last.text):
            return False  # the rest of a cut sentence
        return (
            unit_heading(text) is not None or (self.fresh_head and text[:1].isupper()) or is_preamble(text)
            or bool(self.has_articles and DIVISION.match(text))
        )

    def _heading(self, block: Block) -> None:
        text = clean_inline(block.text)
        if not text or title_text(block.text).casefold() == self.title:
            return  # the title line (also repeated as a running title) is no heading
        head = unit_heading(text)
        if head is not None and head.kind == "numbered" and text in self.statute_sections:
            head = Head("section", head.number, text, RANKS["section"])  # "1 Setting up a team"
        if (head is None or head.kind == "section") and self.has_articles and (m := DIVISION.match(text)):
            head = Head("division", m.group(1), text, 3)  # "Sección 1.ª", "Seção I": groups articles
        if not self.passages and head is None and not self.stack and not is_preamble(text):
            return  # the lines of the title block (a PDF sets a long title on several lines)
        if head is None and self.fresh_head and self.stack:
            # "Article 9" then "Joint investigations": the article's own title.
            self.stack[-1].text = f"{self.stack[-1].text} – {text}"
            self.fresh_head = False
            return
        if head is None:
            head = Head("plain", "", text, 10 + (block.level or 6))
        while self.stack and self.stack[-1].rank >= head.rank:
            self.stack.pop()
        self.stack.append(head)
        self.fresh_head = head.kind in ("article", "section", "§", "chapter", "part", "title", "annex", "provision", "division") and (
            text.casefold().rstrip(".") == f"{text.split()[0]} {head.number}".casefold()
        )
        self.in_recitals = False
        self.open, self.last, self.gap = None, None, False

    def _body(self, block: Block) -> None:
        text = block.text
        if clean_inline(text).casefold() == self.title:
            return
        if block.entry == "plain" and self._inline_unit(block):
            return
        self.fresh_head = False
        plain = clean_inline(text)
        if self.has_articles and not self._find("article", "annex") and _opens_recitals(plain):
            self.in_recitals = True  # (also when "Whereas:" continues "THE COUNCIL,")
        if self.last and block.entry == "plain" and continues(self.last.text, text, self.gap):
            self.last.text = glue(self.last.text, text)
            self.gap = False
            return
        self.gap = False
        sub = _SUBSECTION.match(text) if block.entry == "plain" else None
        if sub is None and block.entry == "plain" and (annex := self._find("annex")) and annex_word(annex) == "schedule":
            sub = _SCHEDULE_PARAGRAPH.match(text)
        number = block.marker if block.entry == "number" else (sub.group(1) if sub else "")
        unit = self._unit()
        if number and unit == "preamble" and (sub or _numbered_recital(self.in_recitals, block)):
            self._start(f"recital {number}", f"recital {number}", "recital", _Entry("lead", number, text, self.page))
        elif number and self._numbered_unit():
            body = strip_number(text) if block.entry == "number" else text  # "(1) ..." kept as written
            named = (unit.startswith(("annex", "schedule")) and "," not in unit) or PROVISION.match(unit)
            base = f"{unit}, para. {number}" if named else f"{unit}({number})"
            self._start(base, unit, "paragraph", _Entry("lead", number, body, self.page))
        elif block.entry == "item":
            self._item(unit, block)
        elif block.entry in ("bullet", "number") and self.open is not None and self.open.unit == unit:
            self._append(_Entry("bullet" if block.entry == "bullet" else "number", block.marker, text, self.page))
        elif self.open is not None and self.open.unit == unit and _joins(self.open, plain):
            self._append(_Entry("plain", "", text, self.page))
        else:
            kind = "bullet" if block.entry == "bullet" else "plain"
            self._start(unit, unit, "text", _Entry(kind, block.marker, text, self.page))

    def _item(self, unit: str, block: Block) -> None:
        entry = _Entry("letter", block.marker, block.text, self.page)
        opened = self.open if self.open is not None and self.open.unit == unit else None
        if is_inciso(block.marker):
            self._inciso(unit, entry, opened)
            return
        if opened is not None and opened.kind == "inciso":
            self._append(entry)  # alínea "a)" of an inciso
            return
        letters = [e.marker for e in opened.entries if e.kind == "letter"] if opened else []
        if letters and _is_roman_after(block.marker, letters[-1], opened.entries[-1]):
            entry.kind = "roman"
        if opened is not None and (opened.kind == "paragraph" or entry.kind == "roman" or opened.kind == "recital"):
            self._append(entry)
            return
        if opened is not None and opened.kind == "item" and entry.kind == "roman":
            self._append(entry)
            return
        # An item straight under an article or section is cited on its own: "art. 2(b)".
        self._start(f"{unit}({block.marker})", unit, "item", entry)

    def _inciso(self, unit: str, entry: _Entry, opened: _Passage | None) -> None:
        """"I – ..." under a § or "Parágrafo único" stays with it; under the article's own
        text it is cited on its own, like a letter: "art. 2(I)"."""
        entry.kind = "inciso"
        if opened is not None and opened.kind == "paragraph":
            self._append(entry)
        else:
            self._start(f"{unit}({entry.marker})", unit, "inciso", entry)

    def _inline_unit(self, block: Block) -> bool:
        """Units that open inside body text: "Art. 1º Esta Lei ...", "§ 1º ...", "Parágrafo único. ..."

        Returns True when the block was consumed (an article's own title line, as a PDF gives
        "Artículo 2. Definiciones." in body text)."""
        plain = clean_inline(block.text)
        opening = INLINE_ARTICLE.match(plain) or PROVISION.match(plain)
        # "Disposición final segunda. Entrada en vigor." (not "Disposición final de la Ley 1/2000 ...")
        if opening and (opening.re is INLINE_ARTICLE or plain[opening.end() : opening.end() + 1] in (".", ":", "–", "—")):
            head = unit_heading(plain)
            if head is None or head.kind not in ("article", "provision"):
                return False
            label, rest = plain[: opening.end()].strip(), plain[opening.end():].lstrip(".:–—- ")
            title, body = leading_title(rest)
            while self.stack and self.stack[-1].rank >= head.rank:
                self.stack.pop()
            head.text = f"{label} {title}".rstrip(".") if title else label.rstrip(".")
            self.stack.append(head)
            self.open, self.last, self.gap, self.in_recitals = None, None, False, False
            self.fresh_head = False
            if not title and head.kind == "article":
                return False  # "Art. 1º Esta Lei ...": the article's text, a passage of its own
            if body:  # "Artículo 4. Comunicación directa. Las autoridades ...": the rest is its text
                self._start(self._unit(), self._unit(), "text", _Entry("plain", "", body, self.page))
            return True
        article = self._find("article")
        if article is None or self._find("§", "annex") or self._find("provision"):
            return False
        if m := INLINE_PARAGRAPH_SIGN.match(plain):
            base = f"{self._unit()}, § {m.group(1)}"
        elif SOLE_PARAGRAPH.match(plain):
            base = f"{self._unit()}, sole para."
        else:
            return False
        self.fresh_head = False
        self.gap = False
        self._start(base, self._unit(), "paragraph", _Entry("plain", "", block.text, self.page))
        return True

    def _start(self, base: str, unit: str, kind: str, entry: _Entry) -> None:
        self.open = _Passage(base, unit, kind, self.section, [entry])
        self.passages.append((len(self.passages), self.open))
        self.last = entry

    def _append(self, entry: _Entry) -> None:
        assert self.open is not None
        self.open.entries.append(entry)
        self.last = entry

    # --- output -------------------------------------------------------------------------
    def chunks(self, max_chars: int) -> list[Chunk]:
        out: list[Chunk] = []
        ordered = [p for _, p in self.passages]
        # each passage's text cleaned once, not once per footnote and passage (quadratic:
        # chunking the 100-page benchmark PDF took 1.8-2.3 s CPU, now 0.7-0.8; BENCHMARKS.md)
        cleaned: list[list[str]] | None = None
        for _, note in sorted(self.footnotes, key=lambda n: n[0]):
            # a footnote belongs to the section of the passage that refers to it
            mark = note.unit.removeprefix("footnote ").translate(_SUPERSCRIPTS)
            deadline.check()
            if cleaned is None:
                cleaned = [[clean_inline(e.text) for e in passage.entries] for passage in ordered]
            refers = re.compile(rf"(?<![⁰¹²³⁴⁵⁶⁷⁸⁹]){mark}(?![⁰¹²³⁴⁵⁶⁷⁸⁹])")
            for passage, texts in zip(ordered, cleaned):
                if any(refers.search(text) for text in texts):
                    note.section = passage.section
                    break
        for passage in ordered + [n for _, n in sorted(self.footnotes, key=lambda n: n[0])]:
            deadline.check()
            for kind, locator, text, page in _render(passage, max_chars):
                if text:
                    out.append(Chunk(len(out), kind, with_page(locator, page), passage.section, text, page, passage.unit))
        return out


def _opens_recitals(plain: str) -> bool:
    """"Whereas:" (also at the end of "Having regard to ..., Whereas:" as a PDF joins them)."""
    return bool(re.match(r"^whereas\b", plain, re.I) or re.search(r"\bwhereas\s*:$", plain, re.I))


def _numbered_recital(in_recitals: bool, block: Block) -> bool:
    """"1. Victims ..." after "Whereas:": recital (1) as HTML lists and browsers print it."""
    return in_recitals and block.entry == "number"


def _joins(open_passage: _Passage, plain: str) -> bool:
    """Unmarked text joins the open passage after a list (closing words) or a ":" lead-in."""
    last = open_passage.entries[-1]
    return last.kind in ("letter", "roman", "bullet", "number") or clean_inline(last.text).endswith(":")


def _is_roman_after(marker: str, letter: str, previous: _Entry) -> bool:
    """"(i)" after "(h)" is a letter; after "(a)" or "(iii)" it is a roman sub-item."""
    value = roman_value(marker)
    if not value:
        return False
    prev_roman = roman_value(previous.marker) if previous.kind == "roman" else 0
    next_letter = chr(ord(letter) + 1) if len(letter) == 1 else ""
    return value == prev_roman + 1 and (marker != next_letter or prev_roman > 0)


def _display(entry: _Entry) -> str:
    text = clean_inline(entry.text)
    if entry.kind == "bullet":
        return f"• {text}"
    if entry.kind == "lead" and entry.marker and not text.startswith(("(", entry.marker)):
        return f"{entry.marker}. {text}"
    return text


def _render(passage: _Passage, max_chars: int) -> list[tuple[str, str, str, str]]:
    """(kind, locator, text, page): the passage whole, else its lead-in and items apart."""
    entries = passage.entries
    full = " ".join(_display(e) for e in entries)
    if len(full) <= max_chars or len(entries) == 1:
        return _parts(passage.kind, passage.base, full, entries[0].page, max_chars)
    out = _parts(passage.kind, passage.base, _display(entries[0]), entries[0].page, max_chars)
    letter, bullets = "", 0
    group: list[_Entry] = []
    label = ""

    def flush() -> None:
        if group:
            out.extend(_parts("item", label, " ".join(_display(e) for e in group), group[0].page, max_chars))

    for entry in entries[1:]:
        if entry.kind == "letter":
            flush()
            letter, group, label = entry.marker, [entry], f"{passage.base}({entry.marker})"
        elif entry.kind == "roman" and letter and len(" ".join(_display(e) for e in [*group, entry])) > max_chars:
            flush()
            group, label = [entry], f"{passage.base}({letter})({entry.marker})"
        elif entry.kind in ("bullet", "number") and not group:
            bullets += 1
            out.extend(_parts("item", f"{passage.base}, bullet {bullets}", _display(entry), entry.page, max_chars))
        else:
            if not group:
                group, label = [entry], passage.base
            else:
                group.append(entry)
    flush()
    return out


def _parts(kind: str, label: str, text: str, page: str, max_chars: int) -> list[tuple[str, str, str, str]]:
    """The text whole, or (if longer than 2 * max_chars) cut at sentence ends into parts."""
    if len(text) <= 2 * max_chars:
        return [(kind, label, text, page)]
    parts: list[str] = []
    current = ""
    for sentence in split_sentences(text):
        if current and len(current) + 1 + len(sentence) > max_chars:
            parts.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}" if current else sentence
    if current:
        parts.append(current)
    if len(parts) == 1:
        return [(kind, label, text, page)]
    return [(kind, f"{label} (part {i})", p, page) for i, p in enumerate(parts, 1)]


def _opening_line(blocks: list[Block]) -> str:
    """"Ley 7/2025, de 14 de marzo, de ..." printed before the first heading, as a PDF gives it."""
    for block in blocks:
        if block.kind == "heading":
            return ""
        if block.kind == "body":
            text = clean_inline(block.text)
            plain_line = block.entry == "plain" and len(text) <= 200 and not re.search(r"[.:;,]$", text)
            return text if plain_line and unit_heading(text) is None else ""
    return ""
