"""/language: a member chooses the language of the bot's fixed texts (buttons; stored in users.db).

Without a choice the bot follows the Telegram app's language. Quoted passages are never
translated: they stay in their document's language whatever is chosen here.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.i18n import LANGUAGE_NAMES, LANGUAGES, translator_for

from .plumbing import (
    Context,
    access_of,
    asker_or_refuse,
    refuse,
    run_blocking,
    translator_of,
)

CALLBACK_PREFIX = "lang:"


def language_keyboard(current: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(("✓ " if code == current else "") + LANGUAGE_NAMES[code],
                             callback_data=f"{CALLBACK_PREFIX}{code}")
        for code in LANGUAGES
    ]])


async def language_command(update: Update, context: Context) -> None:
    """/language: the four languages as buttons, the current one ticked."""
    if not await asker_or_refuse(update, context):
        return
    t = translator_of(update, context)
    await update.effective_message.reply_text(
        t.gettext("Choose the language I use with you. Quoted passages always stay in the language of their document."),
        reply_markup=language_keyboard(t.language),
    )


async def choose_language(update: Update, context: Context) -> None:
    """A language button: remember the choice for this member, and say so in that language."""
    query = update.callback_query
    code = (query.data or "").removeprefix(CALLBACK_PREFIX)
    user = update.effective_user
    if code not in LANGUAGES or user is None:
        await query.answer()
        return
    if access_of(context).member(user.id) is None:
        await refuse(update, context)
        return
    await run_blocking(context, access_of(context).users.set_language, user.id, code)
    t = translator_for(code)
    done = t.gettext("From now on I write to you in English.")
    await query.answer()
    if query.message is not None:
        await query.edit_message_text(done, reply_markup=InlineKeyboardMarkup([]))


def add_language_handlers(application: Application) -> None:
    """Register before the generic button handler, which takes any other callback."""
    application.add_handler(CommandHandler("language", language_command))
    application.add_handler(CallbackQueryHandler(choose_language, pattern=rf"^{CALLBACK_PREFIX}"))
