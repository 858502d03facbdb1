"""The bundled sample knowledge base answers contact questions (real model, real Chroma)."""

from __future__ import annotations

import json

import pytest

from bot.services import Services
from bot.settings import load_settings
from tests.conftest import QA_DEV

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def services(tmp_path_factory, real_embedder):
    services = Services(load_settings(data_dir=tmp_path_factory.mktemp("data")))
    services.__dict__["embedder"] = real_embedder  # the session's one copy of the model
    messages: list[str] = []
    services.ensure_knowledge_base(messages.append)
    services.messages = messages
    return services


def test_first_run_loads_the_sample_directory(services):
    assert "  contacts: 35 contact points from contacts.csv" in services.messages
    assert services.directory.count() == 35
    services.load_sample_contacts(services.messages.append)  # already there: nothing added
    assert services.directory.count() == 35


def test_dev_set_contact_questions_find_the_expected_contact(services):
    items = [json.loads(line) for line in QA_DEV.read_text().splitlines() if line.strip()]
    contact_items = [i for i in items if i["kind"] == "contact"]
    assert contact_items
    for item in contact_items:
        answer = services.answer_service.answer(item["question"])
        top = [c["id"] for c in answer.contacts[:3]]
        assert set(item["expect_contact"]) & set(top), (item["question"], top)
        assert answer.citations == [] and not answer.abstained


def test_passage_and_out_of_scope_questions_get_no_contacts(services):
    for question in ("What are proactive joint investigations?", "How tall is Mount Everest?"):
        assert services.answer_service.answer(question).contacts == []
    assert services.answer_service.answer("How tall is Mount Everest?").abstained


def test_a_legal_question_naming_a_contact_gets_passages_and_contacts(services):
    answer = services.answer_service.answer(
        "What can be used as a legal basis for joint investigations where national law is "
        "missing, and who is the contact point in Zambia?"
    )
    assert "legal basis" in answer.answer and answer.citations
    assert [c["id"] for c in answer.contacts][:1] == ["cp-010"]
