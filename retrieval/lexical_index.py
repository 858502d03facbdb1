"""BM25 over passages with bm25s, persisted beside the Chroma directory.

bm25s indexes are immutable, so every change rebuilds the whole index (milliseconds for
thousands of passages) into a fresh folder and swaps it in with a rename. In memory too, a
rebuild replaces one snapshot (ids, index, term counts) in a single assignment, so that a
search running while the bot ingests a document never pairs new ids with the old index.
"""

from __future__ import annotations

import json
import logging
import math
import shutil
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import bm25s
import numpy as np
import Stemmer

_STEMMER = Stemmer.Stemmer("english")
log = logging.getLogger(__name__)


def tokenize(texts: Sequence[str]) -> list[list[str]]:
    return bm25s.tokenize(
        list(texts), stopwords="en", stemmer=_STEMMER, return_ids=False, show_progress=False
    )


@dataclass(frozen=True)
class _Snapshot:
    ids: list[str] = field(default_factory=list)
    bm25: bm25s.BM25 | None = None
    doc_freq: dict[str, int] = field(default_factory=dict)


def document_of(passage_id: str) -> str:
    """"jit-guide@v2#14" -> "jit-guide" (an id of another shape is its own document)."""
    head, sep, _ = passage_id.rpartition("@v")
    return head if sep else passage_id


#: how many scope masks are kept per snapshot (one per distinct set of hidden documents)
MASK_CACHE = 64


class LexicalIndex:
    """Stemmed English BM25 (Lucene variant)."""

    def __init__(self, path: Path | None = None, *, k1: float = 0.9, b: float = 0.4):
        self.path = path
        self.k1, self.b = k1, b
        self._snapshot = _Snapshot()
        self._masks: OrderedDict[frozenset[str], np.ndarray] = OrderedDict()
        self._masks_of: _Snapshot | None = None
        self._mask_lock = threading.Lock()
        if path is not None and (path / "ids.json").exists():
            self._load()

    @property
    def ids(self) -> list[str]:
        return self._snapshot.ids

    def __len__(self) -> int:
        return len(self.ids)

    def build(self, ids: Sequence[str], texts: Sequence[str]) -> None:
        ids = list(ids)
        tokens = tokenize(texts)
        doc_freq: dict[str, int] = {}
        for doc in tokens:
            for term in set(doc):
                doc_freq[term] = doc_freq.get(term, 0) + 1
        bm25 = None
        if ids:
            bm25 = bm25s.BM25(k1=self.k1, b=self.b)
            bm25.index(tokens, show_progress=False)
        self._snapshot = _Snapshot(ids, bm25, doc_freq)
        if self.path is not None:
            self._save()

    def search(
        self, query: str, k: int, *, hidden_documents: frozenset[str] = frozenset()
    ) -> list[tuple[str, float]]:
        """(passage id, BM25 score), best first; only passages sharing a term with the query.

        Passages of `hidden_documents` score zero (a weight mask applied inside the scoring),
        so they are never candidates.
        """
        snapshot = self._snapshot
        if snapshot.bm25 is None:
            return []
        terms = [t for t in tokenize([query])[0] if t in snapshot.bm25.vocab_dict]
        if not terms:
            return []
        mask = self._mask(snapshot, hidden_documents) if hidden_documents else None
        scores = snapshot.bm25.get_scores(terms, weight_mask=mask)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [(snapshot.ids[i], float(scores[i])) for i in top if scores[i] > 0]

    def _mask(self, snapshot: _Snapshot, hidden: frozenset[str]) -> np.ndarray:
        """1.0 for passages that may be read, 0.0 for those of hidden documents (cached)."""
        with self._mask_lock:
            if self._masks_of is not snapshot:
                self._masks, self._masks_of = OrderedDict(), snapshot
            mask = self._masks.get(hidden)
            if mask is not None:
                self._masks.move_to_end(hidden)
                return mask
        mask = np.fromiter((document_of(pid) not in hidden for pid in snapshot.ids),
                           dtype=np.float32, count=len(snapshot.ids))
        with self._mask_lock:
            if self._masks_of is snapshot:
                self._masks[hidden] = mask
                while len(self._masks) > MASK_CACHE:
                    self._masks.popitem(last=False)
        return mask

    def idf(self, term: str) -> float:
        """Inverse document frequency; a term the corpus never uses gets the highest value."""
        snapshot = self._snapshot
        n = max(len(snapshot.ids), 1)
        df = snapshot.doc_freq.get(term, 0)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def term_coverage(self, query: str, text: str) -> float:
        """IDF-weighted share of the query's terms that occur in `text` (0..1)."""
        q_terms = set(tokenize([query])[0])
        if not q_terms:
            return 0.0
        t_terms = set(tokenize([text])[0])
        total = sum(self.idf(t) for t in q_terms)
        found = sum(self.idf(t) for t in q_terms & t_terms)
        return found / total if total else 0.0

    # --- persistence -----------------------------------------------------------------
    def _save(self) -> None:
        assert self.path is not None
        tmp = self.path.with_name(self.path.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        snapshot = self._snapshot
        try:
            if snapshot.bm25 is not None:
                snapshot.bm25.save(str(tmp / "bm25"), show_progress=False)
            (tmp / "doc_freq.json").write_text(json.dumps(snapshot.doc_freq))
            # ids.json is written last: its presence marks a complete index
            (tmp / "ids.json").write_text(json.dumps(snapshot.ids))
        except BaseException:  # a full disk: give back the space, keep the index on disk as it was
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        old = self.path.with_name(self.path.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if self.path.exists():
            self.path.rename(old)
        tmp.rename(self.path)
        shutil.rmtree(old, ignore_errors=True)

    def reload(self) -> None:
        """Read the index again from disk, where another process rebuilt it. An index being
        swapped in at this moment, or unreadable, leaves the current one in use."""
        if self.path is None or not (self.path / "ids.json").exists():
            return
        try:
            self._load()
        except Exception as error:  # noqa: BLE001 - files replaced while read: any error
            log.warning("BM25 index not reloaded (%s); keeping the one in memory", error)

    def _load(self) -> None:
        assert self.path is not None
        ids = json.loads((self.path / "ids.json").read_text())
        doc_freq = json.loads((self.path / "doc_freq.json").read_text())
        bm25_dir = self.path / "bm25"
        bm25 = bm25s.BM25.load(str(bm25_dir), show_progress=False) if bm25_dir.exists() else None
        self._snapshot = _Snapshot(ids, bm25, doc_freq)
