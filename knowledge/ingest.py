"""Changing the knowledge base: add or update a file, remove a document, check and repair.

A new version becomes visible only when `Catalogue.activate_version` commits, after its
passages are in both indexes; an error before that removes what was written, so the
knowledge base stays as it was. A kill (or KeyboardInterrupt) skips that rollback: the
previous version is still the one served, and the next change — or `kb check --repair` —
cleans up what was left (`recover`). Every change holds the knowledge base's write lock
and writes its audit row in the same transaction as the change itself.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal, Protocol

from . import consistency
from .audit import SYSTEM, Actor, Change
from .catalogue import Catalogue, NewPassage, PassageRecord
from .chunking import chunk_text
from .deadline import ParseTimeExceeded, parse_deadline
from .limits import FileLimits, check_before_loading, check_passages
from .loaders import LoadError, load_document, supported_suffixes
from .outline import summary
from .scope import EVERYTHING, Scope, check_network_id, index_metadata
from .storage import StorageError, as_storage_error, describe, storage_problem
from .write_lock import WriteLock

log = logging.getLogger(__name__)


class VectorIndex(Protocol):
    def add(self, ids: Sequence[str], texts: Sequence[str], metadatas: Sequence[dict], **kw) -> None: ...
    def delete(self, ids: Sequence[str]) -> None: ...
    def ids(self) -> set[str]: ...


class TextIndex(Protocol):
    ids: list[str]

    def build(self, ids: Sequence[str], texts: Sequence[str]) -> None: ...


class Progress(Protocol):
    """Told how an ingestion advances (a progress bar, an edited Telegram message)."""

    def stage(self, name: str, total: int | None = None) -> None:
        """'waiting' (for another writer), 'reading', 'indexing' (total = passages), 'finishing'."""

    def advance(self, n: int) -> None:
        """`n` more passages are indexed."""


class NoProgress:
    def stage(self, name: str, total: int | None = None) -> None:
        pass

    def advance(self, n: int) -> None:
        pass


Status = Literal["added", "updated", "unchanged", "networks", "failed"]


@dataclass
class AddResult:
    path: Path
    status: Status
    document_id: str | None = None
    version: int | None = None
    title: str = ""
    passages: int = 0
    reason: str = ""
    previous_version: int | None = None  # the version this one replaced
    pages: int | None = None
    structure: str = ""  # what was recognised: "8 articles, 1 annex, 33 passages, 4 pages"
    networks: frozenset[str] = frozenset()  # whose members may read it (empty: public)

    def line(self) -> str:
        if self.status == "failed":
            return f"failed     {self.path}: {self.reason}"
        replaced = f" (replaces v{self.previous_version})" if self.previous_version else ""
        networks = f"  [networks: {', '.join(sorted(self.networks))}]" if self.networks else (
            "  [now public]" if self.status == "networks" else "")
        return (
            f"{self.status:<10} {self.document_id} v{self.version}{replaced}  {self.passages} passages"
            f"  «{self.title}»{networks}"
        )


@dataclass
class RemoveResult:
    document_id: str
    status: Literal["removed", "not found", "already removed"]
    title: str = ""
    version: int | None = None  # the version that was served
    passages: int = 0


#: a file this large will be embedded in bulk: worth starting the batch engine early
LARGE_FILE_BYTES = 32_000
ORIGINALS = "originals"  # folder of the data directory holding every version's original file


def new_passages(chunks) -> list[NewPassage]:
    return [NewPassage(c.ordinal, c.kind, c.locator, c.section, c.text, c.page, c.unit) for c in chunks]


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files as given; folders recursively, keeping only supported file types."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(
                sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in supported_suffixes())
            )
        else:
            out.append(path)
    return out


class KnowledgeBase:
    def __init__(
        self, catalogue: Catalogue, dense: VectorIndex, lexical: TextIndex, lock: WriteLock | None = None,
        before_write: Callable[[], object] | None = None, limits: FileLimits | None = None,
    ):
        self.catalogue = catalogue
        self.dense = dense
        self.lexical = lexical
        self.lock = lock or WriteLock()
        #: run with the lock held, before anything is read or written (freshness.ExternalChanges)
        self.before_write = before_write
        self.limits = limits or FileLimits()
        #: set after a storage error until the vector index was reopened (knowledge.storage)
        self._dense_suspect = False

    @property
    def data_dir(self) -> Path:
        return self.catalogue.path.parent

    def keep_original(self, suffix: str, digest: str, data: bytes) -> str:
        """Store the file as added (once per content) so the document can be re-processed
        later without the coordinator's copy; returns its path relative to the data directory."""
        relative = Path(ORIGINALS) / f"{digest}{suffix.lower()}"
        target = self.data_dir / relative
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(target.name + ".partial")
            try:
                partial.write_bytes(data)
                partial.replace(target)  # never a half-written original under its final name
            finally:
                partial.unlink(missing_ok=True)  # a full disk: give the space back
        return relative.as_posix()

    @contextlib.contextmanager
    def _writing(self, on_wait=None):
        with self.lock.hold(on_wait=on_wait):
            if self._dense_suspect:
                self._reopen_dense()
                if self._dense_suspect:
                    raise StorageError(describe("io", "the vector index could not be reopened", self.data_dir,
                                                "this change"), "io")
            if self.before_write is not None:
                self.before_write()
            yield

    @contextlib.contextmanager
    def _storage_errors(self, what: str):
        """A disk-full or I/O error becomes one StorageError line (knowledge.storage); the lock
        is released on the way out like for any error, and nothing waits on the failed store."""
        try:
            yield
        except StorageError:
            raise
        except Exception as error:
            storage = as_storage_error(error, self.data_dir, what)
            if storage is None:
                raise
            raise storage from error

    def _reopen_dense(self) -> None:
        """A fresh Chroma client after a storage error: the failed one may block forever."""
        reopen = getattr(self.dense, "reopen", None)
        self._dense_suspect = True
        if reopen is None:
            self._dense_suspect = False
            return
        try:
            reopen()
            self._dense_suspect = False
        except Exception:  # noqa: BLE001 - still full: the next change tries again first
            log.warning("the vector index could not be reopened after a storage error", exc_info=False)

    def _index_version(self, document_id: str, version: int, records: list[PassageRecord],
                       progress: Progress, reuse: list[PassageRecord] = ()) -> None:
        """Index a version begun in the catalogue; on failure, leave the knowledge base as it was.

        After a disk-full or I/O error nothing is rolled back here: the failed Chroma client
        may block forever in a delete (see knowledge.storage), and a full disk refuses the
        rollback's writes anyway. The version stays marked 'indexing' — never served — and the
        next change or `kb check --repair` discards it. Other errors are rolled back at once;
        if that rollback fails too, the same marker is left for the next command.
        (Not on BaseException: after a kill nothing runs either, and `_recover` copes.)
        """
        try:
            progress.stage("indexing", len(records))
            self._index(records, progress, reuse=reuse)
        except Exception as error:
            storage = as_storage_error(error, self.data_dir, f"indexing {document_id} v{version}")
            if storage is not None:
                self._reopen_dense()
                raise storage from error
            try:
                self._forget([r.id for r in records])
                self.catalogue.abandon_version(document_id, version)
                self._rebuild_lexical()
            except Exception as rollback_error:  # noqa: BLE001 - the first error is the one to report
                log.warning("rollback of %s v%s failed (%s): left for the next change to clean up",
                            document_id, version, rollback_error)
                if storage_problem(rollback_error, self.data_dir):
                    self._reopen_dense()
            raise

    # --- adding and updating ---------------------------------------------------------
    def add_file(
        self,
        path: Path,
        *,
        title: str | None = None,
        metadata: dict | None = None,
        document_id: str | None = None,
        progress: Progress | None = None,
        actor: Actor = SYSTEM,
        source: str | None = None,
        networks: Iterable[str] | None = None,
        scope: Scope = EVERYTHING,
    ) -> AddResult:
        """Add a file, or a new version of `document_id` (default: the document with this
        file name). Never raises for bad input: the result says what failed.

        `scope`: what the person adding may read; a refusal names no document outside it.

        `networks`: the networks whose members may read it (empty: public); None keeps an
        existing document's and makes a new one public. For an unchanged file, different
        networks are applied to the served version."""
        path, progress = Path(path), progress or NoProgress()
        try:
            if networks is not None:
                networks = frozenset(check_network_id(n) for n in networks)
        except ValueError as error:
            return AddResult(path, "failed", reason=str(error))
        try:
            if not path.is_file():
                raise LoadError(path, "no such file")
            data = path.read_bytes()
            digest = content_hash(data)
            if document_id and self.catalogue.document(document_id) is None:
                return AddResult(path, "failed", reason=f"no document with id {document_id}")
            if unchanged := self._unchanged(path, digest, document_id):
                return self._renetwork(unchanged, networks, actor)
            if len(data) >= LARGE_FILE_BYTES and (prepare := getattr(self.dense, "prepare_to_embed", None)):
                prepare()  # the embedder's batch engine starts while the file is parsed
            progress.stage("reading")  # parsing needs no lock: another writer may be busy
            check_before_loading(path, self.limits)
            with parse_deadline(self.limits.max_parse_seconds):
                loaded = load_document(path)
                chunks = chunk_text(loaded.text)
            check_passages(path, len(chunks), self.limits)
            if not chunks:
                raise LoadError(path, "no text found")
        except (LoadError, ParseTimeExceeded) as error:
            return AddResult(path, "failed", reason=error.reason)
        except OSError as error:
            return AddResult(path, "failed", reason=error.strerror or str(error))

        with self._storage_errors(f"adding {path.name}"), self._writing(on_wait=lambda: progress.stage("waiting")):
            self._recover(actor)
            if unchanged := self._unchanged(path, digest, document_id):  # added meanwhile
                return self._renetwork(unchanged, networks, actor, locked=True)
            existing = (
                self.catalogue.document(document_id)
                if document_id
                else self.catalogue.document_by_filename(path.name)
            )
            final_title = title or (existing or {}).get("title") or loaded.title or path.stem
            if existing is None and (refusal := self._other_edition(path, digest, final_title, scope)):
                return refusal
            doc_id, version, records = self.catalogue.begin_version(
                document_id=existing["id"] if existing else None,
                id_hint=path.stem,
                title=final_title,
                source=source or str(path),
                filename=path.name,
                fmt=loaded.format,
                content_hash=digest,
                pages=loaded.pages,
                passages=new_passages(chunks),
                metadata=metadata,
                original=self.keep_original(path.suffix, digest, data),
                networks=networks or (),
            )
            served = self.catalogue.serving_version(doc_id) if existing else None
            if existing is not None and networks is not None and networks != self.catalogue.document_networks(doc_id):
                records = [replace(r, networks=networks) for r in records]
            self._index_version(doc_id, version, records, progress,
                                reuse=self.catalogue.passages_of(doc_id, served) if served else [])
            progress.stage("finishing")
            change = Change(actor, "update" if existing else "add", path.name)
            previous = self.catalogue.activate_version(
                doc_id, version, title=title, change=change, metadata=metadata if existing else None,
                networks=networks if existing else None,
            )
            if previous:
                self._forget(self._version_passage_ids(doc_id, previous))
                self._rebuild_lexical()
        return AddResult(
            path, "updated" if existing else "added", doc_id, version, final_title, len(records),
            previous_version=previous, pages=loaded.pages, structure=summary(chunks, loaded.pages),
            networks=self.catalogue.document_networks(doc_id),
        )

    def _other_edition(self, path: Path, digest: str, title: str, scope: Scope = EVERYTHING) -> AddResult | None:
        """A file that is an earlier edition of a served document, or bears its title, is not
        a new document: answers would quote two editions side by side. A document of a network
        outside `scope` is refused all the same, without its id or title."""
        earlier = self.catalogue.superseded_version_by_hash(digest)
        if earlier is not None:
            doc_id = earlier["document_id"]
            if not scope.sees(self.catalogue.document_networks(doc_id)):
                return AddResult(path, "failed", reason=(
                    "this file is an earlier edition of a served document of another network; "
                    "ask an administrator"))
            return AddResult(path, "failed", reason=(
                f"this is v{earlier['version']} of {doc_id} «{earlier['title']}», an earlier edition "
                f"(v{earlier['current_version']} is served); to serve it again run "
                f"`jitbot kb update {doc_id} {path.name}`"))
        same_title = self.catalogue.active_document_titled(title)
        if same_title is not None:
            doc_id = same_title["id"]
            if not scope.sees(self.catalogue.document_networks(doc_id)):
                return AddResult(path, "failed", reason=(
                    "a served document of another network already has this title; "
                    "give this document another title"))
            return AddResult(path, "failed", reason=(
                f"{doc_id} v{same_title['current_version']} already has the title «{same_title['title']}»; "
                f"to replace it with this file run `jitbot kb update {doc_id} {path.name}`, or give this "
                "document another title with --title"))
        return None

    def _renetwork(self, result: AddResult, networks: frozenset[str] | None, actor: Actor,
                   locked: bool = False) -> AddResult:
        """An unchanged file sent with other networks: the served document takes them."""
        if networks is None or networks == self.catalogue.document_networks(result.document_id):
            return result
        if locked:
            self._set_networks(result.document_id, networks, actor)
        else:
            with self._writing():
                self._set_networks(result.document_id, networks, actor)
        result.status, result.networks = "networks", networks
        return result

    def set_networks(self, document_id: str, networks: Iterable[str], *, actor: Actor = SYSTEM) -> bool:
        """Give a served document other networks (empty: public); False if there is no such
        document. Its vectors are re-labelled before the catalogue commits the change, and
        answers filter on the catalogue too, so no reader sees it outside both."""
        networks = frozenset(check_network_id(n) for n in networks)
        with self._writing():
            doc = self.catalogue.document(document_id)
            if doc is None or doc["status"] != "active" or doc["current_version"] is None:
                return False
            self._set_networks(document_id, networks, actor)
        return True

    def _set_networks(self, document_id: str, networks: frozenset[str], actor: Actor) -> None:
        ids = [p.id for p in self.catalogue.passages_of(document_id, self.catalogue.serving_version(document_id))]
        relabel = getattr(self.dense, "set_networks", None)
        if relabel is not None:
            relabel(ids, sorted(networks))
        label = ", ".join(sorted(networks)) or "public"
        self.catalogue.set_document_networks(document_id, networks, Change(actor, "networks", label))

    def _unchanged(self, path: Path, digest: str, document_id: str | None) -> AddResult | None:
        """The result for content that is already served (by this document, if one is named)."""
        same = self.catalogue.version_by_hash(digest)
        if same is None or document_id not in (None, same["document_id"]):
            return None
        doc = self.catalogue.document(same["document_id"]) or {}
        return AddResult(
            path, "unchanged", same["document_id"], same["version"], doc.get("title", ""),
            same["passage_count"], pages=same["pages"],
            networks=self.catalogue.document_networks(same["document_id"]),
        )

    # --- removing --------------------------------------------------------------------
    def remove(self, document_id: str, *, actor: Actor = SYSTEM) -> RemoveResult:
        """Stop serving a document now (one commit), then drop its passages from the indexes."""
        with self._storage_errors(f"removing {document_id}"), self._writing():
            self._recover(actor)
            doc = self.catalogue.document(document_id)
            if doc is None or doc["current_version"] is None:
                return RemoveResult(document_id, "not found")
            if doc["status"] == "removed":
                return RemoveResult(document_id, "already removed", doc["title"], doc["current_version"])
            served = self.catalogue.remove_document(document_id, Change(actor, "remove", doc["title"]))
            ids = self._version_passage_ids(document_id, served) if served else []
            self._forget(ids)
            self._rebuild_lexical()
        return RemoveResult(document_id, "removed", doc["title"], served, len(ids))

    # --- checking and repairing ------------------------------------------------------
    def check(self, on_wait=None) -> consistency.IndexCheck:
        """Do the catalogue and both indexes agree? (Waits for a running update to finish.)"""
        with self._storage_errors("checking the knowledge base"), self._writing(on_wait=on_wait):
            return consistency.check(self.catalogue, self.dense, self.lexical)

    def repair(self, *, actor: Actor = SYSTEM, on_wait=None) -> list[str]:
        """Mend whatever `check` finds; returns what was done (nothing if all agreed)."""
        with self._storage_errors("repairing the knowledge base"), self._writing(on_wait=on_wait):
            return self._recover(actor)

    def _recover(self, actor: Actor) -> list[str]:
        """With the lock held: clean up after a writer that died. Cheap when all agree."""
        if consistency.check(self.catalogue, self.dense, self.lexical).is_clean:
            return []
        return consistency.repair(self.catalogue, self.dense, self.lexical, actor)

    # --- indexes ---------------------------------------------------------------------
    def _index(self, records: list[PassageRecord], progress: Progress,
               reuse: list[PassageRecord] = ()) -> None:
        """Embed the passages, except those whose text is unchanged from `reuse` (the version
        being replaced): they get a copy of its vectors, which is the same as re-embedding."""
        meta = {r.id: {"document_id": r.document_id, "version": r.version, **index_metadata(r.networks)}
                for r in records}
        old_by_text = {p.index_text: p.id for p in reuse}
        sources = {r.id: old_by_text[r.index_text] for r in records if r.index_text in old_by_text}
        copy = getattr(self.dense, "copy_vectors", None)
        copied = copy(sources, meta) if copy and sources else set()
        progress.advance(len(copied))
        fresh = [r for r in records if r.id not in copied]
        self.dense.add(
            [r.id for r in fresh],
            [r.index_text for r in fresh],
            [meta[r.id] for r in fresh],
            progress=progress.advance,
        )
        self._rebuild_lexical()

    def _rebuild_lexical(self) -> None:
        """Serving passages and those being indexed: a new version is searchable the moment it is served."""
        passages = self.catalogue.indexable_passages()
        self.lexical.build([p.id for p in passages], [p.index_text for p in passages])

    def _version_passage_ids(self, document_id: str, version: int) -> list[str]:
        return [p.id for p in self.catalogue.passages_of(document_id, version)]

    def _forget(self, ids: list[str]) -> None:
        if ids:
            self.dense.delete(ids)
