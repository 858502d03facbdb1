"""Writers in other processes: `kill -9` mid-update, and `jitbot kb` while the bot serves.

The writer is a separate process, as `jitbot kb add` in a shell is. Killed with SIGKILL after
the first batch of vectors of the new version is in Chroma, no Python cleanup runs and its
write lock dies with it. Finishing normally, it changes what a running bot (this process,
with its indexes in memory) must serve without a restart.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from knowledge import audit
from tests.unit.test_kb_versions import GUIDE_V1, GUIDE_V2, PERIOD, open_kb, quoted

ROOT = Path(__file__).resolve().parents[2]

WRITER = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    sys.path.insert(0, {root!r})
    from knowledge.catalogue import Catalogue
    from knowledge.ingest import KnowledgeBase
    from knowledge.write_lock import WriteLock
    from retrieval.dense_index import DenseIndex
    from retrieval.lexical_index import LexicalIndex
    from tests.fakes import HashingEmbedder

    class DiesMidway(DenseIndex):
        def add(self, ids, texts, metadatas, **kw):
            super().add(ids[:1], texts[:1], metadatas[:1])
            if sys.argv[3] == "kill":
                os.kill(os.getpid(), signal.SIGKILL)
            super().add(ids[1:], texts[1:], metadatas[1:])

    data = Path(sys.argv[1])
    kb = KnowledgeBase(Catalogue(data / "catalogue.db"), DiesMidway(HashingEmbedder(), path=data / "chroma"),
                       LexicalIndex(data / "bm25"), lock=WriteLock(data / "kb.lock"))
    print(kb.add_file(Path(sys.argv[2])).line())
""")


def writer(data: Path, path: Path, mode: str) -> subprocess.CompletedProcess:
    script = WRITER.format(root=str(ROOT))
    return subprocess.run([sys.executable, "-c", script, str(data), str(path), mode],
                          capture_output=True, text=True, timeout=120, check=False, env={"ANONYMIZED_TELEMETRY": "False",
                                                                             "PATH": "/usr/bin:/bin"})


@pytest.mark.slow
def test_a_writer_killed_mid_update_leaves_the_old_version_served(tmp_path, fake_embedder):
    data, guide = tmp_path / "data", tmp_path / "jit-guide.md"
    guide.write_text(GUIDE_V1)
    first = writer(data, guide, "finish")
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("added      jit-guide v1")
    guide.write_text(GUIDE_V2)
    killed = writer(data, guide, "kill")
    assert killed.returncode == -9, killed.stderr

    kb = open_kb(data, fake_embedder)  # the next run, in this process
    answer = quoted(kb, PERIOD)
    assert "six months" in answer and "eighteen" not in answer
    found = kb.check()
    assert [v["id"] for v in found.unfinished] == ["jit-guide@v2"]
    # v2's vectors written before the kill (copied ones of unchanged passages included)
    assert found.stray_vectors and all(v.startswith("jit-guide@v2#") for v in found.stray_vectors)

    assert kb.repair() == ["jit-guide: discarded unfinished v2 (jit-guide.md, 3 passages)"]
    assert kb.check().is_clean
    result = kb.add_file(guide)  # the dead writer's lock did not outlive it
    assert (result.status, result.version, result.previous_version) == ("updated", 2, 1)
    assert "eighteen months" in quoted(kb, PERIOD) and kb.check().is_clean
    assert [r["action"] for r in audit.history(kb.catalogue.db)] == ["update", "cleanup", "add"]


def test_a_running_bot_serves_what_another_process_changed_without_a_restart(tmp_path):
    from bot.settings import Settings
    from tests.integration.telegram_harness import FakeModelServices

    data, guide = tmp_path / "data", tmp_path / "jit-guide.md"
    guide.write_text(GUIDE_V1)
    bot = FakeModelServices(Settings(data_dir=data))  # what `jitbot serve` holds in memory
    assert bot.knowledge_base.add_file(guide).status == "added"
    assert "six months" in bot.answer_service.answer(PERIOD).answer

    guide.write_text(GUIDE_V2)
    shell = writer(data, guide, "finish")  # `jitbot kb add` in a shell meanwhile
    assert shell.stdout.startswith("updated    jit-guide v2 (replaces v1)"), shell.stderr
    answer = bot.answer_service.answer(PERIOD).answer
    assert "eighteen months" in answer and "six months" not in answer

    assert bot.knowledge_base.remove("jit-guide").status == "removed"  # the bot writes next
    assert bot.knowledge_base.check().is_clean
    assert bot.answer_service.answer(PERIOD).abstained
