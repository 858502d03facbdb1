"""The `jitbot` command line: ask questions, manage the knowledge base, evaluate."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .cli_scope import reader_scope, scope_options
from .cli_support import JitbotGroup, pass_services, stderr_line
from .services import Services
from .settings import load_settings


@click.group(cls=JitbotGroup)
@click.version_option(package_name="jitbot")
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Knowledge base folder (default: JITBOT_DATA_DIR or ./data).",
)
@click.pass_context
def main(ctx: click.Context, data_dir: Path | None) -> None:
    """jitbot: cited answers on joint investigations for prosecutors' networks."""
    from pydantic import ValidationError

    try:
        ctx.obj = Services(load_settings(data_dir=data_dir))
    except ValidationError as error:  # one line per bad setting, not a traceback
        raise click.ClickException("invalid settings: " + "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'settings'}: {e['msg']}" for e in error.errors()
        )) from None



@main.command()
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per question.")
@click.option("--lang", type=click.Choice(["en", "es", "fr", "pt"]), default=None,
              help="Language of the fixed texts (default: the question's own, detected).")
@scope_options
@pass_services
def ask(services: Services, question: str, as_json: bool, lang: str | None, as_member: int | None,
        reader_networks: tuple[str, ...]) -> None:
    """Answer a question from the knowledge base ('-' reads one question per stdin line).

    Everything is searched, unless --as-member or --network name whose view to answer from."""
    from .answer_texts import question_error_text
    from .ask import CLI_ASKER
    from .i18n import detect_language, translator_for
    from .render import render_plain

    scope = reader_scope(services, as_member, reader_networks)
    services.ensure_knowledge_base(stderr_line)
    if question != "-":
        services.prepare_answer(question)  # a head start for this process's only answer
    questions = (line for line in sys.stdin) if question == "-" else iter([question])
    failed = False
    for text in questions:
        if question == "-" and not text.strip():
            continue
        t = translator_for(lang or detect_language(text))
        result = services.ask.ask(text, CLI_ASKER, scope=scope)
        if result.answer is None:
            failed = True
            if as_json:
                click.echo(json.dumps({"question": text.strip(), "error": result.refusal}, ensure_ascii=False))
            else:
                stderr_line(t.gettext("Error: {error}").format(error=question_error_text(result.refusal, t)))
        elif as_json:
            click.echo(json.dumps(result.answer.to_json(), ensure_ascii=False))
        else:
            click.echo(render_plain(result.answer, t))
    if failed and question != "-":
        sys.exit(1)


from .cli_eval import eval_group

main.add_command(eval_group)

from .cli_telegram import groups, invite, serve, users

main.add_command(serve)
main.add_command(users)
main.add_command(invite)
main.add_command(groups)

from .cli_contacts import contacts_group

main.add_command(contacts_group)

from .cli_admin import admin_group
from .cli_logs import logs_group

main.add_command(logs_group)
main.add_command(admin_group)

from .cli_kb import kb_group

main.add_command(kb_group)

from .cli_networks import networks_group

main.add_command(networks_group)
