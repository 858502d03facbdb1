"""The core "answer a question" service, shared by the bot, the CLI and the evaluation.

An extractive answer is a few sentences quoted from the best passages, each followed by
its citation number. When nothing in the knowledge base is close enough, the answer
says so (`abstained`) instead of quoting something loosely related.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Protocol

import numpy as np

from knowledge.scope import EVERYTHING, Scope

from .answer_texts import NOT_FOUND, RELATED_ONLY
from .answer_types import Answer, Citation, Passage, QuestionError
from .coverage import asked_attributes, covering_selection
from .embeddings import VectorCache
from .enumeration import complete_enumerations
from .followup import FollowupRewriter
from .glossary import domain_terms, expand_query
from .language import looks_english
from .named_document import NamedDocument, named_document
from .question_cues import cues_met, names_unit_of
from .rerank import answerability
from .search import HybridSearcher, Mode, SearchResult
from .sentences import quotable_sentences

if TYPE_CHECKING:
    from .generation import GroundedAnswerer

__all__ = ["NOT_FOUND", "Answer", "AnswerConfig", "AnswerService", "Citation", "Passage", "QuestionError"]

#: bonus per answer cue a sentence meets (a cause for "why", a purpose for "what … for")
CUE_BONUS = 0.08
#: bonus for a passage's first sentence (its topic sentence), enough to break near-ties
LEAD_BONUS = 0.01
#: how much lower the relevance floor is when a top passage is in the unit the question names
UNIT_FLOOR_ALLOWANCE = 0.02
#: how far below the best sentence's score another sentence may be and still be quoted
SAME_PASSAGE_MARGIN = 0.12
OTHER_PASSAGE_MARGIN = 0.06
#: a sentence's score: this share of its similarity to the question, the rest its share
#: of the question's distinctive terms
SENTENCE_SIMILARITY_SHARE = 0.75
#: the best passages whose sentences may be quoted
QUOTED_PASSAGES = 3
#: how much a passage's closest sentence counts against its search score when choosing
#: which of the best three is cited first (1, 3, 6 and 20 tried: BENCHMARKS.md, issue 10)
CLOSEST_SENTENCE_WEIGHT = 3.0
#: … unless its best quote scores this much below the first passage's (0.04 and 0.06 tried)
QUOTE_SCORE_MARGIN = 0.06


@dataclass(frozen=True)
class AnswerConfig:
    top_k: int = 5
    answer_sentences: int = 3
    min_relevance: float = 0.83
    #: for questions not in English, which only the multilingual dense side can match
    min_relevance_foreign: float = 0.79
    #: for an English question whose closest passages are not in English (a Spanish law):
    #: such pairs score lower; on ours, in scope 0.824-0.843, off-topic at most 0.800
    min_relevance_crosslingual: float = 0.81
    lexical_rescue: float = 0.55
    max_question_chars: int = 1000
    mode: Mode = "hybrid"


class ContactLookup(Protocol):
    """What a contact finder returns (knowledge.contact_query.ContactLookup)."""

    contacts: list[dict]
    note: str  # e.g. "No contact point on file for Bhutan."
    #: "none": not about contacts; "contact": only contacts (no passages quoted);
    #: "mixed": the law from passages, plus contacts
    intent: str
    #: a mixed question without its contact clause (what passages are searched for), or ""
    legal_question: str

    @property
    def summary(self) -> str: ...


class ContactFinder(Protocol):
    def __call__(self, question: str, scope: Scope = ...) -> ContactLookup:
        """The contact points a question asks for, if it asks for any (among those `scope` sees)."""
        ...


Lookup = Callable[[Sequence[str]], dict[str, Passage]]


def scoped_lookup(lookup: Lookup, scope: Scope) -> Lookup:
    """`lookup` that returns only passages `scope` may read (a passage without `networks` is public).

    Every passage an answer quotes or follows (enumerations) comes through it, behind the
    searches' own filters."""
    if scope.unrestricted:
        return lookup

    def visible(ids: Sequence[str]) -> dict[str, Passage]:
        return {pid: p for pid, p in lookup(ids).items() if scope.sees(getattr(p, "networks", ()))}

    return visible


class AnswerService:
    def __init__(
        self,
        searcher: HybridSearcher,
        lookup: Callable[[Sequence[str]], dict[str, Passage]],
        config: AnswerConfig = AnswerConfig(),
        contact_finder: ContactFinder | None = None,
        generator: GroundedAnswerer | None = None,
        followups: FollowupRewriter | None = None,
        sentence_store=None,
        sentence_vectors: VectorCache | None = None,
        document_titles: Callable[[Scope], Mapping[str, str]] | None = None,
    ):
        self.searcher = searcher
        #: sentence_store: a retrieval.vector_store.SentenceVectorStore, so that a new process
        #: does not embed again the sentences an earlier one quoted (None: memory only);
        #: sentence_vectors: a cache shared with retrieval.prefetch (then sentence_store is unused)
        self.sentence_vectors = sentence_vectors or VectorCache(searcher.embedder, store=sentence_store)
        #: document id -> title of the documents a scope reads, to see a question naming one
        #: ("under the International Cooperation Act"); None: questions name no document
        self.document_titles = document_titles
        self.lookup = lookup
        self.config = config
        self.contact_finder = contact_finder
        #: words the answer with a language model (None: extractive answers only)
        self.generator = generator
        #: turns a chat follow-up into a standalone question (None: the heuristic only)
        self.followups = followups

    def answer_stream(
        self,
        question: str,
        history: Sequence[tuple[str, str]] = (),
        on_partial: Callable[[str], None] | None = None,
        scope: Scope = EVERYTHING,
    ) -> Answer:
        """Like `answer`; while a model writes, `on_partial` gets the checked text so far.

        Called from a worker thread: `on_partial` runs on it, and throttling (e.g. one
        message edit a second) is the front end's job. The returned Answer is final.
        """
        return self.answer(question, history, on_partial=on_partial, scope=scope)

    def answer(
        self,
        question: str,
        history: Sequence[tuple[str, str]] = (),
        *,
        on_partial: Callable[[str], None] | None = None,
        scope: Scope = EVERYTHING,
    ) -> Answer:
        """`history`: the chat's earlier (question as answered, answer text) turns, oldest first.

        `scope`: the networks the reader belongs to. Only passages and contacts it may read
        are searched, quoted, followed, listed as "see also" or given to a language model.
        """
        started = time.perf_counter()
        lookup = scoped_lookup(self.lookup, scope)
        question = asked = self._check(question)
        if history:
            rewriter = self.followups or FollowupRewriter()
            question = self._check(rewriter.standalone(question, history)[: self.config.max_question_chars])
        contact_lookup = self._find_contacts(question, scope)
        if contact_lookup is not None and contact_lookup.intent == "contact":
            # Only about contact points: the directory answers; no passage is quoted.
            answer = Answer(
                question=question,
                answer=contact_lookup.summary,
                abstained=not contact_lookup.contacts,
                outcome="contacts" if contact_lookup.contacts else "not_found",
                contacts=contact_lookup.contacts,
                contacts_note=contact_lookup.note if contact_lookup.contacts else "",
                contact_lookup=contact_lookup,
                original_question=asked if question != asked else "",
            )
            answer.latency_ms = (time.perf_counter() - started) * 1000
            return answer
        legal_part = contact_lookup.legal_question if contact_lookup else ""
        named = self._named_document(legal_part or question, scope)
        query = expand_query(named.query if named else legal_part or question)
        result = self.searcher.search(
            query,
            max(self.config.top_k * 4, 20),
            mode=self.config.mode,
            keep=lambda ids: set(lookup(ids)),
            scope=scope,
        )
        citations = self._citations(result, lookup, legal_part or question, named)
        contacts, contacts_note = (
            (contact_lookup.contacts, contact_lookup.note) if contact_lookup else ([], "")
        )
        relevant = bool(citations) and self._relevant(query, result, citations)
        gaps: list[str] = []
        if relevant:
            citations = self._lead_with_closest_sentence(query, legal_part or question, result, citations, named)
            sentences, ranked = self._select_sentences(query, result, citations)
            sentences = complete_enumerations(legal_part or question, sentences, citations, lookup)
            sentences, coverage = covering_selection(legal_part or question, sentences, ranked, citations)
            quoted = " ".join(f"{s} [{rank}]" for s, rank in sentences)
            if coverage.complete:
                outcome, text = "answered", quoted
            else:
                # On the topic, but not what was asked: say so, and show what is related.
                outcome, gaps = "related_only", coverage.gaps
                text = f"{RELATED_ONLY.format(gap=coverage.describe())} {quoted}"
        else:
            # A mixed question's legal part gets the plain "not found" next to its contacts.
            outcome, sentences, text, citations = "not_found", [], NOT_FOUND, []
        answer = Answer(
            question=question,
            answer=text,
            abstained=outcome != "answered" and not contacts,
            citations=citations,
            contacts=contacts,
            sentences=sentences,
            contacts_note=contacts_note,
            outcome=outcome,
            gaps=gaps,
            contact_lookup=contact_lookup,
        )
        if question != asked:
            answer.original_question = asked
        if self.generator is not None:
            answer = self.generator.answer_from(answer, on_partial)
        answer.latency_ms = (time.perf_counter() - started) * 1000
        return answer

    # --- steps -----------------------------------------------------------------------
    def _find_contacts(self, question: str, scope: Scope) -> ContactLookup | None:
        if self.contact_finder is None:
            return None
        return self.contact_finder(question, scope=scope)

    def _named_document(self, question: str, scope: Scope) -> NamedDocument | None:
        if self.document_titles is None:
            return None
        return named_document(question, self.document_titles(scope))

    def _citations(
        self, result: SearchResult, lookup: Lookup, question: str = "", named: NamedDocument | None = None
    ) -> list[Citation]:
        """The top_k served passages, statements ahead of question lists and bare references.

        Passages of the document the question names by title, and in the unit it names
        ("according to the recitals"), come first.
        """
        passages = lookup([hit.passage_id for hit in result.hits])
        result_hits = [h for h in result.hits if h.passage_id in passages]
        ranked = sorted(
            result_hits,
            key=lambda h: (
                *_named_first(question, named, passages[h.passage_id]),
                -h.score * answerability(passages[h.passage_id].kind, passages[h.passage_id].text),
            ),
        )[: self.config.top_k]
        citations = []
        for rank, hit in enumerate(ranked, start=1):
            p = passages[hit.passage_id]
            citations.append(Citation(
                rank=rank, document_id=p.document_id, title=p.title, locator=p.locator,
                text=p.text, score=round(float(hit.score), 6), passage_id=p.id,
                version=p.version, section=p.section,
            ))
        return citations

    def _check(self, question: str) -> str:
        question = " ".join(question.split())
        if not question:
            raise QuestionError("The question is empty.")
        if len(question) > self.config.max_question_chars:
            raise QuestionError(
                f"The question is {len(question)} characters long; please keep it under "
                f"{self.config.max_question_chars} and ask one thing at a time."
            )
        return question

    def _relevant(self, question: str, result: SearchResult, citations: list[Citation]) -> bool:
        """Close in meaning, or sharing most of the question's distinctive terms."""
        floor = self.config.min_relevance if result.english else self.config.min_relevance_foreign
        if not result.english and not domain_terms(question):
            # A non-English question naming none of the field's terms (a recipe, a tyre) must
            # be as close as an English one: the lower floor is for on-topic wording only.
            floor = self.config.min_relevance
        if result.english and not looks_english(" ".join(c.text for c in citations[:3])):
            floor = min(floor, self.config.min_relevance_crosslingual)
        if result.best_similarity >= floor:
            return True
        # "… according to the recitals?": a close passage that is a recital is evidence the
        # question is about this document, though the added words lower the similarity.
        if result.best_similarity >= floor - UNIT_FLOOR_ALLOWANCE and names_unit_of(
            question, [c.locator for c in citations[:3]]
        ):
            return True
        lexical = self.searcher.lexical
        coverage = max(
            lexical.term_coverage(question, f"{c.section} {c.text}") for c in citations[:3]
        )
        return coverage >= self.config.lexical_rescue

    def _query_vector(self, question: str, result: SearchResult) -> np.ndarray:
        if result.query_vector is not None:
            return np.asarray(result.query_vector)
        return self.searcher.embedder.embed_queries([question])[0]

    def _lead_with_closest_sentence(
        self, query: str, question: str, result: SearchResult, citations: list[Citation],
        named: NamedDocument | None = None,
    ) -> list[Citation]:
        """Cite first, among the best three passages, the one whose closest sentence is
        closest to the question, weighed with the passage's own score.

        Sibling paragraphs share their article's heading, which the indexes read with each
        of them: a short neighbour (art. 4(3)) then outranks the paragraph that answers
        (art. 4(1)). Its sentences, read without the heading, tell them apart
        (BENCHMARKS.md, issue 10). A passage of the document or in the unit the question
        names stays ahead of the others.
        """
        top = citations[:QUOTED_PASSAGES]
        keys = [_named_first(question, named, c) for c in top]
        contenders = [c for c, key in zip(top, keys) if key == keys[0]]
        candidates = [(c.rank, sentence) for c in contenders for _, sentence in quotable_sentences(c.text)]
        if len(contenders) < 2 or not candidates:
            return citations
        similarity = self.sentence_vectors.embed([s for _, s in candidates]) @ self._query_vector(query, result)
        closest: dict[int, float] = {}  # the passage's closest sentence
        best: dict[int, float] = {}  # its best sentence, scored as quotes are chosen
        lexical = self.searcher.lexical
        for (rank, sentence), sim in zip(candidates, similarity):
            closest[rank] = max(closest.get(rank, -1.0), float(sim))
            quote = SENTENCE_SIMILARITY_SHARE * float(sim) + (1 - SENTENCE_SIMILARITY_SHARE) * (
                lexical.term_coverage(query, sentence))
            best[rank] = max(best.get(rank, -1.0), quote)
        by_rank = {c.rank: c for c in citations}
        first = citations[0].rank
        lead = max(closest, key=lambda r: by_rank[r].score + CLOSEST_SENTENCE_WEIGHT * closest[r])
        if best[lead] < best.get(first, -1.0) - QUOTE_SCORE_MARGIN:
            # Closer in meaning, but its best quote is clearly worse once the question's
            # distinctive terms count: a near-synonym passage, not the one that answers.
            lead = first
        if lead == first:
            return citations
        order = [by_rank[lead]] + [c for c in citations if c.rank != lead]
        return [replace(c, rank=n) for n, c in enumerate(order, start=1)]

    def _select_sentences(
        self, question: str, result: SearchResult, citations: list[Citation]
    ) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
        """Quote the sentences closest to the question from the top three passages.

        Returns (quoted, every candidate best first); the best passage always has a sentence
        quoted, since it is the one a reader checks first.
        """
        candidates: list[tuple[int, int, str]] = []  # (citation rank, position, sentence)
        for citation in citations[:QUOTED_PASSAGES]:
            candidates += [(citation.rank, position, sentence)
                           for position, sentence in quotable_sentences(citation.text)]
        if not candidates:
            return [(citations[0].text, citations[0].rank)], []
        texts = [c[2] for c in candidates]
        similarity = self.sentence_vectors.embed(texts) @ self._query_vector(question, result)
        lexical = self.searcher.lexical
        # A sentence that states what is asked (a date for "when", a figure for "how many")
        # is worth more than one that only shares its words.
        wanted = asked_attributes(question)
        # A "why" question is answered by the sentence giving the cause; among sentences
        # about as close, a passage's first (topic) sentence, not the one continuing it.
        scores = [
            SENTENCE_SIMILARITY_SHARE * float(sim)
            + (1 - SENTENCE_SIMILARITY_SHARE) * lexical.term_coverage(question, text) + 0.04 * (3 - rank)
            + 0.08 * any(a.stated.search(text) for a in wanted)
            + CUE_BONUS * cues_met(question, text) + LEAD_BONUS * (position == 0)
            for sim, (rank, position, text) in zip(similarity, candidates)
        ]
        order = sorted(range(len(candidates)), key=lambda i: -scores[i])
        best = scores[order[0]]
        chosen: list[int] = []
        per_passage: dict[int, int] = {}
        length = 0
        for i in order:
            rank, _, text = candidates[i]
            if len(chosen) >= self.config.answer_sentences:
                break
            # Sentences from the passage already quoted keep its context; a second
            # passage must be nearly as close to the question to earn a place.
            margin = SAME_PASSAGE_MARGIN if rank in per_passage else OTHER_PASSAGE_MARGIN
            if chosen and (scores[i] < best - margin or length + len(text) > 900):
                continue
            if per_passage.get(rank, 0) >= 2:
                continue
            chosen.append(i)
            per_passage[rank] = per_passage.get(rank, 0) + 1
            length += len(text)
        top = next((i for i in order if candidates[i][0] == citations[0].rank), None)
        if top is not None and all(candidates[i][0] != citations[0].rank for i in chosen):
            chosen.append(top)
        chosen.sort(key=lambda i: (candidates[i][0], candidates[i][1]))
        ranked = [(candidates[i][2], candidates[i][0]) for i in order]
        return [(candidates[i][2], candidates[i][0]) for i in chosen], ranked



def _named_first(question: str, named: NamedDocument | None, passage) -> tuple[bool, bool]:
    """Sort key: passages of the document the question names, then in the unit it names, first."""
    return (named is not None and passage.document_id != named.document_id,
            not names_unit_of(question, [passage.locator]))
