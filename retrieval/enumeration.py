"""Finishing enumerations: "two models … The first …" is not an answer until the second is quoted.

A passage that announces a count ("identified two models", "three stages") and describes
only the first items continues in the next passages of the same document ("The second model
is …"). A passage that ends by opening a list ("the following:", "may be identified:")
continues with the list's items. Both are followed, passage by passage in document order,
until every announced item is found (or a few passages have been read).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .answer_types import Citation, Passage
from .sentences import split_sentences

#: how many following passages are read to finish an enumeration
MAX_FOLLOW = 4

_COUNTS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "both": 2,
    "dos": 2, "tres": 3, "deux": 2, "trois": 3, "duas": 2, "dois": 2, "três": 3,
}
_ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth"]
_ITEMS = (
    r"models?|types?|typologies|sub-typologies|kinds?|forms?|categories|stages|phases|ways|"
    r"approaches|options|elements|steps|levels|purposes|pillars|components|modalities|"
    r"mechanisms|principles|obstacles|challenges|groups|methods|pillars"
)
_ANNOUNCED = re.compile(
    rf"\b(two|three|four|five|six|both|\d)\s+(?:[\w-]+\s+){{0,2}}?({_ITEMS})\b", re.IGNORECASE
)
_OPENS_LIST = re.compile(r"(following|include|includes|including|identified|as follows)\s*:\s*$|:\s*$",
                         re.IGNORECASE)

#: a question that asks for every item of something
_LIST_QUESTION = re.compile(
    rf"\b(two|three|four|five|six|both|\d)\s+(?:[\w-]+\s+){{0,2}}?({_ITEMS}|\w+s)\b"
    rf"|^\W*(what|which) (are the )?(\w+ ){{0,2}}({_ITEMS})\b"
    r"|^\W*which (countries|states|instruments|programmes|programs|organizations|organisations"
    r"|networks|meetings|years|agreements|conventions)\b"
    r"|^\W*(list|name|enumerate)\b|\bwhat (types|kinds|forms) of\b",
    re.IGNORECASE,
)


def asks_for_list(question: str) -> bool:
    return bool(_LIST_QUESTION.search(question))


def announced_count(text: str) -> int:
    """How many items a passage announces ("identified two models" -> 2), 0 if none."""
    match = _ANNOUNCED.search(text)
    if not match:
        return 0
    word = match[1].lower()
    return int(word) if word.isdigit() else _COUNTS.get(word, 0)


def ordinals_named(text: str) -> set[int]:
    """Which ordinal items a text introduces: "The first model …" -> {1}."""
    found = set()
    for i, word in enumerate(_ORDINALS, start=1):
        if re.search(rf"\b(the|a)\s+{word}\b|\b{word}(ly)?,", text, re.IGNORECASE):
            found.add(i)
    return found


@dataclass(frozen=True)
class Continuation:
    """A passage to add to the answer, and the sentence of it that carries the next item."""

    passage_id: str
    sentence: str
    #: an earlier item ("The first model …" before the "second" that was found): quoted before
    before: bool = False


def next_passage_ids(passage_id: str, count: int = MAX_FOLLOW) -> list[str]:
    """The ids of the passages after `passage_id` in its document ("doc@v1#16" -> "#17", …)."""
    head, _, ordinal = passage_id.rpartition("#")
    if not head or not ordinal.isdigit():
        return []
    return [f"{head}#{int(ordinal) + i}" for i in range(1, count + 1)]


def previous_passage_ids(passage_id: str, count: int = MAX_FOLLOW) -> list[str]:
    head, _, ordinal = passage_id.rpartition("#")
    if not head or not ordinal.isdigit():
        return []
    return [f"{head}#{int(ordinal) - i}" for i in range(1, count + 1) if int(ordinal) - i >= 0]


def earlier_items(question: str, passage, lookup: Callable[[Sequence[str]], dict]) -> list[Continuation]:
    """For a list question whose best passage starts at "The second …": the earlier items."""
    named = ordinals_named(passage.text)
    if not named or min(named) == 1 or not asks_for_list(question):
        return []
    missing = set(range(1, min(named)))
    ids = previous_passage_ids(passage.id)
    found = lookup(ids)
    items: list[Continuation] = []
    for pid in ids:
        earlier = found.get(pid)
        if earlier is None or earlier.kind == "footnote":
            continue
        if passage.section and earlier.section and earlier.section != passage.section:
            break
        sentences = split_sentences(earlier.text)
        hits = [s for s in sentences if ordinals_named(s) & missing]
        if hits:
            items.insert(0, Continuation(pid, hits[0], before=True))
            missing -= ordinals_named(hits[0])
            if not missing:
                break
    return items


def follow_enumeration(question: str, passage, lookup: Callable[[Sequence[str]], dict]) -> list[Continuation]:
    """The passages (and their item sentences) that finish the enumeration `passage` starts.

    `passage` has id, kind, section and text (a catalogue passage). Empty when it announces
    nothing left unfinished. Footnotes between paragraphs are skipped; reading stops at the
    first passage that carries no further item.
    """
    text = passage.text
    before = earlier_items(question, passage, lookup)
    wanted = announced_count(text)
    named = ordinals_named(text)
    is_list = asks_for_list(question)
    if wanted:
        missing = set(range(1, wanted + 1)) - named
        if not missing or not named:  # all there, or a count without "the first …"
            return before
    elif is_list and (_OPENS_LIST.search(text.strip()) or passage.kind == "item"):
        missing = set()  # a list opened with ":", or one of its items: read on, item by item
    else:
        return before
    ids = next_passage_ids(passage.id)
    found = lookup(ids)
    continuations: list[Continuation] = []
    for pid in ids:
        following = found.get(pid)
        if following is None or following.kind == "footnote":
            continue
        sentences = split_sentences(following.text)
        if not sentences:
            continue
        if missing:
            if passage.section and following.section and following.section != passage.section:
                break  # another heading: the enumeration did not continue there
            items = ordinals_named(following.text) & missing
            if not items:
                continue  # a note or reference between the items
            sentence = next((s for s in sentences if ordinals_named(s) & missing), sentences[0])
            missing -= items
            continuations.append(Continuation(pid, sentence))
            if not missing:
                break
        else:
            if following.kind != "item" or (passage.kind == "item" and following.section != passage.section):
                break
            continuations.append(Continuation(pid, sentences[0]))
            if len(continuations) >= MAX_FOLLOW - 1:
                break
    return before + continuations


def complete_enumerations(
    question: str, sentences: list[tuple[str, int]], citations: list[Citation],
    lookup: Callable[[Sequence[str]], dict[str, Passage]],
) -> list[tuple[str, int]]:
    """Quote the rest of a list the quoted passages start ("The second model is …")."""
    origins = sorted({rank for _, rank in sentences})[:2]
    by_rank = {c.rank: c for c in citations}
    result = list(sentences)
    if asks_for_list(question):
        # A close passage that announces the list ("identified two models … The first …")
        # is where the answer starts, even if its sentences were not the closest.
        for c in citations[:3]:
            if c.rank not in origins and announced_count(c.text):
                result.extend((s, c.rank) for s in split_sentences(c.text)
                              if announced_count(s) or ordinals_named(s))
                origins.append(c.rank)
    for rank in origins:
        origin = lookup([by_rank[rank].passage_id]).get(by_rank[rank].passage_id)
        if origin is None:
            continue
        continuations = follow_enumeration(question, origin, lookup)
        if not continuations:
            continue
        added: list[tuple[str, int]] = []
        earlier: list[tuple[str, int]] = []
        for item in continuations:
            cited = next((c for c in citations if c.passage_id == item.passage_id), None)
            if cited is None:
                p = lookup([item.passage_id])[item.passage_id]
                cited = Citation(
                    rank=len(citations) + 1, document_id=p.document_id, title=p.title,
                    locator=p.locator, text=p.text, score=0.0, passage_id=p.id,
                    version=p.version, section=p.section,
                )
                citations.append(cited)
            if all(text != item.sentence for text, _ in result + added + earlier):
                (earlier if item.before else added).append((item.sentence, cited.rank))
        # The items follow (or precede) the sentences of the passage that announced them.
        last = max(i for i, (_, r) in enumerate(result) if r == rank)
        result[last + 1 : last + 1] = added
        first = min(i for i, (_, r) in enumerate(result) if r == rank)
        result[first:first] = earlier
    return result
