"""Answerability (related only), enumerations, the ask path and the log's outcome (issue 12)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.ask import AskService
from bot.log_reports import list_queries, recent_unanswered
from bot.query_log import QueryLog
from retrieval.answer_types import Answer, Citation, QuestionError
from retrieval.coverage import check_coverage, name_phrases
from retrieval.enumeration import asks_for_list, follow_enumeration
from tests.tiny_kb import tiny_answer_service

WEBMASTER = ("A recent example is Operation Webmaster, supported by Europol, in which a joint "
             "investigation team was set up between Finland, Spain and Sweden, leading, in March "
             "2019, to the arrest of six traffickers.")


# --- coverage ---------------------------------------------------------------------------
def test_a_penalty_under_a_code_the_passage_never_names_is_a_gap():
    coverage = check_coverage(
        "What is the penalty for trafficking under the Brazilian Penal Code?",
        ["Cases are often prosecuted under lesser offences."],
        ["Cases are often prosecuted under lesser offences."],
    )
    assert not coverage.complete
    assert "Brazilian" in coverage.gaps and "Penal Code" in coverage.gaps and "penalty" in coverage.gaps


def test_a_later_year_than_the_passage_states_is_a_gap():
    coverage = check_coverage("How many JITs did Eurojust support in 2023?", [WEBMASTER + " Eurojust supported 21 JITs in 2018."],
                              ["Eurojust supported 21 JITs in 2018."])
    assert coverage.missing_figures == ["2023"]
    assert coverage.describe() == "anything for 2023"


def test_who_holds_an_office_today_needs_a_passage_that_says_so():
    coverage = check_coverage("Who is the current Executive Director of UNODC?",
                              ["UNODC supported the operation."], ["UNODC supported the operation."])
    assert "Executive Director of UNODC" in coverage.missing_names and "current" in coverage.missing_attributes


def test_names_countries_years_and_figures_the_passage_states_are_covered():
    assert check_coverage("Which countries set up the JIT in Operation Webmaster in 2019?", [WEBMASTER], [WEBMASTER]).complete
    assert check_coverage("How many traffickers were arrested in Operation Webmaster?", [WEBMASTER], [WEBMASTER]).complete
    # the same name in Spanish, and a country by its adjective
    assert check_coverage("¿Qué es la Operación Webmaster?", [WEBMASTER], [WEBMASTER]).complete
    assert check_coverage("What did the Finnish team do in Operation Webmaster?", [WEBMASTER], [WEBMASTER]).complete


def test_the_question_word_is_not_a_name():
    assert name_phrases("Where are integrated joint investigations usually located?") == []
    assert name_phrases("What did the EU framework decision 2002/465/JHA concern?") == ["EU", "JHA"]


# --- the answer service's three outcomes --------------------------------------------------
PASSAGES = [
    ("para. 16", "Types of joint investigations",
     "An informal expert working group identified two models for joint investigations. The first "
     "model consists of joint parallel investigations carried out in the jurisdictions concerned."),
    ("footnote 9", "Types of joint investigations", "Ibid., p. 12."),
    ("para. 17", "Types of joint investigations",
     "The second model is the so-called integrated model, whereby a mixed team composed of officers "
     "from the States concerned is formed."),
    ("para. 49", "Technical cooperation",
     "In 2018, Eurojust supported 21 joint investigation teams that were investigating trafficking in persons cases."),
]


def test_an_on_topic_question_the_passages_do_not_answer_is_related_only(tmp_path, fake_embedder):
    service = tiny_answer_service(tmp_path, fake_embedder, PASSAGES)
    answer = service.answer("How many joint investigation teams did Eurojust support in 2023?")
    assert answer.outcome == "related_only" and answer.abstained
    assert answer.answer.startswith("The knowledge base does not say anything for 2023 directly. Related passages:")
    assert answer.citations and "[1]" in answer.answer  # the related passage is still cited
    data = answer.to_json()
    assert data["abstained"] is True and data["outcome"] == "related_only" and data["citations"]
    answered = service.answer("How many joint investigation teams did Eurojust support in 2018?")
    assert answered.outcome == "answered" and not answered.abstained and "21 joint investigation teams" in answered.answer


def test_an_announced_enumeration_is_quoted_to_its_last_item(tmp_path, fake_embedder):
    service = tiny_answer_service(tmp_path, fake_embedder, PASSAGES)
    answer = service.answer("What are the two models of joint investigations?")
    assert "parallel" in answer.answer and "integrated model" in answer.answer
    second = next(c for c in answer.citations if c.locator == "para. 17")
    assert f"formed. [{second.rank}]" in answer.answer  # each item with its own citation


@dataclass
class Record:
    id: str
    kind: str
    section: str
    text: str


def test_a_list_is_followed_past_footnotes_and_stops_when_the_items_are_all_there():
    passages = {
        "doc@v1#1": Record("doc@v1#1", "paragraph", "", "Two models were identified. The first model is parallel."),
        "doc@v1#2": Record("doc@v1#2", "footnote", "", "Ibid."),
        "doc@v1#3": Record("doc@v1#3", "paragraph", "", "The second model is integrated."),
        "doc@v1#4": Record("doc@v1#4", "paragraph", "", "The third thing is unrelated."),
    }
    lookup = lambda ids: {i: passages[i] for i in ids if i in passages}  # noqa: E731
    found = follow_enumeration("What are the models?", passages["doc@v1#1"], lookup)
    assert [c.passage_id for c in found] == ["doc@v1#3"]
    assert follow_enumeration("What is the first model?", passages["doc@v1#3"], lookup) == []
    assert asks_for_list("Which countries took part in Operation Webmaster?")
    assert not asks_for_list("Where are integrated joint investigations located?")


# --- one ask path, and the log's outcome ---------------------------------------------------
class FixedAnswers:
    def __init__(self, answer: Answer | Exception):
        self.result = answer

    def answer(self, text, history=(), *, on_partial=None):
        if isinstance(self.result, Exception):
            raise self.result
        return self.result

    answer_stream = answer


def test_the_ask_service_logs_each_outcome_once_and_unanswered_views_include_related_only(tmp_path):
    log = QueryLog(tmp_path / "logs.db", secret=b"sixteen-byte-secret")
    who = {"role": "operator", "chat_type": "cli", "front_end": "cli"}
    cite = Citation(rank=1, document_id="paper", title="Paper", locator="para. 49", text="…", score=0.5,
                    passage_id="paper@v1#4", version=1)
    related = Answer(question="Eurojust JITs in 2023?", answer="The knowledge base does not say …",
                     abstained=False, citations=[cite], outcome="related_only",
                     contacts=[{"id": "cp-1", "name": "X", "country_code": "NL", "network": "JITs"}])
    answered = Answer(question="Eurojust JITs in 2018?", answer="21 JITs [1]", abstained=False,
                      citations=[cite], outcome="answered")
    first = AskService(FixedAnswers(related), log).ask("Eurojust JITs in 2023?", who)
    AskService(FixedAnswers(answered), log).ask("Eurojust JITs in 2018?", who)
    refused = AskService(FixedAnswers(QuestionError("The question is empty.")), log).ask(" ", who)
    assert first.answer is related and first.query_id > 0
    assert refused.answer is None and refused.refusal == "The question is empty."
    rows = log.read("SELECT question, outcome FROM queries ORDER BY id")
    assert [r["outcome"] for r in rows] == ["related_only", "answered", "error"]
    # related only, even with contacts beside it (so not "abstained"), is a gap for admins
    assert [r["question"] for r in recent_unanswered(log)] == ["Eurojust JITs in 2023?"]
    assert [r["question"] for r in list_queries(log, abstained=True)] == ["Eurojust JITs in 2023?"]
