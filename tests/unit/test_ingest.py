"""Adding documents: versions, unchanged files, and failures that leave nothing behind."""

from __future__ import annotations

import pytest

from knowledge.catalogue import Catalogue
from knowledge.ingest import KnowledgeBase
from retrieval.dense_index import DenseIndex
from retrieval.lexical_index import LexicalIndex

GUIDE = (
    "# Guide on joint investigation teams\n\n"
    "1. A joint investigation team is set up by written agreement between the competent "
    "authorities of two or more States for a specific purpose and a limited period.\n\n"
    "2. The team leader is a representative of the competent authority of the State in "
    "which the team operates, acting within the limits of national law.\n\n"
    "3. Seconded members may be entrusted with investigative measures in the State of "
    "operation where the leader and their own authorities agree.\n"
)


class ExplodingDenseIndex(DenseIndex):
    """A real Chroma index that fails part-way through indexing, like a crash would."""

    def add(self, ids, texts, metadatas, **kw):
        super().add(ids[:1], texts[:1], metadatas[:1])
        raise RuntimeError("disk full")


@pytest.fixture
def kb(tmp_path, fake_embedder):
    catalogue = Catalogue(tmp_path / "catalogue.db")
    dense = DenseIndex(fake_embedder, path=tmp_path / "chroma")
    lexical = LexicalIndex(tmp_path / "bm25")
    return KnowledgeBase(catalogue, dense, lexical)


def state(kb):
    return (
        [(d["id"], d["current_version"]) for d in kb.catalogue.documents()],
        kb.catalogue.passage_count(),
        sorted(kb.dense.ids()),
        sorted(kb.lexical.ids),
    )


def test_add_then_unchanged_then_new_version(kb, tmp_path):
    path = tmp_path / "jit-guide.md"
    path.write_text(GUIDE)
    first = kb.add_file(path)
    assert (first.status, first.version, first.passages) == ("added", 1, 3)
    assert first.title == "Guide on joint investigation teams"
    assert kb.add_file(path).status == "unchanged"

    path.write_text(GUIDE.replace("limited period", "limited period, which may be extended"))
    second = kb.add_file(path)
    assert (second.status, second.document_id, second.version) == ("updated", first.document_id, 2)
    served = kb.catalogue.served_passages(sorted(kb.dense.ids()))
    assert len(served) == 3 and {p.version for p in served.values()} == {2}
    assert any("may be extended" in p.text for p in served.values())


def test_failed_indexing_leaves_the_knowledge_base_as_it_was(kb, tmp_path, fake_embedder):
    good = tmp_path / "jit-guide.md"
    good.write_text(GUIDE)
    kb.add_file(good)
    before = state(kb)

    broken = KnowledgeBase(kb.catalogue, ExplodingDenseIndex(fake_embedder, path=tmp_path / "chroma"), kb.lexical)
    other = tmp_path / "other.md"
    other.write_text(GUIDE.replace("joint investigation teams", "mutual legal assistance"))
    with pytest.raises(RuntimeError, match="disk full"):
        broken.add_file(other)
    assert state(kb) == before


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("empty.md", b"", "empty"),
        ("binary.pdf", b"\x89PNG\r\n\x1a\n not a pdf", "not a PDF"),
        ("tool.exe", b"MZ", "unsupported"),
    ],
)
def test_bad_files_fail_with_a_reason_and_change_nothing(kb, tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    before = state(kb)
    result = kb.add_file(path)
    assert result.status == "failed"
    assert reason.lower() in result.reason.lower()
    assert name in result.line()
    assert state(kb) == before


def _docx_with_tiny_paragraphs(path, count: int) -> None:
    """A DOCX like the issue's: ~100 KB on disk, ~18 MB of XML, `count` one-word paragraphs."""
    import zipfile

    body = "<w:p><w:r><w:t>x</w:t></w:r></w:p>" * count
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", (
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.document.main+xml"/></Types>'))
        archive.writestr("_rels/.rels", (
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="word/document.xml"/></Relationships>'))
        archive.writestr("word/document.xml", f'<?xml version="1.0"?><w:document {ns}><w:body>{body}</w:body></w:document>')


def test_a_docx_that_unpacks_to_megabytes_of_tiny_paragraphs_is_refused_before_parsing(kb, tmp_path):
    bomb = tmp_path / "handbook.docx"
    _docx_with_tiny_paragraphs(bomb, 200_000)
    assert bomb.stat().st_size < 200_000
    before = state(kb)
    result = kb.add_file(bomb)
    assert result.status == "failed"
    assert "JITBOT_MAX_COMPRESSION_RATIO" in result.reason and "unpacks" in result.reason
    assert state(kb) == before


def test_a_document_with_more_passages_than_the_limit_is_refused(tmp_path, fake_embedder):
    from knowledge.limits import FileLimits

    kb = KnowledgeBase(Catalogue(tmp_path / "catalogue.db"), DenseIndex(fake_embedder, path=tmp_path / "chroma"),
                       LexicalIndex(tmp_path / "bm25"), limits=FileLimits(max_passages=3))
    path = tmp_path / "long.md"
    path.write_text("\n\n".join(f"# Part {i}\n\nParagraph {i} about joint investigation teams." for i in range(10)))
    result = kb.add_file(path)
    assert result.status == "failed" and "over the limit of 3 per document (JITBOT_MAX_PASSAGES)" in result.reason
    assert state(kb) == ([], 0, [], [])


def test_a_large_file_starts_the_batch_engine_before_it_is_parsed_and_a_small_one_does_not(tmp_path):
    from tests.fakes import HashingEmbedder

    class EngineEmbedder(HashingEmbedder):
        started = 0

        def start_batch_engine(self):
            self.started += 1

    embedder = EngineEmbedder()
    kb = KnowledgeBase(Catalogue(tmp_path / "catalogue.db"), DenseIndex(embedder, path=tmp_path / "chroma"),
                       LexicalIndex(tmp_path / "bm25"))
    small, large = tmp_path / "small.md", tmp_path / "large.md"
    small.write_text(GUIDE)
    large.write_text(GUIDE.replace("# Guide on", "# Handbook on") + "\n\n".join(f"{n}. " + GUIDE.split("1. ")[1] for n in range(4, 200)))
    assert kb.add_file(small).status == "added" and embedder.started == 0
    assert kb.add_file(large).status == "added" and embedder.started == 1
