"""Documents and contacts of one network are read only by its members: scoping inside the search.

Real catalogue, Chroma and BM25 with the hashing embedder; answers from the real AnswerService.
"""

from __future__ import annotations

import pytest

from bot.ask import AskService
from bot.query_log import QueryLog
from knowledge import audit
from knowledge.audit import Actor
from knowledge.catalogue import Catalogue
from knowledge.ingest import KnowledgeBase
from knowledge.scope import Scope
from knowledge.write_lock import WriteLock
from retrieval.answer import AnswerConfig, AnswerService
from retrieval.dense_index import DenseIndex
from retrieval.lexical_index import LexicalIndex
from retrieval.search import HybridSearcher
from tests.contact_rows import directory

PUBLIC = (
    "# Guide on joint investigation teams\n\n"
    "1. A joint investigation team is set up by written agreement between the competent "
    "authorities of two or more States for a specific purpose and a limited period.\n"
)
REDTRAM = (
    "# REDTRAM operational note\n\n"
    "1. The REDTRAM liaison desk in Montevideo answers urgent requests about trafficking "
    "within forty-eight hours through the secure mailbox.\n"
)
WACAP = (
    "# WACAP asset recovery memo\n\n"
    "1. WACAP prosecutors freeze proceeds of trafficking through the Abuja asset recovery "
    "cell before the suspects are charged.\n"
)
REDTRAM_Q = "Which liaison desk answers urgent requests about trafficking within forty-eight hours?"
WACAP_Q = "Who freezes proceeds of trafficking through the Abuja asset recovery cell?"
ANA = Actor.command_line("ana")


@pytest.fixture
def kb(tmp_path, fake_embedder):
    kb = KnowledgeBase(Catalogue(tmp_path / "catalogue.db"), DenseIndex(fake_embedder, path=tmp_path / "chroma"),
                       LexicalIndex(tmp_path / "bm25"), lock=WriteLock(tmp_path / "kb.lock"))
    for name, text, networks in (("guide", PUBLIC, ()), ("redtram-note", REDTRAM, ["redtram"]),
                                 ("wacap-memo", WACAP, ["wacap"])):
        path = tmp_path / f"{name}.md"
        path.write_text(text)
        assert kb.add_file(path, networks=networks, actor=ANA).status == "added"
    return kb


def service(kb) -> AnswerService:
    searcher = HybridSearcher(kb.dense.embedder, kb.dense, kb.lexical,
                              restricted_documents=kb.catalogue.restricted_documents)
    config = AnswerConfig(top_k=3, min_relevance=0.3, lexical_rescue=0.55, max_question_chars=300)
    return AnswerService(searcher, kb.catalogue.served_passages, config)


def documents(answer) -> set[str]:
    return {c.document_id for c in answer.citations}


def test_a_restricted_passage_is_never_a_candidate_of_either_search_outside_its_network(kb):
    vector = kb.dense.embedder.embed_queries([WACAP_Q])[0]
    for scope in (Scope.public(), Scope.of(["redtram"])):
        dense = [pid for pid, _ in kb.dense.search_vector(vector, 50, scope)]
        hidden = frozenset(d for d, n in kb.catalogue.restricted_documents().items() if not scope.sees(n))
        lexical = [pid for pid, _ in kb.lexical.search(WACAP_Q, 50, hidden_documents=hidden)]
        assert dense and not any(p.startswith("wacap-memo@") for p in dense)
        assert not any(p.startswith("wacap-memo@") for p in lexical)
    member = Scope.of(["wacap"])
    assert any(p.startswith("wacap-memo@") for p, _ in kb.dense.search_vector(vector, 50, member))
    assert kb.lexical.search(WACAP_Q, 5)[0][0].startswith("wacap-memo@")  # unscoped: the best match


def test_members_are_answered_from_public_documents_and_their_own_networks_only(kb):
    answers = service(kb)
    for mode in ("hybrid", "dense", "bm25"):
        answers.config = AnswerConfig(top_k=3, min_relevance=0.3, lexical_rescue=0.55,
                                      max_question_chars=300, mode=mode)
        outsider = answers.answer(WACAP_Q, scope=Scope.of(["redtram"]))
        assert "wacap-memo" not in documents(outsider), mode
        assert "Abuja" not in outsider.answer
        member = answers.answer(WACAP_Q, scope=Scope.of(["wacap", "redtram"]))
        assert "wacap-memo" in documents(member), mode
    assert "redtram-note" in documents(answers.answer(REDTRAM_Q))  # the operator sees everything
    assert "redtram-note" not in documents(answers.answer(REDTRAM_Q, scope=Scope.public()))
    public = answers.answer("How is a joint investigation team set up?", scope=Scope.of(["wacap"]))
    assert documents(public) <= {"guide", "wacap-memo"} and "guide" in documents(public)


def test_catalogue_lookups_and_the_sources_of_a_logged_answer_respect_the_scope(kb, tmp_path):
    ids = [p.id for d in ("redtram-note", "wacap-memo") for p in kb.catalogue.passages_of(d, 1)]
    assert {p.document_id for p in kb.catalogue.served_passages(ids, Scope.of(["wacap"])).values()} == {"wacap-memo"}
    assert kb.catalogue.served_passages(ids, Scope.public()) == {}
    assert len(kb.catalogue.served_passages(ids)) == len(ids)
    log = QueryLog(tmp_path / "logs.db", secret=b"s")
    ask = AskService(service(kb), log)
    asked = ask.ask(WACAP_Q, {"role": "operator", "front_end": "cli"})  # quotes the WACAP memo
    assert "wacap-memo" in documents(asked.answer)
    assert [c.document_id for c in ask.logged_citations(asked.query_id, Scope.of(["wacap"]))][:1] == ["wacap-memo"]
    assert "wacap-memo" not in {c.document_id for c in ask.logged_citations(asked.query_id, Scope.of(["redtram"]))}
    assert log.query(asked.query_id)["networks"] is None
    member = ask.ask(REDTRAM_Q, {"role": "prosecutor", "front_end": "telegram"}, scope=Scope.of(["redtram", "wacap"]))
    assert log.query(member.query_id)["networks"] == "redtram,wacap"


def test_a_document_given_other_networks_is_read_only_by_them_and_the_audit_says_so(kb, tmp_path):
    answers = service(kb)
    assert kb.set_networks("guide", ["wacap"], actor=ANA)
    assert "guide" not in documents(answers.answer("How is a joint investigation team set up?",
                                                    scope=Scope.of(["redtram"])))
    vector = kb.dense.embedder.embed_queries([PUBLIC])[0]
    assert not any(p.startswith("guide@") for p, _ in kb.dense.search_vector(vector, 50, Scope.public()))
    # A new edition made public again (update --public): served to everyone from its commit on.
    edition = tmp_path / "guide.md"
    edition.write_text(PUBLIC.replace("limited period", "limited period of six months"))
    result = kb.add_file(edition, document_id="guide", networks=[], actor=ANA)
    assert (result.status, result.networks) == ("updated", frozenset())
    assert "guide" in documents(answers.answer("How is a joint investigation team set up?", scope=Scope.public()))
    # The same file sent again with networks only changes who may read it.
    again = kb.add_file(edition, document_id="guide", networks=["redtram"], actor=ANA)
    assert again.status == "networks" and kb.catalogue.document_networks("guide") == {"redtram"}
    rows = audit.history(kb.catalogue.db, "guide")
    assert [(r["action"], r["networks"]) for r in rows[:3]] == [("networks", "redtram"), ("update", ""),
                                                                ("networks", "wacap")]
    assert rows[-1]["action"] == "add" and rows[-1]["networks"] == ""
    assert audit.history(kb.catalogue.db, "wacap-memo")[0]["networks"] == "wacap"
    assert kb.check().is_clean


def test_an_update_that_moves_a_document_to_another_network_switches_at_its_commit(kb, tmp_path):
    answers = service(kb)
    edition = tmp_path / "wacap-memo-2.md"
    edition.write_text(WACAP.replace("before the suspects are charged", "within ten days"))
    result = kb.add_file(edition, document_id="wacap-memo", networks=["redtram"], actor=ANA)
    assert result.status == "updated" and result.networks == {"redtram"}
    assert "wacap-memo" not in documents(answers.answer(WACAP_Q, scope=Scope.of(["wacap"])))
    assert "wacap-memo" in documents(answers.answer(WACAP_Q, scope=Scope.of(["redtram"])))
    # kept unless named: a later edition without networks stays with redtram
    third = tmp_path / "wacap-memo-3.md"
    third.write_text(WACAP.replace("Abuja", "Lagos"))
    assert kb.add_file(third, document_id="wacap-memo", actor=ANA).networks == {"redtram"}


def test_restricted_contact_entries_are_listed_only_to_their_network(tmp_path):
    store = directory(networks=lambda: [("redtram", "REDTRAM"), ("wacap", "West African Network (WACAP)"),
                                        ("jits", "JITs Network")])
    everyone = {c["id"] for c in store.contacts()}
    assert {"cp-019", "cp-010", "cp-011"} <= everyone
    redtram = {c["id"] for c in store.contacts(scope=Scope.of(["redtram"]))}
    assert "cp-019" in redtram and "cp-010" not in redtram  # "WACAP" names network wacap by its id
    assert "cp-011" in redtram  # INTERPOL liaison is no registered network: public
    assert not {"cp-022", "cp-029"} & redtram  # "JITs Network" is the name of network jits
    found = store.find("Zambia", scope=Scope.of(["redtram"]))
    assert [c["id"] for c in found.contacts] == ["cp-011"]
    assert "Mwila" not in found.summary
    assert store.network_of("wacap") == "wacap" and store.network_of(" redtram ") == "redtram"
    assert store.network_of("Jits  network") == "jits"
    question = store.for_question("Who is the contact point in Brazil?", scope=Scope.of(["wacap"]))
    assert "cp-019" not in {c["id"] for c in question.contacts}


def test_over_public_documents_every_scope_gets_the_operators_answer(tmp_path, fake_embedder):
    kb = KnowledgeBase(Catalogue(tmp_path / "catalogue.db"), DenseIndex(fake_embedder, path=tmp_path / "chroma"),
                       LexicalIndex(tmp_path / "bm25"), lock=WriteLock(tmp_path / "kb.lock"))
    for name, text in (("guide", PUBLIC), ("note", REDTRAM), ("memo", WACAP)):
        (tmp_path / f"{name}.md").write_text(text)
        kb.add_file(tmp_path / f"{name}.md")
    answers = service(kb)
    for question in (REDTRAM_Q, WACAP_Q, "How is a joint investigation team set up?"):
        everything = answers.answer(question).to_json()
        for scope in (Scope.public(), Scope.of(["redtram"]), Scope.of(["redtram", "wacap", "jits"])):
            scoped = answers.answer(question, scope=scope).to_json()
            assert scoped == everything
