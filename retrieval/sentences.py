"""Sentence splitting tuned for legal and policy prose (abbreviations, citations, lists)."""

from __future__ import annotations

import re

# Abbreviations that end with a period but do not end a sentence.
_ABBREVIATIONS = {
    "e.g", "i.e", "etc", "cf", "vs", "no", "nos", "para", "paras", "art", "arts", "p", "pp",
    "vol", "ed", "eds", "ibid", "op", "cit", "sect", "sec", "ch", "fig", "mr", "mrs", "ms",
    "dr", "prof", "st", "u.s", "u.k", "e.u", "approx", "incl", "al", "jr", "sr",
}
_BOUNDARY = re.compile(r"(?<=[.!?;])[\"”’)]?\s+(?=[\"“‘(]?[A-Z0-9ÁÉÍÓÚÀÈÌÒÙÂÊÎÔÛÄËÏÖÜÇÑ¿¡(\-•])")


def split_sentences(text: str) -> list[str]:
    """Split at sentence ends, keeping abbreviations and "(a)"-style list markers intact."""
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        return []
    pieces: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        candidate = text[start : match.start()].rstrip()
        last_word = candidate.rsplit(" ", 1)[-1].rstrip(".").lower()
        if candidate.endswith(".") and (last_word in _ABBREVIATIONS or len(last_word) == 1):
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


def is_question(sentence: str) -> bool:
    """Ends with a question mark (closing quotes aside)."""
    return sentence.rstrip(" ”\"'").endswith("?")
