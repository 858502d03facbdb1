"""Datasette on the query log, for admins: read-only, behind a password, with canned queries.

Read-only: the log stays a mutable database (the bot keeps writing to it, so "immutable"
would give wrong results), which Datasette 0.65 reads through `mode=ro` connections; it has
no write API and we define no writable canned query. Access: every page needs the actor
"root", who logs in at /-/login with the password whose hash is JITBOT_ADMIN_PASSWORD_HASH
(datasette-auth-passwords). Arbitrary SQL is allowed to root only.

Every canned query takes a `network` parameter (a network id; empty: every question): the
questions asked within that network, by its members or in its groups.
"""

from __future__ import annotations

import os
from pathlib import Path

from .query_log import networks_sql, unanswered_sql

ROOT = {"id": "root"}
PASSWORD_HASH_ENV = "JITBOT_ADMIN_PASSWORD_HASH"

#: Datasette settings: no download of the whole database file.
SETTINGS = {"allow_download": False, "default_page_size": 50, "sql_time_limit_ms": 3000}

#: "asked within :network" (any question when it is left empty), for the canned queries
WITHIN = f"(:network = '' OR {networks_sql(['?'], 'q')[0].replace(':network_0', ':network')})"

CANNED_QUERIES = {
    "unanswered": {
        "title": "Unanswered questions",
        "description": "Questions the knowledge base did not answer (not found, or only related "
                       "passages quoted), newest first: gaps in the knowledge base. "
                       "In a redacted log the question is empty; see its topics.",
        "sql": "SELECT q.id, q.time, q.front_end, q.role, q.networks, q.outcome, q.question, q.question_chars, "
               f"q.topics FROM queries q WHERE {unanswered_sql('q')} AND {WITHIN} ORDER BY q.time DESC LIMIT 500",
        "params": ["network"],
    },
    "negative_feedback": {
        "title": "Answers rated 👎",
        "description": "Answers a user found unhelpful, with the passages they cited.",
        "sql": "SELECT q.id, q.time, q.question, q.answer, q.topics, f.time AS rated_at, "
               "(SELECT group_concat(c.document_id || ' v' || c.version || ', ' || coalesce(c.locator, ''), '; ') "
               "FROM citations c WHERE c.query_id = q.id) AS cited "
               f"FROM feedback f JOIN queries q ON q.id = f.query_id WHERE f.value = -1 AND {WITHIN} "
               "ORDER BY f.time DESC",
        "params": ["network"],
    },
    "most_cited_documents": {
        "title": "Most cited documents",
        "description": "How often each document was cited, and in how many answers.",
        "sql": "SELECT c.document_id, max(c.title) AS title, max(c.version) AS latest_version_cited, "
               "count(*) AS citations, count(DISTINCT c.query_id) AS answers FROM citations c "
               f"JOIN queries q ON q.id = c.query_id WHERE {WITHIN} GROUP BY c.document_id ORDER BY citations DESC",
        "params": ["network"],
    },
    "questions_per_day": {
        "title": "Questions per day",
        "description": "From the daily counters, which every log mode keeps and purges leave alone; "
                       "for one network, from the logged questions (none when the log is off).",
        "sql": "SELECT date, questions, not_answered, errors, "
               "round(100.0 * not_answered / nullif(questions - errors, 0), 1) AS abstention_percent FROM ("
               "SELECT date, sum(questions) AS questions, sum(abstained) AS not_answered, sum(errors) AS errors "
               "FROM daily_counts WHERE :network = '' GROUP BY date "
               "UNION ALL SELECT substr(q.time, 1, 10) AS date, count(*) AS questions, "
               f"sum(CASE WHEN {unanswered_sql('q')} THEN 1 ELSE 0 END) AS not_answered, "
               "sum(CASE WHEN q.error IS NOT NULL THEN 1 ELSE 0 END) AS errors FROM queries q "
               f"WHERE :network != '' AND {WITHIN} GROUP BY substr(q.time, 1, 10)) ORDER BY date DESC",
        "params": ["network"],
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
