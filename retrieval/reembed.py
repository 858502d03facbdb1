"""Re-embed the whole dense index with the configured model (`jitbot kb reindex`).

The new vectors go into a staging collection beside the served one; only when every
passage has its vector are the two swapped (a rename each), so searches keep using the
old index — and the old model — until the new one is complete. An interrupted run
leaves the served index untouched; the next run starts the staging collection afresh.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .dense_index import DenseIndex, model_record


@dataclass(frozen=True)
class ReembedResult:
    passages: int
    before: dict | None
    after: dict


def reembed_all(
    dense: DenseIndex,
    ids: Sequence[str],
    texts: Sequence[str],
    metadatas: Sequence[dict],
    *,
    progress: Callable[[int], object] | None = None,
) -> ReembedResult:
    """Embed every given passage into a fresh collection, then serve it instead of the old one."""
    before = dense.recorded_model()
    client, name = dense.client, dense.collection_name
    staging_name, retired_name = f"{name}__reembed", f"{name}__retired"
    for leftover in (staging_name, retired_name):
        if leftover in {c if isinstance(c, str) else c.name for c in client.list_collections()}:
            client.delete_collection(leftover)
    staging = dense._open_collection(client, staging_name)
    try:
        dense.add(ids, texts, metadatas, progress=progress, collection=staging)
    except Exception as error:
        # A full disk: say so in one line and touch the failed client no more (knowledge.storage);
        # the served collection was never changed, and the next run drops the staging one.
        from knowledge.storage import as_storage_error

        where = dense.path.parent if dense.path is not None else Path("the Chroma server")
        storage = as_storage_error(error, where, "re-embedding")
        if storage is None:
            raise
        raise storage from error
    if not ids:  # an empty knowledge base still records the model it now expects
        staging.modify(metadata=model_record(dense.embedder, dimension=dense.embedder.dimension))
    old = client.get_collection(name)
    old.modify(name=retired_name)
    staging.modify(name=name)
    client.delete_collection(retired_name)
    dense.collection = dense._open_collection(client)
    return ReembedResult(len(ids), before, dense.recorded_model() or {})
