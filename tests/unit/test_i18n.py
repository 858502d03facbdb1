"""The member's language for fixed texts; quoted passages stay in the document's language."""

from __future__ import annotations

from html import unescape

import pytest

from bot.i18n import detect_language, normalize_language, translator_for
from bot.render import render_plain
from bot.telegram.kb_replies import documents_list
from bot.telegram.progress_message import UploadProgress
from bot.telegram.render_html import answer_html
from bot.users import UserStore
from retrieval.answer import NOT_FOUND, Answer, Citation
from tests.contact_rows import directory

ES, FR, PT = translator_for("es"), translator_for("fr"), translator_for("pt")
QUOTE = "Integrated joint investigations are usually located in the State of operation."


def cited_answer() -> Answer:
    citations = [
        Citation(1, "best-practices", "Best practices in joint investigations", "para. 18", QUOTE, 0.9),
        Citation(2, "best-practices", "Best practices in joint investigations", "para. 20", "Other text.", 0.5),
    ]
    return Answer("¿Dónde se ubican?", f"{QUOTE} [1]", False, citations, sentences=[(QUOTE, 1)])


@pytest.mark.parametrize("tag, expected", [
    ("es", "es"), ("es-419", "es"), ("pt-BR", "pt"), ("pt_PT", "pt"), ("fr-CA", "fr"),
    ("en-GB", "en"), ("de", "en"), ("", "en"), (None, "en"),
])
def test_telegram_language_tags_map_to_a_catalog(tag, expected):
    assert normalize_language(tag) == expected
    assert translator_for(tag).language == expected


@pytest.mark.parametrize("question, expected", [
    ("Where are integrated joint investigations usually located?", "en"),
    ("Does article 19 apply to trafficking in persons?", "en"),
    ("¿Dónde se sitúan normalmente las investigaciones conjuntas integradas?", "es"),
    ("¿Quién es el experto ECI en los Países Bajos?", "es"),
    ("Qu'est-ce qu'une équipe commune d'enquête ?", "fr"),
    ("Qui est le point de contact aux Pays-Bas ?", "fr"),
    ("Onde se localizam normalmente as investigações conjuntas integradas?", "pt"),
    ("Quem é o perito de equipas de investigação conjunta na Alemanha?", "pt"),
    ("JIT Zambia", "en"),
])
def test_a_question_language_is_detected_without_a_model(question, expected):
    assert detect_language(question) == expected


def test_spanish_fixed_texts_around_an_english_quote():
    text = render_plain(cited_answer(), ES)
    assert QUOTE in text  # verbatim, in the document's language
    assert "Fuentes:" in text and "Sources:" not in text
    assert "[2] Best practices in joint investigations, para. 20 (véase también)" in text


def test_not_found_is_said_in_the_readers_language():
    answer = Answer("¿Altura del Everest?", NOT_FOUND, True)
    html = unescape(answer_html(answer, FR))
    assert html.startswith("<b>Absent de la base de connaissances.</b>")
    assert "Je n'ai pas trouvé cela dans la base de connaissances" in html
    assert NOT_FOUND not in html


def test_a_typed_related_only_outcome_gets_its_heading():
    answer = Answer("q", f"{QUOTE} [1]", False, cited_answer().citations, sentences=[(QUOTE, 1)])
    answer.outcome = "related_only"
    assert render_plain(answer, PT).startswith("A base de conhecimento não o diz expressamente. Excertos relacionados:\n" + QUOTE)


def test_contact_answers_word_their_notes_and_countries_per_language():
    store = directory()
    bhutan = store.for_question("¿Quién es el experto ECI en Bután?")
    answer = Answer("q", bhutan.summary, True, contact_lookup=bhutan)
    assert render_plain(answer, ES).strip() == "No consta ningún punto de contacto para Bután."
    assert render_plain(answer).strip() == "No contact point on file for Bhutan."
    mixed = store.for_question("Who are the JIT experts in Germany and Chile?")
    answer = Answer("q", mixed.summary, False, contacts=mixed.contacts, contacts_note=mixed.note, contact_lookup=mixed)
    text = render_plain(answer, FR)
    assert text.startswith("1 point de contact enregistré pour Allemagne et Chili.")  # as in English
    assert "Aucun point de contact n'est enregistré pour Chili." in text
    assert "Points de contact :" in text and "dernière vérification le" in text


def test_a_stale_contact_says_check_before_use_in_portuguese():
    contact = {"name": "Luca Bianchi", "role": "Liaison prosecutor", "country": "Italy",
               "last_verified": "2021-02-01", "stale": True, "secure_channel": "SIENA"}
    answer = Answer("q", "1 contact point matching your question.", False, contacts=[contact])
    html = answer_html(answer, PT)
    assert "verificado pela última vez em 2021-02-01: confirme antes de utilizar" in html
    assert "canal seguro: SIENA" in html and "Luca Bianchi, Liaison prosecutor" in html


def test_coordinator_replies_and_upload_progress_follow_the_language():
    [listing] = documents_list([{"id": "jit-guide", "title": "JIT guide", "current_version": 2, "passages": 1}], ES)
    assert "1 documento en uso" in listing and "1 pasaje" in listing

    class Status:
        def set(self, html):
            self.html = html

    status = Status()
    progress = UploadProgress(status, "guía.pdf", PT)
    progress.stage("indexing", total=40)
    progress.advance(10)
    assert status.html == "⏳ <b>guía.pdf</b>: a indexar 10/40 excertos…"


def test_a_members_language_choice_is_stored_and_survives_a_role_change(tmp_path):
    users = UserStore(tmp_path / "users.db")
    users.add_user(7, "prosecutor", "Ana")
    assert users.member(7).language == ""
    assert users.set_language(7, "pt")
    users.add_user(7, "coordinator", "Ana")
    assert users.member(7).language == "pt" and users.member(7).role == "coordinator"
    assert not users.set_language(8, "es")  # not a member
    assert UserStore(tmp_path / "users.db").member(7).language == "pt"  # reopened: migrations re-run safely


def test_the_note_about_a_generated_answer_follows_the_language():
    from retrieval.generation import GenerationTrace

    answer = cited_answer()
    answer.note = "The language model did not answer within 20 s; showing quoted passages instead."
    answer.generation = GenerationTrace("error", error="TimeoutError")
    assert "(El modelo de lenguaje no respondió en 20 s; se muestran en su lugar los pasajes citados.)" in render_plain(answer, ES)
    assert f"({answer.note})" in render_plain(answer)


def test_every_contact_topic_the_directory_knows_has_a_translatable_label():
    from bot.contact_texts import TOPIC_LABELS
    from knowledge.contact_vocabulary import CONCEPTS

    assert {c.label for c in CONCEPTS} <= set(TOPIC_LABELS)
    lookup = directory().for_question("Who handles extradition in Germany?")
    answer = Answer("q", lookup.summary, False, contacts=lookup.contacts, contacts_note=lookup.note,
                    contact_lookup=lookup)
    assert ("Ninguno de los puntos de contacto en Alemania figura para extradición; "
            "estos son los que constan allí.") in render_plain(answer, ES)


def test_retrievals_own_english_heading_of_a_related_only_answer_is_replaced_not_doubled():
    answer = cited_answer()
    answer.answer = f"The knowledge base does not say whether Chile allows it directly. Related passages:\n{QUOTE} [1]"
    answer.outcome = "related_only"
    assert render_plain(answer, FR).startswith(
        "La base de connaissances ne le dit pas expressément. Passages connexes :\n" + QUOTE + " [1]\n")


def test_the_note_about_unsupported_generated_sentences_follows_the_language():
    from retrieval.citation_check import check_citations
    from retrieval.generation import GenerationTrace
    from retrieval.support import SupportChecker

    text = "JITs are set up by agreement [1]. They need approval by Interpol [1]. They last [1]."
    passage = "A joint investigation team (JIT) is set up by a written agreement. It lasts a fixed period."
    check = check_citations(text, {1}, support=lambda s, cited: SupportChecker().assess(s, [passage]))
    answer = cited_answer()
    answer.note = "1 generated sentence not supported by the passage it cites was left out."
    answer.generation = GenerationTrace("trimmed", text, check)
    assert check.unsupported == 1
    assert "(Se ha omitido 1 frase generada que el pasaje citado no respalda.)" in render_plain(answer, ES)
