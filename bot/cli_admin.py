"""`jitbot admin`: browse the query log in Datasette, behind a password."""

from __future__ import annotations

import ipaddress

import click

from .cli_support import pass_services
from .services import Services


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


@click.group("admin")
def admin_group() -> None:
    """Admin tools: the query log in Datasette."""


@admin_group.command("serve")
@click.option("--host", help="Address to listen on (default: JITBOT_ADMIN_HOST, 127.0.0.1).")
@click.option("--port", type=click.IntRange(1, 65535), help="Port (default: JITBOT_ADMIN_PORT, 8001).")
@pass_services
def admin_serve(services: Services, host: str | None, port: int | None) -> None:
    """Serve the query log read-only in Datasette; log in as root at /-/login."""
    from .admin_datasette import is_password_hash, serve

    s = services.settings
    if s.admin_password_hash is None:
        raise click.ClickException(
            "JITBOT_ADMIN_PASSWORD_HASH is not set: make one with `jitbot admin hash-password`"
        )
    password_hash = s.admin_password_hash.get_secret_value()
    if not is_password_hash(password_hash):
        raise click.ClickException(
            "JITBOT_ADMIN_PASSWORD_HASH is not a password hash (pbkdf2_sha256$...): "
            "make one with `jitbot admin hash-password` (in a shell, quote it: it contains $)"
        )
    host, port = host or s.admin_host, port or s.admin_port
    log_path = services.query_log.path  # opened once: the schema is up to date before serving
    if not _is_loopback(host):
        click.echo(f"Warning: listening on {host}, not only this machine; serve it behind HTTPS.", err=True)
    click.echo(f"Query log at http://{host}:{port}/ (log in as root at /-/login); Ctrl-C stops.", err=True)
    serve(log_path, password_hash, host, port)


@admin_group.command("hash-password")
@click.password_option("--password", prompt="Password", help="Asked for (twice) when not given.")
def admin_hash_password(password: str) -> None:
    """Print the hash of a password, for JITBOT_ADMIN_PASSWORD_HASH."""
    from .admin_datasette import hash_password

    if len(password) < 8:
        raise click.ClickException("use a password of at least 8 characters")
    click.echo(hash_password(password))
    click.echo("Put it in .env as JITBOT_ADMIN_PASSWORD_HASH=... (in a shell, in single quotes).", err=True)
