"""Checking a generated answer's citations before anyone sees it.

A generated sentence is kept only if it cites at least one passage and every passage it
cites was actually given to the model. The rest is removed; when less than half of the
answer survives (or nothing does), the caller falls back to the extractive answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from .support import Support

#: (sentence without markers, passage numbers it cites) -> how well those passages support it
SupportFn = Callable[[str, tuple[int, ...]], "Support"]

from .sentences import _ABBREVIATIONS

#: What the grounded-answer prompt tells the model to reply when the passages do not answer.
NOT_IN_PASSAGES = "NOT_IN_PASSAGES"

Verdict = Literal["kept", "trimmed", "fallback", "not_answered"]

# [1]  [1, 2]  [1;2]  [1-3]  [passage 2]  [Passages 1 and 3]
_MARKER = re.compile(
    r"\[\s*(?i:passages?\s*)?(\d{1,3}(?:\s*(?:,|;|-|–|(?i:and))\s*\d{1,3})*)\s*\]"
)
_MARKERS = rf"(?:\s*{_MARKER.pattern})*"
# A sentence ends at . ! ? (closing quotes/brackets, footnote numbers and citation markers
# may follow), or after citation markers followed by a capitalised word ("[1] The next").
# When in doubt, split: a wrongly split sentence loses its citation and is removed, whereas
# a wrongly merged one would let an uncited claim ride along with a cited one.
_BOUNDARY = re.compile(
    rf"(?P<punct>[.!?…])[\"”’»)¹²³⁴⁵⁶⁷⁸⁹⁰]*(?P<marks>{_MARKERS})(?=\s+\S)"
    r"|(?<=\])(?=\s+[A-ZÀ-ÖØ-Þ¿¡])"
)
#: abbreviations that never end a sentence, even before a capital ("Dr. Rossi", "e.g. Italy")
_NEVER_LAST = {"mr", "mrs", "ms", "dr", "prof", "st", "e.g", "i.e", "cf", "vs", "viz"}
_BULLET = re.compile(r"^\s*(?:[-*•·]|\d{1,2}[.)])\s+")


@dataclass(frozen=True)
class CheckedSentence:
    text: str  # without its citation markers
    cited: tuple[int, ...]
    valid: bool
    #: as written, markers kept in place but spelt [n]; plain text + markers when empty
    shown: str = ""
    #: why it was removed: "no citation", "unknown passage", or what support found missing
    reason: str = ""

    def render(self) -> str:
        return self.shown or " ".join([self.text, *(f"[{n}]" for n in self.cited)])


@dataclass(frozen=True)
class CitationCheck:
    sentences: tuple[CheckedSentence, ...]
    says_not_answered: bool
    min_share: float = 0.5

    @property
    def total(self) -> int:
        return len(self.sentences)

    @property
    def kept(self) -> list[CheckedSentence]:
        return [s for s in self.sentences if s.valid]

    @property
    def removed(self) -> int:
        return self.total - len(self.kept)

    @property
    def unsupported(self) -> int:
        """Removed although their citations were valid: the cited passage does not support them."""
        return sum(1 for s in self.sentences if not s.valid and s.reason not in ("no citation", "unknown passage"))

    @property
    def validity(self) -> float:
        """Share of sentences with a valid citation (1.0 for an empty answer: nothing wrong)."""
        return len(self.kept) / self.total if self.total else 1.0

    @property
    def verdict(self) -> Verdict:
        if self.says_not_answered:
            return "not_answered"
        kept = len(self.kept)
        if kept == 0 or kept < self.min_share * self.total:
            return "fallback"
        return "kept" if kept == self.total else "trimmed"

    def text(self) -> str:
        """The kept sentences, each followed by its citations, as one paragraph."""
        return " ".join(s.render() for s in self.kept)


def parse_marker(numbers: str) -> tuple[int, ...]:
    """'1, 2' -> (1, 2); '1-3' -> (1, 2, 3)."""
    cited: list[int] = []
    for part in re.split(r"\s*(?:,|;|and)\s*", numbers, flags=re.IGNORECASE):
        bounds = [int(n) for n in re.split(r"\s*[-–]\s*", part) if n]
        if len(bounds) == 2 and 0 <= bounds[1] - bounds[0] < 20:
            cited.extend(range(bounds[0], bounds[1] + 1))
        else:
            cited.extend(bounds)
    return tuple(dict.fromkeys(cited))


def split_generated(text: str) -> list[tuple[str, tuple[int, ...], str]]:
    """Sentences of a generated answer: (text without markers, numbers cited, text shown)."""
    pieces: list[tuple[str, tuple[int, ...], str]] = []
    for line in text.splitlines():
        line = _BULLET.sub("", line).strip()
        start = 0
        for match in _BOUNDARY.finditer(line):
            if (match["punct"] == "." and not match["marks"]
                    and _is_abbreviation(line[start:match.start()], line[match.end():].lstrip()[:1])):
                continue
            _add(pieces, line[start:match.end()])
            start = match.end()
        _add(pieces, line[start:])
    return pieces


def check_citations(
    text: str, available: Collection[int], *, min_share: float = 0.5,
    support: SupportFn | None = None,
) -> CitationCheck:
    """Which sentences of `text` cite only passages in `available` (and at least one), and,
    with `support`, are supported by the passages they cite."""
    available = set(available)
    stripped = text.strip().strip("*_`\"'.").strip()
    says_not = stripped.upper().startswith(NOT_IN_PASSAGES)
    sentences = tuple(
        _checked(body, cited, shown, available, support)
        for body, cited, shown in split_generated(text)
        if NOT_IN_PASSAGES not in body.upper()
    )
    # "NOT_IN_PASSAGES" anywhere, with nothing citable beside it, is also a refusal.
    if NOT_IN_PASSAGES in text.upper() and not any(s.valid for s in sentences):
        says_not = True
    return CitationCheck(sentences, says_not, min_share)


def complete_sentences(
    text: str, available: Collection[int], support: SupportFn | None = None
) -> str:
    """While streaming: the checked text of the sentences already finished (never the last)."""
    pieces = split_generated(text)[:-1]
    available = set(available)
    checked = (_checked(body, cited, shown, available, support)
               for body, cited, shown in pieces if NOT_IN_PASSAGES not in body.upper())
    return " ".join(s.render() for s in checked if s.valid)


def _checked(body: str, cited: tuple[int, ...], shown: str, available: set[int],
             support: SupportFn | None) -> CheckedSentence:
    if not cited:
        return CheckedSentence(body, cited, False, shown, "no citation")
    if not all(n in available for n in cited):
        return CheckedSentence(body, cited, False, shown, "unknown passage")
    if support is not None:
        found = support(body, cited)
        if not found.supported:
            return CheckedSentence(body, cited, False, shown, found.reason)
    return CheckedSentence(body, cited, True, shown)


# --- helpers ------------------------------------------------------------------------------
def _is_abbreviation(before: str, next_char: str) -> bool:
    """"art. 19", "e.g. the", "Dr. Rossi", "J. Smith" - but not "article 5. They ..."."""
    last_word = before.rsplit(None, 1)[-1].lower() if before.strip() else ""
    if last_word in _NEVER_LAST or (len(last_word) == 1 and last_word.isalpha()):
        return True
    return last_word in _ABBREVIATIONS and (next_char.isdigit() or next_char.islower())


def _add(pieces: list[tuple[str, tuple[int, ...], str]], raw: str) -> None:
    cited: list[int] = []
    for match in _MARKER.finditer(raw):
        cited.extend(parse_marker(match[1]))
    cited_t = tuple(dict.fromkeys(cited))
    body = _tidy(_MARKER.sub("", raw))
    shown = _tidy(
        _MARKER.sub(lambda m: "".join(f"[{n}]" for n in parse_marker(m[1])), raw)
    )
    if not re.search(r"\w", body):
        # Markers on their own ("[2]" on a line of its own) belong to the sentence before.
        if pieces and cited_t:
            prev_body, prev_cited, prev_shown = pieces[-1]
            added = "".join(f"[{n}]" for n in cited_t)
            pieces[-1] = (prev_body, tuple(dict.fromkeys(prev_cited + cited_t)), f"{prev_shown} {added}")
        return
    pieces.append((body, cited_t, shown))


def _tidy(text: str) -> str:
    return re.sub(r"\s+([.,;:!?…])", r"\1", re.sub(r"\s+", " ", text)).strip()
