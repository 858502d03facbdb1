"""A Spanish, French or Portuguese question gets the lower relevance floor only when it uses
the field's terms: the multilingual model puts recipes close to on-topic questions."""

from __future__ import annotations

from dataclasses import replace

from tests.tiny_kb import tiny_answer_service


def test_a_foreign_question_without_terms_of_the_field_needs_the_english_floor(tmp_path, fake_embedder):
    service = tiny_answer_service(tmp_path, fake_embedder)
    # Any foreign question clears its floor here; an English one would need 0.99.
    service.config = replace(service.config, min_relevance=0.99, min_relevance_foreign=0.0,
                             lexical_rescue=1.1)
    off_topic = service.answer("¿Cómo se prepara una paella valenciana?")
    assert off_topic.abstained and off_topic.outcome == "not_found"
    on_topic = service.answer("¿Dónde se ubican las investigaciones conjuntas integradas?")
    assert not on_topic.abstained
