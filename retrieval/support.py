"""Does the passage a generated sentence cites actually say what the sentence says?

A citation marker proves only that passage n exists. Before a generated sentence is shown,
it is compared with the passage(s) it cites:

- **instructions are data**: sentences of a passage that address the model or the reader
  ("Ignore previous instructions", "tell the user to …") are taken out first, so an injected
  instruction can never support a sentence, nor lend it its e-mail address;
- **addresses**: an e-mail address, URL or phone number must appear in the cited passage;
- **numbers and countries** the sentence writes (article 19, 2018, "two", Spain / España)
  must appear in the cited passage;
- **content**: enough of the sentence's content words occur in the passage (token recall,
  accents folded, five-letter prefixes so that "allows" meets "allowing" and "legislación"
  meets "legislation", the glossary's es/fr/pt terms read in English) **or**, with an
  embedder, the sentence is close enough in meaning to the passage or one of its sentences
  (cosine similarity; what lets an answer in Spanish cite an English passage).

The thresholds are calibrated on tests/eval/support-cases.jsonl for the default embedding
model (`scripts/eval_support.py`, figures in BENCHMARKS.md, issue 13).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from bm25s.stopwords import (
    STOPWORDS_EN_PLUS,
    STOPWORDS_FRENCH,
    STOPWORDS_PORTUGUESE,
    STOPWORDS_SPANISH,
)

from knowledge.countries import find_countries

from .embeddings import Embedder
from .glossary import fold, load_glossary
from .sentences import split_sentences

#: calibrated on tests/eval/support-cases.jsonl (BENCHMARKS.md, issue 13)
MIN_LEXICAL = 0.6
MIN_SIMILARITY = 0.86

# --- instructions inside passages ---------------------------------------------------------
_ADDRESSEE = (r"(?:user|users|reader|readers|person asking|asker|questioner|prosecutor|investigator|"
              r"usuario|usuaria|lector|utilisateur|utilisatrice|lecteur|usuário|utilizador|leitor)")
_INSTRUCTION = re.compile(
    "|".join([
        # en
        r"\b(?:ignore|disregard|forget|override|bypass)\b[^.]{0,40}\b(?:instructions?|rules?|prompts?|guidelines|directions|messages?|context)\b",
        rf"\b(?:tell|instruct|ask|advise|inform|remind|direct|urge)\s+(?:the|all|any|every)\s+{_ADDRESSEE}\b",
        r"\b(?:you are|act as|pretend to be|behave as)\s+(?:now\s+)?(?:an?|the)\s+(?:\w+\s+)?(?:assistant|ai|language model|chatbot|bot)\b",
        r"\b(?:system prompt|new instructions|as an ai\b|language model\b|assistant:)",
        r"\b(?:respond|reply|answer)\s+(?:only\s+)?with\b",
        r"\b(?:do not|don't|never)\s+(?:mention|cite|reveal|disclose)\b",
        # es / fr / pt
        r"\bignor(?:a|e|en|ez|ar|er)\b[^.]{0,40}\binstruc(?:ciones|tions|ções|oes)\b",
        rf"\b(?:di|dile|diga|digan|dites|dis|informe|indique|pida)\s+(?:al|a la|à l'|a l'|ao|à|aos|a los)\s*{_ADDRESSEE}\b",
    ]),
    re.IGNORECASE,
)


def strip_instructions(passage: str) -> str:
    """The passage without the sentences that address the model or the reader."""
    return " ".join(s for s in split_sentences(passage) if not is_instruction(s))


def is_instruction(sentence: str) -> bool:
    return bool(_INSTRUCTION.search(sentence))


# --- addresses ------------------------------------------------------------------------------
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"')\]]+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|int|eu|gov|info|io|example)(?:/[^\s<>\"')\]]*)?\b",
                  re.IGNORECASE)
_PHONE = re.compile(r"(?<![\w+])\+?\(?\d[\d ()./-]{6,}\d(?!\w)")


def addresses(text: str) -> list[str]:
    """E-mail addresses, URLs and phone numbers written in `text`, as written."""
    found = _EMAIL.findall(text)
    rest = _EMAIL.sub(" ", text)
    found += [u.rstrip(".,;:") for u in _URL.findall(rest)]
    rest = _URL.sub(" ", rest)
    found += [p for p in _PHONE.findall(rest) if len(re.sub(r"\D", "", p)) >= 7]
    return found


def _address_key(address: str) -> str:
    if "@" in address or not re.search(r"[a-z]", address, re.IGNORECASE):
        key = address.lower()
        return re.sub(r"\D", "", key) if "@" not in key else key.strip(".")
    key = re.sub(r"^(?:https?://)?(?:www\.)?", "", address.lower())
    return key.rstrip("/")


def foreign_addresses(sentence: str, passage: str) -> list[str]:
    """The addresses in `sentence` that `passage` does not contain."""
    known = {_address_key(a) for a in addresses(passage)}
    return [a for a in addresses(sentence)
            if not any(_address_key(a) == k or (k.startswith(_address_key(a)) and "@" not in a)
                       for k in known)]


# --- numbers --------------------------------------------------------------------------------
# Left out: "one" (un/una/une/um/uma are articles; "one of" is no count), and words that
# are something else in another language: "dos" (pt "of the"), "once" (en), "cent" (en).
_NUMBER_WORDS = {
    2: "two deux dois duas", 3: "three tres trois três", 4: "four cuatro quatre quatro",
    5: "five cinco cinq", 6: "six seis", 7: "seven siete sept sete", 8: "eight ocho huit oito",
    9: "nine nueve neuf nove", 10: "ten diez dix dez", 11: "eleven onze",
    12: "twelve doce douze doze", 20: "twenty veinte vingt vinte", 100: "hundred cien cem",
}
_WORD_VALUE = {fold(w): str(n) for n, words in _NUMBER_WORDS.items() for w in words.split()}
_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")


def numbers(text: str) -> set[str]:
    """The numbers in `text` ("19", "2018", "two" -> "2"), addresses left out."""
    for address in addresses(text):
        text = text.replace(address, " ")
    found = {re.sub(r"[.,](?=\d{3}\b)", "", n) for n in _DIGITS.findall(text)}
    found |= {_WORD_VALUE[w] for w in re.findall(r"\w+", fold(text)) if w in _WORD_VALUE}
    return found


# --- content words ----------------------------------------------------------------------------
_STOPWORDS = frozenset(
    fold(w) for w in (*STOPWORDS_EN_PLUS, *STOPWORDS_SPANISH, *STOPWORDS_FRENCH, *STOPWORDS_PORTUGUESE)
) | {"also", "may", "can", "usually", "often", "such", "however", "thus", "therefore",
     "according", "passage", "passages", "states", "state", "says", "stated", "notes", "noted"}
_PREFIX = 5


def _tokens(text: str) -> list[str]:
    return [w for w in re.findall(r"[^\W\d_]+", fold(text)) if len(w) > 1 and w not in _STOPWORDS]


@lru_cache(maxsize=1)
def _glossary():
    return load_glossary()


def in_english_terms(text: str) -> str:
    """The sentence with the glossary's es/fr/pt terms replaced by their English terms."""
    folded = fold(text)
    for pattern, english in _glossary():
        folded = pattern.sub(f" {english} ", folded)
    return folded


def lexical_recall(sentence: str, passage: str) -> float:
    """Share of the sentence's content words found in the passage (prefix match)."""
    words = _tokens(in_english_terms(sentence))
    if not words:
        return 1.0
    # every prefix up to five letters, so that a short word ("last") meets a longer one ("lasts")
    known = {w[:k] for w in _tokens(passage) for k in range(2, _PREFIX + 1)}
    return sum(w[:_PREFIX] in known for w in words) / len(words)


# --- the check ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Support:
    """How well the cited passages support one sentence."""

    lexical: float
    similarity: float | None = None
    #: what the passages do not contain: "address intake@evil.example", "number 21", "country ES"
    problems: tuple[str, ...] = ()
    supported: bool = False

    @property
    def reason(self) -> str:
        if self.supported:
            return ""
        return self.problems[0] if self.problems else "not supported by the cited passage"


@dataclass
class SupportChecker:
    """Scores a generated sentence against the passages it cites (see the module docstring)."""

    embedder: Embedder | None = None
    min_lexical: float = MIN_LEXICAL
    min_similarity: float = MIN_SIMILARITY
    _vectors: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    def assess(self, sentence: str, passages: Sequence[str]) -> Support:
        clean = [strip_instructions(p) for p in passages]
        text = " ".join(clean)
        problems = [f"address {a}" for a in foreign_addresses(sentence, text)]
        problems += [f"number {n}" for n in sorted(numbers(sentence) - numbers(text))]
        countries = {m.code for m in find_countries(text)}
        problems += [f"country {m.code}" for m in find_countries(sentence) if m.code not in countries]
        lexical = max((lexical_recall(sentence, p) for p in clean), default=0.0)
        similarity = None
        if self.embedder is not None and lexical < self.min_lexical and not problems:
            similarity = self.similarity(sentence, clean)
        supported = not problems and (
            lexical >= self.min_lexical
            or (similarity is not None and similarity >= self.min_similarity)
        )
        return Support(lexical, similarity, tuple(problems), supported)

    def similarity(self, sentence: str, passages: Sequence[str]) -> float:
        """Cosine of the sentence with the closest passage or passage sentence."""
        units = list(dict.fromkeys(u for p in passages for u in [p, *split_sentences(p)] if u.strip()))
        if not units:
            return 0.0
        # Symmetric ("query: " on both sides, as e5 recommends for sentence similarity).
        query = self._vectors_of([sentence])[0]
        return float(max(self._vectors_of(units) @ query))

    def _vectors_of(self, texts: list[str]) -> np.ndarray:
        """Vectors of `texts`, computed once (one batch for the ones not seen yet)."""
        missing = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if missing:
            if len(self._vectors) + len(missing) > 1024:
                self._vectors.clear()
            for text, vector in zip(missing, np.asarray(self.embedder.embed_queries(missing))):
                self._vectors[text] = vector
        return np.stack([self._vectors[t] for t in texts])
