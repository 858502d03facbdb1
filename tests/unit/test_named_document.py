"""A question naming a document by its title reads that document, not its title's words."""

from __future__ import annotations

from retrieval.named_document import named_document
from tests.fakes import HashingEmbedder
from tests.tiny_kb import tiny_answer_service

TITLES = {
    "code": "Criminal Investigations (International Cooperation) Act 2025",
    "ley": "Ley 7/2025, de 14 de marzo, de cooperación jurídica internacional en materia penal",
    "paper": "Best practices in joint investigations and specialized prosecutions",
    "regulation": "Regulation on the Exchange of Case Information between Joint Investigation Teams",
}


def test_the_title_words_leave_the_query_and_the_kind_of_document_stays():
    named = named_document("When does the International Cooperation Act come into operation?", TITLES)
    assert named is not None and named.document_id == "code"
    assert named.query == "When does the Act come into operation?"
    named = named_document("¿Cuándo entra en vigor la ley de cooperación jurídica internacional en materia penal?", TITLES)
    assert named is not None and named.document_id == "ley"
    assert named.query == "¿Cuándo entra en vigor la ley?"


def test_the_subject_stays_when_it_also_opens_the_title():
    titles = {"tip": "Protocol to Prevent, Suppress and Punish Trafficking in Persons (Trafficking in Persons Protocol)"}
    named = named_document("What does trafficking in persons in the Trafficking in Persons Protocol cover?", titles)
    assert named is not None and named.document_id == "tip"
    assert named.query == "What does trafficking in persons in the Protocol cover?"


def test_words_a_title_shares_with_the_subject_do_not_name_its_document():
    # No kind of document among them: "joint investigations" is what the question is about.
    assert named_document("Where are integrated joint investigations usually located?", TITLES) is None
    assert named_document("Which data may joint investigation teams exchange?", TITLES) is None
    # A kind alone ("the Regulation") does not say which regulation either.
    assert named_document("What does the Regulation say about retention?", TITLES) is None


PASSAGES = [
    ("section 1(1)", "Section 1 – Short title",
     "This Act may be cited as the Criminal Investigations (International Cooperation) Act 2025."),
    ("section 10", "Section 10 – Commencement",
     "This Act comes into operation on the first day of January 2026."),
]
QUESTION = "When does the International Cooperation Act come into operation?"


def test_the_answer_cites_what_the_named_act_says_not_its_short_title(tmp_path):
    title = TITLES["code"]
    service = tiny_answer_service(tmp_path / "named", HashingEmbedder(), PASSAGES, title=title,
                                  document_titles=lambda scope: {"paper": title})
    answer = service.answer(QUESTION)
    assert answer.citations[0].locator == "section 10"
    assert "first day of January 2026" in answer.answer
    # The same knowledge base without the titles: the short title's words win.
    plain = tiny_answer_service(tmp_path / "plain", HashingEmbedder(), PASSAGES, title=title)
    assert plain.answer(QUESTION).citations[0].locator == "section 1(1)"
