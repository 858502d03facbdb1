"""Follow-up questions in a chat ("and in Spain?") made into standalone questions.

With a language model, the last few turns and the new message go to the
`standalone_question` prompt. Without one (or when it fails), only a message that is
clearly a follow-up — short, opening with "and", "what about", "y en", "et en"... and with no
verb of its own — borrows the topic of the previous question; anything else is searched as
typed, because guessing wrong would answer a question nobody asked.

A follow-up keeps its own subject. "And what about funding?" after a question on the
reflection period is a question about funding: only a new place or name ("and in Spain?",
"what about Eurojust?") is put into the previous question; a new subject is searched as
written. A model's rewrite that drops the message's own words, or that is the previous
question with the new subject tacked on, is not used.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from prompts import Prompt, load_prompt

from .answer_types import TextGenerator
from .prompt_data import neutralise

log = logging.getLogger(__name__)

#: Openers of a follow-up (en, es, fr, de, it, pt), matched accent-free, longest first. A
#: preposition after them stays part of the new detail ("and | in Spain").
OPENERS = sorted(
    [
        "and what about", "what about", "how about", "and", "also", "same", "y que hay de",
        "que hay de", "y", "tambien", "et qu'en est-il de", "qu'en est-il de", "et", "aussi",
        "und was ist mit", "was ist mit", "und", "auch", "e quanto a", "e", "anche", "e o",
    ],
    key=len,
    reverse=True,
)
#: Verbs and auxiliaries that make a message a question of its own ("and is it binding?").
VERBS = {
    # en
    "is", "are", "was", "were", "be", "been", "being", "am", "do", "does", "did", "done", "can",
    "could", "should", "must", "may", "might", "will", "would", "shall", "has", "have", "had",
    "apply", "applies", "work", "works", "need", "needs", "mean", "means", "exist", "exists",
    "require", "requires", "allow", "allows", "set", "sign", "signed", "contact", "happen",
    "happens", "differ", "differs",
    # es
    "es", "son", "era", "fue", "ser", "esta", "estan", "hay", "puede", "pueden", "debe", "deben",
    "tiene", "tienen", "existe", "aplica", "aplican", "necesita", "funciona", "se",
    # fr
    "est", "sont", "etait", "etre", "peut", "peuvent", "doit", "doivent", "faut", "a", "ont",
    "applique", "s'applique", "fonctionne",
    # de
    "ist", "sind", "war", "gibt", "kann", "konnen", "muss", "mussen", "hat", "haben", "gilt",
    # it, pt
    "e", "sono", "puo", "possono", "deve", "devono", "ha", "hanno", "esiste", "si",
    "sao", "pode", "podem", "devem", "tem",
}
#: Prepositions after which a place or body is named ("in Italy", "para España", "au Portugal").
PREPOSITIONS = {
    "in", "for", "at", "on", "from", "with", "under",  # en
    "en", "para", "por", "con", "dans", "pour", "au", "aux", "a", "avec",  # es, fr
    "fur", "nach", "mit", "per", "em", "no", "na",  # de, it, pt
}
_MAX_WORDS = 8
_HISTORY_TURNS = 3
_ANSWER_CHARS = 400


def _plain(text: str) -> str:
    """Lower case without accents or opening ¿¡, for matching word lists."""
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in text if not unicodedata.combining(ch)).lstrip("¿¡ ")


def _words(text: str) -> list[str]:
    return re.findall(r"[\w']+", _plain(text))


def split_opener(message: str) -> tuple[str, str] | None:
    """(opener, rest) if `message` opens with a follow-up opener, else None."""
    plain = _plain(message)
    for opener in OPENERS:
        if plain == opener or plain.startswith((opener + " ", opener + ",")):
            # Cut the same number of words from the original, keeping its spelling.
            n = len(opener.split())
            rest = re.sub(r"^[\s¿¡]*", "", message)
            rest = re.sub(rf"^(?:\S+\s+){{{n}}}", "", rest + " ", count=1).strip(" ,")
            return opener, rest
    return None


def is_followup(message: str) -> bool:
    """Short, opens like a follow-up, and has no verb of its own."""
    words = _words(message)
    return (
        0 < len(words) <= _MAX_WORDS
        and split_opener(message) is not None
        and not any(w in VERBS for w in words[1:])
    )


def carry_over(message: str, previous: str) -> str:
    """The previous question with the follow-up's new detail in place of the old one."""
    split = split_opener(message)
    if not split or not previous.strip():
        return message
    fragment = split[1].rstrip(" ?？!.")
    previous = previous.strip()
    if not fragment:
        return previous
    first, _, rest = fragment.partition(" ")
    preposition = _plain(first) if _plain(first) in PREPOSITIONS and rest else None
    name = rest if preposition else fragment
    spans = _named_after(previous)
    # "what about Spain?" / "y en España?" after "... contact point in Italy?": swap the country.
    if is_country(name):
        countries = [(start, end, p) for start, end, p in spans if is_country(previous[start:end])]
        if countries:
            start, end, _ = countries[-1]
            return previous[:start] + name + previous[end:]
    # "and in the Netherlands?" after "... set up in JITs ...": same preposition, new name.
    if preposition:
        same = [(start, end) for start, end, p in spans if p == preposition]
        if same:
            start, end = same[-1]
            return previous[:start] + name + previous[end:]
    # A new place or name for the same question ("and in Spain?", "and Eurojust?").
    if is_country(name) or name[:1].isupper():
        return f"{previous.rstrip(' ?？')} — {fragment}?"
    # A new subject ("what about funding?"): it is the question now; search it as written.
    return message


_STOPWORDS = {
    "the", "a", "an", "of", "to", "in", "on", "for", "and", "or", "what", "about", "how",
    "is", "are", "do", "does", "their", "its", "el", "la", "los", "las", "de", "del", "en", "y",
    "le", "les", "des", "du", "et", "o", "os", "as", "da", "em", "e", "que",
}


def own_words(message: str) -> list[str]:
    """The words that make a follow-up's own subject ("and what about funding?" -> funding)."""
    split = split_opener(message)
    rest = split[1] if split else message
    return [w for w in _words(rest) if w not in _STOPWORDS and w not in VERBS and len(w) > 1]


def _new_subject(message: str) -> bool:
    """The follow-up brings a new subject ("what about funding?"), not a place or a name."""
    split = split_opener(message)
    fragment = split[1].strip(" ?？!.") if split else ""
    first, _, rest = fragment.partition(" ")
    name = rest if _plain(first) in PREPOSITIONS and rest else fragment
    names_something = any(word[:1].isupper() for word in fragment.split())
    return bool(fragment) and not is_country(name) and not names_something


def keeps_subject(rewrite: str, message: str, previous: str) -> bool:
    """A model's rewrite of a new-subject follow-up keeps that subject and does not just
    extend the old question. (A new place or name is the model's to resolve: "over there in
    Madrid" may well become "in Spain".)"""
    if not _new_subject(message):
        return True
    words = set(_words(rewrite))

    def present(word: str) -> bool:
        return any(w == word or (min(len(w), len(word)) >= 5 and w[:5] == word[:5]) for w in words)

    if not all(present(w) for w in own_words(message)):
        return False
    # The old question with "— funding" appended is the old question still.
    old = [w for w in _words(previous) if w not in _STOPWORDS and w not in VERBS and len(w) > 2]
    return not old or not all(present(w) for w in old)


def _named_after(text: str) -> list[tuple[int, int, str]]:
    """(start, end, preposition) of each capitalised name following a preposition in text."""
    spans = []
    pattern = r"\b([\w']+)\s+((?:the\s+)?[A-ZÀ-ÖØ-Þ][\w'-]*(?:\s+[A-ZÀ-ÖØ-Þ][\w'-]*)*)"
    for match in re.finditer(pattern, text):
        word = _plain(match[1])
        if word in PREPOSITIONS:
            spans.append((match.start(2), match.end(2), word))
    return spans


@lru_cache(maxsize=1)
def _country_names() -> frozenset[str]:
    from babel import Locale

    names = set()
    for language in ("en", "es", "fr", "de", "it", "pt", "nl"):
        territories = Locale.parse(language).territories
        names.update(_plain(name) for code, name in territories.items() if code.isalpha())
    return frozenset(names)


def is_country(name: str) -> bool:
    """A country's name in one of the network's working languages ("Spain", "España")."""
    name = re.sub(r"^(?:the|la|le|el|les|los|die|il|lo|o|a)\s+", "", _plain(name.strip()))
    return name in _country_names()


class FollowupRewriter:
    """Standalone questions from chat follow-ups, with a language model if there is one."""

    def __init__(self, generator: TextGenerator | None = None, prompt: Prompt | None = None,
                 turns: int = _HISTORY_TURNS):
        self.generator = generator
        self.prompt = prompt or (load_prompt("standalone_question") if generator else None)
        self.turns = turns

    def standalone(self, message: str, history: Sequence[tuple[str, str]]) -> str:
        if not history:
            return message
        if self.generator is not None:
            rewritten = self._ask_model(message, history[-self.turns:])
            unchanged = _words(rewritten) == _words(history[-1][0])  # the old question again
            if rewritten and not unchanged and keeps_subject(rewritten, message, history[-1][0]):
                return rewritten
            if rewritten:
                log.info("follow-up rewrite not used (it changes the question): %r", rewritten)
        return carry_over(message, history[-1][0]) if is_followup(message) else message

    def _ask_model(self, message: str, turns: Sequence[tuple[str, str]]) -> str:
        conversation = "\n".join(
            f"User: {neutralise(q)}\nAssistant: {neutralise(_shorten(a))}" for q, a in turns
        )
        try:
            reply = self.generator.complete(
                self.prompt.system, self.prompt.render(history=conversation, question=neutralise(message))
            )
        except Exception as error:  # noqa: BLE001 - the heuristic answers instead
            log.warning("follow-up rewrite failed: %r", error)
            return ""
        lines = [line.strip() for line in reply.strip().splitlines() if line.strip()]
        if not lines:
            return ""
        question = re.sub(r"^(?:standalone question|question)\s*:\s*", "", lines[0], flags=re.IGNORECASE)
        return question.strip(" \"'“”«»`")


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _ANSWER_CHARS else text[: _ANSWER_CHARS].rsplit(" ", 1)[0] + " …"
