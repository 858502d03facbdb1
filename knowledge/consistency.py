"""Do the catalogue, the vector index and the lexical index agree? Mend them if not.

The catalogue decides what is served. Both indexes should hold exactly the passages of
serving versions: a version still marked 'indexing' when no writer is running, vectors or
BM25 entries of versions no longer served, and served passages missing from an index are
what a crash (or a damaged data directory) leaves behind. Call these with the knowledge
base's write lock held, so that no ingestion is in progress.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from . import audit
from .audit import SYSTEM, Actor, Change
from .catalogue import Catalogue
from .scope import index_metadata


class CheckedVectorIndex(Protocol):
    def ids(self) -> set[str]: ...
    def add(self, ids: Sequence[str], texts: Sequence[str], metadatas: Sequence[dict], **kw) -> None: ...
    def delete(self, ids: Sequence[str]) -> None: ...


class CheckedTextIndex(Protocol):
    ids: list[str]

    def build(self, ids: Sequence[str], texts: Sequence[str]) -> None: ...


@dataclass
class IndexCheck:
    """What disagrees; empty lists everywhere = consistent."""

    unfinished: list[dict] = field(default_factory=list)  # version rows stuck in 'indexing'
    stray_vectors: list[str] = field(default_factory=list)  # passage ids not served
    missing_vectors: list[str] = field(default_factory=list)  # served, no vector
    stray_lexical: list[str] = field(default_factory=list)
    missing_lexical: list[str] = field(default_factory=list)
    duplicate_lexical: int = 0
    served: int = 0  # served passages, for the report

    @property
    def is_clean(self) -> bool:
        return not (
            self.unfinished or self.stray_vectors or self.missing_vectors
            or self.stray_lexical or self.missing_lexical or self.duplicate_lexical
        )

    def problems(self) -> list[str]:
        """One line per kind of disagreement, with an example passage id."""
        lines = [
            f"unfinished version {v['id']} (status 'indexing', no update running)" for v in self.unfinished
        ]
        for ids, what in (
            (self.stray_vectors, "passages in the vector index that are not served"),
            (self.missing_vectors, "served passages missing from the vector index"),
            (self.stray_lexical, "passages in the lexical index that are not served"),
            (self.missing_lexical, "served passages missing from the lexical index"),
        ):
            if ids:
                lines.append(f"{len(ids)} {what} (e.g. {ids[0]})")
        if self.duplicate_lexical:
            lines.append(f"{self.duplicate_lexical} duplicate entries in the lexical index")
        return lines


def check(catalogue: Catalogue, dense: CheckedVectorIndex, lexical: CheckedTextIndex) -> IndexCheck:
    served = catalogue.served_passage_ids()
    vectors = dense.ids()
    lexical_ids = list(lexical.ids)
    lexical_set = set(lexical_ids)
    return IndexCheck(
        unfinished=catalogue.unfinished_versions(),
        stray_vectors=sorted(vectors - served),
        missing_vectors=sorted(served - vectors),
        stray_lexical=sorted(lexical_set - served),
        missing_lexical=sorted(served - lexical_set),
        duplicate_lexical=len(lexical_ids) - len(lexical_set),
        served=len(served),
    )


def repair(
    catalogue: Catalogue, dense: CheckedVectorIndex, lexical: CheckedTextIndex, actor: Actor = SYSTEM
) -> list[str]:
    """Make both indexes hold exactly the served passages; returns what was done, one line each.

    Unfinished versions are dropped (the version served before them stays served; one
    'cleanup' audit row each); vectors of unserved passages are deleted; served passages
    without a vector are embedded again; the lexical index is rebuilt if it differs at
    all (one 'repair' audit row for these).
    """
    done: list[str] = []
    for version in catalogue.unfinished_versions():
        ids = [p.id for p in catalogue.passages_of(version["document_id"], version["version"])]
        if ids:
            dense.delete(ids)
        note = f"discarded unfinished v{version['version']} ({version['filename']}, {len(ids)} passages)"
        catalogue.abandon_version(version["document_id"], version["version"], Change(actor, "cleanup", note))
        done.append(f"{version['document_id']}: {note}")
    found = check(catalogue, dense, lexical)
    mended: list[str] = []
    if found.stray_vectors:
        dense.delete(found.stray_vectors)
        mended.append(f"deleted the vectors of {len(found.stray_vectors)} passages that are not served")
    if found.missing_vectors:
        records = list(catalogue.served_passages(found.missing_vectors).values())
        dense.add(
            [r.id for r in records], [r.index_text for r in records],
            [{"document_id": r.document_id, "version": r.version, **index_metadata(r.networks)} for r in records],
        )
        mended.append(f"embedded {len(records)} served passages missing from the vector index")
    if found.stray_lexical or found.missing_lexical or found.duplicate_lexical:
        served = catalogue.served_passage_ids()
        passages = [p for p in catalogue.indexable_passages() if p.id in served]
        lexical.build([p.id for p in passages], [p.index_text for p in passages])
        mended.append(f"rebuilt the lexical index ({len(passages)} passages)")
    if mended:
        audit.record_now(catalogue, Change(actor, "repair", "; ".join(mended)))
    return done + mended
