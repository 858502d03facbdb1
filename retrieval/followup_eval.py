"""Scoring follow-up rewriting on two-turn conversations (tests/eval/followups.jsonl).

Each line: id, previous (the first question), message (the follow-up), `must` (words the
question searched must contain), `must_not` (words of the earlier question it must have
dropped), and `as_written: true` when the message stands alone and must not be rewritten.
"""

from __future__ import annotations

from collections.abc import Callable

from .qa_eval import normalise


def judge(item: dict, searched: str) -> bool:
    text = normalise(searched)
    # A standalone message is searched as typed (a greeting left out is no change of question).
    if item.get("as_written") and normalise(searched).rstrip("?") not in normalise(item["message"]):
        return False
    return (all(normalise(w) in text for w in item.get("must", []))
            and not any(normalise(w) in text for w in item.get("must_not", [])))


def evaluate_followups(items: list[dict], standalone: Callable[[dict], str]) -> dict:
    """Share of conversations whose searched question keeps the new question's subject."""
    misses = []
    for item in items:
        searched = standalone(item)
        if not judge(item, searched):
            misses.append({"id": item.get("id"), "message": item["message"], "searched": searched})
    n = len(items)
    return {"n": n, "kept": round((n - len(misses)) / n, 4) if n else 0.0, "misses": misses}
