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
