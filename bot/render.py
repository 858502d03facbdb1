"""Turning an Answer into text for a front end (plain text for the CLI)."""

from __future__ import annotations

from retrieval.answer import Answer

from .answer_texts import body, contacts_note, generation_note
from .contact_texts import contact_fields
from .i18n import ENGLISH, Translator


def contact_lines(contact: dict, t: Translator = ENGLISH) -> list[str]:
    """One contact point as a few readable lines."""
    labels = contact_fields(contact, t)
    head = ", ".join(x for x in (contact.get("name"), contact.get("role")) if x)
    lines = [f"- {head}"]
    org = ", ".join(
        x for x in (contact.get("authority"), contact.get("unit"), contact.get("network")) if x
    )
    if org:
        lines.append(f"  {org} ({contact.get('country', '')})")
    reach = " · ".join(
        x
        for x in (
            contact.get("email"),
            contact.get("phone"),
            labels["secure_channel"].format(value=contact["secure_channel"]) if contact.get("secure_channel") else "",
            labels["languages"].format(value=contact["languages"]) if contact.get("languages") else "",
        )
        if x
    )
    if reach:
        lines.append(f"  {reach}")
    for key in ("urgent_line", "address", "notes"):
        if contact.get(key):
            lines.append("  " + labels[key].format(value=contact[key]))
    verified = contact.get("last_verified")
    if verified:
        stale = f" ({labels['check']})" if contact.get("stale") else ""
        lines.append("  " + labels["verified"].format(date=verified) + stale)
    return lines


def render_plain(answer: Answer, t: Translator = ENGLISH) -> str:
    """The answer printed by `jitbot ask`: quoted sentences, contacts, numbered sources."""
    lines: list[str] = []
    if answer.original_question:  # a chat follow-up, rewritten: say what was answered
        lines.append(t.gettext("(Read as: {question})").format(question=answer.question))
    text = body(answer, t)
    if text:
        lines.append(text)
    if note := generation_note(answer, t):  # why the text is not what the language model wrote
        lines.append(f"({note})")
    note = contacts_note(answer, t)
    if answer.contacts or note:
        lines.append("")
        lines.append(t.gettext("Contact points:"))
        if note:
            lines.append(note)
        for contact in answer.contacts:
            lines.extend(contact_lines(contact, t))
    if answer.citations:
        cited = {rank for _, rank in answer.sentences}
        lines.append("")
        lines.append(t.gettext("Sources:"))
        see_also = t.gettext("(see also)")
        for c in answer.citations:
            marker = "" if c.rank in cited else f" {see_also}"
            lines.append(f"[{c.rank}] {c.label()}{marker}")
    return "\n".join(lines).strip() + "\n"
