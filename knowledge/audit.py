"""The audit trail: who changed the knowledge base, what, when (table `audit` in the catalogue).

Rows are written in the same transaction as the change they describe (see
`Catalogue.activate_version` and `Catalogue.remove_document`), so the trail never claims
a change that did not happen, nor misses one that did. `version_before` and
`version_after` are the versions *served* before and after the change.
"""

from __future__ import annotations

import getpass
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlite_utils


@dataclass(frozen=True)
class Actor:
    """Who makes a change: a command-line user, a Telegram member, or jitbot itself."""

    user: str
    via: str = "cli"  # cli | telegram | system
    role: str = ""
    name: str = ""

    @classmethod
    def command_line(cls, name: str | None = None) -> Actor:
        """`--as NAME`, else the OS login."""
        if name and name.strip():
            return cls(name.strip(), "cli")
        try:
            login = getpass.getuser()
        except Exception:  # noqa: BLE001 - no login name (e.g. a container without passwd entry)
            login = "unknown"
        return cls(login, "cli")

    @classmethod
    def telegram(cls, user_id: int, role: str, name: str = "") -> Actor:
        return cls(f"telegram:{user_id}", "telegram", role, name)

    def label(self) -> str:
        who = f"{self.name} ({self.user})" if self.name else self.user
        return f"{who}, {self.role}" if self.role else who


SYSTEM = Actor("jitbot", "system")


@dataclass(frozen=True)
class Change:
    """An audit row to write with a change: who, what kind of change, and a short note."""

    actor: Actor
    action: str
    detail: str = ""


def record(
    db: sqlite_utils.Database,
    change: Change,
    *,
    document_id: str | None = None,
    before: int | None = None,
    after: int | None = None,
    networks: Iterable[str] | None = None,
) -> None:
    """Insert one row; the caller holds the transaction. `networks`: those the change
    concerned (default: the document's, as they are now; "" means public)."""
    actor = change.actor
    if networks is None and document_id is not None:
        networks = [row[0] for row in db.execute(
            "select network_id from document_networks where document_id = ?", [document_id])]
    db["audit"].insert(
        {
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
            "user": actor.user,
            "name": actor.name,
            "role": actor.role,
            "via": actor.via,
            "action": change.action,
            "document_id": document_id,
            "version_before": before,
            "version_after": after,
            "detail": change.detail,
            "networks": ",".join(sorted(networks or ())),
        }
    )


def record_now(catalogue, change: Change, **versions) -> None:
    """Record a change that was committed on its own (a repair, a contacts import)."""
    with catalogue.lock, catalogue.db.conn:
        record(catalogue.db, change, **versions)


def history(db: sqlite_utils.Database, document_id: str | None = None, limit: int = 50) -> list[dict]:
    """The latest `limit` rows, newest first (of one document if given)."""
    where, params = ("document_id = ?", [document_id]) if document_id else (None, [])
    return list(db["audit"].rows_where(where, params, order_by="id desc", limit=limit))


def _version(value: int | None) -> str:
    return f"v{value}" if value is not None else "–"


def line(row: dict) -> str:
    """One row as a line of `kb history`."""
    who = row["user"] + (f" ({row['name']})" if row.get("name") else "")
    if row.get("role"):
        who += f" [{row['role']}]"
    versions = f"{_version(row['version_before'])} → {_version(row['version_after'])}"
    what = f"{row['action']:<8} {row['document_id'] or '-'}"
    if row["document_id"]:
        what += f"  {versions}"
    detail = f"  {row['detail']}" if row.get("detail") else ""
    networks = f"  [networks: {row['networks']}]" if row.get("networks") else ""
    return f"{row['at']}  {what}  by {who} via {row['via']}{detail}{networks}"
