"""Laws in Spanish, French and Portuguese keep their units in every format (#10).

tests/fixtures/structure_intl holds our own texts rendered by
`scripts/make_structure_fixtures.py tests/fixtures/structure_intl`: a Spanish ley (títulos,
"Artículo 1.º", "Artículo 5 bis", "a)" letters, disposiciones), a French convention ("Article
premier", alinéas, "Annexe") and a Brazilian lei (inline "Art. 1º", "§ 1º", "Parágrafo único",
incisos "I –" with alíneas). Locators are the canonical short forms the English corpus uses.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from knowledge.chunking import chunk_text
from knowledge.loaders import load_document
from retrieval.structure_eval import (
    FORMATS,
    FormatFigures,
    bare_locator,
    check_document,
    locator_matches,
)

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "structure_intl"
NAMES = ["ley", "convention", "lei"]


def _chunks(name: str, fmt: str):
    return chunk_text(load_document(CORPUS / f"{name}.{fmt}").text)


def test_spanish_law_articles_bis_letters_and_disposiciones():
    locators = [c.locator for c in _chunks("ley", "md")]
    assert locators == [
        "preamble", "preamble", "art. 1(1)", "art. 1(2)", "art. 2", "art. 2(a)", "art. 2(b)", "art. 2(c)",
        "art. 3(1)", "art. 3(2)", "art. 3(3)", "art. 4", "art. 5(1)", "art. 5(2)", "art. 5(3)",
        "art. 5 bis(1)", "art. 5 bis(2)", "art. 6(1)", "art. 6(2)", "art. 7", "art. 7(a)", "art. 7(b)", "art. 7(c)",
        "disposición adicional primera, para. 1", "disposición adicional primera, para. 2",
        "disposición adicional segunda", "disposición final primera", "disposición final segunda",
    ]
    chunks = {c.locator: c for c in _chunks("ley", "md")}
    assert chunks["art. 5(2)"].text.startswith("2. El acuerdo de constitución deberá especificar: a) el objeto")
    assert chunks["art. 5(2)"].section == (
        "TÍTULO II. Equipos conjuntos de investigación › CAPÍTULO I. Constitución › Artículo 5. Acuerdo de constitución."
    )
    assert chunks["disposición final segunda"].section == "Disposición final segunda. Entrada en vigor."


def test_french_convention_article_premier_and_annexe():
    locators = [c.locator for c in _chunks("convention", "md")]
    assert locators[:8] == ["preamble", "art. 1(1)", "art. 1(2)", "art. 2", "art. 2(a)", "art. 2(b)", "art. 2(c)", "art. 3(1)"]
    assert locators[-5:] == ["art. 9", "annex, para. 1", "annex, para. 2", "annex, para. 3", "annex, para. 4"]
    chunks = {c.locator: c for c in _chunks("convention", "md")}
    assert "d) le délai dans lequel l'exécution est souhaitée." in chunks["art. 4(1)"].text
    assert chunks["art. 1(1)"].section.endswith("Article premier – Objet")


def test_brazilian_law_inline_articles_paragraphs_and_incisos():
    locators = [c.locator for c in _chunks("lei", "md")]
    assert locators == [
        "preamble", "preamble", "art. 1", "art. 2", "art. 2(I)", "art. 2(II)", "art. 2(III)", "art. 3",
        "art. 3, sole para.", "art. 4", "art. 4(I)", "art. 4(II)", "art. 4(III)", "art. 4, § 1", "art. 4, § 2",
        "art. 5", "art. 5(I)", "art. 5(II)", "art. 5(III)", "art. 5, sole para.", "art. 6", "art. 6, § 1",
        "art. 6, § 2", "art. 7", "art. 8", "art. 9", "art. 10", "art. 10(I)", "art. 10(II)", "art. 10(III)",
        "art. 11", "art. 12", "art. 13",
    ]
    chunks = {c.locator: c for c in _chunks("lei", "md")}
    assert chunks["art. 4(II)"].text.endswith("a) a data e o local em que ocorreram; b) a sua qualificação jurídica e as penas previstas;")
    assert chunks["art. 6, § 1"].text.endswith("III – a composição da equipe e o nome do seu coordenador em cada Estado.")
    assert chunks["art. 10(II)"].section == "CAPÍTULO III – DAS EQUIPES CONJUNTAS DE INVESTIGAÇÃO › Art. 10"


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_gives_the_reference_locators(fmt):
    figures = FormatFigures(fmt)
    for name in NAMES:
        check_document(CORPUS, name, fmt, figures)
    assert figures.wrong == []
    assert figures.passages >= 85 and figures.locator_ok == figures.passages
    assert figures.crossing == 0 and figures.heading_only == 0


def test_word_numbering_gives_letters_with_a_parenthesis_and_incisos():
    ley = load_document(CORPUS / "ley.docx").text
    assert "b) el período por el que se constituye" in ley
    lei = load_document(CORPUS / "lei.docx").text
    assert "III – a indicação precisa das diligências solicitadas." in lei  # after alíneas a), b)
    assert "I – a finalidade da equipe;" in lei  # restarted under § 1º


def test_pdf_passages_carry_their_page_and_no_title_line():
    lei = {bare_locator(c.locator): c for c in _chunks("lei", "pdf")}
    assert lei["art. 4(II)"].locator.startswith("art. 4(II), p. ")
    ley = _chunks("ley", "pdf")
    assert not any(c.text.startswith("Ley 7/2025") for c in ley)
    assert [c.section for c in ley][:2] == ["Preámbulo", "Preámbulo"]


def test_questions_name_passages_of_the_corpus():
    questions = [json.loads(line) for line in (CORPUS / "questions.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(questions) >= 30
    english = [q for q in questions if q["question"].startswith(("Who", "What", "Under", "According"))]
    assert len(english) >= 5 and {q["doc"] for q in english} == set(NAMES)
    locators = {name: [c.locator for c in _chunks(name, "md")] for name in NAMES}
    for q in questions:
        assert any(locator_matches(loc, q["locator"]) for loc in locators[q["doc"]]), q
