"""What every Telegram handler module shares: services, access, worker threads, refusals.

Kept apart from the handlers themselves so that the question, knowledge-base and admin
handlers (handlers.py, kb_handlers.py, admin_handlers.py) depend on it, not on each other.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from telegram import Update
from telegram.constants import ChatAction, ChatType
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.i18n import N_, Translator, translator_for
from retrieval.answer import Citation

from .access import GROUP_REFUSAL, REFUSAL, Access, Asker
from .menus import menus_of

Context = ContextTypes.DEFAULT_TYPE

TYPING_EVERY = 4.5  # seconds; Telegram shows "typing…" for 5
#: Coordinator and admin commands in a group: one line, nothing from the knowledge base or log.
PRIVATE_ONLY_COMMAND = N_("This command works only in a private chat with me: open a chat with {mention} and send it there.")


def services_of(context: Context):
    return context.bot_data["services"]


def access_of(context: Context) -> Access:
    return context.bot_data["access"]


def translator_of(update: Update, context: Context) -> Translator:
    """The fixed texts in the language of whoever sent the update.

    A member's choice (/language) comes first, then the Telegram app's language
    (es-419 → es, pt-BR → pt); anything else is English.
    """
    user = update.effective_user
    if user is None:
        return translator_for(None)
    member = access_of(context).member(user.id) if "access" in context.bot_data else None
    return translator_for((member.language if member else "") or user.language_code)


async def run_blocking(context: Context, function: Callable[..., Any], *args: Any) -> Any:
    """Run `function(*args)` in the bot's worker threads, off the event loop."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(context.bot_data["executor"], functools.partial(function, *args))


@contextlib.asynccontextmanager
async def typing(context: Context, chat_id: int, thread_id: int | None = None):
    """Show "typing…" in the chat until the block ends."""

    async def keep_typing() -> None:
        while True:
            with contextlib.suppress(TelegramError):  # a missing indicator is no reason to fail
                await context.bot.send_chat_action(chat_id, ChatAction.TYPING, message_thread_id=thread_id)
            await asyncio.sleep(TYPING_EVERY)

    task = asyncio.create_task(keep_typing())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


class RecentAnswers:
    """The citations of recent answers, so that Sources needs no database round trip."""

    def __init__(self, size: int = 2000):
        self.size = size
        self.items: OrderedDict[int, list[Citation]] = OrderedDict()

    def put(self, query_id: int, citations: list[Citation]) -> None:
        self.items[query_id] = citations
        self.items.move_to_end(query_id)
        while len(self.items) > self.size:
            self.items.popitem(last=False)

    def get(self, query_id: int) -> list[Citation] | None:
        return self.items.get(query_id)


async def refuse(update: Update, context: Context) -> None:
    """The one polite refusal (per user or group, per interval); silence after that."""
    chat, user, message = update.effective_chat, update.effective_user, update.effective_message
    if chat is None or user is None:
        return
    private = chat.type == ChatType.PRIVATE
    if not access_of(context).may_refuse(user.id if private else chat.id):
        if update.callback_query:
            await update.callback_query.answer()
        return
    text = translator_of(update, context).gettext(REFUSAL if private else GROUP_REFUSAL)
    if private:  # a former member keeps no coordinator or admin menu
        await menus_of(context).forget(context.bot, user.id)
    if update.callback_query:
        await update.callback_query.answer(text, show_alert=True)
    elif message is not None:
        await message.reply_text(text)


async def asker_or_refuse(update: Update, context: Context) -> Asker | None:
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return None
    asker = access_of(context).asker(user.id, chat.id, chat.type)
    if asker is None:
        await refuse(update, context)
    return asker


async def in_private_or_decline(update: Update, context: Context) -> bool:
    """True in a private chat; in a group, one line pointing to a private chat (and False).

    Knowledge-base and admin commands list documents, audit lines and figures that are
    for coordinators and admins only, not for whoever else reads a group.
    """
    chat = update.effective_chat
    if chat is not None and chat.type == ChatType.PRIVATE:
        return True
    username = context.bot.username
    t = translator_of(update, context)
    text = t.gettext(PRIVATE_ONLY_COMMAND).format(mention=f"@{username}" if username else t.gettext("me"))
    if update.callback_query:
        await update.callback_query.answer(text, show_alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(text, parse_mode=None)
    return False
