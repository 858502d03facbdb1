"""Adding documents to the knowledge base: load, chunk, record, index, then serve.

A new version becomes visible only when `Catalogue.activate_version` commits, after its
passages are in both indexes; a failure before that removes what was written, so the
knowledge base stays as it was.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Literal, Protocol, Sequence

from .catalogue import Catalogue, NewPassage, PassageRecord
from .chunking import chunk_text
from .loaders import SUPPORTED_SUFFIXES, LoadError, load_document


class VectorIndex(Protocol):
    def add(self, ids: Sequence[str], texts: Sequence[str], metadatas: Sequence[dict], **kw) -> None: ...
    def delete(self, ids: Sequence[str]) -> None: ...


class TextIndex(Protocol):
    def build(self, ids: Sequence[str], texts: Sequence[str]) -> None: ...


Status = Literal["added", "updated", "unchanged", "failed"]


@dataclass
class AddResult:
    path: Path
    status: Status
    document_id: str | None = None
    version: int | None = None
    title: str = ""
    passages: int = 0
    reason: str = ""

    def line(self) -> str:
        if self.status == "failed":
            return f"failed     {self.path}: {self.reason}"
        return (
            f"{self.status:<10} {self.document_id} v{self.version}  {self.passages} passages"
            f"  «{self.title}»"
        )


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files as given; folders recursively, keeping only supported file types."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(
                sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES)
            )
        else:
            out.append(path)
    return out


class KnowledgeBase:
    def __init__(self, catalogue: Catalogue, dense: VectorIndex, lexical: TextIndex):
        self.catalogue = catalogue
        self.dense = dense
        self.lexical = lexical

    def add_file(
        self,
        path: Path,
        *,
        title: str | None = None,
        metadata: dict | None = None,
        document_id: str | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> AddResult:
        """Add or update one file. Never raises for bad input: the result says what failed."""
        path = Path(path)
        try:
            if not path.is_file():
                raise LoadError(path, "no such file")
            digest = content_hash(path.read_bytes())
            same = self.catalogue.version_by_hash(digest)
            if same is not None and document_id in (None, same["document_id"]):
                doc = self.catalogue.document(same["document_id"]) or {}
                return AddResult(
                    path, "unchanged", same["document_id"], same["version"],
                    doc.get("title", ""), same["passage_count"],
                )
            loaded = load_document(path)
            chunks = chunk_text(loaded.text)
            if not chunks:
                raise LoadError(path, "no text found")
        except LoadError as error:
            return AddResult(path, "failed", reason=error.reason)
        except OSError as error:
            return AddResult(path, "failed", reason=error.strerror or str(error))

        existing = (
            self.catalogue.document(document_id)
            if document_id
            else self.catalogue.document_by_filename(path.name)
        )
        if document_id and existing is None:
            return AddResult(path, "failed", reason=f"no document with id {document_id}")
        final_title = title or (existing or {}).get("title") or loaded.title or path.stem
        doc_id, version, records = self.catalogue.begin_version(
            document_id=existing["id"] if existing else None,
            id_hint=path.stem,
            title=final_title,
            source=str(path),
            filename=path.name,
            fmt=loaded.format,
            content_hash=digest,
            pages=loaded.pages,
            passages=[NewPassage(c.ordinal, c.kind, c.locator, c.section, c.text) for c in chunks],
            metadata=metadata,
        )
        try:
            self._index(records, progress)
        except BaseException:
            # Leave the knowledge base as it was: drop the half-indexed version.
            self._forget(records)
            self.catalogue.abandon_version(doc_id, version)
            self._rebuild_lexical()
            raise
        previous = existing["current_version"] if existing else None
        self.catalogue.activate_version(doc_id, version, title=title)
        if previous:
            self._forget(self._version_passage_ids(doc_id, previous))
        return AddResult(
            path, "updated" if existing else "added", doc_id, version, final_title, len(records)
        )

    def _index(self, records: list[PassageRecord], progress) -> None:
        self.dense.add(
            [r.id for r in records],
            [r.index_text for r in records],
            [{"document_id": r.document_id, "version": r.version} for r in records],
            progress=progress,
        )
        self._rebuild_lexical()

    def _rebuild_lexical(self) -> None:
        passages = self.catalogue.indexable_passages()
        self.lexical.build([p.id for p in passages], [p.index_text for p in passages])

    def _version_passage_ids(self, document_id: str, version: int) -> list[str]:
        rows = self.catalogue.db.execute(
            "select id from passages where document_id = ? and version = ?", [document_id, version]
        ).fetchall()
        return [r[0] for r in rows]

    def _forget(self, records_or_ids) -> None:
        ids = [r if isinstance(r, str) else r.id for r in records_or_ids]
        if ids:
            self.dense.delete(ids)
