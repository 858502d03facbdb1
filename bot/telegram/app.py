"""Building and running the Telegram Application from jitbot's Services and settings."""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    MessageHandler,
    filters,
)

from . import admin_handlers, handlers, kb_handlers, language_handlers, menus
from .access import Access
from .callback_tokens import ButtonSigner
from .plumbing import RecentAnswers
from .update_processor import PerChatUpdateProcessor

log = logging.getLogger(__name__)

UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]


class RetryingRateLimiter(AIORateLimiter):
    """PTB's rate limiter (flood control, 429 retry-after) that also retries network errors.

    A failed connection is retried after 0.5, 1, 2... seconds. A request that timed out
    may have reached Telegram, so a retry can duplicate a message: a duplicate answer is
    better than a lost one. Bad requests (4xx) are never retried.
    """

    def __init__(self, *args, network_retries: int = 3, **kwargs):
        super().__init__(*args, **kwargs)
        self.network_retries = network_retries

    async def process_request(self, callback, args, kwargs, endpoint, data, rate_limit_args):
        delay = 0.5
        for attempt in range(self.network_retries + 1):
            try:
                return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
            except (BadRequest, RetryAfter):
                raise
            except NetworkError as error:
                if attempt == self.network_retries:
                    raise
                log.warning("%s failed (%s); retrying in %.1fs", endpoint, error, delay)
                await asyncio.sleep(delay)
                delay *= 2
        raise AssertionError("unreachable")


def api_urls(root: str) -> tuple[str, str]:
    """(base_url, base_file_url) for a Bot API server root such as https://api.telegram.org."""
    root = root.rstrip("/")
    return f"{root}/bot", f"{root}/file/bot"


def build_application(services) -> Application:
    """The bot, wired to `services` (which must have a Telegram token in its settings)."""
    s = services.settings
    if s.telegram_token is None or not s.telegram_token.get_secret_value():
        raise ValueError("JITBOT_TELEGRAM_TOKEN is not set: get a token from @BotFather")
    base_url, base_file_url = api_urls(s.telegram_api_url)
    application = (
        ApplicationBuilder()
        .token(s.telegram_token.get_secret_value())
        .base_url(base_url)
        .base_file_url(base_file_url)
        .concurrent_updates(PerChatUpdateProcessor(256))
        .rate_limiter(
            RetryingRateLimiter(
                overall_max_rate=s.telegram_max_rate,
                max_retries=s.telegram_max_retries,
                network_retries=s.telegram_max_retries,
            )
        )
        .defaults(Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .build()
    )
    application.bot_data.update(
        services=services,
        access=Access(services.users, s.telegram_refusal_interval),
        executor=ThreadPoolExecutor(s.telegram_workers, thread_name_prefix="jitbot-answer"),
        recent=RecentAnswers(),
        buttons=ButtonSigner.for_data_dir(services.data_dir),
    )
    add_handlers(application)
    return application


def add_handlers(application: Application) -> None:
    application.add_handler(CommandHandler("start", handlers.start))
    application.add_handler(CommandHandler("help", handlers.help_command))
    application.add_handler(CommandHandler("about", handlers.about))
    application.add_handler(CommandHandler("sources", handlers.sources))
    application.add_handler(CommandHandler("contacts", handlers.contacts))
    application.add_handler(CommandHandler("register", handlers.register))
    kb_handlers.add_kb_handlers(application)  # uploads, /kb; its buttons before the generic ones
    language_handlers.add_language_handlers(application)  # /language; its buttons too
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, handlers.question))
    application.add_handler(CallbackQueryHandler(handlers.button))
    admin_handlers.add_admin_handlers(application)
    application.add_error_handler(handlers.on_error)


def warm_up(services) -> None:
    """Load the embedding model and the indexes now, so that the first question is not slow."""
    services.answer_service.answer("joint investigation team")


async def _post_init(application: Application) -> None:
    await menus.install(application)  # per role, chat type and language, kept current while serving
    loop = asyncio.get_running_loop()
    try:
        await loop.run_in_executor(application.bot_data["executor"], warm_up, application.bot_data["services"])
    except Exception:
        # Serve anyway: /help, /contacts and /sources still work, and each question gets the
        # one-line apology while the log says why.
        log.exception("Warm-up failed: questions will fail until the knowledge base is repaired")
    log.info("@%s is ready", application.bot.username)


async def _post_shutdown(application: Application) -> None:
    application.bot_data["executor"].shutdown(wait=False, cancel_futures=True)


def webhook_options(webhook_url: str, listen: str, port: int, secret_token: str | None) -> dict:
    """Where the webhook server listens: at the public URL's path, which the proxy keeps."""
    return {
        "listen": listen, "port": port, "url_path": urlsplit(webhook_url).path.lstrip("/"),
        "webhook_url": webhook_url, "secret_token": secret_token, "allowed_updates": UPDATES,
    }


def run(application: Application, webhook_url: str | None = None, listen: str = "127.0.0.1",
        port: int = 8443, secret_token: str | None = None) -> None:
    """Serve until SIGINT/SIGTERM: long polling, or a webhook behind a reverse proxy."""
    if webhook_url:
        application.run_webhook(**webhook_options(webhook_url, listen, port, secret_token))
    else:
        application.run_polling(allowed_updates=UPDATES)
