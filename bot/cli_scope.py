"""`--as-member ID` / `--network ID`: answer at the shell as a member of some networks would be.

The operator at the server's shell reads everything by default; these options narrow what
`jitbot ask` and `jitbot contacts find` search to a member's scope (public material and
their networks'), e.g. to check what a network's prosecutors are told.
"""

from __future__ import annotations

import click

from knowledge.scope import Scope

from .services import Services


def scope_options(function):
    function = click.option(
        "--network", "reader_networks", multiple=True, metavar="ID",
        help="Answer as a member of this network would be (repeatable): public material and its own.",
    )(function)
    return click.option(
        "--as-member", "as_member", type=int, metavar="TELEGRAM_ID",
        help="Answer as this member would be (their networks; an admin sees everything).",
    )(function)


def reader_scope(services: Services, as_member: int | None, networks: tuple[str, ...]) -> Scope:
    """The scope the options name (everything when neither is given); bad input is one line."""
    from .networks import NetworkError

    if as_member is not None and networks:
        raise click.UsageError("--as-member and --network exclude each other")
    if as_member is not None:
        if services.users.member(as_member) is None:
            raise click.BadParameter(f"no member with Telegram id {as_member} (see: jitbot users list)",
                                     param_hint="--as-member")
        return services.users.scope_for(as_member)
    if networks:
        try:
            return Scope.of(services.networks.require(n.strip()).id for n in networks)
        except NetworkError as error:
            raise click.BadParameter(str(error), param_hint="--network") from None
    return Scope.everything()
