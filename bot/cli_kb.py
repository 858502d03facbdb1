"""`jitbot kb`: add, update, remove, list, show, check the knowledge base, and its history."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .cli_support import pass_services, stderr_line
from .services import Services

INTERRUPTED = (
    "Interrupted: the previous versions are still the ones served. The next `jitbot kb` "
    "change, or `jitbot kb check --repair`, cleans up what the interrupted update left."
)



def _waiting() -> None:
    stderr_line("Waiting for another update of the knowledge base to finish…")


def as_option(function):
    return click.option(
        "--as", "as_name", metavar="NAME", help="Who makes this change, for the history (default: your login)."
    )(function)


def metadata_options(function):
    for option in reversed([
        click.option("--title", help="Document title (default: found in the document)."),
        click.option("--source-url", help="Where the document was published."),
        click.option("--published", help="Publication date, YYYY-MM-DD."),
        click.option("--language", help="Language code, e.g. en."),
        click.option("--tags", help="Semicolon-separated tags."),
    ]):
        function = option(function)
    return function


def network_option(function):
    return click.option(
        "--network", "networks", multiple=True, metavar="ID",
        help="A network whose members may read it (repeatable; none: public).",
    )(function)


def checked_networks(services: Services, values) -> frozenset[str] | None:
    """The --network values as registered network ids (None when none were given)."""
    from .networks import NetworkError

    if not values:
        return None
    try:
        return frozenset(services.networks.require(v.strip()).id for v in values)
    except NetworkError as error:
        raise click.BadParameter(str(error), param_hint="--network") from None


def _metadata(**values) -> dict:
    return {k: v for k, v in values.items() if v}


class BarProgress:
    """One file's rich progress bar, driven by KnowledgeBase (knowledge.ingest.Progress)."""

    def __init__(self, bars, name: str):
        self.bars, self.name = bars, name
        self.task = bars.add_task(name, total=None)

    def stage(self, name: str, total: int | None = None) -> None:
        self.bars.update(self.task, description=f"{self.name}: {name}", total=total, completed=0)

    def advance(self, n: int) -> None:
        self.bars.advance(self.task, n)

    def done(self) -> None:
        self.bars.update(self.task, visible=False)


def _ingest(services: Services, files: list[Path], **options) -> None:
    """Add each file (a new version where it replaces one), then print the summary."""
    from knowledge.ingest import AddResult
    from knowledge.storage import StorageError

    from .progress import indexing_progress

    kb = services.knowledge_base
    results = []
    try:
        with indexing_progress() as bars:
            overall = bars.add_task("files", total=len(files)) if len(files) > 1 else None
            for path in files:
                progress = BarProgress(bars, path.name)
                try:
                    result = kb.add_file(path, progress=progress, **options)
                except StorageError as error:  # a full disk: the next files would fail the same way
                    progress.done()
                    stderr_line(str(error))
                    sys.exit(1)
                except Exception as error:  # noqa: BLE001 - the KB rolled itself back; report, go on
                    result = AddResult(path, "failed", reason=f"indexing failed: {error}")
                progress.done()
                if overall is not None:
                    bars.advance(overall)
                results.append(result)
                (stderr_line if result.status == "failed" else click.echo)(result.line())
    except KeyboardInterrupt:
        stderr_line(INTERRUPTED)
        sys.exit(130)
    counts = {s: sum(r.status == s for r in results) for s in ("added", "updated", "unchanged", "failed")}
    if relabelled := sum(r.status == "networks" for r in results):
        counts = {**counts, "given other networks": relabelled}
    stderr_line(", ".join(f"{n} {s}" for s, n in counts.items()))
    if counts["failed"]:
        sys.exit(1)


@click.group("kb")
def kb_group() -> None:
    """Add, update, remove and check the documents of the knowledge base."""


@kb_group.command("add")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@metadata_options
@network_option
@as_option
@pass_services
def kb_add(services: Services, paths, title, source_url, published, language, tags, networks, as_name) -> None:
    """Add files or folders (txt, md, pdf, docx, html); unchanged files are skipped.

    With --network, only members of those networks can read them (else they are public);
    an unchanged file given other networks keeps its version and takes them."""
    from knowledge.audit import Actor
    from knowledge.ingest import expand_paths

    files = expand_paths(paths)
    if title and len(files) > 1:
        raise click.UsageError("--title applies to a single file")
    if not files:
        raise click.UsageError("no supported files found")
    metadata = _metadata(source_url=source_url, published=published, language=language, tags=tags)
    _ingest(services, files, title=title, metadata=metadata, actor=Actor.command_line(as_name),
            networks=checked_networks(services, networks))


@kb_group.command("update")
@click.argument("document_id")
@click.argument("path", type=click.Path(path_type=Path))
@metadata_options
@network_option
@click.option("--public", is_flag=True, help="Make it public (readable by everyone).")
@as_option
@pass_services
def kb_update(services: Services, document_id, path, title, source_url, published, language, tags,
              networks, public, as_name) -> None:
    """Replace DOCUMENT_ID with a new version read from PATH (a new edition).

    It keeps its networks unless --network (repeatable) or --public is given."""
    from knowledge.audit import Actor

    if services.catalogue.document(document_id) is None:
        raise click.ClickException(f"no document with id {document_id} (see: jitbot kb list --all)")
    if public and networks:
        raise click.UsageError("--public and --network exclude each other")
    metadata = _metadata(source_url=source_url, published=published, language=language, tags=tags)
    _ingest(services, [path], title=title, metadata=metadata, document_id=document_id,
            actor=Actor.command_line(as_name),
            networks=frozenset() if public else checked_networks(services, networks))


@kb_group.command("remove")
@click.argument("document_id")
@click.option("-y", "--yes", is_flag=True, help="Do not ask for confirmation.")
@as_option
@pass_services
def kb_remove(services: Services, document_id: str, yes: bool, as_name: str | None) -> None:
    """Stop using a document in answers, at once (its history is kept)."""
    from knowledge.audit import Actor

    doc = services.catalogue.document(document_id)
    if doc is None or doc["current_version"] is None:
        raise click.ClickException(f"no document with id {document_id} (see: jitbot kb list)")
    if doc["status"] == "removed":
        raise click.ClickException(f"{document_id} is already removed")
    if not yes:
        click.confirm(f"Remove «{doc['title']}» ({document_id} v{doc['current_version']}) from answers?", abort=True)
    result = services.knowledge_base.remove(document_id, actor=Actor.command_line(as_name))
    if result.status != "removed":
        raise click.ClickException(f"{document_id}: {result.status}")
    click.echo(f"removed    {result.document_id} v{result.version}  {result.passages} passages  «{result.title}»")


@kb_group.command("samples")
@pass_services
def kb_samples(services: Services) -> None:
    """Load the bundled sample documents and fictional contact points (for trying jitbot)."""
    services.mark_initialised()
    services.load_samples(stderr_line)


@kb_group.command("list")
@click.option("--all", "include_removed", is_flag=True, help="Also list removed documents.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_services
def kb_list(services: Services, include_removed: bool, as_json: bool) -> None:
    """List the documents being served."""
    services.ensure_knowledge_base(stderr_line)
    docs = services.catalogue.documents(include_removed=include_removed)
    restricted = services.catalogue.restricted_documents()
    for d in docs:
        d["networks"] = sorted(restricted.get(d["id"], ()))
    if as_json:
        click.echo(json.dumps(docs, ensure_ascii=False, indent=2))
        return
    if not docs:
        click.echo("The knowledge base is empty. Add documents with: jitbot kb add PATH")
        return
    for d in docs:
        removed = "  (removed)" if d["status"] == "removed" else ""
        networks = ", ".join(d["networks"]) or "public"
        click.echo(f"{d['id']}  v{d['current_version']}  {d['passages']:>4} passages  [{networks}]  "
                   f"{d['title']}{removed}")


@kb_group.command("show")
@click.argument("document_id")
@click.option("--version", "version", type=int, help="Show this version's passages (default: the current one).")
@click.option("--full", is_flag=True, help="Print passages in full.")
@click.option("--outline", is_flag=True, help="Print the recognised structure: headings and passage locators.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_services
def kb_show(services: Services, document_id: str, version: int | None, full: bool, outline: bool, as_json: bool) -> None:
    """A document's metadata, versions and passages."""
    from dataclasses import asdict

    catalogue = services.catalogue
    doc = catalogue.document(document_id)
    if doc is None:
        raise click.ClickException(f"no document with id {document_id} (see: jitbot kb list --all)")
    versions = catalogue.versions(document_id)
    version = version or doc["current_version"]
    if version not in {v["version"] for v in versions}:
        raise click.ClickException(f"{document_id} has no version {version}")
    passages = catalogue.passages_of(document_id, version)
    if outline and not as_json:
        from knowledge.outline import outline as outline_lines
        from knowledge.outline import summary

        pages = next((v["pages"] for v in versions if v["version"] == version), None)
        click.echo(f"{doc['id']} v{version}  «{doc['title']}»: {summary(passages, pages)}")
        for line in outline_lines(passages):
            click.echo(line)
        return
    if as_json:
        click.echo(json.dumps({"document": doc, "versions": versions, "version": version,
                               "networks": sorted(catalogue.document_networks(document_id)),
                               "passages": [{**asdict(p), "networks": sorted(p.networks)} for p in passages]},
                              ensure_ascii=False, indent=2))
        return
    click.echo(f"{doc['id']}  «{doc['title']}»")
    for key in ("status", "current_version", "source", "source_url", "published", "language", "tags",
                "created_at", "updated_at"):
        if doc.get(key) not in (None, ""):
            click.echo(f"  {key:<16}{doc[key]}")
    click.echo(f"  {'networks':<16}{', '.join(sorted(catalogue.document_networks(document_id))) or 'public'}")
    click.echo("Versions:")
    for v in versions:
        pages = f"  {v['pages']} pages" if v["pages"] else ""
        click.echo(f"  v{v['version']:<3} {v['status']:<11} {v['created_at']}  {v['filename']} ({v['format']}{pages})"
                   f"  {v['passage_count']} passages  sha256:{v['content_hash'][:12]}")
    click.echo(f"Passages of v{version}:")
    for p in passages:
        text = p.text if full else (p.text[:100] + "…" if len(p.text) > 100 else p.text)
        section = f" [{p.section[:40]}]" if p.section else ""
        click.echo(f"  {p.locator}{section}: {' '.join(text.split())}")


@kb_group.command("reindex")
@click.argument("document_ids", nargs=-1)
@click.option("--embeddings", "embeddings_only", is_flag=True,
              help="Only re-embed every passage with JITBOT_EMBEDDING_MODEL (no re-chunking).")
@as_option
@pass_services
def kb_reindex(services: Services, document_ids: tuple[str, ...], embeddings_only: bool,
               as_name: str | None) -> None:
    """Re-chunk and re-index documents from their stored originals (default: all).

    Each document's new passages are indexed whole before they are served: until then the
    previous version answers. After a change of JITBOT_EMBEDDING_MODEL (or with
    --embeddings) every passage is re-embedded first, into a new index that replaces the
    old one only when it is complete.
    """
    if embeddings_only or _index_model_differs(services):
        _reembed_everything(services, as_name)
        if embeddings_only:
            return
        services = Services(services.settings)  # reopen the index just switched to
    from knowledge.audit import Actor
    from knowledge.reindex import reindex

    from .progress import indexing_progress

    kb = services.knowledge_base
    bars_made: list[BarProgress] = []
    try:
        with indexing_progress() as bars:

            def progress_for(document_id: str) -> BarProgress:
                for old in bars_made:
                    old.done()
                bars_made.append(BarProgress(bars, document_id))
                return bars_made[-1]

            results = reindex(kb, document_ids or None, progress_for=progress_for,
                              actor=Actor.command_line(as_name))
    except KeyboardInterrupt:
        stderr_line(INTERRUPTED)
        sys.exit(130)
    for result in results:
        (click.echo if result.status == "reindexed" else stderr_line)(result.line())
    done = sum(r.status == "reindexed" for r in results)
    stderr_line(f"{done} reindexed, {len(results) - done} not")
    if done < len(results):
        sys.exit(1)


@kb_group.command("history")
@click.argument("document_id", required=False)
@click.option("-n", "--limit", default=50, show_default=True, help="How many changes, newest first.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_services
def kb_history(services: Services, document_id: str | None, limit: int, as_json: bool) -> None:
    """Who changed the knowledge base, what and when (newest first)."""
    from knowledge import audit

    with services.catalogue.lock:
        rows = audit.history(services.catalogue.db, document_id, limit)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("No changes recorded." if not document_id else f"No changes recorded for {document_id}.")
    for row in rows:
        click.echo(audit.line(row))


@kb_group.command("check")
@click.option("--repair", is_flag=True, help="Mend what does not agree.")
@as_option
@pass_services
def kb_check(services: Services, repair: bool, as_name: str | None) -> None:
    """Check that the catalogue, the vector index and the lexical index agree."""
    from knowledge.audit import Actor

    if not services.is_initialised():
        click.echo("The knowledge base is empty: nothing to check.")
        return
    kb = services.knowledge_base
    found = kb.check(on_wait=_waiting)
    if found.is_clean:
        click.echo(f"OK: the catalogue and both indexes agree ({found.served} passages served).")
        return
    for problem in found.problems():
        click.echo(f"problem: {problem}")
    if not repair:
        stderr_line("Run `jitbot kb check --repair` to mend this.")
        sys.exit(1)
    for line in kb.repair(actor=Actor.command_line(as_name), on_wait=_waiting):
        click.echo(f"repaired: {line}")
    again = kb.check()
    if not again.is_clean:  # should not happen: say so rather than claim success
        for problem in again.problems():
            stderr_line(f"still wrong: {problem}")
        sys.exit(1)
    click.echo(f"OK: the catalogue and both indexes agree now ({again.served} passages served).")


def _index_model_differs(services: Services) -> bool:
    """True when the vectors on disk were written by another model than JITBOT_EMBEDDING_MODEL."""
    from retrieval.dense_index import DenseIndex

    dense = DenseIndex(services.embedder, path=services.data_dir / "chroma",
                       url=services.settings.chroma_url, check_model=False)
    recorded = dense.recorded_model()
    return recorded is not None and (
        (recorded["embedding_model"], recorded["embedding_backend"])
        != (services.embedder.name, services.embedder.backend)
    )


def _reembed_everything(services: Services, as_name: str | None) -> None:
    """Re-embed every passage with JITBOT_EMBEDDING_MODEL (after changing the model).

    The current index keeps answering until the new one is complete.
    """
    from knowledge.audit import Actor, Change, record_now
    from knowledge.write_lock import WriteLock
    from retrieval.dense_index import DenseIndex
    from retrieval.reembed import reembed_all

    from .progress import indexing_progress

    dense = DenseIndex(services.embedder, path=services.data_dir / "chroma",
                       url=services.settings.chroma_url, check_model=False)
    passages = services.catalogue.indexable_passages()
    try:
        with WriteLock(services.data_dir / "kb.lock").hold(on_wait=_waiting), indexing_progress() as bars:
            task = bars.add_task(f"re-embedding with {services.embedder.name}", total=len(passages))
            result = reembed_all(
                dense, [p.id for p in passages], [p.index_text for p in passages],
                [{"document_id": p.document_id, "version": p.version} for p in passages],
                progress=lambda n: bars.advance(task, n),
            )
    except KeyboardInterrupt:
        stderr_line("Interrupted: the previous index is still the one served.")
        sys.exit(130)
    before = (result.before or {}).get("embedding_model", "nothing")
    # A catalogue commit tells a running bot to reload its indexes (knowledge.freshness).
    record_now(services.catalogue, Change(Actor.command_line(as_name), "reindex",
                                          f"embeddings: {before} -> {services.embedder.name}"))
    click.echo(f"Re-embedded {result.passages} passages with {services.embedder.name} "
               f"({result.after.get('embedding_dimension', '?')} dimensions; before: {before}).")
