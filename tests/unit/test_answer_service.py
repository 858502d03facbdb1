"""The core answer service over a tiny catalogue, with a fake embedder and real Chroma."""

from __future__ import annotations

import pytest

from knowledge.catalogue import Catalogue, NewPassage
from retrieval.answer import AnswerConfig, AnswerService, QuestionError
from retrieval.dense_index import DenseIndex
from retrieval.lexical_index import LexicalIndex
from retrieval.search import HybridSearcher

PASSAGES = [
    ("para. 10", "Legal frameworks",
     "Most countries have adopted legislation allowing joint investigations. Where such laws are "
     "missing, ratified international instruments can be invoked as a legal basis."),
    ("para. 18", "Types of joint investigations",
     "Integrated joint investigations are usually located in the State of operation."),
    ("footnote 13", "Types of joint investigations",
     "Cooperation with non-governmental organizations helped refer cases of trafficking."),
]


@pytest.fixture
def service(tmp_path, fake_embedder):
    catalogue = Catalogue(tmp_path / "catalogue.db")
    doc_id, version, records = catalogue.begin_version(
        document_id=None, id_hint="paper", title="Background paper", source="paper.md",
        filename="paper.md", fmt="md", content_hash="h1", pages=None,
        passages=[NewPassage(i, "paragraph", loc, sec, text) for i, (loc, sec, text) in enumerate(PASSAGES)],
    )
    dense = DenseIndex(fake_embedder, path=tmp_path / "chroma")
    dense.add([r.id for r in records], [r.index_text for r in records], [{"v": 1}] * len(records))
    lexical = LexicalIndex(tmp_path / "bm25")
    lexical.build([r.id for r in records], [r.index_text for r in records])
    catalogue.activate_version(doc_id, version)
    searcher = HybridSearcher(fake_embedder, dense, lexical)
    config = AnswerConfig(top_k=3, min_relevance=0.3, lexical_rescue=0.55, max_question_chars=200)
    return AnswerService(searcher, catalogue.served_passages, config)


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
    assert set(data) == {"question", "answer", "abstained", "citations", "contacts"}
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
