"""Files sent by coordinators and admins: documents to ingest (into which network) and
contacts directories to check, downloaded and processed off the event loop.

A new document goes to the sender's network, or to the one they choose with a button
when there are several (kb_networks.py); a document that exists keeps its networks, and
only those its networks allow may change it.
"""

from __future__ import annotations

import contextlib
import logging
import tempfile
from datetime import date
from pathlib import Path

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.error import TelegramError

from knowledge.loaders import supported_suffixes
from knowledge.storage import StorageError

from . import kb_networks as nets
from . import kb_replies as replies
from .access import Asker
from .kb_handlers import (
    CONTACT_SUFFIXES,
    EDITORS,
    MAX_DOWNLOAD_BYTES,
    Pending,
    actor_of,
    close_confirmation,
    confirm_keyboard,
    editor_or_refuse,
    in_thread,
    may_change_or_say,
    pending_of,
    safe_file_name,
)
from .plumbing import (
    Context,
    access_of,
    in_private_or_decline,
    refuse,
    services_of,
    translator_of,
)
from .progress_message import LiveStatus, UploadProgress

log = logging.getLogger(__name__)


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
    networks = None  # contacts, or a document that exists: its networks stay
    if suffix not in CONTACT_SUFFIXES:
        services = services_of(context)
        rights = await in_thread(services.users.edit_rights, asker.user_id)
        existing = await in_thread(nets.existing_document, services, name)
        if existing is not None:
            if not await may_change_or_say(update, context, asker, rights, existing, name):
                return
        elif len(rights.upload_choices) != 1:  # several networks (or none): ask
            await _ask_network(update, context, asker, rights, name)
            return
        else:
            networks = tuple(filter(None, rights.upload_choices))
    status = await message.reply_text(replies.downloading(name, t))
    _start(update, context, asker, name, status, document, networks)


def _start(update: Update, context: Context, asker: Asker, name: str, status, document, networks) -> None:
    # In the background: the coordinator's chat stays free for questions meanwhile (updates
    # of one chat are handled in order); errors still reach the error handler.
    context.application.create_task(_process(update, context, asker, name, status, document, networks),
                                    update=update)


async def _ask_network(update: Update, context: Context, asker: Asker, rights, name: str) -> None:
    t = translator_of(update, context)
    if not rights.upload_choices:
        await update.effective_message.reply_text(t.gettext(nets.NO_NETWORK))
        return
    names = await in_thread(nets.network_names, services_of(context))
    token = pending_of(context).put(Pending(
        "upload", asker.user_id, {"document": update.effective_message.document, "name": name,
                                  "choices": rights.upload_choices},
        chat_id=update.effective_chat.id))
    await update.effective_message.reply_text(
        nets.choose_question(name, t), reply_markup=nets.choose_keyboard(token, rights.upload_choices, names, t))


async def upload_in_group(update: Update, context: Context) -> None:
    """A file sent in a group (where the bot sees it): a coordinator is pointed to a private chat."""
    user = update.effective_user
    member = access_of(context).member(user.id) if user is not None else None
    if member is not None and member.role in EDITORS:
        await in_private_or_decline(update, context)


async def _process(update: Update, context: Context, asker: Asker, name: str, status, document,
                   networks: tuple[str, ...] | None) -> None:
    """Download the file, then ingest it (into `networks`; None: keep an existing
    document's) or check it as a contacts directory."""
    suffix = Path(name).suffix.lower()
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
                await _ingest(update, context, asker, path, status, networks)
        except Exception:
            with contextlib.suppress(TelegramError):  # the status must not stay "downloading…"
                await status.edit_text(replies.indexing_failed(name, t))
            raise


async def _ingest(update: Update, context: Context, asker: Asker, path: Path, status,
                  networks: tuple[str, ...] | None) -> None:
    t = translator_of(update, context)
    services = services_of(context)
    from knowledge.ingest import content_hash

    same = await in_thread(nets.existing_document, services, "", content_hash(path.read_bytes()))
    if same is not None:  # the content is a served document's: it keeps its networks
        networks = None
        rights = await in_thread(services.users.edit_rights, asker.user_id)
        owners = await in_thread(nets.document_networks, services, same["id"])
        if not rights.may_change(owners):
            names = await in_thread(nets.network_names, services)
            await status.edit_text(nets.not_yours(path.name, same.get("title") or same["id"], owners, names,
                                                  asker.scope.sees(owners), t))
            return
    live = LiveStatus(status).start()
    progress = UploadProgress(live, path.name, t)
    kb = services.knowledge_base
    try:
        result = await in_thread(
            kb.add_file, path, progress=progress, actor=actor_of(update, asker), source=f"telegram:{path.name}",
            networks=networks, scope=asker.scope,
        )
    except StorageError as error:  # one line in the log: the disk, not a bug (knowledge.storage)
        log.error("Ingestion of %s failed: %s", path.name, error)
        await live.finish(replies.storage_failed(path.name, t))
        return
    except Exception:  # the knowledge base rolled itself back
        log.exception("Ingestion of %s failed", path.name)
        await live.finish(replies.indexing_failed(path.name, t))
        return
    summary = replies.ingest_summary(result, t)
    names = await in_thread(nets.network_names, services)
    if result.status in ("added", "updated", "unchanged") and result.document_id and len(names) > 1:
        summary += "\n" + nets.where_it_is(await in_thread(nets.document_networks, services, result.document_id),
                                           names, t)
    await live.finish(summary)


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
    rights = await in_thread(services_of(context).users.edit_rights, asker.user_id)
    refused = await in_thread(nets.contacts_out_of_rights, services_of(context), rights, checked.records)
    if refused:
        await status.edit_text(nets.contacts_not_yours(path.name, refused, t))
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


async def chosen_network(update: Update, context: Context, asker: Asker, pending: Pending, answer: str) -> None:
    """A network button under "Which network is … for?": download and ingest into it."""
    query, t = update.callback_query, translator_of(update, context)
    choices, name = pending.payload["choices"], pending.payload["name"]
    index = int(answer[1:]) if answer[1:].isdigit() else -1
    rights = await in_thread(services_of(context).users.edit_rights, asker.user_id)
    if not 0 <= index < len(choices) or choices[index] not in rights.upload_choices:  # rights changed meanwhile
        await close_confirmation(query, t.gettext(replies.EXPIRED))
        return
    status = query.message
    await status.edit_text(replies.downloading(name, t), reply_markup=InlineKeyboardMarkup([]))
    _start(update, context, asker, name, status, pending.payload["document"], tuple(filter(None, [choices[index]])))
