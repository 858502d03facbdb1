"""Which sentences an extractive answer quotes, for the kind of question asked."""

from __future__ import annotations

from tests.tiny_kb import tiny_answer_service

WHY_PASSAGES = [
    ("para. 4", "Background",
     ("Trafficking in persons is investigated across borders by joint teams of prosecutors. "
      "Prosecutors investigate trafficking in persons across borders with partner countries. "
      "Trafficking is hard to investigate across borders because victims, witnesses and evidence "
      "are located in several countries.")),
    ("para. 9", "Training",
     "Prosecutors receive training on how trafficking in persons is investigated."),
]


def test_a_why_question_quotes_the_sentence_that_gives_the_reason(tmp_path, fake_embedder):
    service = tiny_answer_service(tmp_path, fake_embedder, WHY_PASSAGES)
    answer = service.answer("Why is trafficking in persons hard to investigate across borders?")
    assert not answer.abstained
    assert "because victims, witnesses and evidence are located in several countries" in answer.answer


PURPOSE_PASSAGES = [
    ("paragraph 5", "Background",
     ("Many states have not brought their national legislation in line with the Palermo Protocols. "
      "Judges in many states rarely apply the Palermo Protocols.")),
    ("paragraph 1", "Background",
     ("The Protocols lay a comprehensive framework for criminalizing migrant smuggling "
      "and trafficking in persons.")),
]


def test_a_what_for_question_quotes_what_the_thing_does(tmp_path, fake_embedder):
    service = tiny_answer_service(tmp_path, fake_embedder, PURPOSE_PASSAGES)
    answer = service.answer("What are the Palermo Protocols for?")
    assert not answer.abstained
    assert "lay a comprehensive framework for criminalizing" in answer.answer
