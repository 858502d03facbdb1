"""Networks in the coordinators' Telegram work: where an upload goes, what they may change.

A new document goes to the coordinator's network (buttons to choose when they coordinate
several; an admin may also make it public); a file that updates a document, or contact
entries, may be changed only by those the document's or entry's networks allow
(bot/networks.py EditRights). Anything of a network the member cannot read is never named:
it is "another network's".
"""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import ENGLISH, N_, Translator
from bot.networks import EditRights
from knowledge.scope import Scope

PUBLIC_CHOICE = N_("🌐 Public (all networks)")
NO_NETWORK = N_("You coordinate no network, so you cannot add documents. Please ask an admin.")


# --- blocking checks (run in a worker thread) -----------------------------------------
def document_networks(services, document_id: str) -> frozenset[str]:
    return services.catalogue.document_networks(document_id)


def existing_document(services, file_name: str, digest: str | None = None) -> dict | None:
    """The document an upload would change: the one with the same content, else the same file name."""
    catalogue = services.catalogue
    if digest is not None:
        same = catalogue.version_by_hash(digest)
        if same is not None:
            return catalogue.document(same["document_id"])
    return catalogue.document_by_filename(file_name)


def contacts_out_of_rights(services, rights: EditRights, records: list[dict]) -> list[str]:
    """The entries (id: network) of a contacts file this member may not add or change: the
    network written in the file, and for a stored entry the one it has now."""
    directory = services.directory
    stored = {row["id"]: row for row in directory.rows()}
    refused = []
    for record in records:
        owners = {directory.network_of(record.get("network", ""))}
        if record["id"] in stored:
            owners.add(directory.network_of(stored[record["id"]].get("network", "")))
        owners.discard(None)
        if not rights.may_change(owners):
            refused.append(f"{record['id']}: {record.get('network') or '-'}")
    return refused


def visible_history(services, scope: Scope, rows: list[dict]) -> list[dict]:
    """Audit rows about documents `scope` may read (and the directory's)."""
    if scope.unrestricted:
        return rows
    restricted = services.catalogue.restricted_documents()
    return [r for r in rows if scope.sees(restricted.get(r.get("document_id") or "", ()))]


# --- texts and buttons ------------------------------------------------------------------
def network_names(services) -> dict[str, str]:
    return {n.id: n.name for n in services.networks.all()}


def choose_keyboard(token: str, choices: tuple[str, ...], names: dict[str, str],
                    t: Translator = ENGLISH) -> InlineKeyboardMarkup:
    """One button per choice ('' public, else a network id), then Cancel."""
    rows = [[InlineKeyboardButton(t.gettext(PUBLIC_CHOICE) if not c else f"🔒 {names.get(c, c)}",
                                  callback_data=f"kb:{token}:n{i}")] for i, c in enumerate(choices)]
    rows.append([InlineKeyboardButton(t.gettext("✖ Cancel"), callback_data=f"kb:{token}:no")])
    return InlineKeyboardMarkup(rows)


def choose_question(name: str, t: Translator = ENGLISH) -> str:
    return "🗂 " + t.gettext(
        "Which network is <b>{name}</b> for? Only that network's members will find it in answers."
    ).format(name=escape(name))


def where_it_is(networks, names: dict[str, str], t: Translator = ENGLISH) -> str:
    """'🌐 Public: every member can find it.' or '🔒 Networks: REDTRAM (only their members).'"""
    if not networks:
        return "🌐 " + t.gettext("Public: every member can find it.")
    shown = ", ".join(escape(names.get(n, n)) for n in sorted(networks))
    return "🔒 " + t.gettext("Networks: {networks} (only their members can find it).").format(networks=shown)


def not_yours(name: str, title: str, networks, names: dict[str, str], readable: bool,
              t: Translator = ENGLISH) -> str:
    """An upload or removal touching a document this member may not change."""
    if not readable:  # never name what the member cannot read
        return "⛔ " + t.gettext(
            "<b>{name}</b> matches a document of another network: only its coordinators can change it. "
            "Rename the file if it is a different document."
        ).format(name=escape(name)) + " " + t.gettext("Nothing was changed.")
    if not networks:
        return "⛔ " + t.gettext(
            "«{title}» is public (all networks read it): only an admin can change it."
        ).format(title=escape(title)) + " " + t.gettext("Nothing was changed.")
    shown = ", ".join(escape(names.get(n, n)) for n in sorted(networks))
    return "⛔ " + t.gettext(
        "«{title}» belongs to {networks}: only a coordinator of each of them, or an admin, can change it."
    ).format(title=escape(title), networks=shown) + " " + t.gettext("Nothing was changed.")


def contacts_not_yours(name: str, refused: list[str], t: Translator = ENGLISH) -> str:
    shown = refused[:10] + ([t.gettext("… and {n} more").format(n=len(refused) - 10)] if len(refused) > 10 else [])
    return "⛔ " + t.gettext(
        "<b>{name}</b>: {n} entries belong to networks you do not coordinate (or are public, "
        "which is for an admin):"
    ).format(name=escape(name), n=len(refused)) + "\n<pre>" + escape("\n".join(shown)) + "</pre>\n" + t.gettext(
        "Nothing was changed: send only your networks' entries.")
