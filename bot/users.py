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


class UserStore:
    """Members, invitations and groups; safe to share between the bot's threads."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.db, self.lock = open_shared_database(self.path)
        migrations.apply(self.db)
        from bot.networks import NetworkStore  # its tables extend this file's (groups, invites)

        self.networks = NetworkStore(self.db, self.lock)

    # --- members ---------------------------------------------------------------------
    @locked
    def add_user(self, telegram_id: int, role: str, name: str = "", added_by: str = "cli") -> Member:
        """Add a member, or change the role and name of an existing one."""
        role = check_role(role)
        existing = self._user_row(telegram_id)
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
    def remove_user(self, telegram_id: int) -> bool:
        if not self._user_row(telegram_id):
            return False
        self.db["users"].delete(int(telegram_id))
        return True

    @locked
    def member(self, telegram_id: int) -> Member | None:
        row = self._user_row(telegram_id)
        if not row:
            return None
        return Member(row["telegram_id"], row["role"], row["name"] or "", row.get("language") or "")

    @locked
    def set_language(self, telegram_id: int, language: str) -> bool:
        """Remember a member's language for the bot's fixed texts; False if not a member."""
        if not self._user_row(telegram_id):
            return False
        self.db["users"].update(int(telegram_id), {"language": language})
        return True

    @locked
    def users(self) -> list[dict]:
        return list(self.db["users"].rows_where(order_by="role, telegram_id"))

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
    ) -> NewInvite:
        role = check_role(role)
        if uses < 1:
            raise ValueError("an invitation needs at least one use")
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
            }
        )
        return NewInvite(invite_id, code, role, uses, expires_at)

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
            member = self.add_user(telegram_id, invite["role"], name, added_by=f"invite:{invite['id']}")
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
    def add_group(self, chat_id: int, title: str = "", added_by: str = "cli") -> None:
        self.db["groups"].upsert(
            {"chat_id": int(chat_id), "title": title, "added_at": _iso(utcnow()), "added_by": added_by},
            pk="chat_id",
        )

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
