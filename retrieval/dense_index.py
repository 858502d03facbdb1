"""Passage vectors in Chroma (embedded PersistentClient, or an HTTP server for scale-out).

Vectors are computed by our own embedder and passed in; the collection is still given
an explicit embedding function so that Chroma never falls back to downloading its own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from .embeddings import Embedder


def _embedding_function(embedder: Embedder):
    from chromadb.api.types import Documents, EmbeddingFunction, Embeddings

    class JitbotEmbeddingFunction(EmbeddingFunction[Documents]):
        def __init__(self) -> None:  # chroma inspects __init__; ours takes nothing
            pass

        def __call__(self, input: Documents) -> Embeddings:
            return list(embedder.embed(list(input)))

        @staticmethod
        def name() -> str:
            return "jitbot"

        def get_config(self) -> dict:
            return {"model": embedder.name}

        @staticmethod
        def build_from_config(config: dict) -> "EmbeddingFunction[Documents]":
            raise RuntimeError("jitbot collections must be opened with jitbot's embedder")

    return JitbotEmbeddingFunction()


class DenseIndex:
    """One Chroma collection of passage vectors, cosine space."""

    def __init__(
        self,
        embedder: Embedder,
        *,
        path: Path | None = None,
        url: str | None = None,
        collection: str = "passages",
        client=None,
    ):
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        chroma_settings = ChromaSettings(anonymized_telemetry=False)
        if client is not None:
            self.client = client
        elif url:
            from urllib.parse import urlparse

            parts = urlparse(url)
            self.client = chromadb.HttpClient(
                host=parts.hostname or "localhost",
                port=parts.port or 8000,
                ssl=parts.scheme == "https",
                settings=chroma_settings,
            )
        else:
            assert path is not None, "an embedded index needs a path"
            path.mkdir(parents=True, exist_ok=True)
            self.client = chromadb.PersistentClient(path=str(path), settings=chroma_settings)
        self.embedder = embedder
        self.collection_name = collection
        self.collection = self.client.get_or_create_collection(
            collection,
            embedding_function=_embedding_function(embedder),
            configuration={"hnsw": {"space": "cosine", "ef_search": 128}},
        )

    def count(self) -> int:
        return self.collection.count()

    def add(
        self,
        ids: Sequence[str],
        texts: Sequence[str],
        metadatas: Sequence[dict],
        *,
        batch_size: int = 256,
        progress=None,
    ) -> None:
        """Embed and upsert in batches; `progress(n)` is called after each batch."""
        for start in range(0, len(ids), batch_size):
            stop = start + batch_size
            vectors = self.embedder.embed(texts[start:stop])
            self.collection.upsert(
                ids=list(ids[start:stop]),
                embeddings=vectors,
                metadatas=list(metadatas[start:stop]),
            )
            if progress:
                progress(len(vectors))

    def delete(self, ids: Sequence[str]) -> None:
        for start in range(0, len(ids), 1000):
            self.collection.delete(ids=list(ids[start : start + 1000]))

    def ids(self) -> set[str]:
        return set(self.collection.get(include=[])["ids"])

    def search_vector(self, vector: np.ndarray, k: int) -> list[tuple[str, float]]:
        """(passage id, cosine similarity), best first."""
        n = min(k, self.count())
        if n == 0:
            return []
        result = self.collection.query(
            query_embeddings=[vector], n_results=n, include=["distances"]
        )
        return [(pid, 1.0 - dist) for pid, dist in zip(result["ids"][0], result["distances"][0])]

    def drop(self) -> None:
        self.client.delete_collection(self.collection_name)
