"""Which errors count as a full or failing disk, and a rollback that fails itself (issue 13 item 5)."""

from __future__ import annotations

import errno
import sqlite3

import pytest

from knowledge.storage import StorageError, storage_problem
from retrieval.dense_index import DenseIndex
from tests.unit.test_kb_versions import GUIDE_V1, GUIDE_V2, PERIOD, open_kb, quoted


def chained(outer: Exception, inner: Exception) -> Exception:
    try:
        try:
            raise inner
        except Exception as error:
            raise outer from error
    except Exception as error:  # noqa: BLE001 - what a caller would catch
        return error


@pytest.mark.parametrize(("error", "kind"), [
    (OSError(errno.ENOSPC, "No space left on device"), "full"),
    (OSError(errno.EDQUOT, "Disk quota exceeded"), "full"),
    (OSError(errno.EIO, "Input/output error"), "io"),
    (OSError(errno.EROFS, "Read-only file system"), "io"),
    (sqlite3.OperationalError("database or disk is full"), "full"),
    (sqlite3.OperationalError("disk I/O error"), "io"),
    (sqlite3.DatabaseError("file is not a database"), "io"),
    (chained(RuntimeError("indexing failed"), sqlite3.OperationalError("database or disk is full")), "full"),
])
def test_disk_full_and_io_errors_are_recognised(error, kind):
    found = storage_problem(error)
    assert found is not None and found[0] == kind


@pytest.mark.parametrize("error", [ValueError("bad value"), OSError(errno.ENOENT, "No such file"),
                                   sqlite3.IntegrityError("UNIQUE constraint failed"), RuntimeError("boom")])
def test_other_errors_are_not_taken_for_a_full_disk(error, tmp_path):
    assert storage_problem(error, tmp_path) is None


class FailsAndCannotRollBack(DenseIndex):
    broken = False

    def add(self, ids, texts, metadatas, **kw):
        if self.broken:
            super().add(ids[:1], texts[:1], metadatas[:1])
            raise RuntimeError("embedding server went away")
        super().add(ids, texts, metadatas, **kw)

    def delete(self, ids):
        if self.broken:
            raise RuntimeError("vector store unavailable")
        super().delete(ids)


def test_a_rollback_that_fails_leaves_the_version_marked_for_the_next_change(tmp_path, fake_embedder):
    kb = open_kb(tmp_path, fake_embedder, dense_class=FailsAndCannotRollBack)
    guide = tmp_path / "jit-guide.md"
    guide.write_text(GUIDE_V1)
    assert kb.add_file(guide).status == "added"
    guide.write_text(GUIDE_V2)
    kb.dense.broken = True
    with pytest.raises(RuntimeError, match="embedding server went away"):  # the first error, not the rollback's
        kb.add_file(guide)
    assert [v["id"] for v in kb.catalogue.unfinished_versions()] == ["jit-guide@v2"]
    assert "six months" in quoted(kb, PERIOD) and "eighteen" not in quoted(kb, PERIOD)
    kb.dense.broken = False
    result = kb.add_file(guide)  # the lock was released; this change cleans up first
    assert (result.status, result.version, result.previous_version) == ("updated", 2, 1)
    assert kb.catalogue.unfinished_versions() == [] and kb.check().is_clean


def test_a_storage_error_while_indexing_is_one_line_and_never_rolls_back_through_chroma(tmp_path, fake_embedder):
    class FullDisk(DenseIndex):
        full = False
        deletes_after_failure = 0
        failed = False

        def add(self, ids, texts, metadatas, **kw):
            if self.full:
                self.failed = True
                raise OSError(errno.ENOSPC, "No space left on device")
            super().add(ids, texts, metadatas, **kw)

        def delete(self, ids):
            if self.failed:
                FullDisk.deletes_after_failure += 1
            super().delete(ids)

        def reopen(self):
            super().reopen()
            self.failed = False

    kb = open_kb(tmp_path, fake_embedder, dense_class=FullDisk)
    guide = tmp_path / "jit-guide.md"
    guide.write_text(GUIDE_V1)
    kb.add_file(guide)
    guide.write_text(GUIDE_V2)
    kb.dense.full = True
    with pytest.raises(StorageError) as raised:
        kb.add_file(guide)
    message = str(raised.value)
    assert "\n" not in message and f"the disk holding the data directory {tmp_path} is full" in message
    assert "still served" in message and "kb check --repair" in message
    assert FullDisk.deletes_after_failure == 0 and not kb.dense.failed  # reopened, not touched
    assert "six months" in quoted(kb, PERIOD)
    kb.dense.full = False
    assert kb.add_file(guide).status == "updated" and kb.check().is_clean
