"""Understanding a contact question and ranking the directory's contact points for it.

"Who do I call in Zambia about a trafficking JIT?" names a country (in any of en/es/fr/pt),
maybe a network, a spoken language, and roles or topics. Intent detection is deliberately
conservative: a country in a legal question ("Does Italy allow JITs?") is not a request
for a contact. Countries are a hard filter: a country with no entry gets "no contact point
on file", never somebody else's contact presented as a match.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Literal

from babel import Locale

from .contact_vocabulary import (
    CONCEPTS,
    CONNECTORS,
    CONTACTS_WITH,
    EXPLICIT,
    LANGUAGE_ADJECTIVES,
    LANGUAGE_TRIGGER,
    LEGAL,
    NOT_A_REQUEST,
    NOT_PLACES,
    PERSON_REQUEST,
    PLACE_AFTER,
    REQUEST,
    ROLE,
    WHO,
    YES_NO,
    Concept,
)
from .countries import LOCALES, CountryMatch, country_phrase, find_countries, normalise

Intent = Literal["none", "contact", "mixed"]


@dataclass(frozen=True)
class ContactNote:
    """One thing the directory says about a lookup, as a kind and its values (codes, names).

    `text` is the English sentence; front ends word `kind` and `values` in the reader's
    language (bot/contact_texts.py), so the sentence patterns here are the only English.
    """

    kind: str  # unknown_place | no_country | no_network | no_language | no_topic_here | no_topic | name_something | no_country_named
    values: dict = field(default_factory=dict)
    text: str = ""


@dataclass
class ContactLookup:
    """Contacts for a question; `intent` says whether it asked for contacts only or also the law."""

    contacts: list[dict] = field(default_factory=list)
    note: str = ""
    #: the same as `note`, structured (one ContactNote per sentence)
    notes: list[ContactNote] = field(default_factory=list)
    intent: Intent = "none"
    countries: list[str] = field(default_factory=list)  # ISO codes named in the question
    #: for a mixed question, its legal part alone (what passages are searched for), else ""
    legal_question: str = ""

    @property
    def summary(self) -> str:
        """One line to answer a pure contact question with."""
        if not self.contacts:
            return self.note
        n = len(self.contacts)
        where = _places(self.countries)
        plural = "s" if n > 1 else ""
        return (
            f"{n} contact point{plural} on file for {where}." if where
            else f"{n} contact point{plural} matching your question."
        )


@functools.cache
def _language_names() -> dict[tuple[str, ...], str]:
    names: dict[tuple[str, ...], str] = {}
    for locale in LOCALES:
        for code, name in Locale(locale).languages.items():
            if "_" not in code and len(code) in (2, 3):
                names.setdefault(tuple(normalise(name).split()), code)
    return names


def _words(text: str) -> list[tuple[int, int, str]]:
    words = [(m.start(), m.end(), normalise(m.group())) for m in re.finditer(r"\w+", text)]
    return [(s, e, w) for s, e, w in words if w]


def _language_requests(words: list[tuple[int, int, str]]) -> tuple[list[str], list[int]]:
    """Languages asked for ('speaks Portuguese', 'French-speaking') and their word positions."""
    names = _language_names()
    codes: list[str] = []
    used: list[int] = []

    def name_at(i: int) -> tuple[str, int] | None:
        for size in (2, 1):
            key = tuple(w for _, _, w in words[i : i + size])
            if len(key) == size and key in names:
                return names[key], size
        return None

    for i, (_, _, word) in enumerate(words):
        if word in LANGUAGE_ADJECTIVES:
            codes.append(LANGUAGE_ADJECTIVES[word])
            used.append(i)
        if word in ("speaking", "speaker", "speakers") and i and name_at(i - 1):
            codes.append(name_at(i - 1)[0])
            used.append(i - 1)
        if not LANGUAGE_TRIGGER.match(word):
            continue
        j = i + 1
        while j < len(words) and j <= i + 6:
            found = name_at(j)
            if found:
                codes.append(found[0])
                used.extend(range(j, j + found[1]))
                j += found[1]
            elif words[j][2] in CONNECTORS:
                j += 1
            else:
                break
    return list(dict.fromkeys(codes)), used


def _network_patterns(networks: set[str]) -> dict[str, re.Pattern]:
    """A pattern per network: its full name, or a distinctive acronym in it ('REDTRAM')."""
    generic = {"jit", "jits", "tip", "network", "liaison", "central", "authorities"}
    patterns = {}
    for network in networks:
        words = normalise(network).split()
        if not words:
            continue
        alternatives = [r"\s+".join(re.escape(w.rstrip("s")) + "s?" for w in words)]
        for original in re.findall(r"\w+", network):
            acronym = len(original) >= 3 and sum(ch.isupper() for ch in original) >= 2
            if acronym and normalise(original) not in generic:
                alternatives.append(re.escape(normalise(original)))
        patterns[network] = re.compile(r"\b(" + "|".join(alternatives) + r")\b")
    return patterns


@dataclass
class ParsedQuestion:
    countries: list[CountryMatch]
    networks: list[str]
    languages: list[str]
    concepts: list[Concept]
    intent: Intent
    unknown_place: str = ""
    legal_question: str = ""


def parse(text: str, networks: set[str], *, explicit: bool = False) -> ParsedQuestion:
    """What a question asks for. `explicit`: the user is looking up contacts on purpose."""
    words = _words(text)
    languages, language_words = _language_requests(words)
    # Language names are blanked out so that "speaks Portuguese" is not about Portugal.
    masked = list(text)
    for i in language_words:
        start, end, _ = words[i]
        masked[start:end] = " " * (end - start)
    masked_text = "".join(masked)
    countries = find_countries(masked_text)
    flat = " ".join(w for _, _, w in words)
    found_networks = [n for n, p in sorted(_network_patterns(networks).items()) if p.search(flat)]
    concepts = [c for c in CONCEPTS if c.question.search(flat)]
    anchor = bool(countries or found_networks or languages)
    # "build contacts with counterparts" speaks about contacts; it does not ask for one.
    asking = CONTACTS_WITH.sub(" ", flat)
    person_request = bool(PERSON_REQUEST.search(asking))
    explicit_words = bool(EXPLICIT.search(asking)) or person_request
    request = bool(REQUEST.search(asking))
    role = bool(ROLE.search(flat))
    who = bool(WHO.search(flat))
    remainder = PERSON_REQUEST.sub(" ", flat)  # "I need someone in ..." asks for a person
    for concept in concepts:  # "mutual legal assistance" is not a legal question
        remainder = concept.question.sub(" ", remainder)
    # A yes/no question ("Do JITs help ...?") is about the law unless it asks who.
    legal = bool(LEGAL.search(remainder)) or bool(YES_NO.match(flat) and not who)
    # "the contact point in Wakanda": a place we cannot match must not widen the search.
    unknown = "" if countries else _unknown_place(masked_text, networks)
    if NOT_A_REQUEST.match(flat) and not explicit:
        wanted = False
    elif explicit:
        wanted = anchor or bool(concepts) or explicit_words or role or bool(unknown)
    else:
        wanted = (
            (explicit_words and (anchor or bool(unknown)))
            or (role and anchor)
            or (who and (anchor or bool(unknown)) and not legal
                and (bool(concepts) or len(words) <= 8))
            # no place named: only a plain request ("Who is the contact point for trafficking?")
            or (request and (bool(concepts) or role) and not legal)
        )
    intent: Intent = "none"
    if wanted:
        intent = "mixed" if legal and not explicit else "contact"
    legal_question = _legal_part(text) if intent == "mixed" else ""
    return ParsedQuestion(countries, found_networks, languages, concepts, intent, unknown, legal_question)


_CLAUSE_BREAK = re.compile(
    r"[?;]|\.\s|,?\s+(?:and|y|et|e)\s+(?=(?:who|whom|quien|quién|qui|quem|how (?:do|can) i "
    r"(?:contact|reach|call))\b)|,\s+(?=who\b)",
    re.IGNORECASE,
)


def _legal_part(text: str) -> str:
    """The clauses of a mixed question that are not about a contact ("..., and who do I call?")."""
    clauses = [c.strip(" ,") for c in _CLAUSE_BREAK.split(text) if c and c.strip(" ,")]
    kept = []
    for clause in clauses:
        flat = normalise(clause)
        contact = EXPLICIT.search(flat) or WHO.search(flat) or ROLE.search(flat)
        if not contact or LEGAL.search(flat):
            kept.append(clause)
    return "? ".join(kept) + "?" if kept and len(kept) < len(clauses) else ""


def _unknown_place(text: str, networks: set[str]) -> str:
    """A capitalised name after 'in/for/from' that is no country we know ('in Wakanda')."""
    known = {w for n in networks for w in normalise(n).split()} | NOT_PLACES
    for match in PLACE_AFTER.finditer(text):
        name = match.group(1)
        words = normalise(name).split()
        if words and not set(words) & known and not any(c.question.search(" ".join(words)) for c in CONCEPTS):
            return name
    return ""


def _places(codes: list[str]) -> str:
    names = [country_phrase(c) for c in codes]
    return " and ".join(names) if len(names) <= 2 else ", ".join(names[:-1]) + " and " + names[-1]


def _score(contact: dict, concepts: list[Concept], languages: list[str]) -> float:
    role = normalise(contact.get("role", ""))
    topics = normalise(contact.get("topics", ""))
    other = normalise(" ".join(contact.get(k, "") for k in ("unit", "authority", "network")))
    score = 0.0
    for concept in concepts:
        if concept.field.search(role):
            score += 3
        elif concept.field.search(topics):
            score += 2
        elif concept.field.search(other):
            score += 1
    spoken = set(contact.get("languages", "").split(";"))
    return score + 0.5 * len(spoken & set(languages))


def lookup(contacts: list[dict], text: str, *, explicit: bool = False, limit: int = 5) -> ContactLookup:
    """The best few contacts for `text` (contact dicts with `country_code`, `network`, ...)."""
    parsed = parse(text, {c["network"] for c in contacts if c.get("network")}, explicit=explicit)
    codes = [m.code for m in parsed.countries]
    result = ContactLookup(intent=parsed.intent, countries=codes, legal_question=parsed.legal_question)
    if parsed.intent == "none":
        return result
    if parsed.unknown_place:
        return _noted(result, [ContactNote("unknown_place", {"place": parsed.unknown_place}, (
            f"I do not recognise “{parsed.unknown_place}” as a country, so I cannot say who the "
            "contact point there is. Name the country (e.g. Netherlands, Países Bajos or NL)."
        ))])
    notes: list[ContactNote] = []
    candidates = contacts
    if codes:
        for code in codes:
            if not any(c["country_code"] == code for c in contacts):
                notes.append(ContactNote("no_country", {"country": code},
                                         f"No contact point on file for {country_phrase(code)}."))
        candidates = [c for c in contacts if c["country_code"] in codes]
        if not candidates:
            return _noted(result, notes)
    covered = [code for code in codes if any(c["country_code"] == code for c in candidates)]
    where = f" in {_places(covered)}" if covered else ""
    if parsed.networks:
        in_network = [c for c in candidates if c["network"] in parsed.networks]
        if in_network:
            candidates = in_network
        else:
            notes.append(ContactNote("no_network", {"networks": list(parsed.networks), "countries": covered},
                                     f"No {' or '.join(parsed.networks)} contact point on file{where}."))
            if not codes:
                return _noted(result, notes)
    if parsed.languages:
        speakers = [c for c in candidates if set(parsed.languages) & set(c["languages"].split(";"))]
        names = " or ".join(Locale("en").languages.get(code, code) for code in parsed.languages)
        if speakers:
            candidates = speakers
        else:
            notes.append(ContactNote("no_language", {"languages": list(parsed.languages), "countries": covered},
                                     f"No contact point{where} lists {names} among their languages."))
            if not codes:
                return _noted(result, notes)
    scored = [(c, _score(c, parsed.concepts, parsed.languages)) for c in candidates]
    if parsed.concepts:
        matching = [(c, s) for c, s in scored if s > 0]
        if matching:
            scored = matching
        elif codes:
            labels = " or ".join(c.label for c in parsed.concepts)
            notes.append(ContactNote("no_topic_here", {"topics": [c.label for c in parsed.concepts],
                                                       "countries": covered},
                                     f"None of the contact points{where} is listed for {labels}; "
                                     "these are the ones on file there."))
        elif not (parsed.networks or parsed.languages):
            labels = " or ".join(c.label for c in parsed.concepts)
            return _noted(result, [ContactNote("no_topic", {"topics": [c.label for c in parsed.concepts]},
                                               f"No contact point on file for {labels}.")])
    elif not (codes or parsed.networks or parsed.languages):
        return _noted(result, [ContactNote(
            "name_something", {}, "Name a country, a network or a topic to look up contact points.")])
    if not codes:
        notes.append(ContactNote("no_country_named", {},
                                 "No country named: these are the closest matches across the directory."))
    scored.sort(key=lambda cs: (-cs[1], cs[0].get("stale", False), _days(cs[0]), cs[0]["id"]))
    result.contacts = [c for c, _ in scored[:limit]]
    return _noted(result, notes)


def _noted(result: ContactLookup, notes: list[ContactNote]) -> ContactLookup:
    result.notes = notes
    result.note = " ".join(n.text for n in notes)
    return result


def _days(contact: dict) -> int:
    """Most recently verified first."""
    digits = re.sub(r"\D", "", contact.get("last_verified", ""))
    return -int(digits) if digits else 0
