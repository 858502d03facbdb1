"""The `jitbot` command line: ask questions, manage the knowledge base, evaluate."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .services import Services
from .settings import load_settings


def _stderr(message: str) -> None:
    click.echo(message, err=True)


@click.group()
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


pass_services = click.make_pass_decorator(Services)

#: How `ask` appears in the query log: the person at the server's shell, no user id.
CLI_ASKER = {"role": "operator", "chat_type": "cli", "front_end": "cli"}


@main.command()
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per question.")
@pass_services
def ask(services: Services, question: str, as_json: bool) -> None:
    """Answer a question from the knowledge base ('-' reads one question per stdin line)."""
    from retrieval.answer import QuestionError

    from .render import render_plain

    services.ensure_knowledge_base(_stderr)
    questions = (line for line in sys.stdin) if question == "-" else iter([question])
    failed = False
    for text in questions:
        if question == "-" and not text.strip():
            continue
        try:
            answer = services.answer_service.answer(text)
        except QuestionError as error:
            services.query_log.record(question=text.strip()[:2000], error=str(error), **CLI_ASKER)
            failed = True
            if as_json:
                click.echo(json.dumps({"question": text.strip(), "error": str(error)}, ensure_ascii=False))
            else:
                _stderr(f"Error: {error}")
            continue
        except Exception as error:
            services.query_log.record(question=text.strip()[:2000], error=f"{type(error).__name__}: {error}"[:500], **CLI_ASKER)
            raise
        services.query_log.record_answer(answer, **CLI_ASKER)
        if as_json:
            click.echo(json.dumps(answer.to_json(), ensure_ascii=False))
        else:
            click.echo(render_plain(answer))
    if failed and question != "-":
        sys.exit(1)


# --- knowledge base ---------------------------------------------------------------------
@main.group()
def kb() -> None:
    """Add and list the documents of the knowledge base."""


@kb.command("add")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--title", help="Document title (default: found in the document).")
@click.option("--source-url", help="Where the document was published.")
@click.option("--published", help="Publication date, YYYY-MM-DD.")
@click.option("--language", help="Language code, e.g. en.")
@click.option("--tags", help="Semicolon-separated tags.")
@pass_services
def kb_add(services: Services, paths, title, source_url, published, language, tags) -> None:
    """Add files or folders (txt, md, pdf, docx, html); unchanged files are skipped."""
    from knowledge.ingest import AddResult, expand_paths

    from .progress import indexing_progress

    metadata = {
        k: v
        for k, v in dict(
            source_url=source_url, published=published, language=language, tags=tags
        ).items()
        if v
    }
    files = expand_paths(paths)
    if title and len(files) > 1:
        raise click.UsageError("--title applies to a single file")
    if not files:
        raise click.UsageError("no supported files found")
    kb_ = services.knowledge_base
    results = []
    with indexing_progress() as progress:
        for path in files:
            task = progress.add_task(path.name, total=None)
            try:
                result = kb_.add_file(
                    path,
                    title=title,
                    metadata=metadata,
                    progress=lambda n, task=task: progress.advance(task, n),
                )
            except Exception as error:  # the KB rolled itself back; report and go on
                result = AddResult(path, "failed", reason=f"indexing failed: {error}")
            progress.update(task, visible=False)
            results.append(result)
            (_stderr if result.status == "failed" else click.echo)(result.line())
    counts = {s: sum(r.status == s for r in results) for s in ("added", "updated", "unchanged", "failed")}
    _stderr(", ".join(f"{n} {s}" for s, n in counts.items()))
    if counts["failed"]:
        sys.exit(1)


@kb.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_services
def kb_list(services: Services, as_json: bool) -> None:
    """List the documents being served."""
    services.ensure_knowledge_base(_stderr)
    docs = services.catalogue.documents()
    if as_json:
        click.echo(json.dumps(docs, ensure_ascii=False, indent=2))
        return
    if not docs:
        click.echo("The knowledge base is empty. Add documents with: jitbot kb add PATH")
        return
    for d in docs:
        click.echo(f"{d['id']}  v{d['current_version']}  {d['passages']:>4} passages  {d['title']}")


from .cli_eval import eval_group  # noqa: E402  (registered after the groups above)

main.add_command(eval_group)

from .cli_telegram import groups, invite, serve, users  # noqa: E402

main.add_command(serve)
main.add_command(users)
main.add_command(invite)
main.add_command(groups)

from .cli_contacts import contacts_group  # noqa: E402

main.add_command(contacts_group)

from .cli_admin import admin_group  # noqa: E402
from .cli_logs import logs_group  # noqa: E402

main.add_command(logs_group)
main.add_command(admin_group)
