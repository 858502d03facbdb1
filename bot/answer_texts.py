"""The fixed texts around an answer, in the reader's language, chosen from its structure.

retrieval/ decides (abstained, which sentences, which contacts) and writes English; the
front ends show the outcome in the member's language from here, so that retrieval/ never
imports bot/. Quoted sentences and passages are never translated.
"""

from __future__ import annotations

import re

from retrieval.answer import NOT_FOUND, Answer

from .i18n import N_, Translator

NOT_FOUND_TEXT = N_(
    "I could not find this in the knowledge base. None of the indexed documents "
    "addresses the question closely enough to quote. Try rephrasing it, or ask your "
    "network coordinator to add a document that covers it."
)
#: shown above the passages of a "related only" answer (the knowledge base does not say it)
RELATED_ONLY_TEXT = N_("The knowledge base does not say this directly. Related passages:")


_RELATED_HEADING = re.compile(r"\A[^\n\[]*?Related passages:\s*")


def outcome(answer: Answer) -> str:
    """answered | related | not_found | contacts (retrieval.answer_types.Outcome), for wording."""
    if answer.outcome == "related_only":
        return "related"
    if answer.outcome == "not_found" or answer.answer.strip() == NOT_FOUND.strip():
        return "not_found"
    return "answered"


def answer_text(answer: Answer, t: Translator) -> str:
    """The body of the answer: the quoted sentences as they are, or the translated not-found."""
    kind = outcome(answer)
    if kind == "not_found":
        return t.gettext(NOT_FOUND_TEXT)
    if kind == "related" and t.language == "en":  # retrieval's heading names the gap ("… for 2023")
        return answer.answer
    if kind == "related":  # retrieval's own English heading, if any, gives way to the translated one
        quoted = _RELATED_HEADING.sub("", answer.answer, count=1)
        return t.gettext(RELATED_ONLY_TEXT) + ("\n" + quoted if quoted else "")
    return answer.answer


def body(answer: Answer, t: Translator) -> str:
    """What the answer says above its contacts and sources, in the reader's language."""
    from .contact_texts import summary

    lookup = answer.contact_lookup
    if lookup is not None and answer.answer == lookup.summary:  # only about contact points
        return summary(lookup, t)
    return answer_text(answer, t)


def contacts_note(answer: Answer, t: Translator) -> str:
    """The directory's note beside the contacts (e.g. "No contact point on file for Bhutan.")."""
    from .contact_texts import notes_text

    if not answer.contacts_note:
        return ""
    if answer.contact_lookup is not None:
        return notes_text(answer.contact_lookup, t) or answer.contacts_note
    return answer.contacts_note


_TOO_LONG = re.compile(r"The question is (\d+) characters long; please keep it under (\d+)")


def question_error_text(error: str, t: Translator) -> str:
    """A QuestionError (retrieval/answer.py words it in English) in the reader's language."""
    if error.strip() == "The question is empty.":
        return t.gettext("The question is empty.")
    if match := _TOO_LONG.match(error):
        return t.gettext(
            "The question is {length} characters long; please keep it under {limit} and ask one thing at a time."
        ).format(length=match[1], limit=match[2])
    return error


_WITHIN = re.compile(r"did not answer within ([\d.]+) s")


def generation_note(answer: Answer, t: Translator) -> str:
    """Why the text is not what the language model wrote, from the generation trace."""
    trace = answer.generation
    if not answer.note or trace is None:
        return answer.note
    if trace.outcome == "not_answered":
        return t.gettext("The closest passages were read by the language model and do not answer this question.")
    if trace.outcome == "fallback":
        return t.gettext("The generated answer did not cite its sources well enough; showing quoted passages instead.")
    if trace.outcome == "trimmed" and trace.check is not None:
        n = trace.check.removed
        if trace.check.unsupported:
            return t.ngettext("{n} generated sentence not supported by the passage it cites was left out.",
                              "{n} generated sentences not supported by the passages they cite were left out.",
                              n).format(n=n)
        return t.ngettext("{n} generated sentence without a valid citation was left out.",
                          "{n} generated sentences without a valid citation were left out.", n).format(n=n)
    if trace.outcome == "error":
        if match := _WITHIN.search(answer.note):
            return t.gettext("The language model did not answer within {seconds} s; showing quoted passages "
                             "instead.").format(seconds=match[1])
        if "did not answer" in answer.note:
            return t.gettext("The language model did not answer in time; showing quoted passages instead.")
        return t.gettext("The language model could not be reached; showing quoted passages instead.")
    return answer.note
