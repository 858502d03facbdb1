"""The bot's conversation: commands, questions, the Sources and feedback buttons, errors.

Handlers are small and async; anything that touches the knowledge base or SQLite for
more than a lookup runs in the bot's worker threads (`run_blocking`), so one slow answer
never holds up other chats.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import re
from collections.abc import Callable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, ReplyParameters, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, TelegramError

from bot.answer_texts import question_error_text
from bot.ask import AskResult
from bot.i18n import N_, Translator
from bot.users import InviteError
from knowledge.scope import Scope
from retrieval.answer_types import Citation

from . import streaming
from .access import ADMIN_ONLY, Asker
from .callback_tokens import (
    NOT_YOURS,
    STALE_BUTTON,
    AnswerPress,
    SignedAnswer,
    parse_answer_press,
)
from .menus import menus_of
from .plumbing import (
    Context,
    access_of,
    asker_or_refuse,
    refuse,
    run_blocking,
    services_of,
    translator_of,
    typing,
)
from .render_html import answer_messages, documents_messages, sources_messages

log = logging.getLogger(__name__)

# Module-level texts are marked with N_ and translated where shown: t.gettext(HELP).
HELP = N_(
    "Ask me a question about joint investigation teams, legal frameworks or contact points, "
    "in plain words. I answer only from the documents in my knowledge base and cite the "
    "document and paragraph for every quote; when they do not cover a question I say so.\n\n"
    "/contacts &lt;country or question&gt; – contact points\n"
    "/sources – the documents I can quote\n"
    "/about – how the answers are made\n"
    "/language – the language I use with you\n"
    "/help – this message\n\n"
    "Under each answer, <b>Sources</b> shows the quoted passages in full and 👍/👎 tell the "
    "network whether the answer helped."
)
GROUP_HELP = N_("In this group, mention me ({mention}) with your question, or use a command.")
ABOUT = N_(
    "<b>JIT assistant</b> answers prosecutors' and investigators' questions on joint "
    "investigation teams, legal frameworks and contact points from an indexed knowledge base "
    "of conventions, guides and network directories.\n\n"
    "Every answer names the document and paragraph or footnote it relies on; check the cited "
    "passage before relying on it. It is not legal advice.\n\n"
    "Questions, answers and feedback are logged so that the network can improve the "
    "knowledge base."
)
ROLE_NAMES = (N_("prosecutor"), N_("coordinator"), N_("admin"))  # as shown in welcome texts
SOMETHING_WRONG = N_("Sorry, something went wrong while answering. Please try again in a moment.")
STORAGE_TROUBLE = N_("Sorry, the server's disk is full or failing, so I cannot answer now. "
                     "The administrators can see it in the log.")
CONTACTS_USAGE = N_("Tell me whose contact you need, e.g. /contacts Italy or /contacts JIT experts in Spain")


def answer_keyboard(signed: SignedAnswer, with_sources: bool, chosen: int = 0,
                    t: Translator | None = None) -> InlineKeyboardMarkup:
    """Sources and 👍/👎, signed for the chat and member the answer is sent to."""
    row = []
    if with_sources:
        label = t.gettext("📄 Sources") if t else "📄 Sources"
        row.append(InlineKeyboardButton(label, callback_data=signed.sources_data()))
    row.append(InlineKeyboardButton("👍 ✓" if chosen == 1 else "👍", callback_data=signed.feedback_data(1)))
    row.append(InlineKeyboardButton("👎 ✓" if chosen == -1 else "👎", callback_data=signed.feedback_data(-1)))
    return InlineKeyboardMarkup([row])


def signed_answer(context: Context, query_id: int, chat_id: int, user_id: int) -> SignedAnswer:
    return SignedAnswer(context.bot_data["buttons"], query_id, chat_id, user_id)


def _help_text(chat_type: str, username: str | None, t: Translator) -> str:
    if chat_type == ChatType.PRIVATE:
        return t.gettext(HELP)
    return t.gettext(HELP) + "\n\n" + t.gettext(GROUP_HELP).format(mention=f"@{username}" if username else "@bot")


# --- commands -------------------------------------------------------------------------
async def start(update: Update, context: Context) -> None:
    """/start, and /start <invitation code> from a deep link."""
    chat, user, message = update.effective_chat, update.effective_user, update.effective_message
    if chat is None or user is None or message is None:
        return
    access, t = access_of(context), translator_of(update, context)
    if chat.type != ChatType.PRIVATE:
        if await asker_or_refuse(update, context):
            await message.reply_text(_help_text(chat.type, context.bot.username, t))
        return
    member = access.member(user.id)
    code = context.args[0] if context.args else ""
    if member is not None:
        note = t.gettext("You are already a member ({role}).").format(role=t.gettext(member.role)) + "\n\n" if code else ""
        await message.reply_text(note + t.gettext(HELP))
        return
    if not code:
        await refuse(update, context)
        return
    try:
        member = await run_blocking(context, access.users.redeem, code, user.id, user.full_name)
    except InviteError as error:
        if access.may_refuse(user.id):
            await message.reply_text(t.gettext(str(error)) + " " + t.gettext(
                "Please ask your network coordinator for a new invitation link."))
        return
    log.info("Enrolled a new member as %s", member.role)  # no Telegram id or name in the log
    await menus_of(context).set_member(context.bot, user.id, member.role, t.language)
    welcome = t.gettext("Welcome! You are now a member ({role}).").format(role=t.gettext(member.role))
    if member.networks:  # the invitation's network (and any the member already had)
        names = {n.id: n.name for n in await run_blocking(context, access.users.networks.all)}
        welcome += " " + t.gettext("Networks: {networks}.").format(
            networks=", ".join(f"{names.get(n, n)} ({t.gettext(role)})" for n, role in member.networks))
    await message.reply_text(welcome + "\n\n" + t.gettext(HELP))


async def help_command(update: Update, context: Context) -> None:
    if asker := await asker_or_refuse(update, context):
        t = translator_of(update, context)
        text = _help_text(update.effective_chat.type, context.bot.username, t)
        if asker.role in ("coordinator", "admin") and update.effective_chat.type == ChatType.PRIVATE:
            from .kb_replies import COORDINATOR_HELP  # uploads and /kb (kb_handlers.py)

            text += "\n\n" + t.gettext(COORDINATOR_HELP)
        if asker.role == "admin" and update.effective_chat.type == ChatType.PRIVATE:
            from .admin_handlers import ADMIN_HELP  # /stats and /unanswered

            text += "\n\n" + t.gettext(ADMIN_HELP)
        elif asker.role == "coordinator" and update.effective_chat.type == ChatType.PRIVATE:
            from .admin_handlers import COORDINATOR_STATS_HELP

            text += "\n" + t.gettext(COORDINATOR_STATS_HELP)
        await update.effective_message.reply_text(text)


async def about(update: Update, context: Context) -> None:
    if await asker_or_refuse(update, context):
        await update.effective_message.reply_text(translator_of(update, context).gettext(ABOUT))


async def sources(update: Update, context: Context) -> None:
    """/sources: the documents the knowledge base serves to this member (or group)."""
    asker = await asker_or_refuse(update, context)
    if not asker:
        return
    documents = await run_blocking(context, visible_documents, services_of(context), asker.scope)
    for chunk in documents_messages(documents, t=translator_of(update, context)):
        await update.effective_message.reply_text(chunk)


async def contacts(update: Update, context: Context) -> None:
    """/contacts <country or question>: the directory's contact points, no passages."""
    asker = await asker_or_refuse(update, context)
    if not asker:
        return
    text = " ".join(" ".join(context.args or []).split())
    if not text:
        await update.effective_message.reply_text(translator_of(update, context).gettext(CONTACTS_USAGE))
        return
    await answer_question(update, context, asker, text, find=_find_contacts)


def _find_contacts(services, text: str, who: dict, scope: Scope) -> AskResult:
    """The directory's answer to "/contacts <text>" (bot/ask.py), logged like any answer."""
    return services.ask.contacts(text, who, scope=scope)


async def register(update: Update, context: Context) -> None:
    """/register in a group, by an admin: the bot may answer there from now on."""
    chat, user, message = update.effective_chat, update.effective_user, update.effective_message
    if chat is None or user is None or message is None:
        return
    access, t = access_of(context), translator_of(update, context)
    member = access.member(user.id)
    if chat.type == ChatType.PRIVATE:
        if member:
            await message.reply_text(t.gettext("Send /register in the group you want me to answer in."))
        else:
            await refuse(update, context)
        return
    if member is None or not member.is_admin:
        if access.may_refuse(chat.id):
            await message.reply_text(t.gettext(ADMIN_ONLY))
        return
    wanted = context.args[0] if context.args else None
    try:
        network = await run_blocking(context, access.users.add_group, chat.id, chat.title or "",
                                     f"telegram:{user.id}", wanted)
    except ValueError:  # several networks and none named, or an unknown one
        ids = await run_blocking(context, access.users.networks.ids)
        await message.reply_text(t.gettext(
            "Which network is this group for? Send /register followed by one of: {networks}"
        ).format(networks=", ".join(ids)), parse_mode=None)
        return
    log.info("A group was registered by an admin")
    await message.reply_text(t.gettext("This group is registered to the network {network}.").format(
        network=network) + " " + t.gettext(GROUP_HELP).format(mention=f"@{context.bot.username}"))


# --- questions ------------------------------------------------------------------------
def _mention_stripped(update: Update, username: str | None) -> str | None:
    """In a group: the question addressed to the bot (by @mention), or None if not addressed."""
    message = update.effective_message
    if not username or message is None or not message.text:
        return None
    mention = f"@{username}".lower()
    for value in message.parse_entities(["mention"]).values():
        if value.lower() == mention:
            return re.sub(re.escape(value), " ", message.text, flags=re.IGNORECASE).strip()
    return None


async def question(update: Update, context: Context) -> None:
    """Any text that is not a command: a question (in groups, only when it mentions the bot)."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None or not message.text:
        return
    text = message.text
    if chat.type != ChatType.PRIVATE:
        text = _mention_stripped(update, context.bot.username)
        if text is None:
            return
    asker = await asker_or_refuse(update, context)
    if asker:
        await answer_question(update, context, asker, text)


def _ask(services, text: str, who: dict, scope: Scope, history=(), on_partial=None) -> AskResult:
    """A question (a follow-up with the chat's last turns), answered and logged (bot/ask.py)."""
    return services.ask.ask(text, who, history, on_partial, scope=scope)


async def answer_question(
    update: Update, context: Context, asker: Asker, text: str, find: Callable[..., AskResult] = _ask
) -> None:
    """Answer `text` (with `find`, the answer service by default), log it, reply in HTML."""
    message, chat, t = update.effective_message, update.effective_chat, translator_of(update, context)
    quote = ReplyParameters(message.message_id, allow_sending_without_reply=True)
    is_question, streamer = find is _ask, None
    if is_question:  # follow-ups read with the chat's last turns; a generated answer streams
        if getattr(services_of(context), "grounded_answerer", None) is not None:
            streamer = streaming.for_reply(message, quote)
        if context.chat_data.get("scope") != asker.scope:  # turns answered in another scope:
            context.chat_data.pop("turns", None)  # never the context of this one's follow-ups
            context.chat_data["scope"] = asker.scope
        find = functools.partial(_ask, history=streaming.chat_history(context.chat_data),
                                 on_partial=streamer.push if streamer else None)
    who = {"user_id": asker.user_id, "role": asker.role, "chat_type": asker.chat_type, "front_end": "telegram"}
    async with typing(context, chat.id, message.message_thread_id if message.is_topic_message else None):
        result = await run_blocking(context, find, services_of(context), text, who, asker.scope)
    streamed = await streamer.finish() if streamer else None
    answer, query_id = result.answer, result.query_id
    if answer is None:
        await message.reply_text(question_error_text(result.refusal, t), parse_mode=None, reply_parameters=quote)
        return
    if is_question:
        streaming.remember_turn(context.chat_data, answer.question, answer.answer)
    context.bot_data["recent"].put(query_id, answer.citations)
    chunks = answer_messages(answer, t=t)
    keyboard = answer_keyboard(signed_answer(context, query_id, chat.id, asker.user_id),
                               with_sources=bool(answer.citations), t=t)
    for i, chunk in enumerate(chunks):
        last = i == len(chunks) - 1
        if i == 0 and await streaming.deliver(chunk, streamed, reply_markup=keyboard if last else None):
            continue  # the streamed message now holds the checked, final answer
        await message.reply_text(
            chunk, reply_parameters=quote if i == 0 else None, reply_markup=keyboard if last else None,
            do_quote=False if i else None,
        )


# --- buttons --------------------------------------------------------------------------
async def button(update: Update, context: Context) -> None:
    """The Sources and 👍/👎 buttons under an answer."""
    query = update.callback_query
    if query is None:
        return
    asker = await asker_or_refuse(update, context)
    if not asker:
        return
    press = parse_answer_press(query.data)
    chat_id = query.message.chat.id if query.message is not None else None
    if press is None or chat_id is None:  # malformed, forged, or from before buttons were signed
        await query.answer(translator_of(update, context).gettext(STALE_BUTTON), show_alert=True)
        return
    if not context.bot_data["buttons"].is_valid(press, chat_id, query.from_user.id):
        await query.answer(translator_of(update, context).gettext(NOT_YOURS), show_alert=True)
        return
    if press.kind == "fb":
        await _feedback(update, context, press)
    else:
        await _show_sources(update, context, press, asker.scope)


async def _feedback(update: Update, context: Context, press: AnswerPress) -> None:
    query = update.callback_query
    query_id, value = press.query_id, press.value
    recorded = await run_blocking(
        context, services_of(context).query_log.record_feedback, query_id, value, query.from_user.id
    )
    t = translator_of(update, context)
    await query.answer(t.gettext("Thank you: your feedback is recorded.") if recorded
                       else t.gettext("This answer is too old to rate."))
    if recorded and query.message is not None:
        buttons = [b for row in (query.message.reply_markup or InlineKeyboardMarkup([])).inline_keyboard for b in row]
        with_sources = any((b.callback_data or "").startswith("src:") for b in buttons)
        signed = signed_answer(context, query_id, query.message.chat.id, query.from_user.id)
        with contextlib.suppress(BadRequest):  # "message is not modified": the same button twice
            await query.edit_message_reply_markup(answer_keyboard(signed, with_sources, chosen=value, t=t))


async def _show_sources(update: Update, context: Context, press: AnswerPress, scope: Scope) -> None:
    query = update.callback_query
    query_id = press.query_id
    citations = context.bot_data["recent"].get(query_id)
    services = services_of(context)
    if citations is None:
        citations = await run_blocking(context, services.ask.logged_citations, query_id, scope)
    else:  # read again in the presser's scope now: a member who left a network sees no more of it
        citations = await run_blocking(context, visible_citations, services.catalogue, citations, scope)
    await query.answer()
    if query.message is None:
        return
    chunks = sources_messages(citations or [])
    if not chunks:
        chunks = [translator_of(update, context).gettext(
            "These passages are no longer in the knowledge base (a newer version of the document "
            "replaced them). Please ask again.")]
    quote = ReplyParameters(query.message.message_id, allow_sending_without_reply=True)
    for i, chunk in enumerate(chunks):
        await context.bot.send_message(
            query.message.chat.id, chunk, reply_parameters=quote if i == 0 else None,
            message_thread_id=query.message.message_thread_id if query.message.is_topic_message else None,
        )


def visible_citations(catalogue, citations: list[Citation], scope: Scope) -> list[Citation]:
    """The citations whose document `scope` may read (their networks as the catalogue has them now)."""
    if scope.unrestricted:
        return citations
    seen: dict[str, bool] = {}
    for citation in citations:
        if citation.document_id not in seen:
            seen[citation.document_id] = scope.sees(catalogue.document_networks(citation.document_id))
    return [c for c in citations if seen[c.document_id]]


def visible_documents(services, scope: Scope) -> list[dict]:
    """The served documents `scope` may read (/sources, /kb)."""
    documents = services.catalogue.documents()
    if scope.unrestricted:
        return documents
    restricted = services.catalogue.restricted_documents()
    return [d for d in documents if scope.sees(restricted.get(d["id"], ()))]


# --- errors ---------------------------------------------------------------------------
async def on_error(update: object, context: Context) -> None:
    """Log the exception; tell the user in one line (never a traceback).

    A full disk or a failing data directory is not a bug: one log line saying so, no traceback.
    """
    storage = _storage_line(context)
    if storage:
        log.error("Error while handling an update: %s", storage)
    else:
        log.error("Error while handling an update", exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        sorry = text = STORAGE_TROUBLE if storage else SOMETHING_WRONG
        with contextlib.suppress(Exception):  # the apology must not fail on a broken users.db
            sorry = translator_of(update, context).gettext(text)
        with contextlib.suppress(TelegramError):
            if update.callback_query:
                await update.callback_query.answer(sorry)
            else:
                await context.bot.send_message(update.effective_chat.id, sorry, parse_mode=None)


def _storage_line(context: Context) -> str:
    """The one-line account of a disk-full or I/O error (knowledge.storage), else ''."""
    from knowledge.storage import describe, storage_problem

    data_dir = None
    with contextlib.suppress(Exception):
        data_dir = services_of(context).data_dir
    found = storage_problem(context.error, data_dir) if context.error is not None else None
    if found is None:
        return ""
    return describe(*found, data_dir or "(unknown)", "answering", previous_served=False)
