"""Turning an Answer into text for a front end (plain text for the CLI)."""

from __future__ import annotations

from retrieval.answer import Answer


def contact_lines(contact: dict) -> list[str]:
    """One contact point as a few readable lines."""
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
            f"secure channel: {contact['secure_channel']}" if contact.get("secure_channel") else "",
            f"languages: {contact['languages']}" if contact.get("languages") else "",
        )
        if x
    )
    if reach:
        lines.append(f"  {reach}")
    for key, label in (("urgent_line", "urgent"), ("address", "address"), ("notes", "note")):
        if contact.get(key):
            lines.append(f"  {label}: {contact[key]}")
    verified = contact.get("last_verified")
    if verified:
        stale = " (check before use)" if contact.get("stale") else ""
        lines.append(f"  last verified {verified}{stale}")
    return lines


def render_plain(answer: Answer) -> str:
    """The answer printed by `jitbot ask`: quoted sentences, contacts, numbered sources."""
    lines: list[str] = []
    if answer.original_question:  # a chat follow-up, rewritten: say what was answered
        lines.append(f"(Read as: {answer.question})")
    if answer.answer:
        lines.append(answer.answer)
    if answer.note:  # why the text is not what the language model wrote
        lines.append(f"({answer.note})")
    if answer.contacts or answer.contacts_note:
        lines.append("")
        lines.append("Contact points:")
        if answer.contacts_note:
            lines.append(answer.contacts_note)
        for contact in answer.contacts:
            lines.extend(contact_lines(contact))
    if answer.citations:
        cited = {rank for _, rank in answer.sentences}
        lines.append("")
        lines.append("Sources:")
        for c in answer.citations:
            marker = "" if c.rank in cited else " (see also)"
            lines.append(f"[{c.rank}] {c.title}, {c.locator}{marker}")
    return "\n".join(lines).strip() + "\n"
