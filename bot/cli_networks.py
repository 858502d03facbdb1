"""`jitbot networks`: the practitioner networks this deployment serves (bot/networks.py)."""

from __future__ import annotations

import json

import click

from .cli_support import pass_services
from .services import Services


@click.group("networks")
def networks_group() -> None:
    """Networks: members, groups, documents and contacts belong to them."""


@networks_group.command("add")
@click.argument("network_id")
@click.option("--name", default="", help="Its name as members know it (e.g. 'REDTRAM'); default: the id.")
@click.option("--languages", default="", help="Its working languages, e.g. es,pt.")
@pass_services
def networks_add(services: Services, network_id: str, name: str, languages: str) -> None:
    """Add a network (or change the name and languages of one) by a short id such as redtram."""
    try:
        network = services.networks.add(network_id, name=name, languages=languages)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Network {network.line()}")


@networks_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_services
def networks_list(services: Services, as_json: bool) -> None:
    """List networks, with how many members and groups each has."""
    networks = services.networks.all()
    users = services.users.users()
    groups = services.users.groups()
    rows = [
        {"id": n.id, "name": n.name, "languages": list(n.languages),
         "members": sum(1 for u in users if n.id in u["networks"]),
         "coordinators": sum(1 for u in users if u["networks"].get(n.id) == "coordinator"),
         "groups": sum(1 for g in groups if g.get("network") == n.id)}
        for n in networks
    ]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("No networks yet. Add one with: jitbot networks add ID --name NAME --languages es,pt")
    for n, row in zip(networks, rows, strict=True):
        click.echo(f"{n.line()}  {row['members']} member(s), {row['coordinators']} coordinator(s), "
                   f"{row['groups']} group(s)")


@networks_group.command("remove")
@click.argument("network_id")
@pass_services
def networks_remove(services: Services, network_id: str) -> None:
    """Remove a network that has no members, groups, documents or contacts left (its open
    invitations are revoked)."""
    try:
        network = services.networks.require(network_id)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    # Its contact entries would turn public once the network is gone: they must go first.
    documents = services.catalogue.documents_of_network(network.id)
    directory = services.directory
    contacts = [r["id"] for r in directory.rows() if directory.network_of(r.get("network", "")) == network.id]
    if documents or contacts:
        raise click.ClickException(
            f"network {network.id} still has {len(documents)} document(s) ({', '.join(documents[:5]) or '-'}) "
            f"and {len(contacts)} contact entr{'y' if len(contacts) == 1 else 'ies'}: give the documents other "
            "networks (jitbot kb update ID FILE --network OTHER, or --public) or remove them, and move or remove the "
            "contacts (jitbot contacts import), first")
    try:
        services.networks.remove(network.id)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Network {network.id} removed")
