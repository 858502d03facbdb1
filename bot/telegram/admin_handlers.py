"""Admin commands: /stats (a chart and the headline figures) and /unanswered; the daily
purge of the query log.

The figures come from the query log, which may hold case details: admins get them in a
private chat only, never in a group where other people would read them. A coordinator's
/stats gives the figures of the questions asked within their networks, one network each.
"""

from __future__ import annotations

import html
import logging
from datetime import timedelta

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import Application, CommandHandler

from bot.i18n import ENGLISH, N_, Translator
from bot.log_reports import LogStats, compute_stats, recent_unanswered

from .access import ADMIN_ONLY
from .plumbing import (
    Context,
    access_of,
    refuse,
    run_blocking,
    services_of,
    translator_of,
)

log = logging.getLogger(__name__)

STATS_DAYS = 30
UNANSWERED_SHOWN = 15
PRIVATE_ONLY = N_("Admin commands work in a private chat with me: the figures can reveal what members asked.")
ADMIN_HELP = N_(
    "<b>For admins</b>\n"
    "/stats – questions per day, the share I could not answer and feedback, over 30 days\n"
    "/unanswered – recent questions I could not answer (topics only in a redacted log)"
)
COORDINATOR_STATS_HELP = N_("/stats – questions asked within your networks over 30 days, and the share I could not answer")
STATS_USAGE = N_("Use /stats for the figures of your networks, or /stats followed by one of: {networks}")
PURGE_JOB = "purge query log"
CAPTION_LIMIT = 1024
MESSAGE_LIMIT = 4096


async def admin_or_refuse(update: Update, context: Context, allow_coordinators: bool = False) -> bool:
    """True for an admin (or, if allowed, a coordinator) in a private chat; anyone else gets
    the matching refusal."""
    chat, user, message = update.effective_chat, update.effective_user, update.effective_message
    if chat is None or user is None or message is None:
        return False
    access, t = access_of(context), translator_of(update, context)
    if chat.type != ChatType.PRIVATE:
        if access.asker(user.id, chat.id, chat.type) is None:
            await refuse(update, context)
        else:
            await message.reply_text(t.gettext(PRIVATE_ONLY))
        return False
    member = access.member(user.id)
    if member is None:
        await refuse(update, context)
        return False
    if not (member.is_admin or (allow_coordinators and member.role == "coordinator")):
        await message.reply_text(t.gettext(ADMIN_ONLY))
        return False
    return True


# --- /stats -----------------------------------------------------------------------------
def _percent(value: float | None, t: Translator) -> str:
    return t.gettext("n/a") if value is None else f"{value:.0%}"


def stats_caption(stats: LogStats, t: Translator = ENGLISH, network: str | None = None) -> str:
    """The headline figures, in Telegram HTML, within a photo caption's 1,024 characters;
    `network`: the name of the network they are limited to."""
    latency = (t.gettext("n/a") if stats.latency_p50 is None
               else t.gettext("{p50} s median, {p95} s p95").format(
                   p50=f"{stats.latency_p50 / 1000:.1f}", p95=f"{stats.latency_p95 / 1000:.1f}"))
    errors = (" " + t.gettext("({errors} refused or failed)").format(errors=stats.errors)) if stats.errors else ""
    lines = [
        (t.gettext("<b>Last {days} days</b> (query log: {mode})").format(days=len(stats.days), mode=stats.mode)
         if network is None else t.gettext("<b>{network}, last {days} days</b> (query log: {mode})").format(
             network=html.escape(network), days=len(stats.days), mode=stats.mode)),
        t.gettext("Questions: {n}").format(n=stats.questions) + errors,
        t.gettext("Not answered: {n} ({percent})").format(n=stats.abstained, percent=_percent(stats.abstention_rate, t)),
        t.gettext("Feedback: {up} 👍 / {down} 👎").format(up=stats.feedback_up, down=stats.feedback_down),
        t.gettext("Answer time: {latency}").format(latency=latency),
    ]
    if stats.top_documents:
        lines.append("<b>" + t.gettext("Most cited") + "</b>")
        for doc in stats.top_documents[:3]:
            title = doc["title"] or doc["document_id"]
            title = title if len(title) <= 70 else title[:69] + "…"
            lines.append(f"{doc['citations']} × {html.escape(title)}")
    lines.append(t.gettext("/unanswered lists what I could not answer."))
    caption = "\n".join(lines)
    return caption if len(caption) <= CAPTION_LIMIT else caption[: CAPTION_LIMIT - 1].rsplit("\n", 1)[0]


def _stats_and_chart(query_log, t: Translator = ENGLISH, network: str | None = None) -> tuple[LogStats, bytes]:
    from bot.log_chart import stats_chart

    stats = compute_stats(query_log, days=STATS_DAYS, networks=[network] if network else None)
    return stats, stats_chart(stats, t)


async def stats(update: Update, context: Context) -> None:
    """/stats [network]: questions per day and abstention rate over 30 days, as a chart and
    figures; everything for an admin, each of their networks for a coordinator."""
    if not await admin_or_refuse(update, context, allow_coordinators=True):
        return
    t, services = translator_of(update, context), services_of(context)
    users = services.users
    member = await run_blocking(context, users.member, update.effective_user.id)
    allowed = await run_blocking(context, users.coordinator_networks, member.telegram_id)
    wanted = [a.strip().lower() for a in context.args or []][:1]
    if wanted and wanted[0] not in allowed:
        await update.effective_message.reply_text(t.gettext(STATS_USAGE).format(networks=", ".join(allowed) or "-"))
        return
    networks: list[str | None] = wanted or ([None] if member.is_admin else allowed)
    names = {n.id: n.name for n in await run_blocking(context, services.networks.all)}
    for network in networks:
        figures, png = await run_blocking(context, _stats_and_chart, services.query_log, t, network)
        caption = stats_caption(figures, t, names.get(network, network) if network else None)
        await update.effective_message.reply_photo(png, caption=caption, filename="stats.png")


# --- /unanswered ------------------------------------------------------------------------
def unanswered_message(rows: list[dict], mode: str, t: Translator = ENGLISH) -> str:
    if not rows:
        if mode == "off":
            return t.gettext("The query log is off (JITBOT_QUERY_LOG=off): it keeps only daily counts, no questions.")
        return t.gettext("No unanswered questions in the log.")
    lines = ["<b>" + t.gettext("Recent questions I could not answer") + "</b>", ""]
    for row in rows:
        when = row["time"][:16].replace("T", " ")
        if row["question"] is None:
            topics = ", ".join(row["topics"]) or t.gettext("no recognised topic")
            entry = f"• {when} — " + t.gettext("<i>redacted</i>, topics: {topics} ({chars} characters)").format(
                topics=html.escape(topics), chars=row["question_chars"])
        else:
            text = " ".join(row["question"].split())
            text = text if len(text) <= 300 else text[:299] + "…"
            entry = f"• {when} — {html.escape(text)}"
        if len("\n".join(lines + [entry])) > MESSAGE_LIMIT - 100:
            break
        lines.append(entry)
    lines += ["", t.gettext("Add a document that covers them with <code>jitbot kb add</code>.")]
    return "\n".join(lines)


async def unanswered(update: Update, context: Context) -> None:
    """/unanswered: the latest questions the bot abstained on (topics only when redacted)."""
    if not await admin_or_refuse(update, context):
        return
    query_log = services_of(context).query_log
    rows = await run_blocking(context, recent_unanswered, query_log, UNANSWERED_SHOWN)
    await update.effective_message.reply_text(unanswered_message(rows, query_log.mode, translator_of(update, context)))


# --- retention ----------------------------------------------------------------------------
async def purge_query_log(context: Context) -> None:
    """The daily job: delete questions older than JITBOT_LOG_RETENTION_DAYS."""
    query_log = services_of(context).query_log
    deleted = await run_blocking(context, query_log.purge)
    log.info("Query log purge: %d questions older than %d days deleted", deleted, query_log.retention_days)


def add_admin_handlers(application: Application) -> None:
    application.add_handler(CommandHandler("stats", stats))
    application.add_handler(CommandHandler("unanswered", unanswered))
    if application.job_queue is None:  # python-telegram-bot installed without [job-queue]
        log.warning("No job queue: the query log is not purged daily; run `jitbot logs purge` from cron")
        return
    # First run soon after start, so that a bot restarted more often than daily still purges.
    application.job_queue.run_repeating(purge_query_log, interval=timedelta(days=1),
                                        first=timedelta(minutes=1), name=PURGE_JOB)
