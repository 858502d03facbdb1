"""A Telegram message that shows how an upload advances, edited as the work goes on.

The ingestion runs in a worker thread and reports stages and passages indexed
(knowledge.ingest.Progress); `UploadProgress` turns those into a line of text and
`LiveStatus` edits the message with the latest line at most every `interval` seconds
(Telegram throttles frequent edits of one message), and always with the final summary.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from html import escape
from typing import ClassVar

from telegram import InlineKeyboardMarkup, Message
from telegram.error import BadRequest, TelegramError

from bot.i18n import ENGLISH, N_, Translator

log = logging.getLogger(__name__)

EDIT_INTERVAL = 2.0  # seconds


class LiveStatus:
    def __init__(self, message: Message, interval: float | None = None):
        self.message = message
        self.interval = EDIT_INTERVAL if interval is None else interval
        self.shown = message.text_html if message.text else ""
        self.latest = self.shown  # written by the worker thread, read here: one assignment
        self._task: asyncio.Task | None = None

    def set(self, html: str) -> None:
        """From any thread: the text to show next."""
        self.latest = html

    def start(self) -> LiveStatus:
        self._task = asyncio.create_task(self._keep_editing())
        return self

    async def _keep_editing(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            await self._edit(self.latest)

    async def _edit(self, html: str, reply_markup: InlineKeyboardMarkup | None = None) -> None:
        if html == self.shown and reply_markup is None:
            return
        try:
            await self.message.edit_text(html, reply_markup=reply_markup)
            self.shown = html
        except BadRequest as error:
            if "not modified" not in str(error).lower():
                log.warning("progress message not updated: %s", error)
        except TelegramError as error:  # a lost progress line is no reason to fail the upload
            log.warning("progress message not updated: %s", error)

    async def finish(self, html: str, reply_markup: InlineKeyboardMarkup | None = None) -> None:
        """Stop the periodic edits and show the final text."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._edit(html, reply_markup)


class UploadProgress:
    """knowledge.ingest.Progress for one uploaded file, shown in a LiveStatus."""

    STAGES: ClassVar[dict[str, str]] = {  # translated when shown
        "waiting": N_("waiting for another update of the knowledge base to finish…"),
        "reading": N_("reading the file…"),
        "finishing": N_("switching answers to the new version…"),
    }

    def __init__(self, status: LiveStatus, file_name: str, t: Translator = ENGLISH):
        self.status = status
        self.t = t
        self.name = escape(file_name)
        self.total: int | None = None
        self.done = 0

    def stage(self, name: str, total: int | None = None) -> None:
        self.total, self.done = total, 0
        stage = self.t.gettext(self.STAGES[name]) if name in self.STAGES else f"{name}…"
        self._show(stage if name != "indexing" else self._indexing())

    def advance(self, n: int) -> None:
        self.done += n
        self._show(self._indexing())

    def _indexing(self) -> str:
        if self.total:
            return self.t.gettext("indexing {done}/{total} passages…").format(done=self.done, total=self.total)
        return self.t.gettext("indexing…")

    def _show(self, what: str) -> None:
        self.status.set(f"⏳ <b>{self.name}</b>: {what}")
