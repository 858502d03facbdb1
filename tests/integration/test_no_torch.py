"""With the default embedding model, the query path never imports torch or transformers.

Importing them costs ~8 s and ~400 MB: a cold `jitbot ask` must not pay for them.
Each command runs in a fresh interpreter, which then reports what it imported.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow

HEAVY = ("torch", "transformers", "sentence_transformers")

PROBE = """
import json, sys
from bot.cli import main
try:
    main(sys.argv[1:], standalone_mode=False)
finally:
    heavy = sorted(m for m in sys.modules if m.split('.')[0] in {heavy!r})
    print("HEAVY=" + json.dumps(heavy), file=sys.stderr)
""".replace("{heavy!r}", repr(set(HEAVY)))


def _heavy_modules_imported_by(*args: str, data_dir) -> list[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "JITBOT_DATA_DIR": str(data_dir)}
    env.pop("JITBOT_EMBEDDING_MODEL", None)
    done = subprocess.run([sys.executable, "-c", PROBE, *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    line = next(l for l in done.stderr.splitlines() if l.startswith("HEAVY="))
    return json.loads(line.removeprefix("HEAVY="))


def test_ask_and_kb_list_never_import_torch(tmp_path):
    # the first `ask` also loads the sample knowledge base: ingestion is torch-free too
    assert _heavy_modules_imported_by("ask", "What is Operation Webmaster?", data_dir=tmp_path) == []
    assert _heavy_modules_imported_by("ask", "¿Qué es la Operación Webmaster?", data_dir=tmp_path) == []
    assert _heavy_modules_imported_by("kb", "list", data_dir=tmp_path) == []
