"""A generated answer growing in one Telegram message, edited at most once a second.

The answer service calls `MessageStreamer.push` from the worker thread that answers, with
the checked text written so far (AnswerService.answer_stream). The streamer sends the
first text as a reply and edits that message with later texts, never more than once per
`interval`: a text that arrives sooner is skipped, since a newer one (or the final answer,
which always replaces the message) follows. Chat history for follow-up questions is kept
here too: a few (question as answered, answer) turns per chat.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, MutableMapping
from html import escape
from typing import Any

from telegram.error import TelegramError

log = logging.getLogger(__name__)

EDIT_INTERVAL = 1.0  # seconds between two edits of the same message
HISTORY_TURNS = 3
WRITING = " …"  # shown after a partial answer while the model is still writing


class MessageStreamer:
    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        send: Callable[[str], Awaitable[Any]],
        edit: Callable[[Any, str], Awaitable[Any]],
        *,
        interval: float = EDIT_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.loop = loop
        self.send = send
        self.edit = edit
        self.interval = interval
        self.clock = clock
        #: the message being edited, once the first partial text was sent
        self.message: Any = None
        self._last_edit = float("-inf")
        self._lock = asyncio.Lock()
        self._closed = False

    def push(self, text: str) -> None:
        """From the answering thread: show `text` if the last edit is old enough. Never blocks."""
        asyncio.run_coroutine_threadsafe(self.offer(text), self.loop)

    async def offer(self, text: str) -> None:
        async with self._lock:  # one Telegram call at a time, in order
            if self._closed or not text.strip() or self.clock() - self._last_edit < self.interval:
                return
            self._last_edit = self.clock()
            shown = escape(text) + WRITING
            try:
                if self.message is None:
                    self.message = await self.send(shown)
                else:
                    await self.edit(self.message, shown)
            except TelegramError as error:  # a lost partial is no reason to lose the answer
                log.warning("partial answer not shown: %s", error)

    async def finish(self) -> Any:
        """No more partial texts; the message to replace with the final answer, if any."""
        async with self._lock:
            self._closed = True
        return self.message


def for_reply(message, quote) -> MessageStreamer:
    """A streamer replying to `message` (a telegram.Message) in the running event loop."""

    async def edit(sent, text: str) -> None:
        await sent.edit_text(text)

    return MessageStreamer(
        asyncio.get_running_loop(),
        lambda text: message.reply_text(text, reply_parameters=quote),
        edit,
    )


def chat_history(chat_data: MutableMapping) -> list[tuple[str, str]]:
    """The chat's last turns, oldest first (what AnswerService.answer takes as history)."""
    return list(chat_data.get("turns", ()))


def remember_turn(chat_data: MutableMapping, question: str, answer: str) -> None:
    turns = chat_data.setdefault("turns", deque(maxlen=HISTORY_TURNS))
    turns.append((question, answer))


async def deliver(first_chunk: str, streamed, **reply) -> bool:
    """Replace the streamed partial message with the final answer's first chunk.

    False when nothing was streamed (or the edit failed): the caller then replies as usual.
    """
    if streamed is None:
        return False
    try:
        await streamed.edit_text(first_chunk, reply_markup=reply.get("reply_markup"))
        return True
    except TelegramError as error:
        log.warning("could not replace the partial answer: %s", error)
        return False
