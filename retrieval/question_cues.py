"""What kind of sentence answers a question, beyond sharing its words.

"Why is trafficking hard to investigate across borders?" is close in meaning to many
sentences about cross-border investigations; the one that answers it says why ("a primary
challenge derives from the fact that …", "because", "due to"). "What are the Palermo
Protocols for?" is answered by a sentence about the Protocols ("The Protocols … lay a
comprehensive framework for …"), not by one that only mentions them. Sentence selection
gives such sentences a small bonus per cue (retrieval/answer.py). Only a preference between
sentences already close to the question: it never makes an answer "related only".
"""

from __future__ import annotations

import re

#: a question asking for a cause or reason (en/es/fr/pt)
_CAUSE_QUESTION = re.compile(
    r"^\W*(why|por ?qu[eé]|pourquoi|por que)\b|\b(reasons?|causes?|what makes)\b"
    r"|\b(razones?|motivos?|raisons?|razões|raz[oõ]es)\b",
    re.IGNORECASE,
)
#: a sentence that states one
_CAUSE_STATED = re.compile(
    r"\b(because|due to|owing to|derives? from|since|as a result|reasons?|caus\w+|challenges?"
    r"|obstacles?|given that|the fact that|hinder\w*|complex\w*)\b",
    re.IGNORECASE,
)
#: a question asking what something is for
_PURPOSE_QUESTION = re.compile(
    r"^\W*what (is|are) .+ for\W*$|\b(purposes?|aims?|objectives?|goals?) of\b"
    r"|^\W*what (does|do) .+ aim\b|^\W*(para qu[eé]|à quoi|pour quoi|para que)\b",
    re.IGNORECASE,
)
_PURPOSE_STATED = re.compile(
    r"\b(aims?|aimed|aiming|purposes?|objectives?|designed to|in order to|framework for"
    r"|intended to|so as to|seeks? to|serves? to)\b",
    re.IGNORECASE,
)
#: "What is/are (the) X …?": X is what the answering sentence is about
_SUBJECT_QUESTION = re.compile(
    r"^\W*what (?:is|are) (?:the |an? )?([\w' -]+?)(?: for| about)?\W*$", re.IGNORECASE
)
_SMALL = frozenset(["the", "a", "an", "of", "on", "in", "for", "to", "and", "its", "their"])


def _subject_head(question: str) -> str:
    match = _SUBJECT_QUESTION.search(question.split(" (")[0])
    if not match:
        return ""
    words = match[1].lower().split()
    # Only a plain noun phrase ("the Palermo Protocols"): in a longer name ("Network for
    # Prosecutors") the last word is not what it is about.
    if any(w in _SMALL for w in words[1:]) or not 1 <= len(words) <= 3:
        return ""
    return words[-1][:5]


def cues_met(question: str, sentence: str) -> int:
    """How many of the question's answer cues the sentence meets (0, 1 or 2).

    A cause for a "why" question; a purpose for a "what is X for" question; and for
    "what is/are X", a sentence that opens with X (it says what X is or does).
    """
    met = 0
    if _CAUSE_QUESTION.search(question) and _CAUSE_STATED.search(sentence):
        met += 1
    if _PURPOSE_QUESTION.search(question) and _PURPOSE_STATED.search(sentence):
        met += 1
    head = _subject_head(question)
    if head and any(w.lower().startswith(head) for w in re.findall(r"[\w-]+", sentence)[:5]):
        met += 1
    return met


#: a unit of a legal text a question names ("according to the recitals", "article 4(2)")
_UNIT = re.compile(
    r"\b(recitals?|preamble|articles?|art\.|sections?|§|annex(?:es)?|chapters?|chap\.)"
    r"(?:\s+([0-9ivxlc]+(?:\.[0-9]+)*))?",
    re.IGNORECASE,
)
_LOCATOR_WORD = {"recital": "recital", "preamble": "preamble", "article": "art.", "art.": "art.",
                 "section": "section", "§": "§", "annex": "annex", "chapter": "chap.", "chap.": "chap."}


def names_unit_of(question: str, locators: list[str]) -> bool:
    """The question names a unit ("the recitals", "section 4") that one of `locators` is in."""
    for match in _UNIT.finditer(question):
        word = match[1].lower().rstrip("s") if match[1] != "§" else "§"
        word = "annex" if word.startswith("annex") else word
        prefix = _LOCATOR_WORD.get(word)
        if prefix is None:
            continue
        for locator in locators:
            head = locator.lower().split(",")[0]
            if not head.startswith(prefix):
                continue
            if match[2] is None or re.match(rf"{re.escape(prefix)}\s*{re.escape(match[2].lower())}\b", head):
                return True
    return False
