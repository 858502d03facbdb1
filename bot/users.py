"""Who may use the bot: members and their roles, invitations, registered group chats.

One SQLite file (`data/users.db`). Invitation codes are bearer secrets, so only their
SHA-256 is stored: a leaked database does not leak usable invitations.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlite_utils
from sqlite_utils import Migrations

from bot.i18n import N_
from bot.networks import DEFAULT_NETWORK, EditRights, NetworkStore
from knowledge.scope import Scope
from knowledge.shared_sqlite import locked, open_shared_database

ROLES = ("prosecutor", "coordinator", "admin")

migrations = Migrations("jitbot-users")


@migrations()
def create_users(db: sqlite_utils.Database) -> None:
    db["users"].create(
        {"telegram_id": int, "role": str, "name": str, "added_at": str, "added_by": str},
        pk="telegram_id",
    )
    db["invites"].create(
        {
            "id": str,  # short public handle, for listing and revoking
            "code_hash": str,
            "role": str,
            "max_uses": int,
            "uses": int,
            "expires_at": str,  # ISO UTC, or null for never
            "revoked": int,
            "created_at": str,
            "created_by": str,
        },
        pk="id",
    )
    db["invites"].create_index(["code_hash"], unique=True)
    db["groups"].create(
        {"chat_id": int, "title": str, "added_at": str, "added_by": str}, pk="chat_id"
    )


@migrations()
def add_user_language(db: sqlite_utils.Database) -> None:
    """The language a member chose with /language ("" or null: their Telegram app's)."""
    db["users"].add_column("language", str)


class InviteError(ValueError):
    """An invitation that cannot be used (unknown, expired, used up, revoked)."""


@dataclass(frozen=True)
class Member:
    telegram_id: int
    role: str
    name: str = ""
    #: chosen with /language (en, es, fr, pt); "" means the Telegram app's language
    language: str = ""
    #: (network id, role in it) pairs; `role` is admin (global) or the highest of these
    networks: tuple[tuple[str, str], ...] = ()

    @property
    def network_ids(self) -> tuple[str, ...]:
        return tuple(network for network, _ in self.networks)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass(frozen=True)
class NewInvite:
    id: str
    code: str
    role: str
    max_uses: int
    expires_at: str | None
    network: str | None = None


def utcnow() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


def check_role(role: str) -> str:
    role = role.strip().lower()
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}: use one of {', '.join(ROLES)}")
    return role


def parse_duration(text: str) -> timedelta:
    """'7d', '12h', '30m', '2w' -> timedelta (for `invite create --expires`)."""
    units = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
    text = text.strip().lower()
    if len(text) < 2 or text[-1] not in units or not text[:-1].isdigit() or int(text[:-1]) < 1:
        raise ValueError(f"cannot read duration {text!r}: use e.g. 30m, 12h, 7d or 2w")
    return timedelta(**{units[text[-1]]: int(text[:-1])})


def _summary_role(roles: list[str]) -> str | None:
    """The role a member shows outside any one network: the highest they hold in one."""
    return "coordinator" if "coordinator" in roles else ("prosecutor" if roles else None)


class UserStore:
    """Members (with their networks), invitations and groups; safe to share between threads."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.db, self.lock = open_shared_database(self.path)
        migrations.apply(self.db)
        self.networks = NetworkStore(self.db, self.lock)

    # --- members ---------------------------------------------------------------------
    @locked
    def add_user(self, telegram_id: int, role: str, name: str = "", added_by: str = "cli",
                 network: str | None = None) -> Member:
        """Add a member, or change the name of a member and their role in `network`.

        Admin is global (`network` is not needed); a prosecutor or coordinator gets the role in
        `network`, or in the only network there is (`default`, made if there is none yet).
        """
        role = check_role(role)
        existing = self._user_row(telegram_id)
        with self.db.conn:
            if role != "admin":
                network = self.network_for(network)
                self.db["memberships"].upsert(
                    {"telegram_id": int(telegram_id), "network_id": network, "role": role,
                     "added_at": _iso(utcnow()), "added_by": added_by},
                    pk=("telegram_id", "network_id"),
                )
                role = _summary_role(self._network_roles(telegram_id)) or role
            self._put_user(telegram_id, role, name, existing, added_by)
        return self.member(telegram_id)  # type: ignore[return-value]

    def network_for(self, network: str | None) -> str:
        """The network a new membership, invitation or group goes to (see `add_user`)."""
        if network:
            return self.networks.require(network).id
        ids = self.networks.ids()
        if len(ids) > 1:
            raise ValueError(f"there are several networks ({', '.join(ids)}): name one with --network")
        if not ids:
            return self.networks.add(DEFAULT_NETWORK, name="Default").id
        return ids[0]

    def _put_user(self, telegram_id: int, role: str, name: str, existing: dict | None, added_by: str) -> None:
        self.db["users"].upsert(
            {
                "telegram_id": int(telegram_id),
                "role": role,
                "name": name or (existing or {}).get("name") or "",
                "added_at": (existing or {}).get("added_at") or _iso(utcnow()),
                "added_by": (existing or {}).get("added_by") or added_by,
            },
            pk="telegram_id",
        )
        return self.member(telegram_id)  # type: ignore[return-value]

    @locked
    def remove_user(self, telegram_id: int, network: str | None = None) -> bool:
        """Remove a member; with `network`, only from that network (and entirely if it was
        their last one, unless they are an admin). False if there was nothing to remove."""
        row = self._user_row(telegram_id)
        if not row:
            return False
        with self.db.conn:
            if network is not None:
                network = network.strip().lower()
                if network not in self._network_roles_by_id(telegram_id):
                    return False
                self.db.execute("DELETE FROM memberships WHERE telegram_id = ? AND network_id = ?",
                                [int(telegram_id), network])
                left = _summary_role(self._network_roles(telegram_id))
                if row["role"] == "admin" or left:
                    if row["role"] != "admin":
                        self.db["users"].update(int(telegram_id), {"role": left})
                    return True
            self.db.execute("DELETE FROM memberships WHERE telegram_id = ?", [int(telegram_id)])
            self.db["users"].delete(int(telegram_id))
        return True

    @locked
    def member(self, telegram_id: int) -> Member | None:
        row = self._user_row(telegram_id)
        if not row:
            return None
        networks = tuple(sorted(self._network_roles_by_id(telegram_id).items()))
        return Member(row["telegram_id"], row["role"], row["name"] or "", row.get("language") or "", networks)

    # --- what a member or group may see and change -----------------------------------
    @locked
    def scope_for(self, telegram_id: int) -> Scope:
        """An admin sees everything; a member the public material and their networks'."""
        member = self.member(telegram_id)
        if member is None:
            return Scope.public()
        return Scope.everything() if member.is_admin else Scope.of(member.network_ids)

    @locked
    def group_scope(self, chat_id: int) -> Scope:
        """What the bot may show in a group: public material and the group's network's."""
        network = self.group_network(chat_id)
        return Scope.of([network]) if network else Scope.public()

    @locked
    def group_network(self, chat_id: int) -> str | None:
        rows = list(self.db["groups"].rows_where("chat_id = ?", [int(chat_id)], select="network"))
        return rows[0]["network"] if rows and rows[0]["network"] else None

    @locked
    def coordinator_networks(self, telegram_id: int) -> list[str]:
        """The networks whose documents and contacts this member may change (admin: all)."""
        member = self.member(telegram_id)
        if member is None:
            return []
        if member.is_admin:
            return self.networks.ids()
        return sorted(n for n, role in member.networks if role == "coordinator")

    @locked
    def edit_rights(self, telegram_id: int) -> EditRights:
        """What this member may change in the knowledge base and the directory."""
        member = self.member(telegram_id)
        ids = self.networks.ids()
        return EditRights(bool(member and member.is_admin), tuple(self.coordinator_networks(telegram_id)),
                          single_network=len(ids) <= 1)

    def _network_roles_by_id(self, telegram_id: int) -> dict[str, str]:
        rows = self.db.execute("SELECT network_id, role FROM memberships WHERE telegram_id = ?",
                               [int(telegram_id)]).fetchall()
        return dict(rows)

    def _network_roles(self, telegram_id: int) -> list[str]:
        return list(self._network_roles_by_id(telegram_id).values())

    @locked
    def set_language(self, telegram_id: int, language: str) -> bool:
        """Remember a member's language for the bot's fixed texts; False if not a member."""
        if not self._user_row(telegram_id):
            return False
        self.db["users"].update(int(telegram_id), {"language": language})
        return True

    @locked
    def users(self) -> list[dict]:
        """Members, each with `networks`: {network id: role}."""
        rows = list(self.db["users"].rows_where(order_by="role, telegram_id"))
        for row in rows:
            row["networks"] = self._network_roles_by_id(row["telegram_id"])
        return rows

    @locked
    def network_members(self, network: str) -> list[dict]:
        return [dict(zip(("telegram_id", "role"), r, strict=True)) for r in self.db.execute(
            "SELECT telegram_id, role FROM memberships WHERE network_id = ? ORDER BY telegram_id", [network])]

    def _user_row(self, telegram_id: int) -> dict | None:
        rows = list(self.db["users"].rows_where("telegram_id = ?", [int(telegram_id)]))
        return rows[0] if rows else None

    # --- invitations -----------------------------------------------------------------
    @locked
    def create_invite(
        self,
        role: str,
        uses: int = 1,
        expires_in: timedelta | None = timedelta(days=7),
        created_by: str = "cli",
        network: str | None = None,
    ) -> NewInvite:
        """An invitation to `network` with `role` (an admin invitation names none)."""
        role = check_role(role)
        if uses < 1:
            raise ValueError("an invitation needs at least one use")
        network = None if role == "admin" else self.network_for(network)
        code = secrets.token_urlsafe(16)  # 22 characters of [A-Za-z0-9_-]: a valid ?start=
        invite_id = secrets.token_hex(4)
        expires_at = _iso(utcnow() + expires_in) if expires_in else None
        self.db["invites"].insert(
            {
                "id": invite_id,
                "code_hash": _hash(code),
                "role": role,
                "max_uses": uses,
                "uses": 0,
                "expires_at": expires_at,
                "revoked": 0,
                "created_at": _iso(utcnow()),
                "created_by": created_by,
                "network": network,
            }
        )
        return NewInvite(invite_id, code, role, uses, expires_at, network)

    @locked
    def redeem(self, code: str, telegram_id: int, name: str = "") -> Member:
        """Enrol `telegram_id` with the invitation's role; raises InviteError if unusable."""
        rows = list(self.db["invites"].rows_where("code_hash = ?", [_hash(code.strip())]))
        if not rows:
            raise InviteError(N_("This invitation link is not valid."))
        invite = rows[0]
        if invite["revoked"]:
            raise InviteError(N_("This invitation has been withdrawn."))
        if invite["expires_at"] and datetime.fromisoformat(invite["expires_at"]) <= utcnow():
            raise InviteError(N_("This invitation has expired."))
        if invite["uses"] >= invite["max_uses"]:
            raise InviteError(N_("This invitation has already been used."))
        with self.db.conn:
            self.db["invites"].update(invite["id"], {"uses": invite["uses"] + 1})
            member = self.add_user(telegram_id, invite["role"], name, added_by=f"invite:{invite['id']}",
                                   network=invite.get("network"))
        return member

    @locked
    def invites(self) -> list[dict]:
        rows = self.db["invites"].rows_where(order_by="created_at desc, id")
        return [{k: v for k, v in row.items() if k != "code_hash"} for row in rows]

    @locked
    def revoke_invite(self, invite_id: str) -> bool:
        if not list(self.db["invites"].rows_where("id = ?", [invite_id])):
            return False
        self.db["invites"].update(invite_id, {"revoked": 1})
        return True

    # --- group chats -----------------------------------------------------------------
    @locked
    def add_group(self, chat_id: int, title: str = "", added_by: str = "cli", network: str | None = None) -> str:
        """Register a group to one network (see `add_user` for the default); returns its id."""
        network = self.network_for(network)
        self.db["groups"].upsert(
            {"chat_id": int(chat_id), "title": title, "added_at": _iso(utcnow()), "added_by": added_by,
             "network": network},
            pk="chat_id",
        )
        return network

    @locked
    def remove_group(self, chat_id: int) -> bool:
        if not self.is_group_registered(chat_id):
            return False
        self.db["groups"].delete(int(chat_id))
        return True

    @locked
    def is_group_registered(self, chat_id: int) -> bool:
        return bool(list(self.db["groups"].rows_where("chat_id = ?", [int(chat_id)])))

    @locked
    def groups(self) -> list[dict]:
        return list(self.db["groups"].rows_where(order_by="added_at"))
