"""What kind of sentence answers a "why" question: one that states a cause.

"Why is trafficking hard to investigate across borders?" is close in meaning to many
sentences about cross-border investigations; the one that answers it says why ("a primary
challenge derives from the fact that …", "because", "due to"). Sentence selection gives
such sentences a small bonus (retrieval/answer.py). Only a preference between sentences
already close to the question: it never makes an answer "related only".
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


def states_what_is_asked(question: str, sentence: str) -> bool:
    """A cause question and a sentence stating a cause."""
    return bool(_CAUSE_QUESTION.search(question) and _CAUSE_STATED.search(sentence))
