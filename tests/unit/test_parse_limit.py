"""Issue 13 item 4: a file whose parsing would take too long is refused, naming the file and the limit."""

from __future__ import annotations

import time

import pytest
from click.testing import CliRunner

from bot import cli
from knowledge import deadline
from knowledge.catalogue import Catalogue
from knowledge.ingest import KnowledgeBase
from knowledge.limits import FileLimits
from retrieval.dense_index import DenseIndex
from retrieval.lexical_index import LexicalIndex
from tests.docx_bomb import build_docx_bomb
from tests.unit.test_cli_kb import HashingServices

NO_SIZE_CAPS = {"max_unpacked_mb": 1000, "max_compression_ratio": 1e9, "max_passages": 10**7}


def open_kb(tmp_path, embedder, **limits) -> KnowledgeBase:
    return KnowledgeBase(Catalogue(tmp_path / "catalogue.db"), DenseIndex(embedder, path=tmp_path / "chroma"),
                         LexicalIndex(tmp_path / "bm25"), limits=FileLimits(**limits))


@pytest.fixture(scope="module")
def docx_bomb(tmp_path_factory):
    """The issue's file: ≈90 KB of .docx holding 18.8 MB of XML, 200,000 tiny paragraphs."""
    return build_docx_bomb(tmp_path_factory.mktemp("bomb") / "handbook.docx")


def test_the_issues_docx_is_refused_by_the_default_limits_before_parsing(tmp_path, fake_embedder, docx_bomb):
    assert docx_bomb.stat().st_size < 100_000
    kb = open_kb(tmp_path, fake_embedder)
    result = kb.add_file(docx_bomb)
    assert result.status == "failed"
    assert result.line().startswith(f"failed     {docx_bomb}: unpacks ")
    assert "JITBOT_MAX_COMPRESSION_RATIO" in result.reason
    assert kb.catalogue.documents() == []


def test_without_the_size_caps_the_parse_time_limit_stops_it(tmp_path, fake_embedder, docx_bomb):
    """Before the limit: 200,001 passages after minutes of parsing. Now: refused at the limit."""
    kb = open_kb(tmp_path, fake_embedder, **NO_SIZE_CAPS, max_parse_seconds=1)
    result = kb.add_file(docx_bomb)
    assert result.status == "failed"
    assert result.reason == ("parsing took longer than the limit of 1 s (JITBOT_MAX_PARSE_SECONDS); "
                             "nothing was changed")
    assert str(docx_bomb) in result.line()
    assert kb.catalogue.documents() == [] and kb.catalogue.unfinished_versions() == []
    assert not kb.lock._holder.depth  # the lock was never taken: parsing happens before it


def test_the_chunker_checks_the_limit_too(tmp_path, fake_embedder):
    long_text = tmp_path / "minutes.md"
    long_text.write_text("# Minutes\n\n" + "\n\n".join(
        f"{i}. The team met and agreed on item {i} of the joint investigation plan." for i in range(1, 20001)))
    slow = open_kb(tmp_path / "a", fake_embedder, **NO_SIZE_CAPS, max_parse_seconds=0.05)
    result = slow.add_file(long_text)
    assert result.status == "failed" and "(JITBOT_MAX_PARSE_SECONDS)" in result.reason


def test_a_file_within_the_limit_is_added(tmp_path, fake_embedder):
    guide = tmp_path / "guide.md"
    guide.write_text("# Guide\n\n1. A joint investigation team is set up by written agreement.\n")
    assert open_kb(tmp_path, fake_embedder, max_parse_seconds=60).add_file(guide).status == "added"


def test_the_deadline_is_per_block_and_gone_after_it():
    with deadline.parse_deadline(0.01):
        deadline.check()
        time.sleep(0.02)
        with pytest.raises(deadline.ParseTimeExceeded):
            deadline.check()
    deadline.check()  # outside any parse: no limit


def test_the_setting_reaches_kb_add(tmp_path, monkeypatch):
    monkeypatch.setattr(cli, "Services", HashingServices)
    minutes = tmp_path / "minutes.md"
    minutes.write_text("# Minutes\n\n" + "\n\n".join(f"{i}. Item {i} was agreed." for i in range(1, 20001)))
    result = CliRunner().invoke(cli.main, ["--data-dir", str(tmp_path / "data"), "kb", "add", str(minutes)],
                                env={"JITBOT_MAX_PARSE_SECONDS": "0.01"})
    assert result.exit_code == 1
    assert f"failed     {minutes}: parsing took longer than the limit of 0.01 s (JITBOT_MAX_PARSE_SECONDS)" \
        in result.stderr
