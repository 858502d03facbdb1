"""What the embedding engine costs per passage, per token, per window setting (issue 11).

    HF_HUB_OFFLINE=1 .venv/bin/python scripts/bench_embed.py                   # 100-page PDF, every passage
    HF_HUB_OFFLINE=1 .venv/bin/python scripts/bench_embed.py --every 4 --windows 900,0 --threads 1
    HF_HUB_OFFLINE=1 .venv/bin/python scripts/bench_embed.py --lengths          # CPU per token by text length

The passages are those `jitbot kb add` makes of the generated PDF of `bench_ingest.py`
(their index text: "section: text"), cut into windows as `DenseIndex.add` cuts them
(`--windows`: characters per window, 0 = the whole passage) and de-duplicated as it
de-duplicates them, then embedded with the configured model's embedder in batches. Only
the embedding is timed: no Chroma, no catalogue. CPU seconds are the whole process's
(every engine thread); `OMP_NUM_THREADS` is set from `--threads` before the engine loads.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))


def pdf_passages(pages: int) -> list[str]:
    import tempfile

    from bench_ingest import book_pages

    from knowledge.chunking import chunk_text
    from knowledge.loaders import load_document
    from tests.unit.test_loaders import make_pdf

    with tempfile.TemporaryDirectory(prefix="jitbot-bench-embed-") as folder:
        pdf = Path(folder) / "compendium.pdf"
        pdf.write_bytes(make_pdf(book_pages(pages), title="Compendium of practice on joint investigations"))
        chunks = chunk_text(load_document(pdf).text)
    return [f"{c.section}: {c.text}" if c.section else c.text for c in chunks]


def timed_embed(embedder, texts: list[str]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    embedder.embed_passages(texts)
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--every", type=int, default=1, help="Keep every n-th passage (a quicker sample).")
    parser.add_argument("--windows", default="900,0", help="Window lengths in characters to try (0: whole passage).")
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--threads", type=int, default=None, help="OMP_NUM_THREADS for the engine.")
    parser.add_argument("--lengths", action="store_true", help="Instead: CPU per token for texts of several lengths.")
    parser.add_argument("--model", default="bundled:multilingual-e5-small")
    args = parser.parse_args()
    if args.threads:
        os.environ["OMP_NUM_THREADS"] = str(args.threads)

    from retrieval.dense_index import windows
    from retrieval.embeddings import make_embedder

    embedder = make_embedder(args.model, batch_size=args.batch)
    embedder.embed_queries(["warm up"])  # loads the model
    count = getattr(getattr(embedder, "_model", None), "token_count", None)
    passages = pdf_passages(args.pages)[:: args.every]
    out: dict = {"model": args.model, "passages": len(passages), "batch": args.batch,
                 "threads": os.environ.get("OMP_NUM_THREADS", "all"), "load_avg_before": os.getloadavg()}
    if args.lengths:
        words = " ".join(passages).split()
        rows = []
        for length in (16, 32, 64, 128, 256, 384, 500):
            texts, start = [], 0
            while len(texts) < max(4, 4096 // length) and start + length * 2 < len(words):
                text = " ".join(words[start : start + length])
                while count and count(text) > length and " " in text:
                    text = text.rsplit(" ", 1)[0]
                texts.append(text)
                start += length
            tokens = sum(count(t) for t in texts) if count else None
            wall, cpu = timed_embed(embedder, texts)
            rows.append({"tokens_per_text": length, "texts": len(texts), "tokens": tokens,
                         "wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
                         "cpu_ms_per_token": round(1000 * cpu / tokens, 3) if tokens else None,
                         "tokens_per_s": round(tokens / wall) if tokens else None})
        out["lengths"] = rows
    else:
        rows = []
        for setting in [int(w) for w in args.windows.split(",")]:
            cut = [w for p in passages for w in (windows(p, setting) if setting else [p])]
            distinct = list(dict.fromkeys(cut))
            tokens = sum(count(t) for t in distinct) if count else None
            wall, cpu = timed_embed(embedder, distinct)
            rows.append({"window_chars": setting or "whole", "vectors": len(cut), "embedded": len(distinct),
                         "tokens": tokens, "wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
                         "cpu_ms_per_token": round(1000 * cpu / tokens, 3) if tokens else None,
                         "tokens_per_s": round(tokens / wall) if tokens else None,
                         "passages_per_s": round(len(passages) / wall, 2)})
        out["windows"] = rows
    out["load_avg_after"] = os.getloadavg()
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
