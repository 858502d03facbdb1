"""What a question is about, as a few fixed tags: no word of the question itself.

The redacted query log keeps these tags instead of the question, so that admins can see
where the knowledge base falls short without reading case details. Tags come from a
closed vocabulary (the multilingual patterns of `contact_vocabulary`) and ISO country
codes, so nothing the user typed can leak through them.
"""

from __future__ import annotations

from .contact_vocabulary import CONCEPTS, EXPLICIT, REQUEST
from .countries import find_countries, normalise

#: contact_vocabulary concept label -> topic tag (the concepts worth counting in a log).
CONCEPT_TOPICS = {
    "joint investigations": "jit",
    "mutual legal assistance": "mla",
    "central authority": "mla",
    "extradition": "extradition",
    "trafficking in persons": "trafficking",
    "smuggling of migrants": "smuggling",
    "modern slavery": "trafficking",
    "labour exploitation": "trafficking",
    "victim protection": "victims",
    "child exploitation": "children",
    "asset recovery": "assets",
    "financial investigations": "financial",
    "cybercrime": "cyber",
    "police cooperation": "police",
}

#: Every tag `detect_topics` can return, apart from country codes.
TOPICS = tuple(dict.fromkeys([*CONCEPT_TOPICS.values(), "contacts"]))


def detect_topics(text: str) -> list[str]:
    """Topic tags, then the ISO codes (upper case) of the countries named, each once.

    >>> detect_topics("Who is the JIT contact point in the Netherlands?")
    ['jit', 'contacts', 'NL']
    """
    normalised = normalise(text)
    topics = [tag for concept in CONCEPTS if (tag := CONCEPT_TOPICS.get(concept.label))
              and concept.question.search(normalised)]
    if EXPLICIT.search(normalised) or REQUEST.search(normalised):
        topics.append("contacts")
    topics += [match.code for match in find_countries(text)]
    return list(dict.fromkeys(topics))
