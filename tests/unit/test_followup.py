"""Chat follow-ups ("and in Spain?") become standalone questions."""

from __future__ import annotations

import pytest

from retrieval.followup import FollowupRewriter, carry_over, is_followup
from retrieval.generation import LangChainGenerator
from tests.fake_llm import RecordingChatModel, UnreachableChatModel
from tests.tiny_kb import tiny_answer_service

PREVIOUS = "Who is the JIT contact point in Italy?"


@pytest.mark.parametrize(
    "message, standalone",
    [
        ("and in Spain?", "Who is the JIT contact point in Spain?"),
        ("What about Spain?", "Who is the JIT contact point in Spain?"),
        ("¿Y en España?", "Who is the JIT contact point in España?"),
        ("et en France ?", "Who is the JIT contact point in France?"),
        ("and the Netherlands?", "Who is the JIT contact point in the Netherlands?"),
        # not a country: the new detail is added, nothing is replaced on a guess
        ("and Eurojust?", "Who is the JIT contact point in Italy — Eurojust?"),
    ],
)
def test_a_clear_follow_up_borrows_the_previous_topic(message, standalone):
    assert is_followup(message)
    assert carry_over(message, PREVIOUS) == standalone


def test_same_preposition_replaces_the_name_it_governs():
    assert carry_over("and in the Balkans?", "What is the role of Europol in JITs?") == (
        "What is the role of Europol in the Balkans?"
    )


@pytest.mark.parametrize(
    "message",
    ["And is it binding?", "What is a JIT?", "Spain?", "and what does the convention say about evidence sharing in Spain?"],
)
def test_a_message_with_its_own_verb_or_no_opener_is_not_a_follow_up(message):
    assert not is_followup(message)


def test_without_a_model_only_clear_follow_ups_are_rewritten():
    rewriter = FollowupRewriter()
    history = [(PREVIOUS, "…")]
    assert rewriter.standalone("and in Spain?", history) == "Who is the JIT contact point in Spain?"
    assert rewriter.standalone("What is a JIT?", history) == "What is a JIT?"
    assert rewriter.standalone("and in Spain?", []) == "and in Spain?"


def test_with_a_model_the_last_turns_go_to_the_rewrite_prompt():
    model = RecordingChatModel(responses=['"Who is the JIT contact point in Spain?"'], received=[])
    rewriter = FollowupRewriter(LangChainGenerator(model, name="fake"))
    history = [("What is a JIT?", "A team set up by agreement [1]."), (PREVIOUS, "Maria Rossi.")]
    assert rewriter.standalone("and over there in Madrid?", history) == "Who is the JIT contact point in Spain?"
    system, user = (m.content for m in model.received[0])
    assert "standalone question" in system
    assert "User: What is a JIT?" in user and f"User: {PREVIOUS}\nAssistant: Maria Rossi." in user
    assert "<last_message>\nand over there in Madrid?\n</last_message>" in user


def test_a_failing_model_falls_back_to_the_heuristic():
    rewriter = FollowupRewriter(LangChainGenerator(UnreachableChatModel(), name="fake"))
    assert rewriter.standalone("and in Spain?", [(PREVIOUS, "…")]) == "Who is the JIT contact point in Spain?"


def test_the_answer_service_answers_the_standalone_question(tmp_path, fake_embedder):
    service = tiny_answer_service(tmp_path, fake_embedder)
    history = [("Where are integrated joint investigations located in Italy?", "…")]
    answer = service.answer("and in Spain?", history)
    assert answer.question == "Where are integrated joint investigations located in Spain?"
    assert answer.original_question == "and in Spain?"
    assert answer.to_json()["original_question"] == "and in Spain?"
    assert answer.citations[0].locator == "para. 18"
    # a standalone question in the same chat is answered as typed
    plain = service.answer("Where are integrated joint investigations located?", history)
    assert plain.original_question == "" and "original_question" not in plain.to_json()
