"""`jitbot` in a process of its own (hashing embedder), with an injected storage fault.

    python tests/integration/cli_faults.py FAULT jitbot-args...

FAULT is one of:
  none            the real stores
  vectors-enospc  the vector index as a full disk leaves Chroma: its write fails with ENOSPC
                  after the first vectors, and that same client then blocks forever in a
                  delete (what issue 13 saw: see knowledge/storage.py); a reopened one works
  catalogue-full  the commit that would serve the new version fails: "database or disk is full"
  log-full        the query log cannot be written: "database or disk is full"
"""

from __future__ import annotations

import errno
import sqlite3
import sys
import time
from functools import cached_property
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bot import cli
from bot.services import Services
from retrieval.dense_index import DenseIndex
from tests.fakes import HashingEmbedder

FAULT = sys.argv[1]


class FullDiskDense(DenseIndex):
    failed = False

    def add(self, ids, texts, metadatas, **kw):
        super().add(ids[:1], texts[:1], metadatas[:1])
        self.failed = True
        raise OSError(errno.ENOSPC, "No space left on device", str(self.path))

    def delete(self, ids):
        if self.failed:
            time.sleep(3600)  # the client that failed never returns from a delete
        super().delete(ids)

    def reopen(self):
        super().reopen()
        self.failed = False


def database_full(*args, **kwargs):
    raise sqlite3.OperationalError("database or disk is full")


class FaultyServices(Services):
    @cached_property
    def embedder(self):
        return HashingEmbedder()

    @cached_property
    def dense_index(self):
        dense_class = FullDiskDense if FAULT == "vectors-enospc" else DenseIndex
        return dense_class(self.embedder, path=self.data_dir / "chroma", url=self.settings.chroma_url)


if FAULT == "catalogue-full":
    from knowledge.catalogue import Catalogue

    Catalogue.activate_version = database_full
elif FAULT == "log-full":
    from bot.query_log import QueryLog

    QueryLog.record = QueryLog.record_answer = database_full
elif FAULT not in ("none", "vectors-enospc"):
    raise SystemExit(f"unknown fault {FAULT}")

cli.Services = FaultyServices
sys.exit(cli.main(sys.argv[2:], prog_name="jitbot"))
