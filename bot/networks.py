"""The practitioner networks a deployment serves, and who belongs to which (users.db).

A network is a record (id, name, languages) that documents, contact entries, members,
invitations and group chats point to. Its tables live in the members' file (`users.db`)
under their own append-only migration set, applied by `UserStore` after its own.

Members of earlier versions had one role and no network: the migration gives each of them
that role in a network `default` (created only if there is someone to put in it), registers
existing groups and pending invitations to it, and leaves a notice that start-up says once.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlite_utils
from sqlite_utils import Migrations

from knowledge.scope import check_network_id
from knowledge.shared_sqlite import locked

DEFAULT_NETWORK = "default"
#: roles a member holds in one network (admin is global, kept in users.role)
NETWORK_ROLES = ("prosecutor", "coordinator")
LANGUAGE = re.compile(r"^[a-z]{2,3}$")

migrations = Migrations("jitbot-networks")


@migrations()
def create_networks(db: sqlite_utils.Database) -> None:
    db["networks"].create(
        {"id": str, "name": str, "languages": str, "added_at": str, "added_by": str}, pk="id"
    )
    db["memberships"].create(
        {"telegram_id": int, "network_id": str, "role": str, "added_at": str, "added_by": str},
        pk=("telegram_id", "network_id"),
    )
    db["memberships"].create_index(["network_id"])
    db["groups"].add_column("network", str)
    db["invites"].add_column("network", str)
    db["notices"].create({"id": int, "text": str, "created_at": str}, pk="id")


@migrations()
def members_into_default_network(db: sqlite_utils.Database) -> None:
    """Everyone already enrolled keeps their role, now in network `default`."""
    members = [r for r in db["users"].rows if r["role"] != "admin"]
    groups = list(db["groups"].rows)
    invites = [r for r in db["invites"].rows if r["role"] != "admin" and not r["revoked"]]
    if not (members or groups or invites):
        return
    now = _iso_now()
    db["networks"].insert(
        {"id": DEFAULT_NETWORK, "name": "Default", "languages": "", "added_at": now,
         "added_by": "migration"}
    )
    for row in members:
        db["memberships"].insert(
            {"telegram_id": row["telegram_id"], "network_id": DEFAULT_NETWORK, "role": row["role"],
             "added_at": now, "added_by": "migration"}
        )
    db.execute("UPDATE groups SET network = ?", [DEFAULT_NETWORK])
    db.execute("UPDATE invites SET network = ? WHERE role != 'admin'", [DEFAULT_NETWORK])
    db["notices"].insert(
        {"text": (f"Networks: {len(members)} member(s), {len(groups)} group(s) and {len(invites)} "
                  f"invitation(s) from before networks existed are now in network '{DEFAULT_NETWORK}' "
                  "with their roles; everything already in the knowledge base is public. Rename it with "
                  f"`jitbot networks add {DEFAULT_NETWORK} --name NAME` or move members with "
                  "`jitbot users add ID --role ROLE --network ID`."),
         "created_at": now}
    )


def _iso_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def check_languages(value: str | list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """'es,pt' or ['es', 'pt'] -> ('es', 'pt'); ValueError naming a code that is not one."""
    parts = value.split(",") if isinstance(value, str) else list(value)
    codes = []
    for part in parts:
        code = part.strip().lower()
        if not code:
            continue
        if not LANGUAGE.match(code):
            raise ValueError(f"language {part.strip()!r}: use two-letter codes separated by commas (e.g. es,pt)")
        if code not in codes:
            codes.append(code)
    return tuple(codes)


def check_network_role(role: str) -> str:
    role = role.strip().lower()
    if role not in NETWORK_ROLES:
        raise ValueError(f"unknown network role {role!r}: use {' or '.join(NETWORK_ROLES)} "
                         "(admin is global: jitbot users add ID --role admin)")
    return role


class NetworkError(ValueError):
    """A network that does not exist, or cannot be removed yet."""


@dataclass(frozen=True)
class Network:
    id: str
    name: str
    languages: tuple[str, ...] = ()

    def line(self) -> str:
        languages = ", ".join(self.languages) or "any language"
        return f"{self.id}  {self.name}  ({languages})"


class NetworkStore:
    """The `networks` table; shares users.db's connection and lock with `UserStore`."""

    def __init__(self, db: sqlite_utils.Database, lock: threading.RLock):
        self.db = db
        self.lock = lock
        migrations.apply(db)

    @locked
    def add(self, network_id: str, name: str = "", languages: str | tuple[str, ...] = (),
            added_by: str = "cli") -> Network:
        """Add a network, or change the name and languages of an existing one."""
        network_id = check_network_id(network_id)
        codes = check_languages(languages)
        existing = self._row(network_id)
        name = name.strip() or (existing or {}).get("name") or network_id
        self.db["networks"].upsert(
            {"id": network_id, "name": name, "languages": ",".join(codes),
             "added_at": (existing or {}).get("added_at") or _iso_now(),
             "added_by": (existing or {}).get("added_by") or added_by},
            pk="id",
        )
        return self.get(network_id)  # type: ignore[return-value]

    @locked
    def remove(self, network_id: str) -> Network:
        """Remove a network that no member, group or open invitation belongs to any more."""
        network = self.require(network_id)
        members = self.db.execute(
            "SELECT count(*) FROM memberships WHERE network_id = ?", [network.id]).fetchone()[0]
        groups = self.db.execute("SELECT count(*) FROM groups WHERE network = ?", [network.id]).fetchone()[0]
        if members or groups:
            raise NetworkError(
                f"network {network.id} still has {members} member(s) and {groups} group(s): "
                "move or remove them first (jitbot users list, jitbot groups list)"
            )
        with self.db.conn:
            self.db.execute("UPDATE invites SET revoked = 1 WHERE network = ? AND revoked = 0", [network.id])
            self.db["networks"].delete(network.id)
        return network

    @locked
    def get(self, network_id: str) -> Network | None:
        row = self._row(network_id.strip().lower())
        return _network(row) if row else None

    def require(self, network_id: str) -> Network:
        """The network, or NetworkError naming the id and the ids that exist."""
        network = self.get(network_id)
        if network is None:
            known = ", ".join(self.ids()) or "none yet: jitbot networks add ID --name NAME"
            raise NetworkError(f"unknown network {network_id!r} (networks: {known})")
        return network

    @locked
    def all(self) -> list[Network]:
        return [_network(row) for row in self.db["networks"].rows_where(order_by="id")]

    @locked
    def ids(self) -> list[str]:
        return [row["id"] for row in self.db["networks"].rows_where(select="id", order_by="id")]

    @locked
    def pop_notices(self) -> list[str]:
        """Messages left by a migration, returned once (start-up says them) and then forgotten."""
        rows = list(self.db["notices"].rows_where(order_by="id"))
        if rows:
            with self.db.conn:
                self.db.execute("DELETE FROM notices")
        return [row["text"] for row in rows]

    def _row(self, network_id: str) -> dict | None:
        rows = list(self.db["networks"].rows_where("id = ?", [network_id]))
        return rows[0] if rows else None


def _network(row: dict) -> Network:
    languages = tuple(code for code in (row.get("languages") or "").split(",") if code)
    return Network(row["id"], row["name"] or row["id"], languages)


@dataclass(frozen=True)
class EditRights:
    """Which documents and contact entries a coordinator or admin may change.

    An admin changes anything. A coordinator changes what belongs only to networks they
    coordinate (material shared with another network is for an admin, or a coordinator of
    every network it belongs to). Public material is an admin's too, except in a deployment
    serving a single network, where it concerns nobody else.
    """

    is_admin: bool
    networks: tuple[str, ...]  # the networks coordinated (an admin: all)
    single_network: bool = False

    def may_change(self, item_networks) -> bool:
        owners = set(item_networks)
        if self.is_admin:
            return True
        if not owners:
            return self.single_network and bool(self.networks)
        return owners <= set(self.networks)

    @property
    def upload_choices(self) -> tuple[str, ...]:
        """Where a new document may go: '' (public) and network ids, in the order offered.
        With a single network served, public as before networks existed (nobody else reads it)."""
        if self.single_network:
            return ("",) if self.is_admin or self.networks else ()
        if self.is_admin:
            return ("", *self.networks)
        return self.networks
