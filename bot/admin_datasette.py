"""Datasette on the query log, for admins: read-only, behind a password, with canned queries.

Read-only: the log stays a mutable database (the bot keeps writing to it, so "immutable"
would give wrong results), which Datasette 0.65 reads through `mode=ro` connections; it has
no write API and we define no writable canned query. Access: every page needs the actor
"root", who logs in at /-/login with the password whose hash is JITBOT_ADMIN_PASSWORD_HASH
(datasette-auth-passwords). Arbitrary SQL is allowed to root only.
"""

from __future__ import annotations

import os
from pathlib import Path

from .query_log import unanswered_sql

ROOT = {"id": "root"}
PASSWORD_HASH_ENV = "JITBOT_ADMIN_PASSWORD_HASH"

#: Datasette settings: no download of the whole database file.
SETTINGS = {"allow_download": False, "default_page_size": 50, "sql_time_limit_ms": 3000}

CANNED_QUERIES = {
    "unanswered": {
        "title": "Unanswered questions",
        "description": "Questions the knowledge base did not answer (not found, or only related "
                       "passages quoted), newest first: gaps in the knowledge base. "
                       "In a redacted log the question is empty; see its topics.",
        "sql": "SELECT id, time, front_end, role, outcome, question, question_chars, topics FROM queries "
               f"WHERE {unanswered_sql()} ORDER BY time DESC LIMIT 500",
    },
    "negative_feedback": {
        "title": "Answers rated 👎",
        "description": "Answers a user found unhelpful, with the passages they cited.",
        "sql": "SELECT q.id, q.time, q.question, q.answer, q.topics, f.time AS rated_at, "
               "(SELECT group_concat(c.document_id || ' v' || c.version || ', ' || coalesce(c.locator, ''), '; ') "
               "FROM citations c WHERE c.query_id = q.id) AS cited "
               "FROM feedback f JOIN queries q ON q.id = f.query_id WHERE f.value = -1 ORDER BY f.time DESC",
    },
    "most_cited_documents": {
        "title": "Most cited documents",
        "description": "How often each document was cited, and in how many answers.",
        "sql": "SELECT document_id, max(title) AS title, max(version) AS latest_version_cited, "
               "count(*) AS citations, count(DISTINCT query_id) AS answers FROM citations "
               "GROUP BY document_id ORDER BY citations DESC",
    },
    "questions_per_day": {
        "title": "Questions per day",
        "description": "From the daily counters, which every log mode keeps and purges leave alone.",
        "sql": "SELECT date, sum(questions) AS questions, sum(abstained) AS not_answered, sum(errors) AS errors, "
               "round(100.0 * sum(abstained) / nullif(sum(questions) - sum(errors), 0), 1) AS abstention_percent "
               "FROM daily_counts GROUP BY date ORDER BY date DESC",
    },
}


def is_password_hash(value: str) -> bool:
    parts = value.strip().split("$")
    return len(parts) == 4 and parts[0] == "pbkdf2_sha256" and parts[1].isdigit() and all(parts[2:])


def hash_password(password: str) -> str:
    from datasette_auth_passwords.utils import hash_password as pbkdf2_hash

    return pbkdf2_hash(password)


def metadata(database_name: str) -> dict:
    """Datasette's metadata, which /-/metadata.json shows to root: no secret in it.

    The password hash is named by its environment variable ($env), resolved by Datasette
    only where the plugin reads it; Datasette's own `_internal` database is hidden.
    """
    return {
        "title": "jitbot query log",
        "description": "Questions asked, answers given and feedback. Confidential: it may contain case details.",
        "allow": ROOT,
        "allow_sql": ROOT,
        "plugins": {"datasette-auth-passwords": {"root_password_hash": {"$env": PASSWORD_HASH_ENV}}},
        "databases": {database_name: {"allow": ROOT, "queries": CANNED_QUERIES},
                      "_internal": {"allow": False}},
    }


LOGIN_REDIRECT_PLUGIN = "jitbot-login-redirect"


def login_redirect(request) -> str | None:
    """Where a refused request goes: a visitor who is not logged in, to the login page.

    Pages only; a JSON or CSV request keeps the plain 403 that a script can act on.
    """
    if request.actor is not None or request.path.startswith("/-/login"):
        return None
    if request.path.endswith((".json", ".csv")) or "_format" in request.args:
        return None
    return "/-/login"


def _register_login_redirect() -> None:
    """Our Datasette plugin (bot/admin_datasette_plugin.py), registered once per process."""
    from datasette.plugins import pm

    from . import admin_datasette_plugin

    if pm.get_plugin(LOGIN_REDIRECT_PLUGIN) is None:
        pm.register(admin_datasette_plugin, name=LOGIN_REDIRECT_PLUGIN)


def build_datasette(log_path: Path, password_hash: str):
    from datasette.app import Datasette

    # Where the plugin finds the hash ($env above); this process's environment only.
    os.environ[PASSWORD_HASH_ENV] = password_hash.strip()
    _register_login_redirect()
    return Datasette([str(log_path)], metadata=metadata(Path(log_path).stem), settings=SETTINGS)


def serve(log_path: Path, password_hash: str, host: str, port: int) -> None:
    """Serve until Ctrl-C or SIGTERM."""
    import asyncio

    import uvicorn

    instance = build_datasette(log_path, password_hash)
    # With rich installed, Datasette prints every error (even a 400) with the local
    # variables: rows of the log and the login cookie would end up in the terminal.
    # (Imported only now: importing this module before datasette.app breaks its plugin.)
    import datasette.handle_exception

    datasette.handle_exception.rich = None
    asyncio.run(instance.invoke_startup())
    uvicorn.run(instance.app(), host=host, port=port, log_level="warning", lifespan="on")
