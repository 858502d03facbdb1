"""The fixed sentences an answer may contain, in one place (for translation and for tests).

Front ends add their own wording around an answer; these are the parts that the answer
service itself writes.
"""

from __future__ import annotations

NOT_FOUND = (
    "I could not find this in the knowledge base. None of the indexed documents "
    "addresses the question closely enough to quote. Try rephrasing it, or ask your "
    "network coordinator to add a document that covers it."
)

#: "The knowledge base does not say {gap} directly. Related passages:" + the quoted sentences
RELATED_ONLY = "The knowledge base does not say {gap} directly. Related passages:"

#: how a gap is named in RELATED_ONLY, by the attribute the question asks for
GAP_PHRASES = {
    "penalty": "what the penalty is",
    "deadline": "what the deadline or time limit is",
    "current": "who holds this position today",
    "amount": "the figure asked for",
    "money": "the sum asked for",
    "date": "when this happened",
    "person": "who this is",
    "procedure": "what the procedure is",
}
#: a gap named by the question's own words: "anything about “Brazilian Penal Code”"
GAP_TERMS = "anything about {terms}"
GAP_YEARS = "anything for {years}"

#: the model's note when it read the passages and found they do not answer
MODEL_NOT_ANSWERED = (
    "The closest passages were read by the language model and do not answer this question."
)
