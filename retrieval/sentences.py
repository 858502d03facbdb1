"""Sentence splitting tuned for legal and policy prose (abbreviations, citations, lists)."""

from __future__ import annotations

import re

# Abbreviations that end with a period but do not end a sentence.
_ABBREVIATIONS = {
    "e.g", "i.e", "etc", "cf", "vs", "no", "nos", "para", "paras", "art", "arts", "p", "pp",
    "vol", "ed", "eds", "ibid", "op", "cit", "sect", "sec", "ch", "fig", "mr", "mrs", "ms",
    "dr", "prof", "st", "u.s", "u.k", "e.u", "approx", "incl", "al", "jr", "sr",
}
#: footnote markers printed after a sentence's full stop ("… is formed.¹⁰ Once …")
_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_BOUNDARY = re.compile(
    rf"(?<=[.!?;{_SUPERSCRIPTS}])[\"”’)]?\s+(?=[\"“‘(]?[A-Z0-9ÁÉÍÓÚÀÈÌÒÙÂÊÎÔÛÄËÏÖÜÇÑ¿¡(\-•])"
)
_ENDS_SENTENCE = re.compile(r"[.!?;][\"”’)]?$")


def split_sentences(text: str) -> list[str]:
    """Split at sentence ends, keeping abbreviations and "(a)"-style list markers intact."""
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        return []
    pieces: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        candidate = text[start : match.start()].rstrip()
        core = candidate.rstrip(_SUPERSCRIPTS)
        if core != candidate and not _ENDS_SENTENCE.search(core):
            continue  # a footnote marker inside a sentence ("the model,¹⁰ whereby …")
        last_word = core.rsplit(" ", 1)[-1].rstrip(".").lower()
        if core.endswith(".") and (last_word in _ABBREVIATIONS or len(last_word) == 1):
            continue
        if candidate:
            pieces.append(candidate)
        start = match.end()
    tail = text[start:].strip()
    if tail:
        pieces.append(tail)
    # A semicolon-separated list item is only a sentence of its own if it is long enough.
    merged: list[str] = []
    for piece in pieces:
        if merged and (len(piece) < 30 or merged[-1].endswith(";") and len(merged[-1]) < 60):
            merged[-1] = f"{merged[-1]} {piece}"
        else:
            merged.append(piece)
    return merged


def quotable_sentences(text: str) -> list[tuple[int, str]]:
    """(position, sentence) of the sentences an answer may quote: statements long enough to
    say something (a question from the corpus answers nothing)."""
    return [(position, sentence) for position, sentence in enumerate(split_sentences(text))
            if len(sentence) >= 20 and not is_question(sentence)]


def is_question(sentence: str) -> bool:
    """Ends with a question mark (closing quotes aside)."""
    return sentence.rstrip(" ”\"'").endswith("?")
