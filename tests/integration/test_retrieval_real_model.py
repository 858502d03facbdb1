"""The real model and real Chroma over the bundled sample knowledge base."""

from __future__ import annotations

import pytest

from knowledge.catalogue import Catalogue
from knowledge.ingest import KnowledgeBase
from knowledge.samples import sample_documents
from retrieval.answer import AnswerConfig, AnswerService
from retrieval.dense_index import DenseIndex
from retrieval.lexical_index import LexicalIndex
from retrieval.search import HybridSearcher

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sample_kb(tmp_path_factory, real_embedder):
    root = tmp_path_factory.mktemp("kb")
    catalogue = Catalogue(root / "catalogue.db")
    dense = DenseIndex(real_embedder, path=root / "chroma")
    lexical = LexicalIndex(root / "bm25")
    kb = KnowledgeBase(catalogue, dense, lexical)
    for sample in sample_documents():
        result = kb.add_file(sample.path, title=sample.title, metadata=sample.metadata)
        assert result.status == "added", result.reason
    searcher = HybridSearcher(real_embedder, dense, lexical)
    service = AnswerService(searcher, catalogue.served_passages, AnswerConfig())
    return kb, service, root


def test_answer_cites_the_paragraph_that_says_it(sample_kb):
    _, service, _ = sample_kb
    answer = service.answer("What can be used as a legal basis for joint investigations where national law is missing?")
    assert not answer.abstained
    top = answer.citations[0]
    assert top.locator == "para. 10"
    assert "invoked as a legal basis" in top.text
    assert "[1]" in answer.answer


def test_out_of_scope_question_abstains(sample_kb):
    _, service, _ = sample_kb
    for question in ("Which football club won the 1998 Champions League?",
                     "Give me a recipe for banana bread."):
        answer = service.answer(question)
        assert answer.abstained, (question, answer.citations[:1])
        assert answer.citations == []


def test_footnote_is_citable_on_its_own(sample_kb):
    _, service, _ = sample_kb
    answer = service.answer("Which model agreement for setting up a joint investigation team was adopted in 2017?")
    locators = [c.locator for c in answer.citations]
    assert "footnote 11" in locators


def test_readding_an_unchanged_file_changes_nothing(sample_kb):
    kb, _, _ = sample_kb
    before = kb.catalogue.passage_count(), kb.dense.count(), len(kb.lexical)
    sample = sample_documents()[0]
    result = kb.add_file(sample.path, title=sample.title)
    assert result.status == "unchanged"
    assert (kb.catalogue.passage_count(), kb.dense.count(), len(kb.lexical)) == before


def test_indexes_survive_a_restart(sample_kb, real_embedder):
    _, _, root = sample_kb
    catalogue = Catalogue(root / "catalogue.db")
    dense = DenseIndex(real_embedder, path=root / "chroma")
    lexical = LexicalIndex(root / "bm25")
    service = AnswerService(HybridSearcher(real_embedder, dense, lexical), catalogue.served_passages)
    answer = service.answer("Where are integrated joint investigations usually located?")
    assert "usually located in the State of operation" in answer.citations[0].text
