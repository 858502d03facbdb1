"""Passage vectors in Chroma (embedded PersistentClient, or an HTTP server for scale-out).

Vectors are computed by our own embedder and passed in; the collection is still given
an explicit embedding function so that Chroma never falls back to downloading its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from knowledge.scope import (
    EVERYTHING,
    NETWORK_KEY,
    RESTRICTED_KEY,
    Scope,
    index_metadata,
)

from .embeddings import Embedder
from .sentences import split_sentences


def scope_where(scope: Scope) -> dict | None:
    """The Chroma `where` filter for what `scope` may read (None: no filter at all).

    Public vectors carry no "restricted" key ($ne matches them, and every vector written
    before networks existed); restricted ones match only through one of their networks.
    """
    if scope.networks is None:
        return None
    clauses = [{RESTRICTED_KEY: {"$ne": True}}]
    clauses += [{NETWORK_KEY.format(n): True} for n in sorted(scope.networks)]
    return clauses[0] if len(clauses) == 1 else {"$or": clauses}


def _embedding_function(embedder: Embedder):
    from chromadb.api.types import Documents, EmbeddingFunction, Embeddings

    class JitbotEmbeddingFunction(EmbeddingFunction[Documents]):
        def __init__(self) -> None:  # chroma inspects __init__; ours takes nothing
            pass

        def __call__(self, input: Documents) -> Embeddings:
            return list(embedder.embed_passages(list(input)))

        @staticmethod
        def name() -> str:
            return "jitbot"

        def get_config(self) -> dict:
            return {"model": embedder.name}

        @staticmethod
        def build_from_config(config: dict) -> EmbeddingFunction[Documents]:
            raise RuntimeError("jitbot collections must be opened with jitbot's embedder")

    return JitbotEmbeddingFunction()


class IndexModelMismatch(RuntimeError):
    """The vectors on disk were written by another embedding model than the configured one."""


LEGACY_MODEL = {"embedding_model": "bundled:all-MiniLM-L6-v2", "embedding_backend": "sentence-transformers"}
#: every index written before the window was recorded cut passages at 900 characters
LEGACY_WINDOW = 900
#: recorded for "one vector per passage, however long"
WHOLE = 0


def window_of(embedder: Embedder) -> int | None:
    return getattr(embedder, "window_chars", LEGACY_WINDOW)


def model_record(embedder: Embedder, *, dimension: int | None = None, window: int | None | str = "model") -> dict:
    """What a collection records about the model that wrote its vectors, and how passages
    were cut into windows (0: not at all)."""
    record = {"embedding_model": embedder.name, "embedding_backend": embedder.backend}
    if dimension is not None:
        record["embedding_dimension"] = int(dimension)
    window = window_of(embedder) if window == "model" else window
    record["embedding_window_chars"] = int(window or WHOLE)
    return record


def _passage_of(vector_id: str, metadata: dict | None) -> str:
    """The passage a vector belongs to (vectors written before windows have no passage_id)."""
    return (metadata or {}).get("passage_id") or vector_id.split("::")[0]


def windows(text: str, max_chars: int | None) -> list[str]:
    """`text` whole if short (or `max_chars` is None), else overlapping runs of whole
    sentences of ~max_chars (the embedder's `window_chars`: what its model can read)."""
    if max_chars is None or len(text) <= max_chars:
        return [text]
    sentences = split_sentences(text)
    out: list[str] = []
    start = 0
    while start < len(sentences):
        stop, size = start, 0
        while stop < len(sentences) and (stop == start or size + len(sentences[stop]) <= max_chars):
            size += len(sentences[stop]) + 1
            stop += 1
        out.append(" ".join(sentences[start:stop]))
        if stop >= len(sentences):
            break
        start = max(stop - 1, start + 1)  # one sentence of overlap keeps context
    return out


def _embed_once(embedder: Embedder, texts: list[str]) -> np.ndarray:
    """Vectors for `texts`, embedding each distinct text once (repeated boilerplate, a
    paragraph quoted twice): the same text always gets the same vector anyway."""
    distinct = list(dict.fromkeys(texts))
    if len(distinct) == len(texts):
        return embedder.embed_passages(texts)
    vectors = embedder.embed_passages(distinct)
    row = {text: n for n, text in enumerate(distinct)}
    return vectors[[row[text] for text in texts]]


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
        check_model: bool = True,
    ):
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        chroma_settings = ChromaSettings(anonymized_telemetry=False)
        self.path = path if client is None and not url else None  # an embedded index's directory
        self._chroma_settings = chroma_settings
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
        self.check_model = check_model
        self.collection = self._open_collection(self.client)

    def _open_collection(self, client, name: str | None = None):
        collection = client.get_or_create_collection(
            name or self.collection_name,
            embedding_function=_embedding_function(self.embedder),
            configuration={"hnsw": {"space": "cosine", "ef_search": 128}},
        )
        if self.check_model and name is None:
            self._check_model(collection)
        return collection

    def recorded_model(self, collection=None) -> dict | None:
        """The model that wrote the vectors (None for an empty index).

        Indexes written before models were recorded hold all-MiniLM-L6-v2 vectors: it was
        the only model jitbot shipped then.
        """
        collection = collection or self.collection
        meta = collection.metadata or {}
        if "embedding_model" in meta:
            return {k: v for k, v in meta.items() if k.startswith("embedding_")}
        return dict(LEGACY_MODEL) if collection.count() else None

    def _check_model(self, collection) -> None:
        recorded = self.recorded_model(collection)
        if recorded is None:
            return
        if (recorded["embedding_model"], recorded["embedding_backend"]) != (
            self.embedder.name, self.embedder.backend
        ):
            raise IndexModelMismatch(
                f"the index was embedded with {recorded['embedding_model']} "
                f"({recorded['embedding_backend']}) but JITBOT_EMBEDDING_MODEL is "
                f"{self.embedder.name}: run `jitbot kb reindex` to re-embed it "
                "(the old index is served until the new one is complete)"
            )

    def window_chars(self, collection=None) -> int | None:
        """How passages are cut into windows in this collection: as its vectors were cut
        when it was written (an index written before it was recorded: 900 characters), so
        one index never mixes two cuts; a new or re-embedded one as its model reads."""
        collection = collection or self.collection
        meta = collection.metadata or {}
        if "embedding_window_chars" in meta:
            return int(meta["embedding_window_chars"]) or None
        return LEGACY_WINDOW if collection.count() else window_of(self.embedder)

    def _record_model(self, collection, dimension: int, window: int | None) -> None:
        meta = collection.metadata or {}
        if (meta.get("embedding_dimension") == dimension and meta.get("embedding_model") == self.embedder.name
                and "embedding_window_chars" in meta):
            return
        if meta.get("embedding_dimension") not in (None, dimension):
            raise IndexModelMismatch(
                f"the index holds {meta['embedding_dimension']}-dimensional vectors, "
                f"{self.embedder.name} makes {dimension}: run `jitbot kb reindex`"
            )
        keep = {k: v for k, v in meta.items() if not k.startswith("embedding_") and not k.startswith("hnsw:")}
        collection.modify(metadata={**keep, **model_record(self.embedder, dimension=dimension, window=window)})

    def reopen(self) -> None:
        """See what another process wrote (e.g. `jitbot kb add` while the bot serves).

        Embedded Chroma keeps one in-memory system per directory and process, which never
        sees other processes' writes. Dropping it from chromadb's cache (without stopping
        it, so that searches running now finish on it) makes a new client load the
        directory afresh. A Chroma server is shared and always current: nothing to do.
        """
        if self.path is None:
            return
        import chromadb
        from chromadb.api.shared_system_client import SharedSystemClient

        SharedSystemClient._identifier_to_system.pop(str(self.path), None)  # private; chromadb<2
        client = chromadb.PersistentClient(path=str(self.path), settings=self._chroma_settings)
        self.client, self.collection = client, self._open_collection(client)

    def prepare_to_embed(self) -> None:
        """Many passages are coming: an embedder with an engine for large batches starts it now."""
        if start := getattr(self.embedder, "start_batch_engine", None):
            start()

    def count(self) -> int:
        """Passages indexed (not vectors: a long passage has several)."""
        return len(self.ids())

    def add(
        self,
        ids: Sequence[str],
        texts: Sequence[str],
        metadatas: Sequence[dict],
        *,
        batch_size: int = 256,
        progress=None,
        collection=None,
    ) -> None:
        """Embed and upsert in batches; `progress(n)` is called with passages done.

        A passage longer than the model's window gets one vector per window of
        sentences (ids "<passage>::<n>"), so its end is searchable too.
        """
        target = collection if collection is not None else self.collection
        window_chars = self.window_chars(target)
        for start in range(0, len(ids), batch_size):
            stop = start + batch_size
            vector_ids, vector_texts, vector_meta = [], [], []
            for pid, text, meta in zip(ids[start:stop], texts[start:stop], metadatas[start:stop]):
                for n, window in enumerate(windows(text, window_chars)):
                    vector_ids.append(f"{pid}::{n}")
                    vector_texts.append(window)
                    vector_meta.append({**meta, "passage_id": pid})
            vectors = _embed_once(self.embedder, vector_texts)
            self._record_model(target, int(vectors.shape[1]), window_chars)
            target.upsert(ids=vector_ids, embeddings=vectors, metadatas=vector_meta)
            if progress:
                progress(len(ids[start:stop]))

    def copy_vectors(self, sources: dict[str, str], metadatas: dict[str, dict]) -> set[str]:
        """Give each new passage the vectors of an old one with the same text.

        `sources` maps new passage id -> old passage id; returns the new ids that got vectors
        (an old passage without recorded vectors is left for the caller to embed).
        """
        if not sources:
            return set()
        by_old: dict[str, list] = {}
        olds = sorted(set(sources.values()))
        for start in range(0, len(olds), 500):
            found = self.collection.get(
                where={"passage_id": {"$in": olds[start : start + 500]}},
                include=["embeddings", "metadatas"],
            )
            for vid, vector, meta in zip(found["ids"], found["embeddings"], found["metadatas"]):
                by_old.setdefault(_passage_of(vid, meta), []).append((vid, vector))
        ids, vectors, metas, done = [], [], [], set()
        for new, old in sources.items():
            for vid, vector in by_old.get(old, []):
                window = vid.split("::", 1)[1] if "::" in vid else "0"
                ids.append(f"{new}::{window}")
                vectors.append(vector)
                metas.append({**metadatas[new], "passage_id": new})
            if old in by_old:
                done.add(new)
        for start in range(0, len(ids), 500):
            self.collection.upsert(ids=ids[start : start + 500], embeddings=vectors[start : start + 500],
                                   metadatas=metas[start : start + 500])
        return done

    def delete(self, ids: Sequence[str]) -> None:
        for start in range(0, len(ids), 500):
            batch = list(ids[start : start + 500])
            self.collection.delete(where={"passage_id": {"$in": batch}})
            self.collection.delete(ids=batch)  # vectors written before windows: id = passage id

    def ids(self) -> set[str]:
        """The passage ids that have at least one vector."""
        found = self.collection.get(include=["metadatas"])
        return {_passage_of(vid, meta) for vid, meta in zip(found["ids"], found["metadatas"])}

    def set_networks(self, passage_ids: Sequence[str], networks: Sequence[str]) -> None:
        """Re-label the vectors of these passages with other networks (empty: public)."""
        wanted = index_metadata(networks)
        for start in range(0, len(passage_ids), 500):
            found = self.collection.get(
                where={"passage_id": {"$in": list(passage_ids[start : start + 500])}}, include=["metadatas"]
            )
            if not found["ids"]:
                continue
            metas = []
            for meta in found["metadatas"]:
                stale = {k: None for k in (meta or {}) if k == RESTRICTED_KEY or k.startswith(NETWORK_KEY.format(""))}
                metas.append({**stale, **wanted} or {"passage_id": (meta or {}).get("passage_id")})
            self.collection.update(ids=found["ids"], metadatas=metas)

    def search_vector(self, vector: np.ndarray, k: int, scope: Scope = EVERYTHING) -> list[tuple[str, float]]:
        """(passage id, cosine similarity of its best window), best first; only vectors
        `scope` may read are candidates (the filter runs inside Chroma's search)."""
        n = min(k * 2, self.collection.count())
        if n == 0:
            return []
        where = scope_where(scope)
        result = self.collection.query(
            query_embeddings=[vector], n_results=n, include=["distances", "metadatas"],
            **({"where": where} if where is not None else {}),
        )
        best: dict[str, float] = {}
        for vid, meta, dist in zip(result["ids"][0], result["metadatas"][0], result["distances"][0]):
            pid = _passage_of(vid, meta)
            if pid not in best:  # results come best first
                best[pid] = 1.0 - dist
        return list(best.items())[:k]

    def drop(self) -> None:
        self.client.delete_collection(self.collection_name)
