"""Does what we would quote answer what the question pins down?

A passage can be close to a question in meaning — same topic, same words — and still not
answer it: "What is the penalty for trafficking under the Brazilian Penal Code?" is close to
a paragraph on trafficking prosecutions that names neither Brazil, a penal code nor a
penalty. Similarity cannot see this; these checks can, without any model-specific score:

- **names**: the countries (by name or adjective, in en/es/fr/pt), instruments,
  organisations and operations the question names must be named in the quoted passages;
  an acronym is also matched by the initials of a phrase ("JIT" = joint investigation team);
- **years and figures** the question writes ("in 2023", "article 49") must occur there;
- **the attribute asked for** — a penalty, a deadline, a figure, a date, who holds an office
  today — must be stated in the quoted sentences themselves.

What is not covered is returned as *gaps*, in the question's own words, so the answer can
say what the knowledge base does not state.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from knowledge.countries import find_countries

from .answer_texts import GAP_PHRASES, GAP_TERMS, GAP_YEARS
from .language import looks_english
from .named_document import KINDS

#: words of a name that say what kind of thing it is, not which one ("Convention", "Office")
GENERIC_NAME_WORDS = frozenset(["a", "an", "the", "of", "on", "in", "for", "to", "against", "and", "between", "among", "with", "by", "at", "de", "del", "la", "el", "los", "las", "le", "les", "du", "des", "da", "do", "dos", "das", "e", "et", "y", "o", "convention", "conventions", "protocol", "protocols", "code", "treaty", "treaties", "act", "law", "laws", "agreement", "agreements", "operation", "operations", "network", "networks", "group", "groups", "working", "office", "offices", "committee", "council", "association", "associations", "organization", "organisation", "organizations", "organisations", "programme", "program", "programmes", "handbook", "guide", "guides", "guidelines", "report", "reports", "national", "international", "united", "nations", "states", "state", "article", "articles", "framework", "decision", "decisions", "unit", "units", "union", "european", "general", "public", "prosecutor", "prosecutors", "prosecution", "prosecutions", "ministry", "department", "service", "services", "global", "regional", "member", "members", "parties", "party", "conference", "joint", "investigation", "investigations", "team", "teams", "criminal", "matters", "crime", "crimes", "persons", "person", "trafficking", "smuggling", "migrants", "human", "beings", "women", "children", "assistance", "mutual", "legal", "cooperation", "specialized", "specialised", "secretariat", "agency", "court", "courts", "system"])

#: question words and other capitalised words that name nothing
_NOT_NAMES = frozenset(["what", "which", "who", "whom", "whose", "when", "where", "why", "how", "is", "are", "was", "were", "do", "does", "did", "can", "could", "should", "would", "will", "may", "might", "must", "shall", "has", "have", "had", "i", "i'm", "im", "my", "we", "our", "you", "your", "it", "its", "there", "please", "tell", "give", "list", "name", "explain", "describe", "thanks", "thank", "hello", "hi", "ok", "and", "or", "but", "also", "qué", "que", "cuál", "cual", "quién", "quien", "cuándo", "cuando", "dónde", "donde", "cómo", "como", "por", "es", "son", "hay", "quels", "quelle", "quel", "quelles", "qui", "quand", "où", "ou", "comment", "est", "sont", "quais", "qual", "quem", "onde", "porque"])

_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_NUMBER = re.compile(r"\b\d+(?:[.,]\d+)*\b")
_NUMBER_WORDS = re.compile(
    r"\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
    r"forty|fifty|hundred|hundreds|thousand|thousands|million|millions|billion|dozen|"
    r"half|several|majority|percent|per cent)\b", re.IGNORECASE)
_ORDINAL_WORDS = re.compile(
    r"\b(second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|"
    r"thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|"
    r"\d+(?:st|nd|rd|th))\b", re.IGNORECASE)
_MONTHS = (r"january|february|march|april|may|june|july|august|september|october|november|"
           r"december")


@dataclass(frozen=True)
class Attribute:
    """Something a question can ask for, and what a sentence that states it contains."""

    name: str
    asked: re.Pattern
    stated: re.Pattern


def _re(pattern: str) -> re.Pattern:
    return re.compile(pattern, re.IGNORECASE)


#: what a question may ask for (en/es/fr/pt) -> evidence a quoted sentence states it
ATTRIBUTES: list[Attribute] = [
    Attribute(
        "penalty",
        _re(r"\b(penalt\w*|sanction\w*|punish\w*|punishable|sentenc\w*|prison|imprisonment|jail"
            r"|fine|fines|pena|penas|peine|peines|multa|amende|castigo)\b"),
        _re(r"\b(penalt\w*|sanction\w*|punish\w*|sentenc\w*|prison|imprison\w*|jail|fine[sd]?"
            r"|years? of)\b"),
    ),
    Attribute(
        "deadline",
        _re(r"\b(deadlines?|time[- ]limits?|how long|how many (days|weeks|months|hours)"
            r"|statute of limitations?|limitation period|within how|plazo|prazo|d[ée]lai)\b"),
        _re(r"\b(\d+\s*(days?|weeks?|months?|years?|hours?)|deadlines?|time[- ]limits?"
            r"|limitation|within (a|one|two|three|\d))"),
    ),
    Attribute(
        "current",
        _re(r"\b(current|currently|today|nowadays|at present|presently|right now|this year"
            r"|actual|actualmente|actuel|actuellement|atual|atualmente)\b"),
        _re(r"\b(current|currently|at present|presently|as of)\b"),
    ),
    Attribute(
        "amount",
        _re(r"\bhow (many|much)\b|\bnumber of\b|\bfigures?\b|\bstatistics\b|\bbudget\b"
            r"|\bamount\b|\bcu[aá]nt[oa]s?\b|\bcombien\b|\bquant[oa]s?\b"),
        re.compile(_NUMBER.pattern + "|" + _NUMBER_WORDS.pattern, re.IGNORECASE),
    ),
    Attribute(
        "money",
        re.compile(r"\bhow much\b(?=.*\b(money|fund\w*|grant\w*|budget|cost\w*|compensation|salar\w*"
                   r"|fees?|paid|pay|award\w*)\b)|\b(budget|salary|fee|compensation amount)\b",
                   re.IGNORECASE),
        re.compile(r"€|\$|£|\b(euros?|dollars?|usd|eur|francs?|reais|pesos?|pounds)\b", re.IGNORECASE),
    ),
    Attribute(
        "date",
        _re(r"^\W*(when|cu[aá]ndo|quand|quando)\b|\b(in|on) (which|what) (year|date|day)\b"
            r"|\bwhat date\b"),
        _re(rf"\b(1[89]\d\d|20\d\d|{_MONTHS})\b"),
    ),
]


@dataclass
class Coverage:
    """What the question pins down and which of it the quoted text leaves out."""

    gaps: list[str] = field(default_factory=list)
    #: e.g. ["penalty"]: attributes asked for that no quoted sentence states
    missing_attributes: list[str] = field(default_factory=list)
    missing_names: list[str] = field(default_factory=list)
    missing_figures: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not (self.missing_attributes or self.missing_names or self.missing_figures)

    def describe(self) -> str:
        """The gap, for "The knowledge base does not say {gap} directly"."""
        if self.missing_names:
            return GAP_TERMS.format(terms=", ".join(f"“{n}”" for n in self.missing_names))
        if self.missing_figures:
            years = [f for f in self.missing_figures if _YEAR.fullmatch(f)]
            if years:
                return GAP_YEARS.format(years=", ".join(years))
            return GAP_TERMS.format(terms=", ".join(f"“{n}”" for n in self.missing_figures))
        return GAP_PHRASES.get(self.missing_attributes[0], "this")


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.replace("’", "'"))
    return "".join(c for c in text if not unicodedata.combining(c)).casefold()


def _same_word(a: str, b: str) -> bool:
    """Equal, or the same word in another form ("Operation"/"Operación", "JITs"/"JIT")."""
    if a == b:
        return True
    if min(len(a), len(b)) >= 5:
        return a[:5] == b[:5]
    return a.rstrip("s") == b.rstrip("s")


def name_phrases(text: str) -> list[str]:
    """Capitalised names in `text` ("Brazilian Penal Code", "Executive Director of UNODC").

    Consecutive capitalised words, joined through connectors ("of", "on", "in", "against"),
    minus the question's first word and question words.
    """
    tokens = list(re.finditer(r"[\w'’.-]*\w", text))
    phrases: list[list[str]] = []
    current: list[str] = []
    pending: list[str] = []
    for i, match in enumerate(tokens):
        word = match.group()
        folded = fold(word)
        first = i == 0 or text[: match.start()].rstrip().endswith(("?", ".", "!", ":", "¿", "¡"))
        is_acronym = sum(c.isupper() for c in word) >= 2
        capitalised = word[:1].isupper() and folded not in _NOT_NAMES and (not first or is_acronym)
        if capitalised:
            current.extend(pending)
            pending = []
            current.append(word)
        elif current and folded in ("of", "on", "in", "against", "for", "to", "de", "del", "the", "and"):
            pending.append(word)
        else:
            if current:
                phrases.append(current)
            current, pending = [], []
    if current:
        phrases.append(current)
    return [" ".join(p) for p in phrases]


def _distinctive(phrase: str) -> list[str]:
    return [w for w in (fold(x) for x in re.findall(r"[\w'-]+", phrase)) if w not in GENERIC_NAME_WORDS]


def _initials(words: Sequence[str]) -> set[str]:
    """Acronyms a text could be abbreviated to ("joint investigation teams" -> "jit", "jits")."""
    found: set[str] = set()
    for size in range(2, 8):
        for i in range(len(words) - size + 1):
            window = words[i : i + size]
            if window[0] in ("of", "on", "in", "against", "the", "and", "for", "to"):
                continue
            found.add("".join(w[0] for w in window))
            found.add("".join(w[0] for w in window if w not in ("of", "on", "in", "the", "and", "for", "to")))
    return found


class QuotedText:
    """The passages and sentences an answer would quote, prepared for the checks."""

    def __init__(self, passages: Iterable[str], sentences: Iterable[str]):
        self.passages = " \n ".join(passages)
        self.sentences = " ".join(sentences)
        self.folded = fold(self.passages)
        words = re.findall(r"[\w'-]+", self.folded)
        self.words = set(words)
        self.initials = _initials(words)
        self.phrases = [
            [fold(w) for w in re.findall(r"[\w'-]+", p)] for p in name_phrases(self.passages)
        ]
        self.countries = {m.code for m in find_countries(self.passages)}

    def names(self, phrase: str) -> bool:
        distinctive = _distinctive(phrase)
        if not distinctive:
            return True  # only kind words ("the Convention"): nothing specific to check
        if len(distinctive) == 1:
            word = distinctive[0]
            if phrase.strip().rstrip("s").isupper() and len(word) >= 2:  # an acronym
                stem = word.rstrip("s")
                if stem in self.initials or word in self.initials:
                    return True
            return any(_same_word(word, w) for w in self.words)
        # A multi-word name: each distinctive word must occur in the passages' names (or,
        # for an acronym inside it, as the initials of a phrase).
        named = {w for words in self.phrases for w in words}
        originals = {fold(w): w for w in re.findall(r"[\w'-]+", phrase)}
        return all(
            any(_same_word(d, w) for w in named)
            or (originals.get(d, "").rstrip("s").isupper() and d.rstrip("s") in self.initials)
            for d in distinctive
        )


_REFERENCE_WORD = re.compile(
    r"\b(article|art|para|paragraph|recommendation|rule|section|chapter|annex|resolution)s?\.?\s*$",
    re.IGNORECASE)


def _figures(question: str) -> list[str]:
    """Figures a question pins: numbers of two digits or more, and "article 5"-style numbers."""
    return [
        m.group() for m in _NUMBER.finditer(question)
        if len(m.group()) >= 2 or _REFERENCE_WORD.search(question[: m.start()])
    ]


def asked_attributes(question: str) -> list[Attribute]:
    return [a for a in ATTRIBUTES if a.asked.search(question)]


def _names_a_document(question: str, start: int, end: int) -> bool:
    """"the Brazilian law", "la ley española": the country says whose document to read, not
    a fact the passages must state (a national law seldom names its own country)."""
    after = re.match(r"\s*(\w+)", question[end:])
    before = re.search(r"(\w+)\s*$", question[:start])
    return any(m is not None and m[1].casefold() in KINDS for m in (after, before))


def _language_neutral(phrase: str) -> bool:
    return any(sum(c.isupper() for c in w) >= 2 or any(c.isdigit() for c in w) for w in phrase.split())


def check_coverage(question: str, passages: Sequence[str], sentences: Sequence[str]) -> Coverage:
    """The gaps between what `question` pins down and the quoted passages and sentences."""
    quoted = QuotedText(passages, sentences)
    coverage = Coverage()
    # Countries, by name or adjective in any of the four languages.
    question_countries = find_countries(question)
    spans = [(m.start, m.end) for m in question_countries]
    for match in question_countries:
        if match.code not in quoted.countries and not _names_a_document(question, match.start, match.end):
            coverage.missing_names.append(match.text)
    # Other names, with any country words taken out ("Brazilian Penal Code" -> "Penal Code").
    remainder = question
    for start, end in sorted(spans, reverse=True):
        remainder = remainder[:start] + " " * (end - start) + remainder[end:]
    english = looks_english(question)
    for phrase in name_phrases(remainder):
        # A name written in Spanish, French or Portuguese ("Consejo de Europa") cannot be
        # matched word for word in an English passage: only acronyms and names with digits,
        # which do not change across languages, are checked for those questions.
        if not english and not _language_neutral(phrase):
            continue
        if not quoted.names(phrase):
            coverage.missing_names.append(phrase.strip())
    # Ordinals ("at its thirteenth meeting") as written.
    for ordinal in _ORDINAL_WORDS.findall(question):
        if not re.search(rf"\b{re.escape(ordinal)}\b", quoted.passages, re.IGNORECASE):
            coverage.missing_figures.append(ordinal)
    # Years and figures as written.
    for figure in _figures(question):
        if not re.search(rf"(?<![\d.,]){re.escape(figure)}(?![\d])", quoted.passages):
            coverage.missing_figures.append(figure)
    # The attribute asked for, stated in the quoted sentences themselves.
    for attribute in ATTRIBUTES:
        if attribute.asked.search(question) and not attribute.stated.search(quoted.sentences):
            coverage.missing_attributes.append(attribute.name)
    coverage.gaps = coverage.missing_names + coverage.missing_figures + coverage.missing_attributes
    return coverage


def covering_selection(
    question: str,
    sentences: list[tuple[str, int]],
    candidates: Sequence[tuple[str, int]],
    citations: Sequence,
    *,
    tries: int = 12,
) -> tuple[list[tuple[str, int]], Coverage]:
    """The quoted (sentence, rank) pairs, plus one more candidate if that one fills the gaps.

    When the sentences chosen for closeness leave something the question pins down
    unstated, the next-best candidate sentences (from the same top passages) are tried one
    at a time; the first that makes the answer complete is added. Otherwise the selection
    is returned as it was, with its gaps.
    """
    texts = {c.rank: f"{c.section}: {c.text}" for c in citations}

    def coverage_of(selection: list[tuple[str, int]]) -> Coverage:
        ranks = sorted({rank for _, rank in selection})
        return check_coverage(question, [texts[r] for r in ranks if r in texts],
                              [s for s, _ in selection])

    coverage = coverage_of(sentences)
    if coverage.complete:
        return sentences, coverage
    quoted = {s for s, _ in sentences}
    for sentence, rank in [c for c in candidates if c[0] not in quoted][:tries]:
        trial = sorted(sentences + [(sentence, rank)], key=lambda sr: sr[1])
        trial_coverage = coverage_of(trial)
        if trial_coverage.complete:
            return trial, trial_coverage
    return sentences, coverage
