"""The catalogue's schema: append-only sqlite-utils migrations (never edit an applied one)."""

from __future__ import annotations

import sqlite_utils
from sqlite_utils import Migrations

migrations = Migrations("jitbot-catalogue")


@migrations()
def create_catalogue(db: sqlite_utils.Database) -> None:
    db["documents"].create(
        {
            "id": str,
            "title": str,
            "source": str,
            "source_url": str,
            "language": str,
            "tags": str,
            "published": str,
            "current_version": int,
            "status": str,  # active | removed
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
    )
    db["versions"].create(
        {
            "id": str,  # "<document_id>@v<n>"
            "document_id": str,
            "version": int,
            "content_hash": str,
            "filename": str,
            "format": str,
            "pages": int,
            "passage_count": int,
            "status": str,  # indexing | serving | superseded | removed
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("document_id", "documents", "id")],
    )
    db["versions"].create_index(["content_hash"])
    db["versions"].create_index(["document_id", "version"], unique=True)
    db["passages"].create(
        {
            "id": str,  # "<document_id>@v<n>#<ordinal>"
            "document_id": str,
            "version": int,
            "ordinal": int,
            "kind": str,
            "locator": str,
            "section": str,
            "text": str,
        },
        pk="id",
    )
    db["passages"].create_index(["document_id", "version"])


@migrations()
def add_audit_trail(db: sqlite_utils.Database) -> None:
    """Who changed the knowledge base, how and when (knowledge/audit.py writes and reads it)."""
    db["audit"].create(
        {
            "id": int,
            "at": str,
            "user": str,  # OS login or --as NAME (cli), "telegram:<id>" (telegram)
            "name": str,  # display name, e.g. the Telegram user's full name
            "role": str,  # the member's role for telegram, "" for the command line
            "via": str,  # cli | telegram | system
            "action": str,  # add | update | remove | cleanup | repair | contacts
            "document_id": str,
            "version_before": int,  # the version served before the change (null: none)
            "version_after": int,  # the version served after it (null: none)
            "detail": str,
        },
        pk="id",
    )
    db["audit"].create_index(["document_id"])


@migrations()
def add_pages_units_and_originals(db: sqlite_utils.Database) -> None:
    """Where each passage is (printed page, citable unit) and each version's original file."""
    db["passages"].add_column("page", str)  # printed page label where the passage starts ("" if none)
    db["passages"].add_column("unit", str)  # the article/section/paragraph it belongs to ("art. 9")
    db["versions"].add_column("original", str)  # path of the stored original, relative to the data dir


@migrations()
def add_document_networks(db: sqlite_utils.Database) -> None:
    """Which networks a document belongs to (no row: public, which every existing document is),
    and the networks a change concerned, in the audit trail."""
    db["document_networks"].create(
        {"document_id": str, "network_id": str},
        pk=("document_id", "network_id"),
        foreign_keys=[("document_id", "documents", "id")],
    )
    db["document_networks"].create_index(["network_id"])
    db["audit"].add_column("networks", str)  # comma-separated network ids; "" = public
