"""How well each file format keeps a document's structure: locators, unit boundaries, pages.

The Markdown rendering of a document is the reference (its locators are checked by hand in
tests/unit/test_structure_corpus.py); every other format's passages are matched to the
reference passage they share most text with. For each format:

* locator_ok — share of passages whose locator (page left aside) is the reference's;
* crossing — passages holding text of two different units (articles, sections, recitals);
* heading_only — passages that are only a heading;
* page_ok — (PDF) share of passages whose page label names the page their text starts on;
* missing — reference passages whose text no passage of the format holds (half their words
  or more lost: a footnote python-docx does not read, a list a converter dropped).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from knowledge.chunking import chunk_text
from knowledge.document_model import Chunk
from knowledge.loaders import load_document
from knowledge.markdown_blocks import parse_blocks

FORMATS = ("md", "html", "docx", "pdf")
# The held-out corpus also has LibreOffice renderings: "NAME.lo.docx", "NAME.lo.pdf".
HELDOUT_FORMATS = (*FORMATS, "lo.docx", "lo.pdf")


def bare_locator(locator: str) -> str:
    return re.sub(r", p\. [^,]+$", "", locator)


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", text.casefold())  # "cooperação" one word, not "coopera" + "o"


def _grams(text: str, n: int = 6) -> set[tuple[str, ...]]:
    words = _words(text)
    return {tuple(words[i : i + n]) for i in range(max(1, len(words) - n + 1))}


@dataclass
class FormatFigures:
    fmt: str
    passages: int = 0
    locator_ok: int = 0
    crossing: int = 0
    heading_only: int = 0
    pages_checked: int = 0
    page_ok: int = 0
    missing: int = 0
    wrong: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)  # the missing reference passages

    def as_dict(self) -> dict:
        return {
            "format": self.fmt,
            "passages": self.passages,
            "locator_ok": round(self.locator_ok / self.passages, 3) if self.passages else None,
            "crossing": self.crossing,
            "heading_only": self.heading_only,
            "page_ok": round(self.page_ok / self.pages_checked, 3) if self.pages_checked else None,
            "missing": self.missing,
        }


def reference_chunks(folder: Path, name: str) -> list[Chunk]:
    return chunk_text(load_document(folder / f"{name}.md").text)


def _headings(markdown: str) -> set[str]:
    return {" ".join(_words(b.text)) for b in parse_blocks(markdown) if b.kind == "heading"}


def check_document(folder: Path, name: str, fmt: str, figures: FormatFigures) -> None:
    reference = reference_chunks(folder, name)
    ref_grams = [(_grams(c.text), c) for c in reference]
    headings = _headings((folder / f"{name}.md").read_text(encoding="utf-8"))
    loaded = load_document(folder / f"{name}.{fmt}")
    chunks = chunk_text(loaded.text)
    page_texts = _pdf_pages(folder / f"{name}.{fmt}") if fmt.endswith("pdf") else {}
    held = [_grams(c.text) for c in chunks]
    for grams, ref in ref_grams:
        if not any(len(grams & h) * 2 >= len(grams) for h in held):
            figures.missing += 1
            figures.lost.append(f"{name}.{fmt}: {ref.locator!r} missing: {ref.text[:60]}")
    for chunk in chunks:
        figures.passages += 1
        grams = _grams(chunk.text)
        best = max(ref_grams, key=lambda r: (len(grams & r[0]), len(grams & r[0]) / max(1, len(r[0]))))[1]
        if not any(grams & g for g, _ in ref_grams):  # a few words (a table cell): the passage holding them
            words = " ".join(_words(chunk.text))
            best = next((r for g, r in ref_grams if words in " ".join(_words(r.text))), best)
        if bare_locator(chunk.locator) == bare_locator(best.locator):
            figures.locator_ok += 1
        else:
            figures.wrong.append(f"{name}.{fmt}: {chunk.locator!r} (expected {best.locator!r}): {chunk.text[:60]}")
        # a unit counts when the passage holds a good part of one of its passages (also in a
        # "footnote" that is really body text: a numbered heading read as a note mark)
        units = {
            r.unit for g, r in ref_grams
            if r.kind != "footnote" and len(grams & g) >= max(2, min(5, len(g) // 2))
        }
        if len(units) > 1:
            figures.crossing += 1
            figures.wrong.append(f"{name}.{fmt}: {chunk.locator!r} crosses {sorted(units)}")
        if " ".join(_words(chunk.text)) in headings:
            figures.heading_only += 1
            figures.wrong.append(f"{name}.{fmt}: heading-only passage {chunk.text!r}")
        if page_texts:
            figures.pages_checked += 1
            start = " ".join(_words(chunk.text))[:40]
            if start and start in page_texts.get(chunk.page, ""):
                figures.page_ok += 1
            else:
                figures.wrong.append(f"{name}.{fmt}: {chunk.locator!r} not found on page {chunk.page!r}")


def _pdf_pages(path: Path) -> dict[str, str]:
    """Page label -> the page's words (with the first lines of the next page, where a passage may end)."""
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    labels = list(reader.page_labels)
    return {label: " ".join(_words(page.extract_text() or "")) for label, page in zip(labels, reader.pages)}


def structure_figures(
    folder: Path, names: Sequence[str], formats: Sequence[str] = FORMATS
) -> tuple[list[FormatFigures], list[str]]:
    """Figures per format ("md", "pdf", "lo.docx": the file NAME.<format>) over the documents."""
    out, problems = [], []
    for fmt in formats:
        figures = FormatFigures(fmt)
        for name in names:
            check_document(folder, name, fmt, figures)
        out.append(figures)
        problems.extend(figures.wrong + figures.lost)
    return out, problems


@dataclass
class QuestionFigures:
    fmt: str
    n: int = 0
    top1: int = 0
    top5: int = 0
    unit_named: int = 0
    misses: list[str] = field(default_factory=list)  # questions not answered first by the right unit

    def as_dict(self) -> dict:
        n = max(1, self.n)
        return {"format": self.fmt, "questions": self.n, "hit@1": round(self.top1 / n, 3),
                "hit@5": round(self.top5 / n, 3), "locator_names_unit": round(self.unit_named / n, 3)}


def locator_matches(locator: str, expected: str) -> bool:
    """"art. 4(2)(b), p. 2" answers "art. 4(2)"; "art. 4(3)" does not; "section 2.1" != "section 2.10"."""
    bare = bare_locator(locator)
    return bare == expected or (bare.startswith(expected) and bare[len(expected)] in "(,")


def _unit(expected: str) -> str:
    """The article, section or recital a locator names ("art. 4(2)" -> "art. 4")."""
    return re.split(r"\(|, para|, §|, sole para", expected)[0]


def question_figures(
    fmt: str, questions: list[dict], ask: Callable[[str], list[tuple[str, str]]]
) -> QuestionFigures:
    """`ask(question)` -> ranked (document file stem, locator) pairs."""
    figures = QuestionFigures(fmt)
    for item in questions:
        figures.n += 1
        ranked = ask(item["question"])[:5]
        hits = [i for i, (doc, loc) in enumerate(ranked) if doc == item["doc"] and locator_matches(loc, item["locator"])]
        figures.top5 += bool(hits)
        figures.top1 += bool(hits and hits[0] == 0)
        named = bool(ranked) and ranked[0][0] == item["doc"] and locator_matches(ranked[0][1], _unit(item["locator"]))
        figures.unit_named += named
        if not (hits and hits[0] == 0 and named):
            got = ", ".join(f"{doc} {loc}" for doc, loc in ranked[:3])
            figures.misses.append(f"{fmt}: {item['question']} (want {item['doc']} {item['locator']}; got {got})")
    return figures
