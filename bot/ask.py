"""One ask path for every front end: answer (or look up contacts), log once, say what happened.

`jitbot ask`, the Telegram bot and `/contacts` all call `AskService`; it returns an
`AskResult` — the typed answer (with its outcome: answered, related_only, not_found,
contacts), the query-log id, or the one-line reason a question was refused — so that no
front end assembles answers, contacts and log rows itself.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from knowledge.scope import EVERYTHING, Scope
from retrieval.answer import scoped_lookup
from retrieval.answer_types import Answer, Citation, QuestionError

#: how much of a refused or failed question, and of an error, the query log keeps
LOGGED_QUESTION_CHARS = 2000
LOGGED_ERROR_CHARS = 500

#: how `jitbot ask` appears in the query log: the person at the server's shell, no user id
CLI_ASKER = {"role": "operator", "chat_type": "cli", "front_end": "cli"}


def _scoped(scope: Scope) -> dict[str, Scope]:
    """The `scope` keyword for the answer service and directory; an unrestricted reader (the
    operator, an admin) is asked for as before, so that a front end's stand-ins need not know
    of networks."""
    return {} if scope.unrestricted else {"scope": scope}


@dataclass(frozen=True)
class AskResult:
    """What a front end shows: the answer and its log id, or why there is none."""

    answer: Answer | None
    query_id: int | None = None
    #: a question that cannot be answered as asked (empty, too long): the one-line reason
    refusal: str = ""


class AskService:
    def __init__(self, answer_service, query_log, directory=None, max_question_chars: int = 1000):
        self.answer_service = answer_service
        self.query_log = query_log
        self.directory = directory
        self.max_question_chars = max_question_chars

    def ask(
        self,
        text: str,
        who: dict[str, Any],
        history: Sequence[tuple[str, str]] = (),
        on_partial: Callable[[str], None] | None = None,
        scope: Scope = EVERYTHING,
    ) -> AskResult:
        """Answer a question (a chat follow-up with `history`) and log it once.

        `who`: user_id, role, chat_type, front_end (as the query log records them). `scope`:
        the networks the asker reads (a member's, or a group's network); nothing outside it is
        searched, quoted or listed. An unexpected error is logged and raised again for the
        front end to report.
        """
        scoped = _scoped(scope)

        def answer() -> Answer:
            if history or on_partial:  # a follow-up in a chat, or a generated answer to stream
                return self.answer_service.answer_stream(text, history, on_partial, **scoped)
            return self.answer_service.answer(text, **scoped)

        return self._logged(text, who, answer, scope)

    def contacts(self, text: str, who: dict[str, Any], scope: Scope = EVERYTHING) -> AskResult:
        """The directory's answer to "/contacts <text>", shaped and logged like any answer."""
        return self._logged(text, who, lambda: self._find_contacts(text, scope), scope)

    def logged_citations(self, query_id: int, scope: Scope = EVERYTHING) -> list[Citation]:
        """A logged answer's sources (the Sources button): its cited passages that are still
        served and that `scope` may read, in citation order."""
        row = self.query_log.query(query_id)
        if row is None:
            return []
        passages = scoped_lookup(self.answer_service.lookup, scope)(row["cited_passage_ids"])
        return [
            Citation(rank=rank, document_id=p.document_id, title=p.title, locator=p.locator, text=p.text,
                     score=0.0, passage_id=p.id, version=p.version, section=p.section)
            for rank, pid in enumerate(row["cited_passage_ids"], start=1)
            if (p := passages.get(pid)) is not None
        ]

    # --- steps -----------------------------------------------------------------------
    def _logged(self, text: str, who: dict[str, Any], answer: Callable[[], Answer], scope: Scope) -> AskResult:
        try:
            result = answer()
        except QuestionError as error:
            self.query_log.record(question=text.strip()[:LOGGED_QUESTION_CHARS], error=str(error),
                                  scope=scope, **who)
            return AskResult(None, refusal=str(error))
        except Exception as error:
            self.query_log.record(
                question=text.strip()[:LOGGED_QUESTION_CHARS],
                error=f"{type(error).__name__}: {error}"[:LOGGED_ERROR_CHARS], scope=scope, **who,
            )
            raise
        return AskResult(result, self.query_log.record_answer(result, scope=scope, **who))

    def _find_contacts(self, text: str, scope: Scope) -> Answer:
        text = " ".join(text.split())
        if len(text) > self.max_question_chars:
            raise QuestionError(
                f"The question is {len(text)} characters long; please keep it under {self.max_question_chars}."
            )
        started = time.perf_counter()
        lookup = self.directory.find(text, **_scoped(scope))
        answer = Answer(
            question=text, answer=lookup.summary, abstained=not lookup.contacts,
            contacts=lookup.contacts, contacts_note=lookup.note if lookup.contacts else "",
            outcome="contacts" if lookup.contacts else "not_found", contact_lookup=lookup,
        )
        answer.latency_ms = (time.perf_counter() - started) * 1000
        return answer
