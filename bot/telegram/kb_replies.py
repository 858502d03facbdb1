"""What the bot says to coordinators about uploads and the knowledge base (Telegram HTML)."""

from __future__ import annotations

from html import escape

from knowledge import audit
from knowledge.ingest import AddResult, RemoveResult

from .render_html import split_html

MAX_PROBLEM_LINES = 25

COORDINATOR_HELP = (
    "<b>For coordinators</b>\n"
    "Send me a PDF, DOCX, TXT, MD or HTML file (up to 20 MB) to add it to the knowledge base; "
    "a file with the same name as one already there becomes its new version, and answers "
    "switch to it once it is fully indexed.\n"
    "A <b>.csv</b> or <b>.xlsx</b> file is read as the contacts directory: I check every row "
    "and change nothing until you press Apply.\n"
    "/kb – the documents · /kb remove &lt;id&gt; – withdraw one · /kb history – who changed what"
)
EDITORS_ONLY = (
    "Thank you, but only network coordinators can change the knowledge base. If this file "
    "should be in it, please send it to your coordinator."
)
KB_USAGE = "Use /kb to list the documents, /kb remove &lt;id&gt; to withdraw one, /kb history for the latest changes."
EXPIRED = "This confirmation has expired or was already answered: nothing was changed."
UNCHANGED_KB = "The knowledge base is unchanged."


def wrong_type(name: str) -> str:
    return (
        f"I cannot add <b>{escape(name)}</b>: send a PDF, DOCX, TXT, MD or HTML document, "
        "or a contacts directory as .csv or .xlsx."
    )


def too_big(name: str, size: int) -> str:
    return (
        f"<b>{escape(name)}</b> is {size / 1024 / 1024:.1f} MB: Telegram lets bots download files "
        "of up to 20 MB only. Please send a smaller file (e.g. the PDF without scanned images), "
        f"or ask an admin to add it with <code>jitbot kb add</code>. {UNCHANGED_KB}"
    )


def download_failed(name: str, reason: str) -> str:
    return f"❌ <b>{escape(name)}</b>: Telegram did not let me download it ({escape(reason)}). {UNCHANGED_KB}"


def indexing_failed(name: str) -> str:
    return f"❌ <b>{escape(name)}</b>: something went wrong; the error is logged for the admins. {UNCHANGED_KB}"


def ingest_summary(result: AddResult) -> str:
    name = escape(result.path.name)
    if result.status == "failed":
        return f"❌ <b>{name}</b>: {escape(result.reason)}. {UNCHANGED_KB}"
    title = escape(result.title)
    where = f"<code>{escape(result.document_id or '')}</code> v{result.version}"
    pages = f" from {result.pages} pages" if result.pages else ""
    found = escape(result.structure) if result.structure else f"{result.passages} passages{pages}"
    if result.status == "unchanged":
        return f"☑️ <b>{name}</b> is already in the knowledge base, unchanged: «{title}» ({where}). Nothing to do."
    if result.status == "added":
        return (
            f"✅ <b>Added</b> «{title}» as {where}: {found}.\n"
            "Answers can quote it from now on."
        )
    replaced = (
        f"replaces v{result.previous_version}" if result.previous_version
        else "is served again (the document had been withdrawn)"
    )
    return (
        f"✅ <b>Updated</b> «{title}»: {where} {replaced}, {found}.\n"
        f"Answers quote v{result.version} from now on."
    )


def removed(result: RemoveResult) -> str:
    if result.status != "removed":
        return f"Nothing to remove: <code>{escape(result.document_id)}</code> is {result.status}."
    return (
        f"🗑 Removed «{escape(result.title)}» (<code>{escape(result.document_id)}</code> v{result.version}, "
        f"{result.passages} passages): answers no longer quote it."
    )


def remove_question(doc: dict) -> str:
    return (
        f"Remove «{escape(doc['title'])}» (<code>{escape(doc['id'])}</code> v{doc['current_version']}) "
        "from the knowledge base? Answers stop quoting it at once; its history is kept."
    )


def documents_list(documents: list[dict]) -> list[str]:
    if not documents:
        return ["The knowledge base is empty. Send me a document to add it."]
    lines = [f"<b>{len(documents)} documents served</b>"]
    for d in documents:
        lines.append(
            f"• {escape(d['title'] or d['id'])}\n  <code>{escape(d['id'])}</code> · v{d['current_version']}"
            f" · {d['passages']} passages"
        )
    lines.append(KB_USAGE)
    return split_html("\n".join(lines))


def history(rows: list[dict]) -> str:
    if not rows:
        return "No changes recorded yet."
    return "<b>Latest changes</b>\n" + "\n".join(f"• {escape(audit.line(row))}" for row in rows)


# --- contacts -------------------------------------------------------------------------
def contacts_unreadable(name: str, reason: str) -> str:
    return f"❌ <b>{escape(name)}</b>: {escape(reason)}. Nothing was changed."


def _problem_lines(checked) -> str:
    lines = [p.line() for p in checked.problems]
    shown = lines[:MAX_PROBLEM_LINES]
    if len(lines) > len(shown):
        shown.append(f"… and {len(lines) - len(shown)} more")
    return "<pre>" + escape("\n".join(shown)) + "</pre>"


def contacts_invalid(name: str, checked) -> str:
    if checked.header_problems:
        head = f"❌ <b>{escape(name)}</b>: the columns need fixing."
    else:
        head = f"❌ <b>{escape(name)}</b>: {len(checked.invalid_rows)} of {checked.rows} rows are invalid."
    return f"{head}\n{_problem_lines(checked)}\nNothing was changed: fix the file and send it again."


def contacts_report(name: str, checked, plan) -> str:
    lines = [f"📇 <b>{escape(name)}</b>: {checked.rows} rows checked, all valid.",
             f"Applying it would make: {escape(plan.summary())}."]
    by_id = {r["id"]: r for r in checked.records}
    changes = [f"+ {r['id']}  {r['name']} ({r['country_code']}, {r['network']})" for r in plan.added]
    changes += [f"~ {cid}  {by_id[cid]['name']}: {', '.join(cols)}" for cid, cols in plan.changed.items()]
    if changes:
        shown = changes[:MAX_PROBLEM_LINES] + ([f"… and {len(changes) - MAX_PROBLEM_LINES} more"]
                                               if len(changes) > MAX_PROBLEM_LINES else [])
        lines.append("<pre>" + escape("\n".join(shown)) + "</pre>")
    return "\n".join(lines)
