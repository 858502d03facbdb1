"""Follow-ups keep their own question: tests/eval/followups.jsonl, extractive and model rewriters.

The model rewriter is measured with scripted replies (each conversation's `model_reply`,
some of which swap the subject the way a weak model does) through the real LangChain
interface; what is measured is that a bad rewrite is caught and a good one kept.
"""

from __future__ import annotations

import json

from retrieval.followup import FollowupRewriter
from retrieval.followup_eval import evaluate_followups
from retrieval.generation import LangChainGenerator
from tests.conftest import ROOT
from tests.fake_llm import RecordingChatModel

ITEMS = [json.loads(line) for line in (ROOT / "tests" / "eval" / "followups.jsonl").read_text().splitlines() if line]


def _history(item: dict) -> list[tuple[str, str]]:
    return [(item["previous"], "…")]


def test_the_set_has_thirty_two_turn_conversations():
    assert len(ITEMS) >= 30


def test_the_extractive_rewriter_keeps_the_new_question():
    rewriter = FollowupRewriter()
    report = evaluate_followups(ITEMS, lambda item: rewriter.standalone(item["message"], _history(item)))
    assert report["kept"] >= 0.9, report


def test_the_model_rewriter_keeps_the_new_question_even_when_the_model_swaps_it():
    def rewrite(item: dict) -> str:
        model = RecordingChatModel(responses=[item["model_reply"]], received=[])
        return FollowupRewriter(LangChainGenerator(model, name="scripted")).standalone(
            item["message"], _history(item))

    report = evaluate_followups(ITEMS, rewrite)
    assert report["kept"] >= 0.9, report


def test_funding_after_the_reflection_period_is_a_question_about_funding():
    history = [("How long is the reflection period for victims of trafficking?", "…")]
    assert FollowupRewriter().standalone("and what about funding?", history) == "and what about funding?"
    model = RecordingChatModel(
        responses=["How long is the reflection period for victims of trafficking — funding?"], received=[])
    rewriter = FollowupRewriter(LangChainGenerator(model, name="scripted"))
    assert "reflection period" not in rewriter.standalone("and what about funding?", history)
