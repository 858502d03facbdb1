"""Which networks a document belongs to (table `document_networks`; no row: public).

A mixin of `Catalogue`, kept apart so that the catalogue stays readable; it uses the
catalogue's database and lock.
"""

from __future__ import annotations

from collections.abc import Iterable

from . import audit
from .scope import EVERYTHING, Scope
from .shared_sqlite import locked


class DocumentNetworks:
    @locked
    def document_networks(self, document_id: str) -> frozenset[str]:
        """The networks a document belongs to (empty: public)."""
        rows = self.db.execute(
            "select network_id from document_networks where document_id = ?", [document_id]
        ).fetchall()
        return frozenset(row[0] for row in rows)

    @locked
    def restricted_documents(self) -> dict[str, frozenset[str]]:
        """Every document that belongs to a network, with its networks (the rest are public)."""
        found: dict[str, set[str]] = {}
        for document_id, network in self.db.execute("select document_id, network_id from document_networks"):
            found.setdefault(document_id, set()).add(network)
        return {d: frozenset(n) for d, n in found.items()}

    @locked
    def served_titles(self, scope: Scope = EVERYTHING) -> dict[str, str]:
        """document id -> title of the served documents `scope` may read."""
        rows = self.db.execute(
            "select d.id, d.title, group_concat(dn.network_id, ',') from documents d "
            "left join document_networks dn on dn.document_id = d.id "
            "where d.status = 'active' and d.current_version is not null group by d.id"
        ).fetchall()
        return {doc: title or "" for doc, title, nets in rows
                if scope.sees(nets.split(",") if nets else ())}

    @locked
    def documents_of_network(self, network_id: str) -> list[str]:
        rows = self.db.execute(
            "select document_id from document_networks where network_id = ? order by document_id", [network_id]
        ).fetchall()
        return [row[0] for row in rows]

    def _write_networks(self, document_id: str, networks: Iterable[str]) -> None:
        """Within the caller's transaction: the document belongs to exactly `networks`."""
        self.db.execute("delete from document_networks where document_id = ?", [document_id])
        rows = [{"document_id": document_id, "network_id": n} for n in sorted(set(networks))]
        if rows:
            self.db["document_networks"].insert_all(rows)

    @locked
    def set_document_networks(
        self, document_id: str, networks: Iterable[str], change: audit.Change | None = None
    ) -> None:
        """Give a document other networks (one commit; answers follow at once)."""
        networks = frozenset(networks)
        with self.db.conn:
            self._write_networks(document_id, networks)
            if change is not None:
                served = self.serving_version(document_id)
                audit.record(self.db, change, document_id=document_id, before=served, after=served,
                             networks=networks)
