"""Optional generated answers: a chat model rewrites the retrieved passages into prose.

Retrieval still decides everything that matters: which passages, whether to abstain. The
model only words the answer, from numbered passages, and what it writes is checked
(`citation_check`) before anyone sees it. Whatever goes wrong — an error, a timeout, uncited
text — the caller gets the extractive answer back, with a note saying why.

The model is any LangChain chat model (ChatOpenAI for vLLM / llama.cpp / OpenAI-compatible
servers, ChatOllama), built by the composition root and wrapped in `LangChainGenerator`.
"""

from __future__ import annotations

import html
import logging
import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace

from prompts import Prompt, load_prompt

from .answer_texts import MODEL_NOT_ANSWERED, NOT_FOUND, RELATED_ONLY
from .answer_types import Answer, Citation, GenerationTrace, TextGenerator
from .citation_check import check_citations, complete_sentences
from .prompt_data import neutralise
from .support import SupportChecker

log = logging.getLogger(__name__)

PartialCallback = Callable[[str], None]


class GenerationTimeout(TimeoutError):
    """The model did not finish within its time budget."""


class LangChainGenerator:
    """A LangChain chat model (real or fake) behind `TextGenerator`."""

    def __init__(self, model, name: str, timeout: float | None = None):
        self.model = model
        self.name = name
        # The HTTP client enforces the timeout per request; this bounds a slow stream too.
        self.timeout = timeout

    def complete(self, system: str, user: str) -> str:
        reply = self.model.invoke(_messages(system, user))
        return _text(reply.content)

    def stream(self, system: str, user: str) -> Iterator[str]:
        started = time.monotonic()
        for chunk in self.model.stream(_messages(system, user)):
            if self.timeout is not None and time.monotonic() - started > self.timeout:
                raise GenerationTimeout(f"no complete answer after {self.timeout:g} s")
            piece = _text(chunk.content)
            if piece:
                yield piece


# --- the prompt's passages -----------------------------------------------------------------
def format_passages(citations: Sequence[Citation], *, quoted: bool = False) -> str:
    """The numbered passages; `quoted` (prompts from v3) fences each line as quoted material
    ("> "), so that nothing in a document reads as a line of the prompt itself."""
    return "\n\n".join(
        f'<passage id="{c.rank}" source="{html.escape(neutralise(c.label()), quote=True)}">\n'
        f"{_quote(neutralise(c.text.strip())) if quoted else neutralise(c.text.strip())}\n</passage>"
        for c in citations
    )


def _quote(text: str) -> str:
    return "\n".join(f"> {line}".rstrip() for line in text.splitlines())


def grounded_messages(prompt: Prompt, question: str, citations: Sequence[Citation]) -> tuple[str, str]:
    """(system, user): the system message never varies; passages and question are data."""
    quoted = prompt.options.get("passages") == "quoted"
    return prompt.system, prompt.render(
        passages=format_passages(citations, quoted=quoted), question=neutralise(question)
    )


# --- answering ---------------------------------------------------------------------------
class GroundedAnswerer:
    """Rewrites an extractive answer with a language model, keeping only cited sentences."""

    def __init__(
        self,
        generator: TextGenerator,
        prompt: Prompt | None = None,
        *,
        min_share: float = 0.5,
        support: SupportChecker | None = None,
    ):
        self.generator = generator
        self.prompt = prompt or load_prompt("grounded_answer")
        self.min_share = min_share
        # Without an embedder: numbers, countries, addresses and word overlap only (a sentence
        # in another language than its passage is then dropped, and the quotes shown instead).
        self.support = support or SupportChecker()

    def answer_from(self, extractive: Answer, on_partial: PartialCallback | None = None) -> Answer:
        """The generated answer if it passes the citation check, else `extractive` with a note.

        `on_partial` receives the checked text of the sentences finished so far (never an
        uncited one) while the model streams; the returned Answer is the final word.
        """
        if extractive.abstained or not extractive.citations:
            return extractive  # retrieval decides abstention; the model is not asked
        system, user = grounded_messages(self.prompt, extractive.question, extractive.citations)
        available = {c.rank for c in extractive.citations}
        texts = {c.rank: c.text for c in extractive.citations}

        def supported(sentence: str, cited: tuple[int, ...]):
            return self.support.assess(sentence, [texts[n] for n in cited])

        try:
            raw = self._generate(system, user, available, on_partial, supported)
        except Exception as error:  # noqa: BLE001 - any failure of the model leaves the quoted answer
            log.warning("generation failed, answering extractively: %r", error)
            return self._fallback(extractive, _failure_note(error, getattr(self.generator, "timeout", None)),
                                  GenerationTrace("error", error=_describe(error)))
        gap, body = split_not_covered(raw)
        check = check_citations(body, available, min_share=self.min_share, support=supported)
        trace = GenerationTrace(check.verdict, raw, check)
        if check.verdict == "not_answered":
            # As when retrieval abstains: "not found", next to any contact points found.
            return replace(
                extractive, answer=NOT_FOUND, abstained=not extractive.contacts,
                citations=[], sentences=[], generator=self.generator.name, prompt=self.prompt.id,
                note=MODEL_NOT_ANSWERED,
                generation=trace,
            )
        if check.verdict == "fallback":
            return _related_only(self._fallback(
                extractive,
                "The generated answer did not cite its sources well enough; "
                "showing quoted passages instead.",
                trace,
            ), gap)
        note = removed_note(check.removed, check.unsupported)
        return _related_only(replace(
            extractive,
            answer=check.text(),
            sentences=[(s.text, rank) for s in check.kept for rank in s.cited],
            generator=self.generator.name,
            prompt=self.prompt.id,
            note=note,
            generation=trace,
        ), gap)

    def _generate(
        self, system: str, user: str, available: set[int], on_partial: PartialCallback | None,
        supported,
    ) -> str:
        if on_partial is None:
            return self.generator.complete(system, user)
        text, shown = "", ""
        for piece in self.generator.stream(system, user):
            text += piece
            checked = complete_sentences(text, available, supported)
            if checked != shown:
                shown = checked
                _safely(on_partial, shown)
        return text

    def _fallback(self, extractive: Answer, note: str, trace: GenerationTrace) -> Answer:
        return replace(
            extractive, generator="extractive", prompt=self.prompt.id, note=note, generation=trace
        )


def removed_note(removed: int, unsupported: int) -> str:
    """Why sentences are missing: no valid citation, or a cited passage that does not say it."""
    if not removed:
        return ""
    plural = removed > 1
    if unsupported:
        return (f"{removed} generated sentence{'s' if plural else ''} not supported by the "
                f"passage{'s they cite were' if plural else ' it cites was'} left out.")
    return (f"{removed} generated sentence{'s' if plural else ''} without a valid citation "
            f"{'were' if plural else 'was'} left out.")


# --- "related only" from the model -------------------------------------------------------
_NOT_COVERED = re.compile(r"^\s*NOT_COVERED\s*:\s*(?P<gap>[^\n]*)\n?", re.IGNORECASE)


def split_not_covered(raw: str) -> tuple[str, str]:
    """(what the model says the passages do not state, the rest of its reply)."""
    match = _NOT_COVERED.match(raw)
    if not match:
        return "", raw
    gap = " ".join(match["gap"].split()).strip(" .")[:160]
    return gap or "what was asked", raw[match.end():]


def _related_only(answer: Answer, gap: str) -> Answer:
    """The model found the passages only related: the answer says so, like retrieval would."""
    if not gap or answer.outcome != "answered":
        return answer
    return replace(
        answer, outcome="related_only", gaps=[gap], abstained=not answer.contacts,
        answer=f"{RELATED_ONLY.format(gap=f'“{gap}”')} {answer.answer}",
    )


# --- helpers -----------------------------------------------------------------------------
def _messages(system: str, user: str) -> list[tuple[str, str]]:
    return [("system", system), ("human", user)]


def _text(content) -> str:
    """A message's text; some models return a list of content blocks."""
    if isinstance(content, str):
        return content
    return "".join(
        block if isinstance(block, str) else str(block.get("text", ""))
        for block in content or []
    )


def _is_timeout(error: BaseException) -> bool:
    # httpx, openai and ollama each have their own timeout class; all are named so.
    return isinstance(error, TimeoutError) or any(
        "Timeout" in cls.__name__ for cls in type(error).__mro__
    )


def _failure_note(error: BaseException, timeout: float | None) -> str:
    if _is_timeout(error):
        limit = f" within {timeout:g} s" if timeout else " in time"
        return f"The language model did not answer{limit}; showing quoted passages instead."
    return "The language model could not be reached; showing quoted passages instead."


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:300]


def _safely(callback: PartialCallback, text: str) -> None:
    """A failing front-end callback (e.g. a message edit refused) must not lose the answer."""
    try:
        callback(text)
    except Exception as error:  # noqa: BLE001
        log.warning("partial-answer callback failed: %r", error)
