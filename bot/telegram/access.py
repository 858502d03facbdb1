"""Who the bot answers: members in private chats, registered groups, nobody else.

Strangers get one short, polite refusal that says how to join and nothing from the
knowledge base; after that they are ignored for a while, so that a stranger (or a
script) cannot make the bot spend effort or messages on them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from bot.i18n import N_
from bot.users import Member, UserStore
from knowledge.scope import Scope

# Shown through the member's Translator: t.gettext(REFUSAL)
REFUSAL = N_(
    "Sorry, this assistant is only for members of the prosecutors' network. "
    "To join, ask your network coordinator for an invitation link."
)
GROUP_REFUSAL = N_(
    "This group is not registered with the assistant. "
    "A network admin can register it by sending /register here."
)
ADMIN_ONLY = N_("Only a network admin can do this.")


@dataclass(frozen=True)
class Asker:
    """Who is asking, as the query log records it."""

    user_id: int
    role: str  # prosecutor | coordinator | admin | group (non-member in a registered group)
    chat_type: str
    #: what answers in this chat may show: the member's networks in private, the group's in a group
    scope: Scope = field(default_factory=Scope.public)


class RefusalLimiter:
    """Allows one refusal per key (user or chat) per `interval` seconds, then silence."""

    def __init__(self, interval: float, max_keys: int = 10_000, clock=time.monotonic):
        self.interval = interval
        self.max_keys = max_keys
        self.clock = clock
        self.last: dict[int, float] = {}

    def allow(self, key: int) -> bool:
        now = self.clock()
        previous = self.last.get(key)
        if previous is not None and now - previous < self.interval:
            return False
        if len(self.last) >= self.max_keys:
            self._forget_old(now)
        self.last[key] = now
        return True

    def _forget_old(self, now: float) -> None:
        self.last = {k: t for k, t in self.last.items() if now - t < self.interval}
        if len(self.last) >= self.max_keys:  # a flood of distinct strangers: stay bounded
            self.last.clear()


class Access:
    """Membership decisions for one bot, over the user store."""

    def __init__(self, users: UserStore, refusal_interval: float):
        self.users = users
        self.refusals = RefusalLimiter(refusal_interval)

    def member(self, user_id: int) -> Member | None:
        return self.users.member(user_id)

    def asker(self, user_id: int, chat_id: int, chat_type: str) -> Asker | None:
        """The asker if the bot may answer in this chat, else None."""
        if chat_type == "private":
            member = self.users.member(user_id)
            return Asker(user_id, member.role, chat_type, self.users.scope_for(user_id)) if member else None
        if chat_type in ("group", "supergroup") and self.users.is_group_registered(chat_id):
            # Everyone in the group reads the answer: the group's network, not the asker's.
            member = self.users.member(user_id)
            return Asker(user_id, member.role if member else "group", chat_type, self.users.group_scope(chat_id))
        return None

    def may_refuse(self, key: int) -> bool:
        """True if a refusal may be sent to this user (or group) now."""
        return self.refusals.allow(key)
