"""Running the real bot Application against the stand-in Bot API server, in-process."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from functools import cached_property

from bot.services import Services
from bot.settings import Settings
from bot.telegram.app import build_application
from tests.fakes import HashingEmbedder

from .fake_bot_api import TOKEN, FakeBotAPI, Sent


class FakeModelServices(Services):
    """The real services, with the hashing embedder instead of the sentence-transformer."""

    @cached_property
    def embedder(self):
        return HashingEmbedder()


def bot_settings(api: FakeBotAPI, data_dir, **overrides) -> Settings:
    values = {"data_dir": data_dir, "telegram_token": TOKEN, "telegram_api_url": api.url,
              "telegram_bot_username": None, "telegram_webhook_url": None}
    values.update(overrides)
    return Settings(**values)


@dataclass
class RunningBot:
    api: FakeBotAPI
    services: Services
    application: object

    async def replies(self, chat_id: int, count: int = 1, timeout: float = 15.0) -> list[Sent]:
        """The bot's messages to `chat_id`, once there are at least `count` of them."""
        return await asyncio.to_thread(self.api.wait_for_messages, chat_id, count, timeout)

    async def wait_for(self, method: str, predicate=lambda c: True, count: int = 1, timeout: float = 15.0):
        return await asyncio.to_thread(self.api.wait_for, method, predicate, count, timeout)


@contextlib.asynccontextmanager
async def running_bot(services: Services, api: FakeBotAPI, poll_timeout: float = 5):
    """The Application polling the stand-in (post_init included); always shut down."""
    application = build_application(services)
    await application.initialize()
    try:
        await application.post_init(application)
        await application.updater.start_polling(timeout=poll_timeout, allowed_updates=["message", "callback_query"])
        await application.start()
        try:
            yield RunningBot(api, services, application)
        finally:
            await application.updater.stop()
            await application.stop()
    finally:
        await application.shutdown()
        await application.post_shutdown(application)
