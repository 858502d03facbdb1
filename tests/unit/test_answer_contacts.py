"""Contacts in answers: contact questions, mixed questions, and questions about neither."""

from __future__ import annotations

import json

import pytest

from bot.render import render_plain
from tests.contact_rows import directory
from tests.tiny_kb import tiny_answer_service

PASSAGES = [
    ("para. 10", "Legal frameworks",
     ("Most countries have adopted legislation allowing joint investigations. Where such laws "
      "are missing, ratified international instruments can be invoked as a legal basis.")),
    ("para. 18", "Types of joint investigations",
     "Integrated joint investigations are usually located in the State of operation."),
    ("para. 49", "Examples",
     "A joint investigation between Malawi and Zambia led to the prosecution of four traffickers."),
]


@pytest.fixture
def service(tmp_path, fake_embedder):
    return tiny_answer_service(tmp_path, fake_embedder, PASSAGES, max_question_chars=300,
                               contact_finder=directory().for_question)


def test_a_contact_question_gets_contacts_and_quotes_no_passage(service):
    answer = service.answer("Who is the JIT national expert in the Netherlands?")
    assert not answer.abstained
    assert answer.citations == [] and answer.sentences == []
    assert [c["id"] for c in answer.contacts] == ["cp-022"]
    assert answer.answer == "1 contact point on file for the Netherlands."
    text = render_plain(answer)
    assert "Contact points:" in text and "Pieter van Dalsum" in text and "Sources:" not in text


def test_json_contacts_carry_the_directory_records(service):
    data = json.loads(json.dumps(service.answer("JIT expert in Germany").to_json()))
    assert set(data) >= {"question", "answer", "abstained", "citations", "contacts"}
    contact = data["contacts"][0]
    assert contact["id"] == "cp-029"
    assert {"name", "role", "authority", "unit", "network", "country", "country_code", "languages",
            "email", "phone", "secure_channel", "topics", "last_verified", "stale"} <= set(contact)


def test_a_country_without_an_entry_abstains_with_a_plain_note(service):
    answer = service.answer("Who is the JIT expert in Bhutan?")
    assert answer.abstained
    assert answer.contacts == [] and answer.citations == []
    assert answer.answer == "No contact point on file for Bhutan."
    assert "van Dalsum" not in render_plain(answer)


def test_a_stale_contact_says_check_before_use(service):
    answer = service.answer("Who is the JIT expert in Moldova?")
    assert answer.contacts[0]["stale"] is True
    assert "last verified 2024-09-12 (check before use)" in render_plain(answer)


def test_a_legal_and_contact_question_gets_both(service):
    answer = service.answer(
        "What is the legal basis for joint investigations where laws are missing, "
        "and who do I call in Zambia?"
    )
    assert not answer.abstained
    assert "invoked as a legal basis" in answer.answer and answer.citations
    assert [c["id"] for c in answer.contacts][:1] == ["cp-010"]
    text = render_plain(answer)
    assert "Contact points:" in text and "Sources:" in text


@pytest.mark.parametrize(
    "question", ["Where are integrated joint investigations located?", "How tall is Mount Everest?"]
)
def test_other_questions_get_no_contacts(service, question):
    answer = service.answer(question)
    assert answer.contacts == [] and answer.contacts_note == ""
    assert "Contact points:" not in render_plain(answer)


def test_out_of_scope_still_abstains(service):
    answer = service.answer("How do I calculate VAT on an invoice in Italy?")
    assert answer.abstained and answer.contacts == []


def test_a_mixed_questions_contact_note_reaches_the_reader_in_their_language(service):
    from bot.i18n import translator_for

    answer = service.answer(
        "What is the legal basis for joint investigations where laws are missing, "
        "and who do I call in Bhutan?"
    )
    assert answer.contacts == [] and answer.contacts_note == "No contact point on file for Bhutan."
    text = render_plain(answer, translator_for("es"))
    assert "invoked as a legal basis" in text  # the quote stays in English
    assert "Puntos de contacto:\nNo consta ningún punto de contacto para Bután." in text
