"""Coordinators keep the knowledge base current from Telegram: uploads, /kb, confirmations.

A document (PDF, DOCX, TXT, MD, HTML) sent in a private chat by a coordinator or admin is
ingested as a new document, or as a new version of the document with the same file name;
a .csv or .xlsx file is a contacts directory: checked, and applied only when Apply is
pressed. Ingestion runs in a worker thread and the knowledge base's write lock makes
uploads (and `jitbot kb` in a shell) take turns; a progress message is edited meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import re
import secrets
import tempfile
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.i18n import ENGLISH, Translator
from knowledge.audit import Actor
from knowledge.loaders import supported_suffixes
from knowledge.storage import StorageError

from . import kb_replies as replies
from .access import Asker
from .plumbing import (
    Context,
    access_of,
    asker_or_refuse,
    in_private_or_decline,
    refuse,
    services_of,
    translator_of,
)
from .progress_message import LiveStatus, UploadProgress

log = logging.getLogger(__name__)

EDITORS = ("coordinator", "admin")
CONTACT_SUFFIXES = frozenset({".csv", ".xlsx"})
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024  # what the Bot API lets a bot download
PENDING_SECONDS = 3600  # an unanswered confirmation expires after this


def add_kb_handlers(application: Application) -> None:
    """Register before the generic button handler, which takes any other callback."""
    application.add_handler(MessageHandler(filters.Document.ALL & filters.ChatType.PRIVATE, upload))
    application.add_handler(MessageHandler(filters.Document.ALL & filters.ChatType.GROUPS, upload_in_group))
    application.add_handler(CommandHandler("kb", kb_command))
    application.add_handler(CallbackQueryHandler(confirm, pattern=r"^kb:"))


# --- confirmations waiting for a button press ------------------------------------------
@dataclass
class Pending:
    kind: str  # remove | contacts
    user_id: int
    payload: dict[str, Any] = field(default_factory=dict)
    created: float = 0.0
    chat_id: int | None = None  # the chat the buttons were sent to; presses elsewhere are refused


class PendingConfirmations:
    """Confirmations by short token (callback data is limited to 64 bytes), bounded and expiring."""

    def __init__(self, size: int = 200, ttl: float = PENDING_SECONDS, clock=time.monotonic):
        self.size, self.ttl, self.clock = size, ttl, clock
        self.items: OrderedDict[str, Pending] = OrderedDict()

    def put(self, pending: Pending) -> str:
        token = secrets.token_urlsafe(8)
        pending.created = self.clock()
        self.items[token] = pending
        while len(self.items) > self.size:
            self.items.popitem(last=False)
        return token

    def pop(self, token: str, user_id: int | None = None, chat_id: int | None = None) -> Pending | None:
        """The confirmation, once; None if unknown, expired, or not this member's in this chat.

        A press by someone else leaves it waiting for its owner.
        """
        pending = self.items.get(token)
        if pending is None:
            return None
        if user_id is not None and (pending.user_id != user_id or pending.chat_id != chat_id):
            return None
        del self.items[token]
        return None if self.clock() - pending.created > self.ttl else pending


def pending_of(context: Context) -> PendingConfirmations:
    return context.bot_data.setdefault("kb_pending", PendingConfirmations())


def confirm_keyboard(token: str, yes: str, t: Translator = ENGLISH) -> InlineKeyboardMarkup:
    """`yes` is already translated ("✅ Apply", "🗑 Remove")."""
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(yes, callback_data=f"kb:{token}:yes"),
        InlineKeyboardButton(t.gettext("✖ Cancel"), callback_data=f"kb:{token}:no"),
    ]])


async def editor_or_refuse(update: Update, context: Context) -> Asker | None:
    """A coordinator or admin; members with another role get a polite no, strangers the refusal."""
    asker = await asker_or_refuse(update, context)
    if asker is None:
        return None
    if asker.role in EDITORS:
        return asker
    only = translator_of(update, context).gettext(replies.EDITORS_ONLY)
    if update.callback_query:
        await update.callback_query.answer(only, show_alert=True)
    else:
        await update.effective_message.reply_text(only)
    return None


def actor_of(update: Update, asker: Asker) -> Actor:
    return Actor.telegram(asker.user_id, asker.role, update.effective_user.full_name)


async def in_thread(function, *args, **kwargs):
    """Off the event loop. Not the answering workers: an ingestion may take minutes."""
    return await asyncio.get_running_loop().run_in_executor(None, functools.partial(function, *args, **kwargs))


# --- uploads ----------------------------------------------------------------------------
def safe_file_name(name: str | None) -> str:
    """The sender's file name, made safe for a file system (it names the document)."""
    name = Path((name or "document").replace("\\", "/")).name
    name = re.sub(r"[^\w.\-() ]+", "_", name).strip(" .") or "document"
    stem, suffix = (name.rsplit(".", 1) + [""])[:2] if "." in name else (name, "")
    return f"{stem[:100]}.{suffix[:10]}" if suffix else stem[:100]


async def upload(update: Update, context: Context) -> None:
    """A file sent in a private chat: a document to ingest, or a contacts directory."""
    message = update.effective_message
    if message is None or message.document is None or update.effective_chat.type != ChatType.PRIVATE:
        return
    if access_of(context).member(update.effective_user.id) is None:
        await refuse(update, context)
        return
    asker = await editor_or_refuse(update, context)
    if asker is None:
        return
    document, t = message.document, translator_of(update, context)
    name = safe_file_name(document.file_name)
    suffix = Path(name).suffix.lower()
    if suffix not in supported_suffixes() | CONTACT_SUFFIXES:
        await message.reply_text(replies.wrong_type(name, t))
        return
    if (document.file_size or 0) > MAX_DOWNLOAD_BYTES:
        await message.reply_text(replies.too_big(name, document.file_size, t))
        return
    status = await message.reply_text(replies.downloading(name, t))
    # In the background: the coordinator's chat stays free for questions meanwhile (updates
    # of one chat are handled in order); errors still reach the error handler.
    context.application.create_task(_process(update, context, asker, name, status), update=update)


async def upload_in_group(update: Update, context: Context) -> None:
    """A file sent in a group (where the bot sees it): a coordinator is pointed to a private chat."""
    user = update.effective_user
    member = access_of(context).member(user.id) if user is not None else None
    if member is not None and member.role in EDITORS:
        await in_private_or_decline(update, context)


async def _process(update: Update, context: Context, asker: Asker, name: str, status) -> None:
    """Download the file, then ingest it or check it as a contacts directory."""
    document, suffix = update.effective_message.document, Path(name).suffix.lower()
    t = translator_of(update, context)
    with tempfile.TemporaryDirectory(prefix="jitbot-upload-") as folder:
        path = Path(folder) / name
        try:
            telegram_file = await document.get_file()
            await telegram_file.download_to_drive(path)
        except TelegramError as error:  # e.g. "file is too big" when the size was not given
            log.warning("download of %s failed: %s", name, error)
            await status.edit_text(replies.download_failed(name, error.message, t))
            return
        try:
            if suffix in CONTACT_SUFFIXES:
                await _check_contacts(update, context, asker, path, status)
            else:
                await _ingest(update, context, asker, path, status)
        except Exception:
            with contextlib.suppress(TelegramError):  # the status must not stay "downloading…"
                await status.edit_text(replies.indexing_failed(name, t))
            raise


async def _ingest(update: Update, context: Context, asker: Asker, path: Path, status) -> None:
    t = translator_of(update, context)
    live = LiveStatus(status).start()
    progress = UploadProgress(live, path.name, t)
    kb = services_of(context).knowledge_base
    try:
        result = await in_thread(
            kb.add_file, path, progress=progress, actor=actor_of(update, asker), source=f"telegram:{path.name}"
        )
    except StorageError as error:  # one line in the log: the disk, not a bug (knowledge.storage)
        log.error("Ingestion of %s failed: %s", path.name, error)
        await live.finish(replies.storage_failed(path.name, t))
        return
    except Exception:  # the knowledge base rolled itself back
        log.exception("Ingestion of %s failed", path.name)
        await live.finish(replies.indexing_failed(path.name, t))
        return
    await live.finish(replies.ingest_summary(result, t))


async def _check_contacts(update: Update, context: Context, asker: Asker, path: Path, status) -> None:
    from knowledge.contact_files import ContactFileError, check_file

    directory, t = services_of(context).directory, translator_of(update, context)
    try:
        checked = await in_thread(check_file, path, today=date.today())
    except ContactFileError as error:  # its message starts with the file name: said once
        reason = str(error).removeprefix(f"{path}: ").removeprefix(f"{path.name}: ")
        await status.edit_text(replies.contacts_unreadable(path.name, reason, t))
        return
    if checked.header_problems or checked.invalid_rows:
        await status.edit_text(replies.contacts_invalid(path.name, checked, t))
        return
    plan = await in_thread(directory.plan_import, checked.records)
    if plan.is_empty:
        await status.edit_text(replies.contacts_report(path.name, checked, plan, t) + "\n\n"
                               + replies.nothing_would_change(t))
        return
    token = pending_of(context).put(
        Pending("contacts", asker.user_id, {"records": checked.records, "file": path.name},
                chat_id=update.effective_chat.id)
    )
    await status.edit_text(replies.contacts_report(path.name, checked, plan, t),
                           reply_markup=confirm_keyboard(token, t.gettext("✅ Apply"), t))


# --- /kb --------------------------------------------------------------------------------
async def kb_command(update: Update, context: Context) -> None:
    """/kb (the documents), /kb remove <id> (asks to confirm), /kb history (latest changes)."""
    asker = await editor_or_refuse(update, context)
    if asker is None or not await in_private_or_decline(update, context):
        return
    message, services, t = update.effective_message, services_of(context), translator_of(update, context)
    args = context.args or []
    if not args:
        documents = await in_thread(services.catalogue.documents)
        for chunk in replies.documents_list(documents, t):
            await message.reply_text(chunk)
    elif args[0] == "history":
        from knowledge import audit

        def latest():
            with services.catalogue.lock:
                return audit.history(services.catalogue.db, args[1] if len(args) > 1 else None, 15)

        await message.reply_text(replies.history(await in_thread(latest), t))
    elif args[0] == "remove" and len(args) == 2:
        doc = await in_thread(services.catalogue.document, args[1])
        if doc is None or doc["status"] != "active" or doc["current_version"] is None:
            await message.reply_text(replies.not_served(args[1], t))
            return
        token = pending_of(context).put(Pending("remove", asker.user_id, {"document_id": doc["id"]},
                                                  chat_id=update.effective_chat.id))
        await message.reply_text(replies.remove_question(doc, t),
                                 reply_markup=confirm_keyboard(token, t.gettext("🗑 Remove"), t))
    else:
        await message.reply_text(t.gettext(replies.KB_USAGE))


async def confirm(update: Update, context: Context) -> None:
    """The Apply / Remove / Cancel buttons."""
    query = update.callback_query
    asker = await editor_or_refuse(update, context)
    if asker is None or not await in_private_or_decline(update, context):
        return
    _, token, answer = (query.data.split(":") + ["", ""])[:3]
    t = translator_of(update, context)
    pending = pending_of(context).pop(token, asker.user_id, update.effective_chat.id)
    if pending is None:
        await query.answer(t.gettext(replies.EXPIRED), show_alert=True)
        await _close(query, t.gettext(replies.EXPIRED))
        return
    await query.answer()
    if answer != "yes":
        await _close(query, replies.cancelled(t))
        return
    actor = actor_of(update, asker)
    services = services_of(context)
    if pending.kind == "remove":
        result = await in_thread(services.knowledge_base.remove, pending.payload["document_id"], actor=actor)
        await _close(query, replies.removed(result, t))
    elif pending.kind == "contacts":
        plan = await in_thread(_apply_contacts, services, pending.payload["records"], actor, pending.payload["file"])
        await _close(query, replies.applied(replies.plan_summary(plan, t), t))


def _apply_contacts(services, records: list[dict], actor: Actor, file_name: str):
    """Plan again (the directory may have changed since the check), apply, record who did it."""
    from knowledge import audit
    from knowledge.catalogue import utcnow

    directory = services.directory
    plan = directory.plan_import(records)
    directory.apply(plan, now=utcnow())
    services.mark_initialised()  # an imported directory is not replaced by the samples
    if not plan.is_empty:
        audit.record_now(services.catalogue, audit.Change(actor, "contacts", f"{file_name}: {plan.summary()}"))
    return plan


async def _close(query, note: str) -> None:
    """Append the outcome to the confirmation message and take its buttons away."""
    if query.message is None:
        return
    text = query.message.text_html if query.message.text else ""
    try:
        # An empty keyboard, said explicitly: the buttons must not outlive the answer.
        await query.edit_message_text(f"{text}\n\n{note}" if text else note,
                                      reply_markup=InlineKeyboardMarkup([]))
    except BadRequest as error:
        log.warning("confirmation message not updated: %s", error)
