"""A new version of a document re-embeds only the passages whose text changed."""

from __future__ import annotations

import numpy as np

from tests.fakes import HashingEmbedder
from tests.unit.test_kb_versions import (
    ANA,
    GUIDE_V1,
    GUIDE_V2,
    PERIOD,
    open_kb,
    quoted,
    write,
)


class RecordingEmbedder(HashingEmbedder):
    def __init__(self):
        super().__init__()
        self.embedded: list[str] = []

    def embed_passages(self, texts, *, show_progress=False):
        self.embedded.extend(texts)
        return super().embed_passages(texts)


def _vectors(kb, document_version: str) -> dict[str, np.ndarray]:
    found = kb.dense.collection.get(include=["embeddings", "metadatas"])
    return {
        meta["passage_id"].split("#")[-1]: np.asarray(vector)
        for meta, vector in zip(found["metadatas"], found["embeddings"])
        if f"@{document_version}#" in meta["passage_id"]
    }


def test_only_the_changed_paragraph_is_embedded_again(tmp_path):
    embedder = RecordingEmbedder()
    kb = open_kb(tmp_path, embedder)
    path = write(tmp_path, "jit-guide.md", GUIDE_V1)
    kb.add_file(path, actor=ANA)
    before = _vectors(kb, "v1")
    embedder.embedded.clear()

    path.write_text(GUIDE_V2, encoding="utf-8")
    result = kb.add_file(path, actor=ANA)

    assert result.status == "updated" and result.version == 2
    assert len(embedder.embedded) == 1 and "eighteen months" in embedder.embedded[0]
    after = _vectors(kb, "v2")
    assert set(after) == set(before)  # every passage of v2 has its vector
    same = [key for key in before if np.allclose(before[key], after[key])]
    assert len(same) == len(before) - 1  # unchanged passages kept theirs
    # and answers come from the new version, with the old one's vectors gone
    assert "eighteen months" in quoted(kb, PERIOD)
    assert kb.dense.ids() == kb.catalogue.served_passage_ids()



def test_a_text_repeated_in_one_batch_is_embedded_once(tmp_path):
    from retrieval.dense_index import DenseIndex

    embedder = RecordingEmbedder()
    index = DenseIndex(embedder, path=tmp_path / "chroma")
    repeated = "Requests for assistance are sent through the central authority of each State."
    index.add(["a@v1#1", "a@v1#2", "a@v1#3"],
              [repeated, "Teams meet monthly in The Hague.", repeated],
              [{"document_id": "a", "version": 1}] * 3)

    assert embedder.embedded.count(repeated) == 1
    assert index.ids() == {"a@v1#1", "a@v1#2", "a@v1#3"}  # both copies have their vector
    found = index.collection.get(ids=["a@v1#1::0", "a@v1#3::0"], include=["embeddings"])
    assert np.allclose(found["embeddings"][0], found["embeddings"][1])
