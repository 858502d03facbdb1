import numpy as np

from retrieval.embeddings import VectorCache
from tests.fakes import HashingEmbedder


def test_cached_vectors_equal_fresh_ones_and_are_not_recomputed():
    embedder = HashingEmbedder()
    cache = VectorCache(embedder)
    texts = ["joint investigation teams", "victims of trafficking", "joint investigation teams"]
    first = cache.embed(texts)
    assert np.allclose(first, embedder.embed_passages(texts))
    calls = embedder.calls
    again = cache.embed(["victims of trafficking", "joint investigation teams"])
    assert embedder.calls == calls  # nothing new was embedded
    assert np.allclose(again[0], first[1]) and np.allclose(again[1], first[0])


def test_least_recently_used_vectors_are_dropped_beyond_the_limit():
    embedder = HashingEmbedder()
    cache = VectorCache(embedder, max_items=2)
    cache.embed(["a text", "b text"])
    cache.embed(["a text"])  # a is now the most recently used
    cache.embed(["c text"])  # evicts b
    calls = embedder.calls
    cache.embed(["a text", "c text"])
    assert embedder.calls == calls
    cache.embed(["b text"])
    assert embedder.calls == calls + 1


def test_a_new_process_reads_the_sentence_vectors_an_earlier_one_computed(tmp_path):
    from retrieval.vector_store import SentenceVectorStore

    texts = ["joint investigation teams", "victims of trafficking"]
    first_process = HashingEmbedder()
    before = VectorCache(first_process, store=SentenceVectorStore(tmp_path / "v.db", "fake")).embed(texts)
    assert first_process.calls == 1

    next_process = HashingEmbedder()  # a cold `jitbot ask`: nothing in memory
    cache = VectorCache(next_process, store=SentenceVectorStore(tmp_path / "v.db", "fake"))
    after = cache.embed([*texts, "a sentence never quoted"])
    assert np.array_equal(after[:2], before)  # bit for bit: the same answer either way
    assert next_process.calls == 1  # only the new sentence was embedded
    assert np.allclose(after[2], next_process.embed_passages(["a sentence never quoted"])[0])


def test_vectors_of_another_model_are_not_read_back(tmp_path):
    from retrieval.vector_store import SentenceVectorStore

    VectorCache(HashingEmbedder(), store=SentenceVectorStore(tmp_path / "v.db", "model-a")).embed(["a text"])
    other = HashingEmbedder()
    VectorCache(other, store=SentenceVectorStore(tmp_path / "v.db", "model-b")).embed(["a text"])
    assert other.calls == 1


def test_a_store_that_cannot_be_written_only_costs_the_embedding(tmp_path):
    from retrieval.vector_store import SentenceVectorStore

    store = SentenceVectorStore(tmp_path / "missing-folder" / "v.db", "fake")
    embedder = HashingEmbedder()
    vectors = VectorCache(embedder, store=store).embed(["joint investigation teams"])
    assert np.allclose(vectors, embedder.embed_passages(["joint investigation teams"]))
    assert store.get(["joint investigation teams"]) == {}


def test_the_store_keeps_at_most_max_rows_dropping_the_oldest(tmp_path):
    from retrieval.vector_store import SentenceVectorStore

    store = SentenceVectorStore(tmp_path / "v.db", "fake", max_rows=2)
    embedder = HashingEmbedder()
    for text in ("first text", "second text", "third text"):
        store.put([text], embedder.embed_passages([text]))
    assert set(store.get(["first text", "second text", "third text"])) == {"second text", "third text"}
