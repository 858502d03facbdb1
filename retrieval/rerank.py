"""A prior on what kind of passage can answer a question.

Background papers list "issues for discussion" (questions) and footnotes that only point
to a source ("See UNODC, ..., p. 28"). Such passages share many words with a question yet
answer nothing, so they give way to statements of similar relevance. Measured on qa-dev
and the held-out tests/eval/qa-extra.jsonl (see BENCHMARKS.md).
"""

from __future__ import annotations

import re

from .sentences import is_question, split_sentences

QUESTION_LIST_FACTOR = 0.8
BARE_REFERENCE_FACTOR = 0.8

_REFERENCE = re.compile(r"^(see|for more information|ibid|cf\.)|https?://|\bpp?\.\s?\d", re.IGNORECASE)


def answerability(kind: str, text: str) -> float:
    """1.0 for statements; less for question lists and footnotes that only cite a source."""
    factor = 1.0
    sentences = split_sentences(text)
    if sentences and sum(map(is_question, sentences)) * 2 >= len(sentences):
        factor *= QUESTION_LIST_FACTOR
    if kind == "footnote" and _REFERENCE.search(text):
        factor *= BARE_REFERENCE_FACTOR
    return factor
