"""A question naming a unit ("according to the recitals") is not refused for the extra words
when a close passage is in that unit (issue 10: such questions fell under the floor)."""

from __future__ import annotations

from dataclasses import replace

from retrieval.glossary import expand_query
from tests.tiny_kb import tiny_answer_service

QUESTION = "Who operates the collaboration platform according to the recitals?"


def _service(tmp_path, embedder, locator):
    passages = [(locator, "Recitals",
                 "The Agency should operate the collaboration platform for joint teams."),
                ("art. 9", "Final provisions", "This Regulation enters into force on the twentieth day.")]
    service = tiny_answer_service(tmp_path, embedder, passages)
    best = service.searcher.search(expand_query(QUESTION), 5).best_similarity
    # The closest passage sits just under the floor, and no lexical rescue.
    service.config = replace(service.config, min_relevance=best + 0.01, lexical_rescue=1.1)
    return service


def test_a_question_naming_the_recitals_is_answered_from_a_recital(tmp_path, fake_embedder):
    answer = _service(tmp_path, fake_embedder, "recital 4").answer(QUESTION)
    assert not answer.abstained
    assert answer.citations[0].locator == "recital 4"


def test_the_same_closeness_without_the_named_unit_is_still_refused(tmp_path, fake_embedder):
    assert _service(tmp_path, fake_embedder, "art. 4").answer(QUESTION).abstained


def test_passages_in_the_named_unit_are_cited_first(tmp_path, fake_embedder):
    passages = [("art. 3(1)", "Platform", "A collaboration platform shall be established for joint teams."),
                ("recital 4", "Recitals", "The platform should be operated by the Agency.")]
    service = tiny_answer_service(tmp_path, fake_embedder, passages)
    answer = service.answer("What does the collaboration platform do according to the recitals?")
    assert answer.citations[0].locator == "recital 4"
