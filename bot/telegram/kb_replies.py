"""What the bot says to coordinators about uploads and the knowledge base (Telegram HTML).

Every function takes the member's Translator; file names, titles and ids are shown as
they are, escaped. The audit lines of /kb history and a contacts file's row problems are
the catalogue's own (English) wording.
"""

from __future__ import annotations

from html import escape

from bot.i18n import ENGLISH, N_, Translator
from knowledge import audit
from knowledge.ingest import AddResult, RemoveResult

from .render_html import split_html

MAX_PROBLEM_LINES = 25

COORDINATOR_HELP = N_(
    "<b>For coordinators</b>\n"
    "Send me a PDF, DOCX, TXT, MD or HTML file (up to 20 MB) to add it to the knowledge base; "
    "a file with the same name as one already there becomes its new version, and answers "
    "switch to it once it is fully indexed.\n"
    "A <b>.csv</b> or <b>.xlsx</b> file is read as the contacts directory: I check every row "
    "and change nothing until you press Apply.\n"
    "/kb – the documents · /kb remove &lt;id&gt; – withdraw one · /kb history – who changed what"
)
EDITORS_ONLY = N_(
    "Thank you, but only network coordinators can change the knowledge base. If this file "
    "should be in it, please send it to your coordinator."
)
KB_USAGE = N_("Use /kb to list the documents, /kb remove &lt;id&gt; to withdraw one, /kb history for the latest changes.")
EXPIRED = N_("This confirmation has expired or was already answered: nothing was changed.")
UNCHANGED_KB = N_("The knowledge base is unchanged.")


def wrong_type(name: str, t: Translator = ENGLISH) -> str:
    return t.gettext(
        "I cannot add <b>{name}</b>: send a PDF, DOCX, TXT, MD or HTML document, "
        "or a contacts directory as .csv or .xlsx."
    ).format(name=escape(name))


def too_big(name: str, size: int, t: Translator = ENGLISH) -> str:
    return t.gettext(
        "<b>{name}</b> is {size} MB: Telegram lets bots download files of up to 20 MB only. "
        "Please send a smaller file (e.g. the PDF without scanned images), or ask an admin to "
        "add it with <code>jitbot kb add</code>."
    ).format(name=escape(name), size=f"{size / 1024 / 1024:.1f}") + " " + t.gettext(UNCHANGED_KB)


def downloading(name: str, t: Translator = ENGLISH) -> str:
    return "📥 " + t.gettext("<b>{name}</b>: downloading…").format(name=escape(name))


def download_failed(name: str, reason: str, t: Translator = ENGLISH) -> str:
    return "❌ " + t.gettext("<b>{name}</b>: Telegram did not let me download it ({reason}).").format(
        name=escape(name), reason=escape(reason)) + " " + t.gettext(UNCHANGED_KB)


def indexing_failed(name: str, t: Translator = ENGLISH) -> str:
    return "❌ " + t.gettext("<b>{name}</b>: something went wrong; the error is logged for the admins.").format(
        name=escape(name)) + " " + t.gettext(UNCHANGED_KB)


def storage_failed(name: str, t: Translator = ENGLISH) -> str:
    """The server's disk is full or failing (knowledge.storage): nothing the sender can fix."""
    return "❌ " + t.gettext(
        "<b>{name}</b> was not added: the server's disk is full or failing. What was served before "
        "is still served; an admin must free some space (the error is logged).").format(name=escape(name))


def ingest_summary(result: AddResult, t: Translator = ENGLISH) -> str:
    name = escape(result.path.name)
    if result.status == "failed":  # the reason is the loader's own (English) one-line message
        return f"❌ <b>{name}</b>: {escape(result.reason)}. " + t.gettext(UNCHANGED_KB)
    values = {
        "name": name, "title": escape(result.title), "version": result.version,
        "where": f"<code>{escape(result.document_id or '')}</code> v{result.version}",
        "passages": result.passages, "pages": result.pages or 0, "previous": result.previous_version,
    }
    if result.status == "unchanged":
        return "☑️ " + t.gettext(
            "<b>{name}</b> is already in the knowledge base, unchanged: «{title}» ({where}). Nothing to do."
        ).format(**values)
    passages = (t.gettext("{passages} passages from {pages} pages") if result.pages
                else t.gettext("{passages} passages")).format(**values)
    if result.structure:  # what the chunker recognised: "16 articles, 41 paragraphs, 5 pages"
        passages = escape(result.structure)
    if result.status == "added":
        return "✅ " + t.gettext(
            "<b>Added</b> «{title}» as {where}: {passages}.\nAnswers can quote it from now on."
        ).format(**{**values, "passages": passages})
    replaced = (
        t.gettext("replaces v{previous}") if result.previous_version
        else t.gettext("is served again (the document had been withdrawn)")
    ).format(**values)
    return "✅ " + t.gettext(
        "<b>Updated</b> «{title}»: {where} {replaced}, {passages}.\nAnswers quote v{version} from now on."
    ).format(**{**values, "passages": passages, "replaced": replaced})


def removed(result: RemoveResult, t: Translator = ENGLISH) -> str:
    if result.status != "removed":
        return t.gettext("Nothing to remove: <code>{id}</code> is {status}.").format(
            id=escape(result.document_id), status=escape(t.gettext(result.status)))
    return "🗑 " + t.gettext(
        "Removed «{title}» (<code>{id}</code> v{version}, {passages} passages): answers no longer quote it."
    ).format(title=escape(result.title), id=escape(result.document_id), version=result.version,
             passages=result.passages)


#: RemoveResult statuses other than "removed", as shown in "Nothing to remove: … is {status}"
REMOVE_STATUSES = (N_("not found"), N_("already removed"))


def remove_question(doc: dict, t: Translator = ENGLISH) -> str:
    return t.gettext(
        "Remove «{title}» (<code>{id}</code> v{version}) from the knowledge base? "
        "Answers stop quoting it at once; its history is kept."
    ).format(title=escape(doc["title"]), id=escape(doc["id"]), version=doc["current_version"])


def not_served(document_id: str, t: Translator = ENGLISH) -> str:
    return t.gettext("There is no document <code>{id}</code> being served. /kb lists them.").format(
        id=escape(document_id))


def cancelled(t: Translator = ENGLISH) -> str:
    return "✖ " + t.gettext("Cancelled: nothing was changed.")


def applied(plan_summary: str, t: Translator = ENGLISH) -> str:
    return "✅ " + t.gettext("Applied: {summary}.").format(summary=escape(plan_summary))


def documents_list(documents: list[dict], t: Translator = ENGLISH) -> list[str]:
    if not documents:
        return [t.gettext("The knowledge base is empty. Send me a document to add it.")]
    n = len(documents)
    lines = ["<b>" + t.ngettext("{n} document served", "{n} documents served", n).format(n=n) + "</b>"]
    for d in documents:
        passages = t.ngettext("{n} passage", "{n} passages", d["passages"]).format(n=d["passages"])
        lines.append(
            f"• {escape(d['title'] or d['id'])}\n  <code>{escape(d['id'])}</code> · v{d['current_version']}"
            f" · {passages}"
        )
    lines.append(t.gettext(KB_USAGE))
    return split_html("\n".join(lines))


def history(rows: list[dict], t: Translator = ENGLISH) -> str:
    if not rows:
        return t.gettext("No changes recorded yet.")
    return "<b>" + t.gettext("Latest changes") + "</b>\n" + "\n".join(f"• {escape(audit.line(row))}" for row in rows)


# --- contacts -------------------------------------------------------------------------
def plan_summary(plan, t: Translator = ENGLISH) -> str:
    """What applying a contacts file would do (knowledge.contacts.ImportPlan), counted."""
    return t.gettext("{added} added, {changed} changed, {unchanged} unchanged, {removed} removed").format(
        added=len(plan.added), changed=len(plan.changed), unchanged=len(plan.unchanged), removed=len(plan.removed))


def contacts_unreadable(name: str, reason: str, t: Translator = ENGLISH) -> str:
    return f"❌ <b>{escape(name)}</b>: {escape(reason)}. " + t.gettext("Nothing was changed.")


def _problem_lines(checked, t: Translator = ENGLISH) -> str:
    lines = [p.line() for p in checked.problems]
    shown = lines[:MAX_PROBLEM_LINES]
    if len(lines) > len(shown):
        shown.append(t.gettext("… and {n} more").format(n=len(lines) - len(shown)))
    return "<pre>" + escape("\n".join(shown)) + "</pre>"


def contacts_invalid(name: str, checked, t: Translator = ENGLISH) -> str:
    if checked.header_problems:
        head = "❌ " + t.gettext("<b>{name}</b>: the columns need fixing.").format(name=escape(name))
    else:
        head = "❌ " + t.gettext("<b>{name}</b>: {invalid} of {rows} rows are invalid.").format(
            name=escape(name), invalid=len(checked.invalid_rows), rows=checked.rows)
    return f"{head}\n{_problem_lines(checked, t)}\n" + t.gettext(
        "Nothing was changed: fix the file and send it again.")


def contacts_report(name: str, checked, plan, t: Translator = ENGLISH) -> str:
    lines = ["📇 " + t.gettext("<b>{name}</b>: {rows} rows checked, all valid.").format(name=escape(name), rows=checked.rows),
             t.gettext("Applying it would make: {summary}.").format(summary=escape(plan_summary(plan, t)))]
    by_id = {r["id"]: r for r in checked.records}
    changes = [f"+ {r['id']}  {r['name']} ({r['country_code']}, {r['network']})" for r in plan.added]
    changes += [f"~ {cid}  {by_id[cid]['name']}: {', '.join(cols)}" for cid, cols in plan.changed.items()]
    if changes:
        more = len(changes) - MAX_PROBLEM_LINES
        shown = changes[:MAX_PROBLEM_LINES] + ([t.gettext("… and {n} more").format(n=more)] if more > 0 else [])
        lines.append("<pre>" + escape("\n".join(shown)) + "</pre>")
    return "\n".join(lines)


def nothing_would_change(t: Translator = ENGLISH) -> str:
    return t.gettext("Nothing would change.")
