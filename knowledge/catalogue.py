"""The document catalogue: documents, their versions and passages in SQLite.

The catalogue is the source of truth for what is *served*: the vector and lexical
indexes may hold passages of versions still being indexed (or left behind by a
crash); search results are always filtered through `served_passages`, so a
version becomes visible at the single moment `activate_version` commits.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from . import audit
from .catalogue_networks import DocumentNetworks
from .catalogue_schema import migrations
from .scope import EVERYTHING, Scope
from .shared_sqlite import locked, open_shared_database

#: a passage row's networks (comma-separated, null for a public document), joined in SQL
_NETWORKS_SQL = (
    "(select group_concat(dn.network_id, ',') from document_networks dn "
    "where dn.document_id = p.document_id) as networks"
)


@dataclass(frozen=True)
class PassageRecord:
    """One citable passage of a served document version."""

    id: str
    document_id: str
    version: int
    ordinal: int
    kind: str
    locator: str
    section: str
    text: str
    title: str
    page: str = ""  # printed page label where the passage starts (PDFs)
    unit: str = ""  # the article, section or numbered paragraph it belongs to
    #: the networks whose members may read it (its document's); empty: public
    networks: frozenset[str] = frozenset()

    @property
    def index_text(self) -> str:
        """What the indexes see: the section heading gives short passages their context."""
        return f"{self.section}: {self.text}" if self.section else self.text


@dataclass(frozen=True)
class NewPassage:
    ordinal: int
    kind: str
    locator: str
    section: str
    text: str
    page: str = ""
    unit: str = ""


def utcnow() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def slugify(value: str, max_len: int = 48) -> str:
    value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    value = re.sub(r"[^a-zA-Z0-9]+", "-", value).strip("-").lower()
    if len(value) > max_len:
        value = value[:max_len].rsplit("-", 1)[0] or value[:max_len]
    return value or "document"


def passage_id(document_id: str, version: int, ordinal: int) -> str:
    return f"{document_id}@v{version}#{ordinal}"


class Catalogue(DocumentNetworks):
    """Documents, versions and passages; one SQLite file in the data directory."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.db, self.lock = open_shared_database(self.path)
        migrations.apply(self.db)

    # --- reading ---------------------------------------------------------------------
    @locked
    def is_empty(self) -> bool:
        return self.db["documents"].count == 0

    @locked
    def documents(self, include_removed: bool = False) -> list[dict]:
        # A document whose first version is still being indexed is not listed yet.
        where = "current_version is not null" + ("" if include_removed else " and status = 'active'")
        rows = list(self.db["documents"].rows_where(where, order_by="created_at, id"))
        counts = {
            (r["document_id"], r["version"]): r["passage_count"]
            for r in self.db["versions"].rows
        }
        for row in rows:
            row["passages"] = counts.get((row["id"], row["current_version"]), 0)
        return rows

    @locked
    def document(self, document_id: str) -> dict | None:
        rows = list(self.db["documents"].rows_where("id = ?", [document_id]))
        return rows[0] if rows else None

    @locked
    def version_by_hash(self, content_hash: str) -> dict | None:
        """The serving version with this exact content, if any."""
        rows = list(
            self.db["versions"].rows_where(
                "content_hash = ? and status = 'serving'", [content_hash]
            )
        )
        return rows[0] if rows else None

    @locked
    def superseded_version_by_hash(self, content_hash: str) -> dict | None:
        """An earlier edition with this exact content, of a document that serves another one."""
        rows = list(self.db.query(
            "select v.document_id, v.version, d.title, d.current_version from versions v "
            "join documents d on d.id = v.document_id "
            "where v.content_hash = ? and v.status = 'superseded' and d.status = 'active' "
            "order by v.version desc limit 1", [content_hash]))
        return rows[0] if rows else None

    @locked
    def active_document_titled(self, title: str) -> dict | None:
        """The served document with this title (case and spacing aside), if any."""
        wanted = " ".join(title.split()).casefold()
        for row in self.db.query("select * from documents where status = 'active' and current_version is not null"):
            if " ".join((row["title"] or "").split()).casefold() == wanted:
                return row
        return None

    @locked
    def document_by_filename(self, filename: str) -> dict | None:
        """The document last served from a file of this name; a withdrawn one if no other
        (adding its file again brings it back, with its history)."""
        sql = (
            "select d.* from documents d join versions v on v.document_id = d.id "
            "and v.version = d.current_version where v.filename = ? "
            "order by d.status = 'active' desc, d.updated_at desc limit 1"
        )
        rows = list(self.db.query(sql, [filename]))
        return rows[0] if rows else None

    @locked
    def served_passages(self, ids: Sequence[str], scope: Scope = EVERYTHING) -> dict[str, PassageRecord]:
        """The passages among `ids` that belong to a serving version and that `scope` may
        read, by id."""
        if not ids:
            return {}
        placeholders = ",".join("?" for _ in ids)
        sql = f"""
            select p.*, d.title, {_NETWORKS_SQL} from passages p
            join versions v on v.document_id = p.document_id and v.version = p.version
            join documents d on d.id = p.document_id
            where v.status = 'serving' and d.status = 'active' and p.id in ({placeholders})
        """
        records = (_record(row) for row in self.db.query(sql, list(ids)))
        return {r.id: r for r in records if scope.sees(r.networks)}

    @locked
    def indexable_passages(self) -> list[PassageRecord]:
        """Passages of serving and in-progress versions: what the lexical index holds."""
        sql = f"""
            select p.*, d.title, {_NETWORKS_SQL} from passages p
            join versions v on v.document_id = p.document_id and v.version = p.version
            join documents d on d.id = p.document_id
            where v.status in ('serving', 'indexing')
            order by p.document_id, p.version, p.ordinal
        """
        return [_record(row) for row in self.db.query(sql)]

    @locked
    def versions(self, document_id: str) -> list[dict]:
        """Every version of a document, oldest first."""
        return list(self.db["versions"].rows_where("document_id = ?", [document_id], order_by="version"))

    @locked
    def passages_of(self, document_id: str, version: int) -> list[PassageRecord]:
        """The passages of one version (served or not), in document order."""
        sql = f"""
            select p.*, d.title, {_NETWORKS_SQL} from passages p join documents d on d.id = p.document_id
            where p.document_id = ? and p.version = ? order by p.ordinal
        """
        return [_record(row) for row in self.db.query(sql, [document_id, version])]

    @locked
    def version(self, document_id: str, version: int) -> dict | None:
        rows = list(self.db["versions"].rows_where("document_id = ? and version = ?", [document_id, version]))
        return rows[0] if rows else None

    @locked
    def unfinished_versions(self) -> list[dict]:
        """Versions still marked 'indexing': in progress, or left behind by a crash."""
        return list(self.db["versions"].rows_where("status = 'indexing'", order_by="created_at"))

    @locked
    def served_passage_ids(self) -> set[str]:
        """Every passage id that answers may quote: what both indexes should hold."""
        sql = """
            select p.id from passages p
            join versions v on v.document_id = p.document_id and v.version = p.version
            join documents d on d.id = p.document_id
            where v.status = 'serving' and d.status = 'active'
        """
        return {row[0] for row in self.db.execute(sql).fetchall()}

    @locked
    def serving_version(self, document_id: str) -> int | None:
        row = self.db.execute(
            "select version from versions where document_id = ? and status = 'serving'", [document_id]
        ).fetchone()
        return row[0] if row else None

    @locked
    def passage_count(self) -> int:
        sql = (
            "select count(*) from passages p join versions v on v.document_id = p.document_id "
            "and v.version = p.version where v.status = 'serving'"
        )
        return self.db.execute(sql).fetchone()[0]

    # --- writing ---------------------------------------------------------------------
    @locked
    def new_document_id(self, name: str) -> str:
        base = slugify(name)
        candidate, n = base, 2
        while self.db["documents"].count_where("id = ?", [candidate]):
            candidate, n = f"{base}-{n}", n + 1
        return candidate

    @locked
    def begin_version(
        self,
        *,
        document_id: str | None,
        id_hint: str,
        title: str,
        source: str,
        filename: str,
        fmt: str,
        content_hash: str,
        pages: int | None,
        passages: Iterable[NewPassage],
        metadata: dict | None = None,
        original: str | None = None,
        networks: Iterable[str] = (),
    ) -> tuple[str, int, list[PassageRecord]]:
        """Record a new version (status 'indexing') and its passages; not yet served.

        `networks` are a new document's (an existing document's change at `activate_version`)."""
        now = utcnow()
        passages = list(passages)
        with self.db.conn:
            if document_id is None:
                document_id = self.new_document_id(id_hint)
                self.db["documents"].insert(
                    {
                        "id": document_id,
                        "title": title,
                        "source": source,
                        "current_version": None,
                        "status": "active",
                        "created_at": now,
                        "updated_at": now,
                        **(metadata or {}),
                    }
                )
                self._write_networks(document_id, networks)
            last = self.db.execute(
                "select coalesce(max(version), 0) from versions where document_id = ?",
                [document_id],
            ).fetchone()[0]
            version = last + 1
            self.db["versions"].insert(
                {
                    "id": f"{document_id}@v{version}",
                    "document_id": document_id,
                    "version": version,
                    "content_hash": content_hash,
                    "filename": filename,
                    "format": fmt,
                    "pages": pages,
                    "passage_count": len(passages),
                    "status": "indexing",
                    "created_at": now,
                    "original": original,
                }
            )
            rows = [
                {
                    "id": passage_id(document_id, version, p.ordinal),
                    "document_id": document_id,
                    "version": version,
                    "ordinal": p.ordinal,
                    "kind": p.kind,
                    "locator": p.locator,
                    "section": p.section,
                    "text": p.text,
                    "page": p.page,
                    "unit": p.unit,
                }
                for p in passages
            ]
            self.db["passages"].insert_all(rows)
        joined = ",".join(sorted(self._networks_in_transaction(document_id, networks)))
        records = [_record({**row, "title": title, "networks": joined}) for row in rows]
        return document_id, version, records

    def _networks_in_transaction(self, document_id: str, networks: Iterable[str]) -> frozenset[str]:
        """The networks a version being begun will have: those given, else the document's."""
        given = frozenset(networks)
        return given or frozenset(
            row[0] for row in self.db.execute(
                "select network_id from document_networks where document_id = ?", [document_id])
        )

    @locked
    def activate_version(
        self, document_id: str, version: int, title: str | None = None,
        change: audit.Change | None = None, metadata: dict | None = None,
        networks: Iterable[str] | None = None,
    ) -> int | None:
        """Serve `version` from now on; the previous serving version (returned) is superseded.

        `networks`, if given, become the document's in the same commit (None: unchanged).

        The audit row, if any, is written in the same transaction as the switch.
        """
        now = utcnow()
        with self.db.conn:
            previous = self.serving_version(document_id)
            self.db.execute(
                "update versions set status = 'superseded' "
                "where document_id = ? and status = 'serving'",
                [document_id],
            )
            self.db.execute(
                "update versions set status = 'serving' where document_id = ? and version = ?",
                [document_id, version],
            )
            changes = {**(metadata or {}), "current_version": version, "updated_at": now, "status": "active"}
            if title:
                changes["title"] = title
            self.db["documents"].update(document_id, changes)
            if networks is not None:
                self._write_networks(document_id, networks)
            if change is not None:
                audit.record(self.db, change, document_id=document_id, before=previous, after=version)
        return previous

    @locked
    def remove_document(self, document_id: str, change: audit.Change | None = None) -> int | None:
        """Stop serving a document at once; returns the version that was served (if any).

        Its versions and passages stay in the catalogue (status 'removed'), for the record.
        """
        with self.db.conn:
            previous = self.serving_version(document_id)
            self.db.execute(
                "update versions set status = 'removed' where document_id = ? and status = 'serving'",
                [document_id],
            )
            self.db["documents"].update(document_id, {"status": "removed", "updated_at": utcnow()})
            if change is not None:
                audit.record(self.db, change, document_id=document_id, before=previous, after=None)
        return previous

    @locked
    def abandon_version(self, document_id: str, version: int, change: audit.Change | None = None) -> None:
        """Forget a version that failed while indexing (its passages go with it)."""
        with self.db.conn:
            if change is not None:
                served = self.serving_version(document_id)
                audit.record(self.db, change, document_id=document_id, before=served, after=served)
            self.db.execute(
                "delete from passages where document_id = ? and version = ?", [document_id, version]
            )
            self.db.execute(
                "delete from versions where document_id = ? and version = ?", [document_id, version]
            )
            if not self.db["versions"].count_where("document_id = ?", [document_id]):
                self.db["documents"].delete(document_id)


def _record(row: dict) -> PassageRecord:
    return PassageRecord(
        id=row["id"],
        document_id=row["document_id"],
        version=row["version"],
        ordinal=row["ordinal"],
        kind=row["kind"],
        locator=row["locator"],
        section=row["section"] or "",
        text=row["text"],
        title=row["title"],
        page=row.get("page") or "",
        unit=row.get("unit") or "",
        networks=frozenset(filter(None, (row.get("networks") or "").split(","))),
    )
