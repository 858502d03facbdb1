"""Originals are kept; `reindex` re-processes them atomically; outline and summary say what was found."""

from __future__ import annotations

import shutil
from pathlib import Path

from knowledge import audit
from knowledge.outline import outline, summary
from knowledge.reindex import reindex
from tests.unit.test_kb_versions import ANA, open_kb

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "structure"


def test_original_is_kept_and_reindex_serves_a_new_version(tmp_path, fake_embedder):
    kb = open_kb(tmp_path, fake_embedder)
    source = tmp_path / "incoming" / "treaty.docx"
    source.parent.mkdir()
    shutil.copyfile(CORPUS / "treaty.docx", source)
    added = kb.add_file(source)
    assert added.structure == "8 articles, 1 annex, 32 passages, 2 footnotes"
    source.unlink()  # the coordinator's copy is gone: the data directory has its own
    original = kb.data_dir / kb.catalogue.version("treaty", 1)["original"]
    assert original.read_bytes() == (CORPUS / "treaty.docx").read_bytes()

    # an older knowledge base was chunked differently: simulate by editing a locator
    with kb.catalogue.lock, kb.catalogue.db.conn:
        kb.catalogue.db.execute("update passages set locator = 'paragraph 23' where document_id = 'treaty'")
    [result] = reindex(kb, ["treaty"], actor=ANA)
    assert (result.status, result.version, result.previous_version) == ("reindexed", 2, 1)
    served = kb.catalogue.passages_of("treaty", kb.catalogue.serving_version("treaty"))
    assert "art. 4(2)" in [p.locator for p in served] and {p.unit for p in served} >= {"art. 4", "annex II"}
    assert kb.check().is_clean  # the old version's passages left both indexes
    assert audit.history(kb.catalogue.db, "treaty", 1)[0]["action"] == "reindex"

    shutil.copyfile(CORPUS / "treaty.docx", source)
    assert kb.add_file(source).status == "unchanged"  # same content: still a no-op


def test_reindex_names_what_it_cannot_do(tmp_path, fake_embedder):
    kb = open_kb(tmp_path, fake_embedder)
    kb.add_file(CORPUS / "law.md")
    with kb.catalogue.lock, kb.catalogue.db.conn:  # as if added before originals were kept
        kb.catalogue.db.execute("update versions set original = null")
    results = {r.document_id: r for r in reindex(kb, ["law", "nope"])}
    assert results["law"].status == "no original" and "add its file again" in results["law"].line()
    assert results["nope"].status == "not found"
    assert kb.catalogue.serving_version("law") == 1  # nothing changed


def test_outline_and_summary_of_a_pdf(tmp_path, fake_embedder):
    kb = open_kb(tmp_path, fake_embedder)
    added = kb.add_file(CORPUS / "law.pdf")
    assert added.structure == "6 sections, 17 passages, 2 pages"
    lines = outline(kb.catalogue.passages_of("law", 1))
    assert lines[:3] == [
        "  Part 1 – Preliminary",
        "    Section 1 – Short title and commencement",
        "      section 1(1), p. 1  section 1(2), p. 1",
    ]
    assert summary([], None) == "0 passages"
