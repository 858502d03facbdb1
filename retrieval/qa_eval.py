"""Scoring the answer service on a question file (the format of qa-dev.jsonl).

Each line: id, kind, question, and what a right answer shows:

- passage | xling: `expect`, strings a correct cited passage contains (hit@1, hit@5) and
  the answer text itself should state (answer_text: any of them in the answer);
- list: `must`, strings that must ALL be in the answer text (list_whole), and optionally
  `expect` as above;
- contact: `expect_contact`, directory ids (contact@3);
- out_of_scope: off-topic, must be refused (abstained);
- unanswerable: on-topic but not answered by the knowledge base; refused or answered
  "related only" (abstained) is right.

Any kind but out_of_scope and unanswerable counts a refusal as a false abstention.
"""

from __future__ import annotations

import json
import re
import statistics
from collections.abc import Callable, Iterable
from pathlib import Path

from .answer_types import Answer
from .citation_check import check_citations


def normalise(text: str) -> str:
    """Whitespace collapsed, case-folded, '*' removed: how expect strings are matched."""
    return re.sub(r"\s+", " ", text.replace("*", "")).strip().casefold()


def read_questions(path: Path) -> list[dict]:
    items = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            raise ValueError(f"{path}:{number}: not JSON ({error.msg})") from None
        if "question" not in item or "kind" not in item:
            raise ValueError(f"{path}:{number}: needs 'question' and 'kind'")
        items.append(item)
    return items


#: kinds whose questions the knowledge base cannot answer: abstaining is right
NOT_ANSWERABLE = ("out_of_scope", "unanswerable")


def states(answer: Answer, expect: Iterable[str]) -> bool:
    """The answer text itself (not only a cited passage) contains one of `expect`."""
    text = normalise(answer.answer)
    return any(normalise(e) in text for e in expect)


def first_hit_rank(answer: Answer, expect: Iterable[str]) -> int | None:
    wanted = [normalise(e) for e in expect]
    for citation in answer.citations:
        text = normalise(citation.text)
        if any(w in text for w in wanted):
            return citation.rank
    return None


def evaluate_qa(items: list[dict], answer: Callable[[str], Answer]) -> dict:
    """hit@1/hit@5 per passage kind, contact@3, abstention on out-of-scope, false abstentions."""
    kinds: dict[str, dict] = {}
    misses: list[dict] = []
    cited_lengths: list[int] = []
    false_abstentions = 0
    answers: list[Answer] = []
    for item in items:
        result = answer(item["question"])
        answers.append(result)
        kind = item["kind"]
        bucket = kinds.setdefault(kind, {"n": 0})
        bucket["n"] += 1
        if kind not in NOT_ANSWERABLE and result.abstained:
            false_abstentions += 1
            misses.append({"id": item.get("id"), "kind": kind, "false_abstention": result.outcome,
                           "gaps": result.gaps})
        cited_lengths.extend(len(c.text) for c in result.citations)
        if "expect" in item:
            rank = first_hit_rank(result, item["expect"])
            bucket["hit@1"] = bucket.get("hit@1", 0) + (rank == 1)
            bucket["hit@5"] = bucket.get("hit@5", 0) + (rank is not None and rank <= 5)
            stated = states(result, item["expect"])
            bucket["answer_text"] = bucket.get("answer_text", 0) + stated
            if rank != 1 or not stated:
                misses.append({"id": item.get("id"), "kind": kind, "rank": rank,
                               "abstained": result.abstained, "answer_text": stated})
        if "must" in item:
            missing = [m for m in item["must"] if normalise(m) not in normalise(result.answer)]
            bucket["list_whole"] = bucket.get("list_whole", 0) + (not missing)
            if missing:
                misses.append({"id": item.get("id"), "kind": kind, "missing": missing})
        if "expect_contact" in item:
            top = [c.get("id") for c in result.contacts[:3]]
            ok = any(cid in top for cid in item["expect_contact"])
            bucket["contact@3"] = bucket.get("contact@3", 0) + ok
            if not ok:
                misses.append({"id": item.get("id"), "kind": kind, "got": top})
        if kind in NOT_ANSWERABLE:
            bucket["abstained"] = bucket.get("abstained", 0) + result.abstained
            bucket["related_only"] = bucket.get("related_only", 0) + (result.outcome == "related_only")
            if not result.abstained:
                misses.append({"id": item.get("id"), "kind": kind, "abstained": False,
                               "question": item["question"], "answer": result.answer[:160]})
    report: dict = {}
    for kind, bucket in kinds.items():
        n = bucket.pop("n")
        report[kind] = {"n": n, **{k: round(v / n, 4) for k, v in bucket.items()}}
    in_scope = sum(r["n"] for k, r in report.items() if k not in NOT_ANSWERABLE)
    report["false_abstentions"] = false_abstentions
    report["false_abstention_rate"] = round(false_abstentions / in_scope, 4) if in_scope else 0.0
    report["median_cited_chars"] = int(statistics.median(cited_lengths)) if cited_lengths else 0
    report["misses"] = misses
    generation = generation_figures(answers)
    if generation:
        report["generation"] = generation
    return report


def generation_figures(answers: list[Answer]) -> dict:
    """How the language model did, for answers where it was asked (empty if it never was).

    citation_validity: share of the model's sentences that cite only passages it was given
    (measured before the check removes the others). delivered_validity: the same share in
    the delivered answers that quote passages, generated or fallen back (the check should
    make it 1.0).
    """
    asked = [a for a in answers if a.generation is not None]
    if not asked:
        return {}
    checks = [a.generation.check for a in asked if a.generation.check is not None]
    checks = [c for c in checks if not c.says_not_answered]
    total = sum(c.total for c in checks)
    valid = sum(len(c.kept) for c in checks)
    delivered = [
        check_citations(a.answer, {c.rank for c in a.citations})
        for a in answers if a.citations  # contact-only answers quote no passage
    ]
    delivered_total = sum(c.total for c in delivered)
    outcomes = [a.generation.outcome for a in asked]
    return {
        "asked": len(asked),
        "citation_validity": round(valid / total, 4) if total else 0.0,
        "sentences": total,
        "delivered_validity": round(
            sum(len(c.kept) for c in delivered) / delivered_total, 4
        ) if delivered_total else 0.0,
        **{o: outcomes.count(o) for o in ("kept", "trimmed", "fallback", "not_answered", "error")},
    }
