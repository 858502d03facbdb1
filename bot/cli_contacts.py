"""`jitbot contacts`: import, list, export and look up the directory of contact points."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import click

from .cli_scope import reader_scope, scope_options
from .cli_support import pass_services, stderr_line
from .services import Services


@click.group("contacts")
def contacts_group() -> None:
    """Import, list, export and look up contact points."""


@contacts_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True, help="Remove contact points that are not in FILE.")
@click.option("--skip-invalid", is_flag=True, help="Import the valid rows, list the others.")
@click.option("--dry-run", is_flag=True, help="Show what would change; change nothing.")
@click.option("--as", "as_name", metavar="NAME", help="Who makes this change, for `kb history` (default: your login).")
@pass_services
def contacts_import(services: Services, file: Path, replace: bool, skip_invalid: bool, dry_run: bool,
                    as_name: str | None) -> None:
    """Add or update contact points from a CSV (comma or semicolon) or .xlsx file."""
    from knowledge import audit
    from knowledge.catalogue import utcnow
    from knowledge.contact_files import ContactFileError, check_file

    try:
        checked = check_file(file, today=date.today())
    except ContactFileError as error:
        raise click.ClickException(str(error)) from None
    for problem in checked.problems:
        stderr_line(problem.line())
    if checked.header_problems:
        raise click.ClickException(f"{file.name}: fix the columns above; nothing was changed")
    invalid = len(checked.invalid_rows)
    if invalid and not skip_invalid:
        raise click.ClickException(
            f"{invalid} of {checked.rows} rows are invalid; nothing was changed "
            f"(fix them, or use --skip-invalid to import the {len(checked.records)} valid rows)"
        )
    directory = services.directory
    plan = directory.plan_import(checked.records, replace=replace, keep=checked.invalid_ids)
    by_id = {r["id"]: r for r in checked.records}
    for record in plan.added:
        click.echo(f"added    {record['id']}  {record['name']} ({record['country_code']}, {record['network']})")
    for contact_id, columns in plan.changed.items():
        click.echo(f"changed  {contact_id}  {by_id[contact_id]['name']}: {', '.join(columns)}")
    for contact_id in plan.removed:
        click.echo(f"removed  {contact_id}")
    if not dry_run:
        directory.apply(plan, now=utcnow())
        if not plan.is_empty:
            change = audit.Change(audit.Actor.command_line(as_name), "contacts", f"{file.name}: {plan.summary()}")
            audit.record_now(services.catalogue, change)
        services.mark_initialised()  # an imported directory is not replaced by the samples
    if invalid:
        stderr_line(f"skipped {invalid} invalid rows (listed above)")
    if not replace:
        file_ids = set(by_id) | checked.invalid_ids
        kept = [r["id"] for r in directory.rows() if r["id"] not in file_ids]
        if kept:
            stderr_line(f"{len(kept)} contact points on file are not in {file.name}; --replace removes them")
    stderr_line(plan.summary() + (" (dry run: nothing was changed)" if dry_run else ""))


@contacts_group.command("list")
@click.option("--country", help="Code or name, in English, Spanish, French or Portuguese.")
@click.option("--network", help="Network name, e.g. REDTRAM or 'JITs Network'.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_services
def contacts_list(services: Services, country: str | None, network: str | None, as_json: bool) -> None:
    """List contact points, optionally for one country or network."""
    from knowledge.countries import resolve_country

    from .render import contact_lines

    if country and not resolve_country(country):
        raise click.BadParameter(f"'{country}' is not a country code or name I know", param_hint="--country")
    services.ensure_knowledge_base(stderr_line)
    contacts = services.directory.contacts(country=country, network=network)
    if as_json:
        click.echo(json.dumps(contacts, ensure_ascii=False, indent=2))
        return
    if not contacts:
        click.echo("No contact points match." if country or network else
                   "The directory is empty. Import one with: jitbot contacts import FILE")
        return
    for contact in contacts:
        lines = contact_lines(contact)
        lines[0] = f"- [{contact['id']}] {lines[0][2:]}"
        click.echo("\n".join(lines))


@contacts_group.command("export")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file (.xlsx for Excel); default: CSV to stdout.")
@pass_services
def contacts_export(services: Services, output: Path | None) -> None:
    """Write the whole directory as CSV or .xlsx (re-importable as is)."""
    from knowledge.contact_files import write_csv, write_xlsx

    services.ensure_knowledge_base(stderr_line)
    rows = services.directory.rows()
    if output is None:
        write_csv(rows, sys.stdout)
        return
    if output.suffix.lower() == ".xlsx":
        write_xlsx(rows, output)
    else:
        with output.open("w", encoding="utf-8", newline="") as stream:
            write_csv(rows, stream)
    stderr_line(f"exported {len(rows)} contact points to {output}")


@contacts_group.command("find")
@click.argument("query")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@scope_options
@pass_services
def contacts_find(services: Services, query: str, as_json: bool, as_member: int | None,
                  reader_networks: tuple[str, ...]) -> None:
    """The best contact points for a country, network or question ('DE', 'Alemania', ...);
    with --as-member or --network, only those that member or network's members are shown."""
    from .render import contact_lines

    scope = reader_scope(services, as_member, reader_networks)
    services.ensure_knowledge_base(stderr_line)
    found = services.directory.find(query, scope=scope)
    if as_json:
        click.echo(json.dumps({"summary": found.summary, "note": found.note,
                               "contacts": found.contacts}, ensure_ascii=False, indent=2))
        return
    click.echo(found.summary or found.note or "Name a country, a network or a topic.")
    if found.contacts and found.note:
        click.echo(found.note)
    for contact in found.contacts:
        click.echo("\n".join(contact_lines(contact)))
