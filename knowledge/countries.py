"""Recognising countries in questions and directory files, in English, Spanish, French and Portuguese.

Names come from maintained data: pycountry (ISO 3166 codes, short and official names) and
babel's CLDR territory names for en/es/fr/pt. A small alias table adds what neither has
("UK", "Holland", "USA", adjectives such as "Dutch"). Two- and three-letter ISO codes are
only taken as countries where they cannot be ordinary words: upper case, after "in/for/from",
or as the whole query — "IT", "AND" or "CAN" in a sentence are left alone.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

import pycountry
from babel import Locale

LOCALES = ("en", "es", "fr", "pt")

#: Names and adjectives neither pycountry nor CLDR has, normalised (see `normalise`).
ALIASES = {
    "uk": "GB", "u k": "GB", "britain": "GB", "great britain": "GB", "england": "GB",
    "scotland": "GB", "wales": "GB", "northern ireland": "GB", "gran bretana": "GB",
    "grande bretagne": "GB", "gra bretanha": "GB", "inglaterra": "GB", "angleterre": "GB",
    # "usa" only in capitals (CAPITAL_ALIASES): lower-case it is Spanish/Portuguese "uses".
    "u s a": "US", "u s": "US", "america": "US", "united states": "US",
    "the states": "US", "eeuu": "US", "ee uu": "US", "eua": "US",
    "holland": "NL", "holanda": "NL", "hollande": "NL", "nederland": "NL",
    "the netherlands": "NL", "czech republic": "CZ", "turkey": "TR", "ivory coast": "CI",
    "cape verde": "CV", "burma": "MM", "swaziland": "SZ", "macedonia": "MK", "vatican": "VA",
    "drc": "CD", "dr congo": "CD", "uae": "AE", "emirates": "AE", "bolivia": "BO",
    "russia": "RU", "vietnam": "VN", "viet nam": "VN", "south korea": "KR", "moldova": "MD",
    # adjectives ("the Dutch JIT expert"); language-shaped ones give way to "speaks X"
    "dutch": "NL", "german": "DE", "british": "GB", "french": "FR", "spanish": "ES",
    "italian": "IT", "portuguese": "PT", "brazilian": "BR", "american": "US",
    "canadian": "CA", "mexican": "MX", "colombian": "CO", "argentine": "AR",
    "argentinian": "AR", "argentinean": "AR", "bolivian": "BO", "peruvian": "PE",
    "chilean": "CL", "nigerian": "NG", "ghanaian": "GH", "senegalese": "SN", "zambian": "ZM",
    "malawian": "MW", "kenyan": "KE", "thai": "TH", "filipino": "PH", "philippine": "PH",
    "indonesian": "ID", "vietnamese": "VN", "polish": "PL", "bulgarian": "BG",
    "romanian": "RO", "swedish": "SE", "finnish": "FI", "belgian": "BE", "austrian": "AT",
    "greek": "GR", "irish": "IE", "moldovan": "MD", "ukrainian": "UA", "russian": "RU",
    "turkish": "TR", "moroccan": "MA", "mozambican": "MZ", "south african": "ZA",
    "chinese": "CN", "indian": "IN", "japanese": "JP", "australian": "AU",
}

#: Region names that contain a country name but are not that country ("Latin America").
NOT_COUNTRIES = {
    "latin america", "south america", "central america", "north america", "america latina",
    "amerique latine", "america do sul", "america del sur", "amerique du sud",
    "new guinea", "west africa", "western africa",
}

#: CLDR names that are everyday words in one of the four languages ("ira" = "will go",
#: "reunion"/"reuniao" = meeting) or usually mean a city or a person (Granada, Guadalupe).
AMBIGUOUS_NAMES = {"ira", "oma", "reunion", "la reunion", "reuniao", "salvador", "gana", "granada", "guadalupe"}

#: Written in capitals, these are countries anywhere in a sentence.
CAPITAL_ALIASES = {"US": "US", "UK": "GB", "USA": "US", "UAE": "AE", "DRC": "CD"}

_CODE_CONTEXT = re.compile(r"\b(?:in|for|from|of|at|en|em|au)\s+(?:the\s+)?([A-Z]{2,3})\b")
_MAX_NAME_WORDS = 8


def normalise(text: str) -> str:
    """Accents stripped, case-folded, punctuation to spaces: 'Países-Bajos' -> 'paises bajos'."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(re.findall(r"[a-z0-9]+", text.casefold()))


@dataclass(frozen=True)
class CountryMatch:
    code: str  # ISO 3166-1 alpha-2
    text: str  # as written in the question
    start: int  # character span in the text searched
    end: int


@functools.cache
def _names() -> dict[tuple[str, ...], str | None]:
    """Normalised name (as a word tuple) -> alpha-2 code; None marks a non-country phrase."""
    codes = {c.alpha_2 for c in pycountry.countries}
    names: dict[tuple[str, ...], str | None] = {}

    def add(name: str, code: str | None) -> None:
        key = tuple(normalise(name).split())
        if key and " ".join(key) not in AMBIGUOUS_NAMES:
            names.setdefault(key, code)

    for alias, code in ALIASES.items():
        add(alias, code)
    for phrase in NOT_COUNTRIES:
        add(phrase, None)
    for locale in LOCALES:
        for code, name in Locale(locale).territories.items():
            if code in codes:
                add(name, code)
    for country in pycountry.countries:
        for attribute in ("common_name", "name", "official_name"):
            value = getattr(country, attribute, None)
            if value:
                add(value, country.alpha_2)
    return names


def _code(token: str) -> str | None:
    """An ISO alpha-2 or alpha-3 code, as alpha-2."""
    if len(token) == 2:
        country = pycountry.countries.get(alpha_2=token.upper())
    elif len(token) == 3:
        country = pycountry.countries.get(alpha_3=token.upper())
    else:
        return None
    return country.alpha_2 if country else None


def find_countries(text: str) -> list[CountryMatch]:
    """The countries named in `text`, in order of appearance, each once."""
    # Words with their spans; accents are stripped per word so spans stay those of `text`.
    words = [(m.start(), m.end(), normalise(m.group())) for m in re.finditer(r"\w+", text)]
    words = [(s, e, w) for s, e, w in words if w]
    names = _names()
    found: list[CountryMatch] = []
    i = 0
    while i < len(words):
        for size in range(min(_MAX_NAME_WORDS, len(words) - i), 0, -1):
            key = tuple(w for _, _, w in words[i : i + size])
            if key in names:
                code = names[key]
                start, end = words[i][0], words[i + size - 1][1]
                if code:
                    found.append(CountryMatch(code, text[start:end], start, end))
                i += size
                break
        else:
            i += 1
    taken = [(m.start, m.end) for m in found]
    for match in re.finditer(r"\b[A-Z]{2,3}\b", text):
        if any(s <= match.start() < e for s, e in taken):
            continue
        token = match.group()
        code = CAPITAL_ALIASES.get(token)
        if code is None and (text.strip() == token or _in_code_context(text, match.start())):
            code = _code(token)
        if code:
            found.append(CountryMatch(code, token, match.start(), match.end()))
    found.sort(key=lambda m: m.start)
    seen: set[str] = set()
    return [m for m in found if not (m.code in seen or seen.add(m.code))]


def _in_code_context(text: str, position: int) -> bool:
    return any(m.start(1) == position for m in _CODE_CONTEXT.finditer(text))


def resolve_country(value: str) -> str | None:
    """A code or a name in any supported language -> alpha-2 ('de', 'Alemania' -> 'DE')."""
    value = value.strip()
    code = _code(value) if value.isalpha() else None
    if code:
        return code
    key = tuple(normalise(value).split())
    return _names().get(key) or next((m.code for m in find_countries(value)), None)


def is_country_code(code: str) -> bool:
    return len(code) == 2 and pycountry.countries.get(alpha_2=code.upper()) is not None


def country_name(code: str, locale: str = "en") -> str:
    """The everyday name of a country ('BO' -> 'Bolivia'), from CLDR."""
    return Locale(locale).territories.get(code.upper()) or code.upper()


#: English names said with "the" ("no contact point on file for the Netherlands").
_WITH_ARTICLE = {"NL", "GB", "US", "PH", "AE", "CZ", "DO", "BS", "GM", "CD", "CF", "KM",
                 "MV", "MH", "SB", "VA", "KY", "VG", "VI", "FK", "FO", "TC", "CK", "SC"}


def country_phrase(code: str) -> str:
    """A country's English name as used mid-sentence: 'the Netherlands', 'Zambia'."""
    name = country_name(code)
    return f"the {name}" if code.upper() in _WITH_ARTICLE else name
