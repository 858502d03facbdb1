"""Real document kinds keep their structure in every format (tests/fixtures/structure).

The fixtures are our own texts rendered by scripts/make_structure_fixtures.py: .md, .html
(<ol> numbering), .docx (heading styles, Word automatic numbering) and .pdf (reportlab
layout with running header, page footers and, for the treaty, a cover page labelled "i").
"""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.chunking import chunk_text
from knowledge.loaders import load_document
from knowledge.markdown_blocks import parse_blocks
from knowledge.unit_headings import is_legal
from retrieval.structure_eval import (
    FORMATS,
    FormatFigures,
    bare_locator,
    check_document,
    locator_matches,
)

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "structure"
NAMES = ["treaty", "law", "guide", "report", "regulation"]


def _chunks(name: str, fmt: str):
    return chunk_text(load_document(CORPUS / f"{name}.{fmt}").text)


def test_treaty_passages_are_cited_by_article_paragraph_and_item():
    locators = [c.locator for c in _chunks("treaty", "md")]
    assert locators == [
        "preamble", "art. 1(1)", "art. 1(2)", "art. 2", "art. 2(a)", "art. 2(b)", "art. 2(c)", "art. 2(d)",
        "art. 3(1)", "art. 3(2)", "art. 4(1)", "art. 4(2)", "art. 4(3)", "art. 4(4)",
        "art. 5(1)", "art. 5(2)", "art. 5(3)", "art. 5(4)", "art. 6", "art. 6(a)", "art. 6(b)", "art. 6(c)",
        "art. 7(1)", "art. 7(2)", "art. 8(1)", "art. 8(2)",
        "annex II, para. 1", "annex II, para. 2", "annex II, para. 3", "annex II, para. 4",
        "footnote 1", "footnote 2",
    ]
    chunks = {c.locator: c for c in _chunks("treaty", "md")}
    # the article's items stay with the paragraph that introduces them; headings make the path
    assert chunks["art. 4(2)"].text.startswith("2. The agreement setting up the team shall specify: (a) the purpose")
    assert chunks["art. 4(2)"].section == "Chapter II – Joint investigation teams › Article 4 – Setting up a team"
    assert "(ii) a number of States Parties" in chunks["art. 4(3)"].text
    assert chunks["footnote 1"].section.endswith("Article 5 – Operation of the team")


def test_law_sections_recitals_and_numbered_headings():
    law = [c.locator for c in _chunks("law", "md")]
    assert law[:6] == ["section 1(1)", "section 1(2)", "section 2", "section 2(a)", "section 2(b)", "section 2(c)"]
    assert "section 4(3)" in law and "section 6(3)" in law
    regulation = [c.locator for c in _chunks("regulation", "md")]
    assert regulation[:8] == ["preamble", *(f"recital {i}" for i in range(1, 7)), "preamble"]
    assert regulation[-1] == "art. 6" and "art. 2(c)" in regulation
    guide = {c.locator: c for c in _chunks("guide", "md")}
    assert guide["section 2.3"].section == "2. Planning the investigation › 2.3 Indicators in financial data"
    assert "• many small cash deposits" in guide["section 2.3"].text  # the bullets stay with their lead-in


def test_report_keeps_global_paragraphs_and_footnotes():
    locators = [c.locator for c in _chunks("report", "docx")]  # Word numbering runs on across headings
    assert locators == [f"para. {i}" for i in range(1, 16)] + [f"footnote {i}" for i in range(1, 5)]


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_gives_the_reference_locators(fmt):
    figures = FormatFigures(fmt)
    for name in NAMES:
        check_document(CORPUS, name, fmt, figures)
    assert figures.wrong == []
    assert figures.passages >= 95 and figures.locator_ok == figures.passages
    assert figures.crossing == 0 and figures.heading_only == 0


def test_pdf_passages_carry_the_printed_page_label():
    treaty = {bare_locator(c.locator): c for c in _chunks("treaty", "pdf")}
    assert treaty["art. 4(2)"].locator == "art. 4(2), p. 2"
    assert treaty["art. 1(1)"].page == "1"  # the cover is page "i": the body starts at 1
    assert [c.locator for c in _chunks("treaty", "pdf")][0] == "preamble, p. i"
    law = {bare_locator(c.locator): c.locator for c in _chunks("law", "pdf")}
    assert law["section 4(3)"] == "section 4(3), p. 2"
    assert not any("Page" in c.text or c.text.startswith("International Criminal") for c in _chunks("law", "pdf"))


def test_word_automatic_numbering_is_computed():
    text = load_document(CORPUS / "treaty.docx").text
    assert "(b) the period for which it is set up" in text
    assert "(ii) a number of States Parties" in text
    assert "4. The costs of the team" in text  # the annex restarts at 1
    assert "- tax and social security authorities;" in load_document(CORPUS / "guide.docx").text


def test_seed_paper_stays_a_paragraph_numbered_document():
    seed = (Path(__file__).resolve().parents[2] / "knowledge" / "samples" / "best-practices-joint-investigations.md")
    assert not is_legal(parse_blocks(seed.read_text(encoding="utf-8")))


def test_locator_matching_for_questions():
    assert locator_matches("art. 4(2)(b), p. 2", "art. 4(2)")
    assert not locator_matches("art. 4(3)", "art. 4(2)")
    assert not locator_matches("section 2.10", "section 2.1")
