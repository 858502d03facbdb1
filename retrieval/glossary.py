"""Cross-lingual query expansion with a glossary of the field's terms (es, fr, pt → en).

BM25's English stemmer only understands English, while practitioners often ask in Spanish,
French or Portuguese. Appending the English equivalents of the legal terms a question uses
lets the lexical index match the English corpus too. The glossary (retrieval/data/glossary.csv)
is data a coordinator can extend. Measured with the multilingual default model (issue 11),
it still adds hit@1 0.70 -> 0.77 and hit@5 0.89 -> 0.91 on tests/eval/qa-xling.jsonl.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

GLOSSARY_PATH = Path(__file__).parent / "data" / "glossary.csv"


def fold(text: str) -> str:
    """Lower-case without accents, apostrophes unified: matching ignores both."""
    text = unicodedata.normalize("NFKD", text.replace("’", "'"))
    return "".join(c for c in text if not unicodedata.combining(c)).casefold()


@lru_cache(maxsize=4)
def load_glossary(path: Path = GLOSSARY_PATH) -> list[tuple[re.Pattern, str]]:
    """(pattern matching any foreign variant, English term), longest variants first."""
    entries: list[tuple[str, str]] = []
    with open(path, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            english = row["en"].strip()
            for language, variants in row.items():
                if language == "en" or not variants:
                    continue
                for variant in variants.split("|"):
                    variant = fold(variant.strip())
                    if variant and variant != fold(english):
                        entries.append((variant, english))
    entries.sort(key=lambda e: -len(e[0]))
    return [(re.compile(rf"(?<!\w){re.escape(v)}(?!\w)"), en) for v, en in entries]


def expand_query(question: str, glossary: list[tuple[re.Pattern, str]] | None = None) -> str:
    """The question followed by the English terms of any foreign glossary terms it uses."""
    glossary = load_glossary() if glossary is None else glossary
    folded = fold(question)
    found: list[str] = []
    for pattern, english in glossary:
        if pattern.search(folded):
            folded = pattern.sub(" ", folded)  # a longer phrase wins over its parts
            if english not in found:
                found.append(english)
    return f"{question} ({'; '.join(found)})" if found else question


#: glossary entries that are question words, not terms of the field
QUESTION_WORDS = frozenset(["what is", "why", "how", "when", "where", "who", "which"])


def domain_terms(question: str) -> list[str]:
    """The field's terms (English equivalents) a non-English question uses, question words aside.

    Evidence that a Spanish, French or Portuguese question is on the knowledge base's topic:
    the multilingual model's similarities alone put recipes and tyre changes within reach
    of on-topic questions (see BENCHMARKS.md, issue 11 abstention).
    """
    expanded = expand_query(question)
    if expanded == question:
        return []
    found = expanded[len(question) + 2 : -1].split("; ")
    return [t for t in found if t not in QUESTION_WORDS]
