"""Versioned, atomic changes to the knowledge base: what prosecutors are served, and the record.

Real catalogue, Chroma and BM25; the hashing embedder. Answers come from the real
AnswerService, so "still served" means what a prosecutor would be quoted.
"""

from __future__ import annotations

import threading

import pytest
from pypdf import PdfReader, PdfWriter

from knowledge import audit
from knowledge.audit import Actor
from knowledge.catalogue import Catalogue
from knowledge.ingest import KnowledgeBase
from knowledge.loaders import NO_TEXT_PDF
from knowledge.write_lock import WriteLock
from retrieval.answer import AnswerConfig, AnswerService
from retrieval.dense_index import DenseIndex
from retrieval.lexical_index import LexicalIndex
from retrieval.search import HybridSearcher
from tests.unit.test_loaders import PAGE_1, make_pdf

GUIDE_V1 = (
    "# Guide on joint investigation teams\n\n"
    "1. A joint investigation team is set up by written agreement between the competent "
    "authorities of two or more States for a specific purpose and a limited period of six months.\n\n"
    "2. The team leader is a representative of the competent authority of the State in "
    "which the team operates, acting within the limits of national law.\n\n"
    "3. Seconded members may be entrusted with investigative measures in the State of "
    "operation where the leader and their own authorities agree.\n"
)
GUIDE_V2 = GUIDE_V1.replace("six months", "eighteen months, renewable by common accord")
PERIOD = "For what limited period is a joint investigation team set up by written agreement?"
ANA = Actor.command_line("ana")
BEN = Actor.telegram(1002, "coordinator", "Ben Okafor")


def open_kb(tmp_path, embedder, dense_class=DenseIndex) -> KnowledgeBase:
    """The knowledge base in tmp_path, as a new process would open it."""
    return KnowledgeBase(
        Catalogue(tmp_path / "catalogue.db"), dense_class(embedder, path=tmp_path / "chroma"),
        LexicalIndex(tmp_path / "bm25"), lock=WriteLock(tmp_path / "kb.lock"),
    )


@pytest.fixture
def kb(tmp_path, fake_embedder):
    return open_kb(tmp_path, fake_embedder)


def quoted(kb, question: str) -> str:
    """The quoted answer a prosecutor would get (citation texts included)."""
    searcher = HybridSearcher(kb.dense.embedder, kb.dense, kb.lexical)
    config = AnswerConfig(top_k=3, min_relevance=0.3, lexical_rescue=0.55, max_question_chars=300)
    answer = AnswerService(searcher, kb.catalogue.served_passages, config).answer(question)
    return "" if answer.abstained else answer.answer + " ".join(c.text for c in answer.citations)


def state(kb):
    return (
        [(d["id"], d["current_version"]) for d in kb.catalogue.documents()],
        kb.catalogue.passage_count(),
        sorted(kb.dense.ids()),
        sorted(kb.lexical.ids),
        len(audit.history(kb.catalogue.db)),
    )


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_identical_content_is_skipped_even_under_another_name(kb, tmp_path, fake_embedder):
    first = kb.add_file(write(tmp_path, "jit-guide.md", GUIDE_V1), actor=ANA)
    embeds, before = fake_embedder.calls, state(kb)
    again = kb.add_file(tmp_path / "jit-guide.md", actor=ANA)
    copy = kb.add_file(write(tmp_path, "copy-of-guide.md", GUIDE_V1), actor=ANA)
    assert (again.status, again.document_id, again.version) == ("unchanged", first.document_id, 1)
    assert (copy.status, copy.document_id) == ("unchanged", first.document_id)
    assert state(kb) == before and fake_embedder.calls == embeds
    assert [v["version"] for v in kb.catalogue.versions(first.document_id)] == [1]


def test_a_changed_file_becomes_a_new_version_that_replaces_the_old_one(kb, tmp_path):
    path = write(tmp_path, "jit-guide.md", GUIDE_V1)
    first = kb.add_file(path, actor=ANA)
    assert "six months" in quoted(kb, PERIOD)
    path.write_text(GUIDE_V2, encoding="utf-8")
    second = kb.add_file(path, actor=BEN)
    assert (second.status, second.document_id, second.version, second.previous_version) == (
        "updated", first.document_id, 2, 1)
    assert "replaces v1" in second.line()
    answer = quoted(kb, PERIOD)
    assert "eighteen months" in answer and "six months" not in answer
    assert [(v["version"], v["status"]) for v in kb.catalogue.versions(first.document_id)] == [
        (1, "superseded"), (2, "serving")]
    # the old version's passages are gone from both indexes, not merely filtered out
    assert kb.dense.ids() == set(kb.lexical.ids) == kb.catalogue.served_passage_ids()
    assert all("@v2#" in pid for pid in kb.lexical.ids)


def test_update_by_document_id_from_a_file_with_another_name(kb, tmp_path):
    first = kb.add_file(write(tmp_path, "jit-guide.md", GUIDE_V1))
    second = kb.add_file(write(tmp_path, "jit-guide-2nd-edition.md", GUIDE_V2), document_id=first.document_id)
    assert (second.status, second.document_id, second.version) == ("updated", first.document_id, 2)
    assert [d["id"] for d in kb.catalogue.documents()] == [first.document_id]
    missing = kb.add_file(tmp_path / "jit-guide.md", document_id="no-such-document")
    assert (missing.status, missing.reason) == ("failed", "no document with id no-such-document")


def test_removal_takes_a_document_out_of_answers_at_once(kb, tmp_path):
    guide = kb.add_file(write(tmp_path, "jit-guide.md", GUIDE_V1))
    other = kb.add_file(write(tmp_path, "seconded.md", "# Seconded members\n\n1. Seconded members of "
                              "a team carry their national identity documents at all times.\n"))
    assert "six months" in quoted(kb, PERIOD)
    result = kb.remove(guide.document_id, actor=ANA)
    assert (result.status, result.version, result.passages) == ("removed", 1, 3)
    assert "six months" not in quoted(kb, PERIOD)
    assert [d["id"] for d in kb.catalogue.documents()] == [other.document_id]
    assert not any(pid.startswith(guide.document_id + "@") for pid in kb.dense.ids() | set(kb.lexical.ids))
    assert kb.remove(guide.document_id).status == "already removed"
    assert kb.remove("no-such-document").status == "not found"
    assert kb.check().is_clean


def test_every_change_is_in_the_audit_trail_with_who_and_which_versions(kb, tmp_path):
    path = write(tmp_path, "jit-guide.md", GUIDE_V1)
    doc_id = kb.add_file(path, actor=ANA).document_id
    kb.add_file(path, actor=ANA)  # unchanged: not a change
    path.write_text(GUIDE_V2, encoding="utf-8")
    kb.add_file(path, actor=BEN)
    kb.remove(doc_id, actor=ANA)
    rows = audit.history(kb.catalogue.db)
    assert [(r["action"], r["document_id"], r["version_before"], r["version_after"]) for r in rows] == [
        ("remove", doc_id, 2, None), ("update", doc_id, 1, 2), ("add", doc_id, None, 1)]
    assert [(r["user"], r["via"], r["role"]) for r in rows] == [
        ("ana", "cli", ""), ("telegram:1002", "telegram", "coordinator"), ("ana", "cli", "")]
    assert rows[1]["name"] == "Ben Okafor" and rows[2]["detail"] == "jit-guide.md"
    assert all(r["at"] for r in rows)
    assert "v1 → v2" in audit.line(rows[1]) and "Ben Okafor" in audit.line(rows[1])
    assert audit.history(kb.catalogue.db, "other-document") == []


class KilledDenseIndex(DenseIndex):
    """Indexes the first passage, then the process 'dies': a BaseException, so no rollback runs."""

    def add(self, ids, texts, metadatas, **kw):
        super().add(ids[:1], texts[:1], metadatas[:1])
        raise KeyboardInterrupt


def test_an_interrupted_update_leaves_the_old_version_served_and_the_next_run_cleans_up(tmp_path, fake_embedder):
    path = write(tmp_path, "jit-guide.md", GUIDE_V1)
    doc_id = open_kb(tmp_path, fake_embedder).add_file(path).document_id
    path.write_text(GUIDE_V2, encoding="utf-8")
    with pytest.raises(KeyboardInterrupt):
        open_kb(tmp_path, fake_embedder, KilledDenseIndex).add_file(path, actor=ANA)

    after_crash = open_kb(tmp_path, fake_embedder)  # the next run
    assert [(v["version"], v["status"]) for v in after_crash.catalogue.versions(doc_id)] == [
        (1, "serving"), (2, "indexing")]
    answer = quoted(after_crash, PERIOD)
    assert "six months" in answer and "eighteen" not in answer
    found = after_crash.check()
    assert [v["id"] for v in found.unfinished] == [f"{doc_id}@v2"]
    # what v2 got before the kill: copies of unchanged passages' vectors, one embedded passage
    assert found.stray_vectors and all(v.startswith(f"{doc_id}@v2#") for v in found.stray_vectors)

    result = after_crash.add_file(path, actor=BEN)  # the next change cleans up first
    assert (result.status, result.version) == ("updated", 2)
    assert after_crash.check().is_clean
    assert "eighteen months" in quoted(after_crash, PERIOD)
    actions = [(r["action"], r["version_before"], r["version_after"]) for r in audit.history(after_crash.catalogue.db)]
    assert actions[:2] == [("update", 1, 2), ("cleanup", 1, 1)]


class DiesWhileForgetting(DenseIndex):
    """Dies after the new version is served, before the old version's vectors are deleted."""

    def delete(self, ids):
        raise KeyboardInterrupt


def test_a_kill_after_the_switch_leaves_old_entries_that_check_finds_and_repair_removes(tmp_path, fake_embedder):
    path = write(tmp_path, "jit-guide.md", GUIDE_V1)
    doc_id = open_kb(tmp_path, fake_embedder).add_file(path).document_id
    path.write_text(GUIDE_V2, encoding="utf-8")
    with pytest.raises(KeyboardInterrupt):
        open_kb(tmp_path, fake_embedder, DiesWhileForgetting).add_file(path)
    kb = open_kb(tmp_path, fake_embedder)
    assert "eighteen months" in quoted(kb, PERIOD)  # the switch had committed
    found = kb.check()
    assert len(found.stray_vectors) == 3 and len(found.stray_lexical) == 3
    assert all(pid.startswith(f"{doc_id}@v1#") for pid in found.stray_vectors)
    done = kb.repair(actor=ANA)
    assert done == ["deleted the vectors of 3 passages that are not served", "rebuilt the lexical index (3 passages)"]
    assert kb.check().is_clean


def test_check_finds_damaged_indexes_and_repair_mends_them(kb, tmp_path):
    kb.add_file(write(tmp_path, "jit-guide.md", GUIDE_V1))
    assert kb.check().is_clean and kb.repair() == []
    served = sorted(kb.catalogue.served_passage_ids())
    kb.dense.delete(served[:1])  # a lost vector
    kb.dense.add(["ghost@v1#0"], ["a passage nobody serves"], [{"document_id": "ghost", "version": 1}])
    kb.lexical.build(served[1:] + ["ghost@v1#0"], ["team"] * len(served))
    found = kb.check()
    assert found.missing_vectors == served[:1] and found.stray_vectors == ["ghost@v1#0"]
    assert found.missing_lexical == served[:1] and found.stray_lexical == ["ghost@v1#0"]
    assert len(found.problems()) == 4
    kb.repair(actor=ANA)
    assert kb.check().is_clean
    assert "six months" in quoted(kb, PERIOD)
    [row] = audit.history(kb.catalogue.db, limit=1)
    assert row["action"] == "repair" and "embedded 1 served passages" in row["detail"]


def _encrypted_pdf(tmp_path) -> bytes:
    plain = tmp_path / "plain-source.pdf"
    plain.write_bytes(make_pdf([PAGE_1]))
    writer = PdfWriter(clone_from=PdfReader(plain))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    target = tmp_path / "locked-source.pdf"
    writer.write(target)
    return target.read_bytes()


BAD_FILES = {
    "encrypted.pdf": (_encrypted_pdf, "encrypted PDF: a password is needed"),
    "corrupt.pdf": (lambda tmp: b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog", "corrupt or unreadable PDF"),
    "scanned.pdf": (lambda tmp: make_pdf([[], []]), NO_TEXT_PDF),
    "zero-bytes.md": (lambda tmp: b"", "empty file"),
    "picture.pdf": (lambda tmp: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a PDF file"),
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_bad_input_fails_naming_the_file_and_reason_and_changes_nothing(kb, tmp_path, name):
    kb.add_file(write(tmp_path, "jit-guide.md", GUIDE_V1))
    make, reason = BAD_FILES[name]
    path = tmp_path / name
    path.write_bytes(make(tmp_path))
    before = state(kb)
    result = kb.add_file(path, actor=ANA)
    assert result.status == "failed" and reason in result.reason
    assert result.line() == f"failed     {path}: {result.reason}"
    assert state(kb) == before


class RecordingProgress:
    def __init__(self):
        self.stages: list[tuple[str, int | None]] = []
        self.waiting = threading.Event()
        self.indexed = 0

    def stage(self, name, total=None):
        self.stages.append((name, total))
        if name == "waiting":
            self.waiting.set()

    def advance(self, n):
        self.indexed += n


def test_a_second_writer_waits_for_the_first_and_says_so(kb, tmp_path, fake_embedder):
    path = write(tmp_path, "jit-guide.md", GUIDE_V1)
    other_writer = open_kb(tmp_path, fake_embedder)
    progress = RecordingProgress()
    results = []
    with other_writer.lock.hold():
        thread = threading.Thread(target=lambda: results.append(kb.add_file(path, progress=progress)))
        thread.start()
        assert progress.waiting.wait(10)
        assert kb.catalogue.documents() == []  # nothing written while the other holds the lock
    thread.join(10)
    assert results[0].status == "added"
    assert [name for name, _ in progress.stages] == ["reading", "waiting", "indexing", "finishing"]
    assert ("indexing", 3) in progress.stages and progress.indexed == 3


def test_vectors_written_before_windows_are_checked_and_removed_too(kb, tmp_path):
    """Older indexes hold one vector per passage, with the passage id as vector id and no passage_id."""
    doc_id = kb.add_file(write(tmp_path, "jit-guide.md", GUIDE_V1)).document_id
    legacy = f"{doc_id}@v1#1"
    kb.dense.delete([legacy])
    kb.dense.collection.upsert(ids=[legacy], embeddings=kb.dense.embedder.embed_passages(["team leader"]),
                               metadatas=[{"document_id": doc_id, "version": 1}])
    assert kb.check().is_clean  # the old-style vector counts for its passage
    kb.remove(doc_id)
    assert kb.dense.collection.count() == 0 and kb.check().is_clean


def test_adding_a_withdrawn_document_again_brings_it_back_with_its_history(kb, tmp_path):
    path = write(tmp_path, "jit-guide.md", GUIDE_V1)
    doc_id = kb.add_file(path).document_id
    kb.remove(doc_id)
    again = kb.add_file(path, actor=ANA)
    assert (again.status, again.document_id, again.version, again.previous_version) == ("updated", doc_id, 2, None)
    assert "six months" in quoted(kb, PERIOD) and kb.check().is_clean
    assert [(r["action"], r["version_before"], r["version_after"]) for r in audit.history(kb.catalogue.db)][0] == (
        "update", None, 2)


def test_an_earlier_edition_sent_again_is_refused_not_added_beside_the_new_one(kb, tmp_path):
    first = kb.add_file(write(tmp_path, "handbook.md", GUIDE_V1))
    kb.add_file(write(tmp_path, "handbook-2nd-ed.md", GUIDE_V2), document_id=first.document_id)
    (tmp_path / "inbox").mkdir()
    again = kb.add_file(write(tmp_path / "inbox", "handbook.md", GUIDE_V1))  # the first edition, sent again
    assert again.status == "failed"
    assert f"v1 of {first.document_id}" in again.reason and f"jitbot kb update {first.document_id}" in again.reason
    assert [d["id"] for d in kb.catalogue.documents()] == [first.document_id]
    answer = quoted(kb, PERIOD)
    assert "eighteen months" in answer and "six months" not in answer


def test_another_file_with_a_served_documents_title_is_refused(kb, tmp_path):
    first = kb.add_file(write(tmp_path, "guide.md", GUIDE_V1))
    other = kb.add_file(write(tmp_path, "guide-copy.md", GUIDE_V1.replace("limited period", "fixed period")))
    assert other.status == "failed" and "already has the title" in other.reason
    assert f"jitbot kb update {first.document_id}" in other.reason
    assert [d["id"] for d in kb.catalogue.documents()] == [first.document_id]


def test_a_citation_of_a_later_edition_names_its_version(kb, tmp_path):
    path = write(tmp_path, "jit-guide.md", GUIDE_V1)
    kb.add_file(path)
    path.write_text(GUIDE_V2, encoding="utf-8")
    kb.add_file(path)
    service = AnswerService(HybridSearcher(kb.dense.embedder, kb.dense, kb.lexical), kb.catalogue.served_passages,
                            AnswerConfig(top_k=3, min_relevance=0.3, lexical_rescue=0.55, max_question_chars=300))
    assert service.answer(PERIOD).citations[0].label().startswith("Guide on joint investigation teams (v2), ")
