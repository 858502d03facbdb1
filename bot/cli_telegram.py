"""`jitbot serve` and the membership commands: `users`, `invite`, `groups`.

Members, invitations and groups belong to a network (`--network`); with a single network
(or none yet: `default` is made) it need not be named. Admin is global.
"""

from __future__ import annotations

import json
import logging
import sys

import click

from .cli_support import pass_services
from .services import Services

# Group chat ids are negative (-1001234567890): read them as arguments, not options.
NEGATIVE_IDS = {"ignore_unknown_options": True}


class RedactToken(logging.Filter):
    """Replaces the bot token in log lines: whoever holds it controls the bot."""

    def __init__(self, token: str):
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self.token and self.token in message:
            record.msg, record.args = message.replace(self.token, "<token>"), None
        return True


#: jitbot's own packages: their log lines never hold question text, ids or names.
OWN_LOGGERS = ("bot", "knowledge", "retrieval")


def configure_logging(verbose: bool, query_log: str, token: str) -> None:
    """Logging for `serve`: personal data reaches the log only when the query log is `full`.

    python-telegram-bot's debug lines hold every update and API call (message text,
    Telegram ids, first names), and the HTTP and LLM clients' debug lines hold request
    bodies. So `-v` lowers everything to DEBUG only with JITBOT_QUERY_LOG=full; otherwise it
    is jitbot's own loggers that go to DEBUG and the libraries stay at INFO.
    """
    everything = verbose and query_log == "full"
    logging.basicConfig(
        level=logging.DEBUG if everything else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if verbose:
        for name in OWN_LOGGERS:
            logging.getLogger(name).setLevel(logging.DEBUG)
    # httpx logs every request (and so the token in the URL) at INFO.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    if token:
        for handler in logging.getLogger().handlers:  # e.g. PTB's debug lines name the API URL
            handler.addFilter(RedactToken(token))


def _fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


# --- serve ------------------------------------------------------------------------------
@click.command()
@click.option("--webhook-url", help="Public HTTPS URL: webhook mode (default: long polling).")
@click.option("--listen", help="Address the webhook server listens on (default 127.0.0.1).")
@click.option("--port", type=int, help="Port the webhook server listens on (default 8443).")
@click.option("--secret-token", help="Secret Telegram sends with every webhook request.")
@click.option("-v", "--verbose", is_flag=True,
              help="Debug logging; Telegram's own lines (with message text and ids) only with JITBOT_QUERY_LOG=full.")
@pass_services
def serve(services: Services, webhook_url, listen, port, secret_token, verbose) -> None:
    """Run the Telegram bot until Ctrl-C or SIGTERM."""
    from .telegram.app import build_application, run

    s = services.settings
    configure_logging(verbose, s.query_log, s.telegram_token.get_secret_value() if s.telegram_token else "")
    if s.query_log != "off" and s.log_secret is None:
        _fail("JITBOT_LOG_SECRET is not set: the query log stores members as pseudonyms made with it. "
              "Set it to a long random string (e.g. `openssl rand -hex 32`), or JITBOT_QUERY_LOG=off.")
    try:
        application = build_application(services)
    except ValueError as error:
        _fail(str(error))
    # Never the fictional samples here: a bot must not hand prosecutors invented contact points.
    services.ensure_knowledge_base(lambda line: click.echo(line, err=True), allow_samples=False)
    secret = secret_token or (s.telegram_webhook_secret.get_secret_value() if s.telegram_webhook_secret else None)
    url = webhook_url or s.telegram_webhook_url
    click.echo(f"Serving the Telegram bot by {'webhook at ' + url if url else 'long polling'}; Ctrl-C stops.", err=True)
    from telegram.error import InvalidToken, NetworkError

    try:
        run(application, webhook_url=url, listen=listen or s.telegram_webhook_listen,
            port=port or s.telegram_webhook_port, secret_token=secret)
    except InvalidToken:
        _fail("Telegram refused the bot token (JITBOT_TELEGRAM_TOKEN)")
    except NetworkError as error:
        _fail(f"cannot reach the Bot API at {s.telegram_api_url}: {error}")
    click.echo("Stopped.", err=True)


# --- users ------------------------------------------------------------------------------
@click.group()
def users() -> None:
    """Members allowed to use the bot, and their roles."""


@users.command("add")
@click.argument("telegram_id", type=int)
@click.option("--role", required=True, help="prosecutor, coordinator or admin.")
@click.option("--name", default="", help="Who this is (for the list).")
@click.option("--network", default=None, help="The network the role is in (needed when there are several).")
@pass_services
def users_add(services: Services, telegram_id: int, role: str, name: str, network: str | None) -> None:
    """Add a member (or change a member's role in a network) by Telegram user id."""
    try:
        member = services.users.add_user(telegram_id, role, name, network=network)
    except ValueError as error:
        _fail(str(error))
    name = f" ({member.name})" if member.name else ""
    click.echo(f"{member.telegram_id}{name} is a member with the role {member.role}{_in_networks(member.networks)}")
    _update_menu(services, member.telegram_id, member.role)


@users.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_services
def users_list(services: Services, as_json: bool) -> None:
    """List members."""
    rows = services.users.users()
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("No members yet. Add one with: jitbot users add TELEGRAM_ID --role admin")
    for row in rows:
        click.echo(f"{row['telegram_id']:>12}  {row['role']:<11}  {row['name'] or ''}"
                   f"{_in_networks(row['networks'].items())}  (added {row['added_at']} by {row['added_by']})")


def _in_networks(networks) -> str:
    """' in redtram (coordinator), wacap (prosecutor)', or '' for none."""
    pairs = sorted(networks)
    return (" in " + ", ".join(f"{network} ({role})" for network, role in pairs)) if pairs else ""


@users.command("remove")
@click.argument("telegram_id", type=int)
@click.option("--network", default=None, help="Only from this network (a member of none is removed).")
@pass_services
def users_remove(services: Services, telegram_id: int, network: str | None) -> None:
    """Remove a member, or only their role in one network."""
    if not services.users.remove_user(telegram_id, network=network):
        _fail(f"{telegram_id} is not a member" + (f" of network {network}" if network else ""))
    member = services.users.member(telegram_id)
    if member is None:
        click.echo(f"{telegram_id} removed")
    else:
        click.echo(f"{telegram_id} removed from {network}; still a {member.role}{_in_networks(member.networks)}")
    _update_menu(services, telegram_id, member.role if member else None)


def _update_menu(services: Services, telegram_id: int, role: str | None) -> None:
    """The member's Telegram command menu follows the role now, when the bot's token is set."""
    s = services.settings
    if s.telegram_token is None or not s.telegram_token.get_secret_value():
        return  # a running bot picks the change up within a minute
    from .telegram.menus import update_member_menu

    problem = update_member_menu(s, telegram_id, role)
    if problem:
        click.echo(f"Command menu not updated now ({problem}); a running bot updates it within a minute.", err=True)


# --- invitations ------------------------------------------------------------------------
@click.group()
def invite() -> None:
    """Invitation links that enrol whoever opens them."""


def _bot_username(services: Services) -> str | None:
    s = services.settings
    if s.telegram_bot_username:
        return s.telegram_bot_username.lstrip("@")
    if s.telegram_token is None:
        return None
    import asyncio

    from telegram import Bot
    from telegram.error import TelegramError

    from .telegram.app import api_urls

    base_url, base_file_url = api_urls(s.telegram_api_url)

    async def get_me() -> str:
        async with Bot(s.telegram_token.get_secret_value(), base_url=base_url, base_file_url=base_file_url) as bot:
            return bot.username

    try:
        return asyncio.run(get_me())
    except TelegramError as error:
        click.echo(f"Could not ask Telegram for the bot's name ({error}).", err=True)
        return None


@invite.command("create")
@click.option("--role", required=True, help="prosecutor, coordinator or admin.")
@click.option("--uses", type=click.IntRange(min=1), default=1, show_default=True, help="How many people may use it.")
@click.option("--expires", default="7d", show_default=True, help="Lifetime: 30m, 12h, 7d, 2w or 'never'.")
@click.option("--network", default=None, help="The network it enrols into (needed when there are several).")
@pass_services
def invite_create(services: Services, role: str, uses: int, expires: str, network: str | None) -> None:
    """Create an invitation and print its t.me deep link."""
    from .users import check_role, parse_duration

    try:
        check_role(role)
        lifetime = None if expires.strip().lower() == "never" else parse_duration(expires)
        new = services.users.create_invite(role, uses=uses, expires_in=lifetime, network=network)
    except ValueError as error:
        _fail(str(error))
    username = _bot_username(services)
    expiry = f"expires {new.expires_at}" if new.expires_at else "never expires"
    if username:
        click.echo(f"https://t.me/{username}?start={new.code}")
    else:
        click.echo(f"/start {new.code}")
        click.echo("Set JITBOT_TELEGRAM_BOT_USERNAME (or JITBOT_TELEGRAM_TOKEN) to get a t.me link; "
                   "meanwhile the invitee can send the line above to the bot.", err=True)
    where = f" in network {new.network}" if new.network else ""
    click.echo(f"Invitation {new.id}: {new.role}{where}, {new.max_uses} use{'s' if new.max_uses > 1 else ''}, {expiry}.", err=True)


@invite.command("list")
@pass_services
def invite_list(services: Services) -> None:
    """List invitations (codes are not stored, only their hashes)."""
    rows = services.users.invites()
    if not rows:
        click.echo("No invitations. Create one with: jitbot invite create --role prosecutor")
    for row in rows:
        state = "revoked" if row["revoked"] else f"{row['uses']}/{row['max_uses']} used"
        click.echo(f"{row['id']}  {row['role']:<11}  {row.get('network') or '(global)':<12}  {state:<10}  "
                   f"expires {row['expires_at'] or 'never'}")


@invite.command("revoke")
@click.argument("invite_id")
@pass_services
def invite_revoke(services: Services, invite_id: str) -> None:
    """Withdraw an invitation so that it can no longer be used."""
    if not services.users.revoke_invite(invite_id):
        _fail(f"no invitation {invite_id}")
    click.echo(f"Invitation {invite_id} revoked")


# --- group chats ------------------------------------------------------------------------
@click.group()
def groups() -> None:
    """Group chats the bot answers in (to commands and mentions)."""


@groups.command("add", context_settings=NEGATIVE_IDS)
@click.argument("chat_id", type=int)
@click.option("--title", default="", help="The group's name (for the list).")
@click.option("--network", default=None, help="The network whose material the bot may show there.")
@pass_services
def groups_add(services: Services, chat_id: int, title: str, network: str | None) -> None:
    """Register a group chat to one network by id (an admin can also send /register in the group)."""
    try:
        network = services.users.add_group(chat_id, title, network=network)
    except ValueError as error:
        _fail(str(error))
    click.echo(f"Group {chat_id} registered to network {network}")


@groups.command("list")
@pass_services
def groups_list(services: Services) -> None:
    """List registered group chats."""
    rows = services.users.groups()
    if not rows:
        click.echo("No groups registered.")
    for row in rows:
        click.echo(f"{row['chat_id']:>15}  {row.get('network') or '-':<12}  {row['title'] or ''}  (added {row['added_at']} by {row['added_by']})")


@groups.command("remove", context_settings=NEGATIVE_IDS)
@click.argument("chat_id", type=int)
@pass_services
def groups_remove(services: Services, chat_id: int) -> None:
    """Stop answering in a group chat."""
    if not services.users.remove_group(chat_id):
        _fail(f"group {chat_id} is not registered")
    click.echo(f"Group {chat_id} removed")
