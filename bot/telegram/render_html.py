"""Answers, sources and document lists as Telegram HTML, split into sendable messages.

Every piece of user or document text goes through `html.escape`; the only markup is
what this module writes. Telegram refuses messages longer than 4,096 characters, so
`split_html` cuts long texts at paragraph boundaries where it can (then lines, then
words) and never inside a tag or an entity: tags open at a cut are closed at the end of
one message and reopened at the start of the next.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html import escape

from bot.answer_texts import body, contacts_note, generation_note
from bot.contact_texts import contact_fields
from bot.i18n import ENGLISH, Translator
from retrieval.answer import Answer, Citation

MESSAGE_LIMIT = 4096

_TOKEN = re.compile(r"<[^<>]*>|&#?\w+;")
_OPENING = re.compile(r"<([a-zA-Z][\w-]*)[^>]*>")
_CLOSING = re.compile(r"</([a-zA-Z][\w-]*)\s*>")
_EMPTY_PAIR = re.compile(r"<([a-zA-Z][\w-]*)[^>]*>\s*</\1>")


def telegram_length(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


# --- splitting ------------------------------------------------------------------------
def split_html(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Cut well-formed Telegram HTML into messages of at most `limit` characters."""
    chunks: list[str] = []
    reopen: tuple[tuple[str, str], ...] = ()  # (tag name, opening tag) still open at the cut
    rest = text.strip()
    while rest:
        prefix = "".join(tag for _, tag in reopen)
        if telegram_length(prefix) + telegram_length(rest) <= limit:
            chunks.append(prefix + rest)
            break
        cut, stack = _best_cut(rest, reopen, limit - telegram_length(prefix))
        chunks.append(prefix + rest[:cut].rstrip() + _closers(stack))
        reopen = stack
        rest = rest[cut:].lstrip()
    cleaned = (_drop_empty_pairs(c) for c in chunks)
    return [c for c in cleaned if _visible(c)]


def _best_cut(
    text: str, reopen: tuple[tuple[str, str], ...], budget: int
) -> tuple[int, tuple[tuple[str, str], ...]]:
    """The last cut that fits, preferring a paragraph break, then a line break, then a space."""
    best: dict[str, tuple[int, tuple]] = {}
    stack = list(reopen)
    used = 0
    position = 0

    def consider(i: int) -> None:
        if i == 0:
            return
        if used + sum(len(name) + 3 for name, _ in stack) > budget:
            return
        if text.startswith("\n\n", i):
            kind = "paragraph"
        elif text.startswith("\n", i):
            kind = "line"
        elif text.startswith(" ", i):
            kind = "word"
        else:
            kind = "any"
        best[kind] = (i, tuple(stack))

    for match in _TOKEN.finditer(text):
        for i in range(position, match.start()):  # plain text: any character boundary
            consider(i)
            used += 2 if ord(text[i]) > 0xFFFF else 1
            if used > budget:
                break
        if used > budget:
            break
        consider(match.start())
        token = match.group()
        used += len(token)
        if opening := _OPENING.fullmatch(token):
            stack.append((opening.group(1).lower(), token))
        elif (closing := _CLOSING.fullmatch(token)) and stack and stack[-1][0] == closing.group(1).lower():
            stack.pop()
        position = match.end()
        if used > budget:
            break
    else:
        for i in range(position, len(text)):
            consider(i)
            used += 2 if ord(text[i]) > 0xFFFF else 1
            if used > budget:
                break
    for kind in ("paragraph", "line", "word", "any"):
        if kind in best:
            return best[kind]
    raise ValueError(f"cannot split: the limit {budget} is too small for the open tags")


def _closers(stack: Iterable[tuple[str, str]]) -> str:
    return "".join(f"</{name}>" for name, _ in reversed(list(stack)))


def _drop_empty_pairs(chunk: str) -> str:
    previous = None
    while previous != chunk:
        previous, chunk = chunk, _EMPTY_PAIR.sub("", chunk)
    return chunk.strip()


def _visible(chunk: str) -> bool:
    return bool(_TOKEN.sub("", chunk).strip())


# --- answers --------------------------------------------------------------------------
def contact_html(contact: dict, t: Translator = ENGLISH) -> str:
    """One contact point: name and role, organisation, how to reach them, freshness."""
    labels = contact_fields(contact, t)
    head = ", ".join(escape(str(x)) for x in (contact.get("name"), contact.get("role")) if x)
    lines = [f"• <b>{head or escape(labels['contact_point'])}</b>"]
    org = ", ".join(
        escape(str(x)) for x in (contact.get("authority"), contact.get("unit"), contact.get("network")) if x
    )
    country = escape(str(contact.get("country") or ""))
    if org or country:
        lines.append(f"{org} ({country})" if org and country else org or country)
    reach = [escape(str(contact[k])) for k in ("email", "phone") if contact.get(k)]
    if contact.get("secure_channel"):
        reach.append(escape(labels["secure_channel"].format(value=contact["secure_channel"])))
    if contact.get("languages"):
        languages = ", ".join(x.strip() for x in str(contact["languages"]).replace(";", ",").split(",") if x.strip())
        reach.append(escape(labels["languages"].format(value=languages)))
    if reach:
        lines.append(" · ".join(reach))
    verified = contact.get("last_verified")
    if contact.get("stale"):
        when = labels["verified"].format(date=verified) if verified else labels["not_recent"]
        lines.append(f"⚠️ <i>{escape(labels['stale'].format(when=when))}</i>")
    elif verified:
        lines.append(escape(labels["verified"].format(date=verified)))
    return "\n".join(lines)


def answer_html(answer: Answer, t: Translator = ENGLISH) -> str:
    """The whole answer as one HTML text (quoted sentences, contacts, numbered sources)."""
    parts: list[str] = []
    if answer.original_question:  # a follow-up, rewritten: say which question was answered
        parts.append("<i>" + escape(t.gettext("Read as: {question}").format(question=answer.question)) + "</i>")
    if answer.abstained:
        parts.append("<b>" + escape(t.gettext("Not in the knowledge base.")) + "</b>")
    text = body(answer, t)
    if text:
        parts.append(escape(text))
    if note := generation_note(answer, t):  # why the text is not what the language model wrote
        parts.append(f"<i>{escape(note)}</i>")
    note = contacts_note(answer, t)
    if answer.contacts or note:
        note = f"\n<i>{escape(note)}</i>" if note else ""
        parts.append("<b>" + escape(t.gettext("Contact points")) + f"</b>{note}")
        parts.extend(contact_html(c, t) for c in answer.contacts)
    if answer.citations:
        cited = {rank for _, rank in answer.sentences}
        see_also = escape(t.gettext("(see also)"))
        lines = ["<b>" + escape(t.gettext("Sources")) + "</b>"]
        for c in answer.citations:
            marker = "" if c.rank in cited else f" <i>{see_also}</i>"
            lines.append(f"[{c.rank}] {escape(c.label())}{marker}")
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def answer_messages(answer: Answer, limit: int = MESSAGE_LIMIT, t: Translator = ENGLISH) -> list[str]:
    return split_html(answer_html(answer, t), limit)


def sources_messages(citations: Iterable[Citation], limit: int = MESSAGE_LIMIT) -> list[str]:
    """The cited passages in full (verbatim, in the document's language), each under its number."""
    parts = []
    for c in citations:
        where = escape(c.locator) + (f" · {escape(c.section)}" if c.section else "")
        parts.append(
            f"<b>[{c.rank}] {escape(c.title)}</b>\n{where}\n<blockquote>{escape(c.text.strip())}</blockquote>"
        )
    return split_html("\n\n".join(parts), limit) if parts else []


def documents_messages(documents: list[dict], limit: int = MESSAGE_LIMIT, t: Translator = ENGLISH) -> list[str]:
    """What the knowledge base holds (/sources): one entry per served document."""
    if not documents:
        return [escape(t.gettext("The knowledge base is empty: no documents are being served yet."))]
    n = len(documents)
    parts = ["<b>" + escape(t.ngettext("The knowledge base holds {n} document:",
                                       "The knowledge base holds {n} documents:", n).format(n=n)) + "</b>"]
    for d in documents:
        details = [t.gettext("version {version}").format(version=d.get("current_version")),
                   t.ngettext("{n} passage", "{n} passages", d.get("passages", 0)).format(n=d.get("passages", 0))]
        if d.get("published"):
            details.append(escape(t.gettext("published {date}").format(date=d["published"])))
        entry = f"• <b>{escape(str(d.get('title') or d.get('id')))}</b>\n{', '.join(details)}"
        url = d.get("source_url")
        if url and str(url).startswith(("http://", "https://")):
            entry += f'\n<a href="{escape(str(url), quote=True)}">{escape(str(url))}</a>'
        parts.append(entry)
    return split_html("\n\n".join(parts), limit)
