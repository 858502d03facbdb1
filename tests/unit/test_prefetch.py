"""A cold `jitbot ask` embeds the likely answer sentences while Chroma loads (retrieval/prefetch.py)."""

from __future__ import annotations

from retrieval.prefetch import embed_likely_sentences
from tests.fakes import HashingEmbedder
from tests.tiny_kb import tiny_answer_service


def test_sentences_embedded_ahead_are_not_embedded_again_by_the_answer(tmp_path):
    embedder = HashingEmbedder()
    service = tiny_answer_service(tmp_path, embedder)
    question = "Where are integrated joint investigations located?"
    ahead = embed_likely_sentences(question, service.searcher.lexical, service.lookup, service.sentence_vectors)
    assert ahead == 4  # the quotable sentences of the three passages BM25 found (2 + 1 + 1)
    calls = embedder.calls
    answer = service.answer(question)
    assert "usually located in the State of operation" in answer.answer
    assert embedder.calls == calls + 1  # only the question was embedded


def test_a_question_not_in_english_is_left_to_the_answer(tmp_path):
    embedder = HashingEmbedder()
    service = tiny_answer_service(tmp_path, embedder)
    calls = embedder.calls
    question = "¿Dónde suelen ubicarse las investigaciones conjuntas integradas?"
    assert embed_likely_sentences(question, service.searcher.lexical, service.lookup, service.sentence_vectors) == 0
    assert embedder.calls == calls
