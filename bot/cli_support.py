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
        from knowledge.storage import StorageError, describe, storage_problem
        from retrieval.dense_index import IndexModelMismatch

        command = self._command_words(ctx)
        try:
            return super().invoke(ctx)
        except IndexModelMismatch as error:
            raise click.ClickException(str(error)) from None
        except StorageError as error:
            raise click.ClickException(str(error)) from None
        except Exception as error:
            # A full disk or a broken data directory (`ask`, `kb check`, `serve` opening the
            # catalogue, Chroma or the query log): one line, not a traceback.
            data_dir = data_dir_of(ctx)
            found = storage_problem(error, data_dir)
            if found is None:
                raise
            kind, detail = found
            raise click.ClickException(describe(
                kind, detail, data_dir, command,
                previous_served=False)) from None


    def _command_words(self, ctx: click.Context) -> str:
        """'jitbot kb check' for the one-line error (the arguments are not yet parsed)."""
        words, group = ["jitbot"], self
        for arg in [*ctx.protected_args, *ctx.args]:
            command = group.get_command(ctx, arg) if isinstance(group, click.Group) else None
            if command is None:
                break
            words.append(arg)
            group = command
        return " ".join(words)


def data_dir_of(ctx: click.Context):
    """The data directory the command was using (Services), else the one it was given."""
    from pathlib import Path

    services = ctx.find_object(Services)
    if services is not None:
        return services.data_dir
    return ctx.params.get("data_dir") or Path("data")
