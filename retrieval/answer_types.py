"""What an answer is: the types shared by the answer service, the generator, follow-ups,
evaluation and every front end (so that none of them imports another to get them).

An answer has one of three outcomes for the question's legal part:

- ``answered``: quoted sentences state what the question asks;
- ``related_only``: the closest passages are on the topic but do not state what the question
  pins down (a country, instrument, year, or the penalty / deadline / name asked for); they
  are quoted as related passages and the answer counts as abstained;
- ``not_found``: nothing close enough to quote.

and ``contacts`` when the question only asked for contact points.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:
    from .citation_check import CitationCheck

Outcome = Literal["answered", "related_only", "not_found", "contacts"]
#: outcomes in which the knowledge base did not answer the question (the "unanswered" views)
UNANSWERED: tuple[str, ...] = ("related_only", "not_found")


class QuestionError(ValueError):
    """A question that cannot be answered as asked (empty, too long)."""


class Passage(Protocol):
    id: str
    kind: str
    document_id: str
    version: int
    title: str
    locator: str
    section: str
    text: str

    @property
    def index_text(self) -> str: ...


@dataclass
class Citation:
    rank: int
    document_id: str
    title: str
    locator: str
    text: str
    score: float
    passage_id: str = ""
    version: int = 0
    section: str = ""

    def label(self) -> str:
        """Title + locator; the version once a document has had more than one ("(v2)"), so a
        reader can tell editions apart."""
        edition = f" (v{self.version})" if self.version > 1 else ""
        return f"{self.title}{edition}, {self.locator}"


@dataclass(frozen=True)
class GenerationTrace:
    """What happened when the model was asked, for the note shown and for evaluation."""

    outcome: str  # kept | trimmed | fallback | not_answered | error
    raw_text: str = ""
    check: CitationCheck | None = None
    error: str = ""


class TextGenerator(Protocol):
    """The one interface jitbot needs from a language model."""

    #: recorded with each answer, e.g. "openai:qwen2.5-7b-instruct"
    name: str

    def complete(self, system: str, user: str) -> str: ...

    def stream(self, system: str, user: str) -> Iterator[str]:
        """The reply in pieces, as they arrive."""
        ...


@dataclass
class Answer:
    question: str
    answer: str
    abstained: bool
    citations: list[Citation] = field(default_factory=list)
    contacts: list[dict] = field(default_factory=list)
    #: the quoted sentences with the rank of the citation each one comes from
    sentences: list[tuple[str, int]] = field(default_factory=list)
    contacts_note: str = ""
    #: what the contact directory found, structured (knowledge.contact_query.ContactLookup),
    #: so that front ends can word its summary and notes in the reader's language
    contact_lookup: object | None = None
    latency_ms: float = 0.0
    #: answered | related_only | not_found | contacts (see the module docstring)
    outcome: Outcome = "answered"
    #: for related_only: what the passages do not state, in the question's words
    gaps: list[str] = field(default_factory=list)
    # --- set only when a language model was asked (retrieval/generation.py) ---
    #: who wrote the answer text: "openai:<model>", "ollama:<model>", or "extractive" (fallback)
    generator: str = ""
    #: the prompt file used, e.g. "grounded_answer.v1"
    prompt: str = ""
    #: why the answer is not what the model wrote (fallback, sentences removed)
    note: str = ""
    #: the chat message as typed, when it was rewritten into `question` (a follow-up)
    original_question: str = ""
    generation: GenerationTrace | None = None

    @property
    def unanswered(self) -> bool:
        """The knowledge base did not answer the legal question (related passages at most)."""
        return self.outcome in UNANSWERED

    def to_json(self) -> dict:
        data = {
            "question": self.question,
            "answer": self.answer,
            "abstained": self.abstained,
            "outcome": self.outcome,
            "citations": [
                {k: v for k, v in asdict(c).items() if k in _CITATION_FIELDS}
                for c in self.citations
            ],
            "contacts": self.contacts,
        }
        if self.gaps:
            data["gaps"] = self.gaps
        if self.generator:
            data.update(generator=self.generator, prompt=self.prompt, note=self.note)
        if self.original_question:
            data["original_question"] = self.original_question
        return data


_CITATION_FIELDS = ("rank", "document_id", "title", "locator", "text", "score")
