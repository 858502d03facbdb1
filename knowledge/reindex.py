"""Re-processing documents from their stored originals: `jitbot kb reindex [DOC...]`.

Each served document is loaded again from the original file kept in the data directory,
re-chunked with today's loaders and chunker, and indexed whole as a new version (same
content hash) before the single commit that serves it — the old version answers until
then, and an error leaves it served. Every passage is re-embedded, so the same function
also serves when the embedding model changes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from .audit import SYSTEM, Actor, Change
from .chunking import chunk_text
from .deadline import ParseTimeExceeded, parse_deadline
from .ingest import KnowledgeBase, NoProgress, Progress, new_passages
from .loaders import LoadError, load_document

Status = Literal["reindexed", "failed", "not found", "no original"]


@dataclass
class ReindexResult:
    document_id: str
    status: Status
    version: int | None = None  # the version served now
    previous_version: int | None = None
    passages: int = 0
    reason: str = ""

    def line(self) -> str:
        if self.status == "reindexed":
            return (f"reindexed  {self.document_id} v{self.version} (replaces v{self.previous_version})"
                    f"  {self.passages} passages")
        return f"{self.status:<10} {self.document_id}: {self.reason}" if self.reason else f"{self.status:<10} {self.document_id}"


def reindex(
    kb: KnowledgeBase,
    document_ids: Sequence[str] | None = None,
    *,
    progress_for: Callable[[str], Progress] | None = None,
    actor: Actor = SYSTEM,
) -> list[ReindexResult]:
    """Re-process the named documents (default: every served one), one after the other."""
    ids = list(document_ids) if document_ids else [d["id"] for d in kb.catalogue.documents()]
    results = []
    for document_id in ids:
        progress = progress_for(document_id) if progress_for else NoProgress()
        results.append(reindex_document(kb, document_id, progress=progress, actor=actor))
    return results


def reindex_document(
    kb: KnowledgeBase, document_id: str, *, progress: Progress | None = None, actor: Actor = SYSTEM
) -> ReindexResult:
    progress = progress or NoProgress()
    catalogue = kb.catalogue
    doc = catalogue.document(document_id)
    if doc is None or doc["status"] != "active" or doc["current_version"] is None:
        return ReindexResult(document_id, "not found", reason="no served document with this id")
    served = catalogue.version(document_id, doc["current_version"]) or {}
    if not served.get("original"):
        return ReindexResult(document_id, "no original", reason="added before originals were kept; add its file again")
    path = kb.data_dir / served["original"]
    progress.stage("reading")
    try:
        with parse_deadline(kb.limits.max_parse_seconds):
            loaded = load_document(path)
            chunks = chunk_text(loaded.text)
        if not chunks:
            raise LoadError(path, "no text found")
    except (LoadError, ParseTimeExceeded) as error:
        return ReindexResult(document_id, "failed", reason=f"{served['filename']}: {error.reason}")
    with kb._storage_errors(f"reindexing {document_id}"), kb._writing(on_wait=lambda: progress.stage("waiting")):
        kb._recover(actor)
        _, version, records = catalogue.begin_version(
            document_id=document_id, id_hint=document_id, title=doc["title"], source=doc["source"],
            filename=served["filename"], fmt=served["format"], content_hash=served["content_hash"],
            pages=loaded.pages, passages=new_passages(chunks), original=served["original"],
        )
        kb._index_version(document_id, version, records, progress)  # rolls back, or leaves it marked
        progress.stage("finishing")
        previous = catalogue.activate_version(document_id, version, change=Change(actor, "reindex", served["filename"]))
        if previous:
            kb._forget(kb._version_passage_ids(document_id, previous))
            kb._rebuild_lexical()
    return ReindexResult(document_id, "reindexed", version, previous, len(records))
