"""Precision and recall of the support check on tests/eval/support-cases.jsonl (issue 13).

    python scripts/eval_support.py [--embedder fake|default] [--grid]

Each case is a generated sentence, the passage it cites, and whether that passage supports
it. "Positive" = supported (the sentence is kept). --grid prints the figures for other
thresholds, which is how MIN_LEXICAL and MIN_SIMILARITY in retrieval/support.py were chosen.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from retrieval.support import (
    MIN_LEXICAL,
    MIN_SIMILARITY,
    SupportChecker,
    strip_instructions,
)

CASES = ROOT / "tests" / "eval" / "support-cases.jsonl"


def figures(rows, min_lexical, min_similarity):
    counts = Counter()
    missed = []
    for r in rows:
        keep = not r["problems"] and (r["lexical"] >= min_lexical
                                      or (r["similarity"] is not None and r["similarity"] >= min_similarity))
        counts[(keep, r["supported"])] += 1
        if keep != r["supported"]:
            missed.append(r["id"])
    tp, fp, fn = counts[(True, True)], counts[(True, False)], counts[(False, True)]
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall, tp, fp, fn, counts[(False, False)], missed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--embedder", choices=["default", "none"], default="default")
    parser.add_argument("--grid", action="store_true")
    args = parser.parse_args()
    embedder = None
    if args.embedder == "default":
        from bot.settings import DEFAULT_EMBEDDING_MODEL
        from retrieval.embeddings import make_embedder

        embedder = make_embedder(DEFAULT_EMBEDDING_MODEL)
    checker = SupportChecker(embedder)
    rows = []
    for line in CASES.read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        found = checker.assess(case["sentence"], [case["passage"]])
        similarity = (checker.similarity(case["sentence"], [strip_instructions(case["passage"])])
                      if embedder is not None else None)
        rows.append({"id": case["id"], "kind": case["kind"], "lang": case["lang"],
                     "supported": case["supported"], "problems": found.problems,
                     "lexical": found.lexical, "similarity": similarity})
    p, r, tp, fp, fn, tn, missed = figures(rows, MIN_LEXICAL, MIN_SIMILARITY)
    print(f"cases={len(rows)} supported={sum(x['supported'] for x in rows)} embedder={args.embedder}")
    print(f"min_lexical={MIN_LEXICAL} min_similarity={MIN_SIMILARITY}: precision={p:.3f} recall={r:.3f} "
          f"kept_supported={tp} kept_unsupported={fp} dropped_supported={fn} dropped_unsupported={tn}")
    for case_id in missed:
        row = next(x for x in rows if x["id"] == case_id)
        print(f"  wrong: {case_id} {row['kind']} {row['lang']} supported={row['supported']} "
              f"lexical={row['lexical']:.2f} similarity={row['similarity'] or 0:.3f} {row['problems']}")
    by_kind = Counter((x["kind"], x["supported"]) for x in rows)
    print("kinds:", dict(by_kind))
    if args.grid and embedder is not None:
        for lexical in (0.5, 0.6, 0.7, 0.8):
            for similarity in (0.84, 0.85, 0.86, 0.87, 0.88, 0.89, 0.90):
                p, r, *_ = figures(rows, lexical, similarity)
                print(f"  grid lexical={lexical} similarity={similarity}: precision={p:.3f} recall={r:.3f}")


if __name__ == "__main__":
    main()
