"""What every `jitbot` command module shares."""

from __future__ import annotations

import click

from .services import Services

#: hands a command the Services that `jitbot` built from the settings
pass_services = click.make_pass_decorator(Services)


def stderr_line(message: str) -> None:
    """A message for the person at the terminal; stdout stays clean for JSON and exports."""
    click.echo(message, err=True)


class JitbotGroup(click.Group):
    """Turns errors a user can fix into one line instead of a traceback."""

    def invoke(self, ctx: click.Context):
        from retrieval.dense_index import IndexModelMismatch

        try:
            return super().invoke(ctx)
        except IndexModelMismatch as error:
            raise click.ClickException(str(error)) from None
