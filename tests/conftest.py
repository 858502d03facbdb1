from __future__ import annotations

import os
from pathlib import Path

import pytest

# No model weights may be fetched: the embedding model comes from an installed package.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
# Most tests answer from the bundled samples; tests of the default (off) say so explicitly.
os.environ.setdefault("JITBOT_SAMPLES", "on")

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SAMPLES = ROOT / "knowledge" / "samples"
QA_DEV = ROOT / "tests" / "eval" / "qa-dev.jsonl"  # the project's copy of the dev questions


@pytest.fixture(scope="session")
def real_embedder():
    """The default embedding model (bundled multilingual-e5-small), loaded once per session."""
    from bot.settings import DEFAULT_EMBEDDING_MODEL
    from retrieval.embeddings import make_embedder

    embedder = make_embedder(DEFAULT_EMBEDDING_MODEL)
    embedder.embed_queries(["warm up"])
    return embedder


@pytest.fixture
def fake_embedder():
    from tests.fakes import HashingEmbedder

    return HashingEmbedder()
