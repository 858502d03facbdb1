"""Unforgeable answer buttons: callback data signed for the chat and member it was sent to.

Telegram hands a button's callback data back as it was sent, to whoever presses it, and a
client can send any callback data it likes. Query ids are sequential, so `src:N` alone
would let anyone in a registered group post another member's private answer's sources
there, or rate any answer. Each button therefore carries a tag: an HMAC of the query id,
the chat and the member, with a secret kept in the data directory (mode 0600). A press is
honoured only from that chat, by that member, with the right tag. No state is kept, so
buttons keep working after a restart.

Callback data (at most 64 bytes): `src:<query id>:<tag>` and `fb:<query id>:<1|-1>:<tag>`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from pathlib import Path

from bot.i18n import N_

#: Refusals to a press that is not the presser's (one line, nothing from the answer).
NOT_YOURS = N_("This button belongs to an answer for someone else. Ask your own question to see its sources or rate it.")
STALE_BUTTON = N_("This button is no longer valid. Please ask the question again.")

SECRET_FILE = "button-secret"
TAG_BYTES = 12  # 96 bits: guessing is hopeless, and the data stays far below 64 bytes
FEEDBACK_VALUES = (1, -1)

_DATA = re.compile(r"^(src|fb):(\d{1,18})(?::(-?\d{1,2}))?:([A-Za-z0-9_-]{16})$")


@dataclass(frozen=True)
class AnswerPress:
    """A parsed answer button: what to do, for which logged answer, and the tag it carried."""

    kind: str  # src | fb
    query_id: int
    value: int  # the feedback value; 0 for src
    tag: str


class ButtonSigner:
    """Signs and checks answer buttons with one secret."""

    def __init__(self, secret: bytes):
        if len(secret) < 16:
            raise ValueError("the button secret must be at least 16 bytes long")
        self.secret = secret

    @classmethod
    def for_data_dir(cls, data_dir: Path) -> ButtonSigner:
        from bot.query_log import local_secret  # random, made once, mode 0600

        return cls(local_secret(Path(data_dir) / SECRET_FILE))

    def tag(self, query_id: int, chat_id: int, user_id: int) -> str:
        message = f"{query_id}:{chat_id}:{user_id}".encode()
        digest = hmac.new(self.secret, message, hashlib.sha256).digest()[:TAG_BYTES]
        return base64.urlsafe_b64encode(digest).decode()

    def sources_data(self, query_id: int, chat_id: int, user_id: int) -> str:
        return f"src:{query_id}:{self.tag(query_id, chat_id, user_id)}"

    def feedback_data(self, query_id: int, value: int, chat_id: int, user_id: int) -> str:
        return f"fb:{query_id}:{value}:{self.tag(query_id, chat_id, user_id)}"

    def is_valid(self, press: AnswerPress, chat_id: int, user_id: int) -> bool:
        """True if this chat and member were sent the button (a tag made for them)."""
        return hmac.compare_digest(press.tag, self.tag(press.query_id, chat_id, user_id))


@dataclass(frozen=True)
class SignedAnswer:
    """The buttons of one answer, as sent to one member in one chat."""

    signer: ButtonSigner
    query_id: int
    chat_id: int
    user_id: int

    def sources_data(self) -> str:
        return self.signer.sources_data(self.query_id, self.chat_id, self.user_id)

    def feedback_data(self, value: int) -> str:
        return self.signer.feedback_data(self.query_id, value, self.chat_id, self.user_id)


def parse_answer_press(data: str | None) -> AnswerPress | None:
    """The press, or None for data that no answer button of ours carries (malformed, forged)."""
    match = _DATA.match(data or "")
    if match is None:
        return None
    kind, query_id, value, tag = match.groups()
    if kind == "src":
        return None if value is not None else AnswerPress(kind, int(query_id), 0, tag)
    if value is None or int(value) not in FEEDBACK_VALUES:
        return None
    return AnswerPress(kind, int(query_id), int(value), tag)
