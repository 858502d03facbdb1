"""The core answer service over a tiny catalogue, with a fake embedder and real Chroma."""

from __future__ import annotations

import pytest

from retrieval.answer import QuestionError
from tests.tiny_kb import tiny_answer_service


@pytest.fixture
def service(tmp_path, fake_embedder):
    return tiny_answer_service(tmp_path, fake_embedder)


def test_answer_quotes_the_best_passage_with_its_citation(service):
    answer = service.answer("Where are integrated joint investigations located?")
    assert not answer.abstained
    top = answer.citations[0]
    assert top.locator == "para. 18" and top.title == "Background paper"
    assert "usually located in the State of operation" in answer.answer
    assert "[1]" in answer.answer
    # every quoted sentence is verbatim from the passage it cites
    for sentence, rank in answer.sentences:
        assert sentence in answer.citations[rank - 1].text


def test_unrelated_question_abstains_without_citations(service):
    answer = service.answer("How tall is Mount Everest?")
    assert answer.abstained
    assert answer.citations == []
    assert "could not find" in answer.answer


def test_json_has_the_documented_shape(service):
    data = service.answer("legal basis where laws are missing").to_json()
    assert set(data) == {"question", "answer", "abstained", "outcome", "citations", "contacts"}
    assert set(data["citations"][0]) == {"rank", "document_id", "title", "locator", "text", "score"}
    assert data["contacts"] == []


def test_bad_questions_are_refused_clearly(service):
    with pytest.raises(QuestionError, match="empty"):
        service.answer("   ")
    with pytest.raises(QuestionError, match="characters long"):
        service.answer("x" * 201)


def test_html_in_a_question_is_just_text(service):
    answer = service.answer("<b>legal basis</b> <script>alert(1)</script> where laws are missing?")
    assert answer.question.startswith("<b>legal basis</b>")
    assert not answer.abstained
