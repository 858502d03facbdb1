"""Work a cold process can do for its first answer while Chroma is still loading.

A first `jitbot ask` spends ≈ 0.7 s importing chromadb (Python code, holding the GIL) and
≈ 0.8 s embedding the sentences it may quote (the e5 engine, which releases the GIL). Done
one after the other they add up; here the sentences of the passages BM25 ranks first — the
hybrid search's usual top three — are embedded into the answer service's sentence cache
while another thread opens the dense index (`bot.services.Services.prepare_answer`).
Sentences of a passage only the dense side finds are embedded later, as before.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .answer import QUOTED_PASSAGES
from .answer_types import Passage
from .embeddings import VectorCache
from .glossary import expand_query
from .language import looks_english
from .lexical_index import LexicalIndex
from .sentences import quotable_sentences


def embed_likely_sentences(
    question: str,
    lexical: LexicalIndex,
    lookup: Callable[[Sequence[str]], dict[str, Passage]],
    sentence_vectors: VectorCache,
    passages: int = QUOTED_PASSAGES,
) -> int:
    """Embed the quotable sentences of the best BM25 passages; returns how many.

    Nothing is shown or returned to a reader, so the reader's scope does not apply: only the
    cache learns vectors it would have computed anyway for a reader who may see them. A
    question not in English is left alone: BM25 cannot match it to English passages, and
    embedding the wrong passages' sentences made a Spanish first ask slower (BENCHMARKS.md).
    """
    if not looks_english(question):
        return 0
    hits = lexical.search(expand_query(" ".join(question.split())), passages * 2)
    found = lookup([pid for pid, _ in hits])
    texts = [
        sentence
        for pid in [pid for pid, _ in hits if pid in found][:passages]
        for _, sentence in quotable_sentences(found[pid].text)
    ]
    if texts:
        sentence_vectors.embed(texts)
    return len(texts)
