"""Command menus per role and chat type (`setMyCommands` with scopes).

Telegram shows the menu of the most specific scope: a member's private chat gets the menu
of their role (BotCommandScopeChat), groups get the group menu, and everyone else (people
who are not members yet) only /start. Menus are set when the bot starts, when an
invitation is redeemed, by `jitbot users add|remove` itself, and every minute for changes
made while Telegram could not be reached; a former member's private menu is also deleted
when they are next refused.
"""

from __future__ import annotations

import contextlib
import logging
from datetime import timedelta

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeChat,
    BotCommandScopeDefault,
)
from telegram.error import TelegramError
from telegram.ext import Application

from bot.i18n import LANGUAGES, N_, Translator, translator_for

log = logging.getLogger(__name__)

REFRESH_EVERY = timedelta(minutes=1)
REFRESH_JOB = "refresh command menus"

#: (command, description) pairs; descriptions are translated per language when set
START = ("start", N_("Start, or join with an invitation"))
MEMBER_COMMANDS = [
    ("help", N_("How to ask and what the buttons do")),
    ("contacts", N_("Contact points for a country or a question")),
    ("sources", N_("The documents I can quote")),
    ("language", N_("The language I use with you")),
    ("about", N_("How the answers are made")),
]
KB_COMMAND = ("kb", N_("Documents, removals and the latest changes"))
STATS_COMMAND = ("stats", N_("Questions per day and unanswered share (30 days)"))
ADMIN_COMMANDS = [
    STATS_COMMAND,
    ("unanswered", N_("Recent questions I could not answer")),
]

#: Everyone without a member's menu: only joining works for them.
DEFAULT_COMMANDS = [START]
GROUP_COMMANDS = MEMBER_COMMANDS + [("register", N_("Admins: let me answer in this group"))]
ROLE_COMMANDS = {
    "prosecutor": MEMBER_COMMANDS,
    "coordinator": MEMBER_COMMANDS + [KB_COMMAND, STATS_COMMAND],  # their networks' figures
    "admin": MEMBER_COMMANDS + [KB_COMMAND] + ADMIN_COMMANDS,
}


def bot_commands(pairs, t: Translator) -> list[BotCommand]:
    return [BotCommand(name, t.gettext(text)) for name, text in pairs]


class CommandMenus:
    """Which private-chat menu each member has been given; sets only what changed."""

    def __init__(self) -> None:
        self.applied: dict[int, str] = {}  # Telegram user id -> role whose menu is set

    async def set_shared(self, bot: Bot) -> None:
        for language in LANGUAGES:  # Telegram shows a user the menu of their app's language
            t, code = translator_for(language), (None if language == "en" else language)
            await bot.set_my_commands(bot_commands(DEFAULT_COMMANDS, t), scope=BotCommandScopeDefault(),
                                      language_code=code)
            await bot.set_my_commands(bot_commands(GROUP_COMMANDS, t), scope=BotCommandScopeAllGroupChats(),
                                      language_code=code)

    async def sync(self, bot: Bot, roles: dict[int, str], languages: dict[int, str] | None = None) -> None:
        """Give every member the menu of their role (in their /language, if they chose one);
        take it back from former members."""
        languages = languages or {}
        for user_id, role in roles.items():
            if self.applied.get(user_id) != role:
                await self.set_member(bot, user_id, role, languages.get(user_id) or "en")
        for user_id in [u for u in self.applied if u not in roles]:
            await self.forget(bot, user_id)

    async def set_member(self, bot: Bot, user_id: int, role: str, language: str = "en") -> None:
        commands = bot_commands(ROLE_COMMANDS.get(role, MEMBER_COMMANDS), translator_for(language))
        try:
            await bot.set_my_commands(commands, scope=BotCommandScopeChat(user_id))
        except TelegramError as error:  # e.g. a member who never opened a chat with the bot
            log.info("Command menu for a %s not set: %s", role, error.message)
            return
        self.applied[user_id] = role

    async def forget(self, bot: Bot, user_id: int) -> None:
        """Back to the default menu (a member removed, or a stranger refused)."""
        self.applied.pop(user_id, None)
        with contextlib.suppress(TelegramError):
            await bot.delete_my_commands(scope=BotCommandScopeChat(user_id))


def menus_of(application_or_context) -> CommandMenus:
    return application_or_context.bot_data.setdefault("menus", CommandMenus())


def member_roles(users) -> dict[int, str]:
    return {int(row["telegram_id"]): row["role"] for row in users.users()}


async def refresh(application: Application) -> None:
    """Set every member's menu from the user store (changes made elsewhere included)."""
    services = application.bot_data["services"]
    roles = member_roles(services.users)
    languages = {int(row["telegram_id"]): row.get("language") or "" for row in services.users.users()}
    await menus_of(application).sync(application.bot, roles, languages)


async def _refresh_job(context) -> None:
    await refresh(context.application)


async def install(application: Application) -> None:
    """At start-up: the shared menus, every member's, and the job that keeps them current."""
    menus = menus_of(application)
    await menus.set_shared(application.bot)
    await refresh(application)
    if application.job_queue is not None:
        application.job_queue.run_repeating(_refresh_job, interval=REFRESH_EVERY, first=REFRESH_EVERY,
                                            name=REFRESH_JOB)


def update_member_menu(settings, telegram_id: int, role: str | None) -> str | None:
    """From `jitbot users add|remove`: set (or, for None, delete) one member's menu now.

    None on success, else why not (the running bot's refresh job catches up within a minute).
    """
    import asyncio

    from .app import api_urls

    base_url, base_file_url = api_urls(settings.telegram_api_url)

    async def apply() -> None:
        async with Bot(settings.telegram_token.get_secret_value(), base_url=base_url,
                       base_file_url=base_file_url) as bot:
            menus = CommandMenus()
            if role is None:
                await menus.forget(bot, telegram_id)
            else:
                await menus.set_member(bot, telegram_id, role)

    try:
        asyncio.run(apply())
    except TelegramError as error:  # network errors and a refused token included
        return error.message
    return None
